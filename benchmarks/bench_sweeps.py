"""Sweeps: the cost of logging a Ray Tune sweep through tb_eval.

Run from the repository root::

    python benchmarks/bench_sweeps.py                      # every bench_* function
    python benchmarks/bench_sweeps.py --only bench_ray_callback

``bench_ray_callback`` runs one Ray Tune sweep of 16 trials (a 4x4 grid; each trial 20
iterations of a small numpy fit, reporting 3 metrics each time) on a local Ray of 2 CPUs kept
on 127.0.0.1: without :class:`tb_eval.integrations.ray.TbEvalCallback`, with it, and with it
while every trial also logs one 10,000-row prediction set from its worker through
``tb_eval.get_context()`` (which imports tb_eval in the worker), interleaved ``--ray-repeats``
times (in a rotating order), and prints the wall times and their ratios to the sweep without
it, and the time spent inside the callback's hooks (which Tune's driver loop waits for).
Target (issue 13): <= 1.1x. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: The command line, parsed by main() (bench_* functions take no arguments).
OPTIONS = argparse.Namespace(only=None, ray_repeats=2)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    main()
