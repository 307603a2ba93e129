"""Packaging: the artifacts a user installs carry the frontend bundle and light, honest metadata.

Every build runs ``python -m build`` (PEP 517, the way a release, ``pip wheel .`` or
``pip install git+...`` builds) on a copy of the repository's files as a clean clone has them
(``git ls-files``: no ``tb_plugin/static/index.js``, which is git-ignored), in temporary
directories outside the repository. The final test installs the wheel into a new venv, starts
that venv's ``tensorboard`` and checks in Chromium that the Evaluation tab draws a table.
"""

from __future__ import annotations

import email.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import tb_eval
from tests.tbserver import free_port

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = "tb_plugin/static/index.js"
FONTS = [f"tb_plugin/static/fonts/roboto-latin-{weight}-normal.woff2" for weight in (400, 500)]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The message setup.py fails with when it can neither find nor build the bundle.
NO_BUNDLE_MESSAGE = "tb_plugin/static/index.js is missing and cannot be built"
#: Never pulled in by `pip install tb-eval`.
HEAVY = {
    "tensorflow",
    "tensorflow-cpu",
    "tf-nightly",
    "torch",
    "keras",
    "lightning",
    "jax",
    "ray",
    "optuna",
}
EXTRAS = {
    "torch",
    "keras",
    "lightning",
    "s3",
    "gcs",
    "matplotlib",
    "pandas",
    "ray",
    "optuna",
    "dev",
    "docs",
}

pytestmark = pytest.mark.skipif(
    shutil.which("npm") is None or shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs a git checkout and Node.js (npm) to build the frontend",
)


def clean_copy(dest: Path) -> Path:
    """Copy the files a clone of this checkout has (tracked, plus new files not ignored) to
    ``dest``. ``frontend/node_modules`` becomes a link to this checkout's, standing in for the
    ``npm ci`` the build would otherwise run (which needs the npm registry)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if name.startswith("frontend/node_modules") or not source.is_file():
            continue  # the node_modules link is not ignored by "node_modules/"; deleted files
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)
    assert not (dest / BUNDLE).exists(), "a clean clone has no bundle"
    modules = ROOT / "frontend" / "node_modules"
    if modules.is_dir():
        (dest / "frontend" / "node_modules").symlink_to(modules.resolve(), target_is_directory=True)
    return dest


def env_without_node(tmp: Path) -> dict[str, str]:
    """The environment with a PATH on which there is no node and no npm (nor anything else:
    the build calls Python by its full path)."""
    empty = tmp / "empty-bin"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": str(empty)}
    assert shutil.which("node", path=env["PATH"]) is None
    assert shutil.which("npm", path=env["PATH"]) is None
    return env


#: subprocess.run arguments: stdout and stderr together as text in ``stdout``, bounded in time.
MERGED_OUTPUT = {
    "stdout": subprocess.PIPE,
    "stderr": subprocess.STDOUT,
    "text": True,
    "timeout": 600,
}


def run_build(
    source: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``python -m build <args> -o out source``, from a directory outside the repository;
    ``stdout`` has the whole output."""
    return subprocess.run(
        [sys.executable, "-m", "build", *args, "--outdir", str(out), str(source)],
        cwd=out.parent,
        env=env,
        **MERGED_OUTPUT,
    )


def built(result: subprocess.CompletedProcess, out: Path, pattern: str) -> Path:
    assert result.returncode == 0, result.stdout
    (artifact,) = out.glob(pattern)
    return artifact


def wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sdist_files(sdist: Path) -> dict[str, bytes]:
    with tarfile.open(sdist) as archive:
        return {
            member.name.split("/", 1)[1]: archive.extractfile(member).read()
            for member in archive.getmembers()
            if member.isfile()
        }


def assert_real_bundle(files: dict[str, bytes], tree: Path) -> None:
    """The bundle and fonts are in the artifact, byte for byte what the build wrote."""
    bundle = files[BUNDLE]
    assert len(bundle) > 100_000
    assert re.search(rb"export\s*\{[^}]*\bas render\b", bundle), "not the ES module with render()"
    assert bundle == (tree / BUNDLE).read_bytes()
    for font in FONTS:
        assert files[font] == (tree / font).read_bytes()
        assert files[font][:4] == b"wOF2"


