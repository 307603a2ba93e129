"""Multiclass and multilabel engine vs scikit-learn."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

from tb_eval.evaluation import evaluate
from tests.sklearn_oracle import check_label_metrics

SETTINGS = settings(max_examples=40, deadline=None)


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, atol=1e-12)


@st.composite
def multiclass_problems(draw):
    C = draw(st.integers(3, 6))
    n = draw(st.integers(C + 2, 50))
    y = np.array(draw(st.lists(st.integers(0, C - 1), min_size=n, max_size=n)))
    y[:C] = np.arange(C)  # every class present (sklearn's roc_auc needs it)
    raw = np.array(draw(st.lists(st.integers(0, 3), min_size=n * C, max_size=n * C)), float)
    raw = raw.reshape(n, C)
    raw[:, 0] += raw.sum(axis=1) == 0
    S = raw / raw.sum(axis=1, keepdims=True)
    w = None
    if draw(st.booleans()):
        w = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=n, max_size=n)))
        w[:C] = 1.0
    return y, S, w


@SETTINGS
@given(multiclass_problems())
def test_multiclass_metrics_match_sklearn(problem):
    y, S, w = problem
    C = S.shape[1]
    r = evaluate(y, S, sample_weight=w, max_points=None)
    m = r.metrics
    pred = np.argmax(S, axis=1)
    Y = label_binarize(y, classes=np.arange(C))
    for avg in ("macro", "weighted", "micro"):
        close(
            m[f"roc_auc_{avg}"],
            M.roc_auc_score(y, S, multi_class="ovr", average=avg, sample_weight=w),
        )
        close(
            m[f"average_precision_{avg}"],
            M.average_precision_score(Y, S, average=avg, sample_weight=w),
        )
        for name, fn in (
            ("precision", M.precision_score),
            ("recall", M.recall_score),
            ("f1", M.f1_score),
        ):
            ref = fn(y, pred, average=avg, sample_weight=w, zero_division=np.nan)
            if np.isfinite(ref):
                close(m[f"{name}_{avg}"], ref)
    close(m["log_loss"], M.log_loss(y, S, sample_weight=w, labels=np.arange(C)))
    close(m["brier_score"], M.brier_score_loss(y, S, sample_weight=w, labels=np.arange(C)))
    check_label_metrics(m, y, pred, w, close)
    for k in (3, 5):
        if k < C:
            close(
                m[f"top_{k}_accuracy"],
                M.top_k_accuracy_score(y, S, k=k, sample_weight=w, labels=np.arange(C)),
            )
    close(
        r.curves["confusion_matrix"]["matrix"],
        M.confusion_matrix(y, pred, sample_weight=w, labels=np.arange(C)),
    )
    for j in range(C):
        fpr, tpr, thr = M.roc_curve(y == j, S[:, j], sample_weight=w, drop_intermediate=False)
        close(r.curves["roc"][str(j)]["fpr"], fpr)
        close(r.curves["roc"][str(j)]["tpr"], tpr)
        close(m[f"roc_auc/{j}"], M.roc_auc_score(y == j, S[:, j], sample_weight=w))
    wr = None if w is None else np.repeat(w, C)
    fpr, tpr, _ = M.roc_curve(Y.ravel(), S.ravel(), sample_weight=wr, drop_intermediate=False)
    close(r.curves["roc"]["micro"]["fpr"], fpr)
    close(r.curves["roc"]["micro"]["tpr"], tpr)
    json.dumps(r.to_dict(), allow_nan=False)


@SETTINGS
@given(multiclass_problems())
def test_multilabel_matches_sklearn(problem):
    y, S, w = problem
    C = S.shape[1]
    Y = label_binarize(y, classes=np.arange(C))
    Y[::3, 0] = 1  # make it genuinely multilabel
    r = evaluate(Y, S, sample_weight=w, max_points=None)
    assert r.task == "multilabel"
    P = (S >= 0.5).astype(int)
    close(r.metrics["accuracy"], M.accuracy_score(Y, P, sample_weight=w))
    for avg in ("macro", "weighted", "micro"):
        if (Y.sum(axis=0) > 0).all():
            close(r.metrics[f"roc_auc_{avg}"], M.roc_auc_score(Y, S, average=avg, sample_weight=w))
        ref = M.f1_score(Y, P, average=avg, sample_weight=w, zero_division=np.nan)
        if np.isfinite(ref):
            close(r.metrics[f"f1_{avg}"], ref)


def test_absent_class_is_undefined_with_reason():
    rng = np.random.default_rng(0)
    S = rng.dirichlet(np.ones(4), 30)
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, 30)]  # "d" never occurs
    r = evaluate(y, S, labels=["a", "b", "c", "d"])
    assert "roc_auc/d" in r.undefined and "d" in r.undefined["roc_auc/d"]
    assert "recall/d" in r.undefined
    assert "roc_auc_macro" in r.metrics  # averaged over the defined classes
    json.dumps(r.to_dict(), allow_nan=False)


def test_macro_curves_and_top_label_calibration_present():
    rng = np.random.default_rng(1)
    S = rng.dirichlet(np.ones(5), 400)
    y = rng.integers(0, 5, 400)
    c = evaluate(y, S, max_points=100).curves
    for kind in ("roc", "precision_recall", "cumulative_gains", "lift"):
        assert {"0", "4", "micro", "macro"} <= set(c[kind])
    assert "top_label" in c["calibration"]
    assert len(c["roc"]["macro"]["fpr"]) <= 100
