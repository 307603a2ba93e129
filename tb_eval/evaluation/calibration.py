"""Reliability diagrams (uniform and quantile bins) and expected calibration error.

Binning follows scikit-learn's ``calibration_curve``: a probability ``p`` falls in bin
``k`` = number of inner edges strictly below ``p`` (so a value on an edge goes to the lower
bin), and empty bins are dropped from the curve. For a binary problem the diagram is built
from the cumulative counts of the one-sort core (a bin is a contiguous run of distinct
thresholds), so it costs O(distinct thresholds) and honours sample weights.
"""

from __future__ import annotations

import numpy as np

from .binary import BinaryCounts, key_scores

__all__ = [
    "calibration_from_counts",
    "calibration_raw",
    "top_label_ece",
    "quantile_edges",
    "max_calibration_error",
    "lerp",
    "percentile_q",
    "quantile_edges_from_keys",
    "reliability_bins",
]

N_BINS = 10


def percentile_q(n_bins: int) -> np.ndarray:
    """The quantiles ``np.percentile`` uses for ``linspace(0, 100, n_bins + 1)``, rounded alike."""
    # np.percentile(x, linspace(0, 1, k) * 100) divides by 100 internally; replicate the
    # rounding so that our edges equal scikit-learn's bit for bit.
    return np.true_divide(np.linspace(0.0, 1.0, n_bins + 1) * 100, 100)


def lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``a + (b - a) * t`` rounded exactly as ``np.percentile``'s linear interpolation."""
    # numpy's own lerp (numpy/lib/_function_base_impl.py), for identical rounding.
    diff = b - a
    out = a + diff * t
    hi = t >= 0.5
    out[hi] = (b - diff * (1 - t))[hi]
    out[a == b] = a[a == b]
    return out


def quantile_edges(asc_values: np.ndarray, asc_cum: np.ndarray, n_bins: int) -> np.ndarray:
    """``np.percentile(x, linspace(0, 100, n_bins + 1))`` from grouped sorted values.

    ``asc_values`` are distinct values ascending, ``asc_cum`` the cumulative item counts.
    """
    total = asc_cum[-1]
    virtual = (total - 1) * percentile_q(n_bins)
    prev = np.floor(virtual)
    nxt = np.minimum(prev + 1, total - 1)
    t = virtual - prev
    a = asc_values[np.searchsorted(asc_cum, prev, side="right")]
    b = asc_values[np.searchsorted(asc_cum, nxt, side="right")]
    return lerp(a, b, t)


def quantile_edges_from_keys(keys: np.ndarray, n_bins: int) -> np.ndarray:
    """``np.percentile`` of the (float64) scores of sorted keys at ``n_bins`` + 1 quantiles.

    ``keys`` are sorted by :func:`.binary.sorted_keys` (decreasing scores): ascending
    position ``j`` is item ``n - 1 - j``, so only the ``2 (n_bins + 1)`` items needed are read.
    """
    n = keys.size
    virtual = (n - 1) * percentile_q(n_bins)
    prev = np.floor(virtual)
    nxt = np.minimum(prev + 1, n - 1)
    a = key_scores(keys[(n - 1 - prev).astype(np.int64)]).astype(np.float64)
    b = key_scores(keys[(n - 1 - nxt).astype(np.int64)]).astype(np.float64)
    return lerp(a, b, virtual - prev)


def reliability_bins(edges, bin_total, bin_true, bin_sum) -> dict:
    """One reliability diagram: the non-empty bins, and every bin edge."""
    nonzero = bin_total > 0
    return {
        "bin_lower": edges[:-1][nonzero],
        "bin_upper": edges[1:][nonzero],
        "mean_predicted": bin_sum[nonzero] / bin_total[nonzero],
        "fraction_positive": bin_true[nonzero] / bin_total[nonzero],
        "count": bin_total[nonzero],
        "bin_edges": edges,
    }


