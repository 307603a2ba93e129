"""Time the evaluation dashboards' routes on 1,000,000 predictions through a real TensorBoard.

Run from the repository root::

    python benchmarks/bench_dashboards.py                    # Rust data server only
    python benchmarks/bench_dashboards.py --loaders fast,slow
    python benchmarks/bench_dashboards.py --n 200000         # a quicker look

Logs two runs, ``bench/binary`` (1,000,000 binary predictions) and ``bench/multiclass``
(1,000,000 predictions over 10 classes, float32 softmax scores), starts TensorBoard and prints,
per route: the cold time (first request after TensorBoard loaded the run: blob read, decode,
evaluation), the cached time (median of 5) and the payload size, uncompressed and as sent with
``Accept-Encoding: gzip``. Targets (issue): report < 2 s cold, < 100 ms cached, payload < 300 KB.
Timings are printed, never asserted.

The browser part (slider latency in the frontend) belongs in :func:`bench_browser_slider`, a
hook the frontend benchmark fills in; the backend numbers here do not depend on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tb_eval  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

PREFIX = "/data/plugin/tb_eval"
NAME = "val"
RUNS = {"binary": "bench/binary", "multiclass": "bench/multiclass"}
N_CLASSES = 10
COLD_TARGET, CACHED_TARGET, PAYLOAD_TARGET = 2.0, 0.100, 300_000


@dataclass
class Timing:
    """One route on one run: cold and cached seconds, raw and gzipped bytes."""

    route: str
    cold: float
    cached: float
    raw_bytes: int
    gzip_bytes: int


def log_predictions(logdir: str, n: int, seed: int = 0) -> dict[str, float]:
    """Log the two benchmark runs; returns seconds per run."""
    rng = np.random.default_rng(seed)
    took = {}
    started = time.perf_counter()
    run = tb_eval.start_logging(logdir, experiment="bench", run_name="binary", params={"n": n})
    y = rng.integers(0, 2, n)
    score = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.0, 1.0).astype(np.float32)
    run.log_predictions(NAME, y, score)
    run.complete()
    took["binary"] = time.perf_counter() - started
    started = time.perf_counter()
    run = tb_eval.start_logging(logdir, experiment="bench", run_name="multiclass", params={"n": n})
    labels = [f"class_{i}" for i in range(N_CLASSES)]
    classes = rng.integers(0, N_CLASSES, n)
    logits = rng.normal(size=(n, N_CLASSES)).astype(np.float32)
    logits[np.arange(n), classes] += 1.5
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    run.log_predictions(NAME, np.array(labels)[classes], probabilities, labels=labels)
    run.complete()
    took["multiclass"] = time.perf_counter() - started
    return took


def url(route: str, **params) -> str:
    pairs = [
        (key, str(item))
        for key, value in params.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return f"{PREFIX}{route}?{urllib.parse.urlencode(pairs)}"


def fetch(tb: TensorBoardServer, path: str, gzip: bool = False) -> tuple[float, int]:
    """Seconds for one GET and the body size (as sent: gzipped when ``gzip``)."""
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    started = time.perf_counter()
    status, _, body = tb.request(path, headers=headers)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")
    return elapsed, len(body)


def measure(tb: TensorBoardServer, route: str, path: str, repeat: int = 5) -> Timing:
    cold, raw = fetch(tb, path)
    cached = statistics.median(fetch(tb, path)[0] for _ in range(repeat))
    _, zipped = fetch(tb, path, gzip=True)
    return Timing(route, cold, cached, raw, zipped)


def bench_browser_slider(tb: TensorBoardServer, run: str) -> list[Timing]:
    """HOOK for the frontend engineer: time the threshold slider in the browser (moving the
    operating point on ROC/PR and updating the confusion matrix and MCC) against ``tb``.

    Return :class:`Timing` rows (or extend the printout); the backend part returns nothing.
    Filled in by the frontend section at the end of this file (:func:`browser_slider`).
    """
    return browser_slider(tb, run)


def bench(logdir: str, load_fast: bool, n: int) -> dict[str, list[Timing]]:
    results: dict[str, list[Timing]] = {}
    with TensorBoardServer(logdir, load_fast=load_fast, timeout=120) as tb:
        started = time.perf_counter()

        def loaded() -> bool:
            listing = tb.get_json(f"{PREFIX}/evaluations")["evaluations"]
            return {e["run"] for e in listing} >= set(RUNS.values())

        tb.wait_for(loaded, timeout=900, interval=0.2)
        print(f"  runs listed by /evaluations after {time.perf_counter() - started:.1f} s")
        listing = measure(tb, "/evaluations", f"{PREFIX}/evaluations")
        for task, run in RUNS.items():
            rows = [listing]
            rows.append(measure(tb, "/evaluation", url("/evaluation", run=run, name=NAME)))
            rows.append(
                measure(
                    tb,
                    "/evaluation/thresholds",
                    url("/evaluation/thresholds", run=run, name=NAME),
                )
            )
            rows.append(
                measure(tb, "/evaluation/trend", url("/evaluation/trend", run=run, name=NAME))
            )
            rows.append(
                measure(tb, "/evaluation/compare", url("/evaluation/compare", run=run, name=NAME))
            )
            rows.extend(bench_browser_slider(tb, run))
            results[f"{task}, n={n:,}"] = rows
    return results


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="predictions per run")
    parser.add_argument("--loaders", default="fast", help="fast, slow or fast,slow")
    parser.add_argument("--logdir", help="reuse or keep this logdir (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tb_eval_bench_dash_") as scratch:
        logdir = args.logdir or scratch
        if not all(os.path.isdir(os.path.join(logdir, run)) for run in RUNS.values()):
            took = log_predictions(logdir, args.n)
            print("logged " + ", ".join(f"{k} in {v:.2f} s" for k, v in took.items()))
        for loader in args.loaders.split(","):
            load_fast = {"fast": True, "slow": False}[loader.strip()]
            print(f"\n{'--load_fast=true (Rust)' if load_fast else '--load_fast=false (Python)'}")
            for case, rows in bench(logdir, load_fast, args.n).items():
                print(f"  {case}")
                print(
                    f"    {'route':<24}{'cold':>10}{'cached':>10}{'payload':>11}{'gzip':>9}"
                    "   targets: cold < 2 s, cached < 100 ms, payload < 300 KB"
                )
                for row in rows:
                    checks = (
                        f"{verdict(row.cold, COLD_TARGET)}/"
                        f"{verdict(row.cached, CACHED_TARGET)}/"
                        f"{verdict(row.raw_bytes, PAYLOAD_TARGET)}"
                    )
                    print(
                        f"    {row.route:<24}{row.cold * 1000:8.0f}ms{row.cached * 1000:8.1f}ms"
                        f"{row.raw_bytes / 1000:9.1f}KB{row.gzip_bytes / 1000:7.1f}KB   {checks}"
                    )


# ---------------------------------------------------------------------------- browser: slider
# The frontend's part: the threshold slider's update latency in headless Chromium (system
# /usr/bin/chromium through the `playwright` package; never a downloaded browser), against the
# built bundle (cd frontend && npm run build). Printed, never asserted. Target: < 50 ms.

SLIDER_TARGET = 0.050
SLIDER_MOVES = 60

# Runs in the plugin's iframe. Each move starts at the beginning of a frame (rAF): set the
# slider, dispatch `input`, let Preact's microtask render run, and stop the clock in a task
# posted from that frame, which runs after the frame is painted. Returns ms per move and whether
# the 2x2 matrix followed the last move.
_SLIDER_JS = """
async (moves) => {
  const input = document.querySelector('input[aria-label="Threshold"]')
  const cell = '[data-testid="threshold-matrix"] [data-cell="TP"] .tbe-cm2-count'
  const tp = () => document.querySelector(cell).textContent
  const painted = () => new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = resolve
    channel.port2.postMessage(0)
  })
  const times = []
  let changed = 0
  for (let i = 0; i < moves; i++) {
    const before = tp()
    const value = 0.02 + 0.96 * ((i * 37) % moves) / moves
    const took = await new Promise((resolve) => requestAnimationFrame(async () => {
      const t0 = performance.now()
      input.value = String(value)
      input.dispatchEvent(new Event('input', { bubbles: true }))
      await Promise.resolve()
      await Promise.resolve()
      await painted()
      resolve(performance.now() - t0)
    }))
    if (tp() !== before) changed += 1
    times.push(took)
  }
  return { times, changed }
}
"""


def browser_slider(tb: TensorBoardServer, run: str) -> list[Timing]:
    """Median and p95 slider latency for ``run`` (as a :class:`Timing`: cold = p95,
    cached = median, no payload), also printed against the 50 ms target."""
    bundle = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "tb_plugin",
        "static",
        "index.js",
    )
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print(
            "    (browser slider skipped: "
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pip install playwright)"
        )
        return []
    if not os.path.isfile(bundle) or not os.path.exists(chromium):
        print("    (browser slider skipped: build the bundle and install /usr/bin/chromium)")
        return []
    fragment = "#tb_eval&" + "&".join(
        f"p.tb_eval.{key}={urllib.parse.quote(value, safe='')}"
        for key, value in {"dash": "classification", "runs": f'["{run}"]'}.items()
    )
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{tb.url}/{fragment}")
            ui = page.frame_locator("iframe")
            ui.locator('[data-testid="threshold-matrix"]').wait_for(timeout=300_000)
            ui.locator('[data-testid="chart-roc"] [data-marker="op"]').wait_for(
                state="attached", timeout=60_000
            )
            frame = next(f for f in page.frames if "plugin_entry.html" in f.url)
            frame.evaluate(_SLIDER_JS, 10)  # warm-up
            result = frame.evaluate(_SLIDER_JS, SLIDER_MOVES)
        finally:
            browser.close()
    times = sorted(result["times"])
    median = statistics.median(times) / 1000
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] / 1000
    print(
        f"    browser slider ({run}): median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {times[-1]:.1f} ms over {len(times)} moves "
        f"(matrix changed on {result['changed']}) -> target < 50 ms: "
        f"{verdict(median, SLIDER_TARGET)}"
    )
    return [Timing("browser slider (p95/med)", p95, median, 0, 0)]


if __name__ == "__main__":
    main()
