"""Assemble the display curves of one binary (or one-vs-rest) problem from its counts.

With ``max_points=None`` the curves are exact (every distinct threshold). Otherwise the
kept thresholds are chosen once (see :mod:`.reduce`) and every curve is built only at
those indices, so no O(n) float64 array per curve is ever materialised.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import binary as B
from .reduce import arc_length_indices, minmax_between, segment_deviation_bound

__all__ = [
    "CURVE_KINDS",
    "KeptPoints",
    "binary_curve_set",
    "reduced_curve_set",
    "select_thresholds",
]

CURVE_KINDS = ("roc", "precision_recall", "det", "cumulative_gains", "lift", "ks", "thresholds")


def select_thresholds(
    c: B.BinaryCounts, precision: np.ndarray, max_points: int | None
) -> np.ndarray | None:
    """Indices of distinct thresholds to keep, or None when no reduction is needed."""
    d = c.tps.size
    if max_points is None or d + 2 <= max_points:
        return None
    if max_points < 16:
        raise ValueError(f"max_points must be None or >= 16, got {max_points}")
    budget = max_points - 4  # room for the curves' extra end points
    p = c.pos if c.pos > 0 else 1.0
    n = c.neg if c.neg > 0 else 1.0
    if c.exact:
        # fpr + tpr scaled by P * N: exact, monotone integers.
        roc_param = np.multiply(c.fps, int(p), dtype=np.int64)
        roc_param += np.multiply(c.tps, int(n), dtype=np.int64)
    else:
        roc_param = c.fps * (1.0 / n)
        roc_param += c.tps * (1.0 / p)
    keep = arc_length_indices(roc_param, budget // 2 - 1)
    del roc_param
    pr_param = B.diff0(precision)
    pr_param[0] = 0.0
    np.abs(pr_param, out=pr_param)
    np.cumsum(pr_param, out=pr_param)
    pr_param += c.tps * (1.0 / p)
    keep2 = arc_length_indices(pr_param, budget - budget // 2 - 1)
    return np.union1d(keep, keep2)


def _curve(columns: dict, deviation: float, exact_points: int) -> dict:
    out = dict(columns)
    out["max_deviation"] = float(deviation)
    out["exact_points"] = int(exact_points)
    return out


def binary_curve_set(
    c: B.BinaryCounts, max_points: int | None, precision: np.ndarray | None = None
) -> dict[str, dict]:
    """ROC, PR, DET, gains, lift, KS and threshold table for one binary problem.

    Parameters
    ----------
    c : BinaryCounts
        Cumulative counts from :func:`.binary.binary_counts`.
    max_points : int or None
        Maximum points per curve; None for the exact curves.
    precision : numpy.ndarray, optional
        ``c.tps / (c.tps + c.fps)`` if already computed (saves a pass).

    Returns
    -------
    dict of str to dict
        Columnar curves (numpy arrays), each with ``max_deviation`` and ``exact_points``.
    """
    if precision is None:
        precision = B.precision_at(c)
    d = c.tps.size
    keep = select_thresholds(c, precision, max_points)
    p, n = c.pos, c.neg
    if keep is None:
        total = p + n
        return _exact_set(c, precision, p / total if total > 0 else float("nan"))
    lo = int(np.searchsorted(c.fps, c.fps.dtype.type(0), side="right")) - 1
    hi = int(np.searchsorted(c.tps, c.tps[-1]))
    ends = np.array([max(lo, 0), hi])
    kept = KeptPoints(
        index=keep,
        thresholds=c.thresholds_at(keep),
        tps=c.tps[keep].astype(np.float64, copy=False),
        fps=c.fps[keep].astype(np.float64, copy=False),
        precision=precision[keep],
        segment_range=minmax_between(precision, keep),
        pos=p,
        neg=n,
        exact_points=d,
        det_ends=(lo, hi),
        det_values=(
            c.tps[ends].astype(np.float64),
            c.fps[ends].astype(np.float64),
            c.thresholds_at(ends),
        ),
    )
    return reduced_curve_set(kept)


@dataclasses.dataclass
class KeptPoints:
    """The kept (exact) points of one reduced curve set and what its deviation bounds need.

    ``index`` are distinct-threshold indices (increasing); ``thresholds``, ``tps``, ``fps``,
    ``precision`` their values; ``segment_range`` the (min, max) of the exact precision
    between consecutive kept points (any range that covers every exact point strictly
    between them); ``det_ends`` the DET trimming indices (last threshold with no false
    positive, -1 for none; first with full recall) and ``det_values`` their tps, fps and
    thresholds (two entries each; the first is unused when its index is -1).
    """

    index: np.ndarray
    thresholds: np.ndarray
    tps: np.ndarray
    fps: np.ndarray
    precision: np.ndarray
    segment_range: tuple[np.ndarray, np.ndarray]
    pos: float
    neg: float
    exact_points: int
    det_ends: tuple[int, int]
    det_values: tuple[np.ndarray, np.ndarray, np.ndarray]


def reduced_curve_set(k: KeptPoints) -> dict[str, dict]:
    """The reduced ROC, PR, DET, gains, lift, KS and threshold table from kept points."""
    p, n, d = k.pos, k.neg, k.exact_points
    total = p + n
    prevalence = p / total if total > 0 else float("nan")
    thr, tps, fps, prec = k.thresholds, k.tps, k.fps, k.precision
    with np.errstate(divide="ignore", invalid="ignore"):
        tpr = tps / p if p > 0 else np.full(tps.shape, np.nan)
        fpr = fps / n if n > 0 else np.full(fps.shape, np.nan)
    # Precision is not monotone: its range between kept points bounds the PR and lift boxes.
    plo, phi = k.segment_range
    frac = (tps + fps) / total
    curves: dict[str, dict] = {}

    roc_x = np.concatenate([[0.0], fpr])
    roc_y = np.concatenate([[0.0], tpr])
    curves["roc"] = _curve(
        {"fpr": roc_x, "tpr": roc_y, "thresholds": np.concatenate([[np.inf], thr])},
        segment_deviation_bound(roc_x, roc_y),
        d + 1,
    )
    rec = tpr if p > 0 else np.ones_like(tps)
    # The exact PR curve starts (in this order) at the (recall 0, precision 1) end point.
    dev_pr = segment_deviation_bound(
        np.concatenate([[0.0], rec]),
        np.concatenate([[1.0], prec]),
        np.concatenate([[np.inf], plo]),
        np.concatenate([[-np.inf], phi]),
    )
    curves["precision_recall"] = _curve(
        {
            "precision": np.concatenate([prec[::-1], [1.0]]),
            "recall": np.concatenate([rec[::-1], [0.0]]),
            "thresholds": thr[::-1].copy(),
        },
        dev_pr,
        d + 1,
    )
    curves["det"] = _reduced_det(k)
    curves["cumulative_gains"] = _curve(
        {
            "fraction": np.concatenate([[0.0], frac]),
            "gain": np.concatenate([[0.0], tpr]),
            "thresholds": np.concatenate([[np.inf], thr]),
        },
        segment_deviation_bound(np.concatenate([[0.0], frac]), np.concatenate([[0.0], tpr])),
        d + 1,
    )
    lift = prec / prevalence if prevalence > 0 else np.full(prec.shape, np.nan)
    if prevalence > 0:
        dev_lift = segment_deviation_bound(frac, lift, plo / prevalence, phi / prevalence)
    else:
        dev_lift = 0.0
    curves["lift"] = _curve({"fraction": frac, "lift": lift, "thresholds": thr}, dev_lift, d)
    curves["ks"] = _curve(
        {"thresholds": thr, "tpr": tpr, "fpr": fpr},
        max(segment_deviation_bound(thr, tpr), segment_deviation_bound(thr, fpr)),
        d,
    )
    table = B.table_from_counts(thr, tps, fps, p, n)
    curves["thresholds"] = _curve(table, 0.0, d)
    return curves


def _reduced_det(k: KeptPoints) -> dict:
    # DET keeps sklearn's trimming: start at the last threshold with zero false positives,
    # stop at the first with full recall (both located by the caller).
    p, n = k.pos, k.neg
    lo, hi = k.det_ends
    keep = k.index
    inner = (keep > lo) & (keep < hi)
    dtp, dfp, dthr = k.det_values
    if hi > lo:
        first = ([0.0], [0.0], [np.inf]) if lo < 0 else ([dfp[0]], [dtp[0]], [dthr[0]])
        fp_ = np.concatenate([first[0], k.fps[inner], [dfp[1]]])
        tp_ = np.concatenate([first[1], k.tps[inner], [dtp[1]]])
        th_ = np.concatenate([first[2], k.thresholds[inner], [dthr[1]]])
    else:
        fp_, tp_, th_ = np.array([dfp[1]]), np.array([dtp[1]]), np.array([dthr[1]])
    x = fp_ / n if n > 0 else np.full(fp_.shape, np.nan)
    y = (p - tp_) / p if p > 0 else np.full(tp_.shape, np.nan)
    return _curve(
        {"fpr": x[::-1].copy(), "fnr": y[::-1].copy(), "thresholds": th_[::-1].copy()},
        segment_deviation_bound(x, y),
        hi - lo + 1,
    )


def _exact_set(c: B.BinaryCounts, precision: np.ndarray, prevalence: float) -> dict:
    d = c.tps.size
    roc = B.roc_curve(c)
    pr = B.pr_curve(c)
    det = B.det_curve(c)
    gains, lift = B.gains_lift_curves(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        ks = {
            "thresholds": c.thresholds.copy(),
            "tpr": c.tps / c.pos if c.pos > 0 else np.full(d, np.nan),
            "fpr": c.fps / c.neg if c.neg > 0 else np.full(d, np.nan),
        }
    return {
        "roc": _curve(roc, 0.0, d + 1),
        "precision_recall": _curve(pr, 0.0, d + 1),
        "det": _curve(det, 0.0, det["fpr"].size),
        "cumulative_gains": _curve(gains, 0.0, d + 1),
        "lift": _curve(lift, 0.0, d),
        "ks": _curve(ks, 0.0, d),
        "thresholds": _curve(B.threshold_table(c), 0.0, d),
    }
