"""Regression metrics vs scikit-learn / scipy; bounded-size charts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
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


# ---------------------------------------------------------------- MSLE / RMSLE, Q-Q, error by bin


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 80), st.integers(0, 2**31), st.booleans())
def test_msle_rmsle_match_sklearn(n, seed, weighted):
    rng = np.random.default_rng(seed)
    y = rng.exponential(3.0, size=n) - 0.9  # > -1, some negative
    p = np.maximum(y + rng.normal(scale=0.5, size=n), -0.999)
    w = rng.random(n) + 0.01 if weighted else None
    r = evaluate(y, y_pred=p, sample_weight=w, task="regression")
    m = r.metrics
    close(m["mean_squared_log_error"], M.mean_squared_log_error(y, p, sample_weight=w))
    close(m["root_mean_squared_log_error"], M.root_mean_squared_log_error(y, p, sample_weight=w))


@pytest.mark.parametrize("where", ["true", "pred", "true_is_minus_one"])
def test_msle_undefined_at_or_below_minus_one(where):
    y = np.linspace(0.0, 5.0, 30)
    p = y + 0.25
    if where == "true":
        y[3] = -2.0
    elif where == "pred":
        p[7] = -1.5
    else:
        y[0] = -1.0  # log1p(-1) = -inf: scikit-learn refuses it too
    with pytest.raises(ValueError):
        M.mean_squared_log_error(y, p)
    r = evaluate(y, y_pred=p, task="regression")
    for name in ("mean_squared_log_error", "root_mean_squared_log_error"):
        assert name not in r.metrics
        assert "<= -1" in r.undefined[name]
    assert "r2" in r.metrics  # the other metrics are unaffected
    json.dumps(r.to_dict(), allow_nan=False)


def test_norm_ppf_matches_scipy():
    from tb_eval.evaluation.regression import norm_ppf

    p = np.concatenate(
        [np.linspace(0, 1, 20001)[1:-1], [1e-300, 1e-100, 1e-20, 1e-10, 0.075, 0.925, 1 - 1e-16]]
    )
    np.testing.assert_allclose(norm_ppf(p), stats.norm.ppf(p), rtol=1e-9, atol=1e-15)
    assert norm_ppf(np.array([0.5]))[0] == 0.0
    assert list(norm_ppf(np.array([0.0, 1.0]))) == [-np.inf, np.inf]


def _standardised(r, w=None):
    mean = np.average(r, weights=w)
    std = np.sqrt(np.average((r - mean) ** 2, weights=w))
    return (r - mean) / std if std > 0 else r - mean


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 600), st.integers(0, 2**31), st.sampled_from(["normal", "ties", "skew"]))
def test_qq_unweighted_is_a_subset_of_scipy_probplot(n, seed, kind):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n) * 2
    p = y + rng.normal(size=n)
    if kind == "ties":
        p = y + np.round(rng.normal(size=n))
    elif kind == "skew":
        p = y - rng.exponential(size=n)
    qq = evaluate(y, y_pred=p, task="regression").curves["qq"]
    r = y - p
    assert qq["n"] == n and len(qq["theoretical"]) == len(qq["sample"]) == min(n, 200)
    close(qq["mean"], np.mean(r))
    close(qq["std"], np.std(r))
    z = _standardised(r)
    if n == 1:  # probplot needs no special case: the median of one uniform is 0.5
        assert qq["theoretical"].tolist() == [0.0] and qq["sample"].tolist() == [0.0]
        return
    (osm, osr), _ = stats.probplot(z, dist="norm", fit=True)
    idx = np.arange(n) if n <= 200 else np.round(np.linspace(0, n - 1, 200)).astype(int)
    np.testing.assert_allclose(qq["theoretical"], osm[idx], rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(qq["sample"], osr[idx])
    # each sample point is an exact quantile of the standardised residuals
    close(qq["sample"], np.quantile(z, idx / (n - 1)))
    assert np.all(np.diff(qq["theoretical"]) > 0) and np.all(np.diff(qq["sample"]) >= 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 500), st.integers(0, 2**31))
@example(n=1, seed=68)  # one weighted residual: its mean rounds, the std must still be 0
def test_qq_weighted_matches_numpy_weighted_quantile(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    p = y + rng.normal(size=n)
    w = rng.random(n)
    w[rng.random(n) < 0.1] = 0.0
    if w.sum() == 0:
        w[0] = 1.0
    qq = evaluate(y, y_pred=p, sample_weight=w, task="regression").curves["qq"]
    m = min(n, 200)
    probs = (np.arange(1, m + 1) - 0.5) / m
    r = y - p
    close(qq["mean"], np.average(r, weights=w))
    z = _standardised(r, w)
    np.testing.assert_allclose(qq["theoretical"], stats.norm.ppf(probs), rtol=1e-9, atol=1e-15)
    keep = w > 0
    expected = np.quantile(z[keep], probs, weights=w[keep], method="inverted_cdf")
    if np.std(z[keep]) == 0 or qq["std"] == 0:
        expected = np.zeros(m)
    close(qq["sample"], expected)


def test_qq_constant_residuals_and_bounded_json():
    y = np.linspace(0, 10, 1000)
    qq = evaluate(y, y_pred=y - 2.5, task="regression").curves["qq"]
    assert qq["std"] == 0 and qq["mean"] == 2.5
    assert qq["sample"].tolist() == [0.0] * 200
    np.testing.assert_allclose(
        qq["theoretical"],
        stats.probplot(np.zeros(1000))[0][0][np.round(np.linspace(0, 999, 200)).astype(int)],
        rtol=1e-9,
        atol=1e-15,
    )
    # 1e6 residuals: 200 points, a few KB of JSON
    rng = np.random.default_rng(3)
    y = rng.normal(size=1_000_000)
    r = evaluate(y, y_pred=y + rng.standard_t(3, size=y.size), task="regression")
    js = r.to_dict()["curves"]
    assert len(js["qq"]["sample"]) == 200
    assert len(json.dumps(js["qq"])) < 16_000  # 3 x 200 doubles
    assert len(json.dumps(js["error_by_target_bin"])) < 3_000


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 300),
    st.integers(0, 2**31),
    st.booleans(),
    st.sampled_from(["normal", "ties", "const_true"]),
)
def test_error_by_target_bin_matches_numpy(n, seed, weighted, kind):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n) * 4
    if kind == "ties":
        y = np.round(y)  # values on bin edges
    elif kind == "const_true":
        y = np.full(n, 1.5)
    p = y + rng.normal(size=n) + 0.3
    w = rng.random(n) + 0.01 if weighted else None
    c = evaluate(y, y_pred=p, sample_weight=w, task="regression").curves
    eb, pvt = c["error_by_target_bin"], c["predicted_vs_true"]
    np.testing.assert_array_equal(eb["bin_edges"], pvt["bin_edges"])
    np.testing.assert_array_equal(eb["count"], pvt["count"])
    edges = eb["bin_edges"]
    nb = len(edges) - 1
    # numpy.histogram's rule: half-open bins, the last closed
    ids = np.clip(np.searchsorted(edges, y, side="right") - 1, 0, nb - 1)
    np.testing.assert_array_equal(
        np.histogram(y, bins=edges)[0] if kind != "const_true" else np.bincount(ids, minlength=nb),
        np.bincount(ids, minlength=nb),
    )
    err = p - y
    ww = np.ones(n) if w is None else w
    for b in range(nb):
        sel = ids == b
        if not sel.any():
            assert np.isnan(eb["mean_error"][b]) and eb["count"][b] == 0
            continue
        close(eb["count"][b], ww[sel].sum())
        close(eb["mean_error"][b], np.average(err[sel], weights=ww[sel]))
        close(eb["mae"][b], M.mean_absolute_error(y[sel], p[sel], sample_weight=ww[sel]))
        close(eb["rmse"][b], M.root_mean_squared_error(y[sel], p[sel], sample_weight=ww[sel]))
    assert eb["count"].sum() == pytest.approx(ww.sum())
