"""Sweeps on an object-store logdir, end to end against a real S3-API server (moto's, started by
the test on 127.0.0.1, dummy credentials): an Optuna study logging to ``s3://``, a contributor
in another process adding predictions to one trial's run, ``log_sweep`` rewriting the
experiment root. Oracles: the objects as boto3 lists them, our reader, and TensorBoard's own
Python loader (a real TensorBoard started on the bucket).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")
optuna = pytest.importorskip("optuna")

import tb_eval  # noqa: E402
from tb_eval import sweep  # noqa: E402
from tb_eval.contributor import contribute  # noqa: E402
from tb_eval.integrations.optuna import TbEvalCallback  # noqa: E402
from tb_eval.io import remote  # noqa: E402
from tb_eval.reader import read_run  # noqa: E402
from tests.s3server import apply, child_environment, module_fixtures  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

PREFIX = "/data/plugin/tb_eval"
REPO = Path(__file__).resolve().parent.parent


s3, s3env, bucket = module_fixtures("sweep")


def test_a_name_is_claimed_once_even_when_two_claimers_race(s3, bucket):
    experiment = f"s3://{bucket}/runs/exp"
    assert sweep.claim_run_directory(experiment, "t", owner="a") == ("t", f"{experiment}/t")
    assert sweep.claim_run_directory(experiment, "t", owner="b") == ("t-2", f"{experiment}/t-2")
    # A prefix holding a run started without a claim is taken too.
    tb_eval.start_logging(f"s3://{bucket}/runs", "exp", "u").complete()
    assert sweep.claim_run_directory(experiment, "u")[0] == "u-2"
    # The claim itself is a conditional put: the store refuses the second writer of it.
    fs, path = remote.filesystem(f"{experiment}/race")
    remote._put_new(fs, f"{path}/{remote.CLAIM_NAME}", b"first\n")
    with pytest.raises(FileExistsError):
        remote._put_new(fs, f"{path}/{remote.CLAIM_NAME}", b"second\n")
    assert fs.cat_file(f"{path}/{remote.CLAIM_NAME}") == b"first\n"
    assert s3.objects(bucket, "runs/exp/t/") == {f"runs/exp/t/{remote.CLAIM_NAME}": 2}


def test_a_store_without_conditional_writes_falls_back_to_check_then_write(bucket, monkeypatch):
    fs, path = remote.filesystem(f"s3://{bucket}/runs/exp/t")
    real = type(fs).pipe_file

    def no_conditional(self, target, data, **kwargs):
        if "IfNoneMatch" in kwargs:
            raise NotImplementedError("NotImplemented: conditional writes")
        return real(self, target, data, **kwargs)

    monkeypatch.setattr(type(fs), "pipe_file", no_conditional)
    remote._put_new(fs, f"{path}/{remote.CLAIM_NAME}", b"first\n")
    with pytest.raises(FileExistsError):
        remote._put_new(fs, f"{path}/{remote.CLAIM_NAME}", b"second\n")
    assert sweep.claim_run_directory(f"s3://{bucket}/runs/exp", "t")[0] == "t-2"


def test_a_contributor_writes_its_own_segments_to_the_runs_url(s3, bucket):
    owner = tb_eval.start_logging(f"s3://{bucket}/runs", "exp", "trial", params={"lr": 0.1})
    owner.log("loss", 1.0, step=0)
    owner.flush()
    url = f"s3://{bucket}/runs/exp/trial"
    worker = contribute(url)
    worker.log("worker_loss", 2.0, step=0)  # uploaded before log() returns
    files = {key.rsplit(".", 1)[0] for key in s3.objects(bucket, "runs/exp/trial/")}
    assert len(files) == 2  # the owner's event file and the contributor's, each in segments
    with pytest.raises(RuntimeError, match="log_params"):
        worker.log_params({"lr": 0.2})
    worker.complete()
    owner.log("loss", 0.5, step=1)
    owner.complete()
    data = read_run(url)
    assert data.scalars["loss"] == ([0, 1], [1.0, 0.5])
    assert data.scalars["worker_loss"] == ([0], [2.0])
    assert data.record["params"] == {"lr": 0.1} and data.record["status"] == "success"
    with pytest.raises(FileNotFoundError, match="no run at"):
        contribute(f"s3://{bucket}/runs/exp/nobody")


_CONTRIBUTOR = textwrap.dedent(
    """
    import sys
    import numpy as np
    from tb_eval.contributor import contribute
    run = contribute(sys.argv[1])
    run.log("worker_score", 0.75)
    run.log_predictions("val", np.array([0, 1, 1, 0]), y_score=np.array([0.1, 0.8, 0.6, 0.3]))
    run.complete()
    """
)


@pytest.fixture(scope="module")
def study_logdir(s3):
    """An Optuna study of 3 trials on ``s3://.../runs``; trial 0's predictions come from a
    contributor in another process; then ``log_sweep`` rewrites the root."""
    bucket = f"study-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(bucket)
    logdir = f"s3://{bucket}/runs"
    env = child_environment(s3.environment())
    env["PYTHONPATH"] = str(REPO)
    with pytest.MonkeyPatch.context() as patch:
        apply(s3.environment(), patch)
        cb = TbEvalCallback(logdir, experiment="study", metric_name="value")

        @cb.track_in_tb_eval()
        def objective(trial):
            x = trial.suggest_float("x", -1.0, 1.0)
            run = tb_eval.get_context()
            if trial.number == 0:
                run.flush()  # the contributor continues what is in the bucket
                subprocess.run(
                    [sys.executable, "-c", _CONTRIBUTOR, run._files_directory],
                    env=env,
                    check=True,
                    timeout=120,
                )
            return x * x

        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
        study.optimize(objective, n_trials=3, callbacks=[cb])
        root_before = remote.event_files(f"{logdir}/study")
        tb_eval.log_sweep(logdir, "study", metric="value", mode="min", params={"x": (-1.0, 1.0)})
        yield {
            "bucket": bucket,
            "logdir": logdir,
            "env": child_environment(s3.environment()),
            "values": [t.value for t in study.trials],
            "root_before": root_before,
        }


def test_the_study_is_in_the_bucket_and_our_reader_reads_it(s3, study_logdir):
    logdir = study_logdir["logdir"]
    for number, value in enumerate(study_logdir["values"]):
        data = read_run(f"{logdir}/study/trial-{number}")
        assert data.record["status"] == "success"
        assert data.scalars["value"][1] == [pytest.approx(value)]
    first = read_run(f"{logdir}/study/trial-0")
    assert first.scalars["worker_score"][1] == [0.75]
    stored = tb_eval.open_run(f"{logdir}/study/trial-0")
    assert list(stored.get_predictions("val").y_true) == [0, 1, 1, 0]
    objects = s3.objects(study_logdir["bucket"], "runs/study/trial-0/")
    writers = {key.rsplit("/", 1)[-1].rsplit(".", 1)[0] for key in objects if "tfevents" in key}
    assert len(writers) == 2  # the owner's file and the contributor's, each in segments
    # The root: replaced (one object), the record at the highest step is log_sweep's.
    root = remote.event_files(f"{logdir}/study")
    assert len(root) == 1 and root != study_logdir["root_before"]
    step, record = sweep.read_sweep_record(f"{logdir}/study")
    assert step >= 1 and record["mode"] == "min" and record["source"] == "user"
    assert sweep.is_experiment_root(f"{logdir}/study")


def test_tensorboard_reads_the_study_from_the_bucket(study_logdir):
    with TensorBoardServer(study_logdir["logdir"], load_fast=False, env=study_logdir["env"]) as tb:
        wanted = {"study", "study/trial-0", "study/trial-1", "study/trial-2"}
        tb.wait_for(lambda: wanted <= set(tb.get_json("/data/runs")), timeout=90)
        tags = tb.wait_for(
            lambda: (
                (t := tb.get_json("/data/plugin/scalars/tags"))
                .get("study/trial-0", {})
                .get("worker_score")
                and t
            ),
            timeout=60,
        )
        assert {"value", "worker_score"} <= set(tags["study/trial-0"])
        listing = tb.wait_for(lambda: tb.get_json(PREFIX + "/evaluations")["evaluations"])
        assert ("study/trial-0", "val") in {(e["run"], e["name"]) for e in listing}


def _ray_trainable(config):
    """Reports 2 results and logs predictions through tb_eval.get_context() (a contributor in
    the Ray worker, writing to the trial's URL)."""
    import numpy as np
    from ray import tune

    import tb_eval

    for step in range(2):
        tune.report({"acc": config["a"] * 0.1 + step * 0.01})
    y = np.array([0, 1, 0, 1])
    tb_eval.get_context().log_predictions("val", y, y_score=np.array([0.2, 0.7, 0.4, 0.9]))


@pytest.mark.xdist_group("ray")
def test_a_ray_sweep_on_the_bucket(s3, bucket, tmp_path):
    """Two Ray Tune trials (a local Ray on 127.0.0.1, whose workers inherit the loopback
    endpoint and dummy credentials set before ray.init): the driver's runs, the workers'
    predictions and the experiment root all land in the bucket."""
    pytest.importorskip("ray.tune")
    from ray import tune

    from tb_eval.integrations.ray import TbEvalCallback
    from tests import ray_support

    logdir = f"s3://{bucket}/runs"
    with ray_support.local_ray(num_cpus=2):
        tuner = tune.Tuner(
            _ray_trainable,
            param_space={"a": tune.grid_search([1, 2])},
            tune_config=tune.TuneConfig(metric="acc", mode="max"),
            run_config=tune.RunConfig(
                name="raysweep",
                storage_path=str(tmp_path / "ray_results"),
                callbacks=[TbEvalCallback(logdir, experiment="sweep", metric="acc", mode="max")],
                verbose=0,
            ),
        )
        results = tuner.fit()
    assert not results.errors
    prefixes = {
        key.split("/")[2] for key in s3.objects(bucket, "runs/sweep/") if key.count("/") > 2
    }
    assert len(prefixes) == 2
    for name in prefixes:
        stored = tb_eval.open_run(f"{logdir}/sweep/{name}")
        assert stored.status == "success" and stored.get_params()["a"] in (1, 2)
        assert list(stored.get_predictions("val").y_true) == [0, 1, 0, 1]
        assert len(stored.get_metrics()["acc"]) == 2
    step, record = sweep.read_sweep_record(f"{logdir}/sweep")
    assert record["metric"] == "acc" and record["source"] == "ray"


def test_a_running_tensorboard_reads_both_writers_with_reload_multifile(s3, bucket):
    """The owner's segments uploaded after the contributor's file appeared (it sorts after
    them) still reach a TensorBoard already running, with --reload_multifile=true."""
    owner = tb_eval.start_logging(f"s3://{bucket}/runs", "exp", "live")
    owner.log("loss", 1.0, step=0)
    owner.flush()
    worker = contribute(f"s3://{bucket}/runs/exp/live")
    worker.log("worker_loss", 2.0, step=0)
    env = child_environment(s3.environment())
    flags = ["--reload_multifile=true"]
    with TensorBoardServer(f"s3://{bucket}/runs", load_fast=False, env=env, flags=flags) as tb:

        def tags():
            return set(tb.get_json("/data/plugin/scalars/tags").get("exp/live", {}))

        tb.wait_for(lambda: {"loss", "worker_loss"} <= tags(), timeout=90)
        owner.log("late_loss", 0.5, step=1)
        owner.flush()
        tb.wait_for(lambda: "late_loss" in tags(), timeout=90)
    worker.complete()
    owner.complete()
