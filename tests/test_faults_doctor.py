"""``python -m tb_eval doctor LOGDIR`` against real corrupt logdirs (issue 10, item 11): it names
exactly the files that make TensorBoard fail -- checked against TensorBoard itself: the Python
loader's multiplexer (what ``--load_fast=false``'s reload thread runs) and a real TensorBoard
with the Rust data server (``--load_fast=true``)."""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
import time
import urllib.error

import pytest
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.compat.proto import event_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

import tb_eval
from tb_eval.reader import event_files
from tests import test_plugin_hostile as hostile
from tests.tbserver import TensorBoardServer

BAD = "events.out.tfevents.1.host.1.0"


def _good_run(root) -> None:
    run = tb_eval.start_logging(root, run_name="good")
    for i in range(10):
        run.log("loss", float(i))
    run.log_table("t", {"a": [1, 2, 3]})
    run.complete()


def _huge_frame(root) -> None:
    hostile._huge_frame(root / "bad" / BAD)


def _not_protobuf(root) -> None:
    hostile._not_protobuf(root / "bad" / BAD)


def _first_event(path) -> None:
    writer = RecordWriter(open(path, "wb"))  # noqa: SIM115 - the writer closes it
    writer.write(event_pb2.Event(file_version="brain.Event:2").SerializeToString())
    writer.close()


def _tfevents_directory(root) -> None:
    (root / "bad" / BAD).mkdir()
    _first_event(root / "bad" / "events.out.tfevents.2.host.1.0")


def _truncated_tail(root) -> None:
    (path,) = event_files(str(root / "good"))
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.truncate(size - 7)  # cut the last record, as a SIGKILL mid-write does


def _bad_header_crc(root) -> None:
    path = root / "bad" / BAD
    _first_event(path)
    with open(path, "ab") as handle:
        handle.write(struct.pack("<QI", 20, 12345) + b"\x00" * 24)


def _clean(root) -> None:
    (root / "bad").rmdir()


CASES = {
    # name: (make, the finding kinds doctor reports, does it stop TensorBoard?)
    "clean": (_clean, set(), False),
    "truncated_tail": (_truncated_tail, {"truncated_tail"}, False),
    "bad_header_crc": (_bad_header_crc, {"bad_header_crc"}, False),
    "huge_frame": (_huge_frame, {"absurd_length"}, True),
    "not_protobuf": (_not_protobuf, {"not_protobuf"}, True),
    "tfevents_directory": (_tfevents_directory, {"tfevents_directory"}, True),
}


def _logdir(tmp_path, case: str):
    _good_run(tmp_path)
    (tmp_path / "bad").mkdir()
    CASES[case][0](tmp_path)
    return tmp_path


def _doctor(logdir, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tb_eval", "doctor", str(logdir), *flags],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_doctor_names_each_file_and_its_fix(tmp_path, case):
    logdir = _logdir(tmp_path, case)
    _, kinds, stops = CASES[case]
    result = _doctor(logdir, "--json")
    assert result.returncode == (1 if stops else 0), result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is not stops
    assert {finding["kind"] for finding in document["findings"]} == kinds
    for finding in document["findings"]:
        assert finding["severity"] == ("problem" if stops else "note")
        assert finding["fix"]
        assert os.path.exists(os.path.join(logdir, finding["path"]))
    text = _doctor(logdir)
    assert text.returncode == result.returncode
    if stops:
        assert f"PROBLEM: bad{os.sep}{BAD}" in text.stdout
        assert "fix: " in text.stdout and str(logdir / "bad" / BAD) in text.stdout
    elif case == "truncated_tail":
        assert "cut off: fine" in text.stdout and "nothing stops TensorBoard" in text.stdout
    elif case == "clean":
        assert text.stdout.strip().endswith("no event file here stops TensorBoard.")


def test_doctor_refuses_a_missing_logdir(tmp_path):
    result = _doctor(tmp_path / "missing")
    assert result.returncode == 2
    assert "doctor: error: LOGDIR: no directory" in result.stderr


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _python_loader_fails(logdir) -> bool:
    """What TensorBoard's ``--load_fast=false`` reload thread runs, in this process: it fails
    when the reload raises (the thread dies) or a run cannot be loaded (an error logged)."""
    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    errors = _Errors()
    logger = logging.getLogger("tensorboard")
    logger.addHandler(errors)
    try:
        multiplexer.AddRunsFromDirectory(str(logdir))
        multiplexer.Reload()
    except Exception:  # noqa: BLE001 - any exception kills the reload thread
        return True
    finally:
        logger.removeHandler(errors)
    return bool(errors.messages) or "good" not in multiplexer.Runs()


def _rust_loader_fails(logdir) -> bool:
    try:
        server = TensorBoardServer(logdir, load_fast=True).__enter__()
    except RuntimeError:  # the data server aborted: TensorBoard did not start
        return True
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if "good" in server.get_json("/data/runs"):
                    return False
            except (urllib.error.URLError, ValueError):
                pass
            time.sleep(0.3)
        return True
    finally:
        server.stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_doctor_flags_exactly_what_makes_tensorboard_fail(tmp_path, case):
    logdir = _logdir(tmp_path, case)
    flagged = _doctor(logdir).returncode == 1
    tensorboard_fails = _python_loader_fails(logdir) or _rust_loader_fails(logdir)
    assert flagged == tensorboard_fails == CASES[case][2]
