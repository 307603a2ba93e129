"""Maximum calibration error (MCE) beside the ECE: same uniform bins, every task."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tb_eval.evaluation import evaluate


def _mce(prob, hit, w=None, n_bins=10):
    """Reference: max over non-empty bins of |sum w (y - p)| / sum w, edge values go low."""
    w = np.ones(prob.shape) if w is None else w
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], prob, side="left")
    gaps = [
        abs(np.sum(w[ids == b] * (hit[ids == b] - prob[ids == b]))) / w[ids == b].sum()
        for b in range(n_bins)
        if w[ids == b].sum() > 0
    ]
    return max(gaps)


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 400), st.integers(0, 2**31), st.booleans(), st.booleans())
def test_binary_mce(n, seed, weighted, on_edges):
    rng = np.random.default_rng(seed)
    s = rng.random(n)
    if on_edges:
        s = np.round(s, 1)  # values on the bin edges go to the lower bin
    y = (rng.random(n) < s).astype(int)
    w = rng.random(n) + 0.01 if weighted else None
    m = evaluate(y, s, sample_weight=w, task="binary").metrics
    close(m["mce"], _mce(s, y.astype(float), w))
    assert m["mce"] >= m["ece"] - 1e-15


@settings(max_examples=30, deadline=None)
@given(st.integers(5, 300), st.integers(0, 2**31), st.booleans())
def test_multiclass_top_label_mce(n, seed, weighted):
    rng = np.random.default_rng(seed)
    S = rng.dirichlet(np.ones(4), size=n)
    y = rng.integers(0, 4, size=n)
    w = rng.random(n) + 0.01 if weighted else None
    m = evaluate(y, S, sample_weight=w, task="multiclass").metrics
    top = S.argmax(axis=1)
    close(m["mce"], _mce(S.max(axis=1), (top == y).astype(float), w))


def test_multilabel_pooled_mce_and_perfect_calibration():
    rng = np.random.default_rng(5)
    S = rng.random((200, 3))
    Y = (rng.random((200, 3)) < S).astype(int)
    m = evaluate(Y, S, task="multilabel").metrics
    close(m["mce"], _mce(S.ravel(), Y.ravel().astype(float)))
    # one bin, exact frequencies: MCE = ECE = 0
    m = evaluate(np.array([0, 1, 0, 1]), np.full(4, 0.5), task="binary").metrics
    assert m["mce"] == 0.0 and m["ece"] == 0.0
