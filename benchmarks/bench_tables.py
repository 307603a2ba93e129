"""Serve a 1,000,000-row x 10-column table through a real TensorBoard and time the table routes.

Run from the repository root::

    python benchmarks/bench_tables.py                 # both loaders
    python benchmarks/bench_tables.py --loaders fast  # only the Rust data server

Prints, per loader: how long TensorBoard takes to load the run (until ``/tables`` lists the
table), the first page (cold: the blob is read and decoded; then warm, from the cache), a sorted
page (number and string column, cold then warm), a search, a summary and the CSV export. Targets
after the first load: first page < 300 ms, sorted page < 1 s. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tb_eval  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

PREFIX = "/data/plugin/tb_eval"
RUN = "bench/big"
NAME = "predictions"
TARGETS = {"first page (warm)": 0.300, "sorted page (warm)": 1.0}


def make_table(rows: int, seed: int = 0) -> dict:
    """Ten columns: an id, six numbers (some missing), a count, a flag and two strings."""
    rng = np.random.default_rng(seed)
    score = rng.random(rows)
    score[rng.random(rows) < 0.01] = np.nan
    return {
        "id": np.arange(rows),
        "y_true": rng.integers(0, 2, rows).astype(np.float64),
        "score": score,
        "a": rng.normal(size=rows),
        "b": rng.normal(size=rows),
        "c": rng.exponential(size=rows),
        "d": rng.uniform(-1, 1, rows),
        "count": rng.integers(0, 1000, rows),
        "flag": rng.random(rows) < 0.5,
        "label": [f"class_{i % 37}" for i in range(rows)],
    }


def write_logdir(logdir: str, rows: int) -> float:
    started = time.perf_counter()
    run = tb_eval.start_logging(logdir, experiment="bench", run_name="big")
    run.log_table(NAME, make_table(rows))
    run.complete()
    return time.perf_counter() - started


def url(**params) -> str:
    return f"{PREFIX}/table?{urllib.parse.urlencode({'run': RUN, 'name': NAME, **params})}"


def timed(tb: TensorBoardServer, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    status, _, body = tb.request(path)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")
    return elapsed, len(body)


def warm(tb: TensorBoardServer, path: str, repeat: int = 5) -> float:
    return statistics.median(timed(tb, path)[0] for _ in range(repeat))


def bench(logdir: str, load_fast: bool) -> dict[str, float]:
    results: dict[str, float] = {}
    started = time.perf_counter()
    with TensorBoardServer(logdir, load_fast=load_fast, timeout=120) as tb:
        results["TensorBoard up"] = time.perf_counter() - started
        tb.wait_for(
            lambda: any(t["name"] == NAME for t in tb.get_json(f"{PREFIX}/tables")["tables"]),
            timeout=600,
            interval=0.1,
        )
        results["run loaded (/tables lists it)"] = time.perf_counter() - started
        results["first page (cold: read + decode)"] = timed(tb, url())[0]
        results["first page (warm)"] = warm(tb, url())
        results["page 5000 (warm)"] = warm(tb, url(offset=500_000, limit=100))
        results["sorted by number (cold)"] = timed(tb, url(sort="score", order="desc"))[0]
        results["sorted page (warm)"] = warm(tb, url(sort="score", order="desc", offset=1000))
        results["sorted by string (cold)"] = timed(tb, url(sort="label"))[0]
        results["sorted by string (warm)"] = warm(tb, url(sort="label", offset=200))
        search = {"q": "class_3", "sort": "a"}
        results["search + sort (cold)"] = timed(tb, url(**search))[0]
        results["search + sort (warm)"] = warm(tb, url(**search))
        numeric = {"filter": '{"a": {"min": 0, "max": 1}}', "sort": "count"}
        results["range filter + sort (cold)"] = timed(tb, url(**numeric))[0]
        summary = f"{PREFIX}/table/summary?" + urllib.parse.urlencode({"run": RUN, "name": NAME})
        results["summary (cold)"] = timed(tb, summary)[0]
        results["summary (warm)"] = warm(tb, summary, repeat=3)
        csv_path = f"{PREFIX}/table/csv?" + urllib.parse.urlencode(
            {"run": RUN, "name": NAME, "sort": "score"}
        )
        elapsed, size = timed(tb, csv_path)
        results[f"CSV export, sorted ({size / 2**20:.0f} MiB)"] = elapsed
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loaders", default="fast,slow", help="fast, slow or fast,slow")
    parser.add_argument("--logdir", help="reuse or keep this logdir (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tb_eval_bench_") as scratch:
        logdir = args.logdir or scratch
        if not os.path.isdir(os.path.join(logdir, RUN)):
            took = write_logdir(logdir, args.rows)
            print(f"logged {args.rows:,} rows x 10 columns in {took:.2f} s -> {logdir}")
        for loader in args.loaders.split(","):
            load_fast = {"fast": True, "slow": False}[loader.strip()]
            name = "--load_fast=true (Rust)" if load_fast else "--load_fast=false (Python)"
            print(f"\n{name}")
            for what, seconds in bench(logdir, load_fast).items():
                target = TARGETS.get(what)
                verdict = ""
                if target is not None:
                    verdict = f"  target < {target * 1000:.0f} ms: "
                    verdict += "ok" if seconds < target else "MISSED"
                print(f"  {what:<38} {seconds * 1000:9.1f} ms{verdict}")


if __name__ == "__main__":
    main()
