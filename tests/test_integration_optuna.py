"""Optuna studies logged by ``tb_eval.integrations.optuna.TbEvalCallback``, read back by
TensorBoard's HParams API, our reader and our plugin."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

import tb_eval  # noqa: E402
from tb_eval.integrations.optuna import TbEvalCallback  # noqa: E402
from tb_eval.sweep import read_sweep_record  # noqa: E402
from tests.plugin_support import PREFIX  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
Y = np.array([0, 1, 0, 1, 1, 0])


def _runs(root) -> dict[str, tb_eval.StoredRun]:
    return {d.name: tb_eval.open_run(d) for d in sorted(root.iterdir()) if d.is_dir()}


@pytest.fixture(scope="module")
def study_logdir(tmp_path_factory):
    """Six trials of a study with a pruner: the decorated objective logs predictions; trials
    after the second are pruned at their second report when below the median."""
    logdir = tmp_path_factory.mktemp("optuna") / "runs"
    cb = TbEvalCallback(logdir, experiment="study", metric_name="acc")

    @cb.track_in_tb_eval()
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        trial.suggest_categorical("opt", ["adam", "sgd"])
        tb_eval.get_context().log_predictions("val", Y, y_score=np.linspace(0.1, 0.9, 6))
        for step in range(4):
            trial.report(lr + step, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return lr

    sampler = optuna.samplers.TPESampler(seed=0)
    study = optuna.create_study(
        direction="maximize",
        sampler=sampler,
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0),
    )
    study.enqueue_trial({"lr": 0.5, "opt": "adam"})
    study.enqueue_trial({"lr": 0.9, "opt": "sgd"})
    study.enqueue_trial({"lr": 0.001, "opt": "sgd"})  # below the median: pruned
    study.optimize(objective, n_trials=4, callbacks=[cb])
    return logdir, study


def test_trials_are_runs(study_logdir) -> None:
    logdir, study = study_logdir
    runs = _runs(logdir / "study")
    assert sorted(runs) == [f"trial-{t.number}" for t in study.trials]
    pruned = [t for t in study.trials if t.state == optuna.trial.TrialState.PRUNED]
    assert [t.number for t in pruned][:1] == [2]  # TrialPruned reached Optuna
    for trial in study.trials:
        run = runs[f"trial-{trial.number}"]
        assert run.status == "success"
        assert run.get_params() == trial.params
        expected_state = {"COMPLETE": "complete", "PRUNED": "pruned"}[trial.state.name]
        assert run.get_tags()["trial_state"] == expected_state
        intermediate = np.atleast_1d(run.get_metrics()["intermediate_value"])
        assert list(intermediate) == pytest.approx(
            [trial.intermediate_values[s] for s in sorted(trial.intermediate_values)], rel=1e-6
        )
        assert list(run.get_predictions("val").y_true) == list(Y)
        if trial.value is not None:
            assert run.get_metrics()["acc"] == pytest.approx(trial.value, rel=1e-6)


def test_sweep_record(study_logdir) -> None:
    logdir, _ = study_logdir
    _, record = read_sweep_record(str(logdir / "study"))
    assert record["metric"] == "acc" and record["mode"] == "max"
    assert record["source"] == "optuna"


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_tensorboard_hparams_and_plugin(study_logdir, load_fast) -> None:
    logdir, study = study_logdir
    with TensorBoardServer(logdir, load_fast=load_fast) as tb:
        groups = tb.wait_for(
            lambda: (
                (g := tb.session_groups())
                and len(g) == len(study.trials)
                and all(s["sessions"][0].get("endTimeSecs") for s in g.values())
                and g
            )
        )
        for trial in study.trials:
            group = groups[f"study/trial-{trial.number}"]
            assert group["hparams"]["opt"] == trial.params["opt"]
            assert group["hparams"]["lr"] == pytest.approx(trial.params["lr"])
            assert group["sessions"][0]["status"] == "STATUS_SUCCESS"
            metrics = {m["name"]["tag"] for m in group["sessions"][0]["metricValues"]}
            assert "intermediate_value" in metrics
        experiment = tb.post_json("/data/plugin/hparams/experiment", {"experimentName": ""})
        infos = {info["name"]: info for info in experiment["hparamInfos"]}
        assert infos["lr"]["type"] == "DATA_TYPE_FLOAT64"
        assert infos["lr"]["domainInterval"] == {"minValue": 0.001, "maxValue": 1.0}
        assert infos["opt"]["domainDiscrete"] == ["adam", "sgd"]
        assert [m["name"]["tag"] for m in experiment["metricInfos"]] == [
            "acc",
            "intermediate_value",
        ]
        listing = tb.wait_for(lambda: tb.get_json(PREFIX + "/evaluations")["evaluations"])
        assert {e["run"] for e in listing} == {f"study/trial-{t.number}" for t in study.trials}


def test_callback_alone_multi_objective(tmp_path) -> None:
    cb = TbEvalCallback(tmp_path, experiment="mo", metric_name=["acc", "latency"])

    def objective(trial):
        x = trial.suggest_int("layers", 1, 4)
        return x * 0.1, x * 2.0

    study = optuna.create_study(directions=["maximize", "minimize"])
    study.optimize(objective, n_trials=3, callbacks=[cb])
    runs = _runs(tmp_path / "mo")
    for trial in study.trials:
        metrics = runs[f"trial-{trial.number}"].get_metrics()
        assert metrics["acc"] == pytest.approx(trial.values[0], rel=1e-6)
        assert metrics["latency"] == pytest.approx(trial.values[1], rel=1e-6)
    _, record = read_sweep_record(str(tmp_path / "mo"))
    assert record["metrics"] == [
        {"name": "acc", "mode": "max"},
        {"name": "latency", "mode": "min"},
    ]


def test_threads_each_log_to_their_own_trial(tmp_path) -> None:
    cb = TbEvalCallback(tmp_path, experiment="threads")

    @cb.track_in_tb_eval()
    def objective(trial):
        x = trial.suggest_int("x", 0, 1000)
        tb_eval.get_context().log("x_seen", float(x))
        return float(x)

    study = optuna.create_study()
    study.optimize(objective, n_trials=8, n_jobs=2, callbacks=[cb])
    runs = _runs(tmp_path / "threads")
    assert len(runs) == 8
    for trial in study.trials:
        metrics = runs[f"trial-{trial.number}"].get_metrics()
        assert metrics["x_seen"] == metrics["value"] == trial.params["x"]


def test_metric_name_count_must_match(tmp_path) -> None:
    cb = TbEvalCallback(tmp_path, experiment="mo", metric_name="acc")
    study = optuna.create_study(directions=["maximize", "minimize"])
    with pytest.raises(ValueError, match="metric_name: 1 name"):
        study.optimize(lambda t: (1.0, 2.0), n_trials=1, callbacks=[cb])


def test_crash_in_objective_leaves_a_failed_run(tmp_path) -> None:
    cb = TbEvalCallback(tmp_path, experiment="crash")

    @cb.track_in_tb_eval()
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        tb_eval.get_context().log("partial", 1.0)
        raise RuntimeError("diverged")

    study = optuna.create_study()
    with pytest.raises(RuntimeError, match="diverged"):
        study.optimize(objective, n_trials=1, callbacks=[cb])
    run = tb_eval.open_run(tmp_path / "crash" / "trial-0")
    assert run.status == "failure"
    assert "RuntimeError: diverged" in run.get_details()["error"]["message"]
    assert run.get_metrics()["partial"] == 1.0
    assert "x" in run.get_params()


def test_two_studies_of_one_name_never_share_a_run(tmp_path) -> None:
    for _ in range(2):
        cb = TbEvalCallback(tmp_path, experiment="same")
        optuna.create_study().optimize(lambda t: t.suggest_float("x", 0, 1), 1, callbacks=[cb])
    assert sorted(p.name for p in (tmp_path / "same").iterdir() if p.is_dir()) == [
        "trial-0",
        "trial-0-2",
    ]


def test_bad_arguments(tmp_path) -> None:
    with pytest.raises(ValueError, match="metric_name"):
        TbEvalCallback(tmp_path, metric_name=[])
    with pytest.raises(ValueError, match="metric_name"):
        TbEvalCallback(tmp_path, metric_name=["a", "a"])
    with pytest.raises(ValueError, match="experiment"):
        TbEvalCallback(tmp_path, experiment="../up")


def test_importing_tb_eval_does_not_import_optuna() -> None:
    code = "import sys, tb_eval, tb_eval.integrations; assert 'optuna' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
