"""The one-sort core: cumulative counts at distinct thresholds, and everything derived.

Like scikit-learn's ``_binary_clf_curve``, we sort once and build ROC, PR, DET, gains,
lift, KS and the threshold table from the cumulative true/false positive counts at the
distinct score values. Unlike it, the unweighted path sorts a single packed uint64 key per
item (order-preserving float bits << 1 | label) instead of argsort + gathers, which is
~2x faster and needs no index array (``benchmarks/bench_evaluation.py`` measures the engine).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BinaryCounts",
    "binary_counts",
    "counts_from_keys",
    "diff0",
    "ks_gaps",
    "precision_area",
    "twice_roc_area",
    "key_scores",
    "sorted_keys",
]


class BinaryCounts:
    """Cumulative (weighted) counts at each distinct threshold, in decreasing threshold order.

    ``tps[i]`` / ``fps[i]`` are the positive / negative weight with ``score >= thresholds[i]``;
    ``tps[-1]`` and ``fps[-1]`` are the class totals. Unweighted counts are exact int64.

    Counts built by :func:`binary_counts` without weights also keep the sorted keys
    (``keys``, see ``sorted_keys``) and the last item of each threshold run (``ends``),
    so the full ``thresholds`` array is only materialised when asked for; item-level
    queries (:meth:`items_ge`) and :meth:`thresholds_at` read the keys directly.

    Parameters
    ----------
    thresholds : numpy.ndarray or None
        Distinct scores, decreasing (None: computed from ``keys`` and ``ends``).
    tps, fps : numpy.ndarray
        Cumulative positive and negative weight at each threshold.
    keys, ends : numpy.ndarray, optional
        The sorted keys and the last item of each threshold run (unweighted counts).

    Examples
    --------
    >>> c = BinaryCounts(np.array([0.9, 0.5]), np.array([1, 2]), np.array([0, 2]))
    >>> c.pos, c.neg, c.exact
    (2.0, 2.0, True)
    """

    __slots__ = ("_thresholds", "tps", "fps", "keys", "ends")

    def __init__(
        self,
        thresholds: np.ndarray | None,
        tps: np.ndarray,
        fps: np.ndarray,
        keys: np.ndarray | None = None,
        ends: np.ndarray | None = None,
    ) -> None:
        self._thresholds = thresholds
        self.tps = tps
        self.fps = fps
        self.keys = keys
        self.ends = ends

    @property
    def thresholds(self) -> np.ndarray:
        """Distinct scores, decreasing (float64)."""
        if self._thresholds is None:
            self._thresholds = self.thresholds_at(None)
        return self._thresholds

    @property
    def exact(self) -> bool:
        """True for unweighted integer counts."""
        return self.tps.dtype.kind in "iu"

    def thresholds_at(self, idx) -> np.ndarray:
        """``thresholds[idx]`` (float64) without materialising every threshold."""
        if self._thresholds is not None:
            return self._thresholds if idx is None else self._thresholds[idx]
        k = self.keys[self.ends if idx is None else self.ends[idx]]
        return key_scores(k).astype(np.float64)

    def items_ge(self, t: float, strict: bool = False) -> int:
        """Number of items with ``score >= t`` (``> t`` if ``strict``); needs ``keys``."""
        fdt = _SCORE_DTYPE[self.keys.dtype.type]
        n = self.keys.size
        if t <= 0 and not strict or t < 0:
            return n
        # The smallest representable score that passes, compared in float64.
        f = fdt(t)
        if float(f) < t or (strict and float(f) == t):
            f = np.nextafter(f, fdt(np.inf))
        if not np.isfinite(f):
            return 0
        udt = self.keys.dtype.type
        target = ~(np.array(f, dtype=fdt).view(udt) << udt(1))
        return int(np.searchsorted(self.keys, target, side="right"))

    def groups_for_items(self, m: int) -> int:
        """Number of threshold runs covering the first ``m`` items (a run boundary)."""
        if m <= 0:
            return 0
        # A scalar of the array's own dtype: a Python int would make numpy cast the array.
        return int(np.searchsorted(self.ends, self.ends.dtype.type(m - 1))) + 1

    def groups_ge(self, t: float, strict: bool = False) -> int:
        """Number of distinct thresholds ``>= t`` (``> t`` if ``strict``)."""
        if self.keys is not None:
            return self.groups_for_items(self.items_ge(t, strict))
        thr = self.thresholds[::-1]
        return thr.size - int(np.searchsorted(thr, t, side="right" if strict else "left"))

    @property
    def pos(self) -> float:
        """Total positive weight."""
        return float(self.tps[-1]) if self.tps.size else 0.0

    @property
    def neg(self) -> float:
        """Total negative weight."""
        return float(self.fps[-1]) if self.fps.size else 0.0


_SCORE_DTYPE = {np.uint32: np.float32, np.uint64: np.float64}
_KEY_DTYPE = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}


def key_scores(keys: np.ndarray) -> np.ndarray:
    """Scores (float32 or float64, as sorted) of keys made by ``sorted_keys``."""
    udt = keys.dtype.type
    out = np.invert(keys)
    out >>= udt(1)
    return out.view(_SCORE_DTYPE[udt])


def sorted_keys(positive: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Sort items by decreasing score with one key per item, no argsort or gather.

    The key is ``~((float bits << 1) | label)``: for non-negative IEEE floats the bit
    pattern orders like the value (``-0.0`` shifts to the same key as ``+0.0``), and the
    complement turns numpy's ascending sort into decreasing-score order. float32 scores
    get uint32 keys (half the memory and ~1.6x faster to sort than uint64).
    """
    score = np.ascontiguousarray(score)
    if score.dtype not in _KEY_DTYPE:
        score = score.astype(np.float64)
    udt = _KEY_DTYPE[score.dtype]
    keys = np.left_shift(score.view(udt), udt(1))
    if positive.dtype != np.bool_:
        positive = positive.astype(bool)
    keys |= positive
    np.invert(keys, out=keys)
    keys.sort()
    return keys


