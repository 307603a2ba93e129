"""The experiment root (``tb_eval.log_sweep``), the sweep record, and two writers of one run
(``tb_eval.contributor``), checked against TensorBoard's HParams API and our reader."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tb_eval
from tb_eval.contributor import contribute
from tb_eval.integrations._versions import require
from tb_eval.kinds import sweep as sweep_kind
from tb_eval.reader import event_files
from tb_eval.sweep import is_experiment_root, read_sweep_record
from tests.plugin_support import PREFIX
from tests.tbserver import TensorBoardServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _sweep(logdir) -> None:
    for alpha, kind in ((0.01, "ridge"), (0.1, "lasso"), (1.0, "ridge")):
        with tb_eval.start_logging(
            logdir, "s", f"a{alpha}", {"alpha": alpha, "kind": kind, "fit": True}
        ) as run:
            run.log("mse", 1 / (1 + alpha))
            run.log("r2", alpha)


def test_log_sweep_in_tensorboard_hparams(tmp_path) -> None:
    _sweep(tmp_path)
    root = tb_eval.log_sweep(
        tmp_path,
        "s",
        metric="mse",
        mode="min",
        params={"alpha": (0.001, 10.0), "kind": ["ridge", "lasso"], "fit": bool},
    )
    assert root == os.path.join(tmp_path, "s")
    assert is_experiment_root(root)
    with TensorBoardServer(tmp_path, load_fast=True) as tb:
        experiment = tb.wait_for(
            lambda: tb.post_json("/data/plugin/hparams/experiment", {"experimentName": ""})
        )
        infos = {info["name"]: info for info in experiment["hparamInfos"]}
        assert infos["alpha"]["type"] == "DATA_TYPE_FLOAT64"
        assert infos["alpha"]["domainInterval"] == {"minValue": 0.001, "maxValue": 10.0}
        assert infos["kind"]["type"] == "DATA_TYPE_STRING"
        assert infos["kind"]["domainDiscrete"] == ["ridge", "lasso"]
        assert infos["fit"]["type"] == "DATA_TYPE_BOOL"
        assert [m["name"]["tag"] for m in experiment["metricInfos"]] == ["mse"]
        groups = tb.wait_for(lambda: len(g := tb.session_groups()) == 3 and g)
        assert {name for name in groups} == {"s/a0.01", "s/a0.1", "s/a1.0"}
        # the experiment root is not a session; the trials are the plugin's runs
        runs = {r["run"] for r in tb.get_json(PREFIX + "/runs")["runs"]}
        assert "s/a0.01" in runs


def test_log_sweep_rewrites_in_place(tmp_path) -> None:
    tb_eval.log_sweep(tmp_path, "s", metric="acc")
    tb_eval.log_sweep(tmp_path, "s", metric=["acc", "latency"], mode=["max", "min"])
    files = event_files(str(tmp_path / "s"))
    assert len(files) == 1  # the old file was replaced, never half-written
    step, record = read_sweep_record(str(tmp_path / "s"))
    assert step == 1
    assert record == {
        "experiment": "s",
        "metric": "acc",
        "mode": "max",
        "metrics": [{"name": "acc", "mode": "max"}, {"name": "latency", "mode": "min"}],
        "source": "user",
    }
    assert not [p for p in os.listdir(tmp_path / "s") if p.endswith(".partial")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "acc", "mode": "up"}, "mode: expected 'max' or 'min', got 'up'"),
        ({"metric": ["a", "b"], "mode": ["max"]}, "mode: expected"),
        ({"metric": ""}, "metric"),
        ({"metric": "a", "params": {"x": [1, "b"]}}, r"params\['x'\]: the values"),
        ({"metric": "a", "params": {"x": (2, 1)}}, r"params\['x'\]: low 2 is above high 1"),
        ({"metric": "a", "params": {"x": (0, float("inf"))}}, r"params\['x'\]: an interval"),
        ({"metric": "a", "extra_metrics": ["loss"]}, "extra_metrics: only used with params"),
    ],
)
def test_log_sweep_bad_input_writes_nothing(tmp_path, kwargs, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        tb_eval.log_sweep(tmp_path, "s", **kwargs)
    assert not (tmp_path / "s").exists()


def test_log_sweep_refuses_a_run_directory(tmp_path) -> None:
    tb_eval.start_logging(tmp_path, run_name="taken").complete()
    with pytest.raises(FileExistsError, match="experiment: .* holds a run"):
        tb_eval.log_sweep(tmp_path, "taken", metric="acc")


def test_sweep_record_validation() -> None:
    good = {"experiment": "s", "metric": "a", "mode": "min", "source": "ray"}
    assert sweep_kind.decode(sweep_kind.encode(good).string_val[0])["metrics"] == [
        {"name": "a", "mode": "min"}
    ]
    with pytest.raises(ValueError, match="mode"):
        sweep_kind.check({**good, "mode": "best"})
    with pytest.raises(ValueError, match="metrics: the first entry"):
        sweep_kind.check({**good, "metrics": [{"name": "b", "mode": "max"}]})
    with pytest.raises(ValueError, match="source"):
        sweep_kind.check({**good, "source": "wandb"})
    with pytest.raises(ValueError, match="not JSON"):
        sweep_kind.decode(b"{nope")


def test_a_trial_under_the_experiment_root_is_not_its_child(tmp_path) -> None:
    tb_eval.log_sweep(tmp_path, "s", metric="acc")
    from tb_eval.run import attach

    run = attach(tmp_path / "s" / "t1")
    run.complete()
    assert tb_eval.open_run(tmp_path / "s" / "t1").parent is None


# ---------------------------------------------------------------------- two writers of one run
CONTRIBUTOR = textwrap.dedent(
    """
    import os, sys, numpy as np
    from tb_eval.contributor import contribute
    run = contribute(sys.argv[1])
    run.log_predictions("val", np.array([0, 1, 1, 0]), y_score=np.array([.2, .7, .9, .4]))
    run.log("worker_scalar", 3.0)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), 9)  # no exit handler: what was logged must be on disk already
    run.complete()
    """
)


def _contribute(directory, how: str) -> int:
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-c", CONTRIBUTOR, str(directory), how], env=env
    ).returncode


@pytest.mark.parametrize(("how", "load_fast"), [("exit", True), ("kill", True), ("exit", False)])
def test_two_writers_make_one_run(tmp_path, how, load_fast) -> None:
    owner = tb_eval.start_logging(tmp_path, "sweep", "trial", {"lr": 0.1})
    owner.log("loss", 0.5)
    owner.flush()
    code = _contribute(owner.directory, how)
    assert code == (-signal.SIGKILL if how == "kill" else 0)
    owner.log("loss", 0.25)
    owner.complete()
    assert len(event_files(owner.directory)) == 2
    stored = tb_eval.open_run(owner.directory)
    assert stored.status == "success" and stored.get_params() == {"lr": 0.1}
    assert stored.get_metrics()["worker_scalar"] == 3.0
    assert list(stored.get_predictions("val").y_true) == [0, 1, 1, 0]
    # the Python loader reads every file of a run with --reload_multifile (see docs/logger.md)
    flags = [] if load_fast else ["--reload_multifile=true"]
    with TensorBoardServer(tmp_path, load_fast=load_fast, flags=flags) as tb:
        groups = tb.wait_for(
            lambda: (
                (g := tb.session_groups())
                and g.get("sweep/trial", {}).get("sessions", [{}])[0].get("endTimeSecs")
                and g
            )
        )
        assert list(groups) == ["sweep/trial"]  # one session: the owner's
        session = groups["sweep/trial"]["sessions"][0]
        assert session["status"] == "STATUS_SUCCESS"
        metrics = {m["name"]["tag"]: m["value"] for m in session["metricValues"]}
        assert metrics == {"loss": 0.25, "worker_scalar": 3.0}
        listing = tb.wait_for(lambda: tb.get_json(PREFIX + "/evaluations")["evaluations"])
        assert [(e["run"], e["name"]) for e in listing] == [("sweep/trial", "val")]
        runs = tb.get_json(PREFIX + "/runs")["runs"]
        assert [r["run"] for r in runs] == ["sweep/trial"]


def test_contributor_leaves_the_record_to_the_owner(tmp_path) -> None:
    owner = tb_eval.start_logging(tmp_path, run_name="r", params={"a": 1})
    owner.flush()
    helper = contribute(owner.directory)
    for call in (
        lambda: helper.log_params({"b": 2}),
        lambda: helper.tag("t", 1),
        lambda: helper.upload_file("x.txt", __file__),
    ):
        with pytest.raises(RuntimeError, match="owned by another process"):
            call()
    helper.log("x", 1.0)
    helper.complete()
    assert tb_eval.open_run(owner.directory).status == "running"  # the owner's to set
    owner.fail("crashed")
    assert tb_eval.open_run(owner.directory).status == "failure"
    with pytest.raises(FileNotFoundError, match="directory: no run"):
        contribute(tmp_path / "missing")


def test_trial_names_become_one_directory() -> None:
    from tb_eval.sweep import safe_run_name

    assert safe_run_name("a/b=1") == "a_b=1"
    assert safe_run_name('x"y\\z') == "x_y_z"
    assert safe_run_name("..") == "trial-__"
    assert safe_run_name("  ") == "trial"


def test_unsupported_framework_version_names_it() -> None:
    with pytest.raises(ImportError, match=r"Ray 2\.10\.0 is installed"):
        require("Ray", "2.10.0", (2, 60), (3, 0))
    with pytest.raises(ImportError, match=r"Optuna 6\.0\.0 is installed"):
        require("Optuna", "6.0.0", (5, 0), (6, 0))
    require("Optuna", "5.0.0", (5, 0), (6, 0))


def test_numpy_is_not_needed_by_the_record(tmp_path) -> None:
    # log_sweep takes numpy numbers in domains as numbers
    tb_eval.log_sweep(tmp_path, "s", metric="m", params={"x": [np.float64(1.5), 2]})
    assert read_sweep_record(str(tmp_path / "s"))[1]["metric"] == "m"
