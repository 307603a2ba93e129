"""The Azure-ML-style surface of a run's record, shared by a live ``Run`` and a ``StoredRun``.

The run record (tag ``tb_eval/run/record``, see :mod:`tb_eval.kinds.run_record`) holds the
run's id, display name, params, tags, properties, status and uploaded files. Both classes expose
it the same way through :class:`RecordSurface`; they differ only in how a change is written
(:meth:`RecordSurface._commit`): a running run queues it in its own event file, a finished run
gets a new event file (which sorts after the run's others, so TensorBoard reads it last).
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

from tb_eval import artifacts, validation
from tb_eval.io import remote
from tb_eval.io.events import encode_event
from tb_eval.io.writer import EventFileWriter
from tb_eval.kinds import common, run_record

#: Our statuses and the words Azure's ``get_status`` uses for them.
AZURE_STATUS = {
    "running": "Running",
    "success": "Completed",
    "failure": "Failed",
    "canceled": "Canceled",
}


def merged_tags(current: Mapping[str, Any], tags: Any) -> dict[str, Any]:
    """``current`` updated with ``tags`` (a dict, or a str: one tag without a value)."""
    if isinstance(tags, str):
        tags = {tags: ""}
    return {**current, **validation.check_params(tags, "tags")}


def without_tags(current: Mapping[str, Any], tags: Any) -> dict[str, Any]:
    """``current`` without the keys ``tags`` (a list of keys, or one key); unknown keys are
    ignored, as in Azure ML."""
    if isinstance(tags, str):
        tags = [tags]
    if isinstance(tags, Mapping) or not isinstance(tags, Iterable):
        raise TypeError(f"tags: expected a list of tag names, got {tags!r}")
    keys = list(tags)
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"tags: tag names are str, got {key!r}")
    return {key: value for key, value in current.items() if key not in keys}


def merged_properties(current: Mapping[str, Any], properties: Any) -> dict[str, Any]:
    """``current`` with ``properties`` added. Properties are write-once, as in Azure ML: adding
    an existing key again with another value raises ``ValueError`` (the same value is a no-op)."""
    checked = validation.check_params(properties, "properties")
    for key, value in checked.items():
        if key in current and current[key] != value:
            raise ValueError(
                f"properties: {key!r} is already {current[key]!r} and properties cannot change "
                f"(got {value!r}); use a tag for values that change"
            )
    return {**current, **checked}


def check_display_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"display_name: expected a non-empty str, got {value!r}")
    return value


def append_record(directory: str, record: dict[str, Any], step: int) -> None:
    """Write ``record`` at ``step`` in a new event file of the run at ``directory``."""
    if remote.is_url(directory):
        remote.append_event_file(directory, lambda local: append_record(local, record, step))
        return
    writer = EventFileWriter(directory)
    try:
        value = common.summary_value(
            run_record.TAG, common.json_tensor(record), run_record.metadata()
        )
        writer.append(encode_event(time.time(), step, [value]))
    finally:
        writer.close()


def _utc(seconds: Any) -> str | None:
    if not isinstance(seconds, (int, float)):
        return None
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


class RecordSurface:
    """Reading and changing a run's record the way Azure ML's ``Run`` does.

    Subclasses provide ``directory``, :meth:`_record` (the current record) and :meth:`_commit`
    (apply validated changes to the record and write it).
    """

    directory: str

    def _record(self) -> dict[str, Any]:
        raise NotImplementedError

    def _commit(self, **changes: Any) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ identity
    @property
    def id(self) -> str:
        """The run's id: its path below the experiment (``name``, or ``parent/child`` for a
        child run)."""
        record = self._record()
        return record.get("id") or record.get("name") or os.path.basename(self.directory)

    @property
    def display_name(self) -> str:
        """A readable name for the run (settable); defaults to its name."""
        record = self._record()
        return record.get("display_name") or record.get("name") or self.id

    @display_name.setter
    def display_name(self, value: str) -> None:
        self._commit(display_name=check_display_name(value))

    def get_status(self) -> str:
        """Azure's status words: ``Running``, ``Completed``, ``Failed`` or ``Canceled``."""
        status = self._record().get("status", "unknown")
        return AZURE_STATUS.get(status, "NotResponding" if status == "unknown" else status)

    def get_details(self) -> dict[str, Any]:
        """Azure's ``get_details`` keys that apply: ``runId``, ``displayName``, ``status``,
        ``startTimeUtc``, ``endTimeUtc`` (once ended), ``properties``, ``tags``, ``target``
        (``local``), ``error`` (when failed with details), and ``directory``."""
        record = self._record()
        details: dict[str, Any] = {
            "runId": self.id,
            "displayName": self.display_name,
            "status": self.get_status(),
            "startTimeUtc": _utc(record.get("start_time")),
            "properties": dict(record.get("properties", {})),
            "tags": dict(record.get("tags", {})),
            "target": "local",
            "directory": self.directory,
        }
        if record.get("end_time") is not None:
            details["endTimeUtc"] = _utc(record["end_time"])
        if record.get("error"):
            details["error"] = {"message": record["error"]}
        return details

    # ------------------------------------------------------------------ tags and properties
    def get_tags(self) -> dict[str, Any]:
        """The run's tags."""
        return dict(self._record().get("tags", {}))

    def get_properties(self) -> dict[str, Any]:
        """The run's properties (write-once key-value pairs, see :meth:`add_properties`)."""
        return dict(self._record().get("properties", {}))

    def get_params(self) -> dict[str, Any]:
        """The run's params."""
        return dict(self._record().get("params", {}))

    def tag(self, key: str, value: Any = None) -> None:
        """Set one tag; without ``value`` the tag is a label (its value is ``''``)."""
        if not isinstance(key, str):
            raise TypeError(f"key: expected a str, got {key!r}")
        self.set_tags({key: "" if value is None else value})

    def set_tags(self, tags: Mapping[str, Any] | str) -> None:
        """Add or change tags (a dict; a str adds one tag without a value). Tags may change
        later; values may be str, numbers, bools, ``None``, nested dicts (flattened as ``a.b``)
        or anything else (kept as its text)."""
        self._commit(tags=merged_tags(self._record().get("tags", {}), tags))

    def remove_tags(self, tags: Iterable[str] | str) -> None:
        """Delete the tags named in ``tags``."""
        self._commit(tags=without_tags(self._record().get("tags", {}), tags))

    def add_properties(self, properties: Mapping[str, Any]) -> None:
        """Add write-once properties (an existing key with another value raises)."""
        if not properties and isinstance(properties, Mapping):
            return
        current = self._record().get("properties", {})
        self._commit(properties=merged_properties(current, properties))

    # ------------------------------------------------------------------ metrics and children
    def _metrics(self, name: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def _live_children(self) -> list[RecordSurface]:
        """Children known as objects (a live run's :meth:`child_run` results)."""
        return []

    def get_metrics(
        self,
        name: str | None = None,
        recursive: bool = False,
        run_type: str | None = None,
        populate: bool = False,
    ) -> dict[str, Any]:
        """Everything logged, read back from the event files (Azure's shape: a value logged once
        comes back as the value, several times as a list; tables and rows as dicts of columns;
        confusion matrices, accuracy tables, residuals and Azure's binned predictions as Azure's
        JSON documents; docs/logger.md "Reading back" lists every kind).
        With ``recursive=True``: ``{run id: metrics}`` for this run and all its descendants.
        ``run_type`` and ``populate`` are accepted for Azure compatibility."""
        if not recursive:
            return self._metrics(name)
        out: dict[str, Any] = {}
        for run in [self, *self.get_children(recursive=True)]:
            try:
                out[run.id] = run._metrics(name)
            except KeyError:  # this run has no metric ``name``
                out[run.id] = {}
        return out

    def get_children(
        self,
        recursive: bool = False,
        tags: Any = None,
        properties: Any = None,
        type: str | None = None,  # noqa: A002 - Azure's argument name
        status: str | None = None,
        _rehydrate_runs: bool = True,
    ) -> list[RecordSurface]:
        """This run's children, oldest first: those created in this process (as objects) and
        any other sub-directory run (opened from disk). Filters as in Azure: ``tags`` (a tag
        name or a dict of tag values), ``properties`` (likewise), ``status`` (e.g.
        ``"Completed"``); ``type`` is accepted and ignored."""
        from tb_eval.children import find_children

        return find_children(self, self._live_children(), recursive, tags, properties, status)

    # ------------------------------------------------------------------ files
    @property
    def _files_directory(self) -> str:
        """Where the uploaded files are read from (a remote run's: its URL)."""
        return self.directory

    def get_file_names(self) -> list[str]:
        """Names of the files uploaded to this run."""
        return [entry["name"] for entry in self._record().get("files", [])]

    def download_file(self, name: str, output_file_path: str | os.PathLike | None = None) -> str:
        """Copy the uploaded file ``name`` to ``output_file_path`` (default: its base name in
        the working directory). Returns the path written."""
        return artifacts.download(
            self._files_directory, self.get_file_names(), name, output_file_path
        )

    def download_files(
        self,
        prefix: str | None = None,
        output_directory: str | os.PathLike | None = None,
        output_paths: list[str] | None = None,
        batch_size: int = 100,
        append_prefix: bool = True,
        timeout_seconds: float | None = None,
    ) -> list[str]:
        """Copy every uploaded file whose name starts with ``prefix`` (all by default) under
        ``output_directory``, keeping their names as relative paths (without ``prefix`` when
        ``append_prefix=False``). ``batch_size`` and ``timeout_seconds`` are accepted for
        Azure compatibility and unused. Returns the paths written."""
        return artifacts.download_many(
            self._files_directory,
            self.get_file_names(),
            prefix,
            output_directory,
            output_paths,
            append_prefix,
        )

    def get_file_path(self, name: str) -> str:
        """Where the uploaded file ``name`` lies on disk."""
        if name not in self.get_file_names():
            raise KeyError(f"name: no uploaded file {name!r} in run {self.directory!r}")
        return artifacts.artifact_path(self._files_directory, name)
