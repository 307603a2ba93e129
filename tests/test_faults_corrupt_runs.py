"""``open_run``/``get_metrics`` on ~300 corrupted variants of a real run (seeded): each reads
what is readable, or raises the one documented error, ``tb_eval.reader.CorruptRunError``,
naming the file -- never another exception type (issue 10, item 6)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import struct
import warnings

import numpy as np
import pytest
from tensorboard.compat.proto import event_pb2

import tb_eval
from tb_eval.io.records import frame, iter_records
from tb_eval.reader import CorruptRunError, event_files

VARIANTS = 300


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> str:
    """A run holding every kind, two event files (a finished-run write appends one)."""
    root = tmp_path_factory.mktemp("original")
    run = tb_eval.start_logging(root, run_name="r", params={"lr": 0.1, "depth": 3})
    for i in range(20):
        run.log("loss", 1.0 / (i + 1))
    run.log("note", "hello")
    run.log_list("series", [1.0, 2.0, 3.0])
    run.log_row("rows", epoch=1, acc=0.5)
    run.log_row("rows", epoch=2, acc=0.7)
    run.log_table("table", {"a": [1, 2], "b": ["x", "y"]})
    run.log_image("image", image=np.zeros((4, 4), dtype=np.uint8))
    run.log_histogram("weights", np.arange(10.0))
    run.log_predictions("val", [0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4])
    run.log_feature_importance("imp", ["f1", "f2"], [0.3, 0.7])
    run.log_confusion_matrix("cm", [[3, 1], [0, 4]], labels=["a", "b"])
    run.complete()
    with pytest.warns(UserWarning, match="HParams dashboard keeps"):
        run.tag("after", "done")  # a finished-run write: a second event file
    return run.directory


def _frames(data: bytes) -> list[bytes]:
    return list(iter_records(data))


def _event_with(tag: str, plugin: str, tensor_strings: list[bytes], content: bytes = b"") -> bytes:
    event = event_pb2.Event(step=1, wall_time=1.0)
    value = event.summary.value.add(tag=tag)
    value.metadata.plugin_data.plugin_name = plugin
    value.metadata.plugin_data.content = content
    value.tensor.dtype = 7
    value.tensor.string_val.extend(tensor_strings)
    return event.SerializeToString()


def _hostile_payloads(rng: random.Random) -> list[bytes]:
    """Valid frames holding records a reader must survive."""
    deep = b"[" * 100_000 + b"]" * 100_000
    ours = b'{"kind": "row", "version": 1}'
    candidates = [
        bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 64))),  # not protobuf
        _event_with("tb_eval/run/record", "tb_eval", [b"[1, 2]"], b'{"kind": "record"}'),
        _event_with("tb_eval/run/record", "tb_eval", [b'{"params": [1], "tags": 3}']),
        _event_with("tb_eval/run/record", "tb_eval", [deep]),
        _event_with("tb_eval/run/record", "tb_eval", [b"\xff\xfe not json"]),
        _event_with("tb_eval/run/record", "tb_eval", []),
        _event_with("tb_eval/row/rows", "tb_eval", [b"[1]"], ours),
        _event_with("tb_eval/row/rows", "tb_eval", [b'{"acc": {"x": 1}}'], ours),
        _event_with("tb_eval/row/rows", "tb_eval", [deep], ours),
        _event_with("tb_eval/row/new", "tb_eval", [b"{}"], b"\xff not json"),
        _event_with("tb_eval/table/table", "tb_eval", [b"garbage blob"]),
        _event_with("tb_eval/table/other", "tb_eval", [b"", b""], b'{"kind": "table"}'),
        _event_with("tb_eval/predictions/val", "tb_eval", [b"not predictions"]),
        _event_with("tb_eval/importance/imp", "tb_eval", [b"{nope"]),
        _event_with("tb_eval/list/series", "tb_eval", [b"x"]),
        _event_with("note", "text", [b"\xff\xfe"]),
        _event_with("note", "text", []),
        _event_with("loss", "scalars", [b"ab"]),
        _event_with("newscalar", "scalars", [b"ab"]),
    ]
    scalar = event_pb2.Event(step=3, wall_time=1.0)
    value = scalar.summary.value.add(tag="loss")
    value.tensor.dtype = 1
    value.tensor.tensor_content = b"\x01\x02"  # too short for a float
    candidates.append(scalar.SerializeToString())
    odd = event_pb2.Event(step=2**62, wall_time=1.0)
    odd.summary.value.add(tag="loss", simple_value=1.0)
    candidates.append(odd.SerializeToString())
    truncated_varint = bytearray(event_pb2.Event(step=300, wall_time=1.0).SerializeToString())
    candidates.append(bytes(truncated_varint[:10]) + b"\x90" * 8)
    return candidates


def _mutate(rng: random.Random, files: dict[str, bytes], directory: str) -> str:
    """Apply one corruption to a copy of the run in ``directory``; returns its description."""
    name = rng.choice(sorted(n for n in files if os.path.isfile(os.path.join(directory, n))))
    path = os.path.join(directory, name)
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    if not data:
        data = bytearray(files[name])
    try:
        frames = _frames(bytes(data))
    except ValueError:  # already corrupted by an earlier mutation: start from the original
        frames = _frames(files[name])
    if not frames:
        frames = _frames(files[name])
    choice = rng.randrange(10)
    if choice == 0:
        cut = rng.randrange(len(data))
        data = data[:cut]
        what = f"truncate {name} at {cut}"
    elif choice == 1:
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        what = f"flip bytes in {name}"
    elif choice == 2:
        index = rng.randrange(len(frames))
        frames.insert(index, frames[index])
        data = bytearray(b"".join(frame(f) for f in frames))
        what = f"duplicate frame {index} of {name}"
    elif choice == 3:
        index = rng.randrange(len(frames) + 1)
        payload = rng.choice(_hostile_payloads(rng))
        frames.insert(index, payload)
        data = bytearray(b"".join(frame(f) for f in frames))
        what = f"hostile frame at {index} of {name}"
    elif choice == 4:
        frames = _frames(files[name])
        index = rng.randrange(len(frames))
        event = event_pb2.Event.FromString(frames[index])
        for value in event.summary.value:
            if value.tensor.string_val:
                value.tensor.string_val[0] = rng.choice([b"{", b"null", b"[]", b'"s"', b"1e999"])
        frames[index] = event.SerializeToString()
        data = bytearray(b"".join(frame(f) for f in frames))
        what = f"bad JSON in frame {index} of {name}"
    elif choice == 5:
        data = bytearray()
        what = f"zero-length {name}"
    elif choice == 6:
        os.remove(path)
        os.mkdir(path)
        os.makedirs(os.path.join(directory, "events.out.tfevents.9999999999.x.1.0"), exist_ok=True)
        return f"directories named like event files ({name})"
    elif choice == 7:
        header = struct.pack("<Q", 1 << 40)
        from tb_eval.io.records import masked_crc

        absurd = header + struct.pack("<I", masked_crc(header)) + b"\x00" * 32
        cut = rng.choice([0, len(data)])
        data = data[:cut] + absurd + data[cut:]
        what = f"1 TiB length header at {cut} of {name}"
    elif choice == 8:
        index = rng.randrange(len(frames))
        payload = bytearray(frames[index])
        del payload[rng.randrange(len(payload)) :]
        frames[index] = bytes(payload)
        data = bytearray(b"".join(frame(f) for f in frames))
        what = f"cut payload of frame {index} of {name}, framing valid"
    else:
        extra = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 200)))
        data += extra
        what = f"garbage tail on {name}"
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    return what


def test_corrupted_runs_read_or_raise_the_documented_error(original, tmp_path):
    files = {}
    for path in event_files(original):
        with open(path, "rb") as handle:
            files[os.path.basename(path)] = handle.read()
    rng = random.Random(20261202)
    outcomes = {"read": 0, "refused": 0}
    failures = []
    for index in range(VARIANTS):
        directory = str(tmp_path / f"v{index}")
        shutil.copytree(original, directory)
        what = _mutate(rng, files, directory)
        if rng.random() < 0.3:  # a second corruption on top
            what += "; " + _mutate(rng, files, directory)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stored = tb_eval.open_run(directory)
                stored.status, stored.id, stored.display_name  # noqa: B018
                stored.get_params(), stored.get_tags(), stored.get_properties()
                stored.get_details(), stored.get_file_names()
                metrics = stored.get_metrics()
                json.dumps(metrics, default=str)
                for name in ("val",):
                    with contextlib.suppress(KeyError):
                        stored.get_predictions(name)
            outcomes["read"] += 1
        except CorruptRunError as error:
            assert directory in str(error), (what, error)
            outcomes["refused"] += 1
        except Exception as error:  # noqa: BLE001 - the point of the test
            failures.append(f"variant {index} ({what}): {type(error).__name__}: {error!s:.200}")
        shutil.rmtree(directory)
    assert not failures, f"{len(failures)} of {VARIANTS} variants:\n" + "\n".join(failures)
    print(outcomes)
    assert outcomes["read"] > VARIANTS // 2, outcomes  # most damage leaves most data readable
    assert outcomes["refused"] > 0, outcomes  # undecodable blobs were among the variants


def test_a_truncated_or_bad_tail_keeps_everything_before_it(original, tmp_path):
    directory = str(tmp_path / "r")
    shutil.copytree(original, directory)
    first = event_files(directory)[0]
    with open(first, "ab") as handle:
        handle.write(b"\x01" * 37)  # a bad header: past it nothing can be trusted
    with pytest.warns(UserWarning, match=os.path.basename(first)):
        stored = tb_eval.open_run(directory)
    metrics = stored.get_metrics()
    assert metrics["loss"][:3] == [1.0, 0.5, pytest.approx(1 / 3)]
    assert stored.get_tags()["after"] == "done"
    assert stored.status == "success"


def _copy_with_file(original: str, tmp_path, payload: bytes) -> str:
    """A copy of the run with one more event file (sorting last) holding ``payload``."""
    directory = str(tmp_path / "r")
    shutil.copytree(original, directory)
    path = os.path.join(directory, "events.out.tfevents.9999999999.x.1.0")
    with open(path, "wb") as handle:
        handle.write(frame(payload))
    return directory


def test_a_record_that_is_not_an_object_is_skipped_naming_the_file(original, tmp_path):
    payload = _event_with("tb_eval/run/record", "tb_eval", [b"[1, 2]"])
    directory = _copy_with_file(original, tmp_path, payload)
    with pytest.warns(UserWarning, match="9999999999"):
        stored = tb_eval.open_run(directory)
    assert stored.status == "success"  # the last good record wins
    assert stored.get_params() == {"lr": 0.1, "depth": 3}


def test_an_undecodable_table_raises_the_documented_error_naming_the_file(original, tmp_path):
    payload = _event_with("tb_eval/table/table", "tb_eval", [b"garbage"])
    directory = _copy_with_file(original, tmp_path, payload)
    stored = tb_eval.open_run(directory)
    with pytest.raises(CorruptRunError, match="9999999999.*table 'table'"):
        stored.get_metrics()
    assert issubclass(CorruptRunError, ValueError)
    assert tb_eval.CorruptRunError is CorruptRunError
