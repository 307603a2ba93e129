"""The SummaryWriter drop-in against torch's own SummaryWriter: the same signatures, the same
records (scalars, histograms, PR curves, pixels), and the same dashboards under both of
TensorBoard's loaders."""

from __future__ import annotations

import glob
import inspect
import io
import os
import time

import matplotlib
import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
from tensorboard.compat.proto import summary_pb2
from tensorboard.util import tensor_util

import tb_eval
from tb_eval.integrations import SummaryWriter
from tests.tbserver import TensorBoardServer

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402

RNG = np.random.default_rng(11)
VALUES = RNG.normal(size=2000)
LABELS = RNG.integers(0, 2, 300)
PREDICTIONS = RNG.random(300)
WEIGHTS = RNG.random(300)
BATCH = RNG.random((10, 3, 5, 4)).astype(np.float32)
RAW_PR = {
    "true_positive_counts": [75, 64, 21, 5, 0],
    "false_positive_counts": [150, 105, 18, 0, 0],
    "true_negative_counts": [0, 45, 132, 150, 150],
    "false_negative_counts": [0, 11, 54, 70, 75],
    "precision": [0.3333333, 0.3786982, 0.5384616, 1.0, 0.0],
    "recall": [1.0, 0.8533334, 0.28, 0.0666667, 0.0],
}
SHIPPED = [
    "__init__",
    "add_scalar",
    "add_scalars",
    "add_text",
    "add_image",
    "add_images",
    "add_figure",
    "add_histogram",
    "add_histogram_raw",
    "add_pr_curve",
    "add_pr_curve_raw",
    "add_hparams",
    "flush",
    "close",
    "get_logdir",
]
NOT_SHIPPED = [
    "add_graph",
    "add_onnx_graph",
    "add_embedding",
    "add_mesh",
    "add_audio",
    "add_video",
    "add_image_with_boxes",
    "add_tensor",
    "add_custom_scalars",
    "add_custom_scalars_multilinechart",
    "add_custom_scalars_marginchart",
]


def _figures():
    figures = []
    for index in range(3):
        figure = pyplot.figure(figsize=(2, 1), dpi=30)
        pyplot.plot([0, index + 1])
        figures.append(figure)
    return figures


def _write_everything(writer) -> None:
    """The same calls through either writer."""
    writer.add_scalar("bf16", torch.tensor(1.5, dtype=torch.bfloat16), 0)
    writer.add_scalar("half", torch.tensor([0.1], dtype=torch.float16), 0)
    writer.add_scalar("flag", torch.tensor(True), 0)
    writer.add_scalar("count", torch.tensor(7, dtype=torch.int64), 0)
    writer.add_scalar("plain", 0.25, 0, walltime=1_700_000_000.0)
    writer.add_scalars("lr/groups", {"head": 0.1, "body": np.float64(0.01)}, 0)
    writer.add_histogram("weights", torch.tensor(VALUES), 0)
    writer.add_histogram("ints", torch.tensor(np.round(VALUES * 10), dtype=torch.int32), 0)
    writer.add_histogram("bf16 values", torch.tensor(VALUES).to(torch.bfloat16), 0)
    writer.add_histogram("auto", VALUES, 0, bins="auto", max_bins=5)
    writer.add_histogram("edges", VALUES, 0, bins=[-1.0, 0.0, 0.5, 3.0])
    writer.add_histogram_raw(
        "raw", -1.0, 2.0, 10, 4.0, 9.0, bucket_limits=[0.0, 1.0, 2.0], bucket_counts=[3, 5, 2]
    )
    writer.add_pr_curve("pr", torch.tensor(LABELS), torch.tensor(PREDICTIONS), 0)
    writer.add_pr_curve("pr weighted", LABELS, PREDICTIONS, 0, num_thresholds=11, weights=WEIGHTS)
    writer.add_pr_curve_raw("pr raw", *RAW_PR.values(), 0, num_thresholds=5)
    # one threshold: TensorBoard's dashboard draws the single point (at threshold 0)
    writer.add_pr_curve_raw("pr raw 1", [3], [2], [0], [1], [0.6], [0.75], 0, num_thresholds=1)
    writer.add_images("batch", torch.tensor(BATCH), 0)
    writer.add_images(
        "nhwc", (BATCH[:3] * 255).astype(np.uint8).transpose(0, 2, 3, 1), 0, None, "NHWC"
    )
    writer.add_image("gray", BATCH[0, :1], 0)
    writer.add_image("hw", torch.tensor(BATCH[0, 0], dtype=torch.float16), 0, dataformats="HW")
    writer.add_image("hwc", BATCH[1].transpose(1, 2, 0), 0, dataformats="HWC")
    writer.add_image("too bright", BATCH[2] * 3, 0)
    writer.add_figure("figures", _figures(), 0)
    writer.add_figure("figure", _figures()[0], 0)
    writer.add_text("notes", "**bold**", 0)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("writers")
    for name, factory in (("torch", TorchWriter), ("ours", SummaryWriter)):
        writer = factory(str(root / name))
        _write_everything(writer)
        writer.close()
    hparams_writer = SummaryWriter(str(root / "ours_hparams"))
    hparams_writer.add_scalar("loss", 0.5, 0)
    hparams_writer.add_hparams({"lr": 0.1, "optimizer": "adam", "skip": None}, {"hp/acc": 0.9})
    hparams_writer.close()
    torch_hparams = TorchWriter(str(root / "torch_hparams"))
    torch_hparams.add_hparams({"lr": 0.1, "optimizer": "adam"}, {"hp/acc": 0.9})
    torch_hparams.close()
    return root


