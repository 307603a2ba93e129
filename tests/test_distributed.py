"""tb_eval under torch.distributed: 2 processes, gloo, CPU, a file store (no network).

Each test launches tests/distributed_worker.py twice (one process per rank) and checks what the
ranks reported and what reached the disk, with TensorBoard's loader, our reader and
scikit-learn on the whole data as oracles.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

pytest.importorskip("torch.distributed")

import tb_eval  # noqa: E402
from tb_eval import distributed  # noqa: E402
from tb_eval.evaluation import evaluate_prepared  # noqa: E402
from tb_eval.reader import event_files, read_run  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import distributed_worker as worker  # noqa: E402

WORKER = Path(__file__).with_name("distributed_worker.py")
ROOT = Path(__file__).resolve().parents[1]
#: Every subprocess is time-boxed; the agreement time-out is far longer, so a rank that only
#: gave up at the time-out would fail the test by this bound.
PROCESS_TIMEOUT = 120


def launch(tmp_path, scenario, world=2, env=None):
    """Run ``scenario`` on ``world`` ranks; their JSON reports and return codes, by rank."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TB_EVAL_DIST_TIMEOUT": "600",
        "GLOO_SOCKET_IFNAME": "lo",
        **(env or {}),
    }
    init = tmp_path / "init"
    logdir = tmp_path / "logs"
    processes = [
        subprocess.Popen(
            [sys.executable, str(WORKER), scenario, str(rank), str(world), str(init), str(logdir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=tmp_path,
        )
        for rank in range(world)
    ]
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=PROCESS_TIMEOUT)
            lines = [line for line in out.splitlines() if line.startswith("{")]
            report = json.loads(lines[-1]) if lines else {}
            results.append((report, process.returncode, err))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return results, logdir


def reports(results):
    for _report, code, err in results:
        assert code == 0, err[-3000:]
    return [report for report, _, _ in results]


def whole_data():
    y, score, classes, probabilities, labels, weights = worker.data()
    return y, score, classes, probabilities, labels, weights


def check_predictions_are_the_whole_data(run_dir):
    """The run holds one prediction set per call with every rank's rows (rank order is the data's
    order), evaluating as one process on the whole data does (and as scikit-learn does)."""
    y, score, classes, probabilities, labels, weights = whole_data()
    data = read_run(str(run_dir))
    for step in (0, 5):
        got = data.predictions("val", step)
        np.testing.assert_array_equal(got.y_true, y)
        np.testing.assert_array_equal(got.y_score, score)
        np.testing.assert_array_equal(got.sample_weight, weights)
    got = data.predictions("val")
    report = evaluate_prepared(got)
    whole = tb_eval.evaluate(y, score, sample_weight=weights)
    assert report.n_samples == whole.n_samples == worker.N
    for metric, value in whole.metrics.items():
        assert report.metrics[metric] == pytest.approx(value, abs=1e-12, nan_ok=True), metric
    for kind in ("roc", "precision_recall"):
        for column, values in whole.curves[kind]["1"].items():
            np.testing.assert_allclose(report.curves[kind]["1"][column], values, atol=1e-12)
    assert report.metrics["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y, score, sample_weight=weights), abs=1e-12
    )
    assert report.metrics["average_precision"] == pytest.approx(
        skm.average_precision_score(y, score, sample_weight=weights), abs=1e-12
    )
    species = data.predictions("species", 2)
    assert species.labels == labels
    np.testing.assert_array_equal(np.array(labels)[species.y_true], classes)
    np.testing.assert_allclose(species.y_score, probabilities, rtol=1e-7)
    multiclass = evaluate_prepared(species)
    assert multiclass.metrics["roc_auc_macro"] == pytest.approx(
        skm.roc_auc_score(classes, species.y_score, multi_class="ovr", labels=labels), abs=1e-12
    )


def tensorboard_scalars(run_dir, tag):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator, [(e.step, e.value) for e in accumulator.Scalars(tag)]


def test_one_run_written_by_rank_zero_holding_every_ranks_predictions(tmp_path):
    rank0, rank1 = reports(launch(tmp_path, "default")[0])
    # One generated name for the job; rank 1 validates every call and writes nothing.
    assert rank0["directory"] == rank1["directory"]
    assert (rank0["type"], rank1["type"]) == ("Run", "FollowerRun")
    run_dir = Path(rank0["directory"])
    assert [p.name for p in (tmp_path / "logs" / "ddp").iterdir()] == [run_dir.name]
    assert len(event_files(str(run_dir))) == 1
    accumulator, loss = tensorboard_scalars(run_dir, "loss")
    assert loss == [(0, 0.0), (1, 1.0), (2, 2.0)]  # rank 0's values only
    assert len(accumulator.Tensors("image")) == 1
    stored = tb_eval.open_run(str(run_dir))
    assert stored.get_tags()["rank"] == "0"
    assert stored.get_params() == {"lr": 0.1}
    assert stored.get_status() == "Completed"
    check_predictions_are_the_whole_data(run_dir)
    # A mistake raises on every rank, the same error as in one process.
    for key in ("late_step", "scalar_on_predictions"):
        assert rank0[key] == rank1[key] and rank0[key].startswith("ValueError"), key
    assert "step: 4" in rank0["late_step"]
    assert rank0["child"] == [str(run_dir / "trial"), "Run"]
    assert rank1["child"] == [str(run_dir / "trial"), "FollowerRun"]
    assert len(event_files(str(run_dir / "trial"))) == 1
    assert read_run(str(run_dir / "trial")).predictions("val").n == worker.N


def test_per_rank_gives_each_rank_its_own_sub_run(tmp_path):
    rank0, rank1 = reports(launch(tmp_path, "per_rank")[0])
    run0, run1 = Path(rank0["directory"]), Path(rank1["directory"])
    assert (run0.name, run1.name) == ("rank-0", "rank-1")
    assert run0.parent == run1.parent
    for rank, run_dir in enumerate((run0, run1)):
        _, loss = tensorboard_scalars(run_dir, "loss")
        assert loss == [(step, 10.0 * rank + step) for step in range(3)]
        assert tb_eval.open_run(str(run_dir)).get_tags()["rank"] == str(rank)
    # TensorBoard lists the job's two runs.
    from tensorboard.backend.event_processing import plugin_event_multiplexer

    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(tmp_path / "logs"))
    multiplexer.Reload()
    prefix = f"ddp/{run0.parent.name}"
    assert sorted(multiplexer.Runs()) == [
        f"{prefix}/rank-{rank}{child}" for rank in (0, 1) for child in ("", "/trial")
    ]
    # The collective prediction sets are written once, into rank 0's run.
    check_predictions_are_the_whole_data(run0)
    with pytest.raises(KeyError):
        read_run(str(run1)).predictions("val")
    # Each rank's run checks the calls as one process would (and takes the names).
    for key in ("late_step", "scalar_on_predictions"):
        assert rank0[key] == rank1[key] and rank0[key].startswith("ValueError"), key


