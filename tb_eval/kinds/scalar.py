"""Scalars for TensorBoard's Scalars dashboard: float32 ``simple_value``, plugin ``scalars``.

``simple_value`` is the scalar form every reader understands: TensorBoard's two loaders, the
``EventAccumulator``'s ``Scalars``, tbparse, ``summary_iterator`` scripts and trackers that import
TensorBoard logs (torch's and tensorboardX's writers use it too). The first record of a tag in
each file carries :func:`metadata`, so the Scalars dashboard shows the description. Runs written
by tb_eval before version 0.2 hold rank-0 float32 tensors instead; :func:`stored_value` reads
both. The Rust loader (``--load_fast=true``) accepts only float32 scalars, so values are stored
as float32. Reading back, :func:`shortest_float32` turns each float32 into the shortest decimal that
rounds to it, so ``3424.3`` logged reads back as ``3424.3`` rather than ``3424.300048828125``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from tensorboard.compat.proto import summary_pb2, types_pb2
from tensorboard.plugins.scalar import plugin_data_pb2

from tb_eval.kinds.common import (
    builtin_metadata,
    builtin_tag,
    check_scalar_range,
    no_facts,
    tensor_to_numpy,
)

PLUGIN_NAME = "scalars"
KIND = "scalar"
DATA_CLASS = summary_pb2.DATA_CLASS_SCALAR
CLAIMS_NAME = True
tag = builtin_tag
parse_metadata = no_facts


def metadata(description: str = "", display_name: str = "") -> summary_pb2.SummaryMetadata:
    """Scalar metadata with an explicit data class (the Rust loader then keeps the description)."""
    content = plugin_data_pb2.ScalarPluginData().SerializeToString()
    result = builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_SCALAR, description)
    result.display_name = display_name
    return result


def check(value: Any, name: str) -> float | None:
    """A logged value as the float it stores, or ``None`` for a value that is not a number (the
    caller logs a str as text); ``ValueError`` naming ``value`` beyond float32's range."""
    try:
        number = as_number(value)
    except OverflowError:  # an int beyond a double's range
        raise ValueError(
            f"value: {value!r:.60} for {name!r} is outside the float32 range TensorBoard "
            "stores scalars in"
        ) from None
    if number is not None:
        check_scalar_range(number, "value")
    return number


def as_number(value: Any) -> float | None:
    """``value`` as a float if it is a number (Python, numpy or a 0-d tensor), else ``None``."""
    if isinstance(value, numbers.Real):
        return float(value)
    value = tensor_to_numpy(value)
    if (
        isinstance(value, (np.ndarray, np.generic))
        and value.size == 1
        and value.dtype.kind in "biuf"
    ):
        return float(value.reshape(()))
    return None


def value(
    tag: str, number: float, metadata: summary_pb2.SummaryMetadata | None = None
) -> summary_pb2.Summary.Value:
    """The protobuf ``Summary.Value`` of one scalar (the hand-encoded path writes these bytes)."""
    result = summary_pb2.Summary.Value(tag=tag, simple_value=number)
    if metadata is not None:
        result.metadata.CopyFrom(metadata)
    return result


encode = value


def stored_value(summary_value: summary_pb2.Summary.Value) -> float:
    """The number a scalar ``Summary.Value`` holds: ``simple_value``, or a rank-0 numeric tensor
    (what tb_eval wrote before 0.2, and TensorBoard's own ``summary_v2.scalar_pb``)."""
    if summary_value.HasField("simple_value"):
        return summary_value.simple_value
    tensor = summary_value.tensor
    if tensor.float_val:
        return tensor.float_val[0]
    if tensor.double_val:
        return tensor.double_val[0]
    if tensor.tensor_content:
        dtype = _CONTENT_DTYPES.get(tensor.dtype)
        if dtype is not None and len(tensor.tensor_content) >= dtype.itemsize:
            return float(np.frombuffer(tensor.tensor_content[: dtype.itemsize], dtype=dtype)[0])
    for field in (tensor.int_val, tensor.int64_val):
        if field:
            return float(field[0])
    return 0.0


decode = stored_value


_CONTENT_DTYPES = {
    types_pb2.DT_FLOAT: np.dtype("<f4"),
    types_pb2.DT_DOUBLE: np.dtype("<f8"),
    types_pb2.DT_INT32: np.dtype("<i4"),
    types_pb2.DT_INT64: np.dtype("<i8"),
}


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
