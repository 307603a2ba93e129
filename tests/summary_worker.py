"""One rank of a 2-process gloo job for tests/test_logger_summaries.py (run as a script).

``python summary_worker.py <scenario> <rank> <world> <init file> <logdir>``: joins the group
through a file store (no network), accumulates its shard of the data in batches, logs, and prints
one JSON line with what it saw.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import torch
import torch.distributed as dist

import tb_eval

N = 30_000


def data():
    rng = np.random.default_rng(5)
    y = (rng.random(N) < 0.3).astype(np.int64)
    score = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.5, N))))
    return y, score


def main() -> None:
    scenario, rank, world, init_file, logdir = sys.argv[1:6]
    rank, world = int(rank), int(world)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    y, score = data()
    # Uneven shards; in "idle" rank 1 sees no batch at all.
    cut = N // 3 if scenario != "idle" else N
    mine = slice(0, cut) if rank == 0 else slice(cut, N)
    run = tb_eval.start_logging(logdir, run_name="job")  # rank 0 writes it (tb_eval.distributed)
    name = "other" if scenario == "disagree" and rank == 1 else "val"
    acc = run.evaluation_accumulator(name, task="binary", labels=[0, 1])
    for start in range(mine.start, mine.stop, 1000):
        stop = min(start + 1000, mine.stop)
        acc.update(torch.from_numpy(y[start:stop]), torch.from_numpy(score[start:stop]))
    out: dict = {"rank": rank, "own": acc.n_samples}
    try:
        if scenario == "predictions":  # one collective call instead of an accumulator
            run.log_predictions("preds", y[mine], score[mine], summary="binned", step=2)
        summary = acc.log(step=2)
        out["logged_n"] = summary.n_samples
        out["result"] = summary.metrics()
    except ValueError as error:
        out["error"] = str(error)
    run.complete()
    dist.destroy_process_group()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