def _records(directory) -> dict[str, list]:
    out: dict[str, list] = {}
    for path in sorted(glob.glob(os.path.join(str(directory), "*tfevents*"))):
        for event in LegacyEventFileLoader(path).Load():
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, event.wall_time, value))
    return out


def _png(value) -> np.ndarray:
    if value.HasField("image"):  # torch writes legacy Summary.Image
        return np.asarray(Image.open(io.BytesIO(value.image.encoded_image_string)))
    return np.asarray(Image.open(io.BytesIO(value.tensor.string_val[2])))


@pytest.mark.parametrize("method", SHIPPED)
def test_every_shipped_method_has_torchs_signature(method):
    ours = inspect.signature(getattr(SummaryWriter, method))
    theirs = inspect.signature(getattr(TorchWriter, method))
    assert [(p.name, p.default, p.kind) for p in ours.parameters.values()] == [
        (p.name, p.default, p.kind) for p in theirs.parameters.values()
    ]


def test_records_equal_torchs(logdir):
    torch_records, ours = _records(logdir / "torch"), _records(logdir / "ours")
    for tag in ("bf16", "half", "flag", "count", "plain"):
        ((step, wall, theirs),) = torch_records[tag]
        ((our_step, our_wall, mine),) = ours[tag]
        assert (our_step, mine.simple_value) == (step, theirs.simple_value), tag
    assert ours["plain"][0][1] == 1_700_000_000.0
    for tag in ("weights", "ints", "bf16 values", "auto", "edges", "raw"):
        theirs, mine = torch_records[tag][0][2].histo, ours[tag][0][2].histo
        assert mine == theirs, tag
    for tag in ("pr", "pr weighted", "pr raw"):
        theirs = tensor_util.make_ndarray(torch_records[tag][0][2].tensor)
        mine = tensor_util.make_ndarray(ours[tag][0][2].tensor)
        assert mine.dtype == np.float32 and mine.shape == theirs.shape
        np.testing.assert_array_equal(mine, theirs)
    for tag in ("batch", "nhwc", "gray", "hw", "hwc", "too bright", "figures", "figure"):
        np.testing.assert_array_equal(_png(ours[tag][0][2]), _png(torch_records[tag][0][2]))
    assert _png(ours["batch"][0][2]).shape == (10, 32, 3)  # 10 images, 8 to a row
    assert _png(ours["figures"][0][2]).shape == (30, 180, 3)  # 3 figures side by side
    # torch's Text tag gets a suffix; ours keeps the tag.
    assert torch_records["notes/text_summary"][0][2].tensor.string_val == [b"**bold**"]
    assert ours["notes"][0][2].tensor.string_val == [b"**bold**"]
    for key, value in (("head", 0.1), ("body", 0.01)):
        (theirs,) = _records(logdir / "torch" / f"lr_groups_{key}")["lr/groups"]
        (mine,) = _records(logdir / "ours" / f"lr_groups_{key}")["lr/groups"]
        assert mine[2].simple_value == theirs[2].simple_value == np.float32(value)
        assert mine[1] == theirs[1] or mine[1] > 0  # one wall time for every key


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_dashboards_show_the_same_as_for_torchs_writer(logdir, load_fast):
    with TensorBoardServer(logdir, load_fast=load_fast) as server:
        server.wait_for(
            lambda: (
                {"ours", "torch", "ours/lr_groups_body"}
                <= set(server.get_json("/data/plugin/scalars/tags"))
            )
        )
        tags = server.get_json("/data/plugin/pr_curves/tags")
        assert (
            set(tags["ours"])
            == set(tags["torch"])
            == {
                "pr",
                "pr weighted",
                "pr raw",
                "pr raw 1",
            }
        )
        for tag in tags["ours"]:
            curves = server.get_json(
                "/data/plugin/pr_curves/pr_curves", run=["ours", "torch"], tag=tag
            )
            for entry in curves["ours"] + curves["torch"]:
                entry.pop("wall_time")
            assert curves["ours"] == curves["torch"], tag
            assert curves["ours"][0]["precision"], tag
        (one,) = server.get_json("/data/plugin/pr_curves/pr_curves", run="ours", tag="pr raw 1")[
            "ours"
        ]
        assert (one["thresholds"], one["precision"], one["true_positives"]) == (
            [0.0],
            [pytest.approx(0.6)],
            [3],
        )
        histograms = server.get_json("/data/plugin/histograms/tags")
        assert set(histograms["ours"]) == set(histograms["torch"])
        for tag in histograms["ours"]:
            ours, theirs = (
                [
                    row[1:]
                    for row in server.get_json(
                        "/data/plugin/histograms/histograms", run=run, tag=tag
                    )
                ]
                for run in ("ours", "torch")
            )
            assert ours == theirs, tag
        for tag in ("bf16", "half", "flag", "count"):
            ours, theirs = (
                [
                    row[1:]
                    for row in server.get_json("/data/plugin/scalars/scalars", run=run, tag=tag)
                ]
                for run in ("ours", "torch")
            )
            assert ours == theirs, tag
        images = server.get_json("/data/plugin/images/tags")
        assert set(images["ours"]) == set(images["torch"])
        # Text: the same Markdown. Ours is one string, shown as a paragraph; torch's is a
        # one-element list, which the Text dashboard shows as a one-cell table.
        (ours,) = server.get_json("/data/plugin/text/text", run="ours", tag="notes")
        (theirs,) = server.get_json("/data/plugin/text/text", run="torch", tag="notes/text_summary")
        assert "<strong>bold</strong>" in ours["text"] and "<table>" not in ours["text"]
        assert "<strong>bold</strong>" in theirs["text"] and "<table>" in theirs["text"]
        groups = server.hparams_session_groups()
        sessions = {group["sessions"][0]["name"]: group for group in groups}
        # Ours: the session is the writer's own run; torch's: a time-stamped sub-run.
        ours = sessions["ours_hparams"]
        assert ours["hparams"] == {"lr": 0.1, "optimizer": "adam"}
        metrics = {m["name"]["tag"]: m["value"] for m in ours["metricValues"]}
        assert metrics["hp/acc"] == pytest.approx(0.9, rel=1e-7)
        # (torch's sub-run holds an experiment config naming only hp/acc, which HParams then
        # uses for every run; alone, ours shows every scalar of the run as a metric.)
        (torch_session,) = [name for name in sessions if name.startswith("torch_hparams/")]
        assert sessions[torch_session]["hparams"] == ours["hparams"]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_pr_curves_place_each_prediction_exactly(tmp_path, dtype):
    """torch multiplies half-precision predictions by the threshold count in half precision,
    which rounds some of them up past a threshold; ours compares exactly, so it equals torch's
    writer given the very same values in float64."""
    labels = torch.tensor(RNG.integers(0, 2, 20_000))
    predictions = torch.rand(20_000, generator=torch.Generator().manual_seed(3))
    predictions = predictions.to(getattr(torch, dtype))
    torch_writer = TorchWriter(str(tmp_path / "torch"))
    torch_writer.add_pr_curve("pr", labels, predictions.double(), 0)
    torch_writer.close()
    with SummaryWriter(tmp_path / "ours") as writer:
        writer.add_pr_curve("pr", labels, predictions, 0)
    ((_, _, theirs),) = _records(tmp_path / "torch")["pr"]
    ((_, _, mine),) = _records(tmp_path / "ours")["pr"]
    np.testing.assert_array_equal(
        tensor_util.make_ndarray(mine.tensor), tensor_util.make_ndarray(theirs.tensor)
    )


