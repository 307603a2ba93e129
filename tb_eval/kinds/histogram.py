"""Histograms for TensorBoard's Histograms and Distributions dashboards.

A histogram is a float64 ``[bins, 3]`` tensor of ``(left edge, right edge, count)`` rows, plugin
``histograms``; equal-width buckets between the minimum and the maximum, like TensorBoard's own
``summary_v2.histogram_pb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.histogram import plugin_data_pb2

from tb_eval.kinds.common import builtin_metadata, float64_tensor, summary_value, tensor_to_numpy

PLUGIN_NAME = "histograms"
DEFAULT_BINS = 30


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Histogram metadata with an explicit data class."""
    content = plugin_data_pb2.HistogramPluginData().SerializeToString()
    return builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_TENSOR, description)


def buckets(values: Any, bins: int = DEFAULT_BINS) -> np.ndarray:
    """``[bins, 3]`` rows ``(left, right, count)`` of ``values`` (any shape, finite numbers)."""
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins: expected a positive int, got {bins!r}")
    values = tensor_to_numpy(values)
    try:
        data = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError("values: expected numbers") from None
    if data.size == 0:
        raise ValueError("values: no values")
    if not np.isfinite(data).all():
        raise ValueError("values: contains NaN or infinity")
    low, high = float(data.min()), float(data.max())
    rows = np.zeros((bins, 3))
    if low == high:
        rows[:, 0] = rows[:, 1] = low
        rows[-1, 2] = data.size
        return rows
    edges = np.linspace(low, high, bins + 1)
    index = np.minimum(((data - low) / ((high - low) / bins)).astype(np.int64), bins - 1)
    rows[:, 0], rows[:, 1] = edges[:-1], edges[1:]
    rows[:, 2] = np.bincount(index, minlength=bins)
    return rows


def value(tag: str, rows: np.ndarray, with_metadata: bool, description: str = ""):
    return summary_value(
        tag, float64_tensor(rows), metadata(description) if with_metadata else None
    )
