"""Evaluation reports, threshold tables, trends, importances and confusion matrices.

Predictions are logged raw (one blob per step at ``tb_eval/predictions/<name>``); this module
reads them through the data provider, decodes them into a :class:`~tb_eval.evaluation.Prepared`
and runs the evaluation engine on demand. Everything expensive goes through the plugin's
:class:`~tb_plugin.cache.LruCache`, keyed by (experiment, run, tag, step, wall time, blob key),
so a re-logged step is never served stale and memory stays within ``--tb_eval_cache_mb``.

Reports are cached as their final JSON bytes: a cached request costs one dictionary lookup
(plus TensorBoard's gzip).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from tensorboard import errors
from tensorboard.backend import json_util
from tensorboard.data import provider

from tb_eval.evaluation import Prepared, evaluate_prepared, feature_importance
from tb_eval.evaluation import binary as B
from tb_eval.evaluation.curves import select_thresholds
from tb_eval.kinds import common, confusion, importance, predictions
from tb_plugin.cache import LruCache
from tb_plugin.data import DECODE_ERRORS, DataAccess, DataError, datum_at, tensor_json

#: Display points per curve for binary and regression reports (``max_points`` default).
DEFAULT_MAX_POINTS = 200
#: Multiclass/multilabel: the default is ``POINT_BUDGET // (classes + 2)`` within
#: [MIN_DEFAULT_POINTS, DEFAULT_MAX_POINTS], so a 10-class report stays under ~300 KB.
POINT_BUDGET = 1200
MIN_DEFAULT_POINTS = 32
#: Bounds of the ``max_points`` parameter (the engine needs at least 16).
MIN_POINTS, MAX_POINTS = 16, 10_000
#: Rows of the threshold table by default (``points``).
DEFAULT_THRESHOLD_POINTS = 1000
#: Significant digits kept in the display curves of ``/evaluation`` (metrics stay exact).
CURVE_DIGITS = 6
#: Curve kinds whose coordinates are rounded to :data:`CURVE_DIGITS` digits.
ROUNDED_KINDS = frozenset(
    {
        "roc",
        "precision_recall",
        "det",
        "cumulative_gains",
        "lift",
        "ks",
        "residuals_vs_predicted",
        "qq",
    }
)
#: Per-threshold table: left out of ``/evaluation`` (served by ``/evaluation/thresholds``).
THRESHOLD_KIND = "thresholds"
#: Curves that ``/evaluation/compare`` returns per run, and the keys kept for each task.
COMPARE_KINDS = ("roc", "precision_recall", "calibration")
SUMMARY_KEYS = ("micro", "macro", "top_label")
#: Keys of the decoded predictions in error messages.


@dataclass(frozen=True)
class Series:
    """One run's predictions under one name: every kept step, oldest first."""

    run: str
    name: str
    tag: str
    data: list[provider.BlobSequenceDatum]

    @property
    def steps(self) -> list[int]:
        return [datum.step for datum in self.data]

    def at(self, step: int | None) -> provider.BlobSequenceDatum:
        """The datum at ``step`` (default: the newest); ``NotFoundError`` if not logged."""
        datum = datum_at(self.data, step)
        if datum is None:
            raise errors.NotFoundError(
                f"run {self.run!r}: evaluation {self.name!r} has no step {step}"
            )
        return datum