def test_flush_secs_brings_values_to_disk_before_close_as_torchs_does(tmp_path):
    writers = {
        "torch": TorchWriter(str(tmp_path / "torch"), flush_secs=0.2),
        "ours": SummaryWriter(tmp_path / "ours", flush_secs=0.2),
    }
    for writer in writers.values():
        for step in range(5):
            writer.add_scalar("a", float(step), step)
    deadline = time.monotonic() + 30
    on_disk = {}
    while time.monotonic() < deadline:  # a wait, not a timing assertion: neither is flushed
        on_disk = {name: _records(tmp_path / name).get("a", []) for name in writers}
        if all(len(records) == 5 for records in on_disk.values()):
            break
        time.sleep(0.1)
    for writer in writers.values():
        writer.close()
    assert {
        name: [value.simple_value for _, _, value in records] for name, records in on_disk.items()
    } == {name: [0.0, 1.0, 2.0, 3.0, 4.0] for name in writers}


def test_a_list_of_figures_is_one_image_at_one_step(tmp_path):
    figures = _figures()
    with SummaryWriter(tmp_path) as writer:
        writer.add_figure("figs", figures, 3, close=False)
        assert all(pyplot.fignum_exists(figure.number) for figure in figures)
        writer.add_figure("figs", figures, 4)
        assert not any(pyplot.fignum_exists(figure.number) for figure in figures)
    assert [step for step, _, _ in _records(tmp_path)["figs"]] == [3, 4]


