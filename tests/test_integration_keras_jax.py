"""The Keras callback on Keras' JAX backend: every test of ``test_integration_keras.py`` again,
in a process whose Keras trains with JAX (a backend is chosen once per process)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

# Not imported here: Keras picks its backend when first imported, once per process.
if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
    pytest.skip("the keras extra or JAX is not installed", allow_module_level=True)

HERE = os.path.dirname(os.path.abspath(__file__))


def test_every_keras_test_passes_on_the_jax_backend(tmp_path):
    script = (
        "import sys, keras, pytest\n"
        "assert keras.backend.backend() == 'jax', keras.backend.backend()\n"
        "sys.exit(pytest.main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "tmp"),
            os.path.join(HERE, "test_integration_keras.py"),
        ],
        env={**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"},
        cwd=os.path.dirname(HERE),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", done.stdout) and " skipped" not in done.stdout, done.stdout
