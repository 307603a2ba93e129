"""Remote logdirs end to end against a real S3-API server (moto's, started by the test on
127.0.0.1): our writer and reader, TensorBoard's own Python loader, and our plugin's routes.

Every test runs with the loopback endpoint in ``AWS_ENDPOINT_URL_S3`` and dummy credentials, so
nothing can reach a public service. The oracles: the same run logged to a local directory (our
reader, and TensorBoard serving that directory), and the objects in the bucket as boto3 lists
them.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.parse
import uuid
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

import tb_eval  # noqa: E402
from tb_eval.io import remote  # noqa: E402
from tb_eval.run import attach  # noqa: E402
from tests.s3server import S3Server, apply, child_environment, module_fixtures  # noqa: E402
from tests.tbserver import TensorBoardServer, free_port  # noqa: E402

PREFIX = "/data/plugin/tb_eval"
REPO = Path(__file__).resolve().parent.parent
STEPS = 30


s3, s3env, bucket = module_fixtures("runs")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _log_everything(logdir: str, source_file: str) -> None:
    """The same run, whatever the logdir: params, scalars, an image, a table, rows,
    predictions, an uploaded file and a child run."""
    rng = np.random.default_rng(7)
    run = tb_eval.start_logging(logdir, experiment="exp", run_name="a", params={"lr": 0.1})
    for step in range(STEPS):
        run.log("loss", 1.0 / (step + 1), step=step)
    run.log_image("sample", image=np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    run.log_table("scores", {"model": ["x", "y", "z"], "auc": [0.5, 0.75, 0.875]})
    run.log_row("metrics", epoch=1, acc=0.5)
    run.log_row("metrics", epoch=2, acc=0.625)
    y = rng.integers(0, 2, 400)
    score = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    run.log_predictions("val", y_true=y, y_score=score, step=0)
    run.log_predictions("val", y_true=y, y_score=np.clip(score + 0.05, 0, 1), step=1)
    run.upload_file("outputs/notes.txt", source_file)
    child = run.child_run("trial")
    child.log("acc", 0.75)
    child.complete()
    run.complete()


@pytest.fixture(scope="module")
def logged(s3, tmp_path_factory):
    """The same run logged to a bucket and to a local directory."""
    base = tmp_path_factory.mktemp("remote")
    source = base / "notes.txt"
    source.write_text("hello from the bucket\n")
    bucket = f"logged-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(bucket)
    with pytest.MonkeyPatch.context() as patch:
        apply(s3.environment(), patch)
        patch.chdir(base)
        _log_everything(f"s3://{bucket}/runs", str(source))
        _log_everything(str(base / "local"), str(source))
    return {"url": f"s3://{bucket}/runs", "bucket": bucket, "local": base / "local"}


# ---------------------------------------------------------------------------- our writer/reader


def test_the_bucket_holds_the_run_and_nothing_is_written_locally(s3, logged, tmp_path):
    keys = s3.objects(logged["bucket"])
    assert "runs/exp/a/artifacts/outputs/notes.txt" in keys
    assert any(k.startswith("runs/exp/a/events.out.tfevents.") for k in keys)
    assert any(k.startswith("runs/exp/a/trial/events.out.tfevents.") for k in keys)
    assert not any(".tb_eval-probe" in k for k in keys)  # the probe cleans up
    assert not any("s3:" in p for p in os.listdir(tmp_path))


def test_open_run_and_get_metrics_read_the_bucket_as_the_local_run(logged, tmp_path):
    remote_run = tb_eval.open_run(f"{logged['url']}/exp/a")
    local_run = tb_eval.open_run(logged["local"] / "exp" / "a")
    assert remote_run.get_metrics() == local_run.get_metrics()
    assert remote_run.get_metrics()["loss"] == local_run.get_metrics()["loss"]
    assert len(remote_run.get_metrics()["loss"]) == STEPS
    assert remote_run.get_params() == {"lr": 0.1} and remote_run.status == "success"
    assert remote_run.get_file_names() == ["outputs/notes.txt"]
    target = remote_run.download_file("outputs/notes.txt", tmp_path / "notes.txt")
    assert Path(target).read_text() == "hello from the bucket\n"
    remote_pred = remote_run.get_predictions("val", step=0)
    local_pred = local_run.get_predictions("val", step=0)
    np.testing.assert_array_equal(remote_pred.y_score, local_pred.y_score)
    child = tb_eval.open_run(f"{logged['url']}/exp/a/trial")
    assert child.get_metrics() == {"acc": 0.75} and child.parent.name == "a"


def test_a_stored_remote_run_takes_tags_as_a_new_object(s3, bucket):
    run = tb_eval.start_logging(f"s3://{bucket}/r", run_name="t")
    run.log("x", 1.0)
    run.complete()
    before = s3.objects(bucket)
    tb_eval.open_run(f"s3://{bucket}/r/t").tag("reviewed", "yes")
    after = s3.objects(bucket)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing rewritten
    assert len(after) == len(before) + 1
    assert tb_eval.open_run(f"s3://{bucket}/r/t").get_tags()["reviewed"] == "yes"
    run.tag("late", "yes")  # the ended live run: its change is uploaded at once
    assert tb_eval.open_run(f"s3://{bucket}/r/t").get_tags()["late"] == "yes"


def test_resume_continues_a_remote_run_and_an_existing_run_is_refused(bucket):
    run = tb_eval.start_logging(f"s3://{bucket}/r", run_name="again", params={"p": 1})
    for step in range(5):
        run.log("x", float(step))
    run.complete()
    with pytest.raises(FileExistsError, match="resume=True"):
        tb_eval.start_logging(f"s3://{bucket}/r", run_name="again")
    run_file = Path("before.txt")
    run_file.write_text("logged before the resume")
    first = tb_eval.start_logging(f"s3://{bucket}/r", run_name="files")
    first.upload_file("before.txt", run_file)
    first.complete()
    resumed = tb_eval.start_logging(f"s3://{bucket}/r", run_name="again", resume=True)
    resumed.log("x", 5.0)
    resumed.complete()
    again = tb_eval.start_logging(f"s3://{bucket}/r", run_name="files", resume=True)
    assert again.get_file_names() == ["before.txt"]  # uploaded by the first process
    copy = again.download_file("before.txt", "copy.txt")
    assert Path(copy).read_text() == "logged before the resume"
    assert again.get_file_path("before.txt") == f"s3://{bucket}/r/files/artifacts/before.txt"
    again.complete()
    stored = tb_eval.open_run(f"s3://{bucket}/r/again")
    assert stored.get_metrics()["x"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert stored.get_params() == {"p": 1}


# ---------------------------------------------------------------------------- segments


def test_a_long_run_uploads_each_flush_as_a_new_segment(s3, bucket):
    """Object stores have no append: each flush sends only what is new, never the file again."""
    s3.start_recording()
    run = tb_eval.start_logging(f"s3://{bucket}/long", run_name="r")
    flushes, per_flush = 60, 50
    for flush in range(flushes):
        for i in range(per_flush):
            run.log("loss", float(flush * per_flush + i))
        run.flush()
    run.complete()
    (local_file,) = [
        os.path.join(run.directory, n) for n in os.listdir(run.directory) if "tfevents" in n
    ]
    objects = {k: v for k, v in s3.objects(bucket).items() if "tfevents" in k}
    # one object per flush (plus the first and the last), each only what was new
    assert flushes <= len(objects) <= flushes + 2
    assert sum(objects.values()) == os.path.getsize(local_file) == run._mirror.uploaded_bytes
    largest = max(size for key, size in objects.items() if not key.endswith(".000000"))
    assert largest < 2 * os.path.getsize(local_file) / flushes  # one flush's worth, not the file
    # the server's own log: one PUT per object, and no event object ever read back or re-sent
    requests = [(method, path) for method, path in s3.recorded() if "tfevents" in path]
    assert sorted(path for method, path in requests if method == "PUT") == sorted(
        f"/{bucket}/{key}" for key in objects
    )
    assert {method for method, _ in requests} == {"PUT"}
    names = sorted(objects)
    assert names == [f"long/r/{os.path.basename(local_file)}.{i:06d}" for i in range(len(names))]
    values = tb_eval.open_run(f"s3://{bucket}/long/r").get_metrics()["loss"]
    assert values == [float(v) for v in range(flushes * per_flush)]


def test_background_uploads_without_flush(s3, bucket, monkeypatch):
    monkeypatch.setenv("TB_EVAL_UPLOAD_SECS", "0.2")
    run = tb_eval.start_logging(f"s3://{bucket}/bg", run_name="r", flush_secs=0.1)
    run.log("loss", 1.0)
    done = threading.Event()
    for _ in range(200):
        if any("tfevents" in k for k in s3.objects(bucket)):
            done.set()
            break
        done.wait(0.1)
    assert done.is_set(), "nothing was uploaded in the background"
    run.complete()


# ---------------------------------------------------------------------------- TensorBoard


def _tb_env(s3) -> dict[str, str]:
    return child_environment(s3.environment())


def _query(path: str, **params) -> str:
    pairs = [
        (k, str(v)) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])
    ]
    return f"{path}?{urllib.parse.urlencode(pairs)}"


def _ready(tb) -> bool:
    runs = {r["run"]: r["status"] for r in tb.get_json(PREFIX + "/runs")["runs"]}
    listing = tb.get_json(PREFIX + "/evaluations")
    steps = {(e["run"], e["name"]): e["steps"] for e in listing["evaluations"]}
    return runs == {"exp/a": "success", "exp/a/trial": "success"} and steps == {
        ("exp/a", "val"): [0, 1]
    }


@pytest.fixture(scope="module")
def local_tb(logged):
    with TensorBoardServer(logged["local"], load_fast=False) as server:
        server.wait_for(lambda: _ready(server), timeout=90)
        yield server


@pytest.fixture(scope="module", params=[False, "auto"], ids=["load_slow", "load_auto"])
def remote_tb(request, s3, logged):
    server = TensorBoardServer(logged["url"], load_fast=request.param, env=_tb_env(s3))
    with server:
        server.wait_for(lambda: _ready(server), timeout=90)
        yield server


def _timeless(document):
    """``document`` without wall times and run start/end times (the two runs were logged at
    different moments)."""
    if isinstance(document, dict):
        return {k: _timeless(v) for k, v in document.items() if "time" not in k.lower()}
    if isinstance(document, list):
        return [_timeless(v) for v in document]
    return document


def test_tensorboard_shows_scalars_images_and_hparams_from_the_bucket(remote_tb):
    scalars = remote_tb.get_json(
        _query("/data/plugin/scalars/scalars", run="exp/a", tag="loss", format="json")
    )
    assert [step for _, step, _ in scalars] == list(range(STEPS))
    np.testing.assert_allclose([v for *_, v in scalars], [1.0 / (s + 1) for s in range(STEPS)])
    images = remote_tb.get_json(_query("/data/plugin/images/images", run="exp/a", tag="sample"))
    assert len(images) == 1
    png = remote_tb.get("/data/plugin/images/individualImage?" + images[0]["query"])
    assert png.startswith(b"\x89PNG")
    groups = remote_tb.session_groups()
    assert groups["exp/a"]["hparams"] == {"lr": 0.1}


def test_our_plugin_serves_the_bucket_as_it_serves_the_local_logdir(remote_tb, local_tb):
    routes = [
        ("/runs", {}),
        ("/tables", {}),
        ("/table", {"run": "exp/a", "name": "scores"}),
        ("/table", {"run": "exp/a", "name": "metrics", "source": "rows"}),
        ("/evaluations", {}),
        ("/evaluation", {"run": "exp/a", "name": "val", "step": 1}),
        ("/evaluation/trend", {"run": "exp/a", "name": "val"}),
        ("/evaluation/compare", {"run": ["exp/a"], "name": "val", "step": 0}),
        ("/files", {"run": "exp/a"}),
    ]
    for path, params in routes:
        url = _query(PREFIX + path, **params)
        assert _timeless(remote_tb.get_json(url)) == _timeless(local_tb.get_json(url)), path
    files = remote_tb.get_json(_query(PREFIX + "/files", run="exp/a"))["files"]
    assert [entry["name"] for entry in files] == ["outputs/notes.txt"]
    body = remote_tb.get(_query(PREFIX + "/file", run="exp/a", name="outputs/notes.txt"))
    assert body == b"hello from the bucket\n"


def test_the_plugin_serves_nothing_outside_the_logdir(remote_tb, s3, logged):
    client = s3.client()
    client.put_object(Bucket=logged["bucket"], Key="secret.txt", Body=b"secret")
    for name in ["../../../secret.txt", "/secret.txt", "outputs/../../secret.txt", "nope.txt"]:
        status, headers, body = remote_tb.request(_query(PREFIX + "/file", run="exp/a", name=name))
        assert status == 404, (name, status)
        assert b"secret" not in body.replace(b"secret.txt", b"") and b"Traceback" not in body
    status, _, _ = remote_tb.request(_query(PREFIX + "/file", run="..", name="secret.txt"))
    assert status in (400, 404)


def test_tensorboard_sees_each_segment_as_it_lands(s3, bucket):
    """A live run: TensorBoard's Python loader picks up segments that appear after it started."""
    run = tb_eval.start_logging(f"s3://{bucket}/live", run_name="r")
    for step in range(10):
        run.log("loss", float(step))
    run.flush()
    server = TensorBoardServer(f"s3://{bucket}/live", load_fast=False, env=_tb_env(s3))
    url = _query("/data/plugin/scalars/scalars", run="r", tag="loss", format="json")
    with server:
        server.wait_for(lambda: len(server.get_json(url)) == 10, timeout=60)
        for round_ in range(1, 4):
            for step in range(10 * round_, 10 * round_ + 10):
                run.log("loss", float(step))
            run.flush()
            server.wait_for(lambda n=10 * round_ + 10: len(server.get_json(url)) == n, timeout=60)
        run.complete()
        assert [v for *_, v in server.get_json(url)] == [float(s) for s in range(40)]


