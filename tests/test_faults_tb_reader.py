"""Every byte tb-eval writes passes TensorBoard's own reader (issue 10, item 11): a broad logging
session -- every kind, a resume, finished-run writes, a child run, a forked child, the
SummaryWriter drop-in -- and then every event file read with TensorBoard's record reader (both
CRCs of every frame checked, nothing left over), every record parsed as an ``Event``, and the
same files loaded by TensorBoard's ``EventFileLoader`` and ``EventAccumulator``."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import errors
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New

import tb_eval
from tb_eval.integrations import SummaryWriter


def _session(root) -> None:
    rng = np.random.default_rng(3)
    run = tb_eval.start_logging(root, experiment="e", run_name="r", params={"lr": 0.1})
    for _i in range(50):
        run.log("loss", float(rng.random()))
    run.log("nan", float("nan"))
    run.log("inf", float("inf"))
    run.log("note", "some *markdown*", description="a note")
    run.log_list("series", [1.0, 2.5, 3.0])
    run.log_row("rows", epoch=1, acc=0.5, loss=float("inf"))
    run.log_row("rows", epoch=2, acc=float("nan"), loss=0.3)
    run.log_table("table", {"a": [1, 2, 3], "b": ["x", None, "z"], "c": [0.5, np.nan, 1e300]})
    run.log_table("big", {"a": np.arange(500)})
    run.log_image("image", image=rng.random((8, 8, 3)))
    run.log_histogram("weights", rng.normal(size=1000), bins=50)
    n = 200
    run.log_predictions(
        "val", rng.integers(0, 3, n), rng.dirichlet(np.ones(3), n), labels=list("abc")
    )
    run.log_predictions("reg", rng.random(n), y_pred=rng.random(n), task="regression")
    run.log_feature_importance("imp", ["f1", "f2"], [0.3, 0.7], per_class={"a": [0.1, 0.9]})
    run.log_confusion_matrix("cm", [[3, 1], [0, 4]], labels=["a", "b"])
    run.upload_file("outputs/model.txt", io.StringIO("weights"))
    run.tag("phase", "train")  # before the first flush: in the HParams session
    run.flush()
    pid = os.fork() if hasattr(os, "fork") else None
    if pid == 0:  # a forked child logging into the run: its own file
        try:
            run.log("child", 1.0)
            run.flush()
        finally:
            os._exit(0)
    if pid:
        os.waitpid(pid, 0)
    child = run.child_run("trial")
    child.log("x", 1.0)
    child.complete()
    run.complete()
    run.tag("after", "done")  # a finished-run write: a new file
    tb_eval.open_run(run.directory).add_properties({"k": "v"})
    resumed = tb_eval.start_logging(root, experiment="e", run_name="r", resume=True)
    resumed.log("loss", 0.1)
    resumed.log_table("table", {"a": [4]})
    resumed.fail(ValueError("stopped"))
    with SummaryWriter(os.path.join(root, "sw")) as writer:
        for step in range(5):
            writer.add_scalar("a/b", step * 0.5, step)
            writer.add_scalars("group", {"x": step, "y": -step}, step)
        writer.add_text("t", "hello", 0)
        writer.add_histogram("h", rng.normal(size=100), 0)
        writer.add_image("img", rng.random((3, 4, 4)), 0)
        writer.add_hparams({"lr": 0.1}, {"hparam/acc": 0.9})


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("broad")
    with pytest.warns(UserWarning, match="HParams dashboard keeps"):  # the finished-run tag
        _session(str(root))
    return root


def _event_files(root) -> list[str]:
    found = []
    for directory, subdirectories, files in os.walk(root):
        assert not [d for d in subdirectories if "tfevents" in d]
        found += [os.path.join(directory, f) for f in files if "tfevents" in f]
    return sorted(found)


def _tensorboard_records(path: str) -> list[bytes]:
    """Every record of ``path`` through TensorBoard's record reader, which raises
    ``DataLossError`` for a bad header or payload CRC or a truncated record."""
    reader = PyRecordReader_New(path)
    records = []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            break
        records.append(reader.record())
    assert reader.file_handle.read() == b""  # nothing after the last record
    return records


def test_every_event_file_passes_tensorboards_reader(logdir):
    paths = _event_files(logdir)
    assert len(paths) >= 8  # the run (several files), its child, the sub-runs of add_scalars
    total = 0
    for path in paths:
        records = _tensorboard_records(path)  # DataLossError here fails the test
        assert records, path
        events = [event_pb2.Event.FromString(record) for record in records]
        for record, event in zip(records, events, strict=True):
            assert event.SerializeToString() == record or event.ByteSize() == len(record)
            assert event.HasField("file_version") or event.HasField("summary"), (path, event)
        assert events[0].file_version == "brain.Event:2", path
        loaded = list(event_file_loader.EventFileLoader(path).Load())
        assert len(loaded) == len(records), path
        total += len(records)
    assert total > 100


def test_tensorboards_accumulator_reads_every_run(logdir):
    run_dir = os.path.join(logdir, "e", "r")
    accumulator = EventAccumulator(run_dir, size_guidance={"tensors": 0, "scalars": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    assert {"loss", "nan", "inf"} <= set(tags["scalars"])
    assert {"note", "weights", "tb_eval/table/table"} <= set(tags["tensors"])
    assert "image" in tags["tensors"] or "image" in tags["images"]
    assert [event.step for event in accumulator.Scalars("loss")] == list(range(51))
    sw = EventAccumulator(os.path.join(logdir, "sw"), size_guidance={"scalars": 0})
    sw.Reload()
    assert len(sw.Scalars("a/b")) == 5
