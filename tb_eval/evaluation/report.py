"""``evaluate``: metrics and curves for a prepared problem, packaged as a :class:`Report`."""

from __future__ import annotations

import dataclasses
import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from . import binary as B
from . import classification as K
from .calibration import (
    calibration_from_counts,
    calibration_raw,
    max_calibration_error,
    top_label_ece,
)
from .curves import binary_curve_set
from .inputs import Prepared, prepare
from .regression import CONSTANT_TARGET, UNDEFINED_REASONS, regression_curves, regression_metrics
from .stream import StreamSummary, summarise_sorted_keys

__all__ = ["Report", "evaluate", "evaluate_prepared"]

TOP_K = (3, 5)
#: Threads for the one-vs-rest sorts and streams of multiclass/multilabel reports (1: none).
THREADS = min(2, os.cpu_count() or 1)


@dataclasses.dataclass
class Report:
    """Evaluation result.

    Attributes
    ----------
    task : str
        The task evaluated.
    metrics : dict of str to float
        Flat, finite metric values (undefined ones are absent, see ``undefined``).
    curves : dict
        Curve kind -> key (class label as str, ``"micro"``, ``"macro"``) -> columnar dict.
    undefined : dict of str to str
        Metric name -> why it is undefined.
    labels : list
        Class labels (empty for regression).
    n_samples : int
        Number of samples evaluated.
    """

    task: str
    metrics: dict[str, float]
    curves: dict[str, Any]
    undefined: dict[str, str]
    labels: list
    n_samples: int = 0
    task_inferred: bool = False

    def to_dict(self) -> dict:
        """JSON-serialisable form: lists of floats, no numpy types, no NaN or infinity.

        Non-finite values inside curve columns (the ``+inf`` threshold of the first ROC
        point, an undefined lift) become ``None`` (JSON ``null``).

        Returns
        -------
        dict
        """
        return {
            "task": self.task,
            "task_inferred": bool(self.task_inferred),
            "n_samples": int(self.n_samples),
            "labels": list(self.labels),
            "metrics": {k: float(v) for k, v in self.metrics.items()},
            "undefined": dict(self.undefined),
            "curves": _jsonable(self.curves),
        }


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            lst = obj.tolist()
            if not np.isfinite(obj).all():
                return _jsonable(lst)
            return lst
        return obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


class MetricCollector:
    """Gathers metrics, routing NaN values to ``undefined`` with a reason."""

    def __init__(self) -> None:
        self.metrics: dict[str, float] = {}
        self.undefined: dict[str, str] = {}

    def put(self, name: str, value: float, reason: str) -> None:
        value = float(value)
        if math.isfinite(value):
            self.metrics[name] = value
        else:
            self.undefined[name] = reason


def evaluate(
    y_true: Any,
    y_score: Any = None,
    y_pred: Any = None,
    *,
    labels: Any = None,
    task: str | None = None,
    sample_weight: Any = None,
    max_points: int | None = 1000,
) -> Report:
    """Validate predictions and compute every metric and curve for the task.

    Parameters
    ----------
    y_true, y_score, y_pred, labels, task, sample_weight
        As for :func:`tb_eval.evaluation.prepare`.
    max_points : int or None, default 1000
        Maximum points per display curve; None keeps the exact curves. Areas (AUC, AP)
        are always computed on the exact curves.

    Returns
    -------
    Report

    Examples
    --------
    >>> r = evaluate([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    >>> r.metrics["roc_auc"]
    1.0
    """
    prepared = prepare(
        y_true,
        y_score,
        y_pred,
        labels=labels,
        task=task,
        sample_weight=sample_weight,
        keep_float32=True,
    )
    return evaluate_prepared(prepared, max_points=max_points)