def test_tensorboard_without_boto3_reads_the_bucket_through_s3fs(s3, logged, tmp_path):
    """``pip install 'tb-eval[s3]'`` brings s3fs, not boto3: TensorBoard then reads ``s3://``
    through fsspec, and our plugin's routes work the same."""
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['boto3'] = None\n")
    env = _tb_env(s3)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    with TensorBoardServer(logged["url"], load_fast=False, env=env) as server:
        server.wait_for(lambda: _ready(server), timeout=90)
        url = _query("/data/plugin/scalars/scalars", run="exp/a", tag="loss", format="json")
        assert [step for _, step, _ in server.get_json(url)] == list(range(STEPS))
        body = server.get(_query(PREFIX + "/file", run="exp/a", name="outputs/notes.txt"))
        assert body == b"hello from the bucket\n"


def test_without_s3fs_the_plugin_refuses_files_with_a_reason_not_a_500(s3, logged, tmp_path):
    """TensorBoard reads the bucket with boto3; our plugin needs s3fs for files only."""
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['s3fs'] = None\n")
    env = _tb_env(s3)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    with TensorBoardServer(logged["url"], load_fast=False, env=env) as server:
        server.wait_for(lambda: _ready(server), timeout=90)
        assert server.get_json(_query(PREFIX + "/files", run="exp/a"))["files"] == []
        status, _, body = server.request(
            _query(PREFIX + "/file", run="exp/a", name="outputs/notes.txt")
        )
        assert status == 404 and b"tb-eval[s3]" in body and b"Traceback" not in body


