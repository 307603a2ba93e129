"""A small self-describing binary container for named numeric arrays and string columns.

Layout: ``b"TBEV1\\n"`` | uint32 LE header length | JSON header | zero padding to 8 bytes | array
buffers, each 8-byte aligned. The header carries free-form ``meta`` and, per array, its dtype,
shape, offset and size. Decoding is zero-copy (``np.frombuffer``) and never unpickles anything,
so a foreign or hostile payload can at worst raise ``ValueError``.

Strings are stored Arrow-style: UTF-8 bytes concatenated, int64 offsets, and a validity mask
when some are missing. This keeps a million-row text column compact and fast to slice.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

MAGIC = b"TBEV1\n"
_HEADER_LENGTH = struct.Struct("<I")
_ALIGN = 8
_ALLOWED_KINDS = frozenset("biuf")  # bool, signed, unsigned, float


def _pad(size: int) -> int:
    return -size % _ALIGN


def encode(arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any] | None = None) -> bytes:
    """Pack ``arrays`` (numeric or bool numpy arrays) and JSON ``meta`` into one bytes object."""
    entries = []
    buffers = []
    offset = 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        if array.dtype.kind not in _ALLOWED_KINDS:
            raise TypeError(f"array {name!r} has dtype {array.dtype}; only numbers and bools")
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        data = array.tobytes()
        entries.append(
            {
                "name": name,
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "offset": offset,
                "nbytes": len(data),
            }
        )
        buffers.append(data + b"\0" * _pad(len(data)))
        offset += len(data) + _pad(len(data))
    header = json.dumps({"meta": dict(meta or {}), "arrays": entries}, allow_nan=False).encode()
    prefix = MAGIC + _HEADER_LENGTH.pack(len(header)) + header
    prefix += b"\0" * _pad(len(prefix))
    return prefix + b"".join(buffers)


def decode(payload: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Inverse of :func:`encode`: ``(meta, arrays)``. Raises ``ValueError`` on malformed input."""
    if not payload.startswith(MAGIC) or len(payload) < len(MAGIC) + 4:
        raise ValueError("not a tb_eval payload (bad magic)")
    (header_length,) = _HEADER_LENGTH.unpack_from(payload, len(MAGIC))
    header_start = len(MAGIC) + 4
    header_end = header_start + header_length
    if header_end > len(payload):
        raise ValueError("truncated tb_eval payload header")
    try:
        header = json.loads(payload[header_start:header_end])
        base = header_end + _pad(header_end)
        arrays = {}
        for entry in header["arrays"]:
            dtype = np.dtype(entry["dtype"])
            if dtype.kind not in _ALLOWED_KINDS:
                raise ValueError(f"array {entry['name']!r} has disallowed dtype {dtype}")
            start = base + int(entry["offset"])
            stop = start + int(entry["nbytes"])
            if start < base or stop > len(payload):
                raise ValueError(f"array {entry['name']!r} lies outside the payload")
            shape = tuple(int(d) for d in entry["shape"])
            flat = np.frombuffer(
                payload, dtype=dtype, count=(stop - start) // dtype.itemsize, offset=start
            )
            arrays[str(entry["name"])] = flat.reshape(shape)
        return dict(header["meta"]), arrays
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"malformed tb_eval payload header: {error}") from error


def encode_strings(values: Sequence[str | None]) -> dict[str, np.ndarray]:
    """Arrow-style arrays for a string column: ``offsets``, ``data`` and, if needed, ``valid``."""
    encoded = [b"" if value is None else value.encode("utf-8") for value in values]
    lengths = np.fromiter((len(item) for item in encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    out = {"offsets": offsets, "data": np.frombuffer(b"".join(encoded), dtype=np.uint8)}
    if any(value is None for value in values):
        out["valid"] = np.fromiter(
            (value is not None for value in values), dtype=bool, count=len(values)
        )
    return out


def decode_strings(
    offsets: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None
) -> list[str | None]:
    """Inverse of :func:`encode_strings`."""
    raw = data.tobytes()
    bounds = offsets.tolist()
    values: list[str | None] = [
        raw[start:stop].decode("utf-8", errors="replace")
        for start, stop in zip(bounds[:-1], bounds[1:])
    ]
    if valid is not None:
        for index in np.flatnonzero(~valid.astype(bool)).tolist():
            values[index] = None
    return values
