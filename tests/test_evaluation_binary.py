"""Binary engine vs scikit-learn (the oracle) on random problems with ties and weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import calibration as skc
from sklearn import metrics as M

from tb_eval.evaluation import evaluate
from tests.sklearn_oracle import check_label_metrics

RTOL = 1e-9
SETTINGS = settings(max_examples=60, deadline=None)


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=RTOL, atol=1e-12)


@st.composite
def binary_problems(draw, weighted=None):
    n = draw(st.integers(4, 60))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y[0], y[1] = 0, 1  # both classes present
    levels = draw(st.integers(2, 12))  # few levels -> many ties
    s = np.array(draw(st.lists(st.integers(0, levels), min_size=n, max_size=n))) / levels
    if weighted is None:
        weighted = draw(st.booleans())
    w = None
    if weighted:
        w = np.array(
            draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.7]), min_size=n, max_size=n))
        )
        w[0] = w[1] = 1.0
    return y, s, w


@SETTINGS
@given(binary_problems())
def test_exact_curves_match_sklearn(problem):
    y, s, w = problem
    r = evaluate(y, s, sample_weight=w, max_points=None)
    c = r.curves
    fpr, tpr, thr = M.roc_curve(y, s, sample_weight=w, drop_intermediate=False)
    close(c["roc"]["1"]["fpr"], fpr)
    close(c["roc"]["1"]["tpr"], tpr)
    np.testing.assert_array_equal(c["roc"]["1"]["thresholds"], thr)
    prec, rec, thr = M.precision_recall_curve(y, s, sample_weight=w)
    close(c["precision_recall"]["1"]["precision"], prec)
    close(c["precision_recall"]["1"]["recall"], rec)
    np.testing.assert_array_equal(c["precision_recall"]["1"]["thresholds"], thr)
    dfpr, dfnr, dthr = M.det_curve(y, s, sample_weight=w)
    close(c["det"]["1"]["fpr"], dfpr)
    close(c["det"]["1"]["fnr"], dfnr)
    np.testing.assert_array_equal(c["det"]["1"]["thresholds"], dthr)
    pred = (s >= 0.5).astype(int)
    close(c["confusion_matrix"]["matrix"], M.confusion_matrix(y, pred, sample_weight=w))


@SETTINGS
@given(binary_problems())
def test_metrics_match_sklearn(problem):
    y, s, w = problem
    m = evaluate(y, s, sample_weight=w, max_points=None).metrics
    pred = (s >= 0.5).astype(int)
    close(m["roc_auc"], M.roc_auc_score(y, s, sample_weight=w))
    close(m["average_precision"], M.average_precision_score(y, s, sample_weight=w))
    close(m["log_loss"], M.log_loss(y, s, sample_weight=w))
    close(m["brier_score"], M.brier_score_loss(y, s, sample_weight=w))
    check_label_metrics(m, y, pred, w, close)
    for name, fn in (
        ("precision", M.precision_score),
        ("recall", M.recall_score),
        ("f1", M.f1_score),
    ):
        ref = fn(y, pred, sample_weight=w, zero_division=np.nan)
        if np.isnan(ref):
            assert name not in m
        else:
            close(m[name], ref)
        per = fn(y, pred, sample_weight=w, average=None, zero_division=np.nan)
        for i in range(2):
            if np.isfinite(per[i]):
                close(m[f"{name}/{i}"], per[i])


@SETTINGS
@given(binary_problems(weighted=False))
def test_calibration_and_ks_match_sklearn_scipy(problem):
    y, s, _ = problem
    r = evaluate(y, s, max_points=None)
    for strategy in ("uniform", "quantile"):
        pt, pp = skc.calibration_curve(y, s, n_bins=10, strategy=strategy)
        cur = r.curves["calibration"]["1"][strategy]
        close(cur["fraction_positive"], pt)
        close(cur["mean_predicted"], pp)
    ks = stats.ks_2samp(s[y == 1], s[y == 0]).statistic
    close(r.metrics["ks_statistic"], ks)


def test_ece_definition():
    rng = np.random.default_rng(1)
    s = rng.random(500)
    y = (rng.random(500) < s**2).astype(int)
    m = evaluate(y, s).metrics
    bins = np.minimum((s * 10).astype(int), 9)
    ece = sum(abs(y[bins == b].sum() - s[bins == b].sum()) for b in range(10)) / 500
    close(m["ece"], ece)


def test_gains_lift_thresholds_consistent():
    rng = np.random.default_rng(2)
    y = (rng.random(300) < 0.3).astype(int)
    s = np.round(rng.random(300), 2)
    c = evaluate(y, s, max_points=None).curves
    g, lift, t = c["cumulative_gains"]["1"], c["lift"]["1"], c["thresholds"]["1"]
    for i, th in enumerate(t["threshold"]):
        sel = s >= th
        assert t["tp"][i] == (sel & (y == 1)).sum()
        assert t["fp"][i] == (sel & (y == 0)).sum()
        close(g["fraction"][i + 1], sel.mean())
        close(g["gain"][i + 1], (sel & (y == 1)).sum() / y.sum())
        close(lift["lift"][i], y[sel].mean() / y.mean())
        close(t["f1"][i], M.f1_score(y, sel.astype(int)))
        close(t["specificity"][i], ((~sel) & (y == 0)).sum() / (y == 0).sum())


def test_single_class_is_undefined_not_a_crash():
    r = evaluate([1, 1, 1], [0.2, 0.9, 0.6])
    assert "roc_auc" in r.undefined and "positive" not in r.undefined["roc_auc"]
    assert "roc_auc" not in r.metrics
    assert r.metrics["accuracy"] == pytest.approx(2 / 3)
    json.dumps(r.to_dict(), allow_nan=False)
    r = evaluate([0, 0], [0.2, 0.9])
    assert "average_precision" in r.undefined and "recall" in r.undefined
    json.dumps(r.to_dict(), allow_nan=False)


def test_constant_scores_and_zero_weights():
    r = evaluate([0, 1, 0, 1], [0.5] * 4, max_points=None)
    assert r.metrics["roc_auc"] == 0.5
    w = np.array([1, 1, 0, 0.0])
    r = evaluate([0, 1, 1, 0], [0.1, 0.9, 0.3, 0.95], sample_weight=w)
    assert r.metrics["roc_auc"] == 1.0


def test_string_labels_and_y_pred():
    r = evaluate(["cat", "dog", "dog"], [0.1, 0.8, 0.3], labels=["cat", "dog"])
    assert "roc" in r.curves and "dog" in r.curves["roc"]
    assert r.metrics["recall/dog"] == 0.5
    r = evaluate([0, 1, 1], y_pred=[0, 1, 0])
    assert r.task == "binary" and "roc" not in r.curves
    assert r.metrics["accuracy"] == pytest.approx(2 / 3)


def test_to_dict_is_strict_json():
    rng = np.random.default_rng(3)
    y = (rng.random(5000) < 0.2).astype(int)
    s = rng.random(5000)
    d = evaluate(y, s, max_points=200).to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["curves"]["roc"]["1"]["thresholds"][0] is None  # the +inf point
    assert len(back["curves"]["roc"]["1"]["fpr"]) <= 200


@SETTINGS
@given(binary_problems(weighted=False), st.sampled_from([np.float32, np.float16]))
def test_float32_scores_match_their_float64_copy(problem, dtype):
    # float32 scores are sorted as uint32 keys without a float64 copy; every float32 is
    # exact in float64, so the report must equal that of the widened scores.
    y, s, _ = problem
    s32 = (s * 0.999).astype(dtype)
    s64 = s32.astype(np.float64)
    a = evaluate(y, s32, max_points=None)
    b = evaluate(y, s64, max_points=None)
    assert a.metrics.keys() == b.metrics.keys()
    for k, v in b.metrics.items():
        close(a.metrics[k], v)
    for kind in ("roc", "precision_recall", "det", "cumulative_gains", "lift", "ks"):
        for col, v in b.curves[kind]["1"].items():
            np.testing.assert_array_equal(a.curves[kind]["1"][col], v, err_msg=f"{kind}.{col}")
    for strategy in ("uniform", "quantile"):
        pt, pp = skc.calibration_curve(y, s64, n_bins=10, strategy=strategy)
        cur = a.curves["calibration"]["1"][strategy]
        close(cur["fraction_positive"], pt)
        close(cur["mean_predicted"], pp)
    fpr, tpr, thr = M.roc_curve(y, s32, drop_intermediate=False)
    np.testing.assert_array_equal(a.curves["roc"]["1"]["thresholds"], thr)
    close(a.metrics["roc_auc"], M.roc_auc_score(y, s32))
    close(a.metrics["average_precision"], M.average_precision_score(y, s32))


def test_float32_edges_zero_and_dtypes():
    # Scores on the calibration edges and at 0.5 (float32 0.1 != float64 0.1), -0.0,
    # bool and int8 targets.
    s = np.array([0.0, -0.0, 0.1, 0.1, 0.2, 0.5, 0.5, 0.7, 0.9, 1.0], np.float32)
    y = np.array([0, 1, 0, 1, 0, 1, 0, 1, 1, 1], np.int8)
    r = evaluate(y.astype(bool), s, max_points=None)
    s64 = s.astype(np.float64) + 0.0
    cm = M.confusion_matrix(y, (s64 >= 0.5).astype(int))
    close(r.curves["confusion_matrix"]["matrix"], cm)
    for strategy in ("uniform", "quantile"):
        pt, pp = skc.calibration_curve(y, s64, n_bins=10, strategy=strategy)
        close(r.curves["calibration"]["1"][strategy]["fraction_positive"], pt)
        close(r.curves["calibration"]["1"][strategy]["mean_predicted"], pp)
    thr = r.curves["roc"]["1"]["thresholds"]
    assert not np.signbit(thr[-1]) and thr[-1] == 0.0
    r2 = evaluate(y, s64)
    assert r.metrics == r2.metrics


def test_prepare_keeps_its_float64_contract():
    from tb_eval.evaluation import prepare

    s = np.array([0.1, 0.7, 0.6, 0.2], np.float32)
    p = prepare([0, 1, 1, 0], s)
    assert p.y_score.dtype == np.float64 and p.y_true.dtype == np.int64
    np.testing.assert_array_equal(p.y_score, s.astype(np.float64))


@SETTINGS
@given(binary_problems(weighted=True))
def test_weighted_float32_scores_match_float64(problem):
    y, s, w = problem
    s32 = s.astype(np.float32)
    a = evaluate(y, s32, sample_weight=w, max_points=None)
    b = evaluate(y, s32.astype(np.float64), sample_weight=w, max_points=None)
    for k, v in b.metrics.items():
        close(a.metrics[k], v)
    np.testing.assert_array_equal(
        a.curves["roc"]["1"]["thresholds"], b.curves["roc"]["1"]["thresholds"]
    )
