"""The kind registry: every kind's module writes and reads its own records.

Round trip per kind: encode (through ``Run``) -> event file -> TensorBoard's loaders (the
Python ``EventAccumulator``, and a real TensorBoard under ``--load_fast=true`` and ``false``) ->
the kind's ``decode``, our reader and our plugin -> the values logged. Also the run-record
validator's two policies (``open_run`` refuses, the plugin keeps good fields).
"""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.compat.proto import summary_pb2

import tb_eval
from tb_eval import kinds
from tb_eval.evaluation import Prepared
from tb_eval.kinds import common, eval_summary, predictions, row, run_record, sweep
from tb_eval.reader import CorruptRecordWarning, read_run
from tests.plugin_support import PREFIX
from tests.tbserver import TensorBoardServer

ROWS = [{"epoch": 0, "loss": 0.5, "ok": True}, {"epoch": 1, "loss": None, "ok": False}]
TABLE = {"a": [1, 2], "b": ["x", None]}
LIST = [0.1, 1 / 3, -2.5]
IMPORTANCE = (["f1", "f2"], [0.75, 0.25])
MATRIX = [[3, 1], [0, 4]]
TRUTH = [0, 1, 1, 0, 1, 0]
SCORE = [0.1, 0.8, 0.6, 0.3, 0.9, 0.55]
CURVE = ([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.4])


def test_every_kind_module_has_both_directions():
    assert set(kinds.KINDS) == {
        "scalar",
        "text",
        "image",
        "histogram",
        "pr_curve",
        "list",
        "row",
        "table",
        "run",
        "predictions",
        "importance",
        "confusion",
        "binned_summary",
        "sweep",
        "regression_bins",
        "eval_summary",
    }
    for name, module in kinds.KINDS.items():
        assert name == module.KIND
        for attribute in ("PLUGIN_NAME", "DATA_CLASS", "tag", "metadata", "parse_metadata"):
            assert hasattr(module, attribute), (name, attribute)
        assert module.CLAIMS_NAME is (name not in ("list", "run", "sweep", "eval_summary")), name
        assert callable(module.encode) and callable(module.decode), name
        if module.PLUGIN_NAME == common.PLUGIN_NAME:
            assert module.STORAGE in (common.JSON, common.BLOB, common.FLOAT64), name
            logged = "record" if module in (run_record, sweep) else "x y"
            assert kinds.for_tag(common.PLUGIN_NAME, module.tag("x y")) == (name, logged, module)
        else:
            assert kinds.for_tag(module.PLUGIN_NAME, "x y") == (name, "x y", module)
    assert kinds.for_tag("tb_eval", "tb_eval/newer_kind/x") == ("newer_kind", "x", None)
    assert kinds.for_tag("tb_eval", "tb_eval/scalar/x") == ("scalar", "x", None)
    assert kinds.for_tag("tb_eval", "no prefix") is None
    assert kinds.for_tag("someone_else", "x") is None


def test_metadata_parses_back():
    for module in (
        kinds.series,
        row,
        kinds.table,
        run_record,
        kinds.importance,
        kinds.confusion,
        sweep,
        eval_summary,
    ):
        content = module.metadata().plugin_data.content
        assert module.parse_metadata(content) == {"kind": module.KIND, "version": 1}
    parsed = predictions.parse_metadata(predictions.metadata("binary").plugin_data.content)
    assert parsed == {"kind": "predictions", "version": 1, "task": "binary"}
    assert predictions.parse_metadata(b"not json")["task"] is None
    summary = kinds.binned_summary
    parsed = summary.parse_metadata(summary.metadata("multiclass").plugin_data.content)
    assert parsed == {"kind": "binned_summary", "version": 1, "task": "multiclass"}
    assert kinds.pr_curve.parse_metadata(kinds.pr_curve.metadata(7).plugin_data.content) == {
        "num_thresholds": 7
    }


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("kinds")
    run = tb_eval.start_logging(logdir, run_name="r", params={"lr": 0.5})
    run.log("loss", 0.25)
    run.log("note", "hello *world*")
    run.log_list("series", LIST)
    for cells in ROWS:
        run.log_row("rows", **cells)
    run.log_table("tbl", TABLE)
    run.log_histogram("weights", np.arange(10.0), bins=3)
    run.log_image("img", image=np.zeros((2, 3), dtype=np.uint8))
    run.log_predictions("val", TRUTH, SCORE, labels=["n", "p"])
    run.log_feature_importance("imp", *IMPORTANCE)
    run.log_confusion_matrix("cm", MATRIX, labels=["n", "p"])
    from tb_eval.integrations import SummaryWriter

    run.complete()
    writer = SummaryWriter(str(logdir / "w"))
    writer.add_pr_curve("pr", *CURVE, 0, num_thresholds=5)
    writer.close()
    return logdir


