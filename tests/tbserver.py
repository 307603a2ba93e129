"""Start a real ``tensorboard`` process on 127.0.0.1 for tests, and stop it afterwards."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_group(process: subprocess.Popen | None) -> None:
    """End ``process`` and its children (started with ``start_new_session=True``)."""
    if process is not None and process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def read_log(log: Any) -> str:
    """Everything a server wrote to its temporary log file."""
    log.seek(0)
    return log.read().decode("utf-8", "replace")


class TensorBoardServer:
    """``with TensorBoardServer(logdir, load_fast=True) as tb: tb.get_json("/data/runs")``.

    ``load_fast`` picks TensorBoard's loader: ``True`` the Rust data server, ``False`` the Python
    multiplexer, ``"auto"`` TensorBoard's default. ``reload_interval`` is in seconds. Extra
    command-line flags go in ``flags``. ``logdir`` may be a URL (``s3://...``); ``env`` is the
    server's whole environment (default: this process's).
    """

    def __init__(
        self,
        logdir: str | os.PathLike,
        *,
        load_fast: bool | str,
        reload_interval: float = 1,
        flags: list[str] | None = None,
        timeout: float = 60,
        env: dict[str, str] | None = None,
    ) -> None:
        self.logdir = logdir if isinstance(logdir, str) else os.fspath(logdir)
        self.load_fast = load_fast
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._command = [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            self.logdir,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            f"--load_fast={load_fast if isinstance(load_fast, str) else str(load_fast).lower()}",
            f"--reload_interval={reload_interval}",
            *(flags or []),
        ]
        self._timeout = timeout
        self._env = env
        self._process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - read by output() after stop

    def __enter__(self) -> TensorBoardServer:
        self._process = subprocess.Popen(
            self._command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=self._env,
        )
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"tensorboard exited early:\n{self.output()}")
            try:
                self.get("/data/environment")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"tensorboard did not answer within {self._timeout}s:\n{self.output()}")

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def stop(self) -> None:
        stop_process_group(self._process)  # the data server is a child: end the whole group

    def output(self) -> str:
        return read_log(self._log)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """``(status, headers, body)`` for ``path``; HTTP errors are returned, not raised."""
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str) -> bytes:
        status, _, body = self.request(path)
        if status != 200:
            raise urllib.error.URLError(f"GET {path} -> {status}: {body[:300]!r}")
        return body

    def get_json(self, path: str, /, **params: Any) -> Any:
        """The JSON at ``path``, with ``params`` as its query (lists repeat the key)."""
        if params:
            path += "?" + urllib.parse.urlencode(params, doseq=True)
        return json.loads(self.get(path))

    def post_json(self, path: str, payload: Any) -> Any:
        status, _, body = self.request(
            path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        if status != 200:
            raise urllib.error.URLError(f"POST {path} -> {status}: {body[:300]!r}")
        return json.loads(body)

    def hparams_session_groups(self) -> list[dict[str, Any]]:
        """Every session group of TensorBoard's HParams dashboard, whatever its status."""
        statuses = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]
        request = {
            "experimentName": "",
            "allowedStatuses": statuses,
            "colParams": [],
            "startIndex": 0,
            "sliceSize": 1000,
        }
        return self.post_json("/data/plugin/hparams/session_groups", request)["sessionGroups"]

    def session_groups(self) -> dict[str, dict]:
        """HParams' session groups (every status), by the name of their first session's run."""
        return {group["sessions"][0]["name"]: group for group in self.hparams_session_groups()}

    def wait_for(self, predicate, timeout: float = 30, interval: float = 0.2) -> Any:
        """Poll ``predicate()`` until it returns something truthy (TensorBoard loads lazily)."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                result = predicate()
                if result:
                    return result
            except (urllib.error.URLError, KeyError, IndexError, ValueError) as error:
                last_error = error
            time.sleep(interval)
        raise TimeoutError(f"condition not met in {timeout}s (last error: {last_error})")
