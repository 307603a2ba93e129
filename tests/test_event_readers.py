"""Event files every reader understands: tbparse, ``summary_iterator``-style scripts and both
TensorBoard loaders read what tb_eval writes; runs written before scalars became ``simple_value``
(the committed fixture ``tests/fixtures/tensor_scalars_v0``, written by tb_eval 0.1) read the same.
"""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from tbparse import SummaryReader
from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader

import tb_eval
from tb_eval.kinds import histogram
from tb_eval.reader import event_files
from tests.tbserver import TensorBoardServer

FIXTURE = Path(__file__).parent / "fixtures" / "tensor_scalars_v0"
#: What tb_eval 0.1 returned for the fixture (``get_metrics`` at commit 1a3ece9).
FIXTURE_METRICS = {
    "loss": [1.0, 0.5, 0.33333334, 0.25, 0.2],
    "acc": [0.5, 0.75],
    "big": float("inf"),
    "series": [0.1, 0.2, 0.3],
    "note": "hello",
}
WEIGHTS = np.random.default_rng(3).normal(size=200)


def _log_like_the_fixture(logdir, run_name: str):
    """The calls that wrote the fixture, made again with today's writer."""
    run = tb_eval.start_logging(logdir, run_name=run_name, params={"lr": 0.1})
    for step in range(5):
        run.log("loss", 1.0 / (step + 1))
    run.log("acc", 0.5, step=200, description="validation accuracy")
    run.log("acc", 0.75, step=300)
    # The fixture logged 1e39, stored as float32 infinity; such values are refused now, and
    # infinity itself is what reads back.
    run.log("big", float("inf"))
    run.log_list("series", [0.1, 0.2, 0.3])
    run.log("note", "hello")
    return run


@pytest.fixture
def new_run(tmp_path):
    run = _log_like_the_fixture(tmp_path, "new")
    run.log_table("small table", {"k": ["a", "b|c"], "v": [1.5, 2.5]})
    run.log_histogram("weights", WEIGHTS, step=4, bins=5)
    run.complete()
    return Path(run.directory)


def _float32(values) -> list[float]:
    return np.asarray(values, dtype=np.float32).astype(np.float64).tolist()


def test_tbparse_reads_scalars_text_hparams_and_histogram_tensors(new_run):
    reader = SummaryReader(str(new_run))
    scalars = reader.scalars
    by_tag = {tag: group for tag, group in scalars.groupby("tag")}
    assert set(by_tag) == {"loss", "acc", "big", "series"}
    assert by_tag["loss"]["step"].tolist() == [0, 1, 2, 3, 4]
    assert by_tag["loss"]["value"].tolist() == _float32([1 / (s + 1) for s in range(5)])
    assert by_tag["acc"][["step", "value"]].values.tolist() == [[200, 0.5], [300, 0.75]]
    assert by_tag["big"]["value"].tolist() == [float("inf")]
    assert by_tag["series"]["value"].tolist() == _float32([0.1, 0.2, 0.3])
    text = dict(zip(reader.text["tag"], reader.text["value"]))
    assert text["note"] == "hello"
    assert text["small table"].splitlines() == [
        "| k | v |",
        "|---|---|",
        "| a | 1\\.5 |",
        "| b\\|c | 2\\.5 |",
    ]
    assert dict(zip(reader.hparams["tag"], reader.hparams["value"])) == {"lr": 0.1}
    tensors = reader.tensors
    (rows,) = tensors[tensors["tag"] == "weights"]["value"]
    np.testing.assert_array_equal(rows, histogram.buckets(WEIGHTS, 5))


def test_summary_iterator_scripts_read_simple_value_with_metadata_first(new_run):
    """The loop people write: iterate Events, keep ``value.simple_value``."""
    seen: dict[str, list[tuple[int, float]]] = {}
    metadata = {}
    for path in event_files(str(new_run)):
        for event in LegacyEventFileLoader(path).Load():
            for value in event.summary.value:
                if value.WhichOneof("value") == "simple_value":
                    seen.setdefault(value.tag, []).append((event.step, value.simple_value))
                    if value.HasField("metadata"):
                        metadata.setdefault(value.tag, []).append(value.metadata)
    assert seen["loss"] == list(zip(range(5), _float32([1 / (s + 1) for s in range(5)])))
    assert seen["acc"] == [(200, 0.5), (300, 0.75)]
    # Metadata once per tag and file: the Scalars plugin, the data class, the description.
    assert {tag: len(items) for tag, items in metadata.items()} == dict.fromkeys(seen, 1)
    (acc,) = metadata["acc"]
    assert acc.plugin_data.plugin_name == "scalars"
    assert acc.data_class == 1  # DATA_CLASS_SCALAR
    assert (acc.display_name, acc.summary_description) == ("acc", "validation accuracy")


def test_runs_written_with_tensor_scalars_read_the_same(tmp_path):
    assert tb_eval.open_run(FIXTURE).get_metrics() == FIXTURE_METRICS
    run = _log_like_the_fixture(tmp_path, "again")
    run.complete()
    assert tb_eval.open_run(run.directory).get_metrics() == FIXTURE_METRICS
    # Resuming an old run appends simple_value records after its tensor records.
    shutil.copytree(FIXTURE, tmp_path / "old")
    resumed = tb_eval.start_logging(tmp_path, run_name="old", resume=True)
    resumed.log("loss", 0.125)
    with pytest.raises(ValueError, match="step"):
        resumed.log("acc", 0.9, step=300)
    resumed.log("acc", 0.875, step=301)
    resumed.complete()
    metrics = tb_eval.open_run(tmp_path / "old").get_metrics()
    assert metrics["loss"] == [*FIXTURE_METRICS["loss"], 0.125]
    assert metrics["acc"] == [0.5, 0.75, 0.875]


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_both_loaders_show_old_and_new_scalars_alike(tmp_path, new_run, load_fast):
    shutil.copytree(FIXTURE, tmp_path / "old")
    with TensorBoardServer(tmp_path, load_fast=load_fast) as server:

        def tags():
            listing = server.get_json("/data/plugin/scalars/tags")
            return listing if {"old", "new"} <= set(listing) else None

        listing = server.wait_for(tags)
        for run in ("old", "new"):
            assert set(listing[run]) == {"loss", "acc", "big", "series"}
            assert listing[run]["acc"]["description"] == "<p>validation accuracy</p>"
        # Both loaders name a new scalar by its tag (the fixture's metadata had no display name).
        assert {tag: entry["displayName"] for tag, entry in listing["new"].items()} == {
            tag: tag for tag in listing["new"]
        }
        for tag in ("loss", "acc", "big"):
            points = {
                run: [
                    (step, value)
                    for _, step, value in server.get_json(
                        "/data/plugin/scalars/scalars?"
                        + urllib.parse.urlencode({"run": run, "tag": tag})
                    )
                ]
                for run in ("old", "new")
            }
            assert points["old"] == points["new"], tag
        groups = server.hparams_session_groups()
        metrics = {
            group["sessions"][0]["name"]: {
                m["name"]["tag"]: (m["trainingStep"], m["value"]) for m in group["metricValues"]
            }
            for group in groups
        }
        assert metrics["old"] == metrics["new"]
        assert metrics["new"]["acc"] == (300, 0.75)
        assert metrics["new"]["loss"] == (4, _float32([0.2])[0])
