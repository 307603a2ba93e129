"""Regression metrics vs scikit-learn / scipy; bounded-size charts."""

from __future__ import annotations

import json

import numpy as np
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
