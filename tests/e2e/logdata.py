"""The logdir the end-to-end tests browse: typed tables, a log_row table that grows, a log_list
series and two runs that share a table name."""

from __future__ import annotations

import os

import tb_eval

XSS = "<img src=x onerror=window.__xss=1>"

#: ``metrics`` in run ``alpha``: typed columns, a missing number and the injection string.
METRICS = {
    "epoch": list(range(1, 31)),
    "loss": [round(1.0 / (i + 1), 6) for i in range(30)],
    "accuracy": [None if i == 7 else round(0.5 + i / 70, 6) for i in range(30)],
    "converged": [i >= 20 for i in range(30)],
    "note": [XSS if i == 3 else f"epoch {i + 1}" for i in range(30)],
}
#: ``metrics`` in run ``beta``: same columns, different numbers.
METRICS_BETA = {
    "epoch": list(range(1, 11)),
    "loss": [round(2.0 / (i + 2), 6) for i in range(10)],
    "accuracy": [round(0.4 + i / 40, 6) for i in range(10)],
    "converged": [i >= 5 for i in range(10)],
    "note": [f"beta {i + 1}" for i in range(10)],
}
PR_ROWS = [
    {"threshold": t / 10, "precision": round(0.5 + t / 25, 6), "recall": round(1 - t / 12, 6)}
    for t in range(10)
]
SCORES = [0.1, 0.4, 0.35, 0.8, 0.6]


def write_logdir(logdir: str | os.PathLike) -> tb_eval.Run:
    """Write the finished runs ``alpha`` and ``beta``; return the still running ``live`` run,
    which has logged the first 3 rows of its ``progress`` table."""
    with tb_eval.start_logging(logdir, run_name="alpha", params={"lr": 0.1}) as run:
        run.log_table("metrics", METRICS)
        for row in PR_ROWS:
            run.log_row("pr", **row)
        run.log_list("scores", SCORES)
        run.complete()
    with tb_eval.start_logging(logdir, run_name="beta", params={"lr": 0.2}) as run:
        run.log_table("metrics", METRICS_BETA)
        run.complete()
    live = tb_eval.start_logging(logdir, run_name="live", flush_secs=0.2)
    for i in range(3):
        live.log_row("progress", step=i, value=i * i)
    live.flush()
    return live