def default_max_points(task: str, n_labels: int) -> int:
    """Display points per curve when the request does not say: see :data:`POINT_BUDGET`."""
    if task in ("multiclass", "multilabel"):
        return max(MIN_DEFAULT_POINTS, min(DEFAULT_MAX_POINTS, POINT_BUDGET // (n_labels + 2)))
    return DEFAULT_MAX_POINTS


def round_significant(values: np.ndarray, digits: int = CURVE_DIGITS) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (integers and non-finite kept).

    The result is the double nearest to the rounded decimal, so it prints short in JSON.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    with np.errstate(invalid="ignore"):
        # Below 1e-300 the power of ten that scales a value to its digits overflows; such values
        # (subnormal probabilities, say) print short already.
        todo = np.isfinite(out) & (out != np.round(out)) & (np.abs(out) >= 1e-300)
    if not todo.any():
        return out
    v = out[todo]
    shift = digits - 1 - np.floor(np.log10(np.abs(v))).astype(np.int64)
    up = shift >= 0
    rounded = np.empty_like(v)
    scale = 10.0 ** shift[up]  # exact powers of ten, so the division rounds correctly
    rounded[up] = np.round(v[up] * scale) / scale
    scale = 10.0 ** (-shift[~up])
    rounded[~up] = np.round(v[~up] / scale) * scale
    out[todo] = rounded
    return out


def _round_curves(curves: dict[str, Any]) -> None:
    """Round the float columns of the point curves in place (display only)."""

    def walk(node: dict[str, Any]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.ndim == 1:
                node[key] = round_significant(value)

    for kind, by_key in curves.items():
        if kind in ROUNDED_KINDS and isinstance(by_key, dict):
            walk(by_key)


def to_json_bytes(document: Any) -> bytes:
    """Compact JSON; NaN/infinities (never expected) as TensorBoard's strings."""
    try:
        text = json.dumps(document, separators=(",", ":"), allow_nan=False)
    except ValueError:
        text = json.dumps(json_util.Cleanse(document), separators=(",", ":"))
    return text.encode("ascii")


def _finite_or_none(values: np.ndarray) -> list[float | None]:
    array = np.asarray(values, dtype=np.float64)
    out = array.tolist()
    if not np.isfinite(array).all():
        out = [v if np.isfinite(v) else None for v in out]
    return out


def _prepared_nbytes(prepared: Prepared) -> int:
    arrays = (prepared.y_true, prepared.y_score, prepared.y_pred, prepared.sample_weight)
    return sum(int(a.nbytes) for a in arrays if a is not None) + 1024


def summary_curves(task: str, curves: dict[str, Any], labels: list) -> dict[str, Any]:
    """The curves ``/evaluation/compare`` keeps: binary the positive class, multiclass and
    multilabel ``micro``/``macro`` (and ``top_label`` calibration), regression
    ``predicted_vs_true``."""
    if task == "regression":
        return {"predicted_vs_true": curves.get("predicted_vs_true", {})}
    keys = (str(labels[1]),) if task == "binary" and len(labels) == 2 else SUMMARY_KEYS
    return {
        kind: {key: curves[kind][key] for key in keys if key in curves.get(kind, {})}
        for kind in COMPARE_KINDS
        if kind in curves
    }


class EvaluationStore:
    """Reads our evaluation data from a data provider and computes reports, cached."""

    def __init__(self, data: DataAccess, cache: LruCache):
        self._data = data
        self._provider = data.provider
        self._cache = cache
        self._downsample = data.downsample

    # ------------------------------------------------------------------ listing
    def listing(self, ctx: Any, eid: str) -> dict[str, list[dict[str, Any]]]:
        """Every evaluation, importance and confusion series (metadata and steps only)."""
        kinds = (predictions.KIND, importance.KIND, confusion.KIND)
        out: dict[str, list[dict[str, Any]]] = {
            "evaluations": [],
            "importances": [],
            "confusions": [],
        }
        for info in self._data.listing(ctx, eid, steps_of=kinds):
            if info.kind not in kinds or not info.fits:
                continue
            if info.kind == predictions.KIND:
                out["evaluations"].append(
                    {
                        "run": info.run,
                        "name": info.name,
                        "task": info.metadata["task"],
                        "steps": info.steps,
                        "max_step": info.max_step,
                    }
                )
            else:
                key = "importances" if info.kind == importance.KIND else "confusions"
                out[key].append({"run": info.run, "name": info.name, "steps": info.steps})
        return out

    # ------------------------------------------------------------------ predictions
    def series(self, ctx: Any, eid: str, run: str, name: str) -> Series:
        """The steps of evaluation ``name`` in ``run``; ``NotFoundError`` when absent."""
        tag = common.our_tag(predictions.KIND, name)
        data = self._data.blob_steps(ctx, eid, run, tag)
        if not data:
            raise errors.NotFoundError(f"run {run!r} has no evaluation {name!r}")
        return Series(run, name, tag, data)

    @staticmethod
    def _key(eid: str, series: Series, datum: provider.BlobSequenceDatum) -> Hashable:
        blob_key = datum.values[0].blob_key if datum.values else None
        return (eid, series.run, series.tag, datum.step, datum.wall_time, blob_key)

    def prepared(
        self,
        ctx: Any,
        eid: str,
        series: Series,
        datum: provider.BlobSequenceDatum,
        keep: bool = True,
    ) -> Prepared:
        """The decoded predictions of one step (kept in the cache unless ``keep`` is false)."""
        key = ("eval-prepared", self._key(eid, series, datum))
        what = f"run {series.run!r}: evaluation {series.name!r} step {datum.step}"

        def decode() -> Prepared:
            payload = self._data.blob(ctx, datum, what)
            try:
                return predictions.decode(payload, Prepared.from_arrays)
            except DECODE_ERRORS as error:
                raise DataError(f"{what}: cannot decode ({error})") from None

        if not keep:
            cached = self._cache.get(key)
            return cached if cached is not None else decode()
        return self._cache.get_or_compute(key, decode, _prepared_nbytes)

    def report(
        self,
        ctx: Any,
        eid: str,
        series: Series,
        datum: provider.BlobSequenceDatum,
        max_points: int | None,
        keep_prepared: bool = True,
    ) -> tuple[dict[str, Any], bytes]:
        """The ``/evaluation`` document of one step and its JSON bytes (cached).

        ``max_points`` ``None`` picks :func:`default_max_points` for the task.
        """
        key = ("eval-report", self._key(eid, series, datum), max_points)

        def compute() -> tuple[dict[str, Any], bytes]:
            prepared = self.prepared(ctx, eid, series, datum, keep=keep_prepared)
            points = max_points or default_max_points(prepared.task, len(prepared.labels))
            what = f"run {series.run!r}: evaluation {series.name!r} step {datum.step}"
            try:
                report = evaluate_prepared(prepared, max_points=points)
            except DECODE_ERRORS as error:
                raise DataError(f"{what}: cannot evaluate ({error})") from None
            report.curves.pop(THRESHOLD_KIND, None)
            _round_curves(report.curves)
            document = {
                "run": series.run,
                "name": series.name,
                "step": datum.step,
                "steps": series.steps,
                **report.to_dict(),
                "max_points": points,
            }
            return document, to_json_bytes(document)

        return self._cache.get_or_compute(key, compute, lambda value: 2 * len(value[1]) + 4096)

    def thresholds(
        self,
        ctx: Any,
        eid: str,
        series: Series,
        datum: provider.BlobSequenceDatum,
        label: str | None,
        points: int,
    ) -> bytes:
        """The threshold table of one class against the rest, as JSON (cached per class and
        size)."""
        key = ("eval-thresholds", self._key(eid, series, datum), label, points)
        return self._cache.get_or_compute(
            key,
            lambda: to_json_bytes(self._threshold_table(ctx, eid, series, datum, label, points)),
            lambda body: len(body) + 4096,
        )

    def _threshold_table(
        self,
        ctx: Any,
        eid: str,
        series: Series,
        datum: provider.BlobSequenceDatum,
        label: str | None,
        points: int,
    ) -> dict[str, Any]:
        p = self.prepared(ctx, eid, series, datum)
        if p.task == "regression":
            raise errors.InvalidArgumentError(
                f"evaluation {series.name!r} is a regression: it has no thresholds"
            )
        if p.y_score is None:
            raise errors.NotFoundError(
                f"evaluation {series.name!r} step {datum.step} has no scores to threshold"
            )
        names = [str(v) for v in p.labels]
        if label is None:
            label = names[1] if p.task == "binary" else names[0]
        if label not in names:
            raise errors.InvalidArgumentError(
                f"parameter 'class': {label!r} is not one of the labels {names[:20]}"
            )
        j = names.index(label)
        if p.task == "binary":
            positive = p.y_true == j
            score = p.y_score if j == 1 else 1.0 - p.y_score
        elif p.task == "multiclass":
            positive, score = p.y_true == j, np.ascontiguousarray(p.y_score[:, j])
        else:
            positive = p.y_true[:, j].astype(bool)
            score = np.ascontiguousarray(p.y_score[:, j])
        c = B.binary_counts(positive, score, p.sample_weight)
        precision = B.precision_at(c)
        # One row is kept back for the default operating point; the engine's selection leaves
        # room for its curves' end points, so ``points`` itself still bounds the rows at 16.
        keep = select_thresholds(c, precision, max(points - 1, MIN_POINTS))
        if keep is not None:
            # Keep the default operating point (score >= 0.5) so the slider starts on it.
            at_half = c.groups_ge(0.5) - 1
            if at_half >= 0:
                keep = np.union1d(keep, [at_half])
        table = B.threshold_table(c, keep)
        tp, fp, tn, fn = table["tp"], table["fp"], table["tn"], table["fn"]
        with np.errstate(divide="ignore", invalid="ignore"):
            fpr = fp / c.neg if c.neg > 0 else np.full(tp.shape, np.nan)
            denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
            mcc = np.where(denominator > 0, (tp * tn - fp * fn) / denominator, 0.0)
        columns = {
            "thresholds": table["threshold"],
            "tp": tp,
            "fp": fp,
            "tn": tn,
            "fn": fn,
            "precision": table["precision"],
            "recall": table["recall"],
            "fpr": fpr,
            "f1": table["f1"],
            "accuracy": table["accuracy"],
            "specificity": table["specificity"],
            "mcc": mcc,
        }
        return {
            "run": series.run,
            "name": series.name,
            "step": datum.step,
            "task": p.task,
            "class": label,
            "labels": list(p.labels),
            "positives": c.pos,
            "negatives": c.neg,
            "exact_points": int(c.tps.size),
            **{column: _finite_or_none(values) for column, values in columns.items()},
        }

    def trend(self, ctx: Any, eid: str, series: Series) -> bytes:
        """Every metric at every step, as JSON (each step's report is computed once and
        cached)."""
        key = (
            "eval-trend",
            eid,
            series.run,
            series.tag,
            tuple((d.step, d.wall_time) for d in series.data),
        )

        def compute() -> bytes:
            reports = [
                self.report(ctx, eid, series, datum, None, keep_prepared=False)[0]
                for datum in series.data
            ]
            names: dict[str, None] = {}
            for report in reports:
                names.update(dict.fromkeys(report["metrics"]))
                names.update(dict.fromkeys(report["undefined"]))
            return to_json_bytes(
                {
                    "run": series.run,
                    "name": series.name,
                    "task": reports[-1]["task"],
                    "steps": series.steps,
                    "metrics": {
                        metric: [report["metrics"].get(metric) for report in reports]
                        for metric in names
                    },
                }
            )

        return self._cache.get_or_compute(key, compute, lambda body: len(body) + 4096)

    # ------------------------------------------------------------------ small documents
    def documents(self, ctx: Any, eid: str, run: str, kind: str, name: str) -> list[Any]:
        """The tensor data of ``tb_eval/<kind>/<name>`` in ``run``, by step; ``NotFoundError``."""
        tag = common.our_tag(kind, name)
        data = self._data.tensors(ctx, eid, run, tag)
        if not data:
            raise errors.NotFoundError(f"run {run!r} has no {kind} {name!r}")
        return data

    @staticmethod
    def pick(data: list[Any], step: int | None, what: str) -> Any:
        """The datum at ``step`` (default the newest); ``NotFoundError`` when not logged."""
        datum = datum_at(data, step)
        if datum is None:
            raise errors.NotFoundError(f"{what} has no step {step}")
        return datum

    @staticmethod
    def importance(document: Any, what: str) -> dict[str, Any]:
        """``{"names", "values", "per_class"}`` sorted for display by the engine."""
        try:
            document = importance.decode(document)
            return feature_importance(
                document["features"], document.get("importances"), document.get("per_class")
            )
        except DECODE_ERRORS as error:
            raise DataError(f"{what}: {error}") from None

    @staticmethod
    def confusion(document: Any, what: str) -> dict[str, Any]:
        """``{"labels", "matrix", "normalized": {"true", "pred", "all"}}``."""
        if not isinstance(document, dict):
            raise DataError(f"{what}: not a confusion matrix document")
        try:
            checked = confusion.check_confusion_matrix(
                document.get("matrix"), document.get("labels")
            )
        except DECODE_ERRORS as error:
            raise DataError(f"{what}: {error}") from None
        matrix = np.asarray(checked["matrix"], dtype=np.float64)
        rows = matrix.sum(axis=1, keepdims=True)
        cols = matrix.sum(axis=0, keepdims=True)
        total = matrix.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            normalized = {
                "true": np.where(rows > 0, matrix / np.where(rows > 0, rows, 1), 0.0),
                "pred": np.where(cols > 0, matrix / np.where(cols > 0, cols, 1), 0.0),
                "all": matrix / total if total > 0 else np.zeros_like(matrix),
            }
        return {
            "labels": checked["labels"],
            "matrix": checked["matrix"],
            "normalized": {key: value.tolist() for key, value in normalized.items()},
        }


def parse_json_document(datum: Any, what: str) -> Any:
    """The JSON held by one tensor datum."""
    return tensor_json(datum.numpy, f"{what} step {datum.step}")
