"""Run statuses and the process hooks: runs left open end at interpreter exit, and a forked child
takes new locks.

Imported by :mod:`tb_eval.run` after :mod:`tb_eval.io.writer`, so the writers' own exit and fork
handlers are registered first (exit handlers run last-in first-out, fork handlers in order).
"""

from __future__ import annotations

import atexit
import os
import sys
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tb_eval.run import Run

_STATUS_RUNNING, _STATUS_SUCCESS, _STATUS_FAILURE = "running", "success", "failure"
_STATUS_CANCELED = "canceled"
#: Which HParams status each of ours ends with (HParams has no "canceled").
_HPARAMS_END_STATUS = {
    _STATUS_SUCCESS: _STATUS_SUCCESS,
    _STATUS_FAILURE: _STATUS_FAILURE,
    _STATUS_CANCELED: _STATUS_FAILURE,
}

_live_runs: weakref.WeakSet[Run] = weakref.WeakSet()

_uncaught: list[BaseException] = []
_previous_excepthook = sys.excepthook


def _remember_uncaught(exc_type, exc, traceback) -> None:
    _uncaught.append(exc)
    _previous_excepthook(exc_type, exc, traceback)


def live_runs() -> list[Run]:
    """The runs of this process that are still open."""
    return [run for run in list(_live_runs) if run.status == _STATUS_RUNNING]


def _end_live_runs(only: Callable[[Run], bool] | None = None) -> None:
    """At interpreter exit, runs this process started and left open complete, or fail if an
    exception escaped. A run a forked child inherited is not ended by the child's exit: the
    writers' own exit handler writes what the child logged to it, and nothing else. ``only``
    picks the runs to end (all of them when omitted)."""
    for run in list(_live_runs):
        if run.status != _STATUS_RUNNING or run._owner_pid != os.getpid():
            continue
        if only is not None and not only(run):
            continue
        try:
            if _uncaught:
                run.fail(f"{type(_uncaught[-1]).__name__}: {_uncaught[-1]}")
            else:
                run.complete()
        except OSError as error:  # a remote run's last upload: the other runs still end
            warnings.warn(f"run {run.name!r}: {error}", RuntimeWarning, stacklevel=1)


def _reset_locks_in_child() -> None:
    for run in list(_live_runs):
        run._lock = run._writer.lock  # the writer made a new one first (handlers run in order)


sys.excepthook = _remember_uncaught
atexit.register(_end_live_runs)
os.register_at_fork(after_in_child=_reset_locks_in_child)
