"""What tb_eval writes, read back by TensorBoard itself: EventAccumulator and a real server
under both loaders (the Rust data server and the Python multiplexer)."""

from __future__ import annotations

import io
import json
import re
import urllib.parse

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.util import tensor_util

import tb_eval
from tests.tbserver import TensorBoardServer

RNG = np.random.default_rng(7)
LOSSES = RNG.normal(size=60).tolist()
IMAGE = RNG.integers(0, 256, (6, 9, 3), dtype=np.uint8)
WEIGHTS = RNG.normal(size=500)
STATUS = {"alpha-0.1": "success", "alpha-0.3": "success", "alpha-1.0": "failure"}


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("logdir")
    for run_name, status in STATUS.items():
        alpha = float(run_name.split("-")[1])
        run = tb_eval.start_logging(
            root, experiment="sweep", run_name=run_name, params={"alpha": alpha, "solver": "svd"}
        )
        run.tag("owner", "team")
        for step, loss in enumerate(LOSSES):
            run.log("loss", loss * alpha, step=step * 10)
        run.log_list("accuracy", [0.5, 0.6, 0.7])
        run.log("status", "converged <b>ok</b>")
        run.log_image("sample", image=IMAGE)
        run.log_image("sample", image=IMAGE[::-1])
        run.log_table("small table", {"k": ["a", "b"], "v": [1.5, 2.5]})
        run.log_histogram("weights", WEIGHTS * alpha, step=7)
        run.log("mse", alpha * 100)
        if status == "success":
            run.complete()
        else:
            run.fail("diverged")
    return root


def _float32(values):
    return np.asarray(values, dtype=np.float32).tolist()


def test_event_accumulator_reads_everything_exactly(logdir):
    accumulator = EventAccumulator(
        str(logdir / "sweep" / "alpha-0.3"),
        size_guidance={"tensors": 0, "images": 0, "scalars": 0},
    )
    accumulator.Reload()
    # Scalars are simple_value records: the accumulator's Scalars, as torch's writer's are.
    loss = accumulator.Scalars("loss")
    assert [event.step for event in loss] == [step * 10 for step in range(len(LOSSES))]
    assert [e.value for e in loss] == _float32([value * 0.3 for value in LOSSES])
    accuracy = accumulator.Scalars("accuracy")
    assert [(e.step, e.value) for e in accuracy] == list(zip([0, 1, 2], _float32([0.5, 0.6, 0.7])))
    assert accumulator.SummaryMetadata("loss").plugin_data.plugin_name == "scalars"
    (text,) = accumulator.Tensors("status")
    assert text.tensor_proto.string_val == [b"converged <b>ok</b>"]
    images = accumulator.Tensors("sample")
    decoded = [np.asarray(Image.open(io.BytesIO(e.tensor_proto.string_val[2]))) for e in images]
    np.testing.assert_array_equal(decoded[0], IMAGE)
    np.testing.assert_array_equal(decoded[1], IMAGE[::-1])
    metadata = accumulator.SummaryMetadata(hparams_metadata.SESSION_START_INFO_TAG)
    start = hparams_metadata.parse_session_start_info_plugin_data(metadata.plugin_data.content)
    assert dict(start.hparams) == {
        "alpha": start.hparams["alpha"],
        "solver": start.hparams["solver"],
        "owner": start.hparams["owner"],
    }
    assert start.hparams["alpha"].number_value == 0.3
    assert start.hparams["solver"].string_value == "svd"
    assert start.hparams["owner"].string_value == "team"


def _query(**params) -> str:
    return urllib.parse.urlencode(params)


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def server(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        tb.wait_for(lambda: len(tb.get_json("/data/runs")) == len(STATUS))
        # Wait until the last record of the last run is visible.
        tb.wait_for(
            lambda: tb.get_json(
                "/data/plugin/scalars/scalars?" + _query(run="sweep/alpha-1.0", tag="mse")
            )
        )
        yield tb


def test_scalars_dashboard_shows_every_value(server):
    for run_name in STATUS:
        alpha = float(run_name.split("-")[1])
        rows = server.get_json(
            "/data/plugin/scalars/scalars?" + _query(run=f"sweep/{run_name}", tag="loss")
        )
        assert [row[1] for row in rows] == [step * 10 for step in range(len(LOSSES))]
        assert [row[2] for row in rows] == _float32([value * alpha for value in LOSSES])
        rows = server.get_json(
            "/data/plugin/scalars/scalars?" + _query(run=f"sweep/{run_name}", tag="accuracy")
        )
        assert [(row[1], row[2]) for row in rows] == list(zip([0, 1, 2], _float32([0.5, 0.6, 0.7])))


def test_text_dashboard_shows_strings_escaped_and_small_tables(server):
    (entry,) = server.get_json(
        "/data/plugin/text/text?" + _query(run="sweep/alpha-0.1", tag="status")
    )
    assert "converged" in entry["text"] and "<b>" not in entry["text"]
    (table,) = server.get_json(
        "/data/plugin/text/text?" + _query(run="sweep/alpha-0.1", tag="small table")
    )
    cells = re.findall(r"<t[hd]>(.*?)</t[hd]>", table["text"])
    assert cells == ["k", "v", "a", "1.5", "b", "2.5"]
    assert re.findall(r"<th>(.*?)</th>", table["text"]) == ["k", "v"]


def test_images_dashboard_serves_pixel_exact_images(server):
    entries = server.get_json(
        "/data/plugin/images/images?" + _query(run="sweep/alpha-0.3", tag="sample")
    )
    assert [entry["step"] for entry in entries] == [0, 1]
    for entry, expected in zip(entries, (IMAGE, IMAGE[::-1])):
        png = server.get("/data/plugin/images/individualImage?" + entry["query"])
        np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), expected)


def test_histograms_dashboard_matches_tensorboards_own_buckets(server):
    from tensorboard.plugins.histogram import summary_v2 as histogram_summary

    reference = histogram_summary.histogram_pb("weights", WEIGHTS * 0.3).value[0].tensor
    ((_, step, rows),) = server.get_json(
        "/data/plugin/histograms/histograms?" + _query(run="sweep/alpha-0.3", tag="weights")
    )
    assert step == 7
    np.testing.assert_allclose(rows, tensor_util.make_ndarray(reference), rtol=1e-12)


def test_hparams_dashboard_compares_the_sweep(server):
    experiment = server.post_json("/data/plugin/hparams/experiment", {"experimentName": ""})
    names = {info["name"] for info in experiment["hparamInfos"]}
    assert {"alpha", "solver", "owner"} <= names
    metrics = {info["name"]["tag"] for info in experiment["metricInfos"]}
    assert {"loss", "mse", "accuracy"} <= metrics
    by_run = server.session_groups()
    assert set(by_run) == {f"sweep/{name}" for name in STATUS}
    for run_name, status in STATUS.items():
        group = by_run[f"sweep/{run_name}"]
        assert group["hparams"]["alpha"] == float(run_name.split("-")[1])
        assert group["sessions"][0]["status"] == f"STATUS_{status.upper()}"
        mse = {m["name"]["tag"]: m["value"] for m in group["metricValues"]}["mse"]
        assert mse == _float32([float(run_name.split("-")[1]) * 100])[0]
    assert json.dumps(by_run)  # plain JSON, nothing opaque