def test_ranks_that_disagree_get_the_same_clear_error(tmp_path):
    rank0, rank1 = reports(launch(tmp_path, "disagree")[0])
    for report in (rank0, rank1):
        assert report["name"].startswith("ValueError: name: the ranks disagree")
        assert "rank 0: 'val', rank 1: 'test'" in report["name"]
        assert report["step"].startswith("ValueError: step:") and "rank 1: 2" in report["step"]
        assert report["labels"].startswith("ValueError: labels:")
        assert "['neg', 'pos']" in report["labels"]
        assert report["task"].startswith("ValueError: task:") and "regression" in report["task"]
        assert "sample_weight (which of them are given)" in report["weights"]
        assert report["good"] is None  # still in step after the errors
    # The rank with bad input raises its own error; the other names that rank.
    assert rank1["bad_input"].startswith("ValueError: y_score has 1333 rows")
    assert rank0["bad_input"].startswith("ValueError: rank 1 failed at log_predictions('val4')")
    assert "y_score has 1333 rows" in rank0["bad_input"]
    data = read_run(str(tmp_path / "logs" / "r"))
    assert data.predictions("ok").n == worker.N


def test_a_rank_that_exits_before_a_collective_is_named_at_once(tmp_path):
    (rank0, code0, _), (_, code1, err1) = launch(tmp_path, "rank_dies")[0]
    assert code0 == 0 and code1 != 0 and "ZeroDivisionError" in err1
    # Not the time-out (600 s, beyond the process bound): rank 1's exit note.
    assert rank0["alone"].startswith("CollectiveError: rank 1 exited (after ZeroDivisionError")
    assert "log_predictions('val')" in rank0["alone"]


def test_a_rank_calling_a_collective_alone_gets_a_clear_error(tmp_path):
    rank0, _ = reports(launch(tmp_path, "alone_exits")[0])
    assert rank0["alone"].startswith("CollectiveError: rank 1 exited (normally) without reaching")
    (tmp_path / "busy").mkdir()
    busy = launch(tmp_path / "busy", "alone_busy", env={distributed.ENV_TIMEOUT: "2"})
    rank0, _ = reports(busy[0])
    assert rank0["alone"].startswith("CollectiveError: rank(s) 1 did not reach log_predictions")
    assert "within 2 s (TB_EVAL_DIST_TIMEOUT)" in rank0["alone"]


