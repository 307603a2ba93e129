"""The SummaryWriter drop-in: torch's method names, read back by TensorBoard's EventAccumulator."""

from __future__ import annotations

import io
import os

import matplotlib
import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.histogram import summary_v2 as histogram_summary
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.util import tensor_util

import tb_eval
from tb_eval.integrations import SummaryWriter

matplotlib.use("Agg")


class FakeTensor:
    """Duck-types a torch tensor."""

    def __init__(self, array):
        self.array = np.asarray(array)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.array


def _accumulate(directory) -> EventAccumulator:
    accumulator = EventAccumulator(str(directory), size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def _values(accumulator, tag):
    return [
        (event.step, tensor_util.make_ndarray(event.tensor_proto))
        for event in accumulator.Tensors(tag)
    ]


def test_the_common_methods_write_what_torch_would(tmp_path):
    rng = np.random.default_rng(0)
    chw = rng.random((3, 8, 5)).astype(np.float32)
    batch = rng.integers(0, 256, (3, 1, 4, 6), dtype=np.uint8)
    weights = rng.normal(size=1000)
    with SummaryWriter(tmp_path / "exp") as writer:
        for step in range(5):
            writer.add_scalar("loss", FakeTensor(1.0 / (step + 1)), step)
        writer.add_scalars("lr", {"head": 0.1, "body": 0.01}, 0)
        writer.add_text("notes", "**bold** start", 0)
        writer.add_image("chw", FakeTensor(chw), 0)
        writer.add_image("hwc", chw.transpose(1, 2, 0), 0, dataformats="HWC")
        writer.add_images("batch", batch, 0)
        writer.add_histogram("weights", FakeTensor(weights), 3)
        from matplotlib import pyplot

        figure = pyplot.figure(figsize=(1, 1), dpi=20)
        writer.add_figure("figure", figure, 0)
        writer.add_hparams({"lr": 0.1, "optimizer": "adam"}, {"hparam/accuracy": 0.9})
        writer.run.log_predictions("val", [0, 1, 1], y_score=[0.2, 0.6, 0.7])
    accumulator = _accumulate(tmp_path / "exp")
    assert [(step, float(value)) for step, value in _values(accumulator, "loss")] == [
        (step, float(np.float32(1.0 / (step + 1)))) for step in range(5)
    ]
    for child, value in (("lr_head", 0.1), ("lr_body", 0.01)):
        ((step, stored),) = _values(_accumulate(tmp_path / "exp" / child), "lr")
        assert (step, float(stored)) == (0, float(np.float32(value)))
    assert _values(accumulator, "notes")[0][1].item() == b"**bold** start"
    expected = np.round(chw.transpose(1, 2, 0) * 255).astype(np.uint8)
    for tag in ("chw", "hwc"):
        png = accumulator.Tensors(tag)[0].tensor_proto.string_val[2]
        np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), expected)
    grid = np.asarray(
        Image.open(io.BytesIO(accumulator.Tensors("batch")[0].tensor_proto.string_val[2]))
    )
    assert grid.shape == (8, 12)  # 3 images of 4x6 tiled 2 by 2
    np.testing.assert_array_equal(grid[4:8, 0:6], batch[2, 0])
    ((step, rows),) = _values(accumulator, "weights")
    reference = histogram_summary.histogram_pb("weights", weights).value[0].tensor
    assert step == 3
    np.testing.assert_allclose(rows, tensor_util.make_ndarray(reference), rtol=1e-12)
    assert accumulator.SummaryMetadata("weights").plugin_data.plugin_name == "histograms"
    assert len(accumulator.Tensors("figure")) == 1
    start = hparams_metadata.parse_session_start_info_plugin_data(
        accumulator.SummaryMetadata(hparams_metadata.SESSION_START_INFO_TAG).plugin_data.content
    )
    assert start.hparams["lr"].number_value == 0.1
    assert start.hparams["optimizer"].string_value == "adam"
    assert [float(v) for _, v in _values(accumulator, "hparam/accuracy")] == [np.float32(0.9)]
    stored = tb_eval.open_run(tmp_path / "exp")
    assert stored.status == "success"
    assert stored.get_predictions("val").task == "binary"


def test_without_add_hparams_there_is_no_hparams_session(tmp_path):
    with SummaryWriter(tmp_path / "plain") as writer:
        writer.add_scalar("x", 1.0, 0)
    assert (
        hparams_metadata.SESSION_START_INFO_TAG
        not in _accumulate(tmp_path / "plain").Tags()["tensors"]
    )


def test_default_log_dir_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_lr0.1")
    assert writer.get_logdir().startswith("runs" + os.sep) and writer.get_logdir().endswith(
        "_lr0.1"
    )
    writer.add_scalar("x", 1.0, 5)
    with pytest.raises(ValueError, match="step"):
        writer.add_scalar("x", 2.0, 5)
    with pytest.raises(TypeError, match="scalar_value"):
        writer.add_scalar("x", [1.0, 2.0], 6)
    with pytest.raises(ValueError, match="dataformats"):
        writer.add_image("i", np.zeros((3, 4, 4)), 0, dataformats="XYZ")
    with pytest.raises(ValueError, match="img_tensor"):
        writer.add_image("i", np.zeros((4, 4)), 0, dataformats="CHW")
    with pytest.raises(TypeError, match="text_string"):
        writer.add_text("t", 3, 0)
    with pytest.raises(ValueError, match="values"):
        writer.add_histogram("h", [1.0, float("nan")], 0)
    with pytest.raises(ValueError, match="bins"):
        writer.add_histogram("h", [1.0], 0, bins=0)
    writer.close()
    assert os.path.isdir(writer.get_logdir())
