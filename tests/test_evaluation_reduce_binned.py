"""Curve decimation bounds and the mergeable binned summary."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as M

from tb_eval.evaluation import BinnedSummary, evaluate, feature_importance
from tb_eval.evaluation.reduce import exact_deviation


def _scores(n, seed, overconfident=False):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    z = (3.0 if overconfident else 1.2) * (2 * y - 1) + rng.normal(
        0, 4 if overconfident else 1.5, n
    )
    return y, (1 / (1 + np.exp(-z)))


def _check_reduced(exact, reduced, xk, yk, extra_keys=()):
    x, y = exact[xk], exact[yk]
    # kept points are exact points: locate them by threshold
    thr_e, thr_r = exact["thresholds"], reduced["thresholds"]
    keep = np.flatnonzero(np.isin(thr_e, thr_r))
    if len(x) == len(thr_e) + 1:  # PR: trailing (recall 0, precision 1) point
        keep = np.append(keep, len(x) - 1)
    xs = np.nanmax(x) - np.nanmin(x)
    ys = np.nanmax(y) - np.nanmin(y)
    dev = exact_deviation(x, y, keep, xs, ys)
    assert dev <= reduced["max_deviation"] + 1e-12


@settings(max_examples=15, deadline=None)
@given(
    st.integers(2000, 20000), st.integers(0, 1000), st.sampled_from([50, 200, 1000]), st.booleans()
)
def test_decimation_bounded_and_deviation_honoured(n, seed, max_points, overconfident):
    y, s = _scores(n, seed, overconfident)
    exact = evaluate(y, s, max_points=None).curves
    red = evaluate(y, s, max_points=max_points)
    for kind in ("roc", "precision_recall", "det", "cumulative_gains", "lift", "ks"):
        cur = red.curves[kind]["1"]
        lengths = {len(v) for k, v in cur.items() if isinstance(v, np.ndarray)}
        assert max(lengths) <= max_points, kind
    _check_reduced(exact["roc"]["1"], red.curves["roc"]["1"], "fpr", "tpr")
    _check_reduced(
        exact["precision_recall"]["1"], red.curves["precision_recall"]["1"], "recall", "precision"
    )
    _check_reduced(
        exact["cumulative_gains"]["1"], red.curves["cumulative_gains"]["1"], "fraction", "gain"
    )
    _check_reduced(exact["lift"]["1"], red.curves["lift"]["1"], "fraction", "lift")
    # areas are exact whatever the display resolution
    assert red.metrics["roc_auc"] == pytest.approx(M.roc_auc_score(y, s), rel=1e-12)
    assert red.metrics["average_precision"] == pytest.approx(
        M.average_precision_score(y, s), rel=1e-12
    )
    assert red.curves["roc"]["1"]["max_deviation"] < 0.05


def test_binned_merge_equals_concatenation_exactly():
    rng = np.random.default_rng(0)
    S = rng.dirichlet(np.ones(4), 3000)
    y = rng.integers(0, 4, 3000)
    w = rng.random(3000)
    whole = BinnedSummary.from_predictions(y, S, sample_weight=w)
    parts = [
        BinnedSummary.from_predictions(
            y[i : i + 1000], S[i : i + 1000], sample_weight=w[i : i + 1000], labels=[0, 1, 2, 3]
        )
        for i in range(0, 3000, 1000)
    ]
    merged = parts[0] + parts[1] + parts[2]
    # The same bins receive the same weights; only the summation order differs.
    np.testing.assert_allclose(merged.counts, whole.counts, rtol=1e-12)
    yb = (rng.random(3000) < 0.4).astype(int)
    a = BinnedSummary.from_predictions(yb[:1000], S[:1000, 0])
    b = BinnedSummary.from_predictions(yb[1000:], S[1000:, 0])
    np.testing.assert_array_equal(
        (a + b).counts, BinnedSummary.from_predictions(yb, S[:, 0]).counts
    )
    meta, arrays = merged.to_arrays()
    back = BinnedSummary.from_arrays(json.loads(json.dumps(meta)), arrays)
    assert back.metrics() == merged.metrics()


@pytest.mark.parametrize("overconfident", [False, True])
def test_binned_auc_error_bound(overconfident):
    y, s = _scores(200_000, 7, overconfident)
    b = BinnedSummary.from_predictions(y, s)
    m = b.metrics()
    assert abs(m["roc_auc"] - M.roc_auc_score(y, s)) <= 1e-4
    assert abs(m["average_precision"] - M.average_precision_score(y, s)) <= 2e-3
    curves = b.curves(max_points=300)
    assert len(curves["roc"]["1"]["fpr"]) <= 300


def test_binned_multiclass_micro_matches_pooled():
    rng = np.random.default_rng(3)
    S = rng.dirichlet(np.ones(3), 5000)
    y = rng.integers(0, 3, 5000)
    m = BinnedSummary.from_predictions(y, S).metrics()
    exact = evaluate(y, S).metrics
    for k in ("roc_auc_micro", "roc_auc_macro", "roc_auc/1"):
        assert abs(m[k] - exact[k]) < 1e-4


def test_feature_importance_sorted():
    out = feature_importance(["a", "b", "c"], [0.1, -0.7, 0.3], per_class={"x": [1, 2, 3]})
    assert out["names"] == ["b", "c", "a"]
    assert out["per_class"]["x"] == [2.0, 3.0, 1.0]
    with pytest.raises(ValueError, match="values"):
        feature_importance(["a"], [1.0, 2.0])


def test_binned_float32_bins_equal_float64_bins():
    from tb_eval.evaluation.binned import bin_index

    rng = np.random.default_rng(5)
    z = rng.normal(0, 12, 200_000)
    p32 = (1 / (1 + np.exp(-z))).astype(np.float32)
    p32[:6] = [0.0, 1.0, 0.5, np.nextafter(np.float32(0.5), 1), 1e-30, 1 - 2**-24]
    for bits in (1, 6, 12, 20):
        np.testing.assert_array_equal(
            bin_index(p32, bits), bin_index(p32.astype(np.float64), bits), err_msg=str(bits)
        )
    y = (rng.random(z.size) < 0.4).astype(int)
    a = BinnedSummary.from_predictions(y, p32)
    b = BinnedSummary.from_predictions(y, p32.astype(np.float64))
    np.testing.assert_array_equal(a.counts, b.counts)
