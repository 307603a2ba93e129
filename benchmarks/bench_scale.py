"""Beyond one machine (issue 12): each ``bench_*`` function measures one way of scaling out.

Run: ``python benchmarks/bench_scale.py [--quick]`` runs every ``bench_*`` function in this file;
``python benchmarks/bench_scale.py bench_s3_logging`` runs the ones named.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid

import numpy as np

import tb_eval

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _s3_training_loop(logdir: str, steps: int, flush_every: int) -> tb_eval.Run:
    """A training loop's logging: 4 scalars a step, an image and a table every 1000 steps,
    ``flush()`` every ``flush_every`` steps, then ``complete()``."""
    run = tb_eval.start_logging(logdir, run_name=f"r-{uuid.uuid4().hex[:8]}", params={"lr": 0.1})
    image = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    for step in range(steps):
        run.log("train/loss", 1.0 / (step + 1), step=step)
        run.log("train/acc", step / steps, step=step)
        run.log("lr", 0.1, step=step)
        run.log("grad_norm", 0.5, step=step)
        if step % 1000 == 0:
            run.log_image("sample", image=image, step=step)
            run.log_table("per_class", {"class": ["a", "b"], "f1": [0.5, 0.75]}, step=step)
        if (step + 1) % flush_every == 0:
            run.flush()
    run.complete()
    return run


def bench_s3_logging(quick: bool = False) -> float:
    """Logging to an S3-API server on 127.0.0.1 (moto's) vs to the local disk, the same work,
    from ``start_logging`` to ``complete()`` (which returns once everything is uploaded).
    Target: <= 3x local."""
    try:
        import moto.server  # noqa: F401
        import s3fs  # noqa: F401
    except ImportError:
        print("bench_s3_logging: skipped (pip install 'tb-eval[s3]' 'moto[server]')")
        return float("nan")
    sys.path.insert(0, ROOT)
    from tests.s3server import S3Server

    # flush() once an "epoch" of 1000 steps: each flush waits for its upload
    steps, flush_every, repeats = (5_000, 1000, 3) if quick else (50_000, 1000, 5)
    with S3Server() as s3, tempfile.TemporaryDirectory() as local:
        saved = {name: os.environ.get(name) for name in s3.environment()}
        for name, value in s3.environment().items():
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        try:
            s3.create_bucket("bench")
            start = time.perf_counter()  # the first remote run of a process creates the client
            tb_eval.start_logging("s3://bench/warm-up", run_name="w").complete()
            first = time.perf_counter() - start
            ratios, local_times, remote_times = [], [], []
            for _ in range(repeats):
                start = time.perf_counter()
                _s3_training_loop(local, steps, flush_every)
                local_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                run = _s3_training_loop("s3://bench/runs", steps, flush_every)
                remote_times.append(time.perf_counter() - start)
                ratios.append(remote_times[-1] / local_times[-1])
            mirror = run._mirror
            uploads, sent = mirror.uploads, mirror.uploaded_bytes
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    ratio = statistics.median(ratios)
    calls = steps * 4
    print(
        f"S3 logging: {calls:,} scalars + {steps // 1000} images and tables, flush() every "
        f"{flush_every} steps ({steps // flush_every} flushes), {repeats} repeats"
    )
    print(
        f"  local disk   {statistics.median(local_times):.2f} s"
        f"  ({calls / statistics.median(local_times):,.0f} scalars/s)"
    )
    print(
        f"  S3 (moto)    {statistics.median(remote_times):.2f} s"
        f"  ({calls / statistics.median(remote_times):,.0f} scalars/s);"
        f" one run: {uploads} objects, {sent / 1e6:.2f} MB (each byte sent once)"
    )
    print(f"  ratio S3 / local: {ratio:.2f}x (median of paired ratios; target <= 3x)")
    print(f"  (once per process: the first remote start_logging creates the client, {first:.2f} s)")
    return ratio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="bench_* functions to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller workloads")
    args = parser.parse_args(argv)
    found = {
        name: function
        for name, function in sorted(globals().items())
        if name.startswith("bench_") and callable(function)
    }
    unknown = [name for name in args.names if name not in found]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {sorted(found)}")
    for name in args.names or found:
        print(f"== {name}")
        found[name](quick=args.quick)


if __name__ == "__main__":
    main()
