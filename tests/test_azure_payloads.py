"""``get_metrics`` gives back Azure ML's evaluation payloads as Azure's JSON documents: what
``log_confusion_matrix``, ``log_accuracy_table``, ``log_residuals`` and ``log_predictions(name,
value)`` logged, from the live run, after ``complete()`` and from ``open_run`` (the oracle:
Azure's documented schemas; for a matrix from arrays, scikit-learn's ``confusion_matrix``)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

import tb_eval
from tb_eval.kinds import common
from tb_eval.reader import CorruptRunError
from tests.azure_payloads import ACCURACY_TABLE, CONFUSION_MATRIX, PREDICTIONS, RESIDUALS
from tests.plugin_support import write_bad_record


def _readers(run):
    """Every way a script reads a run's metrics: live, then finished, then from disk."""
    yield "live", run.get_metrics
    run.complete()
    yield "completed", run.get_metrics
    yield "open_run", tb_eval.open_run(run.directory).get_metrics


def test_each_payload_comes_back_as_the_document_logged(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("acc", 0.9)
    run.log_confusion_matrix("cm", CONFUSION_MATRIX, "test-set matrix")
    run.log_confusion_matrix("cm text", json.dumps(CONFUSION_MATRIX))
    run.log_accuracy_table("accuracy", ACCURACY_TABLE, "test-set table")
    run.log_accuracy_table("accuracy text", json.dumps(ACCURACY_TABLE))
    run.log_residuals("residuals", RESIDUALS)
    run.log_predictions("binned", PREDICTIONS)  # Azure's positional form
    run.log_predictions(name="binned", value=json.dumps(PREDICTIONS), description="again")
    expected = {
        "acc": 0.9,
        "cm": CONFUSION_MATRIX,
        "cm text": CONFUSION_MATRIX,
        "accuracy": ACCURACY_TABLE,
        "accuracy text": ACCURACY_TABLE,
        "residuals": RESIDUALS,
        "binned": [PREDICTIONS, PREDICTIONS],  # logged at two steps: a list, as for tables
    }
    for how, get_metrics in _readers(run):
        metrics = get_metrics()
        assert metrics == expected, how
        assert json.loads(json.dumps(metrics)) == expected, how  # plain JSON, as Azure's
        for name, document in expected.items():
            assert get_metrics(name=name) == {name: document}, (how, name)
        with pytest.raises(KeyError, match="name: no metric 'nothing'"):
            get_metrics(name="nothing")


def test_a_matrix_from_arrays_reads_back_as_azures_document(tmp_path):
    rng = np.random.default_rng(9)
    labels = ["cat", "dog", "owl"]
    y_true = rng.choice(labels, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, rng.choice(labels, 200))
    counts = confusion_matrix(y_true, y_pred, labels=labels)  # the oracle
    later = confusion_matrix(y_true[:50], y_pred[:50], labels=labels)
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_confusion_matrix("arrays", counts, labels=labels)
    run.log_confusion_matrix("arrays", later, labels=labels, step=5)
    run.log_confusion_matrix("unlabelled", counts)
    as_azure = {
        "schema_type": "confusion_matrix",
        "schema_version": "1.0.0",
        "data": {"class_labels": labels, "matrix": counts.tolist()},
    }
    run.log_confusion_matrix("json", as_azure)
    for how, get_metrics in _readers(run):
        metrics = get_metrics()
        first, second = metrics["arrays"]
        assert first == as_azure == metrics["json"], how  # one shape whichever way it came
        assert second["data"] == {"class_labels": labels, "matrix": later.tolist()}, how
        unlabelled = metrics["unlabelled"]["data"]
        assert unlabelled == {"class_labels": [0, 1, 2], "matrix": counts.tolist()}, how


def test_an_accuracy_table_keeps_what_its_summary_cannot_hold(tmp_path):
    # The binned summary a table is drawn from keeps the positive class's probability counts
    # only: class 0's rows and the percentile tables come back because the table is stored.
    with_arrays = copy.deepcopy(ACCURACY_TABLE)
    for key in ("probability_tables", "percentile_tables", "probability_thresholds"):
        with_arrays["data"][key] = np.asarray(with_arrays["data"][key])
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_accuracy_table("arrays", with_arrays)
    run.log_accuracy_table("arrays", ACCURACY_TABLE, step=3)
    for how, get_metrics in _readers(run):
        assert get_metrics(name="arrays") == {"arrays": [ACCURACY_TABLE, ACCURACY_TABLE]}, how


def test_summaries_not_logged_as_accuracy_tables_are_not_metrics(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    accumulator = run.evaluation_accumulator("accumulated", labels=[0, 1])
    accumulator.update([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    accumulator.log()
    run.log_predictions("binned", [0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3], summary="binned")
    run.log_predictions("raw", [0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    for how, get_metrics in _readers(run):
        assert get_metrics() == {}, how
        with pytest.raises(KeyError, match="name: no metric 'accumulated'.* binned summary"):
            get_metrics(name="accumulated")
        # predictions of our array form point to the method that reads them
        with pytest.raises(
            KeyError,
            match=r"no metric 'raw'.*; 'raw' holds predictions: use get_predictions\('raw'\)",
        ):
            get_metrics(name="raw")
    assert tb_eval.open_run(run.directory).get_predictions("raw").task == "binary"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"percentile_tables": [[[float("nan"), 0, 0, 0]]]}, "value: the accuracy table must be"),
        ({"percentile_thresholds": {1, 2}}, "value: the accuracy table must be JSON"),
    ],
)
def test_an_accuracy_table_that_is_not_json_is_refused_and_nothing_written(
    tmp_path, change, message
):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    value = {**ACCURACY_TABLE, "data": {**ACCURACY_TABLE["data"], **change}}
    with pytest.raises(ValueError, match=message):
        run.log_accuracy_table("accuracy", value)
    assert run.last_step("accuracy") is None
    run.log("accuracy", 0.5)  # the name was left free
    assert run.get_metrics() == {"accuracy": 0.5}


def test_an_undecodable_summary_raises_the_documented_error_naming_the_file(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_accuracy_table("accuracy", ACCURACY_TABLE)
    run.complete()
    broken = common.blob_tensor(b"not a summary")
    path = write_bad_record(run.directory, broken, kind="binned_summary")
    with pytest.raises(CorruptRunError, match=f"{path.name}: binned summary 'broken'"):
        tb_eval.open_run(run.directory).get_metrics()
