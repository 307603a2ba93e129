"""``/runs``, ``/files`` and ``/file``: run records and uploaded files."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tensorboard import errors
from werkzeug import wrappers, wsgi

from tb_eval.kinds import run_record
from tb_plugin.http import content_disposition, respond_json, route
from tb_plugin.query import single
from tb_plugin.services import Services, request_context


def _files(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's ``files`` as ``[{"name": str, "size": int}]``, skipping malformed entries."""
    files = record.get("files")
    if not isinstance(files, list):
        return []
    return [
        {"name": entry["name"], "size": entry.get("size")}
        for entry in files
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    ]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def describe_run(run: str, record: dict[str, Any] | None) -> dict[str, Any]:
    """One entry of ``/runs``: the TensorBoard run name and its newest run record."""
    record = record or {}
    name = record.get("name")
    return {
        "run": run,
        "name": name if isinstance(name, str) else os.path.basename(run.rstrip("/\\")) or run,
        "experiment": record.get("experiment"),
        "status": record.get("status") if isinstance(record.get("status"), str) else "unknown",
        "params": _mapping(record.get("params")),
        "tags": _mapping(record.get("tags")),
        "properties": _mapping(record.get("properties")),
        "display_name": _text(record.get("display_name")),
        "parent": _text(record.get("parent")),
        "files": _files(record),
        "start_time": record.get("start_time"),
        "end_time": record.get("end_time"),
    }


def artifact_path(logdir: str, run: str, name: str) -> str | None:
    """The uploaded file ``name`` of ``run`` on disk, or ``None`` when the path would leave the
    run's ``artifacts`` directory (``..``, absolute names, symlinks) or is not a regular file."""
    if not name or "\0" in name or name.startswith(("/", "\\")) or os.path.isabs(name):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = os.path.realpath(os.path.join(logdir, run, run_record.ARTIFACTS_DIR))
    target = os.path.realpath(os.path.join(base, *parts))
    if not target.startswith(base + os.sep) or not os.path.isfile(target):
        return None
    return target


class RunRoutes:
    """Runs with tb_eval data, and the files uploaded to them."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def routes(self) -> dict[str, Callable]:
        return {"/runs": self._runs, "/files": self._list_files, "/file": self._file}

    @route
    def _runs(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        data = self._services.data
        runs = sorted({info.run for info in data.tags(ctx, eid)})
        records = data.run_records(ctx, eid)
        return respond_json(
            request, {"runs": [describe_run(run, records.get(run)) for run in runs]}
        )

    @route
    def _list_files(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        record = self._services.data.run_record(ctx, eid, run)
        return respond_json(request, {"run": run, "files": _files(record)})

    @route
    def _file(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        name = single(request.args, "name", required=True)
        record = self._services.data.run_record(ctx, eid, run)
        if name not in {entry["name"] for entry in _files(record)}:
            raise errors.NotFoundError(f"run {run!r} has no uploaded file {name!r}")
        path = artifact_path(self._services.data.logdir(ctx, eid), run, name)
        if path is None:
            raise errors.NotFoundError(f"run {run!r}: file {name!r} is not in its artifacts")
        handle = open(path, "rb")  # noqa: SIM115 - the response closes it once sent
        size = os.fstat(handle.fileno()).st_size
        return wrappers.Response(
            wsgi.wrap_file(request.environ, handle),
            mimetype="application/octet-stream",
            direct_passthrough=True,
            headers={
                "Content-Length": str(size),
                "Content-Disposition": content_disposition(name),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-cache, must-revalidate",
            },
        )
