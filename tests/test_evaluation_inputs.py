"""prepare(): normalisation, task inference, storage round trip and bad-input messages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tb_eval.evaluation import Prepared, evaluate, prepare


class FakeTensor:
    """Duck-typed stand-in for a torch tensor (torch is not a dependency)."""

    def __init__(self, arr):
        self._arr = np.asarray(arr)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self._arr


def test_inference_rules():
    assert prepare([0, 1, 1], [0.1, 0.2, 0.3]).task == "binary"
    assert prepare([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]]).task == "binary"
    S = np.full((3, 3), 1 / 3)
    p = prepare([0, 2, 1], S)
    assert (p.task, p.task_inferred, p.labels) == ("multiclass", True, [0, 1, 2])
    assert prepare([[0, 1], [1, 1]], [[0.2, 0.3], [0.9, 0.8]]).task == "multilabel"
    assert prepare([1.5, 2.0, 3.1], y_pred=[1.4, 2.2, 3.0]).task == "regression"
    assert prepare([0, 1, 2], y_pred=[0, 2, 2]).task == "multiclass"
    assert prepare([0, 1, 1], y_pred=[0, 1, 0], task="binary").task_inferred is False


def test_array_likes_are_accepted():
    y = pd.Series([0, 1, 1, 0])
    s = pd.DataFrame({"p": [0.1, 0.7, 0.6, 0.2]})
    p = prepare(FakeTensor(y.to_numpy()), s)
    assert p.y_score.dtype == np.float64 and p.y_true.dtype == np.int64
    p2 = prepare([0, 1, 1, 0], FakeTensor(np.array([0.1, 0.7, 0.6, 0.2], np.float32)))
    assert p2.y_score.shape == (4,)


def test_label_mapping():
    p = prepare(["b", "a", "c"], np.full((3, 3), 1 / 3), labels=["c", "b", "a"])
    assert p.y_true.tolist() == [1, 2, 0]
    p = prepare([10, 20, 10], [0.1, 0.9, 0.3], labels=[10, 20])
    assert p.y_true.tolist() == [0, 1, 0]


def test_integer_targets_with_name_labels_are_indices():
    # scikit-learn style: y ints, labels=target_names, proba columns in the same order.
    names = ["setosa", "versicolor", "virginica"]
    S = np.full((4, 3), 1 / 3)
    p = prepare(np.array([0, 2, 1, 1], np.int32), S, labels=names, y_pred=[0, 1, 1, 2])
    assert p.y_true.tolist() == [0, 2, 1, 1] and p.y_pred.tolist() == [0, 1, 1, 2]
    assert p.labels == names
    # Binary 0/1 targets with names: labels[1] is the positive class.
    p = prepare([0, 1, 1], [0.1, 0.7, 0.2], labels=["neg", "pos"])
    assert (p.task, p.y_true.tolist()) == ("binary", [0, 1, 1])
    ref = evaluate(["neg", "pos", "pos"], [0.1, 0.7, 0.2], labels=["neg", "pos"])
    assert evaluate([0, 1, 1], [0.1, 0.7, 0.2], labels=["neg", "pos"]).metrics == ref.metrics
    # Names given as values still map by value; integer-like labels map by value.
    assert prepare(["c", "a"], S[:2], labels=["a", "b", "c"]).y_true.tolist() == [2, 0]
    assert prepare([2, 0], S[:2], labels=["0", "1", "2"]).y_true.tolist() == [2, 0]
    assert prepare([0, 2], S[:2], labels=[5, 0, 2]).y_true.tolist() == [1, 2]
    with pytest.raises(ValueError, match="y_true contains values not in labels"):
        prepare([1, 2], S[:2], labels=[5, 0, 2])


@pytest.mark.parametrize(
    ("kwargs", "arg", "bad"),
    [
        (dict(y_true=[0, 3, 1]), "y_true", r"\[3\] lie outside \[0, 3\)"),
        (dict(y_true=[0, -1, 1]), "y_true", r"\[-1\] lie outside"),
        (dict(y_true=[0, 2, 1], y_pred=[0, 1, 7]), "y_pred", r"\[7\] lie outside"),
    ],
)
def test_integer_targets_with_name_labels_out_of_range(kwargs, arg, bad):
    with pytest.raises(ValueError, match=rf"^{arg} holds integers, read as indices.*{bad}"):
        prepare(y_score=np.full((3, 3), 1 / 3), labels=["a", "b", "c"], **kwargs)


def test_round_trip_through_json_meta():
    rng = np.random.default_rng(0)
    p = prepare(
        rng.integers(0, 3, 20).astype(str),
        rng.dirichlet(np.ones(3), 20),
        labels=["0", "1", "2"],
        sample_weight=rng.random(20),
    )
    meta, arrays = p.to_arrays()
    q = Prepared.from_arrays(json.loads(json.dumps(meta)), arrays)
    assert q.task == p.task and q.labels == p.labels
    for k in ("y_true", "y_score", "sample_weight"):
        np.testing.assert_array_equal(getattr(q, k), getattr(p, k))
    from tb_eval.evaluation import evaluate_prepared

    assert evaluate_prepared(q).metrics == evaluate_prepared(p).metrics


@pytest.mark.parametrize(
    ("kwargs", "exc", "needle"),
    [
        (dict(y_true=[0, 1, 1], y_score=[0.1, 0.2]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[0.1, np.nan]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[0.1, np.inf]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[0.1, 1.5]), ValueError, "y_score"),
        (dict(y_true=[0, 1], y_score=[-0.1, 0.5]), ValueError, "y_score"),
        (dict(y_true=[0, 1, 2], y_score=[[0.5, 0.2, 0.2]] * 3), ValueError, "y_score"),
        (dict(y_true=[], y_score=[]), ValueError, "y_true"),
        (dict(y_true=[0, 1], y_score=[0.1, 0.2], task="ranking"), ValueError, "task"),
        (
            dict(y_true=[0, 1], y_score=[0.1, 0.2], sample_weight=[1, -1]),
            ValueError,
            "sample_weight",
        ),
        (
            dict(y_true=[0, 1], y_score=[0.1, 0.2], sample_weight=[1, np.nan]),
            ValueError,
            "sample_weight",
        ),
        (
            dict(y_true=[0, 1], y_score=[0.1, 0.2], sample_weight=[1, 1, 1]),
            ValueError,
            "sample_weight",
        ),
        (dict(y_true=[0, 1], y_score=["a", "b"]), TypeError, "y_score"),
        (dict(y_true=[0, 1], y_score=np.zeros((2, 2, 2))), ValueError, "y_score"),
        (dict(y_true=[0, 5, 7], y_score=[0.1, 0.2, 0.3]), ValueError, "y_true"),
        (dict(y_true=["x", "y"], y_score=[0.1, 0.2], labels=["x", "z"]), ValueError, "y_true"),
        (dict(y_true=[0, 1], y_score=None), ValueError, "y_score"),
        (dict(y_true=[1.0, 2.0], y_pred=[np.nan, 1.0], task="regression"), ValueError, "y_pred"),
        (dict(y_true=[[0, 1], [1, 2]], y_score=[[0.1, 0.2], [0.3, 0.4]]), ValueError, "y_true"),
        (
            dict(y_true=[0, 1, 2], y_score=np.full((3, 3), 1 / 3), labels=["a", "b"]),
            ValueError,
            "labels",
        ),
        (dict(y_true=[0, 1], y_pred=[0, 1, 1]), ValueError, "y_pred"),
    ],
)
def test_bad_inputs_name_the_argument(kwargs, exc, needle):
    with pytest.raises(exc, match=needle):
        prepare(**kwargs)


def test_bad_max_points():
    with pytest.raises(ValueError, match="max_points"):
        evaluate([0, 1], [0.2, 0.8], max_points=3)
