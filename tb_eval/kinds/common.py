"""Shared pieces of the kind modules: our plugin name, tag prefixes, metadata and tensors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
from tensorboard.compat.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

#: The plugin name our own records carry; also the TensorBoard plugin's name and URL segment.
PLUGIN_NAME = "tb_eval"
#: Every tag we own starts with this, so no user tag can collide with one of ours.
TAG_PREFIX = "tb_eval/"
#: Version of the JSON stored in ``plugin_data.content`` and in payload headers.
FORMAT_VERSION = 1

DATA_CLASS_SCALAR = summary_pb2.DATA_CLASS_SCALAR
DATA_CLASS_TENSOR = summary_pb2.DATA_CLASS_TENSOR
DATA_CLASS_BLOB_SEQUENCE = summary_pb2.DATA_CLASS_BLOB_SEQUENCE


#: The largest finite float32: TensorBoard stores scalars as float32.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_scalar_range(values: Any, argument: str) -> None:
    """``ValueError`` naming ``argument`` if a finite value would overflow float32 to infinity
    (NaN and infinities themselves are kept; see the NaN policy in docs/logger.md)."""
    array = np.asarray(values, dtype=np.float64)
    overflow = np.isfinite(array) & (np.abs(array) > FLOAT32_MAX)
    if overflow.any():
        shown = array[overflow].flat[0]
        raise ValueError(
            f"{argument}: {shown!r} is outside the float32 range TensorBoard stores scalars in "
            f"(|value| <= {FLOAT32_MAX:.4g}); it would be shown as infinity. Log a scaled value "
            "or its logarithm"
        )


def tensor_to_numpy(value: Any) -> Any:
    """A torch (or torch-like) tensor as a numpy array, without importing torch; anything else
    unchanged.

    Any device (``.cpu()`` first) and any dtype: those numpy has no type for (``bfloat16``, the
    float8 types) are widened to float32, which holds every value they can take exactly.
    """
    if not hasattr(value, "detach"):
        return value
    value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    try:
        return value.numpy()
    except TypeError:  # "Got unsupported ScalarType BFloat16" and the like
        return value.float().numpy()


def our_tag(kind: str, name: str) -> str:
    """The tag for ``name`` of ``kind``, e.g. ``tb_eval/table/Sine Wave``."""
    return f"{TAG_PREFIX}{kind}/{name}"


def split_our_tag(tag: str) -> tuple[str, str] | None:
    """Inverse of :func:`our_tag`; ``None`` for tags that are not ours."""
    if not tag.startswith(TAG_PREFIX):
        return None
    kind, sep, name = tag[len(TAG_PREFIX) :].partition("/")
    return (kind, name) if sep else (kind, "")


def our_metadata(
    kind: str, data_class: int, description: str = "", **fixed: Any
) -> summary_pb2.SummaryMetadata:
    """Metadata for one of our records. ``content`` holds only what never changes per tag
    (``kind``, ``version`` and the ``fixed`` facts): TensorBoard keeps the first metadata it
    sees for a tag and ignores later ones."""
    content = json.dumps({"kind": kind, "version": FORMAT_VERSION, **fixed}).encode()
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name=PLUGIN_NAME, content=content
        ),
        summary_description=description,
        data_class=data_class,
    )


def builtin_metadata(
    plugin_name: str, content: bytes, data_class: int, description: str = ""
) -> summary_pb2.SummaryMetadata:
    """Metadata for one of TensorBoard's own dashboards, with an explicit data class."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name=plugin_name, content=content
        ),
        summary_description=description,
        data_class=data_class,
    )


def parse_content(content: bytes) -> dict[str, Any]:
    """Decode our ``plugin_data.content``; ``{}`` for anything unreadable."""
    try:
        parsed = json.loads(content or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def string_tensor(values: str | bytes | list[bytes] | np.ndarray) -> tensor_pb2.TensorProto:
    """A DT_STRING tensor: rank 0 for one string or bytes, else the array's shape."""
    if isinstance(values, (str, bytes)):
        item = values.encode("utf-8") if isinstance(values, str) else values
        return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[item])
    array = np.asarray(values, dtype=object)
    flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in array.reshape(-1)]
    shape = tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in array.shape]
    )
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, tensor_shape=shape, string_val=flat)


def json_tensor(value: Any) -> tensor_pb2.TensorProto:
    """A rank-0 DT_STRING tensor holding ``value`` as JSON (NaN and infinities not allowed)."""
    return string_tensor(json.dumps(value, allow_nan=False, ensure_ascii=False))


def float64_tensor(values: np.ndarray) -> tensor_pb2.TensorProto:
    """A DT_DOUBLE tensor with ``values`` as little-endian ``tensor_content``."""
    array = np.ascontiguousarray(values, dtype="<f8")
    shape = tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in array.shape]
    )
    return tensor_pb2.TensorProto(
        dtype=types_pb2.DT_DOUBLE, tensor_shape=shape, tensor_content=array.tobytes()
    )


def summary_value(
    tag: str, tensor: tensor_pb2.TensorProto, metadata: summary_pb2.SummaryMetadata | None
) -> summary_pb2.Summary.Value:
    """A ``Summary.Value``; ``metadata`` is attached only when given (first record per file)."""
    value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    if metadata is not None:
        value.metadata.CopyFrom(metadata)
    return value


#: How a kind's records hold their data, so readers know what to hand its ``decode``: a JSON
#: document in a rank-0 string (``JSON``), one blob (``BLOB``, bytes), or a 1-D float64 tensor.
JSON, BLOB, FLOAT64 = "json", "blob", "float64"


def stored_data(storage: str, tensor: tensor_pb2.TensorProto) -> Any:
    """What a record's ``TensorProto`` holds for ``decode``: the parsed JSON document, the blob's
    bytes or the float64 array; ``ValueError`` when it holds something else."""
    if storage == FLOAT64:
        return np.frombuffer(tensor.tensor_content, dtype="<f8")
    if tensor.dtype != types_pb2.DT_STRING or len(tensor.string_val) != 1:
        raise ValueError(f"expected one string, got dtype {tensor.dtype}")
    if storage == BLOB:
        return tensor.string_val[0]
    if tensor.tensor_shape.dim:
        raise ValueError("expected a rank-0 string")
    return json.loads(tensor.string_val[0])


def parse_metadata(content: bytes) -> dict[str, Any]:
    """The facts our metadata ``content`` holds (``kind``, ``version`` and a kind's own);
    ``{}`` for anything unreadable."""
    return parse_content(content)


def blob_tensor(payload: bytes) -> tensor_pb2.TensorProto:
    """A one-blob sequence: a DT_STRING tensor of shape ``[1]`` holding ``payload``."""
    return string_tensor(np.array([payload], dtype=object))


def builtin_tag(name: str) -> str:
    """The tag of a name in one of TensorBoard's own dashboards: the name itself."""
    return name


def no_facts(content: bytes) -> dict[str, Any]:
    """``parse_metadata`` of a dashboard whose plugin data holds nothing we read."""
    return {}


def tag_and_metadata(
    kind: str, data_class: int, only: str | None = None
) -> tuple[Callable, Callable]:
    """``tag(name)`` and ``metadata(description="")`` of one of our kinds; with ``only``, of a
    kind with one series per run (the run and sweep records): ``tag()`` is
    ``tb_eval/<kind>/<only>`` whatever the name."""

    def tag(name: str = "") -> str:
        return our_tag(kind, name if only is None else only)

    def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
        return our_metadata(kind, data_class, description)

    return tag, metadata
