"""A mergeable, fixed-bin summary of scored predictions (Azure-style accuracy table).

For sets too large to keep raw, or computed on several workers, we keep per class the
(weighted) count of positives and negatives in each of a fixed set of probability bins.
Each bin also keeps the lowest and highest score it received, so summaries of disjoint parts
still merge exactly (``a + b``: counts add, ranges widen), a bin whose scores are all equal is
known to be a tie, and every curve point (at a bin's lowest score) is an exact point of the
raw data's curve.

Areas: ROC AUC is the trapezoid through the bins (the expected AUC when the samples of a bin
are in random order); average precision integrates precision exactly over each bin with its
positives and negatives spread evenly through it (closed form), and a tied bin is one step,
as scikit-learn counts ties. :meth:`BinnedSummary.error_bounds` gives the worst case over
every order of the samples within the bins.

Bins are log-spaced towards both ends (logit-like): with ``q = min(p, 1 - p)`` the bin is
the float's exponent plus its top ``mantissa_bits`` mantissa bits, i.e. ``2**mantissa_bits``
bins per octave of ``q`` from ``2**-MIN_EXP2`` to 1/2, mirrored for ``p > 1/2``. This keeps
resolution where over-confident models put their mass (uniform bins
in ``p`` lose about 3e-4 AUC there) and costs only integer operations, no logarithm.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import binary as B
from .curves import binary_curve_set
from .inputs import Prepared, prepare

__all__ = [
    "ACCURACY_TABLE_VERSION",
    "BinnedSummary",
    "EvaluationAccumulator",
    "bin_edges",
    "bin_index",
]

MIN_EXP2 = 40  # q below 2**-40 (p within 1e-12 of 0 or 1) shares the outermost bin


def _layout(mantissa_bits: int, dtype: type = np.float64) -> tuple[int, int]:
    """(offset, K) of the bin layout; float32 bits give the same bins (mantissa_bits <= 20)."""
    udt, mant = (np.uint32, 23) if dtype == np.float32 else (np.uint64, 52)
    shift = mant - mantissa_bits
    lowest = int(np.array(2.0**-MIN_EXP2, dtype).view(udt)) >> shift
    top = int(np.array(0.5, dtype).view(udt)) >> shift
    return lowest, top - lowest  # offset, K (low side uses 0..K)


def bin_index(p: np.ndarray, mantissa_bits: int) -> np.ndarray:
    """Bin of each probability, increasing with ``p``; ``2K + 2`` bins in all.

    float32 input is binned on its own bits (``min(p, 1 - p)`` is exact in float32 too),
    which gives the same bin as its float64 value, at half the memory traffic.
    """
    dtype = np.float32 if p.dtype == np.float32 else np.float64
    p = p.astype(dtype, copy=False)
    udt, idt, mant = (np.uint32, np.int32, 23) if dtype == np.float32 else (np.uint64, np.int64, 52)
    offset, k_max = _layout(mantissa_bits, dtype)
    q = np.subtract(dtype(1.0), p)
    np.minimum(p, q, out=q)
    k = q.view(udt)
    k >>= udt(mant - mantissa_bits)
    k = k.view(idt)
    k -= idt(offset)
    np.clip(k, 0, k_max, out=k)
    # Mirror the upper half; p = 0.5 exactly stays on the low side (q = 0.5 -> k = K).
    # Branch-free (a masked subtract is ~6x slower on random masks): with m = -1 where
    # p > 1/2 (else 0), k ^ m = -k - 1 and adding m & (2K + 2) gives 2K + 1 - k.
    m = np.subtract(0, p > dtype(0.5), dtype=idt)
    k ^= m
    m &= idt(2 * k_max + 2)
    k += m
    return k


def bin_edges(mantissa_bits: int) -> np.ndarray:
    """Lower edge (in ``p``) of every bin; bin ``i`` holds ``edges[i] <= p < edges[i+1]``."""
    offset, k_max = _layout(mantissa_bits)
    shift = 52 - mantissa_bits
    low = ((np.arange(k_max + 1, dtype=np.uint64) + np.uint64(offset)) << np.uint64(shift)).view(
        np.float64
    )
    low = low.copy()
    low[0] = 0.0
    # High-side bin 2K+1-k holds q in [low[k], low[k+1]), i.e. p in (1-low[k+1], 1-low[k]].
    q_hi = np.append(low[1:], 0.5)
    high = (1.0 - q_hi)[::-1]
    return np.concatenate([low, high])


#: ``schema_version`` written by :meth:`BinnedSummary.to_accuracy_table`.
ACCURACY_TABLE_VERSION = "1.0.1"
#: Thresholds per table by default (0, 0.01, ..., 1).
DEFAULT_TABLE_POINTS = 101


def _ap_and_bound(pos: np.ndarray, neg: np.ndarray, tied: np.ndarray) -> tuple[float, float]:
    """``P`` times (average precision, its error bound) from per-bin counts in decreasing
    score order.

    A tied bin is one step at its end precision (as scikit-learn counts ties). Otherwise the
    bin's positives and negatives are spread evenly through it: with ``a``/``c`` the
    positives/items before the bin and ``p``/``n`` the bin's positives/items, precision after
    ``x`` of its positives is ``(a + x) / (c + x n / p)`` and its integral over ``x`` in
    ``[0, p]`` is ``p^2 / n + (a n - c p) p / n^2 * log1p(n / c)``. The bound is the range of
    the step sum over every order of the bin's samples, at most
    ``(n - p) * log1p(p / (c + n - p))``, plus the change of precision over the bin (the
    integral of a monotone function against its step sum).
    """
    total = pos + neg
    a = np.cumsum(pos) - pos
    c = np.cumsum(total) - total
    has = pos > 0
    p, n, a, c, m = pos[has], total[has], a[has], c[has], neg[has]
    t = tied[has]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = p * (a + p) / (c + n)
        log_term = np.where(c > 0, np.log1p(n / np.where(c > 0, c, 1.0)), 0.0)
        spread = p * p / n + (a * n - c * p) * p / (n * n) * log_term
        # Precision before and after the bin: the integral of a monotone function is within
        # their difference of the step sum at the same (fractional) spread.
        before = np.where(c > 0, a / np.where(c > 0, c, 1.0), p / n)
        riemann = np.abs((a + p) / (c + n) - before)
        width = np.where(m > 0, m * np.log1p(p / np.where(c + m > 0, c + m, 1.0)) + riemann, 0.0)
    area = float(np.sum(np.where(t, step, spread)))
    bound = float(np.sum(np.where(t, 0.0, width)))
    return area, bound


def fraction_ge(lo: np.ndarray, hi: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``[len(t), bins]``: the share of each bin's samples with score ``>= t``, scores spread
    evenly over ``[lo, hi]`` (a tie when ``lo == hi``); exact when ``t`` is outside the range
    or at its lowest score."""
    t = np.asarray(t, dtype=np.float64)[:, None]
    width = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.clip((hi - t) / np.where(width > 0, width, 1.0), 0.0, 1.0)
    return np.where(width > 0, spread, (t <= lo).astype(np.float64))


