"""Ray Tune: every trial a run, the sweep an experiment (``pip install 'tb-eval[ray]'``).

>>> from ray import tune
>>> from tb_eval.integrations.ray import TbEvalCallback
>>> tuner = tune.Tuner(train_fn, param_space={"lr": tune.grid_search([0.01, 0.1])},
...                    tune_config=tune.TuneConfig(metric="acc", mode="max"),
...                    run_config=tune.RunConfig(callbacks=[
...                        TbEvalCallback("runs", experiment="sweep", metric="acc", mode="max")]))
>>> tuner.fit()  # doctest: +SKIP

The callback runs in the driver (Tune calls it there): it starts each trial's run
``<logdir>/<experiment>/<trial name>`` with the trial's config as params (nested dicts
flattened as ``a.b``), logs every number the trial reports as a scalar at step
``training_iteration``, and ends the run when the trial ends: success for a trial that finished
or that a scheduler (ASHA, a stopper) stopped early, failure for an error, with the tag
``trial_state`` (``complete``, ``stopped`` or ``error``). When the sweep ends it writes the
experiment's root: HParams' config with the params' types and domains, and the metric it
optimises.

Inside the trainable (a worker process, on this machine or another one sharing the logdir),
:func:`tb_eval.get_context` returns that trial's run as a contributor
(:mod:`tb_eval.contributor`): what it logs (e.g. ``log_predictions``) goes into the same run,
in the worker's own event file. The worker learns its run's directory from Ray's key-value
store of the cluster (the driver writes it when the trial starts).
"""

from __future__ import annotations

import numbers
import os
import threading
import time
import warnings
from collections.abc import Mapping
from typing import Any

import ray

from tb_eval.integrations._versions import require

require("Ray", ray.__version__, (2, 60), (3, 0))

from ray import tune  # noqa: E402 - after the version check
from ray.experimental import internal_kv  # noqa: E402
from ray.tune.result import AUTO_RESULT_KEYS  # noqa: E402

from tb_eval import sweep, validation  # noqa: E402
from tb_eval.contributor import ContributorRun, contribute  # noqa: E402
from tb_eval.io import remote  # noqa: E402
from tb_eval.kinds import sweep as sweep_kind  # noqa: E402
from tb_eval.run import Run, start_logging  # noqa: E402

_NAMESPACE = "tb_eval"
#: Set by a driver whose sweep logs with this callback: workers look their trial up only then.
_ACTIVE_KEY = b"active"
#: Reported keys that are Tune's bookkeeping, not the trial's metrics.
_SKIPPED_KEYS = {*AUTO_RESULT_KEYS, "done", "trial_id", "experiment_tag", "should_checkpoint"}
#: How long a worker waits for the driver to announce its trial's run.
LOOKUP_SECONDS = 30.0


def _trial_key(trial_id: str) -> bytes:
    return f"trial/{trial_id}".encode()


def _flatten_result(result: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """The numbers of a reported result, nested dicts flattened as ``a/b`` (TensorBoard's
    grouping), without Tune's own keys."""
    out: dict[str, float] = {}
    for key, value in result.items():
        if not prefix and key in _SKIPPED_KEYS:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten_result(value, name + "/"))
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            out[name] = float(value)
        elif hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy scalars
            try:
                number = float(value.item())
            except (TypeError, ValueError):
                continue
            out[name] = number
    return out


def _error_text(trial: Any) -> str:
    """The last line of the error Tune wrote for ``trial`` (in the driver's staging directory;
    it reaches the trial's storage later), such as ``ValueError: ...``."""
    text = None
    try:
        path = trial.error_file
        if path and os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        else:
            text = trial.get_error()
    except Exception:  # noqa: BLE001 - the error file may be unreadable; say so below
        text = None
    if not text:
        return "the trial failed (Ray Tune recorded no error text)"
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else "the trial failed"


