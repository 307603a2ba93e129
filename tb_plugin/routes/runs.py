"""``/runs``, ``/files`` and ``/file``: run records and uploaded files."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tensorboard import errors
from werkzeug import wrappers, wsgi

from tb_eval.io import remote
from tb_eval.kinds import run_record, sweep
from tb_plugin.data import DataError
from tb_plugin.http import content_disposition, respond_json, route
from tb_plugin.query import shown, single
from tb_plugin.services import Services, request_context


def describe_run(
    run: str, record: dict[str, Any] | Exception | None, files: list[dict] | None = None
) -> dict[str, Any]:
    """One entry of ``/runs``: the TensorBoard run name and its newest run record.

    ``record`` may be the error that made it unreadable; then, and for fields of the wrong
    type, ``error`` says what is wrong and the fields fall back to their defaults. ``files``
    replaces the record's list (the plugin lists only files it would serve).
    """
    problems: list[str] = []
    if isinstance(record, Exception):
        problems.append(str(record))
        record = None
    fields, field_problems = run_record.shown_fields(record) if record is not None else ({}, [])
    if field_problems:
        problems.append("run record: " + "; ".join(field_problems))
    return {
        "run": run,
        "name": fields.get("name") or os.path.basename(run.rstrip("/\\")) or run,
        "experiment": fields.get("experiment"),
        "status": fields.get("status", "unknown"),
        "params": fields.get("params", {}),
        "tags": fields.get("tags", {}),
        "files": fields.get("files", []) if files is None else files,
        "properties": fields.get("properties", {}),
        "display_name": fields.get("display_name"),
        "parent": fields.get("parent"),
        "start_time": fields.get("start_time"),
        "end_time": fields.get("end_time"),
        "error": "; ".join(problems) or None,
    }


def is_experiment_root(kinds: set[str]) -> bool:
    """Whether a run holding series of ``kinds`` is a sweep's experiment root (a sweep record
    and no run record, as ``tb_eval.sweep.is_experiment_root`` says): the sweep, not a run."""
    return sweep.KIND in kinds and run_record.KIND not in kinds


def _within(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip(os.sep) + os.sep)


def resolve_artifact(logdir: str, run: str, name: str) -> tuple[str | None, str]:
    """The uploaded file ``name`` of ``run`` on disk, or ``None`` and the reason it is refused.

    Only a regular file inside the run's own ``artifacts`` directory is served, with every
    symlink resolved: the run directory must resolve inside the logdir, ``artifacts`` must not
    be a symlink, and neither may any part of ``name`` lead out of it. ``..`` and absolute names
    are refused. Under a remote logdir (``s3://...``) the file is its URL, read through fsspec.
    """
    if not name or "\0" in name or name.startswith(("/", "\\")) or os.path.isabs(name):
        return None, "is not a relative file name"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None, "is not a plain relative path"
    if remote.is_url(logdir):
        return remote.resolve_artifact(logdir, run, parts, run_record.ARTIFACTS_DIR)
    root = os.path.realpath(logdir)
    run_dir = os.path.realpath(os.path.join(root, *run.split("/")))
    if run_dir != root and not _within(run_dir, root):
        return None, "cannot be served: the run directory lies outside the logdir (a symlink)"
    base = os.path.join(run_dir, run_record.ARTIFACTS_DIR)
    if os.path.realpath(base) != base:
        return None, f"cannot be served: the run's {run_record.ARTIFACTS_DIR!r} is a symlink"
    target = os.path.realpath(os.path.join(base, *parts))
    if not _within(target, base):
        return None, "cannot be served: it leads out of the run's artifacts (a symlink)"
    if not os.path.isfile(target):
        return None, "is not a regular file in the run's artifacts"
    return target, ""


def artifact_path(logdir: str, run: str, name: str) -> str | None:
    """The uploaded file ``name`` of ``run`` on disk, or ``None`` (see :func:`resolve_artifact`)."""
    return resolve_artifact(logdir, run, name)[0]


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
        held: dict[str, set[str]] = {}
        for info in data.listing(ctx, eid):
            held.setdefault(info.run, set()).add(info.kind)
        runs = sorted(run for run, kinds in held.items() if not is_experiment_root(kinds))
        records = data.run_records(ctx, eid)
        logdir = self._logdir(ctx, eid)
        entries = []
        for run in runs:
            entry = describe_run(run, records.get(run))
            entry["files"] = self._servable(logdir, run, entry["files"])
            entries.append(entry)
        return respond_json(request, {"runs": entries})

    def _logdir(self, ctx: Any, eid: str) -> str | None:
        try:
            return self._services.data.logdir(ctx, eid)
        except errors.NotFoundError:
            return None

    @staticmethod
    def _servable(logdir: str | None, run: str, files: list[dict]) -> list[dict]:
        """The entries of ``files`` that ``/file`` serves (no listing through symlinks)."""
        if logdir is None:
            return []
        return [entry for entry in files if artifact_path(logdir, run, entry["name"]) is not None]

    def _record(self, ctx: Any, eid: str, run: str) -> dict[str, Any]:
        """``/runs``'s entry for ``run``; ``NotFoundError`` when it has no run record."""
        try:
            record: dict[str, Any] | Exception = self._services.data.run_record(ctx, eid, run)
        except DataError as error:
            record = error
        entry = describe_run(run, record)
        entry["files"] = self._servable(self._logdir(ctx, eid), run, entry["files"])
        return entry

    @route
    def _list_files(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        entry = self._record(ctx, eid, run)
        return respond_json(request, {"run": run, "files": entry["files"], "error": entry["error"]})

    @route
    def _file(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        name = single(request.args, "name", required=True)
        record = self._services.data.run_record(ctx, eid, run)
        if name not in {entry["name"] for entry in describe_run(run, record)["files"]}:
            raise errors.NotFoundError(f"run {run!r} has no uploaded file {shown(name)}")
        path, reason = resolve_artifact(self._services.data.logdir(ctx, eid), run, name)
        if path is None:
            raise errors.NotFoundError(f"run {run!r}: file {shown(name)} {reason}")
        try:
            handle, size = remote.open_for_serving(path)  # the response closes it once sent
        except Exception as error:  # noqa: BLE001 - local or store errors alike: a 404
            reason = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
            raise errors.NotFoundError(
                f"run {run!r}: file {shown(name)} cannot be opened ({reason})"
            ) from None
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
