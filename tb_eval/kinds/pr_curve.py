"""Precision-recall curves for TensorBoard's own PR Curves dashboard (plugin ``pr_curves``).

A curve is a float32 ``[6, T]`` tensor whose rows are the true positives, false positives, true
negatives, false negatives, precision and recall at ``T`` thresholds evenly spaced over [0, 1]
(threshold ``i`` is ``i / (T - 1)``); the metadata content is ``PrCurvePluginData`` holding ``T``.
A prediction counts as positive at every threshold up to the bucket it falls in,
``floor(prediction * (T - 1))``: the dashboard's own convention, which torch's and
tensorboardX's ``add_pr_curve`` use too, so the same inputs give the same curve.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.pr_curve import plugin_data_pb2
from tensorboard.util import tensor_util

from tb_eval.kinds.common import builtin_metadata, builtin_tag, summary_value, tensor_to_numpy

PLUGIN_NAME = "pr_curves"
KIND = "pr_curve"
DATA_CLASS = summary_pb2.DATA_CLASS_TENSOR
CLAIMS_NAME = True
tag = builtin_tag
DEFAULT_THRESHOLDS = 127
#: The smallest denominator of precision and recall, so an empty bucket gives 0, not NaN.
_MINIMUM_COUNT = 1e-7
ROWS = ("true_positive_counts", "false_positive_counts", "true_negative_counts")
ROWS += ("false_negative_counts", "precision", "recall")


def metadata(num_thresholds: int, description: str = "") -> summary_pb2.SummaryMetadata:
    """PR-curve metadata with an explicit data class."""
    content = plugin_data_pb2.PrCurvePluginData(version=0, num_thresholds=num_thresholds)
    return builtin_metadata(
        PLUGIN_NAME, content.SerializeToString(), summary_pb2.DATA_CLASS_TENSOR, description
    )


def parse_metadata(content: bytes) -> dict[str, Any]:
    """``{"num_thresholds": T}`` (``{}`` for content that does not parse)."""
    try:
        data = plugin_data_pb2.PrCurvePluginData.FromString(content)
    except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
        return {}
    return {"num_thresholds": int(data.num_thresholds)}


def check_thresholds(num_thresholds: Any, minimum: int = 2) -> int:
    """``num_thresholds`` as an int of at least ``minimum`` (a curve computed from predictions
    needs 2; a raw curve may have 1, which TensorBoard draws as one point at threshold 0)."""
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)):
        raise TypeError(f"num_thresholds: expected an int, got {type(num_thresholds).__name__}")
    if num_thresholds < minimum:
        raise ValueError(f"num_thresholds: must be at least {minimum}, got {num_thresholds}")
    return int(num_thresholds)


def _unit_interval(values: Any, argument: str) -> np.ndarray:
    try:
        array = np.asarray(tensor_to_numpy(values), dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"{argument}: expected numbers") from None
    if array.size == 0:
        raise ValueError(f"{argument}: no values")
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"{argument}: values must lie in [0, 1], found [{array.min():g}, {array.max():g}]"
        )
    return array


def counts(
    labels: Any,
    predictions: Any,
    num_thresholds: int = DEFAULT_THRESHOLDS,
    weights: Any = None,
) -> np.ndarray:
    """The ``[6, num_thresholds]`` float32 curve of binary ``labels`` (0/1 or bool; fractions are
    taken as soft labels) against ``predictions`` in [0, 1]; ``weights`` per example or one."""
    thresholds = check_thresholds(num_thresholds)
    truth = _unit_interval(labels, "labels")
    scores = _unit_interval(predictions, "predictions")
    if truth.shape != scores.shape:
        raise ValueError(
            f"labels: {truth.size} values but predictions has {scores.size}; "
            "expected one label per prediction"
        )
    weight = np.ones_like(scores)
    if weights is not None:
        try:
            weight = np.broadcast_to(
                np.asarray(tensor_to_numpy(weights), dtype=np.float64), np.shape(labels)
            ).ravel()
        except (TypeError, ValueError):
            raise ValueError(
                f"weights: expected one number or one per prediction, got shape "
                f"{np.shape(tensor_to_numpy(weights))}"
            ) from None
        if not np.isfinite(weight).all() or weight.min() < 0:
            raise ValueError("weights: must be finite and non-negative")
    bucket = np.floor(scores * (thresholds - 1)).astype(np.int64)
    positive = np.bincount(bucket, weights=truth * weight, minlength=thresholds)
    negative = np.bincount(bucket, weights=(1.0 - truth) * weight, minlength=thresholds)
    # At threshold i every prediction in bucket i or above is called positive.
    tp = np.cumsum(positive[::-1])[::-1]
    fp = np.cumsum(negative[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(_MINIMUM_COUNT, tp + fp)
    recall = tp / np.maximum(_MINIMUM_COUNT, tp + fn)
    return np.stack([tp, fp, tn, fn, precision, recall]).astype(np.float32)


def raw_counts(rows: dict[str, Any]) -> np.ndarray:
    """The ``[6, T]`` curve from its six rows given whole (``add_pr_curve_raw``), each checked."""
    arrays = []
    for name in ROWS:
        try:
            array = np.asarray(tensor_to_numpy(rows[name]), dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected numbers") from None
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name}: expected a non-empty 1-D sequence, got shape {array.shape}")
        if arrays and array.size != arrays[0].size:
            raise ValueError(
                f"{name}: {array.size} values, but {ROWS[0]} has {arrays[0].size}; "
                "every row needs one value per threshold"
            )
        if not np.isfinite(array).all():
            raise ValueError(f"{name}: values must be finite")
        arrays.append(array)
    return np.stack(arrays).astype(np.float32)


def value(
    tag: str, data: np.ndarray, with_metadata: bool, description: str = ""
) -> summary_pb2.Summary.Value:
    """A tensor value holding the ``[6, T]`` curve ``data``."""
    tensor = tensor_util.make_tensor_proto(np.ascontiguousarray(data, dtype=np.float32))
    return summary_value(
        tag, tensor, metadata(data.shape[1], description) if with_metadata else None
    )


encode = value


def decode(tensor) -> np.ndarray:
    """The ``[6, T]`` curve of one record."""
    return np.asarray(tensor_util.make_ndarray(tensor), dtype=np.float32)