def counts_from_keys(keys: np.ndarray) -> BinaryCounts:
    """Exact integer counts from keys sorted by ``sorted_keys``.

    The counts are int32 below 2**31 items (half the memory of int64; every consumer
    widens products to int64 or float64), int64 above.
    """
    n = keys.size
    udt = keys.dtype.type
    idt = np.int32 if n < 2**31 else np.int64
    mask = np.empty(n, dtype=bool)
    diff = keys[1:] ^ keys[:-1]
    np.greater(diff, udt(1), out=mask[:-1])
    del diff
    mask[-1] = True
    ends = np.flatnonzero(mask).astype(idt, copy=False)
    del mask
    # Low key bit = 1 for negatives (complemented label): its running sum is the FP count.
    neg = np.bitwise_and(keys, udt(1))
    np.cumsum(neg, out=neg)
    fps = neg[ends].astype(idt, copy=False)
    del neg
    tps = ends + idt(1)
    tps -= fps
    return BinaryCounts(None, tps, fps, keys, ends)


def binary_counts(
    positive: np.ndarray, score: np.ndarray, sample_weight: np.ndarray | None = None
) -> BinaryCounts:
    """Sort once and return the cumulative counts at the distinct thresholds.

    Parameters
    ----------
    positive : numpy.ndarray
        Boolean (or 0/1 integer) array, True for the positive class.
    score : numpy.ndarray
        Non-negative float32 or float64 scores (probabilities).
    sample_weight : numpy.ndarray, optional
        Non-negative weights; zero-weight samples are dropped (as scikit-learn does), so
        they create no thresholds.

    Returns
    -------
    BinaryCounts
        Unweighted: exact integer counts that keep the sorted keys; weighted: float64.

    Examples
    --------
    >>> c = binary_counts(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> c.thresholds.tolist(), c.tps.tolist(), c.fps.tolist()
    ([0.8, 0.4, 0.35, 0.1], [1, 1, 2, 2], [0, 1, 1, 2])
    """
    if sample_weight is None:
        return counts_from_keys(sorted_keys(positive, score))
    nz = sample_weight != 0
    if not nz.all():
        positive, score, sample_weight = positive[nz], score[nz], sample_weight[nz]
    order = np.argsort(score)[::-1]
    s = score[order].astype(np.float64, copy=False)
    w = sample_weight[order]
    pos = positive[order].astype(bool, copy=False)
    tp_w = np.cumsum(np.where(pos, w, 0.0))
    fp_w = np.cumsum(np.where(pos, 0.0, w))
    idx = np.append(np.flatnonzero(s[1:] != s[:-1]), s.size - 1)
    return BinaryCounts(s[idx], tp_w[idx], fp_w[idx])


def _dot(a: np.ndarray, b: np.ndarray, dtype=None):
    # einsum's own SIMD loop: np.dot goes to a threaded BLAS that is slow on busy machines.
    return np.einsum("i,i->", a, b, dtype=dtype)