def _expected_rows():
    return row.rows_to_table(ROWS).to_dict()


def test_each_kind_decodes_what_tensorboards_python_loader_read(logged):
    accumulator = plugin_event_accumulator.EventAccumulator(
        str(logged / "r"), size_guidance={"tensors": 0}
    )
    accumulator.Reload()

    def decoded(module, name):
        tag = module.tag(name)
        events = accumulator.Tensors(tag)
        return [module.decode(common.stored_data(module.STORAGE, e.tensor_proto)) for e in events]

    assert decoded(kinds.series, "series")[0].tolist() == LIST
    rows = [row.decode(document) for document in decoded_json(accumulator, "rows")]
    assert row.rows_to_table(rows).to_dict() == _expected_rows()
    assert decoded(kinds.table, "tbl")[0].to_dict() == TABLE
    assert decoded(kinds.importance, "imp")[0]["importances"] == IMPORTANCE[1]
    assert decoded(kinds.confusion, "cm")[0] == {"labels": ["n", "p"], "matrix": MATRIX}
    (record,) = [run_record.decode(d) for d in decoded_json(accumulator, None)][-1:]
    assert record["params"] == {"lr": 0.5} and record["status"] == "success"
    (stored,) = [
        predictions.decode(common.stored_data(common.BLOB, e.tensor_proto), Prepared.from_arrays)
        for e in accumulator.Tensors(predictions.tag("val"))
    ]
    assert stored.y_true.tolist() == TRUTH and stored.y_score.tolist() == SCORE
    (summary,) = decoded(eval_summary, "val")
    assert summary["task"] == "binary" and summary["n_samples"] == len(TRUTH)
    assert summary["metrics"] == {
        k: v for k, v in tb_eval.evaluate(TRUTH, SCORE).to_dict()["metrics"].items() if "/" not in k
    }
    # TensorBoard's own dashboards: the builtin kinds decode their records too.
    (note,) = accumulator.Tensors(kinds.text.tag("note"))
    assert kinds.text.decode(note.tensor_proto) == "hello *world*"
    (weights,) = accumulator.Tensors(kinds.histogram.tag("weights"))
    assert kinds.histogram.decode(weights.tensor_proto)[:, 2].tolist() == [3, 3, 4]
    (loss,) = accumulator.Tensors(kinds.scalar.tag("loss"))
    assert kinds.scalar.decode(summary_pb2.Summary.Value(tensor=loss.tensor_proto)) == 0.25
    writer = plugin_event_accumulator.EventAccumulator(str(logged / "w"))
    writer.Reload()
    (curve,) = writer.Tensors(kinds.pr_curve.tag("pr"))
    expected = kinds.pr_curve.counts(*CURVE, num_thresholds=5)
    assert np.array_equal(kinds.pr_curve.decode(curve.tensor_proto), expected)


def decoded_json(accumulator, name):
    tag = run_record.TAG if name is None else row.tag(name)
    return [common.stored_data(common.JSON, e.tensor_proto) for e in accumulator.Tensors(tag)]


