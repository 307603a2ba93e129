"""Azure ML v1 ``Run``, name for name and argument for argument (issue 9, item 1).

The expected signatures are the ones Azure documents for ``azureml.core.Run``; behaviour is read
back from disk with our reader, tbparse and the file system.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import types

import numpy as np
import pytest

import tb_eval
from tb_eval.reader import event_files, read_run

#: Azure ML v1 ``azureml.core.Run``: method -> its documented parameters, in order.
AZURE_SIGNATURES = {
    "log": ["name", "value", "description", "step"],
    "log_list": ["name", "value", "description"],
    "log_row": ["name", "description", "kwargs"],
    "log_table": ["name", "value", "description"],
    "log_image": ["name", "path", "plot", "description"],
    "log_confusion_matrix": ["name", "value", "description"],
    "log_residuals": ["name", "value", "description"],
    "tag": ["key", "value"],
    "set_tags": ["tags"],
    "remove_tags": ["tags"],
    "get_tags": [],
    "add_properties": ["properties"],
    "get_properties": [],
    "upload_file": ["name", "path_or_stream", "datastore_name"],
    "upload_files": ["names", "paths", "return_artifacts", "timeout_seconds", "datastore_name"],
    "upload_folder": ["name", "path", "datastore_name"],
    "download_file": ["name", "output_file_path"],
    "download_files": [
        "prefix",
        "output_directory",
        "output_paths",
        "batch_size",
        "append_prefix",
        "timeout_seconds",
    ],
    "get_file_names": [],
    "get_metrics": ["name", "recursive", "run_type", "populate"],
    "get_status": [],
    "get_details": [],
    "complete": ["_set_status"],
    "fail": ["error_details", "error_code", "_set_status"],
    "cancel": [],
    "child_run": ["name", "run_id", "outputs"],
    "get_children": ["recursive", "tags", "properties", "type", "status", "_rehydrate_runs"],
    "flush": ["timeout_seconds"],
}
#: What a finished run read back with ``open_run`` keeps of that surface.
STORED_METHODS = [
    "tag",
    "set_tags",
    "remove_tags",
    "get_tags",
    "add_properties",
    "get_properties",
    "download_file",
    "download_files",
    "get_file_names",
    "get_metrics",
    "get_status",
    "get_details",
    "get_children",
]


def _positional_or_keyword(method) -> list[str]:
    """The parameters a caller may pass positionally or by name (keyword-only extras of ours
    such as ``step=`` or ``wall_time=`` come after them)."""
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_KEYWORD)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    return [parameter.name for parameter in parameters if parameter.kind in kinds]


@pytest.mark.parametrize("method", sorted(AZURE_SIGNATURES))
def test_run_methods_take_azures_arguments_in_azures_order(method):
    assert _positional_or_keyword(getattr(tb_eval.Run, method)) == AZURE_SIGNATURES[method]


@pytest.mark.parametrize("method", STORED_METHODS)
def test_a_stored_run_has_the_same_arguments(method):
    stored = _positional_or_keyword(getattr(tb_eval.StoredRun, method))
    assert stored == AZURE_SIGNATURES.get(method, stored)


def test_azure_properties_exist(tmp_path):
    run = tb_eval.start_logging(tmp_path, experiment="exp", run_name="r")
    assert run.id == "r" and run.name == "r" and run.display_name == "r"
    assert run.experiment == "exp" and run.parent is None
    run.display_name = "First try"
    assert run.display_name == "First try" and run.get_details()["displayName"] == "First try"
    assert tb_eval.Run.get_context is not None


def test_the_azure_logging_sample_ported_by_its_import_line(tmp_path, monkeypatch):
    """What Azure's published logging notebook does, written in our words: keyword arguments
    everywhere, a generator for log_list, numpy values in log_row, pyplot as the plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    run = tb_eval.start_logging("runs", experiment="logging-api-test")
    run_id = run.id
    run.log(name="Category", value="Red")
    run.log(name="scale factor", value=2)
    run.log(name="Magic Number", value=42 * 2)
    run.log_list(name="Fibonacci", value=(v * 2 for v in [0, 1, 1, 2, 3, 5, 8]))
    for i in range(-3, 3):
        run.log(name="Sigmoid", value=1 / (1 + np.exp(-i)))
    sines = {"angle": [], "sine": []}
    for i in range(-3, 3):
        angle = i / 2.0
        run.log_row(name="Cosine Wave", angle=angle, cos=np.cos(angle))
        sines["angle"].append(angle)
        sines["sine"].append(np.sin(angle))
    run.log_table(name="Sine Wave", value=sines)
    plt.plot([0, 1], [0, 1])
    run.log_image(name="Hyperbolic Tangent", plot=plt)
    run.log_image("ROC", plt)  # the seed document's spelling: pyplot in path's place
    plt.close("all")
    os.makedirs("outputs")
    with open("outputs/myfile.txt", "w") as f:
        f.write("an output file\n")
    run.upload_file(name="outputs/myfile.txt", path_or_stream="outputs/myfile.txt")
    run.complete()

    fetched = tb_eval.open_run(run.directory)
    assert fetched.id == run_id
    metrics = fetched.get_metrics()
    assert metrics["Category"] == "Red" and metrics["Magic Number"] == 84
    assert metrics["Fibonacci"] == [0, 2, 2, 4, 6, 10, 16]
    assert metrics["Cosine Wave"]["cos"] == pytest.approx(np.cos(np.arange(-3, 3) / 2.0))
    assert metrics["Sine Wave"]["sine"] == pytest.approx(np.sin(np.arange(-3, 3) / 2.0))
    assert fetched.get_metrics(name="scale factor") == {"scale factor": 2}
    assert read_run(run.directory).images == {"Hyperbolic Tangent": 1, "ROC": 1}
    assert fetched.get_file_names() == ["outputs/myfile.txt"]
    os.makedirs("files")
    for name in fetched.get_file_names():
        fetched.download_file(name, os.path.join("files", name.split("/")[-1]))
    with open("files/myfile.txt") as downloaded:
        assert downloaded.read() == "an output file\n"
    fetched.tag("My Favorite Run")
    fetched.tag("Competition Rank", 1)
    assert fetched.get_tags() == {"My Favorite Run": "", "Competition Rank": 1}
    assert tb_eval.open_run(run.directory).get_tags() == fetched.get_tags()
    assert tb_eval.open_run(run.directory).get_status() == "Completed"


