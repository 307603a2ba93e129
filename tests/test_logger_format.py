"""The bytes on disk: framing, the hand-encoded scalar path, file naming, reading."""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

import tb_eval
from tb_eval.io.events import ScalarEncoder, varint
from tb_eval.io.records import frame, iter_records, masked_crc
from tb_eval.kinds import codec, scalar
from tb_eval.reader import event_files


def test_masked_crc_matches_tensorboards_reference_implementation():
    for data in (b"", b"a", b"tensorboard" * 37, bytes(range(256))):
        assert masked_crc(data) == masked_crc32c(data)


@pytest.mark.parametrize("step", [0, 1, 127, 128, 16383, 16384, 2**21 - 1, 2**21, 2**31, 2**40])
@pytest.mark.parametrize("with_metadata", [True, False])
@pytest.mark.parametrize("value", [0.1, -3.5e10, 0.0, float("inf"), 1e300])
def test_hand_encoded_scalar_is_byte_identical_to_protobuf(step, with_metadata, value):
    tag = "loss/train é"
    encoded = ScalarEncoder(tag, scalar.metadata("a description")).encode(
        1795000000.25, step, value, with_metadata
    )
    event = event_pb2.Event(wall_time=1795000000.25, step=step)
    with np.errstate(over="ignore"):  # 1e300 rounds to float32 infinity, as the encoder does
        number = float(np.float32(value))
    # The protobuf equivalent: simple_value, and the tag as display name in the metadata.
    metadata = summary_pb2.SummaryMetadata(
        display_name=tag,
        summary_description="a description",
        data_class=summary_pb2.DATA_CLASS_SCALAR,
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"),
    )
    event.summary.value.add(
        tag=tag, simple_value=number, metadata=metadata if with_metadata else None
    )
    assert encoded == frame(event.SerializeToString())
    assert encoded == frame(
        event_pb2.Event(
            wall_time=1795000000.25,
            step=step,
            summary=summary_pb2.Summary(
                value=[scalar.value(tag, number, metadata if with_metadata else None)]
            ),
        ).SerializeToString()
    )


def test_varint_matches_protobuf():
    for number in (0, 1, 127, 128, 300, 2**32, 2**63 - 1):
        assert event_pb2.Event.FromString(b"\x10" + varint(number)).step == number


def test_truncated_final_record_is_ignored_and_corruption_is_reported():
    records = [frame(b"first"), frame(b"second")]
    data = b"".join(records)
    assert list(iter_records(data)) == [b"first", b"second"]
    assert list(iter_records(data[:-3])) == [b"first"]
    corrupt = bytearray(data)
    corrupt[14] ^= 0xFF  # inside the first payload
    with pytest.raises(ValueError, match="corrupt record payload"):
        list(iter_records(bytes(corrupt)))
    corrupt = bytearray(data)
    corrupt[0] ^= 0x01  # the first length header
    with pytest.raises(ValueError, match="corrupt record header"):
        list(iter_records(bytes(corrupt)))


def test_event_file_is_named_like_tensorboards_and_starts_with_the_version(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    run.log("x", 1.0)
    run.complete()
    (path,) = event_files(str(tmp_path / "r"))
    name = os.path.basename(path)
    parts = name.split(".")  # the host name may itself contain dots
    assert parts[:3] == ["events", "out", "tfevents"]
    assert parts[3].isdigit() and parts[-2] == str(os.getpid()) and parts[-1].isdigit()
    with open(path, "rb") as handle:
        first = event_pb2.Event.FromString(next(iter_records(handle.read())))
    assert first.file_version == "brain.Event:2"


def test_every_record_of_ours_carries_an_explicit_data_class(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r", params={"a": 1})
    run.log("x", 1.0)
    run.log("s", "text")
    run.log_list("l", [1, 2])
    run.log_row("rows", a=1)
    run.log_table("t", {"a": [1]})
    run.log_image("i", image=np.zeros((2, 2), np.uint8))
    run.complete()
    (path,) = event_files(str(tmp_path / "r"))
    seen = {}
    with open(path, "rb") as handle:
        for payload in iter_records(handle.read()):
            for value in event_pb2.Event.FromString(payload).summary.value:
                if value.HasField("metadata"):
                    seen[value.tag] = value.metadata.data_class
    assert len(seen) >= 9
    assert all(data_class != 0 for data_class in seen.values()), seen


def test_codec_round_trips_and_rejects_garbage():
    arrays = {"f": np.array([1.5, np.nan]), "i": np.arange(3, dtype=np.int8), "b": np.array([True])}
    strings = codec.encode_strings(["a", None, "é<>"])
    payload = codec.encode({**arrays, **{f"s.{k}": v for k, v in strings.items()}}, {"k": 1})
    meta, decoded = codec.decode(payload)
    assert meta == {"k": 1}
    np.testing.assert_array_equal(decoded["f"], arrays["f"])
    assert decoded["i"].dtype == np.int8
    assert codec.decode_strings(decoded["s.offsets"], decoded["s.data"], decoded["s.valid"]) == [
        "a",
        None,
        "é<>",
    ]
    for garbage in (b"", b"not a payload", codec.MAGIC + struct.pack("<I", 999) + b"{}"):
        with pytest.raises(ValueError):
            codec.decode(garbage)
    with pytest.raises(TypeError, match="only numbers"):
        codec.encode({"o": np.array(["x"], dtype=object)})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(width=32, allow_nan=False), min_size=1, max_size=50))
def test_shortest_float32_matches_numpys_shortest_repr(values):
    single = np.asarray(values, dtype=np.float32)
    assert scalar.shortest_float32(single) == single.astype(str).astype(np.float64).tolist()
