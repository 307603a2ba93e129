"""Serialized ``Event`` protos: a hand-encoded fast path for scalars, protobuf for the rest.

Building and serializing an ``Event`` message costs about 2.4 µs; writing the same bytes by hand
costs about 0.5 µs. Scalars are the one kind logged hundreds of thousands of times, so they get
the hand-encoded path. The bytes are identical to ``Event.SerializeToString()`` (a test checks it).
"""

from __future__ import annotations

import math
import struct

from tensorboard.compat.proto import event_pb2, summary_pb2

from tb_eval.io.records import frame

_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
# TensorProto{dtype: DT_FLOAT, tensor_shape: {}, float_val: [packed, 4 bytes]}, value appended.
_SCALAR_TENSOR_PREFIX = b"\x08\x01\x12\x00\x2a\x04"


def varint(value: int) -> bytes:
    """Encode a non-negative int as a protobuf varint."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """Length-delimited field ``number`` holding ``payload``."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def file_version_event(wall_time: float) -> bytes:
    """The record every event file starts with."""
    event = event_pb2.Event(wall_time=wall_time, file_version="brain.Event:2")
    event.source_metadata.writer = "tb_eval"
    return frame(event.SerializeToString())


def encode_event(wall_time: float, step: int, values: list[summary_pb2.Summary.Value]) -> bytes:
    """A framed event holding ``values`` at ``step``."""
    event = event_pb2.Event(wall_time=wall_time, step=step)
    event.summary.value.extend(values)
    return frame(event.SerializeToString())


class ScalarEncoder:
    """Encodes framed scalar events for one tag, reusing the bytes that never change."""

    __slots__ = ("_tag_field", "_metadata_field")

    def __init__(self, tag: str, metadata: summary_pb2.SummaryMetadata) -> None:
        self._tag_field = _field(1, tag.encode("utf-8"))
        self._metadata_field = _field(9, metadata.SerializeToString())

    def encode(self, wall_time: float, step: int, value: float, with_metadata: bool) -> bytes:
        """One framed event: ``value`` as a rank-0 float32 tensor at ``step``."""
        try:
            tensor = _SCALAR_TENSOR_PREFIX + _FLOAT.pack(value)
        except OverflowError:  # beyond float32's range: store the infinity float32 rounds to
            tensor = _SCALAR_TENSOR_PREFIX + _FLOAT.pack(math.copysign(math.inf, value))
        body = self._tag_field
        if with_metadata:
            body += self._metadata_field
        body += b"\x42\x0a" + tensor  # field 8 (tensor), 10 bytes
        summary = b"\x0a" + varint(len(body)) + body  # Summary{value: [body]}
        event = b"\x09" + _DOUBLE.pack(wall_time)
        if step:
            event += b"\x10" + varint(step)
        event += b"\x2a" + varint(len(summary)) + summary
        return frame(event)
