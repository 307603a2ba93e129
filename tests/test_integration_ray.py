"""Ray Tune sweeps logged by ``tb_eval.integrations.ray.TbEvalCallback``, on a local Ray the test
starts (kept on 127.0.0.1), read back by TensorBoard's HParams API, our reader and our plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.tune")

import tb_eval  # noqa: E402
from tb_eval.sweep import read_sweep_record  # noqa: E402
from tests import ray_support  # noqa: E402
from tests.plugin_support import PREFIX  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

pytestmark = pytest.mark.xdist_group("ray")

LOOPBACK = re.compile(r"^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):\d+$")


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module, on 127.0.0.1 only (see tests/ray_support.py)."""
    with ray_support.local_ray(num_cpus=2) as started:
        yield started


def _listeners_of_this_process_tree() -> list[tuple[str, int]]:
    import psutil

    tree = {os.getpid(), *(p.pid for p in psutil.Process().children(recursive=True))}
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        fields = line.split()
        for pid in map(int, re.findall(r"pid=(\d+)", line)):
            if pid in tree:
                found.append((fields[3], pid))
    return found


def test_ray_listens_on_loopback_only(local_ray) -> None:
    listeners = _listeners_of_this_process_tree()
    assert listeners, "ss showed no listening socket of Ray's processes"
    assert all(LOOPBACK.match(address) for address, _ in listeners), listeners


def _trainable(config):
    """Reports 3 results; the (a=2, opt.b=y) trial raises at its second; the others log
    predictions through tb_eval.get_context() (a contributor in this worker process)."""
    import numpy as np
    from ray import tune

    import tb_eval

    for step in range(3):
        if config["a"] == 2 and config["opt"]["b"] == "y" and step == 1:
            raise ValueError("boom in the trainable")
        tune.report({"acc": config["a"] * 0.1 + step * 0.01, "loss": 1.0 / (step + 1)})
    y = np.array([0, 1, 0, 1, 1, 0])
    score = np.clip(np.linspace(0.1, 0.9, 6) * config["a"] / 2, 0, 1)
    tb_eval.get_context().log_predictions("val", y, y_score=score)


def _fit(tmp_path, trainable, param_space, **tune_kwargs):
    from ray import tune

    from tb_eval.integrations.ray import TbEvalCallback

    callback = TbEvalCallback(tmp_path / "runs", experiment="sweep", metric="acc", mode="max")
    tuner = tune.Tuner(
        trainable,
        param_space=param_space,
        tune_config=tune.TuneConfig(metric="acc", mode="max", **tune_kwargs),
        run_config=tune.RunConfig(
            name="raysweep",
            storage_path=str(tmp_path / "ray_results"),
            callbacks=[callback],
            verbose=0,
        ),
    )
    return tuner.fit()


def _trial_runs(logdir) -> dict[str, tb_eval.StoredRun]:
    root = logdir / "sweep"
    return {
        entry.name: tb_eval.open_run(entry) for entry in sorted(root.iterdir()) if entry.is_dir()
    }


@pytest.fixture(scope="module")
def grid_logdir(local_ray, tmp_path_factory):
    from ray import tune

    tmp_path = tmp_path_factory.mktemp("ray-grid")
    _fit(
        tmp_path,
        _trainable,
        {"a": tune.grid_search([1, 2]), "opt": {"b": tune.grid_search(["x", "y"])}},
    )
    return tmp_path / "runs"


def test_grid_trials_are_runs(grid_logdir) -> None:
    runs = _trial_runs(grid_logdir)
    assert len(runs) == 4
    by_config = {(r.get_params()["a"], r.get_params()["opt.b"]): r for r in runs.values()}
    assert set(by_config) == {(1, "x"), (1, "y"), (2, "x"), (2, "y")}
    failed = by_config[(2, "y")]
    assert failed.status == "failure"
    assert "boom in the trainable" in failed.get_details()["error"]["message"]
    assert failed.get_tags()["trial_state"] == "error"
    for key, run in by_config.items():
        if key == (2, "y"):
            continue
        assert run.status == "success"
        assert run.get_tags()["trial_state"] == "complete"
        assert run.get_metrics()["acc"] == pytest.approx(
            [key[0] * 0.1 + s * 0.01 for s in range(3)], rel=1e-6
        )
        prepared = run.get_predictions("val")  # logged in the worker, read in the driver
        assert list(prepared.y_true) == [0, 1, 0, 1, 1, 0]
    # the failed trial's run is readable: what it reported before the error is there
    assert failed.get_metrics()["acc"] == pytest.approx(0.2, rel=1e-6)


