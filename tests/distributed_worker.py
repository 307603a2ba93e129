"""One rank of a 2-process gloo job for tests/test_distributed.py (run as a script).

``python distributed_worker.py <scenario> <rank> <world> <init file> <logdir>``: joins the group
through a file store (no network), runs the scenario and prints one JSON line with what it saw
(errors are reported, not raised, unless the scenario is about a rank dying).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

import tb_eval

N = 2_000


def data():
    """The whole evaluation set: every rank builds it and logs its own half."""
    rng = np.random.default_rng(7)
    y = (rng.random(N) < 0.35).astype(np.int64)
    score = 1 / (1 + np.exp(-(2.0 * (2 * y - 1) + rng.normal(0, 1.7, N))))
    labels = ["cat", "dog", "owl"]
    classes = rng.integers(0, 3, N)
    logits = rng.normal(size=(N, 3))
    logits[np.arange(N), classes] += 1.0
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    weights = rng.random(N)
    return y, score, np.array(labels)[classes], probabilities, labels, weights


def shard(array, rank, world):
    # Uneven shards: rank 0 gets a third, the others share the rest.
    bounds = [0, N // 3, N] if world == 2 else np.linspace(0, N, world + 1, dtype=int)
    return array[bounds[rank] : bounds[rank + 1]]


def attempt(fn):
    try:
        fn()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def main() -> None:
    scenario, rank, world, init_file, logdir = sys.argv[1:6]
    rank, world = int(rank), int(world)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    out: dict = {"rank": rank}
    y, score, classes, probabilities, labels, weights = data()
    mine = {
        "y": shard(y, rank, world),
        "score": torch.from_numpy(shard(score, rank, world)),  # tensors go in as they are
        "classes": shard(classes, rank, world),
        "probabilities": shard(probabilities, rank, world),
        "weights": shard(weights, rank, world),
    }

    if scenario in ("default", "per_rank"):
        run = tb_eval.start_logging(
            logdir, experiment="ddp", params={"lr": 0.1}, per_rank=scenario == "per_rank"
        )
        out["directory"] = run.directory
        out["type"] = type(run).__name__
        for step in range(3):
            run.log("loss", 10.0 * rank + step)
        run.log_table("table", {"rank": [rank]})
        run.log_image("image", image=np.full((4, 4), rank, dtype=np.uint8))
        run.tag("rank", str(rank))
        run.log_predictions("val", mine["y"], y_score=mine["score"], sample_weight=mine["weights"])
        run.log_predictions(
            "val", mine["y"], y_score=mine["score"], sample_weight=mine["weights"], step=5
        )
        run.log_predictions(
            "species", mine["classes"], y_score=mine["probabilities"], labels=labels, step=2
        )
        # The same mistake on every rank: every rank raises it, as one process would.
        out["late_step"] = attempt(
            lambda: run.log_predictions("val", mine["y"], y_score=mine["score"], step=4)
        )
        out["scalar_on_predictions"] = attempt(lambda: run.log("val", 1.0))
        child = run.child_run("trial")  # a child of the job's run: collective as well
        child.log("x", float(rank))
        child.log_predictions("val", mine["y"], y_score=mine["score"])
        out["child"] = [child.directory, type(child).__name__]
        child.complete()
        run.complete()
        out["status"] = run.status
    elif scenario == "disagree":
        run = tb_eval.start_logging(logdir, run_name="r")
        out["name"] = attempt(
            lambda: run.log_predictions(["val", "test"][rank], mine["y"], y_score=mine["score"])
        )
        out["step"] = attempt(
            lambda: run.log_predictions("val", mine["y"], y_score=mine["score"], step=rank + 1)
        )
        names = [["no", "yes"], ["neg", "pos"]][rank]
        out["labels"] = attempt(
            lambda: run.log_predictions("val", mine["y"], y_score=mine["score"], labels=names)
        )
        out["task"] = attempt(
            lambda: run.log_predictions(
                "val2", mine["y"], y_score=mine["score"], task=["binary", "regression"][rank]
            )
        )
        weights = mine["weights"] if rank == 0 else None
        out["weights"] = attempt(
            lambda: run.log_predictions(
                "val3", mine["y"], y_score=mine["score"], sample_weight=weights
            )
        )
        bad = mine["score"][:-1] if rank == 1 else mine["score"]
        out["bad_input"] = attempt(lambda: run.log_predictions("val4", mine["y"], y_score=bad))
        # After all that, the ranks are still in step: a good call goes through.
        out["good"] = attempt(lambda: run.log_predictions("ok", mine["y"], y_score=mine["score"]))
        run.complete()
    elif scenario in ("alone_exits", "alone_busy", "rank_dies"):
        run = tb_eval.start_logging(logdir, run_name="r")
        if rank == 0:
            started = time.monotonic()
            out["alone"] = attempt(
                lambda: run.log_predictions("val", mine["y"], y_score=mine["score"])
            )
            out["seconds"] = time.monotonic() - started
        elif scenario == "alone_busy":
            time.sleep(float(os.environ["TB_EVAL_DIST_TIMEOUT"]) + 3)
        elif scenario == "rank_dies":
            print(json.dumps(out), flush=True)
            raise ZeroDivisionError("the model diverged")
        run.complete()
    elif scenario == "environment":
        # A launcher handed the run to the job through TB_EVAL_RUN_DIR: still one writer.
        run = tb_eval.get_context()
        out["directory"] = run.directory
        out["type"] = type(run).__name__
        run.log("loss", float(rank))
        run.log_predictions("val", mine["y"], y_score=mine["score"])
        run.complete()
    elif scenario == "keras":
        # Keras on the torch backend trains each rank's model on its own (Keras has no
        # multi-process training for torch); the callback still logs one job's run.
        os.environ["KERAS_BACKEND"] = "torch"
        import keras

        from tb_eval.integrations.keras import TbEvalCallback

        keras.utils.set_random_seed(rank)
        rng = np.random.default_rng(rank)
        x = rng.normal(size=(120, 3)).astype("float32")
        labels_ = (x[:, 0] > 0).astype("int64")
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile("sgd", "sparse_categorical_crossentropy")
        callback = TbEvalCallback(logdir, experiment="keras", labels=["neg", "pos"])
        model.fit(
            x[:80],
            labels_[:80],
            validation_data=(x[80:], labels_[80:]),
            epochs=2,
            verbose=0,
            callbacks=[callback],
        )
        out["directory"] = callback.run.directory
        out["type"] = type(callback.run).__name__
        out["y"] = labels_[80:].tolist()
        out["score"] = np.asarray(model.predict(x[80:], verbose=0)).tolist()
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    print(json.dumps(out), flush=True)
    dist.destroy_process_group()  # tb_eval's exit note still reaches the other ranks


if __name__ == "__main__":
    main()
