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
from tensorboard.util import tensor_util

from tb_eval.kinds.common import (
    builtin_metadata,
    builtin_tag,
    float64_tensor,
    no_facts,
    summary_value,
    tensor_to_numpy,
)

PLUGIN_NAME = "histograms"
KIND = "histogram"
DATA_CLASS = summary_pb2.DATA_CLASS_TENSOR
CLAIMS_NAME = True
tag = builtin_tag
parse_metadata = no_facts
DEFAULT_BINS = 30
#: The most buckets one histogram may have (a [bins, 3] float64 tensor: 1.5 MiB at the limit).
MAX_BINS = 1 << 16


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Histogram metadata with an explicit data class."""
    content = plugin_data_pb2.HistogramPluginData().SerializeToString()
    return builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_TENSOR, description)


def buckets(values: Any, bins: int = DEFAULT_BINS) -> np.ndarray:
    """``[bins, 3]`` rows ``(left, right, count)`` of ``values`` (any shape, finite numbers)."""
    if isinstance(bins, (bool, np.bool_)) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins: expected a positive int, got {bins!r}")
    if bins > MAX_BINS:
        raise ValueError(f"bins: at most {MAX_BINS} buckets, got {bins}")
    bins = int(bins)
    values = tensor_to_numpy(values)
    try:
        data = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError, OverflowError):
        raise TypeError("values: expected numbers (within a float64's range)") from None
    if data.size == 0:
        raise ValueError("values: no values")
    finite = np.isfinite(data)
    if not finite.all():
        bad = int(data.size - np.count_nonzero(finite))
        raise ValueError(
            f"values: {bad} of {data.size} values are NaN or infinite; a histogram needs finite "
            "values (drop them first, e.g. values[np.isfinite(values)])"
        )
    low, high = float(data.min()), float(data.max())
    # Values spanning most of float64's range: bucket them halved, so the width stays finite.
    scale = 1.0 if np.isfinite(high - low) else 2.0
    data, low, high = data / scale, low / scale, high / scale
    rows = np.zeros((bins, 3))
    if low == high:
        rows[:, 0] = rows[:, 1] = low * scale
        rows[-1, 2] = data.size
        return rows
    edges = np.linspace(low, high, bins + 1)
    index = np.minimum(((data - low) / ((high - low) / bins)).astype(np.int64), bins - 1)
    rows[:, 0], rows[:, 1] = edges[:-1] * scale, edges[1:] * scale
    rows[:, 2] = np.bincount(index, minlength=bins)
    return rows


def value(tag: str, rows: np.ndarray, with_metadata: bool, description: str = ""):
    return summary_value(
        tag, float64_tensor(rows), metadata(description) if with_metadata else None
    )


encode = value


def decode(tensor) -> np.ndarray:
    """The ``[bins, 3]`` rows of one histogram record."""
    return np.asarray(tensor_util.make_ndarray(tensor), dtype=np.float64)