def test_our_reader_reads_each_kind_back(logged):
    data = read_run(str(logged / "r"))
    metrics = data.metrics()
    assert metrics["series"] == LIST and metrics["rows"] == _expected_rows()
    assert metrics["tbl"] == TABLE and metrics["note"] == "hello *world*"
    assert data.documents_of("confusion", "cm") == [(0, {"labels": ["n", "p"], "matrix": MATRIX})]
    assert data.documents_of("importance", "imp")[0][1]["features"] == IMPORTANCE[0]
    assert data.predictions("val").y_true.tolist() == TRUTH
    ((step, summary),) = data.documents_of("eval_summary", "val")
    assert step == 0 and summary["n_samples"] == len(TRUTH)
    assert data.names_held() == {
        "loss": "scalar",
        "note": "text",
        "series": "scalar",
        "rows": "row",
        "tbl": "table",
        "weights": "histogram",
        "img": "image",
        "val": "predictions",
        "imp": "importance",
        "cm": "confusion",
    }
    assert data.prediction_tasks() == {"val": "binary"} and data.has_session


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_our_plugin_decodes_each_kind_under_both_loaders(logged, load_fast):
    with TensorBoardServer(logged, load_fast=load_fast) as server:

        def get(route, **args):
            return server.get_json(PREFIX + route + "?" + urllib.parse.urlencode(args))

        server.wait_for(lambda: len(server.get_json(PREFIX + "/evaluations")["evaluations"]))
        assert get("/list", run="r", name="series")["calls"] == [{"step": 0, "values": LIST}]
        rows = get("/table", run="r", name="rows", source="rows")
        assert [[cell for cell in r] for r in rows["rows"]] == [
            [0, 0.5, True],
            [1, None, False],
        ]
        assert get("/table", run="r", name="tbl")["rows"] == [[1, "x"], [2, None]]
        assert get("/importance", run="r", name="imp")["names"] == ["f1", "f2"]
        assert get("/confusion", run="r", name="cm")["matrix"] == MATRIX
        (listed,) = get("/evaluations")["evaluations"]
        assert (listed["task"], listed["steps"]) == ("binary", [0])
        evaluation = get("/evaluation", run="r", name="val")
        assert evaluation["n_samples"] == len(TRUTH)
        compared = get("/evaluation/compare/table", name="val")
        (compared_run,) = compared["runs"]
        assert dict(zip(compared["metrics"], compared_run["metrics"])) == {
            k: v for k, v in evaluation["metrics"].items() if "/" not in k
        }
        (entry,) = [r for r in get("/runs")["runs"] if r["run"] == "r"]
        assert entry["params"] == {"lr": 0.5} and entry["error"] is None
        # TensorBoard's own dashboards read the builtin kinds.
        scalars = server.get_json("/data/plugin/scalars/scalars?run=r&tag=loss")
        assert [value for _, _, value in scalars] == [0.25]
        texts = server.get_json("/data/plugin/text/text?run=r&tag=note")
        assert "hello" in texts[0]["text"]


def test_the_run_record_validator_keeps_each_callers_policy(tmp_path):
    good = {"name": "r", "status": "success", "params": {}, "files": [{"name": "a", "size": 1}]}
    assert run_record.decode(good) is good
    assert run_record.decode({"name": "r", "experiment": None, "id": None})["name"] == "r"
    with pytest.raises(ValueError, match="the run record's 'status' is a int"):
        run_record.decode({"status": 3})
    with pytest.raises(ValueError, match="the run record's 'error' is a list"):
        run_record.decode({"error": []})
    with pytest.raises(ValueError, match="the run record is a list, not an object"):
        run_record.decode([])
    with pytest.raises(ValueError, match="'files' are not objects with a name"):
        run_record.decode({"files": [{"size": 1}]})
    # The plugin keeps the fields that have their type and lists the others.
    kept, problems = run_record.shown_fields(
        {
            "name": "r",
            "status": None,
            "error": 5,  # not shown by the plugin: not checked
            "parent": None,
            "files": [{"name": "a", "size": 1}, {"name": "b"}],
        }
    )
    assert kept == {"name": "r", "parent": None, "files": [{"name": "a", "size": 1}]}
    assert problems == [
        "'status' should be str, not null",
        "files[1] should be {name: str, size: int}",
    ]
    # open_run skips a record of the wrong types, with a warning naming the file.
    from tb_eval.record import append_record

    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.complete()
    append_record(str(tmp_path / "r"), {"name": "r", "status": 3}, 99)
    with pytest.warns(CorruptRecordWarning, match="the run record's 'status' is a int"):
        stored = tb_eval.open_run(tmp_path / "r")
    assert stored.get_status() == "Completed"


def test_reader_skips_a_kind_it_does_not_know(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    tensor = common.json_tensor({"anything": 1})
    metadata = common.our_metadata("newer_kind", common.DATA_CLASS_TENSOR)
    with run._lock:
        run._emit_own("tb_eval/newer_kind/x", 0, tensor, lambda: metadata)
    run.complete()
    data = read_run(str(tmp_path / "r"))
    assert data.documents == {} and data.blobs == {}
    assert data.names_held()["x"] == "newer_kind"


def test_a_row_of_the_wrong_type_is_skipped_with_a_warning(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_row("rows", a=1)
    with run._lock:
        run._emit_own(row.tag("rows"), 1, common.json_tensor([1, 2]), row.metadata)
    run.complete()
    with pytest.warns(CorruptRecordWarning, match="a row of 'rows' is a list, not an object"):
        data = read_run(str(tmp_path / "r"))
    assert data.rows == {"rows": [{"a": 1}]}
