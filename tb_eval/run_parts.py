"""Two parts of :class:`tb_eval.run.Run`, moved out of ``run.py`` as they were: its run record,
HParams session and ending (:class:`RecordAndEnd`), and its files and child runs
(:class:`FilesAndChildren`). They use the attributes ``Run.__init__`` sets."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tb_eval import artifacts, kinds
from tb_eval.io.events import encode_event
from tb_eval.lifecycle import (
    _HPARAMS_END_STATUS,
    _STATUS_CANCELED,
    _STATUS_FAILURE,
    _STATUS_RUNNING,
    _STATUS_SUCCESS,
)
from tb_eval.record import RecordSurface, append_record

if TYPE_CHECKING:
    from tb_eval.run import Run


class RecordAndEnd:
    """The run record, the HParams session and the end of a run."""

    def _start_session(self) -> None:
        """Write the HParams session record, once, with the first batch that reaches the file:
        TensorBoard keeps a run's first session record, so params and tags set before then
        (the usual case: right after start_logging) are all in it."""
        with self._lock:
            if self._session_started:
                return
            self._session_started = True
            self._writer.append(
                encode_event(
                    self._start_time,
                    0,
                    [
                        kinds.hparams.start_value(
                            self._hparams(), self._group_name(), self._start_time
                        )
                    ],
                )
            )

    def _group_name(self) -> str:
        """HParams groups sessions by this name: one group per run, the sweep's runs apart."""
        return f"{self.experiment}/{self.id}" if self.experiment else self.id

    def _hparams(self) -> dict:
        """Tags and params for HParams (params win); ``None`` shows as the text ``None``."""
        merged = dict(self._tags)
        merged.update(self._params)
        return {key: "None" if value is None else value for key, value in merged.items()}

    def _record(self) -> dict[str, Any]:
        record = {
            "name": self.name,
            "id": self._id,
            "display_name": self._display_name,
            "experiment": self.experiment,
            "parent": self._parent_id,
            "params": self._params,
            "tags": self._tags,
            "properties": self._properties,
            "status": self._status,
            "start_time": self._start_time,
            "end_time": self._end_time,
            "files": self._files,
        }
        if self._error:
            record["error"] = self._error
        return record

    def _write_run_record(self) -> None:
        step = self._next_step(kinds.run_record.TAG, None, "the run record")
        if self._status == _STATUS_RUNNING or not self._writer_closed:
            self._emit_own(
                kinds.run_record.TAG,
                step,
                kinds.run_record.encode(self._record()),
                kinds.run_record.metadata,
            )
        else:  # a finished run: its changes go to a new event file, as for open_run's runs
            append_record(self.directory, self._record(), step)
            self._last_step[kinds.run_record.TAG] = step

    def _commit(self, **changes: Any) -> None:
        """Apply record changes (tags, properties, display name), also after the run ended."""
        with self._lock:
            current = {"tags": self._tags, "properties": self._properties}
            current["display_name"] = self._display_name
            if all(current[key] == value for key, value in changes.items()):
                return
            if "tags" in changes:
                self._tags = changes["tags"]
                self._note_late_hparams()
            if "properties" in changes:
                self._properties = changes["properties"]
            if "display_name" in changes:
                self._display_name = changes["display_name"]
            self._write_run_record()
            if self._mirror is not None and self._writer_closed:
                self._mirror.sync()

    def _note_late_hparams(self) -> None:
        if self._session_started and not self._warned_late_params:
            self._warned_late_params = True
            warnings.warn(
                f"run {self.name!r}: TensorBoard's HParams dashboard keeps the params and tags "
                "a run "
                "had when it first wrote data; this change is kept by tb_eval (get_tags, "
                "get_params, the tb_eval plugin) but not shown there",
                stacklevel=3,
            )

    # ------------------------------------------------------------------ lifecycle
    def flush(self, timeout_seconds: float = 300) -> None:
        """Write everything logged so far to disk (and upload it, for a remote logdir, within
        ``timeout_seconds``)."""
        self._writer.flush()
        if self._mirror is not None:
            self._mirror.sync(timeout_seconds)

    def complete(self, _set_status: bool = True) -> None:
        """Mark the run successful, write everything and close the file."""
        self._end(_STATUS_SUCCESS)

    def fail(
        self,
        error_details: str | BaseException | None = None,
        error_code: str | None = None,
        _set_status: bool = True,
    ) -> None:
        """Mark the run failed (optionally with ``error_details``, a str or an exception, and
        an ``error_code``), write everything and close the file."""
        if isinstance(error_details, BaseException):
            error_details = f"{type(error_details).__name__}: {error_details}"
        if error_details is not None and not isinstance(error_details, str):
            raise TypeError(f"error_details: expected a str or an exception, got {error_details!r}")
        if error_code is not None and not isinstance(error_code, str):
            raise TypeError(f"error_code: expected a str, got {error_code!r}")
        if error_code:
            error_details = f"[{error_code}] {error_details or ''}".rstrip()
        self._end(_STATUS_FAILURE, error_details)

    def cancel(self) -> None:
        """Mark the run canceled (``get_status()`` is ``Canceled``; HParams shows a failure,
        having no canceled status), write everything and close the file."""
        self._end(_STATUS_CANCELED)

    def _end(self, status: str, error_details: str | None = None) -> None:
        with self._lock:
            if self._status != _STATUS_RUNNING:
                return
            if error_details:
                self._tags["error"] = error_details
                self._error = error_details
            if self._writer.before_write is not None or self._params or self._tags:
                self._start_session()
            self._status = status
            self._end_time = time.time()
            self._write_run_record()
            if self._session_started:
                end = kinds.hparams.end_value(_HPARAMS_END_STATUS[status], self._end_time)
                self._writer.append(encode_event(self._end_time, 0, [end]))
            self._writer_closed = True  # from now on record changes go to a new file
        self._writer.close()
        if self._mirror is not None:
            self._mirror.run_ended(self)


