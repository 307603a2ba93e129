"""A forked child leaves its parent's run alone unless it logs to it (issue 10, item 2).

Each case is a real script (``if os.fork() == 0: sys.exit(0)``) run in a subprocess, so the
child exits through the interpreter's own atexit handlers, as a user's child would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import tb_eval
from tb_eval.reader import event_files

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")

_SCRIPT = """
import json, os, sys
import tb_eval
from tb_eval.reader import event_files
run = tb_eval.start_logging(sys.argv[1], run_name="r", params={{"lr": 0.1}})
run.log("loss", 1.0)
{flush}
before = event_files(run.directory)
pid = os.fork()
if pid == 0:
{child}
    sys.exit(0)
os.waitpid(pid, 0)
after = event_files(run.directory)
status = tb_eval.open_run(run.directory).status
metrics = tb_eval.open_run(run.directory).get_metrics()
run.log("loss", 0.5)
run.complete()
print(json.dumps({{"status_after_child": status, "files_before": len(before),
                  "files_after": len(after), "metrics_after_child": metrics}}))
"""


def _run(tmp_path, *, flush: bool, child: str = "pass") -> dict:
    script = _SCRIPT.format(
        flush="run.flush()" if flush else "", child=textwrap.indent(child, "    ")
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("flush", [True, False], ids=["parent-flushed", "parent-unflushed"])
def test_a_child_that_never_logs_leaves_the_parents_run_running(tmp_path, flush):
    seen = _run(tmp_path, flush=flush)
    # Unflushed, the parent's own record is not on disk yet: the status is still unknown.
    assert seen["status_after_child"] == ("running" if flush else "unknown")
    assert seen["files_after"] == seen["files_before"]  # the child wrote no file
    directory = str(tmp_path / "r")
    assert len(event_files(directory)) == 1
    stored = tb_eval.open_run(directory)
    assert stored.status == "success"
    assert stored.get_metrics()["loss"] == [1.0, 0.5]
    accumulator = EventAccumulator(directory, size_guidance={"scalars": 0})
    accumulator.Reload()
    assert [event.step for event in accumulator.Scalars("loss")] == [0, 1]


def test_a_child_that_logs_keeps_its_values_but_does_not_end_the_run(tmp_path):
    seen = _run(tmp_path, flush=True, child='run.log("child_loss", 7.0)')  # exit writes it
    assert seen["status_after_child"] == "running"
    assert seen["metrics_after_child"]["child_loss"] == 7.0
    assert seen["files_after"] == 2
    assert tb_eval.open_run(str(tmp_path / "r")).status == "success"


def test_a_child_may_end_the_run_explicitly(tmp_path):
    seen = _run(tmp_path, flush=True, child='run.fail("child gave up")')
    assert seen["status_after_child"] == "failure"