def test_close_then_reuse_reopens_like_torch(tmp_path):
    writer = SummaryWriter(tmp_path)
    writer.add_scalar("x", 1.0)
    writer.add_scalars("pair", {"a": 1.0}, 0)
    assert writer.file_writer is not None
    writer.close()
    assert writer.file_writer is None
    writer.close()  # twice is fine, as in torch
    writer.add_scalar("x", 2.0)  # reopens, in a new event file, steps continuing
    writer.add_scalars("pair", {"a": 2.0}, 1)
    assert writer.file_writer.get_logdir() == writer.get_logdir() == writer.log_dir == str(tmp_path)
    writer.close()
    assert len(glob.glob(str(tmp_path / "*tfevents*"))) == 2
    assert tb_eval.open_run(tmp_path).get_metrics()["x"] == [1.0, 2.0]
    assert [s for s, _, _ in _records(tmp_path / "pair_a")["pair"]] == [0, 1]
    assert tb_eval.open_run(tmp_path / "pair_a").get_metrics()["pair"] == [1.0, 2.0]


def test_file_writer_writes_raw_summaries(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="raw", simple_value=3)])
        writer.file_writer.add_summary(summary, 7, walltime=5.0)
        with pytest.raises(TypeError, match="summary"):
            writer.file_writer.add_summary("not a summary", 8)
    ((step, wall, value),) = _records(tmp_path)["raw"]
    assert (step, wall, value.simple_value) == (7, 5.0, 3.0)


@pytest.mark.parametrize("method", NOT_SHIPPED)
def test_what_is_not_shipped_says_so(tmp_path, method):
    with SummaryWriter(tmp_path) as writer, pytest.raises(NotImplementedError, match="tb_eval"):
        getattr(writer, method)("tag", np.zeros(3))


