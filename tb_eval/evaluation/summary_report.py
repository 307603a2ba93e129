"""A :class:`Report` from a :class:`BinnedSummary`: every curve and metric the summary
determines, what it bounds them by, and what it cannot give.

A summary keeps, per class, the positives and negatives of fixed score bins and each bin's
score range. From it come, one class against the rest: ROC, PR, DET, gains, lift, KS and the
threshold table (every point an exact point of the raw curves, at a bin's lowest score), ROC
AUC and AP (with :meth:`BinnedSummary.error_bounds`), the confusion matrix at any threshold
(exact unless the threshold falls inside a bin's score range, whose samples then count as
spread evenly over it) and the reliability diagrams (each bin's samples at its range's
midpoint). Not from it: what needs each prediction (log loss, Brier score, the per-row
table) and, for multiclass, what needs a sample's scores of every class at once (the argmax
confusion matrix, accuracy, top-k).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import binary as B
from . import classification as K
from .binned import BinnedSummary, fraction_ge
from .calibration import calibration_from_counts, max_calibration_error
from .curves import binary_curve_set
from .report import (
    MetricCollector,
    Report,
    add_macro_curves,
    binary_confusion_metrics,
    confusion_curve,
)
from .thresholds import threshold_table_from_counts

__all__ = ["evaluate_summary", "summary_threshold_table", "UNAVAILABLE"]

PER_SAMPLE = "needs each prediction's score; a binned summary keeps counts per score bin"
JOINT = (
    "needs every class's score of each sample (the argmax); a binned summary keeps each "
    "class against the rest"
)
ROWS = "a binned summary keeps no rows"
#: What a summary cannot give, by task: metric or view -> why.
UNAVAILABLE: dict[str, dict[str, str]] = {
    "binary": {"log_loss": PER_SAMPLE, "brier_score": PER_SAMPLE, "rows": ROWS},
    "multiclass": {
        "log_loss": PER_SAMPLE,
        "brier_score": PER_SAMPLE,
        "rows": ROWS,
        **dict.fromkeys(
            (
                "accuracy",
                "balanced_accuracy",
                "precision",
                "recall",
                "f1",
                "matthews_corrcoef",
                "cohen_kappa",
                "top_k_accuracy",
                "ece",
                "confusion_matrix",
            ),
            JOINT,
        ),
    },
    "multilabel": {
        "log_loss": PER_SAMPLE,
        "brier_score": PER_SAMPLE,
        "rows": ROWS,
        "accuracy": (
            "subset accuracy needs every label's score of each sample; a binned summary keeps "
            "each label against the rest"
        ),
    },
}
THRESHOLD = 0.5


def _bins(summary: BinnedSummary, key: str | None):
    """(positives, negatives, lowest, highest score) of the used bins, descending."""
    return summary.descending_bins(key)


def _counts_at(summary: BinnedSummary, key: str | None, t: float) -> tuple[float, float, float]:
    """(TP, FP, uncertain weight) of ``score >= t``; uncertain: the weight of the bins whose
    score range holds ``t`` strictly inside (they count as spread evenly)."""
    pos, neg, lo, hi = _bins(summary, key)
    share = fraction_ge(lo, hi, np.array([t]))[0]
    inside = (lo < t) & (t <= hi) & (lo < hi)
    return float(share @ pos), float(share @ neg), float((pos + neg)[inside].sum())


def _midpoint_counts(summary: BinnedSummary, key: str | None) -> B.BinaryCounts:
    pos, neg, lo, hi = _bins(summary, key)
    return B.BinaryCounts((lo + hi) / 2, np.cumsum(pos), np.cumsum(neg))


def _calibration(summary: BinnedSummary, key: str | None) -> tuple[dict, float, float]:
    """Reliability diagrams and ECE (each bin's samples at its midpoint) and a bound on the
    ECE's error: half of each bin's width per sample, plus twice the weight of the bins that
    straddle a uniform bin edge (their samples may belong to either side)."""
    pos, neg, lo, hi = _bins(summary, key)
    calib, ece = calibration_from_counts(_midpoint_counts(summary, key))
    weight = pos + neg
    total = float(weight.sum())
    inner = np.linspace(0.0, 1.0, 11)[1:-1]
    straddle = ((lo[:, None] <= inner) & (inner < hi[:, None])).any(axis=1) & (lo < hi)
    bound = (float(weight @ ((hi - lo) / 2)) + 2.0 * float(weight[straddle].sum())) / total
    return calib, ece, min(bound, 1.0)


def _ks(summary: BinnedSummary, key: str | None) -> tuple[float, float]:
    """KS statistic (at the bin boundaries, exact there) and its bound: within a bin the gap
    moves by at most that bin's share of the positives or negatives."""
    pos, neg, lo, hi = _bins(summary, key)
    c = B.BinaryCounts(lo, np.cumsum(pos), np.cumsum(neg))
    ks, _ = B.ks_statistic(c)
    p, n = c.pos, c.neg
    spread = lo < hi
    if p <= 0 or n <= 0 or not spread.any():
        return ks, 0.0
    return ks, float(np.max(np.maximum(pos[spread] / p, neg[spread] / n)))


def evaluate_summary(
    summary: BinnedSummary, max_points: int | None = 1000
) -> tuple[Report, dict[str, Any]]:
    """The report of a binned summary and what describes it.

    Parameters
    ----------
    summary : BinnedSummary
    max_points : int or None, default 1000
        Maximum points per display curve (None: one point per used bin).

    Returns
    -------
    report : Report
        Metrics and curves as :func:`evaluate` names them (``thresholds`` included).
    info : dict
        ``error_bounds`` (metric -> worst-case absolute error against the raw data),
        ``unavailable`` (metric or view -> why a summary cannot give it), ``bins``,
        ``mantissa_bits`` and ``threshold`` (of the confusion matrix).

    Examples
    --------
    >>> s = BinnedSummary.from_predictions([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    >>> report, info = evaluate_summary(s)
    >>> report.metrics["roc_auc"], info["error_bounds"]["roc_auc"]
    (1.0, 0.0)
    >>> "log_loss" in info["unavailable"]
    True
    """
    if max_points is not None and max_points < 16:
        raise ValueError(f"max_points must be None or >= 16, got {max_points}")
    col = MetricCollector()
    curves: dict[str, Any] = {}
    bounds: dict[str, float] = {}
    areas, area_bounds = summary.metrics(), summary.error_bounds()
    for name, value in areas.items():
        what = "positive" if name.startswith("average_precision") else "positive or negative"
        col.put(name, value, f"y_true has no {what} samples")
        if np.isfinite(area_bounds.get(name, np.nan)):
            bounds[name] = float(area_bounds[name])
    task = summary.task
    class_keys = summary.keys()
    for key in class_keys:
        bin_key = None if task == "binary" else key
        for kind, cur in binary_curve_set(summary.binary_counts(bin_key), max_points).items():
            curves.setdefault(kind, {})[key] = cur
        if task == "multilabel" and key == "micro":
            continue
        calib, ece, ece_bound = _calibration(summary, bin_key)
        curves.setdefault("calibration", {})[key] = calib
        ks, ks_bound = _ks(summary, bin_key)
        suffix = "" if task == "binary" else f"/{key}"
        if key == "micro":
            suffix = "_micro"
        col.put("ks_statistic" + suffix, ks, "y_true has one class only")
        bounds["ks_statistic" + suffix] = ks_bound
        if task == "binary":
            col.put("ece", ece, "no samples")
            col.put("mce", max_calibration_error(calib["uniform"]), "no samples")
            bounds["ece"] = ece_bound
    if task != "binary":
        add_macro_curves(curves, [k for k in class_keys if k != "micro"], max_points)
    uncertain: dict[str, float] = {}
    if task == "binary":
        tp, fp, unsure = _counts_at(summary, None, THRESHOLD)
        p, n = summary.counts[0, :, 1].sum(), summary.counts[0, :, 0].sum()
        cm = np.array([[n - fp, fp], [p - tp, tp]])
        binary_confusion_metrics(col, curves, cm, summary.labels)
        uncertain[str(summary.labels[1])] = unsure
        if p + n > 0:
            bounds["accuracy"] = unsure / (p + n)
    elif task == "multilabel":
        matrices = {}
        for key in class_keys[:-1]:
            tp, fp, unsure = _counts_at(summary, key, THRESHOLD)
            h = summary.key_bins(key)[0]
            p, n = h[:, 1].sum(), h[:, 0].sum()
            matrices[key] = confusion_curve(np.array([[n - fp, fp], [p - tp, tp]]), [0, 1])
            uncertain[key] = unsure
            pc = K.per_class_prf(np.array([tp]), np.array([fp]), np.array([p - tp]))
            for name in ("precision", "recall", "f1"):
                col.put(f"{name}/{key}", pc[name][0], f"{name} of {key} is undefined (0/0)")
            col.put(f"support/{key}", p, "")
        curves["confusion_matrix"] = matrices
    info = {
        "bins": int(summary.counts.shape[1]),
        "mantissa_bits": summary.mantissa_bits,
        "threshold": THRESHOLD,
        "error_bounds": bounds,
        "threshold_uncertain": uncertain,
        "unavailable": dict(UNAVAILABLE[task]),
    }
    n_samples = summary.n_samples
    report = Report(task, col.metrics, curves, col.undefined, list(summary.labels), n_samples)
    return report, info


def summary_threshold_table(
    summary: BinnedSummary, label: str, max_rows: int | None = 1000
) -> dict[str, Any]:
    """The threshold table of one class against the rest (binary: the positive label), at
    each bin's lowest score: every row is an exact row of the raw data's table.

    Parameters
    ----------
    summary : BinnedSummary
    label : str
        The class (ignored for binary: the positive label).
    max_rows : int or None, default 1000
        As for :func:`threshold_table`.

    Returns
    -------
    dict
        The columns of :func:`threshold_table`, ``positives``, ``negatives`` and
        ``exact_points`` (the used bins).

    Examples
    --------
    >>> s = BinnedSummary.from_predictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> table = summary_threshold_table(s, "1")
    >>> table["threshold"].tolist(), table["tp"].tolist(), table["fp"].tolist()
    ([0.8, 0.4, 0.35, 0.1], [1.0, 1.0, 2.0, 2.0], [0.0, 1.0, 1.0, 2.0])
    """
    key = None if summary.task == "binary" else str(label)
    return threshold_table_from_counts(summary.binary_counts(key), max_rows=max_rows)