@dataclass
class Artifacts:
    tree: Path
    sdist: Path | None
    wheel: Path
    log: str


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Artifacts:
    """`python -m build` on a clean copy: the sdist (npm builds the bundle), then the wheel from
    that sdist. (`pip wheel .`, which builds the wheel straight from the tree, runs the same
    build_frontend command: see the editable and the failing builds below.)"""
    base = tmp_path_factory.mktemp("release")
    tree = clean_copy(base / "tree")
    result = run_build(tree, base / "dist")
    return Artifacts(
        tree,
        built(result, base / "dist", "*.tar.gz"),
        built(result, base / "dist", "*.whl"),
        result.stdout,
    )


@pytest.fixture(scope="module")
def tree_build(tmp_path_factory) -> Artifacts:
    """`python -m build --wheel` straight from a copy of the tree (what `pip wheel .` and
    `pip install git+...` do) whose bundle is stale: an old placeholder older than frontend/."""
    base = tmp_path_factory.mktemp("tree_build")
    tree = clean_copy(base / "tree")
    (tree / BUNDLE).write_text("// a bundle from an older checkout\n")
    old = min(path.stat().st_mtime for path in (tree / "frontend/src").rglob("*")) - 60
    os.utime(tree / BUNDLE, (old, old))
    result = run_build(tree, base / "dist", "--wheel")
    return Artifacts(tree, None, built(result, base / "dist", "*.whl"), result.stdout)


def test_wheel_from_a_tree_with_a_stale_bundle_rebuilds_it(tree_build: Artifacts) -> None:
    assert "tb-eval: running npm run build" in tree_build.log
    assert_real_bundle(wheel_files(tree_build.wheel), tree_build.tree)  # not the placeholder


def test_sdist_and_wheel_from_a_clean_clone_carry_the_bundle(release: Artifacts) -> None:
    sdist_log, wheel_log = release.log.split("Building wheel from sdist")
    assert "tb-eval: running npm run build" in sdist_log
    assert "tb-eval: running npm" not in wheel_log  # the sdist's bundle is up to date
    assert "tb_plugin/static/index.js is up to date" in wheel_log
    sdist = sdist_files(release.sdist)
    assert_real_bundle(sdist, release.tree)
    assert_real_bundle(wheel_files(release.wheel), release.tree)
    # the sdist is complete source: the frontend it was built from, the changelog
    for name in ["frontend/package.json", "frontend/src/index.ts", "CHANGELOG.md", "setup.py"]:
        assert sdist[name] == (release.tree / name).read_bytes(), name
    assert not any(name.startswith("frontend/node_modules") for name in sdist)


