"""A real S3-API server for tests: moto's standalone server in a subprocess on 127.0.0.1.

``with S3Server() as s3: s3.create_bucket("runs")``. :meth:`S3Server.environment` is what a
process needs to talk to it and to nothing else: the loopback endpoint in
``AWS_ENDPOINT_URL_S3`` (read by boto3, s3fs and TensorBoard alike), dummy credentials, and no
instance-metadata look-up or shared config files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest

from tests.tbserver import free_port, read_log, stop_process_group

#: Variables a test environment drops: anything that could point a client elsewhere.
_DROPPED = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "S3_ENDPOINT")


def environment(endpoint: str, *, credentials: bool = True) -> dict[str, str]:
    """The variables (set, and ``""`` for dropped ones) for a client of ``endpoint``."""
    env = {name: "" for name in _DROPPED}
    env.update(
        AWS_ENDPOINT_URL_S3=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    if credentials:
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    else:
        env.update(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    return env


def apply(env: dict[str, str], monkeypatch: Any) -> None:
    """Set ``env`` with pytest's ``monkeypatch`` (empty values are removed)."""
    for name, value in env.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


def child_environment(env: dict[str, str]) -> dict[str, str]:
    """``os.environ`` with ``env`` applied, for a subprocess."""
    merged = dict(os.environ)
    for name, value in env.items():
        if value:
            merged[name] = value
        else:
            merged.pop(name, None)
    return merged


def module_fixtures(bucket_prefix: str) -> tuple[Any, Any, Any]:
    """A test module's fixtures, assigned in it as ``s3, s3env, bucket = module_fixtures(...)``:
    ``s3``, one server for the module; ``s3env`` (autouse), its environment set and the working
    directory a fresh ``tmp_path`` (a URL mistaken for a path would land there); ``bucket``, a
    new bucket named ``<bucket_prefix>-<random>``.
    """

    @pytest.fixture(scope="module")
    def s3():
        with S3Server() as server:
            yield server

    @pytest.fixture(autouse=True)
    def s3env(s3, monkeypatch, tmp_path):
        apply(s3.environment(), monkeypatch)
        monkeypatch.chdir(tmp_path)  # a URL mistaken for a path would land here
        return s3.environment()

    @pytest.fixture
    def bucket(s3) -> str:
        name = f"{bucket_prefix}-{uuid.uuid4().hex[:10]}"
        s3.create_bucket(name)
        return name

    return s3, s3env, bucket


class S3Server:
    """moto's S3-API server on a free loopback port, stopped on exit."""

    def __init__(self, timeout: float = 60) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._timeout = timeout
        self._process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - read by output()

    def __enter__(self) -> S3Server:
        command = [sys.executable, "-c", "from moto.server import main; main()"]
        command += ["-H", "127.0.0.1", "-p", str(self.port)]
        # its own working directory: moto's request recorder writes a file there
        self._workdir = tempfile.TemporaryDirectory(prefix="moto-")
        self._process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self._workdir.name,
        )
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited early:\n{self.output()}")
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=5).close()
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"moto_server did not answer within {self._timeout}s")

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def stop(self) -> None:
        stop_process_group(self._process)
        if getattr(self, "_workdir", None) is not None:
            self._workdir.cleanup()
            self._workdir = None

    def output(self) -> str:
        return read_log(self._log)

    def environment(self, *, credentials: bool = True) -> dict[str, str]:
        return environment(self.endpoint, credentials=credentials)

    def client(self) -> Any:
        """A boto3 client of this server (boto3 is what TensorBoard itself uses for s3://)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def _moto_api(self, action: str, method: str = "POST") -> bytes:
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/recorder/{action}", method=method
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def start_recording(self) -> None:
        """Start moto's request recorder (the server's own log of every request)."""
        self._moto_api("reset-recording")
        self._moto_api("start-recording")

    def recorded(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every request since :meth:`start_recording`."""
        self._moto_api("stop-recording")
        lines = self._moto_api("download-recording", "GET").decode().splitlines()
        found = []
        for line in filter(None, map(str.strip, lines)):
            entry = json.loads(line)
            found.append((entry["method"], urllib.parse.urlsplit(entry["url"]).path))
        return found

    def objects(self, bucket: str, prefix: str = "") -> dict[str, int]:
        """``{key: size}`` of every object under ``prefix``."""
        client = self.client()
        found: dict[str, int] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = item["Size"]
        return found
