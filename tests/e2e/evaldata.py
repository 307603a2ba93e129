"""The logdir the evaluation-dashboard end-to-end tests browse (also used to record the
frontend's unit-test fixtures with ``python -m tests.e2e.evaldata --record``).

Runs (all logged with ``run.log_predictions`` at several steps):

- ``bin``: binary ``val`` at steps 0, 1, 2 (labels ``no``/``yes``), a feature importance with
  per-class values, a logged confusion matrix and an uploaded file;
- ``mc``: 10-class ``val`` at steps 0, 1, 2 (one class label is an HTML injection string);
- ``ml``: 4-label multilabel ``val`` at steps 0, 1;
- ``reg``: regression ``val`` at steps 0, 1, 2;
- ``sweep/t0``, ``sweep/t1``, ``sweep/t2``: one binary ``val`` each with params ``lr``;
- ``reg_big``: regression ``val`` with 20,000 predictions at step 0 (the density view);
- ``acc``: a binned summary ``val`` of 200,000 binary predictions at step 0, accumulated in
  batches with ``run.evaluation_accumulator`` (no raw rows).
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

import tb_eval

XSS = "<img src=x onerror=window.__xss=1>"
ANIMALS = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", XSS]
ML_LABELS = ["red", "green", "blue", "gold"]
FEATURES = [f"f{i:02d}" for i in range(30)] + [XSS]
SWEEP = {"t0": 0.2, "t1": 0.6, "t2": 1.2}
STEPS = 3
BIG_N = 20_000
SUMMARY_N, SUMMARY_BATCHES = 200_000, 20


def binary(rng: np.random.Generator, n: int, shift: float) -> dict:
    y = rng.integers(0, 2, n)
    score = 1.0 / (1.0 + np.exp(-(rng.normal(size=n) * 1.3 + (2 * y - 1) * shift)))
    return {"y_true": np.where(y == 1, "yes", "no"), "y_score": score, "labels": ["no", "yes"]}


def multiclass(rng: np.random.Generator, n: int, strength: float) -> dict:
    classes = rng.integers(0, len(ANIMALS), n)
    logits = rng.normal(size=(n, len(ANIMALS)))
    logits[np.arange(n), classes] += strength
    # a few systematic confusions so the "top confusions" list has a clear head
    swap = (classes == 1) & (rng.random(n) < 0.3)
    logits[swap, 2] += 2.5
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return {"y_true": np.array(ANIMALS, dtype=object)[classes], "y_score": p, "labels": ANIMALS}


def multilabel(rng: np.random.Generator, n: int, strength: float) -> dict:
    truth = (rng.random((n, len(ML_LABELS))) < 0.35).astype(int)
    scores = np.clip(strength * truth + rng.random(truth.shape) * (1 - strength), 0.0, 1.0)
    return {"y_true": truth, "y_score": scores, "labels": ML_LABELS, "task": "multilabel"}


def regression(rng: np.random.Generator, n: int, noise: float) -> dict:
    truth = rng.normal(size=n) * 3.0 + 10
    return {
        "y_true": truth,
        "y_pred": truth + rng.normal(scale=noise, size=n) + 0.05 * (truth - 10) ** 2,
        "task": "regression",
    }


def write_eval_logdir(logdir: str | os.PathLike) -> None:
    rng = np.random.default_rng(7)
    root = os.fspath(logdir)
    with tb_eval.start_logging(root, run_name="bin", params={"lr": 0.1, "model": "gbm"}) as run:
        for step in range(STEPS):
            run.log_predictions("val", **binary(rng, 3000, 0.8 + 0.4 * step), step=step)
        importances = np.abs(rng.normal(size=len(FEATURES))) ** 2
        run.log_feature_importance(
            "gbm",
            FEATURES,
            importances,
            per_class={"no": importances * 0.4, "yes": importances[::-1] * 0.6},
        )
        run.log_confusion_matrix(
            "final", [[50, 3, 2], [4, 40, 6], [1, 2, 30]], labels=["low", "mid", "high"]
        )
        path = os.path.join(root, "notes.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("hello from bin\n")
        run.upload_file("outputs/notes.txt", path)
        run.tag("owner", XSS)
        run.add_properties({"BuildId": "42"})
        run.complete()
    with tb_eval.start_logging(root, run_name="mc", params={"lr": 0.05}) as run:
        for step in range(STEPS):
            run.log_predictions("val", **multiclass(rng, 4000, 1.5 + 0.5 * step), step=step)
        run.complete()
    with tb_eval.start_logging(root, run_name="ml") as run:
        for step in range(2):
            run.log_predictions("val", **multilabel(rng, 2000, 0.2 + 0.2 * step), step=step)
        run.complete()
    with tb_eval.start_logging(root, run_name="reg", params={"depth": 4}) as run:
        for step in range(STEPS):
            run.log_predictions("val", **regression(rng, 5000, 1.5 - 0.4 * step), step=step)
        run.complete()
    for trial, shift in SWEEP.items():
        with tb_eval.start_logging(
            root, experiment="sweep", run_name=trial, params={"lr": shift / 10, "shift": shift}
        ) as run:
            run.log_predictions("val", **binary(rng, 2000, shift), step=0)
            run.complete()
    # last, so the runs above keep their random draws (and the recorded fixtures)
    with tb_eval.start_logging(root, run_name="reg_big", params={"depth": 8}) as run:
        run.log_predictions("val", **regression(rng, BIG_N, 1.0), step=0)
        run.complete()
    with tb_eval.start_logging(root, run_name="acc") as run:
        acc = run.evaluation_accumulator("val", task="binary", labels=["no", "yes"])
        summary_rng = np.random.default_rng(8)  # its own draws: the runs above stay as recorded
        for _ in range(SUMMARY_BATCHES):
            batch = binary(summary_rng, SUMMARY_N // SUMMARY_BATCHES, 1.0)
            acc.update(batch["y_true"], batch["y_score"])
        acc.log(0)
        run.complete()


EXPECTED = {
    ("bin", "val"): STEPS,
    ("mc", "val"): STEPS,
    ("ml", "val"): 2,
    ("reg", "val"): STEPS,
    **{(f"sweep/{t}", "val"): 1 for t in SWEEP},
    ("reg_big", "val"): 1,
    ("acc", "val"): 1,
}


def ready(get_json) -> bool:
    """True once TensorBoard serves every evaluation step, the importance and the runs."""
    listing = get_json("/data/plugin/tb_eval/evaluations")
    found = {(e["run"], e["name"]): len(e["steps"]) for e in listing["evaluations"]}
    runs = {r["run"]: r["status"] for r in get_json("/data/plugin/tb_eval/runs")["runs"]}
    return (
        found == EXPECTED
        and len(listing["importances"]) == 1
        and all(runs.get(f"sweep/{t}") == "success" for t in SWEEP)
        and runs.get("bin") == "success"
        and runs.get("reg_big") == "success"
        and runs.get("acc") == "success"
    )


def _record(out_dir: str) -> None:
    """Write the frontend fixtures (frontend/test/fixtures/eval_*.json) from a real server."""
    import tempfile
    import urllib.parse

    from tests.tbserver import TensorBoardServer

    def url(path: str, **params) -> str:
        pairs = [
            (k, str(v))
            for k, value in params.items()
            for v in (value if isinstance(value, list) else [value])
        ]
        return f"/data/plugin/tb_eval/{path}?{urllib.parse.urlencode(pairs)}"

    with tempfile.TemporaryDirectory() as logdir:
        write_eval_logdir(logdir)
        with TensorBoardServer(logdir, load_fast=True) as tb:
            tb.wait_for(lambda: ready(tb.get_json), timeout=60)
            wanted = {
                "eval_listing": url("evaluations"),
                "eval_runs": url("runs"),
                "eval_binary": url("evaluation", run="bin", name="val"),
                "eval_multiclass": url("evaluation", run="mc", name="val"),
                "eval_multilabel": url("evaluation", run="ml", name="val"),
                "eval_regression": url("evaluation", run="reg", name="val"),
                "eval_thresholds_binary": url(
                    "evaluation/thresholds", run="bin", name="val", points=200
                ),
                "eval_thresholds_mc": url(
                    "evaluation/thresholds", run="mc", name="val", **{"class": "cat"}, points=200
                ),
                "eval_trend": url("evaluation/trend", run="mc", name="val"),
                "eval_compare": url(
                    "evaluation/compare",
                    run=[f"sweep/{t}" for t in SWEEP],
                    name="val",
                    max_points=64,
                ),
                "eval_importance": url("importance", run="bin", name="gbm"),
                "eval_confusion": url("confusion", run="bin", name="final"),
                "eval_files": url("files", run="bin"),
                "eval_summary": url("evaluation", run="acc", name="val"),
                "eval_thresholds_summary": url(
                    "evaluation/thresholds", run="acc", name="val", points=200
                ),
            }
            for name, path in wanted.items():
                with open(os.path.join(out_dir, f"{name}.json"), "w", encoding="utf-8") as f:
                    json.dump(tb.get_json(path), f, separators=(",", ":"))
                    f.write("\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--record"]:
        _record(sys.argv[2] if len(sys.argv) > 2 else "frontend/test/fixtures")