def evaluate_prepared(prepared: Prepared, max_points: int | None = 1000) -> Report:
    """Evaluate an already :func:`prepare`-d problem (e.g. rebuilt from storage).

    Parameters
    ----------
    prepared : Prepared
        Output of :func:`prepare` or :meth:`Prepared.from_arrays`.
    max_points : int or None, default 1000
        As for :func:`evaluate`.

    Returns
    -------
    Report

    Examples
    --------
    >>> evaluate_prepared(prepare([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])).metrics["roc_auc"]
    1.0
    """
    if max_points is not None and max_points < 16:
        raise ValueError(f"max_points must be None or >= 16, got {max_points}")
    col = MetricCollector()
    curves: dict[str, Any] = {}
    p = prepared
    if p.task == "regression":
        for name, value in regression_metrics(p.y_true, p.y_pred, p.sample_weight).items():
            col.put(name, value, UNDEFINED_REASONS.get(name, CONSTANT_TARGET))
        curves = regression_curves(p.y_true, p.y_pred, p.sample_weight, max_points=max_points)
    elif p.task == "binary":
        _binary(p, col, curves, max_points)
    elif p.task == "multiclass":
        _multiclass(p, col, curves, max_points)
    else:
        _multilabel(p, col, curves, max_points)
    return Report(p.task, col.metrics, curves, col.undefined, list(p.labels), p.n, p.task_inferred)


# --------------------------------------------------------------------------------------
# Shared pieces


def confusion_curve(cm: np.ndarray, labels: list) -> dict:
    return {
        "labels": [str(v) for v in labels],
        "matrix": cm,
        **{f"normalized_{how}": K.normalize_confusion(cm, how) for how in K.NORMALIZATIONS},
    }


def label_metrics(col: MetricCollector, cm: np.ndarray, labels: list, suffix_avg: bool) -> None:
    tp = np.diag(cm)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    pc = K.per_class_prf(tp, fp, fn)
    for i, lab in enumerate(labels):
        for name in ("precision", "recall", "f1"):
            why = {
                "precision": f"no samples predicted as {lab!s}",
                "recall": f"no samples of class {lab!s} in y_true",
                "f1": f"class {lab!s} neither present nor predicted",
            }[name]
            col.put(f"{name}/{lab}", pc[name][i], why)
        col.put(f"support/{lab}", pc["support"][i], "")
    if suffix_avg:
        for name, value in K.averaged_prf(tp, fp, fn).items():
            col.put(name, value, "no class has a defined value")


def _macro_curve(per_class: dict, xk: str, yk: str, n: int, decreasing_x: bool = False) -> dict:
    """Pointwise mean of per-class curves interpolated on a uniform x grid (display only)."""
    grid = np.linspace(0.0, 1.0, n)
    ys = []
    for cur in per_class.values():
        x, y = cur[xk], cur[yk]
        if decreasing_x:
            x, y = x[::-1], y[::-1]
        if np.isfinite(y).all() and np.isfinite(x).all():
            ys.append(np.interp(grid, x, y))
    if not ys:
        return {}
    return {xk: grid, yk: np.mean(ys, axis=0), "n_classes": len(ys)}


def add_macro_curves(curves: dict, class_keys: list, max_points) -> None:
    n = 1001 if max_points is None else max_points
    for kind, xk, yk, dec in (
        ("roc", "fpr", "tpr", False),
        ("precision_recall", "recall", "precision", True),
        ("cumulative_gains", "fraction", "gain", False),
        ("lift", "fraction", "lift", False),
    ):
        per = {k: curves[kind][k] for k in class_keys if k in curves[kind]}
        macro = _macro_curve(per, xk, yk, n, dec)
        if macro:
            curves[kind]["macro"] = macro


# --------------------------------------------------------------------------------------
# Tasks


def _binary(p: Prepared, col: MetricCollector, curves: dict, max_points) -> None:
    y, s, w = p.y_true, p.y_score, p.sample_weight
    pos_label = p.labels[1]
    key = str(pos_label)
    pos = y == 1
    if s is not None:
        # Per-item metrics first, so their float64 temporaries are freed before the sort.
        ll, brier = K.binary_log_loss_brier(pos, s, w)
        col.put("log_loss", ll, "")
        col.put("brier_score", brier, "")
        c = B.binary_counts(pos, s, w)
        prec = B.precision_at(c)
        miss = "positive" if c.pos <= 0 else "negative"
        why = f"y_true has no {miss} samples"
        col.put("roc_auc", B.roc_auc(c), why)
        col.put("average_precision", B.average_precision(c, prec), "y_true has no positives")
        ks, _ = B.ks_statistic(c)
        col.put("ks_statistic", ks, why)
        for kind, cur in binary_curve_set(c, max_points, prec).items():
            curves[kind] = {key: cur}
        del prec
        calib, ece = calibration_from_counts(c)
        curves["calibration"] = {key: calib}
        col.put("ece", ece, "no samples")
        col.put("mce", max_calibration_error(calib["uniform"]), "no samples")
    if p.y_pred is not None:
        cm = K.confusion_matrix(y, p.y_pred, 2, w)
    else:
        # score >= 0.5 read off the cumulative counts in O(log n), no extra pass.
        k = c.groups_ge(0.5)
        tp = float(c.tps[k - 1]) if k else 0.0
        fp = float(c.fps[k - 1]) if k else 0.0
        cm = np.array([[c.neg - fp, fp], [c.pos - tp, tp]])
    binary_confusion_metrics(col, curves, cm, p.labels)


