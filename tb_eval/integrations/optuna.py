"""Optuna: every trial a run, the study an experiment (``pip install 'tb-eval[optuna]'``).

>>> from tb_eval.integrations.optuna import TbEvalCallback
>>> cb = TbEvalCallback("runs", experiment="study", metric_name="accuracy")
>>> @cb.track_in_tb_eval()
... def objective(trial):
...     model = train(lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True))
...     tb_eval.get_context().log_predictions("val", y_val, y_score=model.predict_proba(X_val))
...     return accuracy(model)
>>> study.optimize(objective, n_trials=20, callbacks=[cb])  # doctest: +SKIP

Each trial becomes the run ``<logdir>/<experiment>/trial-<number>`` with its params, its
value(s) as scalars named by ``metric_name``, its intermediate values (``trial.report``) as
the scalar series ``intermediate_value`` at their steps, and its state: a completed trial
succeeds, a pruned one succeeds with the tag ``trial_state: pruned`` (HParams has no pruned
status), a failed one fails. The experiment's root records the params' domains (from Optuna's
distributions) and the objectives with their directions.
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import optuna

from tb_eval.integrations._versions import require

require("Optuna", optuna.__version__, (5, 0), (6, 0))

from optuna.distributions import (  # noqa: E402 - after the version check
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.study import StudyDirection  # noqa: E402
from optuna.trial import TrialState  # noqa: E402

from tb_eval import sweep, validation  # noqa: E402
from tb_eval.context import use_run  # noqa: E402
from tb_eval.io import remote  # noqa: E402
from tb_eval.run import Run, start_logging  # noqa: E402

#: The scalar series of ``trial.report`` values.
INTERMEDIATE_TAG = "intermediate_value"
_STATES = {TrialState.COMPLETE: "complete", TrialState.PRUNED: "pruned", TrialState.FAIL: "fail"}


def _domain(distribution: Any) -> dict | None:
    if isinstance(distribution, (FloatDistribution, IntDistribution)):
        return {"type": "float", "min": float(distribution.low), "max": float(distribution.high)}
    if isinstance(distribution, CategoricalDistribution):
        values = [validation.param_value(choice) for choice in distribution.choices]
        values = ["None" if value is None else value for value in values]
        kinds = {sweep._value_type(value) for value in values}
        if len(kinds) == 1:
            kind = kinds.pop()
            return {"type": kind, "values": [float(v) if kind == "float" else v for v in values]}
        return {"type": "str", "values": [str(value) for value in values]}
    return None


class TbEvalCallback:
    """Log an Optuna study: one run per trial under ``<logdir>/<experiment>/``.

    Parameters
    ----------
    logdir:
        The directory ``tensorboard --logdir`` will be pointed at.
    experiment:
        The study's directory under ``logdir``; the study's name when omitted.
    metric_name:
        The name of the objective's value (a scalar of each run), or one name per objective of
        a multi-objective study.
    """

    def __init__(
        self,
        logdir: str | os.PathLike = "runs",
        experiment: str | None = None,
        metric_name: str | Sequence[str] = "value",
    ) -> None:
        if experiment is not None:
            validation.check_path_component(experiment, "experiment")
        metric_names = [metric_name] if isinstance(metric_name, str) else metric_name
        if not isinstance(metric_names, Sequence) or not metric_names:
            raise ValueError(
                f"metric_name: expected a name or a list of names, got {metric_name!r}"
            )
        for entry in metric_names:
            validation.check_name(entry, "metric_name")
        if len(set(metric_names)) != len(metric_names) or INTERMEDIATE_TAG in metric_names:
            raise ValueError(
                f"metric_name: names must be distinct and not {INTERMEDIATE_TAG!r}, "
                f"got {metric_name!r}"
            )
        self.logdir = sweep.absolute_logdir(logdir)
        self.experiment = experiment
        self.metric_names = list(metric_names)
        self._lock = threading.Lock()
        self._runs: dict[tuple[str, int], Run] = {}
        self._domains: dict[str, dict] = {}
        self._shown: list[str] = list(self.metric_names)
        self._root: tuple | None = None

    # ------------------------------------------------------------------ runs
    def _experiment(self, study: optuna.Study) -> str:
        if self.experiment is None:
            self.experiment = validation.check_path_component(study.study_name, "experiment")
        return self.experiment

    def _check_objectives(self, study: optuna.Study) -> None:
        count = len(study.directions)
        if count != len(self.metric_names):
            raise ValueError(
                f"metric_name: {len(self.metric_names)} name(s) {self.metric_names} for a study "
                f"with {count} objective(s); give one name per objective"
            )

    def _start(self, study: optuna.Study, number: int) -> Run:
        """The run of trial ``number`` (started here the first time)."""
        key = (study.study_name, number)
        with self._lock:
            run = self._runs.get(key)
            if run is None:
                self._check_objectives(study)
                experiment = self._experiment(study)
                run_name, _ = sweep.claim_run_directory(
                    remote.join(self.logdir, experiment), f"trial-{number}", owner=str(number)
                )
                run = self._runs[key] = start_logging(self.logdir, experiment, run_name)
                run.add_properties({"optuna_trial_number": number})
            return run

    def track_in_tb_eval(self) -> Callable[[Callable], Callable]:
        """A decorator for the objective: inside it :func:`tb_eval.get_context` returns the
        trial's run (e.g. for ``log_predictions``). Pass this callback to ``optimize`` too; it
        completes the run with the trial's value and state."""

        def decorator(func: Callable) -> Callable:
            @functools.wraps(func)
            def objective(trial: optuna.Trial, *args: Any, **kwargs: Any) -> Any:
                run = self._start(trial.study, trial.number)
                _params_before_first_write(run, trial)
                with use_run(run):
                    try:
                        return func(trial, *args, **kwargs)
                    except optuna.TrialPruned:
                        raise  # Optuna marks the trial pruned; the callback ends the run
                    except BaseException as error:
                        # Optuna calls no callback for an error it does not catch: end here.
                        _quiet(run.log_params, validation.check_params(trial.params))
                        _quiet(run.tag, "trial_state", "fail")
                        run.fail(error)
                        raise

            return objective

        return decorator

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        run = self._start(study, trial.number)
        with self._lock:
            self._runs.pop((study.study_name, trial.number), None)
        if run.status != "running":  # failed in the decorated objective
            self._update_root(study, trial)
            return
        _quiet(run.log_params, validation.check_params(trial.params))
        for step, value in sorted(trial.intermediate_values.items()):
            last = run.last_step(INTERMEDIATE_TAG)
            if last is None or step > last:
                run.log(INTERMEDIATE_TAG, float(value), step=step)
        if trial.values is not None:
            for name, value in zip(self.metric_names, trial.values, strict=True):
                run.log(name, float(value))
        state = _STATES.get(trial.state, trial.state.name.lower())
        _quiet(run.tag, "trial_state", state)
        if trial.state == TrialState.FAIL:
            run.fail("the objective gave no valid value (see Optuna's log)")
        else:
            run.complete()
        self._update_root(study, trial)

    # ------------------------------------------------------------------ the experiment root
    def _update_root(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Write the experiment root when this trial widens the search space or adds a
        metric (a TensorBoard already running keeps the first config until restarted)."""
        with self._lock:
            new = {name: d for name, d in map(_named_domain, trial.distributions.items()) if d}
            self._domains = sweep.merge_domains(self._domains, new)
            if trial.intermediate_values and INTERMEDIATE_TAG not in self._shown:
                self._shown.append(INTERMEDIATE_TAG)
            modes = [
                "max" if direction == StudyDirection.MAXIMIZE else "min"
                for direction in study.directions
            ]
            objectives = [
                {"name": name, "mode": mode}
                for name, mode in zip(self.metric_names, modes, strict=True)
            ]
            state = (repr(self._domains), tuple(self._shown), repr(objectives))
            if state == self._root:
                return
            experiment = self._experiment(study)
            sweep.write_experiment_root(
                self.logdir, experiment, objectives, self._domains, self._shown, "optuna"
            )
            self._root = state


def _named_domain(item: tuple[str, Any]) -> tuple[str, dict | None]:
    return item[0], _domain(item[1])


def _quiet(method: Callable, *args: Any) -> None:
    """Call ``method`` without the warning that HParams keeps a run's first params and tags
    (the run record, which our plugin and get_params read, has them all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        method(*args)


def _params_before_first_write(run: Run, trial: optuna.Trial) -> None:
    """Add the trial's params to the run just before its first write reaches disk, so that
    HParams' session (written then, once) holds the params suggested so far."""
    writer = run._writer
    original = writer.before_write
    synced = False

    def before_write() -> None:
        nonlocal synced
        if not synced and original is not None and run.status == "running":
            synced = True
            try:
                params = validation.check_params(trial.params)
            except Exception:  # noqa: BLE001 - the trial's storage is gone; log what we have
                params = {}
            if params:
                run.log_params(params)
        if original is not None:
            original()

    writer.before_write = before_write