class FilesAndChildren:
    """Uploaded files, reading back, and child runs."""

    # ------------------------------------------------------------------ files
    def upload_file(self, name: str, path_or_stream: Any, datastore_name: str | None = None):
        """Copy a file (a path, or a binary or text stream) into the run as ``name``, such as
        ``outputs/model.pkl``. ``datastore_name`` is accepted for Azure compatibility."""
        self._upload([(name, path_or_stream)], "path_or_stream")

    def upload_files(
        self,
        names: Sequence[str],
        paths: Sequence[Any],
        return_artifacts: bool = False,
        timeout_seconds: float | None = None,
        datastore_name: str | None = None,
    ) -> None:
        """Copy several files, ``names[i]`` from ``paths[i]``; all or none are uploaded."""
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise TypeError(f"names: expected a list of file names, got {names!r}")
        if isinstance(paths, str) or not isinstance(paths, Sequence):
            raise TypeError(f"paths: expected a list of paths, got {paths!r}")
        if len(names) != len(paths):
            raise ValueError(
                f"paths: {len(paths)} paths for {len(names)} names; give one path per name"
            )
        self._upload(list(zip(names, paths, strict=True)), "paths")

    def upload_folder(self, name: str, path: str | os.PathLike, datastore_name: str | None = None):
        """Copy every file under the folder ``path`` into the run as ``<name>/<relative path>``."""
        self._upload(artifacts.folder_uploads(name, path), "path")

    def _upload(self, uploads: list[tuple[str, Any]], argument: str) -> None:
        with self._lock:
            self._check_open()
            existing = [entry["name"] for entry in self._files]
            self._files.extend(artifacts.upload(self.directory, existing, uploads, argument))
            self._write_run_record()
        if self._mirror is not None:
            self.flush()

    # ------------------------------------------------------------------ reading
    def _metrics(self, name: str | None) -> dict[str, Any]:
        from tb_eval.reader import read_run

        self.flush()
        return read_run(self.directory).metrics(name)

    # ------------------------------------------------------------------ runs in runs
    @classmethod
    def get_context(
        cls, allow_offline: bool = True, used_for_context_manager: bool = False, **kwargs: Any
    ) -> Run:
        """The run this process should log to: :func:`tb_eval.get_context` (the arguments are
        Azure's and change nothing here)."""
        from tb_eval.context import get_context

        return get_context()

    def child_run(
        self, name: str | None = None, run_id: str | None = None, outputs: str | None = None
    ) -> Run:
        """Start a child run (e.g. one trial of a sweep) in a sub-directory of this run's, which
        TensorBoard shows as the run ``<this run>/<child>``. Its directory is ``run_id``, else
        ``name`` (with a suffix if a child of that name exists), else a generated name; its
        display name is ``name``. ``outputs`` is accepted for Azure compatibility."""
        from tb_eval.children import child_directory_name

        with self._lock:
            if self._distributed is None:
                child_name = child_directory_name(self.directory, name, run_id)
            else:  # under torch.distributed rank 0 names the child for every rank
                from tb_eval import distributed

                child_name = distributed.shared_name(
                    self._distributed, lambda: child_directory_name(self.directory, name, run_id)
                )
            child = type(self)(  # a follower rank's child writes nothing either
                os.path.join(self.directory, child_name),
                experiment=self.experiment,
                name=child_name,
                params={},
                tags={},
                flush_secs=self._writer.flush_secs,
                run_id=f"{self._id}/{child_name}",
                display_name=name,
                parent=self,
            )
            child._distributed = self._distributed
            if self._mirror is not None:
                self._mirror.attach(child)
            self._children.append(child)
            return child

    def _live_children(self) -> list[RecordSurface]:
        with self._lock:
            return list(self._children)

    @property
    def parent(self) -> RecordSurface | None:
        """The parent run (``None`` for a top-level run): the ``Run`` object when created with
        :meth:`child_run` in this process, else read from disk."""
        if self._parent is not None or self._parent_id is None:
            return self._parent
        from tb_eval.reader import open_run
        from tb_eval.run import _has_event_files

        parent_dir = os.path.dirname(os.path.normpath(self.directory))
        return open_run(parent_dir) if _has_event_files(parent_dir) else None
