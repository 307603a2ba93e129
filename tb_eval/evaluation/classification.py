"""Confusion-matrix and probability metrics for classification, matching scikit-learn.

Undefined values (a zero denominator) are returned as NaN here; the report turns them into
entries of ``Report.undefined`` with a reason. Averages skip undefined classes, like
scikit-learn with ``zero_division=np.nan``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "NORMALIZATIONS",
    "confusion_matrix",
    "normalize_confusion",
    "per_class_prf",
    "averaged_prf",
    "matthews_corrcoef",
    "cohen_kappa",
    "balanced_accuracy",
    "log_loss",
    "binary_log_loss_brier",
    "brier_score",
    "top_k_accuracy",
]


def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, weight: np.ndarray | None = None
) -> np.ndarray:
    """Weighted confusion matrix (rows: true class, columns: predicted), one bincount."""
    flat = y_true * n_classes + y_pred
    return (
        np.bincount(flat, weights=weight, minlength=n_classes * n_classes)
        .reshape(n_classes, n_classes)
        .astype(np.float64)
    )


#: The ``normalize`` values of :func:`normalize_confusion` (scikit-learn's).
NORMALIZATIONS = ("true", "pred", "all")


def normalize_confusion(matrix: Any, normalize: str) -> np.ndarray:
    """A confusion matrix divided by its row sums, column sums or total, as scikit-learn does.

    Parameters
    ----------
    matrix : array-like, shape (n_classes, n_classes)
        Counts or weights; rows are the true class, columns the predicted class.
    normalize : {"true", "pred", "all"}
        Divide by the row sums (``"true"``: each row is a recall), the column sums
        (``"pred"``: each column is a precision) or the total.

    Returns
    -------
    numpy.ndarray
        float64, with 0 where the row, column or total is 0 (like
        ``sklearn.metrics.confusion_matrix(..., normalize=...)``).

    Examples
    --------
    >>> normalize_confusion([[3, 1], [0, 0]], "true").tolist()
    [[0.75, 0.25], [0.0, 0.0]]
    >>> normalize_confusion([[3, 1], [0, 0]], "all").tolist()
    [[0.75, 0.25], [0.0, 0.0]]
    """
    if normalize not in NORMALIZATIONS:
        raise ValueError(f"normalize must be one of {NORMALIZATIONS}, got {normalize!r}")
    m = np.asarray(matrix, dtype=np.float64)
    if normalize == "all":
        total = m.sum()
        return m / total if total > 0 else np.zeros_like(m)
    sums = m.sum(axis=1 if normalize == "true" else 0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums > 0, m / np.where(sums > 0, sums, 1), 0.0)


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)


def per_class_prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> dict[str, np.ndarray]:
    """Per-class precision, recall, F1 and support (NaN where undefined)."""
    return {
        "precision": _div(tp, tp + fp),
        "recall": _div(tp, tp + fn),
        "f1": _div(2 * tp, 2 * tp + fp + fn),
        "support": tp + fn,
    }


def averaged_prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> dict[str, float]:
    """Micro, macro and support-weighted averages of precision, recall and F1."""
    pc = per_class_prf(tp, fp, fn)
    out: dict[str, float] = {}
    stp, sfp, sfn = tp.sum(), fp.sum(), fn.sum()
    micro = {
        "precision": _div(stp, stp + sfp),
        "recall": _div(stp, stp + sfn),
        "f1": _div(2 * stp, 2 * stp + sfp + sfn),
    }
    support = pc["support"]
    for name in ("precision", "recall", "f1"):
        vals = pc[name]
        ok = ~np.isnan(vals)
        out[f"{name}_micro"] = float(micro[name])
        out[f"{name}_macro"] = float(vals[ok].mean()) if ok.any() else float("nan")
        wsum = support[ok].sum()
        out[f"{name}_weighted"] = (
            float(np.dot(vals[ok], support[ok]) / wsum) if ok.any() and wsum > 0 else float("nan")
        )
    return out


def balanced_accuracy(cm: np.ndarray) -> float:
    """Mean recall over the classes present in y_true (scikit-learn's definition)."""
    rows = cm.sum(axis=1)
    present = rows > 0
    return float((np.diag(cm)[present] / rows[present]).mean())


def matthews_corrcoef(cm: np.ndarray) -> float:
    """Multiclass Matthews correlation (Gorodkin's R_K); 0 when y_true or the predictions
    hold a single class, like scikit-learn (detected exactly, so weighted inputs cannot hit
    the NaN that floating-point cancellation gives scikit-learn there)."""
    t = cm.sum(axis=1)
    p = cm.sum(axis=0)
    n = cm.sum()
    correct = np.trace(cm)
    cov_tp = correct * n - np.dot(t, p)
    cov_pp = n * n - np.dot(p, p)
    cov_tt = n * n - np.dot(t, t)
    if (p > 0).sum() <= 1 or (t > 0).sum() <= 1 or cov_pp * cov_tt <= 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_tt * cov_pp))


