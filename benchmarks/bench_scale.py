"""Benchmarks of tb-eval beyond one machine (issue 12): one ``bench_*`` function per topic.

Run ``python benchmarks/bench_scale.py [--only gather]``: ``main()`` runs every ``bench_*``
function of this module (or those whose name contains ``--only``). Each prints its figures and
a ratio against the tool a user would otherwise use, measured side by side in one run. Not a
test: no assertions.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import tempfile
import time

import numpy as np


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


def bench_gather(n: int = 1_000_000, repeats: int = 5) -> dict:
    """2-rank gather of ``n`` binary predictions (``n / 2`` per rank, int64 labels and float64
    scores) to rank 0: ``log_predictions``' collective (agreement through the store, then one
    ``gather`` of one byte buffer per rank, including ``prepare`` of the shard) against
    ``torch.distributed.all_gather_object`` of the same arrays. gloo on CPU, file store."""
    import multiprocessing

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


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the bench_* functions containing this")
    args = parser.parse_args(argv)
    module = sys.modules[__name__]
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("bench_") and args.only in name:
            function()


if __name__ == "__main__":
    main()
