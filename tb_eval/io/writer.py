"""The event-file writer: framed records in, one event file per run directory and process out.

Callers append already-framed records to an in-memory batch (a list append under a lock, a few
hundred nanoseconds; the run shares the writer's lock, so a logged value takes one lock). A
daemon thread writes the batch with one ``os.write`` when it grows past
``batch_bytes`` or every ``flush_secs``. ``flush()`` writes synchronously. When the batch holds
more than ``max_pending_bytes`` the caller writes it itself, which bounds memory the way a full
queue would, without a hand-off.

Records go straight to a raw file descriptor opened with ``O_APPEND``: no Python buffer exists
that a forked child could flush into its parent's file, and every record written before a
SIGKILL is in the page cache and readable. After ``fork()`` the child drops what it inherited and
opens its own file on its first write.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import socket
import threading
import time
import weakref
from collections.abc import Callable

from tb_eval.io.events import file_version_event

_file_counter = itertools.count()
_live_writers: weakref.WeakSet[EventFileWriter] = weakref.WeakSet()


_STAMP = re.compile(r"tfevents\.(\d+)\.")


def event_file_name(suffix: str = "", directory: str | None = None) -> str:
    """TensorBoard's naming: ``events.out.tfevents.<time>.<host>.<pid>.<counter><suffix>``.

    TensorBoard reads a run's files in name order, so a file that continues a run must sort
    after every file already in ``directory``: its ``<time>`` is the current second, or one more
    than the newest stamp found there when that is not earlier (a resumed run's old file written
    in the same second by a higher pid would otherwise sort after it).
    """
    stamp = int(time.time())
    if directory is not None:
        with contextlib.suppress(OSError):
            for existing in os.listdir(directory):
                found = _STAMP.search(existing)
                if found:
                    stamp = max(stamp, int(found.group(1)) + 1)
    host = socket.gethostname()
    return f"events.out.tfevents.{stamp:010d}.{host}.{os.getpid()}.{next(_file_counter)}{suffix}"


class EventFileWriter:
    """Appends framed records to an event file in ``directory``, off the caller's thread.

    Parameters
    ----------
    directory:
        The run directory; created if missing.
    flush_secs:
        Longest time a record waits in memory before it is written.
    batch_bytes:
        Pending size that wakes the writer thread early.
    max_pending_bytes:
        Pending size at which the caller writes the batch itself.
    filename_suffix:
        Appended to the name of each event file.
    """

    def __init__(
        self,
        directory: str,
        *,
        flush_secs: float = 2.0,
        batch_bytes: int = 1 << 20,
        max_pending_bytes: int = 64 << 20,
        filename_suffix: str = "",
    ) -> None:
        self.directory = directory
        self.flush_secs = flush_secs
        #: Appended to each event file's name (torch's ``SummaryWriter(filename_suffix=)``).
        self.filename_suffix = filename_suffix
        self._batch_bytes = batch_bytes
        self._max_pending_bytes = max_pending_bytes
        #: Called (with no lock held) before each batch is written; the run uses it to add
        #: records that must reach the file with its first batch.
        self.before_write: Callable[[], None] | None = None
        self._reset_state()
        _live_writers.add(self)

    def _reset_state(self) -> None:
        #: Guards the batch. Reentrant and public so that the run can hold it across its own
        #: bookkeeping and :meth:`append_locked` (one lock per logged value, not two).
        self.lock = self._lock = threading.RLock()
        #: Bumped for every new file: a tag's metadata must go into each file once.
        self.generation = getattr(self, "generation", 0) + 1
        self._io_lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._fd: int | None = None
        self._path: str | None = None
        self._tags_in_file: set[str] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def path(self) -> str | None:
        """The event file being written, or ``None`` before the first record."""
        return self._path

    def first_in_file(self, tag: str) -> bool:
        """True the first time ``tag`` is asked about for the current file (metadata goes there)."""
        if tag in self._tags_in_file:
            return False
        self._tags_in_file.add(tag)
        return True

    def append(self, record: bytes) -> None:
        """Queue one framed record."""
        with self._lock:
            self.append_locked(record)

    def append_locked(self, record: bytes) -> None:
        """:meth:`append` for a caller that already holds :attr:`lock`."""
        if self._closed:
            raise RuntimeError(f"the event writer for {self.directory!r} is closed")
        if self._fd is None:
            self._open()
        self._pending.append(record)
        self._pending_bytes += len(record)
        if self._pending_bytes >= self._batch_bytes:
            self._wake.notify()
            if self._pending_bytes >= self._max_pending_bytes:
                self._drain()

    def flush(self) -> None:
        """Write every queued record now."""
        self._drain()

    def close(self) -> None:
        """Write what is queued, stop the thread and close the file. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._drain()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> None:
        # Called with self._lock held.
        os.makedirs(self.directory, exist_ok=True)
        self._path = os.path.join(
            self.directory, event_file_name(self.filename_suffix, directory=self.directory)
        )
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._tags_in_file = set()
        self._pending.insert(0, file_version_event(time.time()))
        self._thread = threading.Thread(target=self._run, name="tb_eval-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._closed and self._pending_bytes < self._batch_bytes:
                    self._wake.wait(self.flush_secs)
                closed = self._closed
            self._drain()
            if closed:
                return

    def _drain(self) -> None:
        # Lock order, everywhere: self._lock, then self._io_lock. The io lock is taken before
        # the batch is swapped and released after it is written, so batches reach the file in
        # order; the main lock is released during the write, so logging goes on meanwhile.
        with self._lock:
            hook = self.before_write
            # No file yet means nothing was logged (a forked child that never logs): the hook
            # would open one just for the session record.
            if hook is not None and self._fd is not None:
                hook()
            self._io_lock.acquire()
            batch, self._pending, self._pending_bytes = self._pending, [], 0
            fd = self._fd
        try:
            if batch and fd is not None:
                view = memoryview(b"".join(batch))
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
        finally:
            self._io_lock.release()

    def _after_fork_in_child(self) -> None:
        # The parent's file, batch and thread are the parent's: forget them without writing.
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        closed = self._closed
        self._reset_state()
        self._closed = closed


def _reset_writers_in_child() -> None:
    for writer in list(_live_writers):
        writer._after_fork_in_child()


def _close_all_writers() -> None:
    for writer in list(_live_writers):
        writer.close()


os.register_at_fork(after_in_child=_reset_writers_in_child)
atexit.register(_close_all_writers)
