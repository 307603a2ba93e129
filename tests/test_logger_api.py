"""The public Run API: what each call stores, what get_metrics returns, and every bad input."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import tb_eval
from tb_eval.reader import event_files


def _file_bytes(run) -> bytes:
    run.flush()
    return b"".join(Path(path).read_bytes() for path in event_files(run.directory))


def test_the_issue_example_reads_back_in_azure_shape(tmp_path):
    run = tb_eval.start_logging(
        tmp_path, experiment="diabetes-ridge", run_name="alpha-0.03", params={"alpha": 0.03}
    )
    assert run.directory == os.path.join(tmp_path, "diabetes-ridge", "alpha-0.03")
    run.log("mse", 3424.3)
    run.log("mse", 3300.1, step=10)
    run.log("status", "converged")
    run.log_list("accuracy", [0.6, 0.7, 0.87])
    run.log_row("Y over X", x=1, y=0.4)
    run.log_row("Y over X", x=2, y=0.5)
    run.log_table("Sine Wave", {"angle": [0.0, 0.5], "sine": [0.0, math.sin(0.5)]})
    run.tag("selected", "yes")
    run.log_params({"solver": "svd"})
    metrics = run.get_metrics()
    assert metrics == {
        "mse": [3424.3, 3300.1],
        "status": "converged",
        "accuracy": [0.6, 0.7, 0.87],
        "Y over X": {"x": [1, 2], "y": [0.4, 0.5]},
        "Sine Wave": {"angle": [0.0, 0.5], "sine": [0.0, math.sin(0.5)]},
    }
    assert run.get_metrics("mse") == {"mse": [3424.3, 3300.1]}
    assert run.get_tags() == {"selected": "yes"}
    assert run.get_params() == {"alpha": 0.03, "solver": "svd"}
    run.complete()
    assert run.status == "success"


def test_single_value_comes_back_as_the_value_and_float32_rounding_is_hidden(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("once", 0.1)
    run.log("int", 7)
    run.log("numpy", np.float64(2.5))
    run.log("zero_d", np.array(1.25))
    assert run.get_metrics() == {"once": 0.1, "int": 7.0, "numpy": 2.5, "zero_d": 1.25}


def test_run_names_default_to_readable_unique_names(tmp_path):
    first = tb_eval.start_logging(tmp_path)
    second = tb_eval.start_logging(tmp_path)
    assert first.directory != second.directory
    assert os.path.dirname(first.directory) == str(tmp_path)
    assert first.name.count("-") >= 3  # date-time-adjective-noun-token


def test_reopening_a_finished_run_from_another_process(tmp_path):
    script = textwrap.dedent(
        f"""
        import tb_eval
        with tb_eval.start_logging({str(tmp_path)!r}, experiment="e", run_name="r",
                                   params={{"lr": 0.1}}) as run:
            run.log("loss", 0.5)
            run.log("loss", 0.25)
            run.log_row("t", a=1, b="x")
            run.tag("stage", "final")
            run.upload_file("notes.txt", {str(__file__)!r})
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=os.getcwd())
    stored = tb_eval.open_run(tmp_path / "e" / "r")
    assert stored.status == "success"
    assert stored.get_metrics() == {"loss": [0.5, 0.25], "t": {"a": [1], "b": ["x"]}}
    assert stored.get_params() == {"lr": 0.1}
    assert stored.get_tags() == {"stage": "final"}
    assert stored.get_file_names() == ["notes.txt"]
    with open(stored.get_file_path("notes.txt"), "rb") as copy, open(__file__, "rb") as original:
        assert copy.read() == original.read()
    with pytest.raises(FileNotFoundError, match="directory"):
        tb_eval.open_run(tmp_path / "missing")