def diff0(a: np.ndarray, prev=0) -> np.ndarray:
    """``np.diff(a, prepend=prev)`` without the concatenated temporary."""
    out = np.empty_like(a)
    if a.size:
        out[0] = a[0] - prev
        np.subtract(a[1:], a[:-1], out=out[1:])
    return out


# --------------------------------------------------------------------------------------
# Exact areas and statistics, computed from the counts without building curve arrays.


def twice_roc_area(
    tps: np.ndarray, fps: np.ndarray, tp_prev: int = 0, fp_prev: int = 0, dtps=None
) -> int:
    """Twice the ROC area times ``P * N`` over a run of exact integer counts.

    The trapezoids sum to ``sum dfp * (tp_prev + tp) = 2 * sum dfp * tp - sum dfp * dtp``;
    ``tp_prev``/``fp_prev`` are the counts before the run (0 at the start), so runs (chunks)
    add up. ``dtps`` is ``diff0(tps, tp_prev)`` if already computed.
    """
    dfps = diff0(fps, fp_prev)
    if dtps is None:
        dtps = diff0(tps, tp_prev)
    return 2 * int(_dot(dfps, tps, np.int64)) - int(_dot(dfps, dtps, np.int64))


def precision_area(dtps: np.ndarray, precision: np.ndarray) -> float:
    """``sum dtp * precision``: average precision times ``P`` over a run of thresholds."""
    return float(_dot(dtps, precision, np.float64))


def ks_gaps(tps: np.ndarray, fps: np.ndarray, pos: int, neg: int) -> np.ndarray:
    """``|tp * N - fp * P|`` in exact int64: KS times ``P * N`` at every threshold."""
    gap = np.multiply(tps, neg, dtype=np.int64)
    gap -= np.multiply(fps, pos, dtype=np.int64)
    np.abs(gap, out=gap)
    return gap


def roc_auc(c: BinaryCounts) -> float:
    """Trapezoidal area under the ROC curve (NaN if a class has no weight).

    Parameters
    ----------
    c : BinaryCounts
        Counts from :func:`binary_counts` (unweighted counts use exact integer arithmetic,
        see ``twice_roc_area``).

    Returns
    -------
    float
        ``sklearn.metrics.roc_auc_score`` of the same data.

    Examples
    --------
    >>> roc_auc(binary_counts(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])))
    0.75
    """
    p, n = c.pos, c.neg
    if p <= 0 or n <= 0:
        return float("nan")
    if c.exact:
        return float(twice_roc_area(c.tps, c.fps) / (2.0 * p * n))
    dfps = np.diff(c.fps, prepend=0.0)
    tsum = c.tps.copy()
    tsum[1:] += c.tps[:-1]
    return float(_dot(dfps, tsum) / (2.0 * p * n))


def precision_at(c: BinaryCounts) -> np.ndarray:
    """Precision at every distinct threshold (the denominators are never zero)."""
    if c.ends is not None:
        out = np.add(c.ends, 1.0)  # tps + fps, the number of items so far
    else:
        out = np.add(c.tps, c.fps, dtype=np.float64)
    return np.divide(c.tps, out, out=out)


def average_precision(c: BinaryCounts, precision: np.ndarray | None = None) -> float:
    """Step-wise average precision: the sum over thresholds of delta-recall * precision.

    Parameters
    ----------
    c : BinaryCounts
        Counts from :func:`binary_counts`.
    precision : numpy.ndarray, optional
        ``precision_at`` of ``c``, if already computed.

    Returns
    -------
    float
        ``sklearn.metrics.average_precision_score`` of the same data (NaN without positives).

    Examples
    --------
    >>> c = binary_counts(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> round(average_precision(c), 4)
    0.8333
    """
    p = c.pos
    if p <= 0:
        return float("nan")
    if precision is None:
        precision = precision_at(c)
    return float(max(0.0, precision_area(diff0(c.tps), precision) / p))


