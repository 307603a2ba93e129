"""SummaryWriter(purge_step=...) against torch's own writer: a training resumed after a crash
restarts at ``purge_step``, and readers drop what the crashed run logged from there on:
TensorBoard's Python loader, its EventAccumulator and our reader every tag's, its Rust loader
those of the tags written again (tbparse keeps everything)."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest
import tbparse
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

import tb_eval
from tb_eval.integrations import SummaryWriter
from tests.tbserver import TensorBoardServer

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

CRASHED_AT, PURGE = 10, 6


def _train(writer_class, directory: str) -> None:
    """Ten steps, a crash, and a resumed writer that logs ``loss`` again from ``PURGE``."""
    writer = writer_class(directory)
    for step in range(CRASHED_AT):
        writer.add_scalar("loss", 10.0 - step, step)
        writer.add_scalar("acc", step / 10, step)
        writer.add_text("note", f"step {step}", step)
        writer.add_histogram("weights", np.arange(step + 3.0), step)
    writer.close()
    resumed = writer_class(directory, purge_step=PURGE)
    for step in range(PURGE, PURGE + 3):
        resumed.add_scalar("loss", 100.0 + step, step)
    resumed.close()


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("purge")
    _train(SummaryWriter, str(root / "ours"))
    _train(TorchWriter, str(root / "torch"))
    return root


def _scalars(directory) -> dict[str, list[tuple[int, float]]]:
    frame = tbparse.SummaryReader(str(directory)).scalars
    return {
        tag: list(zip(rows["step"].tolist(), rows["value"].tolist()))
        for tag, rows in frame.groupby("tag")
    }


def _legacy_scalars(directory, tag: str) -> list[tuple[int, float]]:
    accumulator = event_accumulator.EventAccumulator(str(directory), size_guidance={"scalars": 0})
    return [(e.step, e.value) for e in accumulator.Reload().Scalars(tag)]


def test_the_event_accumulator_drops_every_tag_from_purge_step_as_for_torch(logdir):
    # TensorBoard's (legacy) EventAccumulator purges the scalars of every tag on a restart.
    for tag in ("loss", "acc"):
        assert _legacy_scalars(logdir / "ours", tag) == _legacy_scalars(logdir / "torch", tag)
    assert _legacy_scalars(logdir / "ours", "loss") == [(s, 10.0 - s) for s in range(PURGE)] + [
        (s, 100.0 + s) for s in range(PURGE, PURGE + 3)
    ]
    assert [step for step, _ in _legacy_scalars(logdir / "ours", "acc")] == list(range(PURGE))


def test_tbparse_reads_the_same_as_for_torch(logdir):
    # tbparse keeps every record (it does not purge): both runs' records, as written.
    assert _scalars(logdir / "ours") == _scalars(logdir / "torch")


def test_get_metrics_reads_the_run_as_the_python_loader_does(logdir):
    for name in ("ours", "torch"):
        metrics = tb_eval.open_run(logdir / name).get_metrics()
        assert metrics["loss"] == [10.0 - s for s in range(PURGE)] + [
            100.0 + s for s in range(PURGE, PURGE + 3)
        ]
        assert len(metrics["acc"]) == PURGE
    assert tb_eval.open_run(logdir / "ours").get_metrics("note") == {
        "note": [f"step {s}" for s in range(PURGE)]
    }


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_tensorboard_shows_the_resumed_training_under_both_loaders(logdir, load_fast):
    with TensorBoardServer(logdir, load_fast=load_fast) as server:
        server.wait_for(
            lambda: {"ours", "torch"} <= set(server.get_json("/data/plugin/scalars/tags"))
        )

        def scalars(run, tag):
            return [
                row[1:] for row in server.get_json("/data/plugin/scalars/scalars", run=run, tag=tag)
            ]

        def histogram_steps(run):
            route = "/data/plugin/histograms/histograms"
            return [row[1] for row in server.get_json(route, run=run, tag="weights")]

        expected_loss = [[s, 10.0 - s] for s in range(PURGE)] + [
            [s, 100.0 + s] for s in range(PURGE, PURGE + 3)
        ]
        assert scalars("ours", "loss") == expected_loss
        if load_fast:
            # The Rust loader drops a tag's later records when the tag is written again, and
            # keeps those of the others (it ignores restarts): the same as for torch's runs.
            for tag in ("loss", "acc"):
                assert scalars("ours", tag) == scalars("torch", tag), tag
            assert [step for step, _ in scalars("ours", "acc")] == list(range(CRASHED_AT))
            assert histogram_steps("ours") == histogram_steps("torch")
        else:
            # The Python loader takes a run's first restart for the session's start: for
            # torch's one restart record it purges nothing; ours has two, so it drops every
            # tag's records from purge_step on.
            assert len(scalars("torch", "loss")) == CRASHED_AT + 3
            assert [step for step, _ in scalars("ours", "acc")] == list(range(PURGE))
            assert histogram_steps("ours") == list(range(PURGE))


PREFIX = "/data/plugin/tb_eval"


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_the_evaluation_dashboards_show_the_resumed_training(tmp_path, load_fast):
    directory = str(tmp_path / "run")
    y = np.array([0, 1, 1, 0])
    with SummaryWriter(directory) as writer:
        for step in range(4):
            writer.run.log_predictions("val", y, np.array([0.1, 0.8, 0.7, 0.3]), step=step)
    with SummaryWriter(directory, purge_step=2) as resumed:
        resumed.run.log_predictions("val", y, np.array([0.9, 0.2, 0.1, 0.6]), step=2)
    with TensorBoardServer(tmp_path, load_fast=load_fast) as server:
        listed = server.wait_for(lambda: server.get_json(PREFIX + "/evaluations")["evaluations"])
        assert [entry["steps"] for entry in listed] == [[0, 1, 2]]
        report = server.get_json(PREFIX + "/evaluation", run="run", name="val", step=2)
        assert report["metrics"]["roc_auc"] == pytest.approx(0.0)


def test_steps_go_back_to_purge_step_only(tmp_path):
    directory = str(tmp_path / "run")
    with SummaryWriter(directory) as writer:
        for step in range(5):
            writer.add_scalar("loss", float(step), step)
    resumed = SummaryWriter(directory, purge_step=3)
    with pytest.raises(ValueError, match="step: 2 for 'loss' must be greater than its last step 2"):
        resumed.add_scalar("loss", 0.5, 2)
    resumed.add_scalar("loss", 30.0, 3)
    assert resumed.run.last_step("loss") == 3
    resumed.close()
    # A reopen after close() purges nothing more, as torch's (purge_step is used once).
    assert resumed.purge_step is None
    resumed.add_scalar("loss", 40.0, 4)
    resumed.close()
    assert tb_eval.open_run(directory).get_metrics()["loss"] == [0.0, 1.0, 2.0, 30.0, 40.0]


def test_predictions_and_tables_at_purge_step_or_later_are_dropped(tmp_path):
    directory = str(tmp_path / "run")
    y = np.array([0, 1, 1, 0])
    with SummaryWriter(directory) as writer:
        for step in range(4):
            writer.run.log_predictions("test", y, np.array([0.1, 0.8, 0.7, 0.3]), step=step)
            writer.run.log_table("scores", {"step": [step]}, step=step)
    resumed = SummaryWriter(directory, purge_step=2)
    run = resumed.run
    with pytest.raises(KeyError, match=r"logged steps: \[0, 1\]"):
        run.get_predictions("test", step=2)
    run.log_predictions("test", y, np.array([0.9, 0.2, 0.1, 0.6]), step=2)
    resumed.close()
    stored = tb_eval.open_run(directory)
    np.testing.assert_allclose(stored.get_predictions("test", step=2).y_score, [0.9, 0.2, 0.1, 0.6])
    assert stored.get_metrics("scores") == {"scores": [{"step": [0]}, {"step": [1]}]}


def test_purge_step_zero_drops_the_hparams_session_so_add_hparams_writes_it_again(tmp_path):
    directory = str(tmp_path / "run")
    with SummaryWriter(directory) as writer:
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5})
    with SummaryWriter(directory, purge_step=0) as resumed:
        assert not resumed.run._session_started
        resumed.add_hparams({"lr": 0.1}, {"acc": 0.7})
    data = tb_eval.reader.read_run(directory)
    assert data.has_session
    assert data.metrics("acc") == {"acc": pytest.approx(0.7)}
    starts = [
        event.step
        for path in sorted(glob.glob(os.path.join(directory, "*tfevents*")))
        for event in EventFileLoader(path).Load()
        if any(v.tag == "_hparams_/session_start_info" for v in event.summary.value)
    ]
    assert starts == [0, 0]  # the second follows the restart, so readers keep it alone


@pytest.mark.parametrize("bad", [-1, 2**63, 1.5, "3", True])
def test_a_bad_purge_step_is_refused_before_anything_is_written(tmp_path, bad):
    directory = tmp_path / "run"
    with pytest.raises((TypeError, ValueError), match="purge_step"):
        SummaryWriter(str(directory), purge_step=bad)
    assert not directory.exists()
    assert not glob.glob(os.path.join(tmp_path, "**", "*tfevents*"), recursive=True)


def test_add_scalars_steps_go_back_to_purge_step_in_its_sub_runs(tmp_path):
    # torch's writer takes add_scalars at a resumed step; its sub-runs restart there too.
    directory = str(tmp_path / "run")
    with SummaryWriter(directory) as writer:
        for step in range(5):
            writer.add_scalars("grp", {"a": float(step), "b": -float(step)}, step)
    with SummaryWriter(directory, purge_step=3) as resumed:
        resumed.add_scalars("grp", {"a": 30.0, "b": -30.0}, 3)
    assert tb_eval.open_run(os.path.join(directory, "grp_a")).get_metrics()["grp"] == [
        0.0,
        1.0,
        2.0,
        30.0,
    ]
    assert tb_eval.open_run(os.path.join(directory, "grp_b")).get_metrics()["grp"] == [
        0.0,
        -1.0,
        -2.0,
        -30.0,
    ]
    assert _legacy_scalars(os.path.join(directory, "grp_a"), "grp")[-1] == (3, 30.0)


def test_a_sub_run_checked_under_purge_step_is_checked_again_after_close(tmp_path):
    directory = str(tmp_path / "run")
    with SummaryWriter(directory) as writer:
        for step in range(6):
            writer.add_scalars("grp", {"a": float(step)}, step)
    resumed = SummaryWriter(directory, purge_step=3)
    with pytest.raises(ValueError, match="global_step: 2 for 'grp' must be greater than its"):
        resumed.add_scalars("grp", {"a": 1.0}, 2)  # grp_a read as restarted at 3, not opened
    resumed.close()
    files = sorted(glob.glob(os.path.join(directory, "**", "*tfevents*"), recursive=True))
    # reopened after close(), the writer purges nothing: step 3 goes back in grp_a
    with pytest.raises(ValueError, match="global_step: 3 for 'grp' must be greater than its"):
        resumed.add_scalars("grp", {"a": 1.0}, 3)
    assert sorted(glob.glob(os.path.join(directory, "**", "*tfevents*"), recursive=True)) == files
    resumed.add_scalars("grp", {"a": 6.0}, 6)
    resumed.close()
    metrics = tb_eval.open_run(os.path.join(directory, "grp_a")).get_metrics()
    assert metrics["grp"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
