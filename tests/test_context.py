"""``tb_eval.get_context()`` / ``Run.get_context()``: the run a training script logs to."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

import tb_eval
from tb_eval import context

#: An Azure ML training script with its import line changed, nothing else.
AZURE_SCRIPT = textwrap.dedent(
    """
    from tb_eval import Run

    run = Run.get_context()
    for epoch in range(3):
        run.log("accuracy", 0.5 + epoch / 10)
        run.log_row("Performance", epoch=epoch, error=1 - epoch / 10)
    run.tag("script", "train.py")
    assert Run.get_context() is run
    """
)


@pytest.fixture(autouse=True)
def _fresh_context(monkeypatch):
    for name in (
        context.ENV_RUN_DIR,
        context.ENV_LOGDIR,
        context.ENV_EXPERIMENT,
        context.ENV_RUN_NAME,
    ):
        monkeypatch.delenv(name, raising=False)
    context._forget_process_run()
    yield
    context._forget_process_run()


def _run_script(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    script = tmp_path / "train.py"
    script.write_text(AZURE_SCRIPT)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": repo, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _only_run_under(root) -> str:
    found = [d for d, _, files in os.walk(root) if any("tfevents" in f for f in files)]
    assert len(found) == 1, found
    return found[0]


def test_without_a_launcher_a_script_logs_to_a_new_run_in_runs(tmp_path):
    _run_script(tmp_path, {})
    run = tb_eval.open_run(_only_run_under(tmp_path / "runs"))
    assert os.path.dirname(run.directory) == str(tmp_path / "runs")
    assert run.get_status() == "Completed" and run.get_tags() == {"script": "train.py"}
    assert run.get_metrics()["accuracy"] == [0.5, 0.6, 0.7]
    assert run.get_metrics()["Performance"]["epoch"] == [0, 1, 2]


def test_a_launcher_names_the_run_directory(tmp_path):
    parent = tb_eval.start_logging(tmp_path / "logs", experiment="sweep", run_name="search")
    trial_dir = os.path.join(parent.directory, "trial_0")
    _run_script(tmp_path, context.environment_for(trial_dir))
    trial = tb_eval.open_run(trial_dir)
    assert trial.get_status() == "Completed" and trial.id == "search/trial_0"
    assert trial.experiment == "sweep" and trial.parent.directory == parent.directory
    assert [child.id for child in parent.get_children()] == ["search/trial_0"]
    _run_script(tmp_path, context.environment_for(trial_dir))  # a second attempt continues it
    assert tb_eval.open_run(trial_dir).get_metrics()["accuracy"] == [0.5, 0.6, 0.7] * 2
    parent.complete()


def test_a_launcher_names_logdir_experiment_and_run(tmp_path):
    env = {
        context.ENV_LOGDIR: str(tmp_path / "logs"),
        context.ENV_EXPERIMENT: "exp",
        context.ENV_RUN_NAME: "r1",
    }
    _run_script(tmp_path, env)
    _run_script(tmp_path, env)
    run = tb_eval.open_run(tmp_path / "logs" / "exp" / "r1")
    assert run.experiment == "exp" and len(run.get_metrics()["accuracy"]) == 6


def test_repeated_calls_return_one_run_and_use_run_overrides_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = tb_eval.get_context()
    assert tb_eval.get_context() is first and tb_eval.Run.get_context() is first
    other = tb_eval.start_logging(tmp_path / "elsewhere", run_name="other")
    with context.use_run(other):
        assert tb_eval.get_context() is other and context.current_run() is other
        seen = []
        worker = threading.Thread(target=lambda: seen.append(context.current_run()))
        worker.start()
        worker.join()
        assert seen == [None]  # a new thread starts without the block's run
        inner = other.child_run("inner")
        token = context.push_run(inner)
        assert tb_eval.get_context() is inner
        context.pop_run(token)
        assert tb_eval.get_context() is other
    assert tb_eval.get_context() is first
    with pytest.raises(TypeError, match="run: expected a tb_eval Run"):
        context.push_run("runs/x")
    first.complete()
    again = tb_eval.get_context()  # the notebook case: the default run ended, a new one starts
    assert again is not first and again.status == "running"
    for run in (again, inner, other):
        run.complete()
