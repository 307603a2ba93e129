"""Bad input to every log_* method: an error naming the argument, nothing written, and one
NaN/infinity policy per kind (docs/logger.md), read back with TensorBoard's own loader."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

import tb_eval
from tb_eval.kinds import histogram

NAN, INF = float("nan"), float("inf")


@pytest.fixture
def run(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("anchor", 1.0)
    yield run
    if run.status == "running":
        run.complete()


def _accumulator(directory: str) -> EventAccumulator:
    accumulator = EventAccumulator(directory, size_guidance={"tensors": 0, "scalars": 0})
    accumulator.Reload()
    return accumulator


# ---------------------------------------------------------------- the NaN / infinity policy
def test_scalars_keep_nan_and_infinities(run):
    for value in (NAN, INF, -INF, np.float32("nan"), np.float64("-inf")):
        run.log("loss", value)
    run.log_list("series", [1.0, NAN, INF])
    run.complete()
    values = [event.value for event in _accumulator(run.directory).Scalars("loss")]
    assert math.isnan(values[0]) and values[1:3] == [INF, -INF] and math.isnan(values[3])
    assert values[4] == -INF
    series = tb_eval.open_run(run.directory).get_metrics()["series"]
    assert series[0] == 1.0 and math.isnan(series[1]) and series[2] == INF


@pytest.mark.parametrize("value", [1e300, -1e39, 10**400, np.float64(3.5e38)])
def test_a_finite_scalar_beyond_float32_is_refused_naming_value(run, value):
    with pytest.raises(ValueError, match=r"^value: .*float32"):
        run.log("loss", value)
    with pytest.raises(ValueError, match=r"^value: .*float32"):
        run.log("anchor", value)  # the fast path of a name already holding scalars
    if not isinstance(value, int):
        with pytest.raises(ValueError, match=r"^value: .*float32"):
            run.log_list("series", [1.0, value])
    run.log("loss", 3.0e38)  # the largest magnitudes still fit
    run.complete()
    metrics = tb_eval.open_run(run.directory).get_metrics()
    assert metrics["anchor"] == 1.0 and "series" not in metrics
    assert metrics["loss"] == pytest.approx(3.0e38, rel=1e-6)


def test_rows_keep_infinities_and_nan_is_a_missing_value(run):
    run.log_row("epochs", loss=INF, acc=0.5)
    run.log_row("epochs", loss=-INF, acc=NAN)
    run.log_row("epochs", loss=np.float64("inf"), acc=0.7)
    run.complete()
    table = tb_eval.open_run(run.directory).get_metrics()["epochs"]
    assert table == {"loss": [INF, -INF, INF], "acc": [0.5, None, 0.7]}


def test_tables_keep_infinities_and_nan_is_a_missing_value(run):
    run.log_table("t", {"x": [1.0, INF, NAN, -INF]})
    run.complete()
    assert tb_eval.open_run(run.directory).get_metrics()["t"] == {"x": [1.0, INF, None, -INF]}


@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_histograms_refuse_nan_and_infinities_naming_values(run, bad):
    with pytest.raises(ValueError, match=r"^values: 1 of 3 values are NaN or infinite"):
        run.log_histogram("w", [1.0, bad, 2.0])
    assert run.last_step("w") is None


def test_params_keep_nan_and_huge_ints_as_text(run):
    run.log_params({"nan": NAN, "huge": 10**400, "inf": INF})
    run.complete()  # was: OverflowError when the HParams session was written
    params = tb_eval.open_run(run.directory).get_params()
    assert params["nan"] == "nan" and params["inf"] == "inf" and params["huge"] == 10**400


# ---------------------------------------------------------------- errors naming the argument
@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda r: r.log_row("rows", n=10**400), r"^row: column 'n': .* int64"),
        (lambda r: r.log_row("rows", n=2**63), r"^row: column 'n': .* int64"),
        (lambda r: r.log_table("t", [{"a": 10**30}]), r"^value: column 'a' row 0: .* int64"),
        (lambda r: r.log_table("t", {"a": {"x": 1}}), r"^value: column 'a' must be a sequence"),
        (lambda r: r.log_table("t", {"a": {1, 2}}), r"^value: column 'a' must be a sequence"),
        (lambda r: r.log_histogram("h", [10**400]), r"^values: expected numbers"),
        (
            lambda r: r.log_histogram("h", [1.0], bins=2**40),
            r"^bins: at most 65536 .* 1099511627776",
        ),
        (lambda r: r.log_histogram("h", [1.0], bins=10**7), r"^bins: at most 65536"),
        (lambda r: r.log_feature_importance("f", ["a"], [10**400]), r"^importances: "),
        (lambda r: r.log_feature_importance("f", ["a", "a"], [1, 2]), r"^feature_names: 'a'"),
        (lambda r: r.log_feature_importance("f", np.ones((2, 2)), [1, 2]), r"^feature_names: "),
        (
            lambda r: r.log_confusion_matrix("c", [[10**400, 0], [0, 1]], labels=["a", "b"]),
            r"^value: ",
        ),
        (lambda r: r.log("x", 1.0, wall_time=1e300), r"^wall_time: "),
        (lambda r: r.log("x", 1.0, wall_time=10**400), r"^wall_time: "),
        (lambda r: r.log("x", 1.0, wall_time=1.7e12), r"^wall_time: "),  # milliseconds
        (lambda r: r.log(["x"], 1.0), r"^name: "),
        (lambda r: r.log("anchor", 1.0, np.ones((2, 2))), r"^description: "),
    ],
)
def test_bad_input_raises_naming_the_argument_and_writes_nothing(run, call, pattern):
    run.flush()
    with pytest.raises((TypeError, ValueError), match=pattern):
        call(run)
    run.complete()
    stored = tb_eval.open_run(run.directory)
    assert set(stored.get_metrics()) == {"anchor"}
    listed = _accumulator(run.directory).Tags()
    tags = {t for t in listed["tensors"] + listed["scalars"] if not t.startswith("_hparams_")}
    assert tags == {"anchor", "tb_eval/run/record"}


def test_histogram_bins_at_the_limit_and_numpy_ints_work(run):
    run.log_histogram("h", np.arange(10.0), bins=np.int64(histogram.MAX_BINS))
    run.log_histogram("wide", [-1e308, 1e308], bins=2)  # the width overflowed float64 before
    run.complete()
    accumulator = _accumulator(run.directory)
    (event,) = accumulator.Tensors("h")
    assert tensor_util.make_ndarray(event.tensor_proto).shape == (histogram.MAX_BINS, 3)
    (wide,) = accumulator.Tensors("wide")
    rows = tensor_util.make_ndarray(wide.tensor_proto)
    assert rows.tolist() == [[-1e308, 0.0, 1.0], [0.0, 1e308, 1.0]]
