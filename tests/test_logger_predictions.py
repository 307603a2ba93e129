"""log_predictions, log_feature_importance and log_confusion_matrix: stored losslessly, read back,
evaluated to the same numbers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tb_eval
from tb_eval.reader import event_files, read_run

RNG = np.random.default_rng(3)
N = 500


class FakeTensor:
    """Duck-types a torch tensor: tb_eval converts without importing torch."""

    def __init__(self, array: np.ndarray) -> None:
        self._array = array

    def detach(self) -> FakeTensor:
        return self

    def cpu(self) -> FakeTensor:
        return self

    def numpy(self) -> np.ndarray:
        return self._array


def _problems():
    labels = ["cat", "dog", "owl"]
    probabilities = RNG.dirichlet(np.ones(3), N).astype(np.float32)
    classes = RNG.integers(0, 3, N)
    binary_scores = RNG.random(N)
    binary_true = (RNG.random(N) < binary_scores).astype(int)
    multilabel_true = (RNG.random((N, 4)) < 0.4).astype(int)
    multilabel_scores = RNG.random((N, 4))
    regression_true = RNG.normal(size=N)
    return {
        "binary": dict(y_true=binary_true, y_score=binary_scores),
        "multiclass": dict(y_true=np.array(labels)[classes], y_score=probabilities, labels=labels),
        "multilabel": dict(y_true=multilabel_true, y_score=multilabel_scores),
        "regression": dict(
            y_true=regression_true,
            y_pred=regression_true + RNG.normal(scale=0.3, size=N),
            task="regression",
        ),
    }


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel", "regression"])
def test_predictions_round_trip_losslessly_and_evaluate_the_same(tmp_path, task):
    problem = _problems()[task]
    weights = RNG.random(N)
    run = tb_eval.start_logging(tmp_path, run_name=task)
    for step in range(3):
        run.log_predictions("val", **problem, sample_weight=weights, step=step * 5)
    run.complete()
    expected = tb_eval.prepare(**problem, sample_weight=weights)
    stored = tb_eval.open_run(run.directory)
    for step in (0, 5, 10, None):
        got = stored.get_predictions("val", step)
        assert got.task == task == expected.task
        assert got.task_inferred == ("task" not in problem)
        assert got.labels == expected.labels
        for field in ("y_true", "y_score", "y_pred", "sample_weight"):
            want, have = getattr(expected, field), getattr(got, field)
            if want is None:
                assert have is None
            else:
                # Scores stored as float32 (when that is exact) may come back as float32.
                assert have.dtype == want.dtype or field == "y_score", field
                np.testing.assert_array_equal(have, want, err_msg=field)
    report = tb_eval.evaluate(**problem, sample_weight=weights)
    from_disk = tb_eval.evaluation.evaluate_prepared(stored.get_predictions("val"))
    assert from_disk.metrics == report.metrics
    with pytest.raises(KeyError, match="step"):
        stored.get_predictions("val", step=3)
    with pytest.raises(KeyError, match="name"):
        stored.get_predictions("test")


def test_predictions_are_stored_compactly(tmp_path):
    probabilities = RNG.dirichlet(np.ones(10), 20_000).astype(np.float32)
    classes = RNG.integers(0, 10, 20_000)
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_predictions("val", classes, y_score=probabilities, labels=list(range(10)))
    run.complete()
    size = sum(os.path.getsize(path) for path in event_files(run.directory))
    raw = probabilities.nbytes + classes.astype(np.uint8).nbytes
    assert raw <= size < raw + 4096  # float32 scores and uint8 classes, plus a small header


def test_pandas_and_tensor_inputs(tmp_path):
    scores = RNG.random(N)
    truth = (RNG.random(N) < scores).astype(int)
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_predictions("pandas", pd.Series(truth), y_score=pd.Series(scores))
    run.log_predictions("tensor", FakeTensor(truth), y_score=FakeTensor(scores))
    for name in ("pandas", "tensor"):
        got = run.get_predictions(name)
        np.testing.assert_array_equal(got.y_score, scores)
        np.testing.assert_array_equal(got.y_true, truth)


def test_twenty_evaluation_steps_are_all_kept(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    for epoch in range(20):
        run.log_predictions("val", [0, 1, 1], y_score=[0.1, 0.2 + epoch / 100, 0.9], step=epoch)
    run.complete()
    blobs = read_run(run.directory).blobs["predictions"]["val"]
    assert [step for step, _ in blobs] == list(range(20))


def test_bad_predictions_raise_and_write_nothing(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_predictions("val", [0, 1], y_score=[0.2, 0.8], step=3)
    run.flush()
    before = [Path(path).read_bytes() for path in event_files(run.directory)]
    for kwargs, error, message in [
        (dict(y_true=[0, 1], y_score=[0.2]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[0.2, float("nan")]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[0.2, 1.5]), ValueError, "y_score"),
        (dict(y_true=[], y_score=[]), ValueError, "y_true"),
        (dict(y_true=[0, 1], y_score=[0.2, 0.8], task="ranking"), ValueError, "task"),
        (dict(y_true=[0, 1], y_score=[0.2, 0.8], step=3), ValueError, "step"),
        (dict(y_true=[0, 1], y_score=[0.2, 0.8], sample_weight=[1, -1]), ValueError, "weight"),
    ]:
        with pytest.raises(error, match=message):
            run.log_predictions("val", **kwargs)
    assert [Path(path).read_bytes() for path in event_files(run.directory)] == before


def test_feature_importance_and_confusion_matrix(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_feature_importance("rf", ["age", "bmi"], np.array([0.25, 0.75]))
    run.log_feature_importance(
        "rf", ["age", "bmi"], [0.3, 0.7], per_class={"cat": [0.1, 0.9]}, step=4
    )
    run.log_confusion_matrix("val", [[5, 1], [2, 7]], labels=["neg", "pos"])
    run.complete()
    data = read_run(run.directory)
    assert data.documents_of("importance", "rf") == [
        (0, {"features": ["age", "bmi"], "importances": [0.25, 0.75], "per_class": {}}),
        (
            4,
            {
                "features": ["age", "bmi"],
                "importances": [0.3, 0.7],
                "per_class": {"cat": [0.1, 0.9]},
            },
        ),
    ]
    assert data.documents_of("confusion", "val") == [
        (0, {"labels": ["neg", "pos"], "matrix": [[5, 1], [2, 7]]})
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda r: r.log_feature_importance("f", "ab", [1.0]), TypeError, "feature_names"),
        (lambda r: r.log_feature_importance("f", [], []), ValueError, "feature_names"),
        (lambda r: r.log_feature_importance("f", ["a"], [1.0, 2.0]), ValueError, "importances"),
        (lambda r: r.log_feature_importance("f", ["a"], [np.inf]), ValueError, "importances"),
        (lambda r: r.log_feature_importance("f", ["a"], ["x"]), TypeError, "importances"),
        (
            lambda r: r.log_feature_importance("f", ["a"], [1.0], per_class={"c": [1, 2]}),
            ValueError,
            "per_class",
        ),
        (
            lambda r: r.log_feature_importance("f", ["a"], [1.0], per_class=[1]),
            TypeError,
            "per_class",
        ),
        (lambda r: r.log_confusion_matrix("c", [[1, 2]]), ValueError, "value"),
        (lambda r: r.log_confusion_matrix("c", [[1, -2], [0, 1]]), ValueError, "value"),
        (lambda r: r.log_confusion_matrix("c", [["a"]]), TypeError, "value"),
        (
            lambda r: r.log_confusion_matrix("c", [[1, 2], [3, 4]], labels=["a"]),
            ValueError,
            "labels",
        ),
        (
            lambda r: r.log_confusion_matrix("c", [[1, 2], [3, 4]], labels=["a", "a"]),
            ValueError,
            "labels",
        ),
        (lambda r: r.log_confusion_matrix("c", [[1, 2], [3, 4]], labels="ab"), TypeError, "labels"),
    ],
)
def test_bad_importances_and_matrices(tmp_path, call, error, message):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    with pytest.raises(error, match=message):
        call(run)
    run.complete()
    assert read_run(run.directory).documents == {}


def test_a_name_keeps_its_task_and_the_task_is_in_the_metadata(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log_predictions("val", [0, 1], y_score=[0.2, 0.8])
    with pytest.raises(ValueError, match="task: 'val' holds binary predictions"):
        run.log_predictions("val", [0.5, 1.5], y_pred=[0.4, 1.2], task="regression")
    run.complete()
    accumulator = EventAccumulator(run.directory)
    accumulator.Reload()
    content = accumulator.SummaryMetadata("tb_eval/predictions/val").plugin_data.content
    assert json.loads(content) == {"kind": "predictions", "version": 1, "task": "binary"}