def test_steps_strictly_increase_per_name(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("x", 1.0, step=5)
    before = _file_bytes(run)
    for bad_step in (5, 3):
        with pytest.raises(ValueError, match=r"step: .* greater than its last step 5"):
            run.log("x", 2.0, step=bad_step)
    assert _file_bytes(run) == before
    run.log("x", 3.0)  # an omitted step continues after the last one
    run.log("y", 1.0, step=2)  # steps are per name
    run.log_list("x", [4.0, 5.0])  # lists continue too
    run.flush()
    data = tb_eval.reader.read_run(run.directory)
    assert data.scalars["x"] == ([5, 6, 7, 8], [1.0, 3.0, 4.0, 5.0])


def test_log_list_twice_appends(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_list("acc", [0.1, 0.2])
    run.log_list("acc", np.array([0.3]))
    assert run.get_metrics()["acc"] == [0.1, 0.2, 0.3]


def test_tables_from_dicts_rows_and_dataframes(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    frame = pd.DataFrame({"n": [1, 2], "f": [0.5, np.nan], "s": ["a", None], "b": [True, False]})
    run.log_table("df", frame)
    run.log_table("rows", [{"a": 1, "b": "x"}, {"a": 2}])
    run.log_table("cols", {"a": np.arange(3), "flag": np.array([True, False, True])})
    run.log_table("cols", {"a": [9]})
    metrics = run.get_metrics()
    assert metrics["df"] == {"n": [1, 2], "f": [0.5, None], "s": ["a", None], "b": [True, False]}
    assert metrics["rows"] == {"a": [1, 2], "b": ["x", None]}
    assert metrics["cols"] == [{"a": [0, 1, 2], "flag": [True, False, True]}, {"a": [9]}]


def test_images_from_every_source_are_pixel_exact(tmp_path):
    rng = np.random.default_rng(0)
    hwc = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    png_path = tmp_path / "in.png"
    Image.fromarray(hwc).save(png_path)
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_image("from_path", path=png_path)
    run.log_image("hwc", image=hwc)
    run.log_image("chw", image=np.transpose(hwc, (2, 0, 1)))
    run.log_image("pil", image=Image.fromarray(hwc))
    run.log_image("float", image=hwc.astype(np.float64) / 255.0)
    run.log_image("gray", image=hwc[:, :, 0])
    run.complete()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(run.directory, size_guidance={"images": 0, "tensors": 0})
    accumulator.Reload()
    for tag in ("from_path", "hwc", "chw", "pil", "float"):
        (blob,) = accumulator.Tensors(tag)
        width, height, png = blob.tensor_proto.string_val
        assert (int(width), int(height)) == (7, 5)
        np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), hwc, err_msg=tag)
    (blob,) = accumulator.Tensors("gray")
    gray = np.asarray(Image.open(io.BytesIO(blob.tensor_proto.string_val[2])))
    np.testing.assert_array_equal(gray, hwc[:, :, 0])


def test_matplotlib_figures_are_logged(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1), dpi=50)
    axes.plot([0, 1], [1, 0])
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_image("plot", plot=figure)
    plt.close(figure)
    run.complete()
    assert tb_eval.reader.read_run(run.directory).images == {"plot": 1}


def test_failure_paths_mark_the_run(tmp_path):
    with pytest.raises(RuntimeError), tb_eval.start_logging(tmp_path, run_name="boom") as run:
        run.log("x", 1.0)
        raise RuntimeError("diverged")
    assert run.status == "failure"
    stored = tb_eval.open_run(run.directory)
    assert stored.status == "failure"
    assert stored.get_tags()["error"] == "RuntimeError: diverged"
    with pytest.raises(RuntimeError, match="has ended"):
        run.log("x", 2.0)
    other = tb_eval.start_logging(tmp_path, run_name="explicit")
    other.fail("bad data")
    assert tb_eval.open_run(other.directory).status == "failure"


def test_upload_file_from_path_and_stream(tmp_path):
    source = tmp_path / "model.bin"
    source.write_bytes(b"\x00weights")
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.upload_file("outputs/model.bin", str(source))
    run.upload_file("outputs/readme.txt", io.BytesIO(b"hello"))
    assert run.get_file_names() == ["outputs/model.bin", "outputs/readme.txt"]
    assert (tmp_path / "r" / "artifacts" / "outputs" / "model.bin").read_bytes() == b"\x00weights"
    with pytest.raises(ValueError, match="already uploaded"):
        run.upload_file("outputs/model.bin", str(source))
    for bad in ("../escape", "/abs", "a//b", "x/./y", "", "a/events.out.tfevents.1"):
        with pytest.raises(ValueError, match="name"):
            run.upload_file(bad, str(source))
    with pytest.raises(FileNotFoundError, match="path_or_stream"):
        run.upload_file("missing", str(tmp_path / "nope"))
    with pytest.raises(TypeError, match="path_or_stream"):
        run.upload_file("x", 42)
    assert run.get_file_names() == ["outputs/model.bin", "outputs/readme.txt"]


