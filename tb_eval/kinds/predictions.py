"""Predictions (``log_predictions``): what a model predicted, stored raw for the evaluation engine.

Predictions are stored raw, one blob per evaluation step at ``tb_eval/predictions/<name>``, so
every metric and curve can be computed later from exactly what the model said. Blobs, unlike
tensors, are streamed by TensorBoard in chunks (no 256 MiB gRPC cap), and our plugin keeps every
step (``--samples_per_plugin tb_eval=0`` by default). Arrays are stored at the narrowest dtype
that holds them exactly: class indices in uint8/uint16/..., float64 scores in float32 whenever
that round-trips bit for bit (e.g. a model's float32 softmax).

The payload's ``meta`` and arrays are those of :meth:`tb_eval.evaluation.Prepared.to_arrays`
(``y_true`` and whichever of ``y_score``, ``y_pred``, ``sample_weight`` exist; ``task``,
``task_inferred``, ``labels``); this module does not import the engine: readers rebuild a
``Prepared`` with ``decode(payload, Prepared.from_arrays)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from tb_eval.kinds import codec, common
from tb_eval.kinds.common import BLOB, DATA_CLASS_BLOB_SEQUENCE, blob_tensor, our_metadata, our_tag

KIND = "predictions"
DATA_CLASS = DATA_CLASS_BLOB_SEQUENCE
PLUGIN_NAME = common.PLUGIN_NAME
STORAGE = BLOB
CLAIMS_NAME = True
#: A protobuf message must stay under 2 GiB; leave room for the event around the blob.
MAX_PAYLOAD_BYTES = 1_800_000_000


def _narrow(array: np.ndarray) -> np.ndarray:
    """The same values in the narrowest dtype that holds them exactly."""
    if array.dtype.kind in "iu" and array.size:
        low, high = int(array.min()), int(array.max())
        for dtype in (
            (np.uint8, np.uint16, np.uint32) if low >= 0 else (np.int8, np.int16, np.int32)
        ):
            info = np.iinfo(dtype)
            if info.min <= low and high <= info.max:
                return array.astype(dtype)
        return array
    if array.dtype == np.float64:
        narrow = array.astype(np.float32)
        with np.errstate(invalid="ignore"):
            if np.array_equal(narrow.astype(np.float64), array, equal_nan=True):
                return narrow
    return array


def tag(name: str) -> str:
    return our_tag(KIND, name)


def metadata(task: str, description: str = ""):
    """The task never changes for a name (``Run`` enforces it), so listings can show it without
    reading any blob."""
    return our_metadata(KIND, DATA_CLASS, description, task=task)


def parse_metadata(content: bytes) -> dict[str, Any]:
    """The metadata's facts; ``task`` is a str, or ``None`` when missing or not a str."""
    parsed = common.parse_metadata(content)
    task = parsed.get("task")
    return {**parsed, "task": task if isinstance(task, str) else None}


def encode_payload(meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> bytes:
    """Predictions (``Prepared.to_arrays()``) as one compact, lossless payload."""
    payload = codec.encode(
        {key: _narrow(np.asarray(value)) for key, value in arrays.items()},
        {"kind": KIND, **meta},
    )
    if len(payload) > MAX_PAYLOAD_BYTES:
        n = int(np.shape(arrays["y_true"])[0])
        raise ValueError(
            f"y_true: {n:,} predictions make a {len(payload) / 2**30:.1f} GiB record, "
            "over TensorBoard's 2 GiB limit; log a sample, or split them across names"
        )
    return payload


def encode(meta: Mapping[str, Any], arrays: Mapping[str, Any]):
    """The record's blob tensor (see :func:`encode_payload`)."""
    return blob_tensor(encode_payload(meta, arrays))


def decode(payload: bytes, build: Callable[[dict, dict], Any] | None = None) -> Any:
    """Inverse of :func:`encode_payload`: ``(meta, arrays)``, or ``build(meta, arrays)`` (e.g.
    ``Prepared.from_arrays``); ``ValueError`` for anything else."""
    meta, arrays = codec.decode(payload)
    if meta.get("kind") != KIND:
        raise ValueError("payload is not a predictions record")
    if "y_true" not in arrays:
        raise ValueError("predictions payload lacks 'y_true'")
    if build is None:
        return meta, arrays
    try:
        return build(meta, arrays)
    except KeyError as missing:
        raise ValueError(f"predictions payload lacks {missing}") from None