def test_wheel_from_the_sdist_needs_no_node(release: Artifacts, tmp_path: Path) -> None:
    with tarfile.open(release.sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    result = run_build(source, tmp_path / "dist", "--wheel", env=env_without_node(tmp_path))
    wheel = built(result, tmp_path / "dist", "*.whl")
    assert "tb_plugin/static/index.js is up to date" in result.stdout
    assert wheel_files(wheel)[BUNDLE] == (release.tree / BUNDLE).read_bytes()


def test_stale_bundle_without_node_is_shipped_with_a_warning(
    release: Artifacts, tmp_path: Path
) -> None:
    """An sdist unpacked by a tool that does not keep file times: the bundle looks older than
    its sources, and there is no Node.js to rebuild it."""
    with tarfile.open(release.sdist) as archive:
        archive.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    future = time.time() + 3600
    os.utime(source / "frontend/src/index.ts", (future, future))
    result = run_build(
        source, tmp_path / "dist", "--wheel", "--no-isolation", env=env_without_node(tmp_path)
    )
    wheel = built(result, tmp_path / "dist", "*.whl")
    assert "WARNING: tb_plugin/static/index.js looks older than frontend/" in result.stdout
    assert "Node.js (node and npm) is not on PATH" in result.stdout
    assert wheel_files(wheel)[BUNDLE] == (release.tree / BUNDLE).read_bytes()


@pytest.mark.parametrize("kind", ["--sdist", "--wheel"])
def test_build_without_node_and_without_bundle_fails_loudly(kind: str, tmp_path: Path) -> None:
    tree = clean_copy(tmp_path / "tree")
    out = tmp_path / "dist"
    result = run_build(tree, out, kind, "--no-isolation", env=env_without_node(tmp_path))
    output = result.stdout
    assert result.returncode != 0, output
    assert NO_BUNDLE_MESSAGE in output
    assert "because Node.js (node and npm) is not on PATH" in output
    assert "Install Node.js >= 20.19" in output
    assert not list(out.glob("*.whl")) and not list(out.glob("*.tar.gz"))
    assert not (tree / BUNDLE).exists()


def test_editable_install_keeps_an_up_to_date_bundle(release: Artifacts, tmp_path: Path) -> None:
    """`make install` builds the bundle, then `pip install -e`: no second npm build. (The venv
    sees the system's setuptools, so the editable build needs no isolated environment.)"""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
    )
    python = venv / "bin" / "python"
    bundle = release.tree / BUNDLE
    before = bundle.stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-v", "--no-deps"]
        + ["--no-build-isolation", "--no-compile", "-e", str(release.tree)],
        cwd=tmp_path,
        **MERGED_OUTPUT,
    )
    assert result.returncode == 0, result.stdout
    assert "tb_plugin/static/index.js is up to date" in result.stdout
    assert "tb-eval: running npm" not in result.stdout
    assert bundle.stat().st_mtime_ns == before
    located = subprocess.run(
        [str(python), "-c", "import tb_plugin, tb_plugin.loader; print(tb_plugin.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(located) == release.tree / "tb_plugin" / "__init__.py"


def test_wheel_metadata(release: Artifacts) -> None:
    files = wheel_files(release.wheel)
    (metadata_name,) = [n for n in files if n.endswith(".dist-info/METADATA")]
    metadata = email.parser.BytesParser().parsebytes(files[metadata_name])
    assert metadata["Name"] == "tb-eval"
    assert metadata["Version"] == tb_eval.__version__
    assert release.wheel.name == f"tb_eval-{tb_eval.__version__}-py3-none-any.whl"
    assert release.sdist.name == f"tb_eval-{tb_eval.__version__}.tar.gz"
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.10"
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3" in classifiers

    requirements = [Requirement(text) for text in metadata.get_all("Requires-Dist")]
    unconditional = {r.name.lower() for r in requirements if r.marker is None}
    assert unconditional == {"tensorboard", "protobuf", "numpy", "scikit-learn", "pillow", "crc32c"}
    assert not unconditional & HEAVY

    def extra(name: str) -> set[str]:
        return {
            r.name.lower()
            for r in requirements
            if r.marker is not None and r.marker.evaluate({"extra": name})
        }

    assert set(metadata.get_all("Provides-Extra")) == EXTRAS
    assert extra("torch") == {"torch"}
    assert extra("keras") == {"keras"}
    assert extra("lightning") == {"lightning", "torch"}
    assert extra("s3") == {"s3fs"}
    assert extra("gcs") == {"gcsfs"}
    assert {"s3fs", "moto", "gcsfs", "gcp-storage-emulator"} <= extra("dev")
    assert extra("matplotlib") == {"matplotlib"}
    assert extra("pandas") == {"pandas"}
    assert extra("ray") == {"ray"}
    assert extra("optuna") == {"optuna"}
    assert {"pytest", "build", "playwright"} <= extra("dev")
    assert "mkdocs" in extra("docs")
    # every extra the README tells users to install exists
    named = re.findall(r"tb-eval\[([a-z0-9,]+)\]", (ROOT / "README.md").read_text())
    assert named and {e for group in named for e in group.split(",")} <= EXTRAS

    (entry_points,) = [n for n in files if n.endswith(".dist-info/entry_points.txt")]
    text = files[entry_points].decode()
    assert "[tensorboard_plugins]\ntb_eval = tb_plugin.loader:TbEvalLoader" in text
    pkg_info = email.parser.BytesParser().parsebytes(sdist_files(release.sdist)["PKG-INFO"])
    assert pkg_info["Version"] == tb_eval.__version__


def test_loader_imports_only_tensorboard_and_stdlib() -> None:
    """What TensorBoard imports at start-up: nothing beyond what its own base_plugin pulls,
    except standard-library modules."""
    probe = (
        "import json, sys\n"
        "from tensorboard.plugins import base_plugin\n"
        "before = set(sys.modules)\n"
        "import tb_plugin.loader\n"
        "print(json.dumps([tb_plugin.loader.__file__, sorted(set(sys.modules) - before)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    location, added = json.loads(result.stdout)
    assert Path(location) == ROOT / "tb_plugin" / "loader.py"
    ours = {"tb_plugin", "tb_plugin.loader", "tb_plugin.flags"}
    assert {"tb_plugin", "tb_plugin.loader"} <= set(added)
    foreign = [m for m in set(added) - ours if m.split(".")[0] not in sys.stdlib_module_names]
    assert foreign == []
    assert "numpy" not in added


# --- the installed wheel in a new venv, outside the source tree --------------------------------

WRITE_RUN = """
import sys, tb_eval
run = tb_eval.start_logging(sys.argv[1], experiment="wheel", run_name="check")
run.log_table("from the wheel", {"wheel_column": [0.5, 0.25, 0.125], "epoch": [1, 2, 3]})
run.complete()
print(tb_eval.__file__)
"""


@pytest.fixture
def fresh_venv(tree_build: Artifacts, tmp_path: Path) -> Path:
    """A new venv with the wheel and its dependencies from the package index (pip's cache makes
    it quick); pip itself is not copied in (`pip --python` installs into the venv)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
        + ["--quiet", "--no-compile", str(tree_build.wheel)],
        cwd=tmp_path,
        check=True,
        timeout=900,
    )
    return venv


def wait_for_json(url: str, predicate, process: subprocess.Popen, timeout: float = 90):
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        assert process.poll() is None, "tensorboard exited"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                last = json.loads(response.read())
            if predicate(last):
                return last
        except (urllib.error.URLError, ConnectionError, ValueError) as error:
            last = error
        time.sleep(0.2)
    raise TimeoutError(f"{url}: condition not met in {timeout}s, last answer {last!r}")


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no system Chromium at /usr/bin/chromium")
def test_wheel_in_a_fresh_venv_renders_the_evaluation_tab(fresh_venv: Path, tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    python = fresh_venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    work = tmp_path / "work"  # the cwd of everything the venv runs: not the repository
    work.mkdir()

    installed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; "
         "print('\\n'.join(d.metadata['Name'].lower() for d in m.distributions()))"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "tb-eval" in installed
    assert not HEAVY & set(installed), "pip install tb-eval pulled a framework"

    logdir = tmp_path / "logs"
    written = subprocess.run(
        [str(python), "-c", WRITE_RUN, str(logdir)],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(written).is_relative_to(fresh_venv) and not Path(written).is_relative_to(ROOT)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "tensorboard.log").open("wb")
    server = subprocess.Popen(
        [str(fresh_venv / "bin" / "tensorboard"), "--logdir", str(logdir)]
        + ["--host", "127.0.0.1", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        listing = wait_for_json(f"{url}/data/plugins_listing", lambda j: "tb_eval" in j, server)
        assert listing["tb_eval"]["enabled"] is True
        wait_for_json(
            f"{url}/data/plugin/tb_eval/tables",
            lambda j: any(t["name"] == "from the wheel" for t in j["tables"]),
            server,
        )
        keys = {"runs": json.dumps(["wheel/check"]), "table": "from the wheel", "source": "table"}
        fragment = "#tb_eval" + "".join(
            f"&p.tb_eval.{key}={urllib.parse.quote(value, safe='')}" for key, value in keys.items()
        )
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(url + "/" + fragment)
                ui = page.frame_locator("iframe")
                ui.locator(".tbe-root").wait_for(timeout=30_000)
                column = ui.locator("thead .tbe-colname", has_text="wheel_column")
                column.wait_for(timeout=30_000)
                ui.locator("tbody td", has_text="0.125").wait_for(timeout=30_000)
                assert ui.locator("tbody tr").count() == 3
                assert errors == []
            finally:
                browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the Rust data server is a child: the whole group
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
