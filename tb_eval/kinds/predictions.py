"""Predictions (``log_predictions``), feature importances and precomputed confusion matrices.

Predictions are stored raw, one blob per evaluation step at ``tb_eval/predictions/<name>``, so
every metric and curve can be computed later from exactly what the model said. Blobs, unlike
tensors, are streamed by TensorBoard in chunks (no 256 MiB gRPC cap), and our plugin keeps every
step (``--samples_per_plugin tb_eval=0`` by default). Arrays are stored at the narrowest dtype
that holds them exactly: class indices in uint8/uint16/..., float64 scores in float32 whenever
that round-trips bit for bit (e.g. a model's float32 softmax).
"""

from __future__ import annotations

import numpy as np

from tb_eval.evaluation import Prepared
from tb_eval.kinds import codec
from tb_eval.kinds.common import (
    DATA_CLASS_BLOB_SEQUENCE,
    our_metadata,
)

KIND = "predictions"
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


def encode(prepared: Prepared) -> bytes:
    """``prepared`` as one compact, lossless payload."""
    meta, arrays = prepared.to_arrays()
    payload = codec.encode(
        {key: _narrow(np.asarray(value)) for key, value in arrays.items()},
        {"kind": KIND, **meta},
    )
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError(
            f"y_true: {prepared.n:,} predictions make a {len(payload) / 2**30:.1f} GiB record, "
            "over TensorBoard's 2 GiB limit; log a sample, or split them across names"
        )
    return payload


def decode(payload: bytes) -> Prepared:
    """Inverse of :func:`encode`; ``ValueError`` for anything else."""
    meta, arrays = codec.decode(payload)
    if meta.get("kind") != KIND:
        raise ValueError("payload is not a predictions record")
    try:
        return Prepared.from_arrays(meta, arrays)
    except KeyError as missing:
        raise ValueError(f"predictions payload lacks {missing}") from None


def predictions_metadata(task: str):
    """The task never changes for a name (``Run`` enforces it), so listings can show it without
    reading any blob."""
    return our_metadata(KIND, DATA_CLASS_BLOB_SEQUENCE, task=task)
