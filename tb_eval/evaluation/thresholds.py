"""The one-vs-rest threshold table: confusion counts and rates at every (selected) threshold."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import binary as B
from .curves import select_thresholds
from .inputs import Prepared

__all__ = ["MIN_ROWS", "THRESHOLD_COLUMNS", "one_vs_rest", "threshold_table"]

#: The fewest rows a reduced table keeps (the display-curve selection needs 16 points).
MIN_ROWS = 16
#: Columns of :func:`threshold_table`, in order.
THRESHOLD_COLUMNS = (
    "threshold",
    "tp",
    "fp",
    "tn",
    "fn",
    "precision",
    "recall",
    "fpr",
    "f1",
    "accuracy",
    "specificity",
    "mcc",
)


def one_vs_rest(prepared: Prepared, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The binary problem "class ``index`` against the rest" of a classification task.

    Parameters
    ----------
    prepared : Prepared
        A binary, multiclass or multilabel problem with scores.
    index : int
        Position of the class in ``prepared.labels``.

    Returns
    -------
    positive : numpy.ndarray of bool
        True where the sample belongs to the class.
    score : numpy.ndarray
        The score of the class (binary class 0: ``1 - y_score``), contiguous.

    Examples
    --------
    >>> from tb_eval.evaluation import prepare
    >>> positive, score = one_vs_rest(prepare([0, 1, 1], [0.2, 0.7, 0.4]), 0)
    >>> positive.tolist(), score.round(2).tolist()
    ([True, False, False], [0.8, 0.3, 0.6])
    """
    p = prepared
    if p.y_score is None or p.task == "regression":
        raise ValueError(f"prepared: a {p.task} problem without scores has no thresholds")
    if not 0 <= index < len(p.labels):
        raise ValueError(f"index: {index} is not a class position (0..{len(p.labels) - 1})")
    if p.task == "binary":
        return p.y_true == index, (p.y_score if index == 1 else 1.0 - p.y_score)
    if p.task == "multiclass":
        return p.y_true == index, np.ascontiguousarray(p.y_score[:, index])
    return p.y_true[:, index].astype(bool), np.ascontiguousarray(p.y_score[:, index])


def threshold_table(
    y_true: Any,
    y_score: Any,
    sample_weight: Any = None,
    *,
    max_rows: int | None = None,
    keep_threshold: float | None = 0.5,
) -> dict[str, Any]:
    """Confusion counts and rates of ``score >= t`` at the distinct thresholds ``t``.

    Parameters
    ----------
    y_true : array-like of bool
        True for the positive class (0/1 integers are accepted).
    y_score : array-like of float
        Non-negative scores (probabilities), float32 or float64.
    sample_weight : array-like, optional
        Non-negative weights (zero-weight samples create no threshold).
    max_rows : int, optional
        Keep at most about ``max_rows`` rows (at least ``MIN_ROWS`` (16)), chosen at equal
        arc-length steps along the ROC and PR curves, every one an exact threshold; the
        default keeps every distinct threshold.
    keep_threshold : float or None, default 0.5
        When rows are dropped, the row of the lowest threshold ``>= keep_threshold`` (the
        default operating point) is kept all the same.

    Returns
    -------
    dict
        The columns of ``THRESHOLD_COLUMNS`` (float64 arrays, thresholds decreasing;
        ``precision`` is NaN where nothing is predicted positive, ``fpr``/``recall`` where a
        class is empty; ``mcc`` is 0 where undefined, as in scikit-learn), and
        ``positives``, ``negatives`` (total weights) and ``exact_points`` (distinct
        thresholds before any reduction).

    Examples
    --------
    >>> table = threshold_table([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> table["threshold"].tolist(), table["tp"].tolist(), table["fp"].tolist()
    ([0.8, 0.4, 0.35, 0.1], [1.0, 1.0, 2.0, 2.0], [0.0, 1.0, 1.0, 2.0])
    >>> table["fpr"].tolist(), table["mcc"].round(3).tolist()
    ([0.0, 0.5, 0.5, 1.0], [0.577, 0.0, 0.577, 0.0])
    """
    positive = np.asarray(y_true)
    score = np.asarray(y_score)
    weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    c = B.binary_counts(positive, score, weight)
    return threshold_table_from_counts(c, max_rows=max_rows, keep_threshold=keep_threshold)


def threshold_table_from_counts(
    c: B.BinaryCounts, *, max_rows: int | None = None, keep_threshold: float | None = 0.5
) -> dict[str, Any]:
    """:func:`threshold_table` from cumulative counts (e.g. a binned summary's)."""
    precision = B.precision_at(c)
    keep = None
    if max_rows is not None:
        # One row is kept back for the default operating point; the selection leaves room for
        # its curves' end points, so ``max_rows`` itself still bounds the rows at MIN_ROWS.
        keep = select_thresholds(c, precision, max(max_rows - 1, MIN_ROWS))
    if keep is not None and keep_threshold is not None:
        at_keep = c.groups_ge(keep_threshold) - 1
        if at_keep >= 0:
            keep = np.union1d(keep, [at_keep])
    table = B.threshold_table(c, keep)
    tp, fp, tn, fn = table["tp"], table["fp"], table["tn"], table["fn"]
    with np.errstate(divide="ignore", invalid="ignore"):
        fpr = fp / c.neg if c.neg > 0 else np.full(tp.shape, np.nan)
        denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = np.where(denominator > 0, (tp * tn - fp * fn) / denominator, 0.0)
    out: dict[str, Any] = {"fpr": fpr, "mcc": mcc}
    out = {column: out[column] if column in out else table[column] for column in THRESHOLD_COLUMNS}
    out.update(positives=c.pos, negatives=c.neg, exact_points=int(c.tps.size))
    return out