BAD_CALLS = [
    (lambda r: r.log("", 1.0), ValueError, "name"),
    (lambda r: r.log(3, 1.0), TypeError, "name"),
    (lambda r: r.log("tb_eval/x", 1.0), ValueError, "name"),
    (lambda r: r.log("x", [1, 2]), TypeError, "value"),
    (lambda r: r.log("x", None), TypeError, "value"),
    (lambda r: r.log("x", 1.0, step=-1), ValueError, "step"),
    (lambda r: r.log("x", 1.0, step=1.5), TypeError, "step"),
    (lambda r: r.log("x", 1.0, wall_time=float("nan")), ValueError, "wall_time"),
    (lambda r: r.log("x", 1.0, description=3), TypeError, "description"),
    (lambda r: r.log_list("x", "abc"), TypeError, "value"),
    (lambda r: r.log_list("x", [[1, 2], [3, 4]]), TypeError, "value"),
    (lambda r: r.log_list("x", ["a", "b"]), TypeError, "value"),
    (lambda r: r.log_list("x", []), ValueError, "value"),
    (lambda r: r.log_list("x", [[1], [2, 3]]), ValueError, "value"),
    (lambda r: r.log_row("t"), ValueError, "row"),
    (lambda r: r.log_row("t", a=object()), TypeError, "column 'a'"),
    (lambda r: r.log_table("t", {"a": [1, 2], "b": [1]}), ValueError, "different lengths"),
    (lambda r: r.log_table("t", {}), ValueError, "no columns"),
    (lambda r: r.log_table("t", 5), TypeError, "value"),
    (lambda r: r.log_table("t", {"a": [object()]}), TypeError, "column 'a' row 0"),
    (lambda r: r.log_table("t", {"": [1]}), ValueError, "column names"),
    (lambda r: r.log_table("t", {"a": np.zeros((2, 2))}), ValueError, "column 'a'"),
    (lambda r: r.log_image("i"), TypeError, "exactly one"),
    (lambda r: r.log_image("i", path="/nonexistent.png"), FileNotFoundError, "path"),
    (lambda r: r.log_image("i", path=__file__), ValueError, "path"),
    (lambda r: r.log_image("i", image=np.zeros((2, 2, 5))), ValueError, "image"),
    (lambda r: r.log_image("i", image=np.zeros((0, 2, 3))), ValueError, "image"),
    (lambda r: r.log_image("i", image=np.full((2, 2), 2.0)), ValueError, "image"),
    (lambda r: r.log_image("i", image=np.full((2, 2), 300)), ValueError, "image"),
    (lambda r: r.log_image("i", image=np.array([["a"]])), TypeError, "image"),
    (lambda r: r.log_image("i", plot="not a figure"), TypeError, "plot"),
    (lambda r: r.log_params({("a",): 1}), TypeError, "params"),
    (lambda r: r.log_params({"a": {"b": 1}, "a.b": 2}), ValueError, "params: 'a.b'"),
    (lambda r: r.log_params({"": 1}), ValueError, "params"),
    (lambda r: r.log_params(["a"]), TypeError, "params"),
    (lambda r: r.set_tags(5), TypeError, "tags"),
    (lambda r: r.tag(3), TypeError, "key"),
    (lambda r: r.tag("", "x"), ValueError, "tags"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS)
def test_bad_input_raises_naming_the_argument_and_writes_nothing(tmp_path, call, error, message):
    run = tb_eval.start_logging(tmp_path, run_name="r", params={"p": 1})
    run.log("x", 0.5)
    run.log_row("t", a=1)
    before = _file_bytes(run)
    metrics_before = run.get_metrics()
    with pytest.raises(error, match=message):
        call(run)
    assert _file_bytes(run) == before
    assert run.get_metrics() == metrics_before
    assert run.get_params() == {"p": 1} and run.get_tags() == {}


def test_a_name_holds_one_kind_of_data(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("m", 1.0)
    run.log_table("t", {"a": [1]})
    with pytest.raises(ValueError, match="already holds scalar"):
        run.log("m", "text now")
    with pytest.raises(ValueError, match="already holds table"):
        run.log_row("t", a=1)


def test_bad_start_logging_arguments(tmp_path):
    for kwargs, error, message in [
        ({"experiment": "../up"}, ValueError, "experiment"),
        ({"run_name": "a/../../b"}, ValueError, "run_name"),
        ({"run_name": ""}, ValueError, "run_name"),
        ({"params": {("a",): object()}}, TypeError, "params"),
        ({"flush_secs": 0}, ValueError, "flush_secs"),
    ]:
        with pytest.raises(error, match=message):
            tb_eval.start_logging(tmp_path, **kwargs)
    with pytest.raises(TypeError, match="logdir"):
        tb_eval.start_logging(3)
    assert os.listdir(tmp_path) == []


def test_log_row_takes_name_by_keyword_as_azure(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_row(name="people", who="Ada", age=36)
    run.log_row("people", "a description", who="Alan", age=41)
    assert run.get_metrics() == {"people": {"who": ["Ada", "Alan"], "age": [36, 41]}}


def test_an_existing_run_is_not_overwritten_unless_resumed(tmp_path):
    with tb_eval.start_logging(tmp_path, run_name="r", params={"lr": 0.1}) as run:
        run.log("loss", 0.5)
        run.log("loss", 0.4)
        run.log("note", "first")
        run.log_row("rows", a=1)
        run.log_predictions("val", [0, 1], y_score=[0.3, 0.6], step=4)
        run.tag("phase", "one")
        run.upload_file("a.txt", io.BytesIO(b"a"))
    files_before = sorted(os.listdir(tmp_path / "r"))
    with pytest.raises(FileExistsError, match="run_name: .* resume=True"):
        tb_eval.start_logging(tmp_path, run_name="r")
    assert sorted(os.listdir(tmp_path / "r")) == files_before

    with tb_eval.start_logging(tmp_path, run_name="r", resume=True) as resumed:
        assert resumed.get_params() == {"lr": 0.1}
        assert resumed.get_tags() == {"phase": "one"}
        assert resumed.get_file_names() == ["a.txt"]
        resumed.log("loss", 0.3)  # continues at step 2
        with pytest.raises(ValueError, match="last step 2"):
            resumed.log("loss", 0.2, step=1)
        with pytest.raises(ValueError, match="already holds text"):
            resumed.log("note", 1.0)
        with pytest.raises(ValueError, match="task: 'val' holds binary"):
            resumed.log_predictions("val", [0.5], y_pred=[0.4], task="regression", step=5)
        resumed.log_predictions("val", [1, 0], y_score=[0.9, 0.2], step=5)
        resumed.log_row("rows", a=2)
    stored = tb_eval.open_run(tmp_path / "r")
    data = tb_eval.reader.read_run(str(tmp_path / "r"))
    assert data.scalars["loss"][0] == [0, 1, 2]
    assert stored.get_metrics()["loss"] == [0.5, 0.4, 0.3]
    assert stored.get_metrics()["rows"] == {"a": [1, 2]}
    assert [step for step, _ in data.blobs["predictions"]["val"]] == [4, 5]
    assert stored.status == "success"
    assert len(tb_eval.reader.event_files(str(tmp_path / "r"))) == 2


_STEP_TAKERS = {
    "log": lambda run, step: run.log("m", 1.0, step=step),
    "log_table": lambda run, step: run.log_table("m", {"a": [1]}, step=step),
    "log_histogram": lambda run, step: run.log_histogram("m", [1.0, 2.0], step=step),
    "log_predictions": lambda run, step: run.log_predictions("m", [0, 1], [0.2, 0.7], step=step),
    "log_image": lambda run, step: run.log_image("m", image=np.zeros((2, 2), np.uint8), step=step),
}


@pytest.mark.parametrize("method", sorted(_STEP_TAKERS))
@pytest.mark.parametrize("step", [2**63, 2**64 + 5])
def test_steps_outside_int64_are_refused_and_claim_nothing(tmp_path, method, step):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    if method == "log":
        run.log("m", 0.5, step=0)  # a name already holding scalars takes the fast path
    with pytest.raises(ValueError, match=r"step: must be from 0 to 2\*\*63 - 1 \(int64\)"):
        _STEP_TAKERS[method](run, step)
    _STEP_TAKERS[method](run, 2**63 - 1)  # the largest int64 step still goes in
    assert run.last_step("m") == 2**63 - 1
    run.complete()