def ks_statistic(c: BinaryCounts) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic ``max |TPR - FPR|`` and the threshold where it occurs.

    Parameters
    ----------
    c : BinaryCounts
        Counts from :func:`binary_counts`.

    Returns
    -------
    statistic : float
        The largest gap between the score distributions of the two classes (NaN if a class
        is empty); equals ``max(tpr - fpr)`` of ``sklearn.metrics.roc_curve`` when the
        scores rank positives higher.
    threshold : float
        The first (highest) threshold where it is reached.

    Examples
    --------
    >>> ks_statistic(binary_counts(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])))
    (0.5, 0.8)
    """
    p, n = c.pos, c.neg
    if p <= 0 or n <= 0:
        return float("nan"), float("nan")
    if c.exact:
        gap = ks_gaps(c.tps, c.fps, int(c.tps[-1]), int(c.fps[-1]))
        i = int(np.argmax(gap))
        return float(gap[i] / (p * n)), float(c.thresholds_at(i))
    gap = np.abs(c.tps * (1.0 / p) - c.fps * (1.0 / n))
    i = int(np.argmax(gap))
    return float(gap[i]), float(c.thresholds_at(i))


# --------------------------------------------------------------------------------------
# Exact curves (full resolution). Used with max_points=None and by the tests.


def roc_curve(c: BinaryCounts) -> dict[str, np.ndarray]:
    """ROC points with a leading (0, 0) at threshold +inf, like scikit-learn."""
    p, n = c.pos, c.neg
    fps = np.concatenate([[0.0], c.fps])
    tps = np.concatenate([[0.0], c.tps])
    return {
        "fpr": fps / n if n > 0 else np.full(fps.shape, np.nan),
        "tpr": tps / p if p > 0 else np.full(tps.shape, np.nan),
        "thresholds": np.concatenate([[np.inf], c.thresholds]),
    }


def pr_curve(c: BinaryCounts) -> dict[str, np.ndarray]:
    """Precision-recall points in increasing-threshold order, ending at (recall 0, precision 1)."""
    p = c.pos
    precision = precision_at(c)[::-1]
    recall = (c.tps / p if p > 0 else np.ones(c.tps.shape))[::-1]
    return {
        "precision": np.concatenate([precision, [1.0]]),
        "recall": np.concatenate([recall, [0.0]]),
        "thresholds": c.thresholds[::-1].copy(),
    }


def det_curve(c: BinaryCounts) -> dict[str, np.ndarray]:
    """Detection error trade-off (FPR vs FNR), trimmed like scikit-learn's ``det_curve``."""
    fps = np.concatenate([[0.0], c.fps])
    tps = np.concatenate([[0.0], c.tps])
    thr = np.concatenate([[np.inf], c.thresholds])
    p, n = c.pos, c.neg
    first = int(np.searchsorted(fps, fps[0], side="right")) - 1
    last = int(np.searchsorted(tps, tps[-1])) + 1
    sl = slice(first, last)
    return {
        "fpr": (fps[sl] / n)[::-1].copy(),
        "fnr": ((p - tps[sl]) / p)[::-1].copy(),
        "thresholds": thr[sl][::-1].copy(),
    }


def gains_lift_curves(c: BinaryCounts) -> tuple[dict, dict]:
    """Cumulative gains (population fraction vs TPR) and lift (vs fraction), exact."""
    total = c.pos + c.neg
    frac = (c.tps + c.fps) / total
    tpr = c.tps / c.pos if c.pos > 0 else np.full(c.tps.shape, np.nan)
    gains = {
        "fraction": np.concatenate([[0.0], frac]),
        "gain": np.concatenate([[0.0], tpr]),
        "thresholds": np.concatenate([[np.inf], c.thresholds]),
    }
    prevalence = c.pos / total
    lift = {
        "fraction": frac,
        "lift": precision_at(c) / prevalence if prevalence > 0 else np.full(frac.shape, np.nan),
        "thresholds": c.thresholds.copy(),
    }
    return gains, lift


def threshold_table(c: BinaryCounts, idx: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Confusion counts and rates at each (selected) distinct threshold ``score >= t``."""
    thr = c.thresholds_at(idx)
    tp = (c.tps if idx is None else c.tps[idx]).astype(np.float64, copy=False)
    fp = (c.fps if idx is None else c.fps[idx]).astype(np.float64, copy=False)
    return table_from_counts(thr, tp, fp, c.pos, c.neg)


def table_from_counts(
    thr: np.ndarray, tp: np.ndarray, fp: np.ndarray, p: float, n: float
) -> dict[str, np.ndarray]:
    """:func:`threshold_table` from float64 counts at given thresholds."""
    fn = p - tp
    tn = n - fp
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tp / (tp + fp)
        recall = tp / p if p > 0 else np.full(tp.shape, np.nan)
        f1 = 2 * tp / (2 * tp + fp + fn)
        specificity = tn / n if n > 0 else np.full(tp.shape, np.nan)
    return {
        "threshold": thr,
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": (tp + tn) / (p + n),
        "specificity": specificity,
    }
