"""Benchmarks of tb-eval beyond one machine (issue 12): one ``bench_*`` function per topic.

Run ``python benchmarks/bench_scale.py [--n 1e8] [--only accumulate]``: ``main()`` runs every
``bench_*`` function of this module (or those named by ``--only``), passing ``n`` to those
that take it. Each prints its own figures and a ratio against the tool a user would
otherwise use, measured side by side in this process. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid

import numpy as np

import tb_eval


def bench_accumulate(n: float = 1e8, batch: int = 100_000, sklearn_every: int = 50) -> dict:
    """Accumulate ``n`` binary predictions in batches of ``batch`` with the engine's
    :class:`~tb_eval.evaluation.EvaluationAccumulator`: time per batch against
    scikit-learn's ``roc_auc_score`` on one batch (every ``sklearn_every``-th batch, side by
    side, untraced), and in a second pass the peak traced memory (tracemalloc, the batch's
    own arrays included) after 1 %, 10 % and 100 % of the batches: it must not grow with n
    (target < 50 MB)."""
    from sklearn.metrics import roc_auc_score

    from tb_eval.evaluation import EvaluationAccumulator

    n = int(n)
    batches = max(1, n // batch)

    def batches_of_data():
        rng = np.random.default_rng(0)
        for i in range(1, batches + 1):
            y = (rng.random(batch) < 0.3).astype(np.int64)
            z = 1.2 * (2 * y - 1) + rng.normal(0.0, 1.5, batch)
            yield i, y, 1.0 / (1.0 + np.exp(-z))

    warm = next(batches_of_data())  # first calls (imports, caches) out of the timings
    EvaluationAccumulator().update(warm[1], warm[2])
    roc_auc_score(warm[1], warm[2])
    # Pass 1, untraced: time per batch, scikit-learn side by side on every k-th batch.
    acc = EvaluationAccumulator(task="binary", labels=[0, 1])
    ours, theirs = [], []
    for i, y, score in batches_of_data():
        t0 = time.perf_counter()
        acc.update(y, score)
        ours.append(time.perf_counter() - t0)
        if i % sklearn_every == 1 or batches == 1:
            t0 = time.perf_counter()
            roc_auc_score(y, score)
            theirs.append(time.perf_counter() - t0)
    # Pass 2, traced: the peak memory after 1 %, 10 % and 100 % of the batches.
    checkpoints = {max(1, batches // 100): "1%", max(1, batches // 10): "10%", batches: "100%"}
    peaks = {}
    traced = EvaluationAccumulator(task="binary", labels=[0, 1])
    tracemalloc.start()
    for i, y, score in batches_of_data():
        traced.update(y, score)
        if i in checkpoints:
            peaks[checkpoints[i]] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    ours_ms = statistics.median(ours) * 1e3
    theirs_ms = statistics.median(theirs) * 1e3
    result = acc.result
    bound = acc.summary().error_bounds()
    print(f"accumulate {batches * batch:.3g} binary predictions in batches of {batch:,}")
    print(
        f"  per batch: EvaluationAccumulator.update {ours_ms:.2f} ms, "
        f"sklearn roc_auc_score {theirs_ms:.2f} ms -> {theirs_ms / ours_ms:.1f}x "
        "(medians)"
    )
    print(f"  total update time {sum(ours):.1f} s for {batches} batches")
    print(
        "  peak traced memory (batch data included): "
        + ", ".join(f"{k} of n: {v:.1f} MB" for k, v in peaks.items())
        + "  (target: independent of n, < 50 MB)"
    )
    print(
        f"  AUC {result['roc_auc']:.6f} (bound {bound['roc_auc']:.1e}), "
        f"AP {result['average_precision']:.6f} (bound {bound['average_precision']:.1e})"
    )
    return {"ours_ms": ours_ms, "sklearn_ms": theirs_ms, "peak_mb": peaks}


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


# ---------------------------------------------------------------------------------- gather
def _gather_rank(rank: int, world: int, init_file: str, n: int, repeats: int, queue) -> None:
    """One rank of :func:`bench_gather` (a spawned process)."""
    import torch.distributed as dist

    from tb_eval import distributed
    from tb_eval.evaluation import prepare

    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    rng = np.random.default_rng(rank)
    rows = n // world
    y = (rng.random(rows) < 0.3).astype(np.int64)
    score = rng.random(rows)
    context = distributed.RankContext(rank=rank, world=world, per_rank=False)
    ours, theirs = [], []
    for repeat in range(repeats):
        dist.barrier()
        started = time.perf_counter()
        _, whole = distributed.gather_predictions(context, lambda: prepare(y, score), "val", repeat)
        ours.append(time.perf_counter() - started)
        if rank == 0:
            assert whole.n == rows * world
        dist.barrier()
        started = time.perf_counter()
        gathered: list = [None] * world
        dist.all_gather_object(gathered, (y, score))
        theirs.append(time.perf_counter() - started)
    if rank == 0:
        queue.put((ours, theirs))
    dist.barrier()
    dist.destroy_process_group()


def bench_gather(n: float = 1e6, repeats: int = 5) -> dict:
    """2-rank gather of ``n`` binary predictions (``n / 2`` per rank, int64 labels and float64
    scores) to rank 0: ``log_predictions``' collective (agreement through the store, then one
    ``gather`` of one byte buffer per rank, including ``prepare`` of the shard) against
    ``torch.distributed.all_gather_object`` of the same arrays. gloo on CPU, file store."""
    import multiprocessing

    n = int(n)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    world = 2
    with tempfile.TemporaryDirectory() as scratch:
        init = os.path.join(scratch, "init")
        processes = [
            context.Process(target=_gather_rank, args=(rank, world, init, n, repeats, queue))
            for rank in range(world)
        ]
        for process in processes:
            process.start()
        ours, theirs = queue.get(timeout=600)
        for process in processes:
            process.join(timeout=60)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    ratio = statistics.median(t / o for o, t in zip(ours, theirs, strict=True))
    megabytes = n * 16 / 1e6
    print(
        f"gather {n:.0e} predictions ({megabytes:.0f} MB) over {world} ranks (gloo, CPU): "
        f"tb_eval {ours_s * 1e3:.1f} ms, all_gather_object {theirs_s * 1e3:.1f} ms, "
        f"all_gather_object / tb_eval = {ratio:.2f}x (median of {repeats})"
    )
    return {"tb_eval_s": ours_s, "all_gather_object_s": theirs_s, "ratio": ratio}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=None, help="problem size for bench_* taking n")
    parser.add_argument("--only", action="append", default=[], help="run only bench_<ONLY>")
    args = parser.parse_args(argv)
    module = sys.modules[__name__]
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if not name.startswith("bench_") or fn.__module__ != module.__name__:
            continue
        if args.only and name.removeprefix("bench_") not in args.only:
            continue
        kwargs = {}
        if args.n is not None and "n" in inspect.signature(fn).parameters:
            kwargs["n"] = args.n
        print(f"== {name}")
        fn(**kwargs)


if __name__ == "__main__":
    main()