def test_add_hparams_goes_into_the_run_once(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, global_step=0)
        writer.add_hparams({"lr": 0.1}, {"acc": 0.75}, global_step=1)  # same hparams: fine
        with pytest.raises(ValueError, match="run_name"):
            writer.add_hparams({"lr": 0.2}, {"acc": 0.8}, global_step=2)
        with pytest.raises(ValueError, match="run_name"):
            writer.add_hparams({"lr": 0.1, "layers": 3}, {"acc": 0.8}, global_step=2)
        with pytest.raises(ValueError, match="run_name"):
            writer.add_hparams({"lr": 0.1}, {"acc": 0.8}, run_name="../elsewhere")
        writer.add_hparams({"lr": 0.2}, {"acc": 0.8}, run_name="second")
        with pytest.raises(TypeError, match="hparam_dict"):
            writer.add_hparams([("lr", 0.1)], {})
        with pytest.raises(ValueError, match="hparam_dict"):
            writer.add_hparams({"lr": object()}, {})
        with pytest.raises(TypeError, match="hparam_domain_discrete"):
            writer.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"other": [1]})
    assert os.listdir(tmp_path / "second")  # only the run that was asked for
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {"second"}
    run = tb_eval.open_run(tmp_path)
    assert run.get_params() == {"lr": 0.1}
    assert run.get_metrics()["acc"] == [0.5, 0.75]
    assert tb_eval.open_run(tmp_path / "second").get_params() == {"lr": 0.2}


def test_bad_input_names_the_argument_and_writes_nothing(tmp_path):
    writer = SummaryWriter(tmp_path)
    calls = [
        (TypeError, "scalar_value", lambda: writer.add_scalar("s", [1.0, 2.0], 0)),
        (TypeError, "scalar_value", lambda: writer.add_scalar("s", "1.0", 0)),
        (
            ValueError,
            "dataformats",
            lambda: writer.add_image("i", np.zeros((3, 4, 4)), 0, dataformats="XYZ"),
        ),
        (ValueError, "img_tensor", lambda: writer.add_image("i", np.zeros((4, 4)), 0)),
        (ValueError, "img_tensor", lambda: writer.add_image("i", np.full((3, 2, 2), np.nan), 0)),
        (
            ValueError,
            "dataformats",
            lambda: writer.add_images("i", np.zeros((3, 4, 4)), 0, dataformats="CHW"),
        ),
        (TypeError, "text_string", lambda: writer.add_text("t", 3, 0)),
        (ValueError, "values", lambda: writer.add_histogram("h", [1.0, float("nan")], 0)),
        (ValueError, "values", lambda: writer.add_histogram("h", [], 0)),
        (ValueError, "bins", lambda: writer.add_histogram("h", [1.0], 0, bins=0)),
        (ValueError, "max_bins", lambda: writer.add_histogram("h", [1.0], 0, max_bins=0)),
        (
            ValueError,
            "bucket_counts",
            lambda: writer.add_histogram_raw("r", 0, 1, 2, 1, 1, [1, 2], [1], 0),
        ),
        (ValueError, "predictions", lambda: writer.add_pr_curve("p", [0, 1], [0.5, 1.5], 0)),
        (ValueError, "labels", lambda: writer.add_pr_curve("p", [0, 1, 1], [0.5, 0.5], 0)),
        (ValueError, "num_thresholds", lambda: writer.add_pr_curve("p", [0, 1], [0.5, 0.5], 0, 1)),
        (
            ValueError,
            "weights",
            lambda: writer.add_pr_curve("p", [0, 1], [0.5, 0.5], 0, weights=[-1, 1]),
        ),
        (
            ValueError,
            "precision",
            lambda: writer.add_pr_curve_raw("p", [1], [1], [1], [1], [1, 2], [1], 0),
        ),
        (TypeError, "figure", lambda: writer.add_figure("f", np.zeros((3, 3)), 0)),
        (TypeError, "tag_scalar_dict", lambda: writer.add_scalars("m", [1.0], 0)),
        (TypeError, "tag_scalar_dict", lambda: writer.add_scalars("m", {"a": 1.0, "b": "x"}, 0)),
        (ValueError, "^global_step: .* -1", lambda: writer.add_scalar("x", 1.0, -1)),
        (TypeError, "^global_step: .*'a'", lambda: writer.add_scalar("x", 1.0, "a")),
        (ValueError, "^global_step: .* -1", lambda: writer.add_text("note", "a", -1)),
        (ValueError, "^tag: 'x' already holds scalar", lambda: writer.add_text("x", "a", 9)),
        (ValueError, "^tag: 'x' already holds scalar", lambda: writer.add_histogram("x", [1], 9)),
        (ValueError, "tag_scalar_dict", lambda: writer.add_scalars("m", {"a": 1.0, "/..": 2.0}, 0)),
        (ValueError, "global_step", lambda: writer.add_scalars("m", {"a": 1.0}, -1)),
    ]
    writer.add_scalar("x", 1.0, 5)
    for error, argument, call in calls:
        with pytest.raises(error, match=argument):
            call()
    with pytest.raises(ValueError, match="^global_step: 5 for 'x' must be greater than .* 5"):
        writer.add_scalar("x", 2.0, 5)
    writer.close()
    written = _records(tmp_path)
    assert set(written) - {"tb_eval/run/record"} == {"x"}
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []


