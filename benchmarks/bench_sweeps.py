"""Sweeps at scale: Compare runs on a 1,000-run logdir against TensorBoard's own HParams listing,
and the cost of logging a Ray Tune sweep through tb_eval.

Run from the repository root::

    python benchmarks/bench_sweeps.py                      # every bench_* function
    python benchmarks/bench_sweeps.py --only bench_compare_table --runs 300 --repeats 1
    python benchmarks/bench_sweeps.py --only bench_ray_callback

``bench_compare_table`` writes a sweep of ``--runs`` runs (each: 100 scalar steps, 5 params, one
10,000-row binary prediction set ``val``; see ``tests/sweep_logdir.py``), then, each time on a
freshly started TensorBoard (Rust loader, ``--load_fast=true``), measures from ``Popen``:

- **ours cold**: until ``/evaluation/compare/table?name=val`` returns the complete table (every
  run's params and metrics, the sweep's best run marked);
- **HParams cold**: until TensorBoard's ``/data/plugin/hparams/session_groups`` returns every run
  with its metrics;

interleaved, ``--repeats`` times each, and prints the paired ratio. Then, on one server: both
requests cached (median of 7) with their sizes, the curves of ``--drawn`` drawn runs
(``/evaluation/compare/curves``) cold and cached per run, the old ``/evaluation/compare`` per
run for reference, and TensorBoard's resident memory (its process and the data server's).
``--old`` leaves out the evaluation summaries ``log_predictions`` writes, so the plugin computes
every run's summary from its predictions (runs written before summaries existed).

``bench_ray_callback`` runs one Ray Tune sweep of 16 trials (a 4x4 grid; each trial 20
iterations of a small numpy fit, reporting 3 metrics each time) on a local Ray of 2 CPUs kept
on 127.0.0.1: without :class:`tb_eval.integrations.ray.TbEvalCallback`, with it, and with it
while every trial also logs one 10,000-row prediction set from its worker through
``tb_eval.get_context()`` (which imports tb_eval in the worker), interleaved ``--ray-repeats``
times (in a rotating order), and prints the wall times and their ratios to the sweep without
it, and the time spent inside the callback's hooks (which Tune's driver loop waits for).
Target (issue 13): <= 1.1x. Timings are printed, never asserted.

Targets (issue 13): the table cold no slower than HParams cold; cached < 100 ms and < 1 MB; each
drawn run's curves < 50 ms cached. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
from contextlib import contextmanager
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.sweep_logdir import NAME, write_sweep_logdir  # noqa: E402
from tests.tbserver import TensorBoardServer  # noqa: E402

PREFIX = "/data/plugin/tb_eval"
#: The command line, parsed by main() (bench_* functions take no arguments).
OPTIONS = argparse.Namespace(
    runs=1000, repeats=3, drawn=10, logdir=None, old=False, only=None, ray_repeats=2
)


def _ray_trainable(config):
    import numpy as np
    from ray import tune

    rng = np.random.default_rng(int(config["a"] * 100 + config["b"]))
    x = rng.normal(size=(2000, 20))
    y = x @ rng.normal(size=20) + rng.normal(size=2000)
    for step in range(20):
        w = np.linalg.lstsq(x[: 100 * (step + 1)], y[: 100 * (step + 1)], rcond=None)[0]
        error = float(np.mean((x @ w - y) ** 2))
        tune.report({"mse": error * config["a"], "step_mse": error, "b": config["b"]})
    if config["predictions"]:
        import tb_eval

        labels = (rng.random(10_000) > 0.5).astype(int)
        scores = np.clip(labels * 0.3 + rng.random(10_000) * 0.7, 0, 1)
        tb_eval.get_context().log_predictions("val", labels, y_score=scores)


#: Seconds spent inside TbEvalCallback's hooks (Tune's driver loop waits for them), per sweep.
_HOOK_SECONDS: list[float] = []


def _timed_callback():
    """TbEvalCallback whose hooks add the time they take to ``_HOOK_SECONDS[-1]``."""
    from tb_eval.integrations.ray import TbEvalCallback

    def timed(hook):
        def call(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return hook(self, *args, **kwargs)
            finally:
                _HOOK_SECONDS[-1] += time.perf_counter() - start

        return call

    hooks = ("setup", "on_trial_start", "on_trial_result", "on_trial_complete", "on_experiment_end")
    body = {name: timed(getattr(TbEvalCallback, name)) for name in hooks}
    return type("TimedTbEvalCallback", (TbEvalCallback,), body)


def _ray_sweep(logdir: str | None, predictions: bool, storage: str) -> float:
    from ray import tune

    callbacks = []
    if logdir is not None:
        callbacks.append(_timed_callback()(logdir, experiment="bench", metric="mse", mode="min"))
    tuner = tune.Tuner(
        _ray_trainable,
        param_space={
            "a": tune.grid_search([0.5, 1.0, 1.5, 2.0]),
            "b": tune.grid_search([1, 2, 3, 4]),
            "predictions": predictions,
        },
        tune_config=tune.TuneConfig(metric="mse", mode="min"),
        run_config=tune.RunConfig(storage_path=storage, callbacks=callbacks, verbose=0),
    )
    start = time.perf_counter()
    results = tuner.fit()
    elapsed = time.perf_counter() - start
    assert len(results) == 16 and not results.errors, results.errors
    return elapsed


def bench_ray_callback() -> None:
    """A 16-trial Ray Tune sweep with and without TbEvalCallback, ratios printed."""
    from tests.ray_support import local_ray

    variants = {
        "without": (False, False),
        "with TbEvalCallback": (True, False),
        "with TbEvalCallback + predictions": (True, True),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    with local_ray(num_cpus=2), tempfile.TemporaryDirectory(prefix="bench-ray-") as scratch:
        _ray_sweep(None, False, os.path.join(scratch, "warmup"))  # workers and imports warm
        for repeat in range(OPTIONS.ray_repeats):  # interleaved: the machine's load hits all
            order = list(variants)[repeat % 3 :] + list(variants)[: repeat % 3]  # rotated
            for name in order:
                callback, predictions = variants[name]
                where = os.path.join(scratch, f"{repeat}-{callback}-{predictions}")
                logdir = os.path.join(where, "runs") if callback else None
                _HOOK_SECONDS.append(0.0)
                times[name].append(_ray_sweep(logdir, predictions, os.path.join(where, "ray")))
            print(f"repeat {repeat}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    plain = statistics.median(times["without"])
    for name, measured in times.items():
        median = statistics.median(measured)
        ratios = [m / p for m, p in zip(measured, times["without"], strict=True)]
        print(
            f"Ray Tune, 16 trials x 20 reports, {name}: {median:.2f} s (median of "
            f"{len(measured)}), {median / plain:.3f}x; paired {min(ratios):.2f}-{max(ratios):.2f}x"
            " (target <= 1.1x)"
        )
    hooks = [seconds for seconds in _HOOK_SECONDS if seconds]
    print(
        f"time inside TbEvalCallback's hooks (the driver's share of the cost): median "
        f"{statistics.median(hooks):.3f} s per sweep, {statistics.median(hooks) / plain:.1%} of "
        "the sweep without it"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _url(route: str, **params: Any) -> str:
    return f"{PREFIX}{route}?{urllib.parse.urlencode(params, doseq=True)}"


def _rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (the Rust data server), in MiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def _table_complete(tb: TensorBoardServer, n: int) -> tuple[bytes, dict] | None:
    status, _, body = tb.request(_url("/evaluation/compare/table", name=NAME))
    if status != 200:
        return None
    document = json.loads(body)
    rows = document["runs"]
    if len(rows) != n or not all(row["metrics"] and row["params"] for row in rows):
        return None
    if document.get("sweep") is None or document["sweep"].get("best") is None:
        return None
    return body, document


def _hparams_request() -> dict[str, Any]:
    return {
        "experimentName": "",
        "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
        "colParams": [],
        "startIndex": 0,
        "sliceSize": 100_000,
    }


def _hparams_complete(tb: TensorBoardServer, n: int) -> bytes | None:
    payload = json.dumps(_hparams_request()).encode()
    status, _, body = tb.request(
        "/data/plugin/hparams/session_groups", payload, {"Content-Type": "application/json"}
    )
    if status != 200:
        return None
    groups = json.loads(body).get("sessionGroups", [])
    if len(groups) < n or not all(group.get("metricValues") for group in groups):
        return None
    return body


def _until(predicate, timeout: float = 600, interval: float = 0.05) -> tuple[float, Any]:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        value = predicate()
        if value is not None:
            return time.perf_counter(), value
        time.sleep(interval)
    raise TimeoutError("not complete in time")


@contextmanager
def _server(logdir: str):
    tb = TensorBoardServer(logdir, load_fast=True, reload_interval=5, timeout=300)
    started = time.perf_counter()
    with tb:
        yield tb, started


def _timed(
    tb: TensorBoardServer, path: str, data: bytes | None = None, gzip: bool = False
) -> tuple[float, int]:
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    started = time.perf_counter()
    status, _, body = tb.request(path, data, headers)
    took = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{path} -> {status}: {body[:200]!r}")
    return took, len(body)


def _median(
    tb: TensorBoardServer,
    path: str,
    data: bytes | None = None,
    repeat: int = 7,
    gzip: bool = False,
):
    times, size = [], 0
    for _ in range(repeat):
        took, size = _timed(tb, path, data, gzip)
        times.append(took)
    return statistics.median(times), min(times), max(times), size


def _logdir(n: int) -> str:
    if OPTIONS.logdir and os.path.isdir(OPTIONS.logdir) and os.listdir(OPTIONS.logdir):
        print(f"reusing {OPTIONS.logdir}")
        return OPTIONS.logdir
    logdir = OPTIONS.logdir or tempfile.mkdtemp(prefix="bench_sweeps_")
    started = time.perf_counter()
    if OPTIONS.old:
        from tb_eval.kinds import eval_summary

        limit, eval_summary.MAX_ROWS = eval_summary.MAX_ROWS, -1
        try:
            write_sweep_logdir(logdir, n)
        finally:
            eval_summary.MAX_ROWS = limit
    else:
        write_sweep_logdir(logdir, n)
    print(f"wrote {n} runs to {logdir} in {time.perf_counter() - started:.1f} s")
    return logdir


_SCROLL_JS = """
async (steps) => {
  const box = document.querySelector('[data-testid="virtual-rows"]')
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  const times = []
  for (let i = 1; i <= steps; i++) {
    const t = performance.now()
    box.scrollTop = (box.scrollHeight * i) / steps
    box.dispatchEvent(new Event('scroll'))
    await frame()
    times.push(performance.now() - t)
  }
  return { times, rows: box.querySelectorAll('tr[data-row]').length }
}
"""


def _browser(tb: TensorBoardServer, n: int) -> None:
    """The Compare runs dashboard on every run in Chromium: until the table and the ROC overlay
    show, the longest main-thread task meanwhile, and frame times while scrolling the table."""
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(browser part skipped: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pip install playwright)")
        return
    if not os.path.exists(chromium):
        print("(browser part skipped: no /usr/bin/chromium)")
        return
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            started = time.perf_counter()
            page.goto(f"{tb.url}/#tb_eval&p.tb_eval.dash=compare")
            ui = page.frame_locator("iframe")
            ui.locator(f'[data-testid="virtual-rows"][data-rows="{n}"]').wait_for(timeout=120_000)
            table_at = time.perf_counter() - started
            ui.locator('[data-testid="compare-roc"] canvas').first.wait_for(timeout=120_000)
            curves_at = time.perf_counter() - started
            frame = next(f for f in page.frames if "plugin_entry.html" in f.url)
            rows = frame.evaluate("document.querySelectorAll('tr[data-row]').length")
            scroll = frame.evaluate(_SCROLL_JS, 40)
        finally:
            browser.close()
    times = sorted(scroll["times"])
    print(
        f"browser (Chromium, page load to): table of {n} runs {table_at:.2f} s, ROC overlay "
        f"{curves_at:.2f} s; {rows} table rows in the DOM; scrolling the table: median frame "
        f"{statistics.median(times):.1f} ms, max {times[-1]:.1f} ms over {len(times)} scrolls, "
        f"{scroll['rows']} rows in the DOM"
    )


def bench_compare_table() -> None:
    """Compare runs' table vs TensorBoard's HParams session groups, cold and cached."""
    n = OPTIONS.runs
    logdir = _logdir(n)
    print(
        f"\n== Compare runs table, {n} runs (Rust loader; the machine is shared, so absolute "
        "times vary) =="
    )
    ours, theirs, ratios = [], [], []
    for repeat in range(OPTIONS.repeats):
        pair = {}
        for which in ("ours", "hparams") if repeat % 2 == 0 else ("hparams", "ours"):
            with _server(logdir) as (tb, started):
                if which == "ours":
                    done, _ = _until(lambda tb=tb: _table_complete(tb, n))
                else:
                    done, _ = _until(lambda tb=tb: _hparams_complete(tb, n))
                pair[which] = done - started
        ours.append(pair["ours"])
        theirs.append(pair["hparams"])
        ratios.append(pair["ours"] / pair["hparams"])
        print(f"  repeat {repeat + 1}: ours {pair['ours']:.2f} s, HParams {pair['hparams']:.2f} s")
    print(
        f"cold, from TensorBoard start: table {statistics.median(ours):.2f} s "
        f"({min(ours):.2f}-{max(ours):.2f}), HParams session groups "
        f"{statistics.median(theirs):.2f} s ({min(theirs):.2f}-{max(theirs):.2f}); "
        f"ratio ours/HParams {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f}) (target <= 1)"
    )

    with _server(logdir) as (tb, _):
        _, (body, document) = _until(lambda: _table_complete(tb, n))
        table = _median(tb, _url("/evaluation/compare/table", name=NAME))
        hp_data = json.dumps(_hparams_request()).encode()
        _until(lambda: _hparams_complete(tb, n))
        hparams = _median(tb, "/data/plugin/hparams/session_groups", hp_data)
        print(
            f"cached (median of 7, min-max): table {_ms(table[0])} ({_ms(table[1])}-"
            f"{_ms(table[2])}), {table[3] / 2**20:.2f} MiB; HParams {_ms(hparams[0])} "
            f"({_ms(hparams[1])}-{_ms(hparams[2])}), {hparams[3] / 2**20:.2f} MiB; ratio "
            f"{table[0] / hparams[0]:.2f} (targets: < 100 ms, < 1 MB)"
        )
        zipped = _median(tb, _url("/evaluation/compare/table", name=NAME), gzip=True)
        hp_zipped = _median(tb, "/data/plugin/hparams/session_groups", hp_data, gzip=True)
        print(
            f"cached with Accept-Encoding: gzip (as a browser asks): table {_ms(zipped[0])}, "
            f"{zipped[3] / 1024:.0f} KiB sent; HParams {_ms(hp_zipped[0])}, "
            f"{hp_zipped[3] / 1024:.0f} KiB sent"
        )
        print(f"sweep: {document['sweep']}")

        drawn = [row["run"] for row in document["runs"][: OPTIONS.drawn]]
        curves_url = _url("/evaluation/compare/curves", name=NAME, run=drawn)
        cold, size = _timed(tb, curves_url)
        cached = _median(tb, curves_url)
        one = _median(tb, _url("/evaluation/compare/curves", name=NAME, run=drawn[:1]))
        print(
            f"curves of {len(drawn)} drawn runs: cold {_ms(cold)}, cached {_ms(cached[0])} "
            f"({_ms(cached[0] / len(drawn))} per run), {size / 1024:.0f} KiB; one run cached "
            f"{_ms(one[0])} (target < 50 ms per run)"
        )
        sample = [row["run"] for row in document["runs"][:50]]
        legacy_url = _url("/evaluation/compare", name=NAME, run=sample)
        _timed(tb, legacy_url)
        legacy = _median(tb, legacy_url, repeat=3)
        print(
            f"old /evaluation/compare of {len(sample)} runs, cached: {_ms(legacy[0])} "
            f"({_ms(legacy[0] / len(sample))} per run, {legacy[3] / 2**20:.2f} MiB)"
        )
        listing = _median(tb, f"{PREFIX}/evaluations", repeat=3)
        runs = _median(tb, f"{PREFIX}/runs", repeat=3)
        print(
            f"listings the dashboard also loads, cached: /evaluations {_ms(listing[0])} "
            f"({listing[3] / 2**20:.2f} MiB), /runs {_ms(runs[0])} ({runs[3] / 2**20:.2f} MiB)"
        )
        _browser(tb, n)
        rss = _rss_mib(tb._process.pid)
        print(f"TensorBoard resident memory (with its data server): {rss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=OPTIONS.runs)
    parser.add_argument("--repeats", type=int, default=OPTIONS.repeats)
    parser.add_argument("--drawn", type=int, default=OPTIONS.drawn)
    parser.add_argument("--logdir", default=None, help="write (or reuse) the sweep here")
    parser.add_argument("--old", action="store_true", help="runs without evaluation summaries")
    parser.add_argument("--only", default=None, help="run only this bench_* function")
    parser.add_argument("--ray-repeats", type=int, default=OPTIONS.ray_repeats)
    vars(OPTIONS).update(vars(parser.parse_args()))
    benches = [
        (name, value)
        for name, value in sorted(globals().items())
        if name.startswith("bench_") and callable(value)
    ]
    for name, bench in benches:
        if OPTIONS.only is None or name == OPTIONS.only:
            print(f"\n### {name}")
            bench()


if __name__ == "__main__":
    try:
        main()
    except urllib.error.URLError as error:
        sys.exit(f"bench_sweeps: {error}")
