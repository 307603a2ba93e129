"""Two writers of one run: the run's owner, and contributors in other processes.

A sweep's trial is one run written from two places: the sweep's driver (which knows the params,
the reported metrics and how the trial ended) owns it, and the trial's worker process (on this
machine or another one sharing the logdir) adds what the training code logs, such as
predictions. TensorBoard shows a directory as one run whatever the number of event files in it,
so a contributor writes its own event file in the run's directory and nothing else: never the
run record (params, tags, status, files) nor HParams' session start and end, which stay the
owner's. Every record a contributor logs is written to disk before the call returns, so a worker
killed right after (a scheduler stopping the trial, a crash) loses nothing it logged.

On a remote logdir (``s3://...``) the contributor stages its file locally, as
:func:`tb_eval.start_logging` does, and uploads each record it logs, as a new segment of its own
event file (a distinct name per writer: time, host, pid), before the call returns.

A contributor logs under names the owner does not use (the owner writes the reported metrics;
log predictions, tables, images and other scalars from the worker).
"""

from __future__ import annotations

import os
import time
from typing import Any

from tb_eval import validation
from tb_eval.io import remote
from tb_eval.io.writer import EventFileWriter
from tb_eval.run import Run


class _WriteThroughWriter(EventFileWriter):
    """An event writer that writes each record before :meth:`append_locked` returns."""

    #: Called after each record reached the disk (a remote contributor uploads it).
    after_write = None

    def append_locked(self, record: bytes) -> None:
        super().append_locked(record)
        self._drain()
        if self.after_write is not None:
            self.after_write()


class ContributorRun(Run):
    """A run's contributor: logs to its own event file in the run's directory, and leaves the
    run record and the HParams session to the run's owner. Made by :func:`contribute`."""

    _writer_class = _WriteThroughWriter

    def __repr__(self) -> str:
        return f"ContributorRun(directory={self.directory!r}, status={self._status!r})"

    def _write_run_record(self) -> None:
        """The owner writes the record."""

    def _start_session(self) -> None:
        """The owner writes the HParams session."""

    def _refuse(self, what: str) -> None:
        raise RuntimeError(
            f"{what}: run {self.name!r} is owned by another process (this one contributes to "
            "it); set params, tags and files where the run was started"
        )

    def log_params(self, params: Any) -> None:
        self._refuse("log_params")

    def _commit(self, **changes: Any) -> None:
        self._refuse("tags, properties and display_name")

    def _upload(self, uploads: list, argument: str) -> None:
        self._refuse("upload_file")

    def child_run(self, *args: Any, **kwargs: Any) -> Run:
        self._refuse("child_run")
        raise AssertionError  # unreachable

    def _end(self, status: str, error_details: str | None = None) -> None:
        """Close this process's event file; the run's status is the owner's to set."""
        with self._lock:
            if self._status != "running":
                return
            self._status = status
            self._end_time = time.time()
            self._writer_closed = True
        self._writer.close()
        if self._mirror is not None:  # a remote contributor: its last records go up now
            self._mirror.run_ended(self)


def contribute(directory: str | os.PathLike) -> ContributorRun:
    """A contributor to the run at ``directory`` (its owner started it, in another process);
    ``directory`` may be the run's URL (``s3://bucket/runs/sweep/trial``).

    Steps continue after those already on disk. Params, tags and uploads are refused (they
    belong to the owner); :meth:`Run.complete` closes this process's file and leaves the run's
    status to the owner.
    """
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory: expected a path, got {directory!r}")
    if remote.is_url(os.fspath(directory)):
        return _contribute_remote(os.fspath(directory).rstrip("/"))
    directory = os.path.normpath(os.path.abspath(os.fspath(directory)))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"directory: no run at {directory!r} (its owner starts it)")
    name = validation.check_path_component(os.path.basename(directory), "directory")
    return _resumed_contributor(directory, os.path.basename(os.path.dirname(directory)), name)


def _resumed_contributor(directory: str, experiment: str, name: str) -> ContributorRun:
    """A contributor on the run at ``directory`` (local, or a remote run's staging copy)."""
    return ContributorRun(
        directory,
        experiment=experiment or None,
        name=name,
        params={},
        tags={},
        flush_secs=2.0,
        session_on_first_write=False,
        resume=True,
    )


def _contribute_remote(url: str) -> ContributorRun:
    name = validation.check_path_component(url.rsplit("/", 1)[-1], "directory")
    if not remote.event_files(url):
        raise FileNotFoundError(f"directory: no run at {url!r} (its owner starts it)")
    # The run's files so far are downloaded (for the steps) and marked as already uploaded.
    staged, mirror = remote.stage_run(remote.parent(url), [name], resume=True)
    run = _resumed_contributor(staged, remote.parent(url).rsplit("/", 1)[-1], name)
    mirror.attach(run)
    run._writer.after_write = mirror.sync
    return run
