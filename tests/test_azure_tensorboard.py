"""What the Azure-style API writes, as TensorBoard itself shows it, under both loaders: params
from real configs in HParams, descriptions, child runs, a finished run tagged afterwards, Azure's
confusion-matrix JSON, and a run resumed right after its writer was SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import types
import urllib.parse

import numpy as np
import pytest

import tb_eval
from tb_eval.io import writer
from tb_eval.reader import event_files
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
KILLED_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import tb_eval

    run = tb_eval.start_logging(sys.argv[1], experiment="kill", run_name="r")
    for step in range(5):
        run.log("loss", 1.0 / (step + 1))
    run.flush()
    os.kill(os.getpid(), signal.SIGKILL)
    """
)
CONFUSION = {
    "schema_type": "confusion_matrix",
    "schema_version": "1.0.0",
    "data": {"class_labels": ["cat", "dog"], "matrix": [[5, 1], [2, 7]]},
}


def _sklearn_params() -> dict:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=0.5, class_weight=None).get_params()


def _resume_after_a_kill(logdir: str) -> None:
    """Issue 10's repro: the killed child's file and the resumed parent's in the same second."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, logdir],
        env={**os.environ, "PYTHONPATH": repo},
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL
    directory = os.path.join(logdir, "kill", "r")
    (killed_file,) = event_files(directory)
    second = int(os.path.basename(killed_file).split(".")[3])
    real_time = writer.time
    writer.time = types.SimpleNamespace(time=lambda: second + 0.5)  # the same second, for sure
    try:
        run = tb_eval.start_logging(logdir, experiment="kill", run_name="r", resume=True)
        run.log("loss", 0.1)
        run.complete()
    finally:
        writer.time = real_time
    files = event_files(directory)
    assert len(files) == 2 and files[0] == killed_file  # the resumed file is read last


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("azure-logdir"))
    estimator_params = _sklearn_params()  # before the run: HParams keeps its first session
    with tb_eval.start_logging(root, experiment="cfg", run_name="r") as run:
        run.log_params(estimator_params)
        run.log_params({"opt": {"lr": np.float32(0.5), "nesterov": True}, "layers": [64, 32]})
        run.log_params({"seed": None})
        for step in range(3):
            run.log("acc", 0.5 + step / 10, "Accuracy on the *validation* set")
        run.log_list("curve", [0.1, 0.2], "A curve")
    parent = tb_eval.start_logging(root, experiment="sweep", run_name="search")
    for index in range(2):
        trial = parent.child_run(f"trial_{index}")
        trial.log_params({"lr": 0.1 * (index + 1)})
        trial.log("loss", 1.0 - index / 4)
        trial.complete()
    parent.complete()
    with tb_eval.start_logging(root, experiment="azure", run_name="cm") as run:
        run.log_confusion_matrix("final", CONFUSION, "Test-set counts")
        run.tag("before", "yes")
    stored = tb_eval.open_run(os.path.join(root, "azure", "cm"))
    stored.tag("after", "tagged when finished")
    stored.add_properties({"BuildId": "42"})
    stored.display_name = "Confusion demo"
    _resume_after_a_kill(root)
    return root


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def server(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        expected = {"cfg/r", "sweep/search", "sweep/search/trial_0", "sweep/search/trial_1"}
        expected |= {"azure/cm", "kill/r"}
        tb.wait_for(lambda: expected <= set(tb.get_json("/data/runs")))
        tb.wait_for(lambda: len(_scalars(tb, "kill/r", "loss")) == 6)
        yield tb


def _scalars(server, run: str, tag: str) -> list:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return server.get_json(f"/data/plugin/scalars/scalars?{query}")


def test_hparams_shows_real_config_values_by_type(server):
    hparams = server.session_groups()["cfg/r"]["hparams"]
    assert hparams["C"] == 0.5 and hparams["max_iter"] == 100  # numbers as numbers
    assert hparams["fit_intercept"] is True and hparams["opt.nesterov"] is True  # bools
    assert hparams["opt.lr"] == 0.5 and hparams["layers"] == "[64, 32]"
    assert hparams["class_weight"] == "None" and hparams["seed"] == "None"
    assert hparams["solver"] == "lbfgs"


def test_descriptions_are_tensorboards_tag_descriptions(server):
    tags = server.get_json("/data/plugin/scalars/tags")["cfg/r"]
    assert "Accuracy on the <em>validation</em> set" in tags["acc"]["description"]
    assert "A curve" in tags["curve"]["description"]


def test_child_runs_show_beside_their_parent_with_their_own_hparams(server):
    groups = server.session_groups()
    for index in range(2):
        group = groups[f"sweep/search/trial_{index}"]
        assert group["hparams"]["lr"] == pytest.approx(0.1 * (index + 1))
        assert group["sessions"][0]["status"] == "STATUS_SUCCESS"
    assert [row[2] for row in _scalars(server, "sweep/search/trial_1", "loss")] == [0.75]


def test_a_finished_run_tagged_later_shows_the_new_record(server):
    runs = {entry["run"]: entry for entry in server.get_json(f"{PREFIX}/runs")["runs"]}
    cm = runs["azure/cm"]
    assert cm["tags"] == {"before": "yes", "after": "tagged when finished"}
    assert cm["properties"] == {"BuildId": "42"} and cm["display_name"] == "Confusion demo"
    assert cm["status"] == "success"
    assert runs["sweep/search/trial_0"]["parent"] == "search"
    status = server.session_groups()["azure/cm"]["sessions"][0]["status"]
    assert status == "STATUS_SUCCESS"


def test_azures_confusion_matrix_json_is_a_confusion_matrix(server):
    query = urllib.parse.urlencode({"run": "azure/cm", "name": "final"})
    body = server.get_json(f"{PREFIX}/confusion?{query}")
    assert body["labels"] == ["cat", "dog"] and body["matrix"] == [[5, 1], [2, 7]]


def test_a_run_resumed_after_a_kill_in_the_same_second_reads_in_order(server):
    rows = _scalars(server, "kill/r", "loss")
    assert [row[1] for row in rows] == [0, 1, 2, 3, 4, 5]
    assert rows[-1][2] == pytest.approx(0.1)
    assert server.session_groups()["kill/r"]["sessions"][0]["status"] == "STATUS_SUCCESS"