def binary_confusion_metrics(col: MetricCollector, curves: dict, cm: np.ndarray, labels) -> None:
    """The binary confusion matrix curve and every metric read off it (``precision``,
    ``recall`` and ``f1`` are the positive class's)."""
    curves["confusion_matrix"] = confusion_curve(cm, labels)
    common_cm_metrics(col, cm)
    label_metrics(col, cm, labels, suffix_avg=False)
    for name in ("precision", "recall", "f1"):
        full = f"{name}/{labels[1]}"
        if full in col.metrics:
            col.metrics[name] = col.metrics[full]
        else:
            col.undefined[name] = col.undefined[full]


def common_cm_metrics(col: MetricCollector, cm: np.ndarray) -> None:
    col.put("accuracy", np.trace(cm) / cm.sum(), "no samples")
    col.put("balanced_accuracy", K.balanced_accuracy(cm), "no samples")
    col.put("matthews_corrcoef", K.matthews_corrcoef(cm), "y_true or predictions hold one class")
    col.put("cohen_kappa", K.cohen_kappa(cm), "chance agreement is 1 (a single class)")


def _summary_from_counts(c: B.BinaryCounts, max_points) -> StreamSummary:
    """Metrics, curves and calibration of one binary problem from materialised counts
    (exact curves, weights, or a class absent from or universal in y_true)."""
    prec = B.precision_at(c)
    curves = binary_curve_set(c, max_points, prec)
    calib, ece = calibration_from_counts(c)
    return StreamSummary(
        pos=c.pos,
        neg=c.neg,
        roc_auc=B.roc_auc(c),
        average_precision=B.average_precision(c, prec),
        ks_statistic=B.ks_statistic(c)[0],
        curves=curves,
        calibration=calib,
        ece=ece,
    )


def _summary_from_keys(
    keys: np.ndarray, pos: int, max_points, with_ks: bool = True
) -> StreamSummary:
    """One-vs-rest summary from sorted keys: streamed when reduced, else exact counts."""
    neg = keys.size - pos
    # Distinct thresholds never outnumber items: with so few the stream would find the exact
    # curve fits and give up, so go straight to the exact counts.
    if max_points is not None and pos > 0 and neg > 0 and keys.size + 2 > max_points:
        out = summarise_sorted_keys(keys, pos, neg, max_points, with_ks=with_ks)
        if out is not None:
            return out
    return _summary_from_counts(B.counts_from_keys(keys), max_points)


def _score_columns(score: np.ndarray) -> np.ndarray:
    """The scores as a C-contiguous float32 matrix when that is exact, else float64.

    float32 scores (and float64 ones that are float32 values, e.g. decoded from storage)
    get uint32 keys: half the memory and ~1.5x faster sorts and merges than uint64.
    """
    if score.dtype == np.float32:
        return score
    narrow = score.astype(np.float32)
    if np.array_equal(narrow, score):
        return narrow
    del narrow
    return np.asarray(score, dtype=np.float64)