def cohen_kappa(cm: np.ndarray) -> float:
    """Cohen's kappa (unweighted) from a confusion matrix; NaN if chance agreement is 1."""
    n = cm.sum()
    expected = np.outer(cm.sum(axis=1), cm.sum(axis=0)) / n
    off = ~np.eye(cm.shape[0], dtype=bool)
    denom = expected[off].sum()
    if denom == 0:
        return float("nan")
    return float(1 - cm[off].sum() / denom)


def _wmean(values: np.ndarray, weight: np.ndarray | None) -> float:
    if weight is None:
        return float(values.mean())
    return float(np.einsum("i,i->", values, weight) / weight.sum())


def log_loss(p_true_class: np.ndarray, weight: np.ndarray | None) -> float:
    """Mean negative log probability of the true class, clipped to [eps, 1 - eps]."""
    eps = np.finfo(np.float64).eps
    return _wmean(-np.log(np.clip(p_true_class, eps, 1 - eps)), weight)


def binary_log_loss_brier(
    positive: np.ndarray, score: np.ndarray, weight: np.ndarray | None
) -> tuple[float, float]:
    """Binary log loss and Brier score in float64 with one n-sized buffer.

    ``brier = mean((s - y)^2)``; ``log_loss = mean(-log(clip(p_true)))`` with
    ``p_true = s`` for positives and ``1 - s`` for negatives (float32 scores are widened
    first, so the result equals that of their float64 copy).
    """
    d = np.subtract(score, positive, dtype=np.float64)
    np.multiply(d, d, out=d)
    brier = _wmean(d, weight)
    q = d  # reused: p_true = 1 - s, then s where positive
    np.subtract(1.0, score, out=q, dtype=np.float64)
    np.copyto(q, score, where=positive)
    eps = np.finfo(np.float64).eps
    np.clip(q, eps, 1 - eps, out=q)
    np.log(q, out=q)
    return -_wmean(q, weight), brier


def brier_score(
    y_true: np.ndarray, score: np.ndarray, weight: np.ndarray | None, binary: bool
) -> float:
    """Brier score; binary: mean (p - y)^2; multiclass: mean over rows of sum_c (p_c - y_c)^2.

    Multiclass rows are widened to float64 in cache-sized blocks (float32 scores give the
    result of their float64 copy without an [n, C] float64 temporary).
    """
    if binary:
        d = score - y_true
        return _wmean(d * d, weight)
    n = score.shape[0]
    per_row = np.empty(n)
    for a, b in _row_blocks(score):
        d = score[a:b].astype(np.float64)
        d[np.arange(b - a), y_true[a:b]] -= 1.0
        np.einsum("ij,ij->i", d, d, out=per_row[a:b])
    return _wmean(per_row, weight)


def _row_blocks(score: np.ndarray, items: int = 1 << 16):
    step = max(1, items // max(1, score.shape[1]))
    n = score.shape[0]
    return [(a, min(a + step, n)) for a in range(0, n, step)]


def top_k_accuracy(
    y_true: np.ndarray, score: np.ndarray, ks: list[int], weight: np.ndarray | None
) -> dict[int, float]:
    """Fraction of rows whose true class is among the k highest scores.

    Ties are broken like scikit-learn (stable ascending argsort, reversed): among equal
    scores the class with the larger index ranks higher. Computed in cache-sized row blocks.
    """
    n = score.shape[0]
    rank = np.empty(n, dtype=np.int64)
    cols = np.arange(score.shape[1])[None, :]
    for a, b in _row_blocks(score):
        blk = score[a:b]
        yt = y_true[a:b]
        s_true = blk[np.arange(b - a), yt][:, None]
        beats = blk > s_true
        beats |= (blk == s_true) & (cols > yt[:, None])
        rank[a:b] = np.count_nonzero(beats, axis=1)
    return {k: _wmean((rank < k).astype(np.float64), weight) for k in ks}