def test_log_takes_description_then_step_positionally(tmp_path):
    from tbparse import SummaryReader

    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("acc", 0.5, "accuracy on the validation set", 3)
    run.log("acc", 0.75, step=7)
    with pytest.raises(TypeError, match="description: expected a str, got 9.*step="):
        run.log("acc", 0.8, 9)
    run.complete()
    assert read_run(run.directory).scalars["acc"] == ([3, 7], [0.5, 0.75])
    scalars = SummaryReader(run.directory, extra_columns={"dir_name"}).scalars
    assert scalars[scalars.tag == "acc"].step.tolist() == [3, 7]


def test_log_list_takes_any_iterable(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_list("gen", (x * x for x in range(4)))
    run.log_list("range", range(3), "a description")
    run.log_list("array", np.arange(3, dtype=np.float32))
    run.log_list("tuple", (1.5, 2.5))
    with pytest.raises(TypeError, match="value: expected an iterable of numbers, got 5"):
        run.log_list("bad", 5)
    with pytest.raises(TypeError, match="value: expected a flat list of numbers, got \\['a'\\]"):
        run.log_list("bad", (c for c in "a"))
    metrics = run.get_metrics()
    assert metrics["gen"] == [0, 1, 4, 9] and metrics["range"] == [0, 1, 2]
    assert metrics["array"] == [0, 1, 2] and metrics["tuple"] == [1.5, 2.5]
    assert "bad" not in metrics


def test_log_list_values_read_back_as_float64(tmp_path):
    """As docs/logger.md says: the float64 numbers the values became, ints and bools as
    floats, an int beyond 2**53 rounded as numpy rounds it."""
    run = tb_eval.start_logging(tmp_path, run_name="r")
    logged = [3, True, 2**53 + 1, 0.1, np.float32(0.1)]
    run.log_list("mixed", logged)
    run.complete()
    for metrics in (run.get_metrics(), tb_eval.open_run(run.directory).get_metrics()):
        values = metrics["mixed"]
        assert [type(value) for value in values] == [float] * 5
        assert values == np.asarray(logged, dtype=np.float64).tolist()
        assert values[:3] == [3.0, 1.0, 9007199254740992.0]


def test_log_image_understands_what_azure_accepts_and_names_bad_arguments(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    run = tb_eval.start_logging(tmp_path, run_name="r")
    figure, axes = plt.subplots(figsize=(2, 1), dpi=50)
    axes.plot([0, 1])
    run.log_image("figure as path", figure)
    run.log_image("pyplot as plot", plot=plt)
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((3, 4, 3), dtype=np.uint8)).save(buffer, format="PNG")
    buffer.seek(0)
    run.log_image("stream", buffer, description="a stream")
    plt.close("all")
    with pytest.raises(TypeError, match="path: expected an image file path.*got 42"):
        run.log_image("bad", 42)
    with pytest.raises(TypeError, match="plot: expected a matplotlib figure.*got 'nope'"):
        run.log_image("bad", plot="nope")
    with pytest.raises(ValueError, match="path: the stream"):
        run.log_image("bad", io.BytesIO(b"not an image"))
    # a large wrong value: its repr is cut, as in every other message
    big = np.arange(100_000.0).reshape(100, 1000)
    for call, argument in (
        (lambda: run.log_image("bad", big), "path"),
        (lambda: run.log_image("bad", plot=big), "plot"),
        (lambda: run.log_image("bad", path=None, plot=[big]), "plot"),
    ):
        with pytest.raises(
            TypeError, match=rf"^{argument}: expected .*got (array|\[array)\("
        ) as error:
            call()
        assert len(str(error.value)) < 200, argument
    run.flush()
    assert read_run(run.directory).images == {"figure as path": 1, "pyplot as plot": 1, "stream": 1}


REFUSED_THEN_FREE = [
    lambda r: r.log_table("acc", {"a": [1]}, step=-1),
    lambda r: r.log_table("acc", {"a": [1]}, "d", step=1.5),
    lambda r: r.log_image("acc", image=np.zeros((2, 2), np.uint8), step=-1),
    lambda r: r.log_confusion_matrix("acc", [[1, 0], [0, 1]], step=-2),
    lambda r: r.log_predictions("acc", [0, 1], y_score=[0.2, 0.8], step=-1),
    lambda r: r.log_histogram("acc", [1.0, 2.0], step=-1),
    lambda r: r.log("acc", "text", step=-1),
    lambda r: r.log_feature_importance("acc", ["a"], [1.0], step=-1),
]


@pytest.mark.parametrize("refused", REFUSED_THEN_FREE)
def test_a_refused_call_does_not_claim_the_name(tmp_path, refused):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    with pytest.raises((TypeError, ValueError), match="step"):
        refused(run)
    run.log("acc", 0.9)
    assert run.get_metrics() == {"acc": 0.9}


def test_params_and_tags_take_what_real_configs_hold(tmp_path):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    pipeline = make_pipeline(SimpleImputer(), LogisticRegression(C=0.5))
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_params(pipeline.get_params())
    run.log_params(
        {
            "optimizer": {"name": "adam", "betas": (0.9, 0.999), "lr": np.float32(0.5)},
            "layers": [64, 32],
            "seed": None,
            "epochs": np.int64(3),
            "use_bias": np.bool_(True),
        }
    )
    run.set_tags({"owner": None, "nested": {"a": 1}})
    params = run.get_params()
    assert params["logisticregression__C"] == 0.5
    assert params["logisticregression"] == "LogisticRegression(C=0.5)"
    assert params["memory"] is None and params["simpleimputer__missing_values"] == "nan"
    assert params["steps"] == str(pipeline.get_params()["steps"])
    assert params["optimizer.name"] == "adam" and params["optimizer.lr"] == 0.5
    assert params["optimizer.betas"] == "(0.9, 0.999)" and params["layers"] == "[64, 32]"
    assert params["seed"] is None and params["epochs"] == 3 and params["use_bias"] is True
    assert run.get_tags() == {"owner": None, "nested.a": 1}
    run.complete()
    assert tb_eval.open_run(run.directory).get_params() == params


def test_properties_are_write_once(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.add_properties({"BuildId": "42", "commit": "abc"})
    run.add_properties({"BuildId": "42"})  # the same value again is fine
    with pytest.raises(ValueError, match="properties: 'BuildId' is already '42'.*got '43'"):
        run.add_properties({"BuildId": "43", "other": 1})
    assert run.get_properties() == {"BuildId": "42", "commit": "abc"}
    run.complete()
    stored = tb_eval.open_run(run.directory)
    stored.add_properties({"reviewed": True})
    with pytest.raises(ValueError, match="properties: 'commit'"):
        stored.add_properties({"commit": "def"})
    assert tb_eval.open_run(run.directory).get_properties() == {
        "BuildId": "42",
        "commit": "abc",
        "reviewed": True,
    }


def test_tags_can_be_removed_and_changed_after_the_run_ended(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.set_tags({"a": 1, "b": 2, "c": 3})
    run.remove_tags(["a", "missing"])
    run.log("loss", 0.5)
    run.complete()
    files = event_files(run.directory)
    run.tag("after", "yes")  # the live object of a finished run
    stored = tb_eval.open_run(run.directory)
    stored.remove_tags("b")
    stored.tag("DeploymentCandidate")
    with pytest.raises(TypeError, match="tags: expected a list of tag names, got 5"):
        stored.remove_tags(5)
    now = event_files(run.directory)
    assert now[: len(files)] == files and len(now) == len(files) + 3
    assert sorted(now) == now  # each change went to a new file that sorts last
    reread = tb_eval.open_run(run.directory)
    assert reread.get_tags() == {"c": 3, "after": "yes", "DeploymentCandidate": ""}
    assert reread.get_status() == "Completed" and reread.get_metrics() == {"loss": 0.5}


def test_status_details_fail_and_cancel(tmp_path):
    done = tb_eval.start_logging(tmp_path, run_name="done")
    assert done.get_status() == "Running" and "endTimeUtc" not in done.get_details()
    done.complete()
    details = done.get_details()
    assert details["status"] == "Completed" and details["runId"] == "done"
    assert (
        details["startTimeUtc"].endswith("Z") and details["endTimeUtc"] >= details["startTimeUtc"]
    )
    failed = tb_eval.start_logging(tmp_path, run_name="failed")
    failed.fail(ValueError("diverged"), error_code="NaNLoss")
    assert failed.get_status() == "Failed"
    assert failed.get_details()["error"] == {"message": "[NaNLoss] ValueError: diverged"}
    canceled = tb_eval.start_logging(tmp_path, run_name="canceled")
    canceled.cancel()
    assert canceled.get_status() == "Canceled" and canceled.status == "canceled"
    assert tb_eval.open_run(canceled.directory).get_status() == "Canceled"
    with pytest.raises(TypeError, match="error_details"):
        tb_eval.start_logging(tmp_path, run_name="x").fail(3)


def test_uploads_accept_text_streams_and_leave_nothing_on_failure(tmp_path):
    run = tb_eval.start_logging(tmp_path / "runs", run_name="r")
    run.upload_file("notes/readme.md", io.StringIO("héllo\n"))
    run.upload_file("bin/data.bin", io.BytesIO(b"\x00\x01"))

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        run.upload_file("broken.bin", Broken())
    with pytest.raises(TypeError, match="path_or_stream: expected a file path or a readable"):
        run.upload_file("x", 42)
    source = tmp_path / "a.txt"
    source.write_text("a")
    with pytest.raises(FileNotFoundError, match="paths: no file at"):
        run.upload_files(["one", "two"], [str(source), str(tmp_path / "missing")])
    with pytest.raises(ValueError, match="paths: 1 paths for 2 names"):
        run.upload_files(["one", "two"], [str(source)])
    with pytest.raises(ValueError, match="name: a file named 'notes/readme.md' was already"):
        run.upload_files(["new", "notes/readme.md"], [str(source), str(source)])
    run.upload_files(["one", "two"], [str(source), str(source)])
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "b.txt").write_text("b")
    (folder / "c.txt").write_text("c")
    run.upload_folder("outputs", str(folder))
    with pytest.raises(FileNotFoundError, match="path: no folder"):
        run.upload_folder("outputs2", str(tmp_path / "none"))
    assert run.get_file_names() == [
        "notes/readme.md",
        "bin/data.bin",
        "one",
        "two",
        "outputs/c.txt",
        "outputs/sub/b.txt",
    ]
    stored_files = []
    for root, _, files in os.walk(run.directory):
        stored_files += [os.path.relpath(os.path.join(root, f), run.directory) for f in files]
    assert not [f for f in stored_files if f.endswith(".partial") or "broken" in f]
    run.complete()
    stored = tb_eval.open_run(run.directory)
    out = tmp_path / "out"
    written = stored.download_files(prefix="outputs", output_directory=str(out))
    assert sorted(os.path.relpath(p, out) for p in written) == [
        "outputs/c.txt",
        "outputs/sub/b.txt",
    ]
    flat = tmp_path / "flat"
    stored.download_files(prefix="outputs/", output_directory=str(flat), append_prefix=False)
    assert (flat / "sub" / "b.txt").read_text() == "b"
    assert stored.download_file("notes/readme.md", str(tmp_path / "r.md")) == str(tmp_path / "r.md")
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == "héllo\n"
    with pytest.raises(KeyError, match="name: no uploaded file 'nope'"):
        stored.download_file("nope")
    # Missing folders are made, as Azure ML does; a file in the way is refused by name.
    nested = tmp_path / "no" / "dir" / "x"
    assert stored.download_file("notes/readme.md", str(nested)) == str(nested)
    assert nested.read_text(encoding="utf-8") == "héllo\n"
    with pytest.raises(OSError, match="output_file_path"):
        stored.download_file("notes/readme.md", str(tmp_path / "r.md" / "x"))


def test_confusion_matrix_takes_azures_json_schema(tmp_path):
    matrix = [[3, 0, 1], [0, 1, 1], [0, 0, 2]]
    document = {
        "schema_type": "confusion_matrix",
        "schema_version": "1.0.0",
        "data": {"class_labels": ["0", "1", "2"], "matrix": matrix},
    }
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_confusion_matrix("dict", document, "from a dict")
    run.log_confusion_matrix(name="string", value=json.dumps(document))
    run.log_confusion_matrix("array", np.array(matrix), labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="value: expected Azure's confusion matrix JSON"):
        run.log_confusion_matrix("bad", {"schema_type": "accuracy_table", "data": {}})
    with pytest.raises(ValueError, match="value: not a JSON confusion matrix"):
        run.log_confusion_matrix("bad", "{nope")
    with pytest.raises(TypeError, match="description: expected a str, got list; .*labels="):
        run.log_confusion_matrix("bad", np.array(matrix), ["a", "b", "c"])
    with pytest.raises(ValueError, match="value: expected a non-empty square matrix"):
        run.log_confusion_matrix("bad", {**document, "data": {"matrix": [[1, 2]]}})
    run.flush()
    data = read_run(run.directory)
    for name in ("dict", "string"):
        ((_, logged),) = data.documents_of("confusion", name)
        assert logged == {"labels": ["0", "1", "2"], "matrix": matrix}
    assert data.documents_of("confusion", "array")[0][1]["labels"] == ["a", "b", "c"]
    assert "bad" not in data.documents.get("confusion", {})


def test_child_runs_are_subdirectories_found_from_either_side(tmp_path):
    parent = tb_eval.start_logging(tmp_path, experiment="sweep", run_name="search")
    first = parent.child_run("trial")
    second = parent.child_run("trial")  # Azure allows repeated names: the id differs
    explicit = parent.child_run(name="Best so far", run_id="trial-best")
    assert first.directory == os.path.join(parent.directory, "trial")
    assert second.name.startswith("trial-") and explicit.name == "trial-best"
    assert explicit.display_name == "Best so far" and explicit.id == "search/trial-best"
    assert first.parent is parent and first.experiment == "sweep"
    for index, child in enumerate((first, second, explicit)):
        child.log("loss", 1.0 / (index + 1))
        child.tag("index", index)
    first.complete()
    second.fail("diverged")
    explicit.complete()
    assert parent.get_children() == [first, second, explicit]
    assert parent.get_children(status="Completed") == [first, explicit]
    assert parent.get_children(tags={"index": 1}) == [second]
    with pytest.raises(ValueError, match="run_id: 'a/b' is not usable"):
        parent.child_run(run_id="a/b")
    with pytest.raises(ValueError, match="name: 'artifacts'"):
        parent.child_run("artifacts")
    with pytest.raises(ValueError, match="status: expected one of"):
        parent.get_children(status="done")
    metrics = parent.get_metrics(recursive=True)
    assert metrics["search/trial"] == {"loss": 1.0} and metrics["search"] == {}
    parent.complete()
    stored = tb_eval.open_run(parent.directory)
    children = stored.get_children()
    assert sorted(c.id for c in children) == sorted(
        ["search/trial", "search/trial-best", second.id]
    )
    assert children[0].parent.directory == parent.directory
    assert parent.get_metrics() == {}


def test_new_event_files_sort_after_every_existing_file(tmp_path, monkeypatch):
    from tb_eval.io import writer

    (tmp_path / "events.out.tfevents.1999999999.zzz-host.99999.7").write_bytes(b"")
    monkeypatch.setattr(writer, "time", types.SimpleNamespace(time=lambda: 1000000000.0))
    name = writer.event_file_name(directory=str(tmp_path))
    assert name > "events.out.tfevents.1999999999.zzz-host.99999.7"
    assert name.startswith("events.out.tfevents.2000000000.")


def test_experiment_is_its_name_and_has_azures_name_attribute(tmp_path):
    run = tb_eval.start_logging(tmp_path, experiment="exp", run_name="r")
    assert run.experiment == "exp" and run.experiment.name == "exp"
    run.complete()
    stored = tb_eval.open_run(run.directory)
    assert stored.experiment == "exp" and stored.experiment.name == "exp"
    alone = tb_eval.start_logging(tmp_path, run_name="alone")
    assert alone.experiment is None
    alone.complete()


def test_a_large_wrong_value_is_cut_in_the_message(tmp_path):
    run = tb_eval.start_logging(str(tmp_path), run_name="cut")
    huge = "x" * 10_000
    calls = (
        (TypeError, "^value: expected an iterable of numbers", lambda: run.log_list("a", 10**3000)),
        (
            ValueError,
            "^value: expected Azure's residuals JSON",
            lambda: run.log_residuals(
                "b", {"schema_type": huge, **{str(i): i for i in range(999)}}
            ),
        ),
    )
    for error, start, call in calls:
        with pytest.raises(error, match=start) as raised:
            call()
        assert len(str(raised.value)) < 400, start
    run.complete()
    assert read_run(run.directory).metrics() == {}  # nothing was logged