def calibration_from_counts(c: BinaryCounts, n_bins: int = N_BINS) -> tuple[dict, float]:
    """Uniform and quantile reliability diagrams plus ECE from binary counts.

    Parameters
    ----------
    c : BinaryCounts
        Counts of a binary (or one-vs-rest) problem whose scores are probabilities.
    n_bins : int
        Number of bins.

    Returns
    -------
    curve : dict
        ``{"uniform": {...}, "quantile": {...}}``, each with columns ``bin_lower``,
        ``bin_upper``, ``mean_predicted``, ``fraction_positive``, ``count`` (non-empty bins).
    ece : float
        Expected calibration error over the uniform bins:
        ``sum_b |sum_{i in b} w_i (y_i - p_i)| / sum_i w_i``.
    """
    if c.keys is not None:
        return _calibration_from_keys(c, n_bins)
    # Ascending views of the per-threshold groups.
    thr = c.thresholds[::-1]
    cum_w = (c.tps + c.fps)[::-1]
    total = cum_w[0]
    # Weight of items with score <= thr[k] (ascending cumulative), and positive weight alike.
    asc_cum = total - np.concatenate([cum_w[1:], [0.0]])
    asc_pos = c.pos - np.concatenate([c.tps[::-1][1:], [0.0]])
    group_w = np.diff(asc_cum, prepend=0.0)
    asc_psum = np.cumsum(group_w * thr)

    def bins(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # A value v is in bin #(inner edges < v), so bin k ends after the last group with
        # v <= edge_k; bins are contiguous runs of the ascending groups.
        ends = np.searchsorted(thr, edges[1:-1], side="right")
        ends = np.concatenate([ends, [thr.size]])

        def cum_at(arr):
            vals = np.where(ends > 0, arr[np.maximum(ends - 1, 0)], 0.0)
            return np.diff(vals, prepend=0.0)

        return cum_at(asc_cum), cum_at(asc_pos), cum_at(asc_psum)

    return _both_diagrams(n_bins, lambda: quantile_edges(thr, asc_cum, n_bins), bins, total)


def _both_diagrams(n_bins: int, quantile, bins, total: float) -> tuple[dict, float]:
    """The uniform and quantile diagrams, ``bins(edges)`` giving (total, true, score sum) per
    bin, and the ECE of the uniform one."""
    out = {}
    ece = float("nan")
    for strategy in ("uniform", "quantile"):
        edges = np.linspace(0.0, 1.0, n_bins + 1) if strategy == "uniform" else quantile()
        bin_total, bin_true, bin_sum = bins(edges)
        out[strategy] = reliability_bins(edges, bin_total, bin_true, bin_sum)
        if strategy == "uniform":
            ece = float(np.abs(bin_true - bin_sum).sum() / total)
    return out, ece


def _calibration_from_keys(c: BinaryCounts, n_bins: int) -> tuple[dict, float]:
    """Unweighted counts that kept their sorted keys: each bin is a run of sorted items,
    located by a binary search per edge; only the per-bin score sums touch every item."""
    keys = c.keys
    n = keys.size
    scores = key_scores(keys)  # decreasing; float32 or float64, as given
    tps = c.tps

    def positives_before(m: int) -> float:
        g = c.groups_for_items(m)
        return float(tps[g - 1]) if g else 0.0

    def bins(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Bin k holds edges[k] < v <= edges[k+1] (inner edges only): in decreasing order
        # it is the item range [bounds[k+1], bounds[k]).
        bounds = [n] + [c.items_ge(float(e), strict=True) for e in edges[1:-1]] + [0]
        bin_total = np.empty(n_bins)
        bin_true = np.empty(n_bins)
        bin_sum = np.empty(n_bins)
        for k in range(n_bins):
            hi, lo = bounds[k], bounds[k + 1]
            bin_total[k] = hi - lo
            bin_true[k] = positives_before(hi) - positives_before(lo) if hi > lo else 0.0
            bin_sum[k] = np.sum(scores[lo:hi], dtype=np.float64) if hi > lo else 0.0
        return bin_total, bin_true, bin_sum

    return _both_diagrams(n_bins, lambda: quantile_edges_from_keys(keys, n_bins), bins, n)


def calibration_raw(
    prob: np.ndarray,
    positive: np.ndarray,
    weight: np.ndarray | None = None,
    n_bins: int = N_BINS,
    strategy: str = "uniform",
) -> tuple[dict, float]:
    """Reliability diagram from raw arrays (bincount), used for top-label calibration.

    Returns the curve dict (as in :func:`calibration_from_counts`) and the ECE.
    """
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.percentile(prob, np.linspace(0, 1, n_bins + 1) * 100)
    ids = np.searchsorted(edges[1:-1], prob)
    w = np.ones(prob.shape) if weight is None else weight
    bin_total = np.bincount(ids, weights=w, minlength=n_bins)
    bin_true = np.bincount(ids, weights=w * positive, minlength=n_bins)
    bin_sum = np.bincount(ids, weights=w * prob, minlength=n_bins)
    curve = reliability_bins(edges, bin_total, bin_true, bin_sum)
    return curve, float(np.abs(bin_true - bin_sum).sum() / bin_total.sum())


def top_label_ece(
    score: np.ndarray,
    y_true: np.ndarray,
    weight: np.ndarray | None,
    n_bins: int = N_BINS,
    top: np.ndarray | None = None,
) -> tuple[dict, float]:
    """Top-label calibration for multiclass: confidence = max probability, hit = argmax correct.

    ``top`` is ``argmax(score, axis=1)`` when already computed.
    """
    if top is None:
        top = np.argmax(score, axis=1)
    conf = score[np.arange(score.shape[0]), top]
    return calibration_raw(conf, (top == y_true).astype(np.float64), weight, n_bins)


def max_calibration_error(curve: dict) -> float:
    """Maximum calibration error over the non-empty bins of a reliability diagram.

    ``MCE = max_b |sum_{i in b} w_i (y_i - p_i)| / sum_{i in b} w_i``, i.e. the largest
    ``|fraction_positive - mean_predicted|`` of the curve (the same bins as the ECE, the
    uniform ones in the report); NaN when no bin holds any weight.
    """
    count = np.asarray(curve["count"], dtype=np.float64)
    if count.size == 0:
        return float("nan")
    gap = np.abs(np.asarray(curve["fraction_positive"]) - np.asarray(curve["mean_predicted"]))
    return float(gap.max())
