"""TensorBoard's start-up time with and without the tb-eval plugin installed.

Run from the repository root::

    python benchmarks/bench_startup.py                 # 7 rounds, TensorBoard's default loader
    python benchmarks/bench_startup.py --rounds 11 --load-fast false
    python benchmarks/bench_startup.py --wheel dist/tb_eval-0.1.0-py3-none-any.whl

Builds the wheel from a clean copy of the repository (unless ``--wheel`` is given) and makes two
venvs in a temporary directory: ``without`` has tb-eval's dependencies (tensorboard, numpy,
scikit-learn, ...) but not tb-eval; ``with`` sees the same packages (a ``.pth`` file points at
``without``'s site-packages) plus the tb-eval wheel, so the only difference is the plugin, found
by TensorBoard through its ``tensorboard_plugins`` entry point.

Each start is timed from ``Popen`` of ``python -m tensorboard.main`` to the first 200 answer of
``/data/plugins_listing`` (TensorBoard has then imported every plugin and called every loader's
``load()``), on a logdir with one small tb-eval run. Rounds alternate which venv goes first; one
warm-up round is not counted. Prints the medians, the median of the per-round ratios, and how
long importing the entry point (``tb_plugin.loader``) and the plugin module that its ``load()``
imports take once TensorBoard's own ``default`` and ``program`` modules are imported.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tb_eval  # noqa: E402
from tests.tbserver import free_port  # noqa: E402

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
# tensorboard/main.py imports these two before it loads the entry points (default.py imports
# every built-in plugin, hence base_plugin, argparse and numpy).
IMPORT_AFTER_TENSORBOARD = (
    "import importlib, sys, time\n"
    "from tensorboard import default, program\n"
    "start = time.perf_counter()\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(time.perf_counter() - start)\n"
)


def build_wheel(work: Path) -> Path:
    """The wheel, built from a clean copy of the repository (with this checkout's bundle, when
    it has an up-to-date one, so that npm need not run)."""
    from tests.test_packaging import BUNDLE, clean_copy, run_build

    tree = clean_copy(work / "tree")
    if (ROOT / BUNDLE).is_file():
        (tree / BUNDLE).write_bytes((ROOT / BUNDLE).read_bytes())
        stamp = (ROOT / BUNDLE).stat()
        os.utime(tree / BUNDLE, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    result = run_build(tree, work / "dist", "--wheel")
    if result.returncode != 0:
        raise SystemExit(result.stdout)
    (wheel,) = (work / "dist").glob("*.whl")
    return wheel


def site_packages(venv: Path) -> Path:
    python = venv / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip())


def make_venvs(wheel: Path, work: Path) -> tuple[Path, Path]:
    """``(without, with_plugin)``: see the module docstring."""
    without, with_plugin = work / "without", work / "with"
    for venv in (without, with_plugin):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    quiet = ["install", "--quiet"]
    subprocess.run([*PIP, "--python", str(without / "bin/python"), *quiet, str(wheel)], check=True)
    subprocess.run(
        [*PIP, "--python", str(without / "bin/python"), "uninstall", "--quiet", "-y", "tb-eval"],
        check=True,
    )
    (site_packages(with_plugin) / "base_venv.pth").write_text(f"{site_packages(without)}\n")
    subprocess.run(
        [*PIP, "--python", str(with_plugin / "bin/python"), *quiet, "--no-deps", str(wheel)],
        check=True,
    )
    return without, with_plugin


def write_logdir(logdir: Path) -> None:
    with tb_eval.start_logging(logdir, experiment="bench", run_name="small") as run:
        run.log_list("loss", [1.0, 0.5, 0.25])
        run.log_table("scores", {"epoch": [1, 2, 3], "score": [0.5, 0.7, 0.8]})


def start_time(venv: Path, logdir: Path, load_fast: str, work: Path) -> tuple[float, dict]:
    """Seconds from Popen to the first 200 of /data/plugins_listing, and that listing."""
    port = free_port()
    command = [str(venv / "bin" / "python"), "-m", "tensorboard.main", "--logdir", str(logdir)]
    command += ["--host", "127.0.0.1", "--port", str(port), f"--load_fast={load_fast}"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    url = f"http://127.0.0.1:{port}/data/plugins_listing"
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"tensorboard exited: {' '.join(command)}")
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    if response.status == 200:
                        return time.perf_counter() - start, json.loads(response.read())
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def import_time(venv: Path, module: str, work: Path, repeats: int = 9) -> float:
    """Median seconds to import ``module`` once tensorboard.default and .program are imported."""
    command = [str(venv / "bin" / "python"), "-c", IMPORT_AFTER_TENSORBOARD, module]
    times = [
        float(subprocess.run(command, cwd=work, capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="counted rounds (default 7)")
    parser.add_argument("--load-fast", default="auto", choices=["auto", "true", "false"])
    parser.add_argument("--wheel", type=Path, help="a built tb-eval wheel (default: build one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tb_eval_bench_startup_") as tmp:
        work = Path(tmp)
        wheel = args.wheel.resolve() if args.wheel else build_wheel(work)
        without, with_plugin = make_venvs(wheel, work)
        logdir = work / "logs"
        write_logdir(logdir)
        print(f"python {sysconfig.get_python_version()}, wheel {wheel.name}, "
              f"--load_fast={args.load_fast}, {args.rounds} rounds (+1 warm-up)")  # fmt: skip

        times: dict[str, list[float]] = {"without": [], "with": []}
        ratios = []
        for round_index in range(args.rounds + 1):
            order = [("without", without), ("with", with_plugin)]
            if round_index % 2:
                order.reverse()
            measured = {}
            for name, venv in order:
                seconds, listing = start_time(venv, logdir, args.load_fast, work)
                assert ("tb_eval" in listing) == (name == "with"), sorted(listing)
                measured[name] = seconds
            if round_index == 0:
                continue  # warm-up: first starts read cold files
            for name, seconds in measured.items():
                times[name].append(seconds)
            ratios.append(measured["with"] / measured["without"])

        without_s, with_s = (statistics.median(times[k]) for k in ("without", "with"))
        print("TensorBoard start-up (Popen -> first 200 of /data/plugins_listing), median:")
        print(f"  without tb-eval  {without_s:6.2f} s")
        print(f"  with tb-eval     {with_s:6.2f} s")
        print(f"  ratio with/without: {statistics.median(ratios):.3f} (median of the paired "
              f"rounds; range {min(ratios):.3f}-{max(ratios):.3f})")  # fmt: skip
        for module, role in [
            ("tb_plugin.loader", "the entry point, imported by TensorBoard at start-up"),
            ("tb_plugin.plugin", "imported by TbEvalLoader.load(), also at start-up"),
        ]:
            seconds = import_time(with_plugin, module, work)
            print(f"importing {module} ({role}): {seconds * 1000:.1f} ms (median of 9)")


if __name__ == "__main__":
    main()
