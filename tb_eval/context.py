"""The current run: what a training script logs to, as Azure ML's ``Run.get_context()``.

:func:`get_context` returns, in this order:

1. the innermost run set in this thread or task with :func:`use_run` (how integrations such
   as a sweep running trials in-process hand a run to the code they call);
2. inside a Ray Tune trial whose sweep logs with ``tb_eval.integrations.ray.TbEvalCallback``,
   that trial's run (see :func:`tb_eval.integrations.ray.current_trial_run`);
3. the run a launcher set up for this process through environment variables:

   - ``TB_EVAL_RUN_DIR``: the run's directory (continued if it already holds a run; a
     directory inside another run's directory is that run's child);
   - else ``TB_EVAL_LOGDIR`` (default ``runs``), ``TB_EVAL_EXPERIMENT`` and
     ``TB_EVAL_RUN_NAME``, as for :func:`tb_eval.start_logging` (continued when the named run
     exists);

4. else a new run in ``./runs``.

Repeated calls in one process return the same run (a new one only after a run made by step 4
has ended; step 2 gives each trial its own). :func:`environment_for` gives the variables that
make a subprocess log to a run.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tb_eval.run import Run

ENV_RUN_DIR = "TB_EVAL_RUN_DIR"
ENV_LOGDIR = "TB_EVAL_LOGDIR"
ENV_EXPERIMENT = "TB_EVAL_EXPERIMENT"
ENV_RUN_NAME = "TB_EVAL_RUN_NAME"
_ENVIRONMENT = (ENV_RUN_DIR, ENV_LOGDIR, ENV_EXPERIMENT, ENV_RUN_NAME)
#: Integrations that know the current run their own way: (the module whose import shows they
#: may apply, our module, its function returning the run or ``None``). Tried only when the
#: first module is already imported, so get_context never imports a framework.
_FINDERS = (("ray", "tb_eval.integrations.ray", "current_trial_run"),)

_stack: contextvars.ContextVar[tuple[Run, ...]] = contextvars.ContextVar(
    "tb_eval_current_runs", default=()
)
_process_run: Run | None = None
_process_lock = threading.Lock()


def current_run() -> Run | None:
    """The innermost run set with :func:`use_run` in this context, or ``None``."""
    stack = _stack.get()
    return stack[-1] if stack else None


def push_run(run: Run) -> contextvars.Token:
    """Make ``run`` the current run until :func:`pop_run` is given the returned token."""
    from tb_eval.run import Run

    if not isinstance(run, Run):
        raise TypeError(f"run: expected a tb_eval Run, got {run!r}")
    return _stack.set((*_stack.get(), run))


def pop_run(token: contextvars.Token) -> None:
    """Undo the :func:`push_run` that returned ``token``."""
    _stack.reset(token)


@contextlib.contextmanager
def use_run(run: Run) -> Iterator[Run]:
    """Within the block, :func:`get_context` returns ``run`` (in this thread or task)."""
    token = push_run(run)
    try:
        yield run
    finally:
        pop_run(token)


def environment_for(run: Run | str | os.PathLike) -> dict[str, str]:
    """Environment variables that make :func:`get_context` in a subprocess return ``run``
    (a ``Run`` or a run directory): ``{"TB_EVAL_RUN_DIR": <absolute directory>}``.

    Runs of this process at that directory or its parent are flushed first, so that the
    subprocess finds their records on disk (and a child run its parent's id and experiment).
    """
    from tb_eval.lifecycle import live_runs

    directory = os.path.abspath(
        os.fspath(run if isinstance(run, (str, os.PathLike)) else run.directory)
    )
    for live in live_runs():
        if os.path.abspath(live.directory) in (directory, os.path.dirname(directory)):
            live.flush()
    return {ENV_RUN_DIR: directory}


def get_context() -> Run:
    """The run this code should log to (see the module's documentation)."""
    innermost = current_run()
    if innermost is not None:
        return innermost
    for trigger, module, function in _FINDERS:
        if trigger in sys.modules:
            found = getattr(importlib.import_module(module), function)()
            if found is not None:
                return found
    global _process_run
    with _process_lock:
        from_environment = any(os.environ.get(name) for name in _ENVIRONMENT)
        run = _process_run
        if run is None or (run.status != "running" and not from_environment):
            run = _process_run = _run_for_process(from_environment)
        return run


def _run_for_process(from_environment: bool) -> Run:
    from tb_eval.run import attach, start_logging

    if not from_environment:
        return start_logging("runs")
    run_dir = os.environ.get(ENV_RUN_DIR)
    if run_dir:
        return attach(run_dir, experiment=os.environ.get(ENV_EXPERIMENT) or None)
    run_name = os.environ.get(ENV_RUN_NAME) or None
    return start_logging(
        os.environ.get(ENV_LOGDIR) or "runs",
        experiment=os.environ.get(ENV_EXPERIMENT) or None,
        run_name=run_name,
        resume=run_name is not None,
    )


def _forget_process_run() -> None:
    """For tests: the next :func:`get_context` chooses its run again."""
    global _process_run
    with _process_lock:
        _process_run = None