def test_run_log_methods_take_tensors_of_every_dtype(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="dtypes")
    run.log("bf16", torch.tensor(0.5, dtype=torch.bfloat16, requires_grad=True))
    run.log("half", torch.tensor(0.25, dtype=torch.float16))
    run.log("flag", torch.tensor(True))
    run.log("int", torch.tensor(3, dtype=torch.int8))
    run.log_list("list", torch.tensor([0.5, 1.5], dtype=torch.bfloat16))
    run.log_histogram("hist", torch.tensor(VALUES).to(torch.bfloat16))
    run.log_image("image", image=torch.tensor(BATCH[0], dtype=torch.float16))
    run.log_predictions(
        "val",
        torch.tensor(LABELS, dtype=torch.bool),
        y_score=torch.tensor(PREDICTIONS).to(torch.bfloat16),
    )
    run.log_feature_importance("imp", ["a", "b"], torch.tensor([0.5, 0.25], dtype=torch.bfloat16))
    run.complete()
    metrics = tb_eval.open_run(run.directory).get_metrics()
    assert {k: metrics[k] for k in ("bf16", "half", "flag", "int", "list")} == {
        "bf16": 0.5,
        "half": 0.25,
        "flag": 1.0,
        "int": 3.0,
        "list": [0.5, 1.5],
    }
    stored = tb_eval.open_run(run.directory).get_predictions("val")
    assert stored.task == "binary"
    np.testing.assert_array_equal(
        stored.y_score.ravel()[-len(PREDICTIONS) :]
        if stored.y_score.ndim == 1
        else stored.y_score[:, -1],
        torch.tensor(PREDICTIONS).to(torch.bfloat16).float().numpy(),
    )


def test_filename_suffix_ends_every_event_file_as_torchs_does(tmp_path):
    for cls, run in ((TorchWriter, "torch"), (SummaryWriter, "ours")):
        writer = cls(str(tmp_path / run), filename_suffix=".worker-3")
        writer.add_scalar("loss", 0.5, 0)
        writer.add_scalars("parts", {"a": 1.0}, 0)  # a sub-run per key, suffixed too
        writer.close()
    for run in ("torch", "ours"):
        files = glob.glob(str(tmp_path / run / "**" / "*tfevents*"), recursive=True)
        assert files and all(name.endswith(".worker-3") for name in files), files
    # TensorBoard reads the suffixed files as usual, and so does our reader
    (event,) = [
        e
        for path in glob.glob(str(tmp_path / "ours" / "*tfevents*"))
        for e in LegacyEventFileLoader(path).Load()
        if e.summary.value and e.summary.value[0].tag == "loss"
    ]
    assert event.summary.value[0].simple_value == 0.5
    assert tb_eval.open_run(tmp_path / "ours").get_metrics()["loss"] == 0.5


@pytest.mark.parametrize("suffix", [".a/b", 3])
def test_a_filename_suffix_with_a_path_separator_is_refused(tmp_path, suffix):
    with pytest.raises(ValueError, match="filename_suffix"):
        SummaryWriter(str(tmp_path / "run"), filename_suffix=suffix)
    assert not (tmp_path / "run").exists()