class TbEvalCallback(tune.Callback):
    """Log a Ray Tune sweep: one run per trial under ``<logdir>/<experiment>/``.

    Parameters
    ----------
    logdir:
        The directory ``tensorboard --logdir`` will be pointed at (made absolute here, since
        trials run in other working directories).
    experiment:
        The sweep's directory under ``logdir``; the Tune experiment's name when omitted.
    metric, mode:
        The reported metric the sweep optimises and ``"max"`` or ``"min"`` (as given to
        ``tune.TuneConfig``, which Tune does not pass to callbacks); recorded at the
        experiment's root so that Compare runs sorts by it and stars the best run.
    """

    def __init__(
        self,
        logdir: str | os.PathLike = "runs",
        experiment: str | None = None,
        *,
        metric: str | None = None,
        mode: str | None = None,
    ) -> None:
        if experiment is not None:
            validation.check_path_component(experiment, "experiment")
        if metric is not None:
            validation.check_name(metric, "metric")
        if mode is not None:
            sweep_kind.check_mode(mode)
            if metric is None:
                raise ValueError(f"mode: {mode!r} given without a metric; pass metric= too")
        self.logdir = sweep.absolute_logdir(logdir)
        self.experiment = experiment
        self.metric = metric
        self.mode = mode or "max"
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        self._params: dict[str, dict[str, Any]] = {}
        self._metric_tags: dict[str, None] = {}
        self._root_written = False
        self._stopped: set[str] = set()

    def __getstate__(self) -> dict[str, Any]:
        """Tune pickles its callbacks with the experiment's state: the settings travel, the
        open runs (this process's files) do not."""
        state = dict(self.__dict__)
        state["_lock"] = None
        state["_runs"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ Tune's hooks
    def setup(self, **info: Any) -> None:
        internal_kv._internal_kv_put(_ACTIVE_KEY, b"1", namespace=_NAMESPACE)

    def _experiment_for(self, trial: Any) -> str:
        """The experiment (Tune's name for it unless given); its sweep record written first."""
        if self.experiment is None:
            name = getattr(getattr(trial, "storage", None), "experiment_dir_name", None)
            self.experiment = validation.check_path_component(name or "tune", "experiment")
        if not self._root_written and self.metric is not None:
            self._write_root(domains=None)
        self._root_written = True
        return self.experiment

    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        with self._lock:
            if trial.trial_id in self._runs:  # restarted after a failure: the same run
                return
            experiment = self._experiment_for(trial)
            params = validation.check_params(dict(trial.config), "config")
            run_name, _ = sweep.claim_run_directory(
                remote.join(self.logdir, experiment),
                sweep.safe_run_name(str(trial)),
                owner=trial.trial_id,
            )
            run = start_logging(self.logdir, experiment, run_name, params)
            run.add_properties({"trial_id": trial.trial_id})
            run.flush()  # the worker reads what is on disk when it starts contributing
            self._runs[trial.trial_id] = run
            self._params[trial.trial_id] = params
        internal_kv._internal_kv_put(
            # a remote run's URL (its directory is the driver's local staging)
            _trial_key(trial.trial_id),
            run._files_directory.encode(),
            namespace=_NAMESPACE,
        )

    def on_trial_result(
        self, iteration: int, trials: list, trial: Any, result: dict, **info: Any
    ) -> None:
        run = self._runs.get(trial.trial_id)
        if run is None or run.status != "running":
            return
        if result.get("done"):
            # Tune passes a result here marked done only when it decided to stop the trial (a
            # scheduler such as ASHA, or a stop criterion); a trainable that returns ends with
            # a result callbacks do not see.
            self._stopped.add(trial.trial_id)
        step = result.get("training_iteration")
        for name, value in _flatten_result(result).items():
            last = run.last_step(name)
            at = step if isinstance(step, int) and step > (-1 if last is None else last) else None
            try:
                run.log(name, value, step=at)
            except ValueError:  # a name this run holds other data under, or out of range
                continue
            self._metric_tags.setdefault(name)

    def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        # trial.status still reads RUNNING here, and last_result is marked done either way.
        self._end(trial, "stopped" if trial.trial_id in self._stopped else "complete")

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self._end(trial, "error", _error_text(trial))

    def on_experiment_end(self, trials: list, **info: Any) -> None:
        for trial_id in list(self._runs):
            internal_kv._internal_kv_del(_trial_key(trial_id), namespace=_NAMESPACE)
        internal_kv._internal_kv_del(_ACTIVE_KEY, namespace=_NAMESPACE)  # later sweeps: not ours
        with self._lock:
            for run in self._runs.values():
                if run.status == "running":  # the sweep stopped while it ran
                    _set_state(run, "stopped")
                    run.cancel()
            if self.experiment is None or not self._params:
                return
            domains = sweep.infer_domains(self._params.values())
            self._write_root(domains)

    # ------------------------------------------------------------------ ours
    def _end(self, trial: Any, state: str, error: str | None = None) -> None:
        run = self._runs.get(trial.trial_id)
        if run is None or run.status != "running":
            return
        _set_state(run, state)
        if error is None:
            run.complete()
        else:
            run.fail(error)

    def _write_root(self, domains: dict | None) -> None:
        objectives = [{"name": self.metric, "mode": self.mode}] if self.metric else []
        shown = [*(o["name"] for o in objectives)]
        shown += [tag for tag in self._metric_tags if tag not in shown]
        sweep.write_experiment_root(self.logdir, self.experiment, objectives, domains, shown, "ray")


def _set_state(run: Run, state: str) -> None:
    """The tag ``trial_state`` (HParams keeps the tags a run started with; this one is for
    tb_eval's tables and ``get_tags``, so its late-change warning is not useful here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run.tag("trial_state", state)


# ---------------------------------------------------------------------- in the worker
_worker_runs: dict[str, ContributorRun] = {}
_worker_lock = threading.Lock()


def _current_trial_id() -> str | None:
    with warnings.catch_warnings():  # Tune warns when asked outside a trial; that is a "no"
        warnings.simplefilter("ignore")
        try:
            return tune.get_context().get_trial_id()
        except Exception:  # noqa: BLE001 - no Tune session in this process
            return None


def current_trial_run() -> ContributorRun | None:
    """In a Ray Tune trial whose sweep logs with :class:`TbEvalCallback`, the trial's run (a
    contributor: its records go to this process's own event file in the run's directory);
    else ``None``. :func:`tb_eval.get_context` calls this."""
    if not ray.is_initialized() or not internal_kv._internal_kv_initialized():
        return None
    trial_id = _current_trial_id()
    if not trial_id:
        return None
    with _worker_lock:
        run = _worker_runs.get(trial_id)
        if run is not None and run.status == "running":
            return run
        if not internal_kv._internal_kv_get(_ACTIVE_KEY, namespace=_NAMESPACE):
            return None
        deadline = time.monotonic() + LOOKUP_SECONDS
        directory = None
        while directory is None and time.monotonic() < deadline:
            directory = internal_kv._internal_kv_get(_trial_key(trial_id), namespace=_NAMESPACE)
            if directory is None:
                time.sleep(0.05)
        if directory is None:
            warnings.warn(
                f"tb_eval: Ray Tune trial {trial_id!r} was not announced by the sweep's "
                f"TbEvalCallback within {LOOKUP_SECONDS:g} s; get_context() falls back to its "
                "usual rules",
                stacklevel=3,
            )
            return None
        for other in _worker_runs.values():  # an actor reused for another trial
            other.complete()
        run = _worker_runs[trial_id] = contribute(directory.decode())
        return run
