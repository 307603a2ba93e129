"""Scalars for TensorBoard's Scalars dashboard: rank-0 float32 tensors, plugin ``scalars``.

The Rust loader (``--load_fast=true``) accepts only float32 scalars, so values are stored as
float32. Reading back, :func:`shortest_float32` turns each float32 into the shortest decimal that
rounds to it, so ``3424.3`` logged reads back as ``3424.3`` rather than ``3424.300048828125``.
"""

from __future__ import annotations

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.scalar import plugin_data_pb2

PLUGIN_NAME = "scalars"


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Scalar metadata with an explicit data class."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name=PLUGIN_NAME, content=plugin_data_pb2.ScalarPluginData().SerializeToString()
        ),
        summary_description=description,
        data_class=summary_pb2.DATA_CLASS_SCALAR,
    )


def shortest_float32(values: np.ndarray) -> list[float]:
    """Each float32 as the Python float of its shortest round-tripping decimal."""
    array = np.asarray(values, dtype=np.float32)
    return array.astype(str).astype(np.float64).tolist()