def _quantiles(weight: np.ndarray, lo: np.ndarray, hi: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Scores below which a share ``q`` of the weight lies (bins ascending, even spread)."""
    cum = np.cumsum(weight)
    target = np.asarray(q, dtype=np.float64) * cum[-1]
    b = np.minimum(np.searchsorted(cum, target, side="left"), cum.size - 1)
    before = cum[b] - weight[b]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip((target - before) / weight[b], 0.0, 1.0)
    return lo[b] + np.nan_to_num(share) * (hi[b] - lo[b])


def _as_accuracy_table(value: Any) -> dict:
    """The ``data`` of Azure ML's accuracy-table JSON (a dict or its JSON text), checked."""
    try:
        value = json.loads(value) if isinstance(value, (str, bytes)) else value
    except ValueError as error:
        raise ValueError(f"value: not accuracy-table JSON ({error})") from None
    if not isinstance(value, dict):
        raise TypeError(f"value must be an accuracy-table dict or JSON, got {type(value).__name__}")
    if value.get("schema_type") != "accuracy_table":
        raise ValueError(
            f"value: schema_type must be 'accuracy_table', got {value.get('schema_type')!r}"
        )
    data = value.get("data")
    if not isinstance(data, dict):
        raise ValueError("value: 'data' must be an object")
    for key in ("probability_tables", "probability_thresholds", "class_labels"):
        if key not in data:
            raise ValueError(f"value: data has no {key!r}")
    return data


class BinnedSummary:
    """Per-class positive/negative weight in fixed probability bins; mergeable.

    Parameters
    ----------
    counts : numpy.ndarray
        Array ``[n_keys, n_bins, 2]`` of float64 weights (``[..., 0]`` negatives,
        ``[..., 1]`` positives); one key for binary, one per class otherwise.
    labels : list
        Class labels (binary: ``[negative, positive]``).
    task : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel"``.
    mantissa_bits : int
        Resolution: ``2**mantissa_bits`` bins per octave of ``min(p, 1 - p)``.
    score_range : numpy.ndarray, optional
        ``[n_keys, n_bins, 2]``: the lowest and highest score each bin received (``inf`` and
        ``-inf`` for an empty bin). Unknown (None), a bin's range is its edges.
    edges : numpy.ndarray, optional
        Lower edges of custom bins (ascending, the first 0; the last bin ends at 1), instead
        of the ``mantissa_bits`` layout (used by :meth:`from_accuracy_table`).

    Examples
    --------
    >>> s = BinnedSummary.from_predictions([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    >>> s.metrics()["roc_auc"], s.error_bounds()["roc_auc"]
    (1.0, 0.0)
    """

    def __init__(
        self,
        counts: np.ndarray,
        labels: list,
        task: str,
        mantissa_bits: int | None = 6,
        *,
        score_range: np.ndarray | None = None,
        edges: np.ndarray | None = None,
    ):
        self.counts = np.asarray(counts, dtype=np.float64)
        self.labels = list(labels)
        self.task = task
        if edges is None:
            self.mantissa_bits = int(mantissa_bits)
            self.edges = bin_edges(self.mantissa_bits)
        else:
            self.mantissa_bits = None
            self.edges = np.asarray(edges, dtype=np.float64)
        if self.counts.ndim != 3 or self.counts.shape[1:] != (self.edges.size, 2):
            raise ValueError(
                f"counts must have shape [keys, {self.edges.size}, 2], got {self.counts.shape}"
            )
        self.score_range = None if score_range is None else np.asarray(score_range, np.float64)
        if self.score_range is not None and self.score_range.shape != self.counts.shape:
            raise ValueError(
                f"score_range must have the shape of counts {self.counts.shape}, "
                f"got {self.score_range.shape}"
            )

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_score: Any = None,
        *,
        labels: Any = None,
        task: str | None = None,
        sample_weight: Any = None,
        mantissa_bits: int = 6,
    ) -> BinnedSummary:
        """Summarise scored predictions (validated like :func:`prepare`).

        Parameters
        ----------
        y_true, y_score, labels, task, sample_weight
            As for :func:`tb_eval.evaluation.prepare`; ``y_score`` is required.
            A :class:`Prepared` may be passed as ``y_true``.
        mantissa_bits : int, default 6
            Bins per octave as a power of two (6: ~4900 bins in all).

        Returns
        -------
        BinnedSummary

        Examples
        --------
        >>> s = BinnedSummary.from_predictions(["a", "b", "a"], [0.1, 0.8, 0.4], labels=["a", "b"])
        >>> s.task, s.labels, s.n_samples
        ('binary', ['a', 'b'], 3.0)
        """
        if isinstance(y_true, Prepared):
            p = y_true
        else:
            p = prepare(
                y_true,
                y_score,
                labels=labels,
                task=task,
                sample_weight=sample_weight,
                keep_float32=True,
            )
        if p.y_score is None or p.task == "regression":
            raise ValueError("y_score is required for a binned summary of a classification task")
        if not 1 <= mantissa_bits <= 20:
            raise ValueError(f"mantissa_bits must be in [1, 20], got {mantissa_bits}")
        nb = 2 * _layout(mantissa_bits)[1] + 2
        w = p.sample_weight
        if p.task == "binary":
            cols = [(p.y_score, p.y_true == 1)]
        elif p.task == "multiclass":
            cols = [(p.y_score[:, j], p.y_true == j) for j in range(len(p.labels))]
        else:
            cols = [(p.y_score[:, j], p.y_true[:, j] == 1) for j in range(len(p.labels))]
        counts = np.empty((len(cols), nb, 2))
        ranges = np.empty((len(cols), nb, 2))
        seen = None if w is None or (w != 0).all() else w != 0  # zero weights add no range
        for j, (s, pos) in enumerate(cols):
            idx = bin_index(s, mantissa_bits)
            s_seen, idx_seen = (s, idx) if seen is None else (s[seen], idx[seen])
            # In the scores' own dtype: ufunc.at with a cast is ~40x slower.
            lo = np.full(nb, np.inf, dtype=s.dtype)
            hi = np.full(nb, -np.inf, dtype=s.dtype)
            np.minimum.at(lo, idx_seen, s_seen)
            np.maximum.at(hi, idx_seen, s_seen)
            ranges[j, :, 0], ranges[j, :, 1] = lo, hi
            # One bincount over bin*2 + label fills both columns at once.
            idx <<= 1
            idx |= pos
            counts[j] = np.bincount(idx, weights=w, minlength=2 * nb).reshape(nb, 2)
            del idx
        return cls(counts, p.labels, p.task, mantissa_bits, score_range=ranges)

    # ---------------------------------------------------------------- merging
    def compatible(self, other: BinnedSummary) -> bool:
        """True when ``other`` has the same task, labels and bins (so that they merge)."""
        return (
            (self.task, self.labels, self.mantissa_bits)
            == (other.task, other.labels, other.mantissa_bits)
            and self.counts.shape == other.counts.shape
            and np.array_equal(self.edges, other.edges)
        )

    def merge(self, other: BinnedSummary) -> BinnedSummary:
        """Summary of the union of both sets (exact: counts add, score ranges widen).

        Parameters
        ----------
        other : BinnedSummary
            A summary with the same task, labels and bins.

        Returns
        -------
        BinnedSummary

        Examples
        --------
        >>> a = BinnedSummary.from_predictions([0, 1], [0.2, 0.7])
        >>> b = BinnedSummary.from_predictions([1, 0], [0.9, 0.4])
        >>> (a + b).counts.sum(axis=(0, 1)).tolist()
        [2.0, 2.0]
        """
        if not self.compatible(other):
            raise ValueError("other: cannot merge summaries with different task/labels/bins")
        ranges = None
        if self.score_range is not None and other.score_range is not None:
            ranges = np.empty_like(self.score_range)
            np.minimum(self.score_range[..., 0], other.score_range[..., 0], out=ranges[..., 0])
            np.maximum(self.score_range[..., 1], other.score_range[..., 1], out=ranges[..., 1])
        return BinnedSummary(
            self.counts + other.counts,
            self.labels,
            self.task,
            self.mantissa_bits,
            score_range=ranges,
            edges=None if self.mantissa_bits is not None else self.edges,
        )

    __add__ = merge

    # ---------------------------------------------------------------- storage
    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """JSON-serialisable metadata and the arrays (``counts``, and ``score_range`` and
        ``edges`` when known / custom), for storage."""
        meta = {
            "version": 1,
            "task": self.task,
            "labels": self.labels,
            "mantissa_bits": self.mantissa_bits,
        }
        arrays = {"counts": self.counts}
        if self.score_range is not None:
            arrays["score_range"] = self.score_range
        if self.mantissa_bits is None:
            arrays["edges"] = self.edges
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict, arrays: dict[str, np.ndarray]) -> BinnedSummary:
        """Rebuild from :meth:`to_arrays` output."""
        return cls(
            arrays["counts"],
            meta["labels"],
            meta["task"],
            meta["mantissa_bits"],
            score_range=arrays.get("score_range"),
            edges=arrays.get("edges"),
        )

    # ---------------------------------------------------------------- derived values
    @property
    def n_samples(self) -> float:
        """Total weight summarised (the number of samples when unweighted)."""
        return float(self.counts[0].sum()) if self.counts.shape[0] else 0.0

    def keys(self) -> list[str]:
        """Curve keys: the positive label (binary) or every label, plus ``micro``."""
        if self.task == "binary":
            return [str(self.labels[1])]
        return [str(v) for v in self.labels] + ["micro"]

    def key_bins(self, key: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(counts ``[bins, 2]``, lowest and highest score of each bin) for one key."""
        upper = np.append(self.edges[1:], 1.0)
        if self.task == "binary" or key is None and self.counts.shape[0] == 1:
            rows = [0]
        elif key == "micro":
            rows = list(range(self.counts.shape[0]))
        else:
            rows = [[str(v) for v in self.labels].index(str(key))]
        h = self.counts[rows].sum(axis=0)
        if self.score_range is None:
            return h, self.edges, upper
        lo = self.score_range[rows, :, 0].min(axis=0)
        hi = self.score_range[rows, :, 1].max(axis=0)
        empty = ~np.isfinite(lo)
        return h, np.where(empty, self.edges, lo), np.where(empty, upper, hi)

    def descending_bins(self, key: str | None):
        """The non-empty bins of one key in descending score order: (positives, negatives,
        lowest and highest score of each bin)."""
        h, lo, hi = self.key_bins(key)
        used = np.flatnonzero(h.sum(axis=1) > 0)[::-1]  # descending score order
        return h[used, 1], h[used, 0], lo[used], hi[used]

    def binary_counts(self, key: str | None = None) -> B.BinaryCounts:
        """Cumulative counts (like the exact engine's) for one key, a threshold per bin at
        its lowest score (its lower edge when the score range is unknown): every point is
        an exact point of the raw data's curves."""
        pos, neg, lo, _ = self.descending_bins(key)
        return B.BinaryCounts(lo, np.cumsum(pos), np.cumsum(neg))

    def _areas(self, key: str | None) -> dict[str, float]:
        pos, neg, lo, hi = self.descending_bins(key)
        c = B.BinaryCounts(lo, np.cumsum(pos), np.cumsum(neg))
        p, n = c.pos, c.neg
        tied = lo == hi
        ap, ap_bound = _ap_and_bound(pos, neg, tied)
        auc_bound = float(np.sum(np.where(tied, 0.0, pos * neg))) / (2.0 * p * n)
        return {
            "roc_auc": B.roc_auc(c),
            "average_precision": float(max(0.0, ap / p)) if p > 0 else float("nan"),
            "roc_auc_bound": auc_bound if p > 0 and n > 0 else float("nan"),
            "average_precision_bound": min(1.0, ap_bound / p) if p > 0 else float("nan"),
        }

    def _by_key(self, bound: bool) -> dict[str, float]:
        suffix = "_bound" if bound else ""
        if self.task == "binary":
            a = self._areas(None)
            return {name: a[name + suffix] for name in ("roc_auc", "average_precision")}
        out: dict[str, float] = {}
        per: dict[str, list[float]] = {"roc_auc": [], "average_precision": []}
        for key in self.keys():
            a = self._areas(key)
            for name in per:
                value = a[name + suffix]
                out[f"{name}_micro" if key == "micro" else f"{name}/{key}"] = value
                if key != "micro":
                    per[name].append(value)
        for name, values in per.items():
            out[f"{name}_macro"] = (
                float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
            )
        return out

    def metrics(self) -> dict[str, float]:
        """ROC AUC and average precision (per key, micro and macro for multi-class tasks).

        Returns
        -------
        dict of str to float
            ``roc_auc``, ``average_precision`` (binary); ``roc_auc/<label>``,
            ``roc_auc_micro``, ``roc_auc_macro`` and the same for ``average_precision``
            otherwise. See :meth:`error_bounds` for how far they can be from the raw data's.
        """
        return self._by_key(bound=False)

    def error_bounds(self) -> dict[str, float]:
        """How far each of :meth:`metrics` can be from the value on the raw predictions.

        The summary does not know the order of the samples within a bin; the bounds are the
        worst case over every such order (for scores distinct within a bin, as scikit-learn
        computes them):

        * ROC AUC: ``sum_b P_b N_b / (2 P N)`` over the bins that hold both classes and more
          than one score (the trapezoid counts half of each such pair; a tie is exact);
        * average precision: ``sum_b (N_b log1p(P_b / (C_b + N_b)) + |Δprecision_b|) / P``
          over the same bins (``C_b`` samples above the bin, ``Δprecision_b`` the change of
          the cumulative precision across it): the spread of the step sum over the orders
          of the bin's samples, plus the integral's difference to a step sum.

        The bounds are worst cases (every bin's samples in the worst order at once): the
        actual error on realistic scores is typically 100 to 1000 times smaller.

        Returns
        -------
        dict of str to float
            The keys of :meth:`metrics`; a macro bound is the mean of the class bounds.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> y = rng.integers(0, 2, 100_000)
        >>> s = BinnedSummary.from_predictions(y, rng.beta(2 + y, 3 - y))
        >>> bounds = s.error_bounds()
        >>> bool(bounds["roc_auc"] < 1e-2 and bounds["average_precision"] < 5e-2)
        True
        """
        return self._by_key(bound=True)

    def curves(self, max_points: int | None = 1000) -> dict[str, dict]:
        """ROC, PR, DET, gains, lift, KS and threshold table per key (as in a Report)."""
        out: dict[str, dict] = {}
        for key in self.keys():
            for kind, cur in binary_curve_set(self.binary_counts(key), max_points).items():
                out.setdefault(kind, {})[key] = cur
        return out

    # ---------------------------------------------------------------- Azure ML accuracy table
    def _class_views(self) -> list[tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per class of the accuracy table: (label, positives, negatives, lowest, highest
        score) of the used bins, ascending in that class's score (binary class 0: 1 - p)."""
        views = []
        keys = [None] if self.task == "binary" else [str(v) for v in self.labels]
        for key in keys:
            h, lo, hi = self.key_bins(key)
            used = np.flatnonzero(h.sum(axis=1) > 0)
            views.append((h[used, 1], h[used, 0], lo[used], hi[used]))
        if self.task == "binary":
            pos, neg, lo, hi = views[0]
            mirrored = (neg[::-1], pos[::-1], 1.0 - hi[::-1], 1.0 - lo[::-1])
            return [(self.labels[0], *mirrored), (self.labels[1], *views[0])]
        return [(label, *view) for label, view in zip(self.labels, views)]

    def to_accuracy_table(self, num_points: int = DEFAULT_TABLE_POINTS) -> dict[str, Any]:
        """Azure ML's accuracy table (``run.log_accuracy_table``'s schema) of this summary.

        Per class (one against the rest; binary: both classes, class 0 scored ``1 - p``),
        the counts ``[TP, FP, TN, FN]`` of ``score >= t`` at ``num_points`` probability
        thresholds ``t = 0, 1/(num_points - 1), ..., 1`` and at the class's score
        percentiles ``q = 0, ..., 1`` (``percentile_thresholds`` lists ``q``).

        A threshold at or outside a bin's score range gives exact counts; inside one, the
        bin's samples count as spread evenly over its range (so a count can be off by at most
        that bin's samples). Counts are rounded to integers when the summary's are integral.

        Parameters
        ----------
        num_points : int, default 101
            Thresholds per table (at least 2).

        Returns
        -------
        dict
            ``{"schema_type": "accuracy_table", "schema_version": "1.0.1", "data": {
            "probability_tables", "percentile_tables", "probability_thresholds",
            "percentile_thresholds", "class_labels"}}``, JSON-serialisable.

        Examples
        --------
        >>> s = BinnedSummary.from_predictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> table = s.to_accuracy_table(num_points=3)
        >>> table["data"]["probability_tables"][1]
        [[2, 2, 0, 0], [1, 0, 2, 1], [0, 0, 2, 2]]
        """
        if not isinstance(num_points, (int, np.integer)) or num_points < 2:
            raise ValueError(f"num_points must be an integer >= 2, got {num_points!r}")
        levels = np.linspace(0.0, 1.0, int(num_points))
        integral = bool(np.all(self.counts == np.round(self.counts)))

        def rows(view, thresholds) -> list:
            _, pos, neg, lo, hi = view
            share = fraction_ge(lo, hi, thresholds)
            tp, fp = share @ pos, share @ neg
            p, n = float(pos.sum()), float(neg.sum())
            if integral:
                tp, fp = np.round(tp), np.round(fp)
            table = np.stack([tp, fp, n - fp, p - tp], axis=1)
            return table.astype(np.int64).tolist() if integral else table.tolist()

        views = self._class_views()
        return {
            "schema_type": "accuracy_table",
            "schema_version": ACCURACY_TABLE_VERSION,
            "data": {
                "probability_tables": [rows(v, levels) for v in views],
                "percentile_tables": [
                    rows(v, _quantiles(v[1] + v[2], v[3], v[4], levels)) for v in views
                ],
                "probability_thresholds": levels.tolist(),
                "percentile_thresholds": levels.tolist(),
                "class_labels": [str(v[0]) for v in views],
            },
        }

    @classmethod
    def from_accuracy_table(cls, value: Any, *, task: str | None = None) -> BinnedSummary:
        """A summary from Azure ML's accuracy table (a dict or its JSON text).

        The probability thresholds become the bin edges: bin ``i`` holds the scores in
        ``[t_i, t_(i+1))`` (and ``[0, t_0)``, ``[t_last, 1]``), with the counts the table's
        rows differ by, so the summary reproduces the probability tables exactly. The
        percentile tables (thresholds per class that the schema does not record) are not
        used.

        Parameters
        ----------
        value : dict or str
            ``{"schema_type": "accuracy_table", "data": {"probability_tables",
            "probability_thresholds", "class_labels", ...}}``.
        task : {"binary", "multiclass", "multilabel"}, optional
            Default: binary for two classes (the second one positive), else multiclass.

        Returns
        -------
        BinnedSummary

        Examples
        --------
        >>> s = BinnedSummary.from_predictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> back = BinnedSummary.from_accuracy_table(s.to_accuracy_table(num_points=3))
        >>> table = back.to_accuracy_table(num_points=3)["data"]["probability_tables"]
        >>> table == s.to_accuracy_table(num_points=3)["data"]["probability_tables"]
        True
        """
        data = _as_accuracy_table(value)
        labels = data["class_labels"]
        if not isinstance(labels, list) or not labels:
            raise ValueError("value: class_labels must be a non-empty list")
        try:
            t = np.asarray(data["probability_thresholds"], dtype=np.float64)
            tables = np.asarray(data["probability_tables"], dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"value: thresholds and tables must be numbers ({error})") from None
        if t.ndim != 1 or t.size < 1 or not np.isfinite(t).all():
            raise ValueError("value: probability_thresholds must be a non-empty list of numbers")
        if t[0] < 0 or t[-1] > 1 or np.any(np.diff(t) <= 0):
            raise ValueError("value: probability_thresholds must increase strictly within [0, 1]")
        if tables.shape != (len(labels), t.size, 4):
            raise ValueError(
                f"value: probability_tables must have shape [classes={len(labels)}, "
                f"thresholds={t.size}, 4], got {list(tables.shape)}"
            )
        if not np.isfinite(tables).all() or (tables < 0).any():
            raise ValueError("value: probability_tables must hold non-negative counts")
        tp, fp, tn, fn = np.moveaxis(tables, 2, 0)
        pos, neg = tp + fn, fp + tn
        if np.ptp(pos, axis=1).max() > 0 or np.ptp(neg, axis=1).max() > 0:
            raise ValueError("value: TP + FN and FP + TN must be the same at every threshold")
        if (np.diff(tp, axis=1) > 0).any() or (np.diff(fp, axis=1) > 0).any():
            raise ValueError("value: TP and FP must not grow with the threshold")
        if task is None:
            task = "binary" if len(labels) == 2 else "multiclass"
        if task not in ("binary", "multiclass", "multilabel"):
            raise ValueError(f"task must be binary, multiclass or multilabel, got {task!r}")
        if task == "binary" and len(labels) != 2:
            raise ValueError(f"task: binary needs 2 class_labels, got {len(labels)}")
        rows = [1] if task == "binary" else list(range(len(labels)))
        edges = t if t[0] == 0 else np.concatenate([[0.0], t])
        counts = np.zeros((len(rows), edges.size, 2))
        for k, j in enumerate(rows):
            ge_pos = np.append(tp[j], 0.0)
            ge_neg = np.append(fp[j], 0.0)
            inside = slice(edges.size - t.size, None)
            counts[k, inside, 1] = ge_pos[:-1] - ge_pos[1:]
            counts[k, inside, 0] = ge_neg[:-1] - ge_neg[1:]
            if t[0] > 0:
                counts[k, 0] = (neg[j, 0] - fp[j, 0], pos[j, 0] - tp[j, 0])
        return cls(counts, labels, task, None, edges=edges)


class EvaluationAccumulator:
    """Scored predictions summarised batch by batch: memory independent of their number.

    Each :meth:`update` adds a batch's :class:`BinnedSummary` (per class one-vs-rest
    counts and score ranges in fixed bins) to the running one, so the memory is
    ``classes x bins`` (about 160 KB per class at 6 bits) however many batches come.
    Accumulators on several workers or chunks merge exactly (:meth:`merge`, or an
    all-reduce of :attr:`counts` and a min/max-reduce of :attr:`score_range`).

    This is the engine behind ``run.evaluation_accumulator(name, task=..., labels=...)``:
    ``update(y_true, y_score)`` per batch, ``summary()`` for what is logged, ``result`` for
    the metrics.

    Parameters
    ----------
    task : {"binary", "multiclass", "multilabel"}, optional
        Inferred from the first batch when omitted (as by :func:`prepare`), then fixed.
    labels : sequence, optional
        Class labels in column order of ``y_score``; inferred from the first batch when
        omitted (pass them when a batch may lack a class), then fixed.
    mantissa_bits : int, default 6
        Bin resolution (see :class:`BinnedSummary`).

    Examples
    --------
    >>> acc = EvaluationAccumulator(labels=[0, 1])
    >>> acc.update([0, 1, 1], [0.2, 0.9, 0.6])
    >>> acc.update([0, 0, 1], [0.4, 0.1, 0.7])
    >>> acc.n_samples, acc.result["roc_auc"]
    (6.0, 1.0)
    """

    def __init__(
        self, *, task: str | None = None, labels: Any = None, mantissa_bits: int = 6
    ) -> None:
        if task is not None and task not in ("binary", "multiclass", "multilabel"):
            raise ValueError(f"task must be binary, multiclass, multilabel or None, got {task!r}")
        if not 1 <= mantissa_bits <= 20:
            raise ValueError(f"mantissa_bits must be in [1, 20], got {mantissa_bits}")
        self.task = task
        self.labels = None if labels is None else list(labels)
        self.mantissa_bits = int(mantissa_bits)
        self._summary: BinnedSummary | None = None
        self.batches = 0

    def update(self, y_true: Any, y_score: Any, sample_weight: Any = None) -> None:
        """Add one batch (validated like :func:`prepare`; an empty batch is ignored).

        Parameters
        ----------
        y_true, y_score, sample_weight
            As for :func:`prepare`, for this batch only.
        """
        if np.size(y_true) == 0:
            return
        batch = BinnedSummary.from_predictions(
            y_true,
            y_score,
            labels=self.labels,
            task=self.task,
            sample_weight=sample_weight,
            mantissa_bits=self.mantissa_bits,
        )
        self._add(batch)

    def _add(self, batch: BinnedSummary) -> None:
        if self._summary is None:
            self._summary = batch
            self.task, self.labels = batch.task, list(batch.labels)
        else:
            self._summary = self._summary.merge(batch)
        self.batches += 1

    def merge(self, other: EvaluationAccumulator | BinnedSummary) -> None:
        """Add another accumulator's (or a summary's) predictions to this one, exactly."""
        summary = other.summary() if isinstance(other, EvaluationAccumulator) else other
        if summary is not None:
            self._add(summary)

    def summary(self) -> BinnedSummary | None:
        """The summary of every batch so far (None before the first)."""
        return self._summary

    @property
    def counts(self) -> np.ndarray | None:
        """The summary's ``[keys, bins, 2]`` counts (sum-reducible across workers)."""
        return None if self._summary is None else self._summary.counts

    @property
    def score_range(self) -> np.ndarray | None:
        """The summary's ``[keys, bins, 2]`` lowest/highest scores (min/max-reducible)."""
        return None if self._summary is None else self._summary.score_range

    @property
    def n_samples(self) -> float:
        """Total weight added (the number of samples when unweighted)."""
        return 0.0 if self._summary is None else self._summary.n_samples

    @property
    def result(self) -> dict[str, float]:
        """:meth:`BinnedSummary.metrics` of everything so far (empty before any batch)."""
        return {} if self._summary is None else self._summary.metrics()

    def reset(self) -> None:
        """Forget every batch (task and labels stay fixed once known)."""
        self._summary = None
        self.batches = 0
