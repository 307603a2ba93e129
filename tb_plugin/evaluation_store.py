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

from tb_eval.evaluation import (
    NORMALIZATIONS,
    THRESHOLD_COLUMNS,
    Prepared,
    evaluate_prepared,
    feature_importance,
    normalize_confusion,
    one_vs_rest,
    round_curves,
    round_significant,  # noqa: F401  (re-exported: the plugin rounded before the engine did)
    threshold_table,
)
from tb_eval.kinds import common, confusion, importance, predictions, regression_bins
from tb_plugin import summaries
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
    #: ``predictions`` (raw rows) or ``binned_summary`` (see :mod:`tb_plugin.summaries`).
    kind: str = predictions.KIND

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


def _threshold_document(series, datum, task, label, labels, table, extra) -> dict[str, Any]:
    """The ``/evaluation/thresholds`` document of one class's threshold ``table``."""
    columns = {"thresholds" if key == "threshold" else key: table[key] for key in THRESHOLD_COLUMNS}
    return {
        "run": series.run,
        "name": series.name,
        "step": datum.step,
        "task": task,
        "class": label,
        "labels": list(labels),
        "positives": table["positives"],
        "negatives": table["negatives"],
        "exact_points": table["exact_points"],
        **extra,
        **{column: _finite_or_none(values) for column, values in columns.items()},
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
        kinds = (
            predictions.KIND,
            summaries.KIND,
            importance.KIND,
            confusion.KIND,
            regression_bins.KIND,
        )
        out: dict[str, list[dict[str, Any]]] = {
            "evaluations": [],
            "importances": [],
            "confusions": [],
            "regression_bins": [],
        }
        for info in self._data.listing(ctx, eid, steps_of=kinds):
            if info.kind not in kinds or not info.fits:
                continue
            if info.kind in (predictions.KIND, summaries.KIND):
                entry = {
                    "run": info.run,
                    "name": info.name,
                    "task": info.metadata["task"],
                    "steps": info.steps,
                    "max_step": info.max_step,
                }
                if info.kind == summaries.KIND:
                    entry = summaries.listing_entry(entry)
                out["evaluations"].append(entry)
            else:
                key = {
                    importance.KIND: "importances",
                    confusion.KIND: "confusions",
                    regression_bins.KIND: "regression_bins",
                }[info.kind]
                out[key].append({"run": info.run, "name": info.name, "steps": info.steps})
        out["evaluations"].sort(key=lambda entry: (entry["run"], entry["name"]))
        out["regression_bins"].sort(key=lambda entry: (entry["run"], entry["name"]))
        if not out["regression_bins"]:  # only listed when logged: older answers unchanged
            del out["regression_bins"]
        return out

    # ------------------------------------------------------------------ predictions
    def series(self, ctx: Any, eid: str, run: str, name: str) -> Series:
        """The steps of evaluation ``name`` in ``run``; ``NotFoundError`` when absent."""
        for kind in (predictions.KIND, summaries.KIND):
            tag = common.our_tag(kind, name)
            data = self._data.blob_steps(ctx, eid, run, tag)
            if data:
                return Series(run, name, tag, data, kind)
        raise errors.NotFoundError(f"run {run!r} has no evaluation {name!r}")

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

    def summary(
        self, ctx: Any, eid: str, series: Series, datum: provider.BlobSequenceDatum
    ) -> summaries.BinnedSummary:
        """The decoded binned summary of one step (cached; its size is independent of n)."""
        what = f"run {series.run!r}: evaluation {series.name!r} step {datum.step}"

        def decode() -> summaries.BinnedSummary:
            payload = self._data.blob(ctx, datum, what)
            try:
                return summaries.decode(payload)
            except DECODE_ERRORS as error:
                raise DataError(f"{what}: cannot decode ({error})") from None

        key = ("eval-summary", self._key(eid, series, datum))
        return self._cache.get_or_compute(key, decode, summaries.nbytes)

    def _report_of_summary(self, ctx, eid, series, datum, max_points) -> dict[str, Any]:
        """The ``/evaluation`` document of a summary: a report, plus ``source``/``summary``."""
        summary = self.summary(ctx, eid, series, datum)
        points = max_points or default_max_points(summary.task, len(summary.labels))
        what = f"run {series.run!r}: evaluation {series.name!r} step {datum.step}"
        try:
            report, info = summaries.report(summary, points)
        except DECODE_ERRORS as error:
            raise DataError(f"{what}: cannot evaluate ({error})") from None
        report.curves.pop(THRESHOLD_KIND, None)
        round_curves(report.curves, CURVE_DIGITS, ROUNDED_KINDS)
        return {
            "run": series.run,
            "name": series.name,
            "step": datum.step,
            "steps": series.steps,
            **report.to_dict(),
            "max_points": points,
            **info,
        }

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
            if series.kind == summaries.KIND:
                document = self._report_of_summary(ctx, eid, series, datum, max_points)
                return document, to_json_bytes(document)
            prepared = self.prepared(ctx, eid, series, datum, keep=keep_prepared)
            points = max_points or default_max_points(prepared.task, len(prepared.labels))
            what = f"run {series.run!r}: evaluation {series.name!r} step {datum.step}"
            try:
                report = evaluate_prepared(prepared, max_points=points)
            except DECODE_ERRORS as error:
                raise DataError(f"{what}: cannot evaluate ({error})") from None
            report.curves.pop(THRESHOLD_KIND, None)
            round_curves(report.curves, CURVE_DIGITS, ROUNDED_KINDS)
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

    def _threshold_table(self, ctx: Any, eid: str, series: Series, datum, label, points) -> dict:
        """The document of :meth:`thresholds`: the engine's table of one class."""
        if series.kind == summaries.KIND:
            return self._summary_threshold_table(ctx, eid, series, datum, label, points)
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
        positive, score = one_vs_rest(p, names.index(label))
        table = threshold_table(positive, score, p.sample_weight, max_rows=points)
        return _threshold_document(series, datum, p.task, label, p.labels, table, {})

    def _summary_threshold_table(self, ctx, eid, series, datum, label, points) -> dict:
        """:meth:`_threshold_table` of a summary: a row per kept bin (at its lowest score)."""
        summary = self.summary(ctx, eid, series, datum)
        names = [str(v) for v in summary.labels]
        if label is None:
            label = names[1] if summary.task == "binary" else names[0]
        allowed = names[1:] if summary.task == "binary" else names
        if label not in allowed:
            raise errors.InvalidArgumentError(
                f"parameter 'class': {label!r} is not one of the labels {allowed[:20]}"
            )
        table = summaries.threshold_table(summary, label, points)
        source = {"source": summaries.SOURCE}
        return _threshold_document(
            series, datum, summary.task, label, summary.labels, table, source
        )

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
        return {
            "labels": checked["labels"],
            "matrix": checked["matrix"],
            "normalized": {
                how: normalize_confusion(checked["matrix"], how).tolist() for how in NORMALIZATIONS
            },
        }

    @staticmethod
    def regression_bins(document: Any, what: str) -> dict[str, Any]:
        """``{"schema", "bin_edges", ...}``: a logged residual histogram or binned
        predicted-vs-true, checked (see :mod:`tb_eval.kinds.regression_bins`)."""
        try:
            return regression_bins.decode(document)
        except DECODE_ERRORS as error:
            raise DataError(f"{what}: {error}") from None


def parse_json_document(datum: Any, what: str) -> Any:
    """The JSON held by one tensor datum."""
    return tensor_json(datum.numpy, f"{what} step {datum.step}")