def test_the_fast_loader_refuses_s3_as_the_docs_say(s3, logged):
    server = TensorBoardServer(logged["url"], load_fast=True, env=_tb_env(s3), timeout=60)
    with pytest.raises(RuntimeError, match="unknown protocol"), server:
        pass


# ---------------------------------------------------------------------------- bad input


def test_a_scheme_without_an_installed_filesystem_says_what_to_install(tmp_path):
    with pytest.raises(remote.RemoteLogdirError, match=r"logdir: 'abfs://c/runs'.*install"):
        tb_eval.start_logging("abfs://c/runs", run_name="r")
    with pytest.raises(remote.RemoteLogdirError, match=r"nosuch://.*fsspec implementation"):
        tb_eval.start_logging("nosuch://x/runs", run_name="r")
    assert os.listdir(tmp_path) == []


def test_an_unreachable_endpoint_fails_at_start(monkeypatch, bucket, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(remote.RemoteLogdirError, match="cannot reach the endpoint.*127.0.0.1"):
        tb_eval.start_logging(f"s3://{bucket}/runs", run_name="r")
    assert os.listdir(tmp_path) == []


def test_missing_credentials_say_what_to_set(s3, monkeypatch, bucket):
    apply(s3.environment(credentials=False), monkeypatch)
    with pytest.raises(remote.RemoteLogdirError, match="AWS_ACCESS_KEY_ID"):
        tb_eval.start_logging(f"s3://{bucket}/runs", run_name="r")


def test_a_missing_bucket_is_named():
    with pytest.raises(remote.RemoteLogdirError, match="bucket does not exist"):
        tb_eval.start_logging("s3://no-such-bucket-here/runs", run_name="r")


def test_a_store_that_never_answers_times_out(monkeypatch, bucket):
    """An endpoint that accepts connections and never replies: an error, not a hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{listener.getsockname()[1]}")
        monkeypatch.setattr(remote, "PROBE_TIMEOUT_SECS", 1.0)
        with pytest.raises(remote.RemoteLogdirError, match="no answer within 1 s"):
            tb_eval.start_logging(f"s3://{bucket}/runs", run_name="r")
    finally:
        listener.close()


def test_a_failed_upload_loses_nothing(monkeypatch):
    """The store goes away mid-run: flush() and complete() say so and where the data is; the
    staging copy holds every record."""
    with S3Server() as other:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", other.endpoint)
        other.create_bucket("flaky")
        run = tb_eval.start_logging("s3://flaky/runs", run_name="r")
        run.log("x", 0.0)
        run.flush()
    for step in range(1, 5):
        run.log("x", float(step))
    with pytest.raises(remote.RemoteLogdirError, match="nothing is lost") as caught:
        run.flush(timeout_seconds=60)
    assert run._mirror.staging in str(caught.value)
    assert tb_eval.open_run(run.directory).get_metrics()["x"] == [0.0 + s for s in range(5)]
    run._mirror._stopped = True  # the store is gone for good: end the run locally
    with pytest.raises(remote.RemoteLogdirError):
        run.complete()
    assert tb_eval.open_run(run.directory).status == "success"


def test_attach_refuses_a_url():
    with pytest.raises(ValueError, match="directory: 's3://b/r' is a URL"):
        attach("s3://b/r")


# ---------------------------------------------------------------------------- crashes

CRASH = textwrap.dedent(
    """
    import os, sys
    import tb_eval
    run = tb_eval.start_logging(sys.argv[1], run_name="r", flush_secs=0.05)
    for step in range(50):
        run.log("x", float(step))
    run.flush()                      # uploaded: survives the crash
    for step in range(50, 80):
        run.log("x", float(step))
    run._writer.flush()              # on the local disk, not uploaded yet
    print(run._mirror.staging, flush=True)
    os._exit(9)                      # a crash: no exit handlers
    """
)


def test_a_crash_loses_only_what_was_not_uploaded(s3, bucket, monkeypatch):
    monkeypatch.setenv("TB_EVAL_UPLOAD_SECS", "3600")
    env = child_environment(s3.environment())
    env["TB_EVAL_UPLOAD_SECS"] = "3600"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", CRASH, f"s3://{bucket}/crash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr
    staging = done.stdout.strip().splitlines()[-1]
    stored = tb_eval.open_run(f"s3://{bucket}/crash/r")
    assert stored.get_metrics()["x"] == [float(s) for s in range(50)]
    assert stored.status == "running"  # it never ended
    # the rest is in the staging directory the process left behind
    local = tb_eval.open_run(os.path.join(staging, "r"))
    assert local.get_metrics()["x"] == [float(s) for s in range(80)]


LEFT_OPEN = textwrap.dedent(
    """
    import sys
    import tb_eval
    run = tb_eval.start_logging(sys.argv[1], run_name="r")
    for step in range(20):
        run.log("x", float(step))
    # no complete(): the interpreter's exit ends the run and uploads it
    """
)


def test_a_run_left_open_is_ended_and_uploaded_at_interpreter_exit(s3, bucket):
    """Python stops its thread pools before atexit handlers run; the store client needs them,
    so the last upload happens before that (it once failed with "cannot schedule new futures
    after shutdown" and left the bucket empty)."""
    env = child_environment(s3.environment())
    env["TB_EVAL_UPLOAD_SECS"] = "3600"  # nothing goes up before the exit
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", LEFT_OPEN, f"s3://{bucket}/open"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" not in done.stderr and "HTTPClientError" not in done.stderr, done.stderr
    stored = tb_eval.open_run(f"s3://{bucket}/open/r")
    assert stored.get_metrics()["x"] == [float(s) for s in range(20)]
    assert stored.status == "success"


def test_import_tb_eval_imports_no_store_client():
    code = "import sys, tb_eval; print(sorted({'s3fs', 'gcsfs'} & set(sys.modules)))"
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_logs_through_its_parents_uploads(s3, bucket):
    """A forked child writes into the same staging directory and never uploads itself (its
    copy of the uploader's state is stale); the parent's next upload carries its file."""
    run = tb_eval.start_logging(f"s3://{bucket}/fork", run_name="r")
    run.log("parent", 1.0)
    run.flush()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            run.log("child", 2.0)
            run.flush()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    run.log("parent", 3.0)
    run.complete()
    metrics = tb_eval.open_run(f"s3://{bucket}/fork/r").get_metrics()
    assert metrics["parent"] == [1.0, 3.0] and metrics["child"] == 2.0


def test_a_file_url_is_a_local_logdir(tmp_path):
    run = tb_eval.start_logging(f"file://{tmp_path}/runs", run_name="r")
    run.log("x", 1.0)
    run.complete()
    assert run._mirror is None and run.directory == os.path.join(f"{tmp_path}/runs", "r")
    assert tb_eval.open_run(tmp_path / "runs" / "r").get_metrics() == {"x": 1.0}


def test_a_bad_upload_interval_is_named(monkeypatch, bucket):
    monkeypatch.setenv("TB_EVAL_UPLOAD_SECS", "soon")
    with pytest.raises(ValueError, match="TB_EVAL_UPLOAD_SECS: expected a positive number"):
        tb_eval.start_logging(f"s3://{bucket}/runs", run_name="r")


def test_the_summary_writer_drop_in_logs_to_the_bucket(bucket):
    from tb_eval.integrations.summary_writer import SummaryWriter

    writer = SummaryWriter(log_dir=f"s3://{bucket}/sw/run1")
    for step in range(5):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    writer.add_scalars("parts", {"a": 1.0, "b": 2.0}, 0)
    writer.close()
    writer.add_scalar("loss", 0.1, 5)  # reopened, as torch's: continues the run
    writer.close()
    stored = tb_eval.open_run(f"s3://{bucket}/sw/run1")
    assert stored.get_metrics()["loss"] == pytest.approx([1.0, 0.5, 1 / 3, 0.25, 0.2, 0.1])
    assert tb_eval.open_run(f"s3://{bucket}/sw/run1/parts_a").get_metrics() == {"parts": 1.0}
    assert not os.path.exists("s3:")


def test_a_refused_call_of_a_new_summary_writer_leaves_the_bucket_as_it_was(s3, bucket):
    from tb_eval.integrations.summary_writer import SummaryWriter

    url = f"s3://{bucket}/sw/resumed"
    with SummaryWriter(log_dir=url) as writer:
        writer.add_scalars("parts", {"a": 1.0, "b": 2.0}, 3)
    before = s3.objects(bucket, "sw/resumed/")
    again = SummaryWriter(log_dir=url)
    # parts_a already holds step 3: refused before any sub-run is opened, parts_c included
    with pytest.raises(ValueError, match="^global_step: 3 for 'parts' must be greater"):
        again.add_scalars("parts", {"c": 0.5, "a": 0.5}, 3)
    again.close()
    after = s3.objects(bucket, "sw/resumed/")
    assert {key for key in after if "/parts_" in key} == {key for key in before if "/parts_" in key}
    assert not any("/parts_c/" in key for key in after)