def test_outside_a_process_group_nothing_changes(tmp_path, monkeypatch):
    assert distributed.process_rank() is None
    run = tb_eval.start_logging(tmp_path, run_name="single", per_rank=True)
    assert run.directory == str(tmp_path / "single") and type(run) is tb_eval.Run
    run.complete()
    with pytest.raises(TypeError, match="per_rank: expected a bool"):
        tb_eval.start_logging(tmp_path, run_name="x", per_rank="yes")
    monkeypatch.setenv(distributed.ENV_TIMEOUT, "soon")
    with pytest.raises(ValueError, match="TB_EVAL_DIST_TIMEOUT: expected a positive number"):
        distributed.timeout_seconds()
    monkeypatch.setenv(distributed.ENV_TIMEOUT, "2.5")
    assert distributed.timeout_seconds() == 2.5


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_lightning_ddp_on_cpu_writes_one_run_with_every_ranks_rows(tmp_path):
    pytest.importorskip("lightning")
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()),
        "GLOO_SOCKET_IFNAME": "lo",
    }
    script = Path(__file__).with_name("distributed_lightning.py")
    # Lightning's DDP launcher starts rank 1 by running this command line again; both ranks are
    # in a session of their own, killed whole if the job outlives its bound.
    job = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "logs"), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        _, err = job.communicate(timeout=PROCESS_TIMEOUT * 2)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    assert job.returncode == 0, err[-3000:]
    by_rank = {r: json.loads((tmp_path / f"result-rank{r}.json").read_text()) for r in (0, 1)}
    assert (by_rank[0]["type"], by_rank[1]["type"]) == ("Run", "FollowerRun")
    assert by_rank[0]["directory"] == by_rank[1]["directory"]
    assert by_rank[0]["version"] == by_rank[1]["version"]  # rank 1 took rank 0's name
    run_dir = Path(by_rank[0]["directory"])
    assert run_dir.name == by_rank[0]["version"]
    assert [p.name for p in (tmp_path / "logs" / "ddp").iterdir()] == [run_dir.name]
    data = read_run(str(run_dir))
    for stage, step in (("val", 0), ("val", 1), ("test", 2)):
        shards = [np.load(tmp_path / f"{stage}-{step}-rank{rank}.npz") for rank in (0, 1)]
        y = np.concatenate([shard["y"] for shard in shards])
        score = np.concatenate([shard["score"] for shard in shards])
        got = data.predictions(stage, step)
        np.testing.assert_array_equal(got.y_true, y)
        np.testing.assert_array_equal(got.y_score, score)
        assert evaluate_prepared(got).metrics["roc_auc"] == pytest.approx(
            skm.roc_auc_score(y, score), abs=1e-12
        )
    _, loss = tensorboard_scalars(run_dir, "train_loss")
    assert len(loss) == 2
    assert tb_eval.open_run(str(run_dir)).get_params()["learning_rate"] == 0.1


def test_keras_callback_on_every_rank_logs_one_run(tmp_path):
    import importlib.util

    if importlib.util.find_spec("keras") is None:
        pytest.skip("the keras extra is not installed")
    rank0, rank1 = reports(launch(tmp_path, "keras")[0])
    assert rank0["directory"] == rank1["directory"]
    assert (rank0["type"], rank1["type"]) == ("Run", "FollowerRun")
    run_dir = Path(rank0["directory"])
    assert [p.name for p in (tmp_path / "logs" / "keras").iterdir()] == [run_dir.name]
    got = read_run(str(run_dir)).predictions("val", 1)  # the last epoch: the models after fit
    assert got.labels == ["neg", "pos"]
    np.testing.assert_array_equal(got.y_true, rank0["y"] + rank1["y"])
    score = np.array(rank0["score"] + rank1["score"])[:, 1]
    np.testing.assert_allclose(got.y_score, score, rtol=1e-6)
    _, loss = tensorboard_scalars(run_dir, "val_loss")
    assert [step for step, _ in loss] == [0, 1]


def test_a_run_handed_over_by_environment_is_written_by_rank_zero(tmp_path):
    run_dir = tmp_path / "logs" / "handed"
    rank0, rank1 = reports(
        launch(tmp_path, "environment", env={"TB_EVAL_RUN_DIR": str(run_dir)})[0]
    )
    assert rank0["directory"] == rank1["directory"] == str(run_dir)
    assert (rank0["type"], rank1["type"]) == ("Run", "FollowerRun")
    assert len(event_files(str(run_dir))) == 1
    _, loss = tensorboard_scalars(run_dir, "loss")
    assert loss == [(0, 0.0)]
    assert read_run(str(run_dir)).predictions("val").n == worker.N


def test_looking_for_a_process_group_never_imports_torch(tmp_path):
    code = (
        "import sys, tb_eval\n"
        f"run = tb_eval.start_logging({str(tmp_path)!r}, run_name='r', per_rank=True)\n"
        "run.log_predictions('val', [0, 1, 1], y_score=[0.2, 0.7, 0.6])\n"
        "run.child_run('c').complete()\n"
        "run.complete()\n"
        "heavy = ('torch', 'keras', 'lightning')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=PROCESS_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
