"""Sweeps: the cost of logging a Ray Tune sweep through tb_eval.

Run from the repository root::

    python benchmarks/bench_sweeps.py                      # every bench_* function
    python benchmarks/bench_sweeps.py --only bench_ray_callback

``bench_ray_callback`` runs one Ray Tune sweep of 16 trials (a 4x4 grid; each trial 20
iterations of a small numpy fit, reporting 3 metrics each time) on a local Ray of 2 CPUs kept
on 127.0.0.1, with and without :class:`tb_eval.integrations.ray.TbEvalCallback` (with it, every
trial also logs one 10,000-row prediction set from its worker through ``tb_eval.get_context()``),
interleaved, and prints the wall times and their ratio. Target (issue 13): <= 1.1x. Timings are
printed, never asserted.
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
    if config["log"]:
        import tb_eval

        labels = (rng.random(10_000) > 0.5).astype(int)
        scores = np.clip(labels * 0.3 + rng.random(10_000) * 0.7, 0, 1)
        tb_eval.get_context().log_predictions("val", labels, y_score=scores)


def _ray_sweep(logdir: str | None, storage: str) -> float:
    from ray import tune

    callbacks = []
    if logdir is not None:
        from tb_eval.integrations.ray import TbEvalCallback

        callbacks.append(TbEvalCallback(logdir, experiment="bench", metric="mse", mode="min"))
    tuner = tune.Tuner(
        _ray_trainable,
        param_space={
            "a": tune.grid_search([0.5, 1.0, 1.5, 2.0]),
            "b": tune.grid_search([1, 2, 3, 4]),
            "log": logdir is not None,
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
    """A 16-trial Ray Tune sweep with and without TbEvalCallback, ratio printed."""
    from tests.ray_support import local_ray

    with local_ray(num_cpus=2), tempfile.TemporaryDirectory(prefix="bench-ray-") as scratch:
        _ray_sweep(None, os.path.join(scratch, "warmup"))  # workers and imports warm
        without, with_ours = [], []
        for repeat in range(OPTIONS.ray_repeats):
            storage = os.path.join(scratch, f"results-{repeat}")
            without.append(_ray_sweep(None, storage + "-plain"))
            with_ours.append(_ray_sweep(os.path.join(scratch, f"runs-{repeat}"), storage))
            print(
                f"repeat {repeat}: without {without[-1]:.2f} s, "
                f"with TbEvalCallback {with_ours[-1]:.2f} s"
            )
        plain, ours = statistics.median(without), statistics.median(with_ours)
        print(
            f"Ray Tune, 16 trials x 20 reports: without {plain:.2f} s, with TbEvalCallback "
            f"(+ a 10,000-row prediction set per trial) {ours:.2f} s: "
            f"{ours / plain:.3f}x (target <= 1.1x)"
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
