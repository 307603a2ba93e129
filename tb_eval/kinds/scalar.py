"""Scalars for TensorBoard's Scalars dashboard: rank-0 float32 tensors, plugin ``scalars``.

The Rust loader (``--load_fast=true``) accepts only float32 scalars, so values are stored as
float32. Reading back, :func:`shortest_float32` turns each float32 into the shortest decimal that
rounds to it, so ``3424.3`` logged reads back as ``3424.3`` rather than ``3424.300048828125``.
"""

from __future__ import annotations

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.scalar import plugin_data_pb2

from tb_eval.kinds.common import builtin_metadata

PLUGIN_NAME = "scalars"


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Scalar metadata with an explicit data class."""
    content = plugin_data_pb2.ScalarPluginData().SerializeToString()
    return builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_SCALAR, description)


def shortest_float32(values: np.ndarray) -> list[float]:
    """Each float32 as the Python float of its shortest round-tripping decimal.

    Vectorised: for 1, 2, ... 9 significant digits, round every value still pending to that many
    digits and keep the candidates that round back to the same float32. (numpy's own
    ``astype(str)`` does this one value at a time, about 20x slower; it stays the fallback.)
    """
    single = np.asarray(values, dtype=np.float32).ravel()
    result = single.astype(np.float64)
    todo = np.flatnonzero(np.isfinite(single) & (single != 0))
    if todo.size:
        wide = result[todo]
        exponent = np.floor(np.log10(np.abs(wide)))
        # Within these magnitudes every power of ten used below is exact in float64, so each
        # candidate is the double nearest its decimal; the rest take the fallback.
        pending = (exponent >= -13) & (exponent <= 13)
        with np.errstate(over="ignore", invalid="ignore"):
            for digits in range(1, 10):
                places = digits - 1 - exponent
                power = 10.0 ** np.abs(places)
                candidate = np.where(
                    places >= 0,
                    np.round(wide * power) / power,
                    np.round(wide / power) * power,
                )
                hit = pending & (candidate.astype(np.float32) == wide)
                result[todo[hit]] = candidate[hit]
                pending &= ~hit
                if not pending.any():
                    break
        rest = todo[pending | (exponent < -13) | (exponent > 13)]
        if rest.size:
            result[rest] = single[rest].astype(str).astype(np.float64)
    return result.tolist()