def test_grid_sweep_record(grid_logdir) -> None:
    _, record = read_sweep_record(str(grid_logdir / "sweep"))
    assert record == {
        "experiment": "sweep",
        "metric": "acc",
        "mode": "max",
        "metrics": [{"name": "acc", "mode": "max"}],
        "source": "ray",
    }


def test_grid_in_tensorboard_hparams_and_plugin(grid_logdir) -> None:
    with TensorBoardServer(grid_logdir, load_fast=True) as tb:
        groups = tb.wait_for(
            lambda: (
                (g := tb.session_groups())
                and len(g) == 4
                and all(s["sessions"][0].get("endTimeSecs") for s in g.values())
                and g
            )
        )
        statuses = {}
        for name, group in groups.items():
            assert name.startswith("sweep/")
            hparams = group["hparams"]
            metrics = {m["name"]["tag"]: m["value"] for m in group["sessions"][0]["metricValues"]}
            key = (hparams["a"], hparams["opt.b"])
            statuses[key] = group["sessions"][0]["status"]
            assert set(metrics) >= {"acc", "loss"}
        assert statuses == {
            (1.0, "x"): "STATUS_SUCCESS",
            (1.0, "y"): "STATUS_SUCCESS",
            (2.0, "x"): "STATUS_SUCCESS",
            (2.0, "y"): "STATUS_FAILURE",
        }
        experiment = tb.post_json("/data/plugin/hparams/experiment", {"experimentName": ""})
        infos = {info["name"]: info for info in experiment["hparamInfos"]}
        assert infos["a"]["type"] == "DATA_TYPE_FLOAT64"
        assert infos["a"]["domainDiscrete"] == [1.0, 2.0]
        assert infos["opt.b"]["type"] == "DATA_TYPE_STRING"
        assert infos["opt.b"]["domainDiscrete"] == ["x", "y"]
        shown = [m["name"]["tag"] for m in experiment["metricInfos"]]
        assert shown[0] == "acc" and "loss" in shown
        listing = tb.wait_for(
            lambda: (e := tb.get_json(PREFIX + "/evaluations")["evaluations"]) and len(e) == 3 and e
        )
        assert {entry["name"] for entry in listing} == {"val"}
        assert all(entry["run"].startswith("sweep/") for entry in listing)


def _long_trainable(config):
    from ray import tune

    for step in range(8):
        tune.report({"acc": config["lr"] * (step + 1)})


def test_asha_stops_trials_early(local_ray, tmp_path) -> None:
    from ray import tune
    from ray.tune.schedulers import ASHAScheduler

    _fit(
        tmp_path,
        _long_trainable,
        {"lr": tune.grid_search([0.4, 0.3, 0.2, 0.1])},  # the best first: later ones are cut
        scheduler=ASHAScheduler(max_t=100, grace_period=1, reduction_factor=2),
        max_concurrent_trials=1,
        trial_name_creator=lambda trial: "one/name",  # every trial named alike
    )
    runs = _trial_runs(tmp_path / "runs")
    # two trials of one name never share a run; the "/" does not make a sub-directory
    assert sorted(runs) == ["one_name", "one_name-2", "one_name-3", "one_name-4"]
    states = {r.get_params()["lr"]: r.get_tags()["trial_state"] for r in runs.values()}
    assert all(r.status == "success" for r in runs.values())
    assert states[0.4] == "complete" and states[0.1] == "stopped", states
    for run in runs.values():
        steps = len(np.atleast_1d(run.get_metrics()["acc"]))
        assert (steps < 8) == (run.get_tags()["trial_state"] == "stopped")


def test_bad_arguments() -> None:
    from tb_eval.integrations.ray import TbEvalCallback

    with pytest.raises(ValueError, match="mode: 'max' given without a metric"):
        TbEvalCallback("runs", mode="max")
    with pytest.raises(ValueError, match="mode: expected 'max' or 'min', got 'best'"):
        TbEvalCallback("runs", metric="acc", mode="best")
    with pytest.raises(ValueError, match="experiment"):
        TbEvalCallback("runs", experiment="../x")
    with pytest.raises(TypeError, match="logdir"):
        TbEvalCallback(3)


def test_importing_tb_eval_does_not_import_ray() -> None:
    code = "import sys, tb_eval, tb_eval.integrations; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
