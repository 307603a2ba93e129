"""A generated sweep logdir: ``n_runs`` runs of one experiment, as the Compare runs benchmark
and tests use.

Each run has ``steps`` scalar steps of ``loss`` and ``accuracy``, 5 params (``lr``, ``depth``,
``optimizer``, ``dropout``, ``seed``) and one binary prediction set ``val`` of ``rows`` rows whose
quality depends on ``lr``. With ``sweep_metric`` the experiment's root run gets a sweep record
(``tb_eval/sweep/record``: the metric the sweep optimises and its direction, encoded by the
sweep kind unless a test writes a broken one).
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

import tb_eval
from tb_eval.io.events import encode_event
from tb_eval.io.writer import EventFileWriter
from tb_eval.kinds import common, sweep

NAME = "val"
OPTIMIZERS = ("adam", "sgd", "rmsprop")


def run_name(index: int) -> str:
    return f"trial_{index:04d}"


def write_sweep_record(directory: str, record: dict[str, Any], step: int = 0) -> None:
    """A sweep record in its own event file of ``directory`` (the experiment's root run), as
    the sweep kind writes it when it is a valid one, else as given (JSON)."""
    os.makedirs(directory, exist_ok=True)
    try:
        tensor = sweep.encode(record)
    except ValueError:
        tensor = common.json_tensor(record)
    value = common.summary_value(sweep.TAG, tensor, sweep.metadata())
    writer = EventFileWriter(directory)
    writer.append(encode_event(1.0, step, [value]))
    writer.close()


def write_sweep_logdir(
    logdir: str,
    n_runs: int,
    *,
    steps: int = 100,
    rows: int = 10_000,
    experiment: str = "sweep",
    seed: int = 0,
    sweep_metric: tuple[str, str] | None = ("accuracy", "max"),
) -> list[str]:
    """Write the sweep; returns the TensorBoard run names of the trials, in order."""
    rng = np.random.default_rng(seed)
    names = []
    for i in range(n_runs):
        lr = float(10 ** rng.uniform(-4, -1))
        params = {
            "lr": lr,
            "depth": int(rng.integers(2, 12)),
            "optimizer": OPTIMIZERS[i % len(OPTIMIZERS)],
            "dropout": round(float(rng.uniform(0, 0.5)), 3),
            "seed": i,
        }
        quality = 0.4 + 0.6 * (1 - abs(np.log10(lr) + 2.5) / 2.5)
        run = tb_eval.start_logging(
            logdir, experiment=experiment, run_name=run_name(i), params=params
        )
        loss = np.exp(-np.linspace(0, 3 * quality, steps)) + rng.normal(0, 0.01, steps)
        for step in range(steps):
            run.log("loss", float(loss[step]), step=step)
        run.log("accuracy", float(0.5 + 0.45 * quality), step=steps - 1)
        y = rng.integers(0, 2, rows)
        score = 1 / (1 + np.exp(-(quality * 2.5 * (2 * y - 1) + rng.normal(0, 1.5, rows))))
        run.log_predictions(NAME, y, score.astype(np.float32), step=steps - 1)
        run.complete()
        names.append(f"{experiment}/{run_name(i)}")
    if sweep_metric is not None:
        metric, mode = sweep_metric
        record = {
            "experiment": experiment,
            "metric": metric,
            "mode": mode,
            "metrics": [{"name": metric, "mode": mode}],
        }
        write_sweep_record(os.path.join(logdir, experiment), {**record, "source": "user"})
    return names


if __name__ == "__main__":  # python tests/sweep_logdir.py LOGDIR N
    import sys

    print(json.dumps(write_sweep_logdir(sys.argv[1], int(sys.argv[2]))[:3]))
