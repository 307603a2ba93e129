"""Regression metrics vs scikit-learn / scipy; bounded-size charts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import metrics as M

from tb_eval.evaluation import evaluate


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 80), st.integers(0, 2**31), st.booleans())
def test_regression_metrics_match_sklearn(n, seed, weighted):
    rng = np.random.default_rng(seed)
    y = np.round(rng.normal(size=n), 1)  # rounding creates ties for spearman
    y[0], y[1] = -1.0, 2.0
    p = np.round(y + rng.normal(scale=0.5, size=n), 1)
    w = rng.random(n) if weighted else None
    m = evaluate(y, y_pred=p, sample_weight=w, task="regression").metrics
    close(m["mean_squared_error"], M.mean_squared_error(y, p, sample_weight=w))
    close(m["root_mean_squared_error"], M.root_mean_squared_error(y, p, sample_weight=w))
    close(m["mean_absolute_error"], M.mean_absolute_error(y, p, sample_weight=w))
    close(m["r2"], M.r2_score(y, p, sample_weight=w))
    close(m["explained_variance"], M.explained_variance_score(y, p, sample_weight=w))
    close(
        m["mean_absolute_percentage_error"], M.mean_absolute_percentage_error(y, p, sample_weight=w)
    )
    close(m["max_error"], M.max_error(y, p))
    if w is None:
        close(m["median_absolute_error"], M.median_absolute_error(y, p))
        close(m["spearman"], stats.spearmanr(y, p).statistic)


def test_constant_target_r2_undefined_and_charts_bounded():
    r = evaluate(np.ones(50), y_pred=np.linspace(0, 2, 50), task="regression")
    assert "r2" in r.undefined and "r2" not in r.metrics
    rng = np.random.default_rng(0)
    y = rng.normal(size=20000)
    r = evaluate(y, y_pred=y + rng.normal(size=y.size), max_points=500)
    c = r.curves
    assert len(c["residuals_vs_predicted"]["sample_predicted"]) == 500
    assert c["predicted_vs_true"]["count"].sum() == y.size
    assert c["residual_histogram"]["count"].sum() == y.size
    json.dumps(r.to_dict(), allow_nan=False)


def _density_oracle(y, p, w, nb):
    lo, hi = min(y.min(), p.min()), max(y.max(), p.max())
    rng = [[lo, hi], [lo, hi]] if hi > lo else None
    return np.histogram2d(y, p, bins=nb, range=rng, weights=w)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 400),
    st.integers(0, 2**31),
    st.booleans(),
    st.sampled_from(["normal", "ties", "const_true", "const_both", "int"]),
)
def test_density_matches_numpy_histogram2d(n, seed, weighted, kind):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n) * 3
    p = y + rng.normal(size=n)
    if kind == "ties":
        y, p = np.round(y), np.round(p, 1)  # many values on bin edges
    elif kind == "const_true":
        y = np.full(n, 2.5)
    elif kind == "const_both":
        y = p = np.full(n, -1.0)
    elif kind == "int":
        y, p = np.floor(y), np.floor(p)
    w = rng.random(n) if weighted else None
    d = evaluate(y, y_pred=p, sample_weight=w, task="regression").curves[
        "predicted_vs_true_density"
    ]
    nb = len(d["x_edges"]) - 1
    assert 10 <= nb <= 60 and d["n"] == n
    counts, ex, ey = _density_oracle(y, p, w, nb)
    np.testing.assert_array_equal(d["x_edges"], ex)
    np.testing.assert_array_equal(d["y_edges"], ey)
    np.testing.assert_array_equal(d["x_edges"], d["y_edges"])
    if w is None:
        assert d["counts"].dtype == np.int64
        np.testing.assert_array_equal(d["counts"], counts.astype(np.int64))
    else:
        np.testing.assert_allclose(d["counts"], counts, rtol=1e-12, atol=1e-12)
    # the diagonal cell of each sample with y == p
    if kind == "const_both":
        assert d["counts"].sum() == pytest.approx(n if w is None else w.sum())
        i = int(np.searchsorted(d["x_edges"], -1.0, side="right") - 1)
        assert d["counts"][i, i] == pytest.approx(n if w is None else w.sum())


def test_density_bounded_and_small_in_json():
    rng = np.random.default_rng(1)
    y = rng.normal(size=200_000)
    p = y + rng.normal(size=y.size)
    r = evaluate(y, y_pred=p, task="regression")
    d = r.curves["predicted_vs_true_density"]
    assert d["counts"].shape == (60, 60) and d["counts"].sum() == y.size
    np.testing.assert_array_equal(d["counts"], _density_oracle(y, p, None, 60)[0])
    js = r.to_dict()["curves"]["predicted_vs_true_density"]
    assert js["counts"] == d["counts"].tolist() and isinstance(js["counts"][0][0], int)
    # unweighted: 3,600 integers and 122 edges, well under 32 KB of JSON
    assert len(json.dumps(js, allow_nan=False)) < 32_000
    # small n: fewer bins
    small = evaluate(y[:100], y_pred=y[:100], task="regression").curves
    assert len(small["predicted_vs_true_density"]["x_edges"]) == 11


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([1e15, 1e-300, 3e8, 1.0]))
def test_density_extreme_magnitudes_match_numpy(seed, offset):
    # a tiny range far from zero: the arithmetic bin index is off and must be corrected
    rng = np.random.default_rng(seed)
    y = offset + np.round(rng.normal(size=300) * 8) * np.spacing(offset)
    p = offset + np.round(rng.normal(size=300) * 8) * np.spacing(offset)
    d = evaluate(y, y_pred=p, task="regression").curves["predicted_vs_true_density"]
    counts, ex, _ = _density_oracle(y, p, None, len(d["x_edges"]) - 1)
    np.testing.assert_array_equal(d["x_edges"], ex)
    np.testing.assert_array_equal(d["counts"], counts.astype(np.int64))