def _ovr_summaries(
    positives, pos_block, score: np.ndarray, w, n_classes: int, max_points, extra=None
):
    """One-vs-rest summaries per class plus the micro average (and ``extra()``'s result).

    Unweighted: one packed-key row per class (uint32 for float32-exact scores), sorted in
    place and summarised by one streamed pass (no per-threshold arrays); the micro average
    then sorts the concatenated rows in place with a stable (run-aware) sort that merges
    the C sorted runs in O(nC log C), and is streamed the same way. ``extra`` (per-item
    metrics that only read ``score``) runs beside the streams on the worker threads.
    """
    extra = extra or (lambda: None)
    if w is not None:
        per = [
            _summary_from_counts(B.binary_counts(positives(j), score[:, j], w), max_points)
            for j in range(n_classes)
        ]
        onehot = np.stack([positives(j) for j in range(n_classes)], axis=1)
        micro_c = B.binary_counts(onehot.ravel(), score.ravel(), np.repeat(w, n_classes))
        return per, _summary_from_counts(micro_c, max_points), extra()
    cols = _score_columns(score)
    n = cols.shape[0]
    udt = np.uint32 if cols.dtype == np.float32 else np.uint64
    bits = cols.view(udt)
    keys = np.empty((n_classes, n), dtype=udt)
    n_pos = np.zeros(n_classes, dtype=np.int64)
    # The [C, n] keys by cache-sized row blocks (reading columns one by one would stream
    # the whole score matrix C times).
    step = max(1, (1 << 18) // n_classes)
    for a in range(0, n, step):
        b = min(a + step, n)
        block = keys[:, a:b]
        np.left_shift(bits[a:b].T, udt(1), out=block)
        pb = pos_block(a, b)
        n_pos += np.count_nonzero(pb, axis=1)
        block |= pb
        np.invert(block, out=block)
    del cols, bits

    def sort_rows(rows) -> None:
        for j in rows:
            keys[j].sort()

    def one_class(j: int) -> StreamSummary:
        return _summary_from_keys(keys[j], int(n_pos[j]), max_points)

    def micro(flat: np.ndarray) -> StreamSummary:
        flat.sort(kind="stable")
        return _summary_from_keys(flat, int(n_pos.sum()), max_points, with_ks=False)

    workers = min(THREADS, n_classes)
    if workers <= 1:
        sort_rows(range(n_classes))
        per = [one_class(j) for j in range(n_classes)]
        # Merged in place: the rows are done with.
        return per, micro(keys.reshape(-1)), extra()
    # numpy sorts and ufunc loops release the GIL: sort the rows on all workers, then
    # merge and stream the micro average (on a copy, the longest task, queued first)
    # while the other worker streams the classes and computes ``extra``.
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(sort_rows, [range(i, n_classes, workers) for i in range(workers)]))
        micro_f = pool.submit(micro, keys.reshape(-1).copy())
        extra_f = pool.submit(extra)
        per = list(pool.map(one_class, range(n_classes)))
        return per, micro_f.result(), extra_f.result()


def _ovr_scores(col, curves, labels, per, micro, max_points, with_ks: bool) -> None:
    aucs, aps, sup = [], [], []
    for lab, sm in zip(labels, per):
        miss = "positive" if sm.pos <= 0 else "negative"
        why = f"y_true has no {miss} samples for {lab!s}"
        col.put(f"roc_auc/{lab}", sm.roc_auc, why)
        col.put(f"average_precision/{lab}", sm.average_precision, why)
        aucs.append(sm.roc_auc)
        aps.append(sm.average_precision)
        sup.append(sm.pos)
        if with_ks:
            col.put(f"ks_statistic/{lab}", sm.ks_statistic, f"{lab!s} absent or universal")
    aucs, aps, sup = np.asarray(aucs), np.asarray(aps), np.asarray(sup)
    for name, vals in (("roc_auc", aucs), ("average_precision", aps)):
        ok = np.isfinite(vals)
        why = "undefined for every class"
        col.put(f"{name}_macro", vals[ok].mean() if ok.any() else np.nan, why)
        wt = sup[ok]
        col.put(
            f"{name}_weighted",
            np.dot(vals[ok], wt) / wt.sum() if ok.any() and wt.sum() > 0 else np.nan,
            why,
        )
    col.put("roc_auc_micro", micro.roc_auc, "pooled labels are all one class")
    col.put("average_precision_micro", micro.average_precision, "no positives")
    keyed = {str(lab): sm for lab, sm in zip(labels, per)}
    keyed["micro"] = micro
    for key, sm in keyed.items():
        for kind, cur in sm.curves.items():
            curves.setdefault(kind, {})[key] = cur
        curves.setdefault("calibration", {})[key] = sm.calibration
    add_macro_curves(curves, [str(v) for v in labels], max_points)


