"""``gs://`` logdirs end to end against a GCS-API server the test starts on 127.0.0.1
(``gcp-storage-emulator``), through gcsfs: our writer, reader and segments. The environment
points gcsfs at the emulator (``STORAGE_EMULATOR_HOST``) and turns off the metadata-server
look-up, so nothing can reach a public service. (TensorBoard's readers of ``gs://`` talk to
Google's endpoint only, so they are not run here.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("gcsfs")
pytest.importorskip("gcp_storage_emulator")

import tb_eval  # noqa: E402
from tb_eval.io import remote  # noqa: E402
from tests.tbserver import free_port, stop_process_group  # noqa: E402

BUCKET = "tb-eval-runs"
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def gcs_endpoint():
    port = free_port()
    # The emulator with its multipart uploads read byte for byte (see tests/gcs_emulator.py).
    command = [
        sys.executable,
        os.path.join(HERE, "gcs_emulator.py"),
        "start",
        "--host",
        "127.0.0.1",
    ]
    command += ["--port", str(port), "--in-memory", "--default-bucket", BUCKET]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(endpoint, timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield endpoint
    finally:
        stop_process_group(process)


@pytest.fixture(autouse=True)
def gcs_env(gcs_endpoint, monkeypatch, tmp_path):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    # google-auth looks for the metadata server (169.254.169.254) unless told not to; it reads
    # NO_GCE_CHECK when first imported, so the module's flag is set too.
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    metadata = pytest.importorskip("google.auth.compute_engine._metadata")
    monkeypatch.setattr(metadata, "_NO_GCE_CHECK", True)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.chdir(tmp_path)


def test_a_run_on_gs_is_written_in_segments_and_read_back(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("from gcs\n")
    run = tb_eval.start_logging(f"gs://{BUCKET}/runs", run_name="g", params={"lr": 0.5})
    for flush in range(5):
        for step in range(10):
            run.log("loss", float(flush * 10 + step))
        run.flush()
    run.upload_file("outputs/notes.txt", source)
    run.complete()
    assert run._mirror.uploads >= 5 + 1  # a segment per flush, and the file
    stored = tb_eval.open_run(f"gs://{BUCKET}/runs/g")
    assert stored.get_metrics()["loss"] == [float(v) for v in range(50)]
    assert stored.get_params() == {"lr": 0.5} and stored.status == "success"
    assert stored.get_file_names() == ["outputs/notes.txt"]
    target = stored.download_file("outputs/notes.txt", tmp_path / "copy.txt")
    assert Path(target).read_text() == "from gcs\n"
    assert not any("gs:" in name for name in (p.name for p in tmp_path.iterdir()))


@pytest.mark.parametrize("tail", [b"\r", b"\r\n", b"\n", b""])
def test_objects_are_stored_byte_for_byte(tail):
    # An event-file segment ends with a CRC: any byte (the bare emulator dropped a final "\r").
    fs, root = remote.filesystem(f"gs://{BUCKET}/bytes", "directory")
    content = bytes(range(256)) + tail
    fs.pipe_file(f"{root}/object", content)
    assert remote.read_bytes(f"gs://{BUCKET}/bytes/object") == content
