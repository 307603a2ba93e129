"""Streamed one-vs-rest summaries (multiclass per class and micro) vs exact counts and sklearn."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as M

from tb_eval.evaluation import Prepared, evaluate, evaluate_prepared, prepare
from tb_eval.evaluation import binary as B
from tb_eval.evaluation import stream as ST
from tb_eval.evaluation.calibration import calibration_from_counts
from tb_eval.evaluation.curves import binary_curve_set
from tb_eval.evaluation.reduce import exact_deviation

CURVES = (
    ("roc", "fpr", "tpr"),
    ("precision_recall", "recall", "precision"),
    ("cumulative_gains", "fraction", "gain"),
    ("lift", "fraction", "lift"),
    ("det", "fpr", "fnr"),
)


def close(a, b, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=1e-12)


def _problem(n, C, seed, levels=None, dtype=np.float32):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, C, n)
    logits = rng.normal(0, 1.5, (n, C))
    logits[np.arange(n), y] += 1.5
    if levels:  # many ties
        logits = np.round(logits * levels) / levels
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return y, (e / e.sum(axis=1, keepdims=True)).astype(dtype)


@pytest.fixture
def tiny_chunks(monkeypatch):
    # Chunks, the exhaustive head and the candidate stride small enough to cross every
    # boundary many times on small data.
    monkeypatch.setattr(ST, "CHUNK", 97)
    monkeypatch.setattr(ST, "HEAD", 8)
    monkeypatch.setattr(ST, "BLOCK", 5)


def _check_bound(exact, reduced, xk, yk):
    thr_e, thr_r = exact["thresholds"], reduced["thresholds"]
    keep = np.flatnonzero(np.isin(thr_e, thr_r))
    x, y = exact[xk], exact[yk]
    if len(x) == len(thr_e) + 1 and xk == "recall":  # PR: trailing (recall 0, precision 1)
        keep = np.append(keep, len(x) - 1)
    ok = np.isfinite(x) & np.isfinite(y)
    xs = np.nanmax(x[ok]) - np.nanmin(x[ok])
    ys = np.nanmax(y[ok]) - np.nanmin(y[ok])
    assert exact_deviation(x, y, keep, xs, ys) <= reduced["max_deviation"] + 1e-12


@pytest.mark.usefixtures("tiny_chunks")
@settings(max_examples=12, deadline=None)
@given(
    st.integers(300, 3000),
    st.integers(3, 6),
    st.integers(0, 10_000),
    st.sampled_from([None, 2, 8]),
    st.sampled_from([16, 40, 200]),
)
def test_streamed_multiclass_matches_sklearn_and_exact(n, C, seed, levels, max_points):
    y, S = _problem(n, C, seed, levels)
    red = evaluate(y, S, max_points=max_points)
    exact = evaluate(y, S, max_points=None)
    m = red.metrics
    Y = np.eye(C, dtype=int)[y]
    for avg in ("macro", "weighted", "micro"):
        close(m[f"roc_auc_{avg}"], M.roc_auc_score(y, S, multi_class="ovr", average=avg))
        close(m[f"average_precision_{avg}"], M.average_precision_score(Y, S, average=avg))
    for j in range(C):
        close(m[f"ks_statistic/{j}"], exact.metrics[f"ks_statistic/{j}"])
    for key in [str(j) for j in range(C)] + ["micro"]:
        for strategy in ("uniform", "quantile"):
            a = red.curves["calibration"][key][strategy]
            b = exact.curves["calibration"][key][strategy]
            for col in b:
                close(a[col], b[col], rtol=1e-12)
        for kind, xk, yk in CURVES:
            cur = red.curves[kind][key]
            assert cur["exact_points"] == exact.curves[kind][key]["exact_points"]
            assert max(len(v) for v in cur.values() if isinstance(v, np.ndarray)) <= max_points
            if kind != "det":
                _check_bound(exact.curves[kind][key], cur, xk, yk)
        # The DET end points are sklearn's trimmed ends.
        d_red, d_ex = red.curves["det"][key], exact.curves["det"][key]
        for col in ("fpr", "fnr", "thresholds"):
            close(d_red[col][[0, -1]], d_ex[col][[0, -1]])
    top_red, top_ex = (
        red.curves["calibration"]["top_label"],
        exact.curves["calibration"]["top_label"],
    )
    for col, v in top_ex["uniform"].items():
        np.testing.assert_array_equal(top_red["uniform"][col], v)


@pytest.mark.parametrize("levels", [None, 4])
def test_streamed_points_equal_materialised_ones(monkeypatch, levels):
    # With every threshold a candidate, the kept points are those of the materialised path.
    monkeypatch.setattr(ST, "HEAD", 0)
    monkeypatch.setattr(ST, "BLOCK", 1)
    rng = np.random.default_rng(3)
    n = 20_000
    y = rng.random(n) < 0.3
    s = rng.random(n).astype(np.float32)
    if levels:
        s = (np.round(s * 50 * levels) / (50 * levels)).astype(np.float32)
    keys = B.sorted_keys(y, s)
    c = B.counts_from_keys(keys.copy())
    sm = ST.summarise_sorted_keys(keys, int(y.sum()), n - int(y.sum()), 100, chunk=1000)
    ref = binary_curve_set(c, 100)
    for kind, cur in ref.items():
        for col, v in cur.items():
            if col != "max_deviation":
                close(sm.curves[kind][col], v, rtol=1e-12)
    close(sm.roc_auc, B.roc_auc(c), rtol=1e-15)
    close(sm.average_precision, B.average_precision(c), rtol=1e-12)
    close(sm.ks_statistic, B.ks_statistic(c)[0], rtol=1e-15)
    calib, ece = calibration_from_counts(c)
    close(sm.ece, ece, rtol=1e-12)


def test_absent_class_and_few_thresholds_fall_back_to_exact():
    rng = np.random.default_rng(1)
    rows = rng.dirichlet(np.ones(4), 6).astype(np.float32)  # 6 distinct rows: few thresholds
    S = rows[rng.integers(0, 6, 2000)]
    y = rng.integers(0, 3, 2000)  # class 3 absent
    r = evaluate(y, S, labels=[0, 1, 2, 3], max_points=50)
    assert "roc_auc/3" in r.undefined
    assert all(r.curves["roc"][k]["max_deviation"] == 0 for k in ("0", "1", "3", "micro"))
    exact = evaluate(y, S, labels=[0, 1, 2, 3], max_points=None)
    assert r.metrics == exact.metrics


def test_decoded_float32_scores_equal_float64_report():
    y, S = _problem(5000, 5, 7)
    p64 = prepare(y, S)  # widened to float64
    assert p64.y_score.dtype == np.float64
    meta, arrays = p64.to_arrays()
    p32 = Prepared.from_arrays(meta, {**arrays, "y_score": S})
    assert p32.y_score.dtype == np.float32
    for mp in (None, 60):
        a = evaluate_prepared(p64, max_points=mp).to_dict()
        b = evaluate_prepared(p32, max_points=mp).to_dict()
        assert a == b
    assert evaluate(y, S, max_points=60).to_dict()["metrics"] == a["metrics"]


def test_float64_scores_not_float32_use_uint64_keys():
    y, S = _problem(3000, 4, 2, dtype=np.float64)
    red = evaluate(y, S, max_points=40)
    Y = np.eye(4, dtype=int)[y]
    close(red.metrics["roc_auc_micro"], M.roc_auc_score(Y.ravel(), S.ravel()))
    close(red.metrics["average_precision_micro"], M.average_precision_score(Y, S, average="micro"))