def _multiclass(p: Prepared, col: MetricCollector, curves: dict, max_points) -> None:
    y, S, w = p.y_true, p.y_score, p.sample_weight
    C = len(p.labels)
    top = None if S is None else np.argmax(S, axis=1)
    y_pred = p.y_pred if p.y_pred is not None else top
    cm = K.confusion_matrix(y, y_pred, C, w)
    curves["confusion_matrix"] = confusion_curve(cm, p.labels)
    common_cm_metrics(col, cm)
    label_metrics(col, cm, p.labels, suffix_avg=True)
    if S is None:
        return

    def item_metrics() -> tuple:
        q = S[np.arange(S.shape[0]), y].astype(np.float64)
        ks = [k for k in TOP_K if k < C]
        return (
            K.log_loss(q, w),
            K.brier_score(y, S, w, False),
            top_label_ece(S, y, w, top=top),
            K.top_k_accuracy(y, S, ks, w),
        )

    classes = np.arange(C)[:, None]
    per, micro, (log_loss, brier, (calib, ece), top_k) = _ovr_summaries(
        lambda j: y == j, lambda a, b: y[a:b] == classes, S, w, C, max_points, item_metrics
    )
    _ovr_scores(col, curves, p.labels, per, micro, max_points, with_ks=True)
    col.put("log_loss", log_loss, "")
    col.put("brier_score", brier, "")
    curves["calibration"]["top_label"] = {"uniform": calib}
    col.put("ece", ece, "no samples")
    col.put("mce", max_calibration_error(calib), "no samples")
    for k, v in top_k.items():
        col.put(f"top_{k}_accuracy", v, "")


def _multilabel(p: Prepared, col: MetricCollector, curves: dict, max_points) -> None:
    Y, S, w = p.y_true, p.y_score, p.sample_weight
    L = len(p.labels)
    P = p.y_pred if p.y_pred is not None else (S >= 0.5).astype(np.uint8)
    ww = np.ones(Y.shape[0]) if w is None else w
    yb, pb = Y.astype(bool), P.astype(bool)
    tp = ww @ (yb & pb)
    fp = ww @ (~yb & pb)
    fn = ww @ (yb & ~pb)
    tn = ww @ (~yb & ~pb)
    exact = np.all(yb == pb, axis=1)
    col.put("accuracy", np.dot(ww, exact) / ww.sum(), "no samples")
    col.put("hamming_loss", np.dot(ww, (yb != pb).mean(axis=1)) / ww.sum(), "no samples")
    curves["confusion_matrix"] = {
        str(lab): confusion_curve(np.array([[tn[i], fp[i]], [fn[i], tp[i]]]), [0, 1])
        for i, lab in enumerate(p.labels)
    }
    pc = K.per_class_prf(tp, fp, fn)
    for i, lab in enumerate(p.labels):
        col.put(f"precision/{lab}", pc["precision"][i], f"no samples predicted as {lab!s}")
        col.put(f"recall/{lab}", pc["recall"][i], f"no positive samples for {lab!s}")
        col.put(f"f1/{lab}", pc["f1"][i], f"{lab!s} neither present nor predicted")
        col.put(f"support/{lab}", pc["support"][i], "")
    for name, value in K.averaged_prf(tp, fp, fn).items():
        col.put(name, value, "no label has a defined value")
    if S is None:
        return
    per, micro, _ = _ovr_summaries(
        lambda j: Y[:, j].astype(bool), lambda a, b: Y[a:b].T.astype(bool), S, w, L, max_points
    )
    _ovr_scores(col, curves, p.labels, per, micro, max_points, with_ks=False)
    calib, ece = calibration_raw(
        S.ravel(), Y.ravel().astype(np.float64), None if w is None else np.repeat(w, L)
    )
    col.put("ece", ece, "no samples")
    col.put("mce", max_calibration_error(calib), "no samples")
    eps = np.finfo(np.float64).eps
    q = np.clip(np.where(yb, S, 1.0 - S), eps, 1 - eps)
    col.put("log_loss", np.dot(ww, -np.log(q).mean(axis=1)) / ww.sum(), "")
