"""The writer under threads, fork and SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import tb_eval
from tb_eval.reader import event_files, read_run


def test_many_threads_log_into_one_run(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    per_thread = 2000

    def work(index: int) -> None:
        for i in range(per_thread):
            run.log(f"thread{index}", float(i))
            run.log("shared", float(index))
        run.log_row("rows", thread=index)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.complete()
    data = read_run(run.directory)
    for index in range(8):
        assert data.scalars[f"thread{index}"] == (
            list(range(per_thread)),
            [float(i) for i in range(per_thread)],
        )
    steps, values = data.scalars["shared"]
    assert steps == list(range(8 * per_thread))  # one step each, no step lost or repeated
    assert sorted(values) == sorted(float(i) for i in range(8) for _ in range(per_thread))
    assert sorted(row["thread"] for row in data.rows["rows"]) == list(range(8))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_never_writes_into_its_parents_file(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r")
    for i in range(100):
        run.log("parent", float(i))  # left unflushed in memory on purpose
    pid = os.fork()
    if pid == 0:  # the child: logs, flushes, exits without running atexit handlers
        try:
            run.log("child", 1.0)
            run.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    run.complete()
    files = event_files(run.directory)
    assert len(files) == 2
    by_pid = {path.rsplit(".", 2)[-2]: path for path in files}
    parent_file = by_pid[str(os.getpid())]
    (child_file,) = (path for key, path in by_pid.items() if key != str(os.getpid()))
    parent = EventAccumulator(parent_file, size_guidance={"scalars": 0})
    parent.Reload()
    assert len(parent.Scalars("parent")) == 100
    assert "child" not in parent.Tags()["scalars"]
    child = EventAccumulator(child_file, size_guidance={"scalars": 0})
    child.Reload()
    assert [e.step for e in child.Scalars("child")] == [0]
    assert "parent" not in child.Tags()["scalars"]  # the inherited batch was dropped
    # Metadata was written again in the child's own file, so TensorBoard classifies its tag.
    assert child.SummaryMetadata("child").plugin_data.plugin_name == "scalars"


def test_sigkill_leaves_every_flushed_record_readable(tmp_path):
    marker = tmp_path / "flushed"
    script = textwrap.dedent(
        f"""
        import os, time, tb_eval
        run = tb_eval.start_logging({str(tmp_path)!r}, run_name="killed", params={{"a": 1}})
        for i in range(5000):
            run.log("loss", float(i))
        run.log_row("rows", i=1)
        run.flush()
        open({str(marker)!r}, "w").write("ok")
        i = 5000
        while True:  # keep writing until killed, mid-record for all we know
            run.log("loss", float(i))
            i += 1
            if i % 1000 == 0:
                run.flush()
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, "the writer process died before flushing"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    data = read_run(str(tmp_path / "killed"))
    steps, values = data.scalars["loss"]
    assert len(steps) >= 5000
    assert steps == list(range(len(steps)))
    assert values == [float(i) for i in range(len(steps))]
    assert data.rows["rows"] == [{"i": 1}]
    accumulator = EventAccumulator(str(tmp_path / "killed"), size_guidance={"scalars": 0})
    accumulator.Reload()
    assert len(accumulator.Scalars("loss")) == len(steps)


@pytest.mark.parametrize(
    ("ending", "status"),
    [("pass", "success"), ("1 / 0", "failure")],
)
def test_runs_left_open_end_at_interpreter_exit(tmp_path, ending, status):
    script = textwrap.dedent(
        f"""
        import tb_eval
        run = tb_eval.start_logging({str(tmp_path)!r}, run_name="open", params={{"a": 1}})
        run.log("loss", 0.5)
        {ending}
        """
    )
    subprocess.run([sys.executable, "-c", script], capture_output=True)
    stored = tb_eval.open_run(tmp_path / "open")
    assert stored.status == status
    assert stored.get_metrics() == {"loss": 0.5}
    if status == "failure":
        assert stored.get_tags()["error"] == "ZeroDivisionError: division by zero"
