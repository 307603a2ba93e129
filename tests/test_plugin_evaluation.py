"""The evaluation routes against a real ``tensorboard`` process, under both loaders.

Predictions are logged through ``tb_eval``, read back by TensorBoard (Rust data server and
Python multiplexer), evaluated by the plugin, and every number is checked against
scikit-learn computed on the logged arrays (1e-9 relative).
"""

from __future__ import annotations

import json
import time
import urllib.parse

import numpy as np
import pytest
from sklearn import metrics as skm

import tb_eval
from tb_eval.io.events import encode_event, file_version_event
from tb_eval.kinds import common, predictions
from tb_plugin.evaluation_store import CURVE_DIGITS, DEFAULT_MAX_POINTS, default_max_points
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
RNG = np.random.default_rng(11)
REL = 1e-9
N = 400
ANIMALS = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay"]
MC_STEPS = 20
ML_LABELS = ["red", "green", "blue", "gold"]
SWEEP = {"t0": 0.01, "t1": 0.1, "t2": 1.0}
FEATURES = ["age", "income", "zip", "height"]
IMPORTANCES = [0.1, -0.7, 0.05, 0.3]
PER_CLASS = {"yes": [0.2, 0.1, 0.0, 0.4], "no": [0.0, -0.3, 0.1, 0.2]}
CONFUSION = [[50, 3, 2], [4, 40, 6], [1, 2, 30]]
CONFUSION_LABELS = ["low", "mid", "high"]


def _binary(n: int = N, shift: float = 0.3) -> dict:
    y = RNG.integers(0, 2, n)
    score = np.clip(RNG.normal(0.35 + shift * y, 0.2), 0.0, 1.0)
    return {"y_true": np.where(y == 1, "yes", "no"), "y_score": score, "labels": ["no", "yes"]}


def _multiclass(n: int = 300) -> dict:
    classes = RNG.integers(0, len(ANIMALS), n)
    logits = RNG.normal(size=(n, len(ANIMALS)))
    logits[np.arange(n), classes] += 1.5
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return {"y_true": np.array(ANIMALS)[classes], "y_score": probabilities, "labels": ANIMALS}


def _multilabel(n: int = N) -> dict:
    truth = (RNG.random((n, len(ML_LABELS))) < 0.4).astype(int)
    scores = np.clip(0.3 * truth + RNG.random(truth.shape) * 0.7, 0.0, 1.0)
    return {"y_true": truth, "y_score": scores, "labels": ML_LABELS, "task": "multilabel"}


def _regression(n: int = N) -> dict:
    truth = RNG.normal(size=n) * 3.0
    return {"y_true": truth, "y_pred": truth + RNG.normal(scale=0.5, size=n), "task": "regression"}


LOGGED: dict[tuple[str, str], list[dict]] = {}


def _log(run, run_name: str, name: str, problem: dict, **extra) -> None:
    run.log_predictions(name, **problem, **extra)
    LOGGED.setdefault((run_name, name), []).append({**problem, **extra})


def _corrupt_events() -> bytes:
    """A predictions record whose blob is not a predictions payload."""
    tag = common.our_tag(predictions.KIND, "val")
    blob = common.string_tensor(np.array([b"TBEV1\n\x05\x00\x00\x00{bad}"], dtype=object))
    value = common.summary_value(tag, blob, predictions.metadata("binary"))
    return file_version_event(time.time()) + encode_event(time.time(), 0, [value])


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("evaluation_logdir")
    LOGGED.clear()
    b = tb_eval.start_logging(root, run_name="bin")
    for step in range(3):
        _log(b, "bin", "val", _binary(), step=step * 10)
    weights = RNG.random(N) * 2
    _log(b, "bin", "weighted", _binary(), sample_weight=weights)
    b.log_feature_importance("gbm", FEATURES, IMPORTANCES, per_class=PER_CLASS)
    b.log_feature_importance("gbm", FEATURES, [1.0, 2.0, 3.0, -4.0])
    b.log_confusion_matrix("final", CONFUSION, labels=CONFUSION_LABELS, step=5)
    b.complete()
    m = tb_eval.start_logging(root, run_name="mc")
    for _ in range(MC_STEPS):
        _log(m, "mc", "val", _multiclass())
    m.complete()
    ml = tb_eval.start_logging(root, run_name="ml")
    for _ in range(2):
        _log(ml, "ml", "val", _multilabel())
    ml.complete()
    r = tb_eval.start_logging(root, run_name="reg")
    for _ in range(2):
        _log(r, "reg", "val", _regression())
    r.complete()
    for trial, lr in SWEEP.items():
        t = tb_eval.start_logging(root, experiment="sweep", run_name=trial, params={"lr": lr})
        t.tag("owner", "me")
        _log(t, f"sweep/{trial}", "val", _binary(shift=lr / 2))
        t.complete()
    (root / "corrupt").mkdir()
    (root / "corrupt" / "events.out.tfevents.1.host.1.0").write_bytes(_corrupt_events())
    return root


def _expected_listing() -> dict[tuple[str, str], int]:
    return {key: len(steps) for key, steps in LOGGED.items()} | {("corrupt", "val"): 1}


def _ready(server: TensorBoardServer) -> bool:
    listing = server.get_json(PREFIX + "/evaluations")
    found = {(e["run"], e["name"]): len(e["steps"]) for e in listing["evaluations"]}
    runs = {r["run"]: r["status"] for r in server.get_json(PREFIX + "/runs")["runs"]}
    return (
        found == _expected_listing()
        and len(listing["importances"]) == 1
        and len(listing["confusions"]) == 1
        and all(runs.get(f"sweep/{trial}") == "success" for trial in SWEEP)
    )


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def tb(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as server:
        server.wait_for(lambda: _ready(server), timeout=60)
        yield server


def url(path: str, **params) -> str:
    pairs = [
        (key, str(item))
        for key, value in params.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return f"{PREFIX}{path}?{urllib.parse.urlencode(pairs)}"


def get(tb, path: str, **params):
    return tb.get_json(url(path, **params))


def error(tb, path: str, **params) -> tuple[int, str]:
    status, headers, body = tb.request(url(path, **params))
    assert headers["Content-Type"].startswith("application/json"), body
    assert b"Traceback" not in body and b'File "' not in body
    return status, json.loads(body)["error"]


def close(actual, expected) -> None:
    """Equal within 1e-9 relative (nested lists allowed; ``None`` never matches)."""
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=REL, atol=1e-12)


# ---------------------------------------------------------------------------- listing


def test_listing(tb):
    listing = get(tb, "/evaluations")
    by_key = {(e["run"], e["name"]): e for e in listing["evaluations"]}
    assert by_key[("mc", "val")]["steps"] == list(range(MC_STEPS))  # all 20, both loaders
    assert by_key[("mc", "val")]["max_step"] == MC_STEPS - 1
    assert by_key[("bin", "val")]["steps"] == [0, 10, 20]
    tasks = {key: e["task"] for key, e in by_key.items()}
    assert tasks[("bin", "val")] == "binary" and tasks[("mc", "val")] == "multiclass"
    assert tasks[("ml", "val")] == "multilabel" and tasks[("reg", "val")] == "regression"
    assert listing["importances"] == [{"run": "bin", "name": "gbm", "steps": [0, 1]}]
    assert listing["confusions"] == [{"run": "bin", "name": "final", "steps": [5]}]


# ---------------------------------------------------------------------------- reports


def test_binary_report_matches_sklearn(tb):
    for index, step in enumerate([0, 10, 20]):
        logged = LOGGED[("bin", "val")][index]
        y = (logged["y_true"] == "yes").astype(int)
        s = logged["y_score"]
        report = get(tb, "/evaluation", run="bin", name="val", step=step)
        assert report["step"] == step and report["steps"] == [0, 10, 20]
        assert report["task"] == "binary" and report["labels"] == ["no", "yes"]
        assert report["n_samples"] == N and report["max_points"] == DEFAULT_MAX_POINTS
        m = report["metrics"]
        close(m["roc_auc"], skm.roc_auc_score(y, s))
        close(m["average_precision"], skm.average_precision_score(y, s))
        close(m["accuracy"], skm.accuracy_score(y, s >= 0.5))
        close(m["log_loss"], skm.log_loss(y, s))
        close(m["brier_score"], skm.brier_score_loss(y, s))
        close(m["f1"], skm.f1_score(y, s >= 0.5))
        close(m["matthews_corrcoef"], skm.matthews_corrcoef(y, s >= 0.5))
        matrix = report["curves"]["confusion_matrix"]["matrix"]
        assert matrix == skm.confusion_matrix(y, s >= 0.5).tolist()
        roc = report["curves"]["roc"]["yes"]
        fpr, tpr, _ = skm.roc_curve(y, s)
        assert (roc["fpr"][0], roc["tpr"][0], roc["thresholds"][0]) == (0.0, 0.0, None)
        assert (roc["fpr"][-1], roc["tpr"][-1]) == (fpr[-1], tpr[-1]) == (1.0, 1.0)
        assert "thresholds" not in report["curves"]  # served by /evaluation/thresholds


def test_default_step_is_the_newest_and_exact_curves_round_to_display_digits(tb):
    logged = LOGGED[("bin", "val")][-1]
    y = (logged["y_true"] == "yes").astype(int)
    s = logged["y_score"]
    assert get(tb, "/evaluation", run="bin", name="val")["step"] == 20
    exact = get(tb, "/evaluation", run="bin", name="val", max_points=5000)
    roc = exact["curves"]["roc"]["yes"]
    fpr, tpr, thresholds = skm.roc_curve(y, s, drop_intermediate=False)
    assert len(roc["fpr"]) == len(fpr) and roc["max_deviation"] == 0.0
    digits = 0.5 * 10.0 ** (1 - CURVE_DIGITS)
    np.testing.assert_allclose(roc["fpr"], fpr, rtol=digits, atol=0)
    np.testing.assert_allclose(roc["tpr"], tpr, rtol=digits, atol=0)
    np.testing.assert_allclose(roc["thresholds"][1:], thresholds[1:], rtol=digits, atol=0)
    close(np.trapezoid(tpr, fpr), exact["metrics"]["roc_auc"])


def test_weighted_binary(tb):
    logged = LOGGED[("bin", "weighted")][0]
    y = (logged["y_true"] == "yes").astype(int)
    s, w = logged["y_score"], logged["sample_weight"]
    m = get(tb, "/evaluation", run="bin", name="weighted")["metrics"]
    close(m["roc_auc"], skm.roc_auc_score(y, s, sample_weight=w))
    close(m["average_precision"], skm.average_precision_score(y, s, sample_weight=w))
    close(m["log_loss"], skm.log_loss(y, s, sample_weight=w))
    close(m["accuracy"], skm.accuracy_score(y, s >= 0.5, sample_weight=w))


def _mc_expected(logged: dict) -> dict[str, float]:
    y, scores = logged["y_true"], logged["y_score"]
    predicted = np.array(ANIMALS)[scores.argmax(axis=1)]
    onehot = (y[:, None] == np.array(ANIMALS)[None, :]).astype(int)
    return {
        "accuracy": skm.accuracy_score(y, predicted),
        "log_loss": skm.log_loss(y, scores, labels=ANIMALS),
        "roc_auc_macro": skm.roc_auc_score(y, scores, multi_class="ovr", labels=ANIMALS),
        "roc_auc_weighted": skm.roc_auc_score(
            y, scores, multi_class="ovr", labels=ANIMALS, average="weighted"
        ),
        "roc_auc_micro": skm.roc_auc_score(onehot, scores, average="micro"),
        "average_precision_micro": skm.average_precision_score(onehot, scores, average="micro"),
        "f1_macro": skm.f1_score(y, predicted, average="macro"),
        "top_3_accuracy": skm.top_k_accuracy_score(y, scores, k=3, labels=ANIMALS),
        "balanced_accuracy": skm.balanced_accuracy_score(y, predicted),
        "cohen_kappa": skm.cohen_kappa_score(y, predicted),
        "average_precision/cat": skm.average_precision_score(onehot[:, 2], scores[:, 2]),
    }


def test_multiclass_report_matches_sklearn(tb):
    logged = LOGGED[("mc", "val")][-1]
    report = get(tb, "/evaluation", run="mc", name="val")
    assert report["step"] == MC_STEPS - 1 and report["labels"] == ANIMALS
    assert report["max_points"] == default_max_points("multiclass", len(ANIMALS))
    for metric, value in _mc_expected(logged).items():
        close(report["metrics"][metric], value)
    y, scores = logged["y_true"], logged["y_score"]
    predicted = np.array(ANIMALS)[scores.argmax(axis=1)]
    matrix = report["curves"]["confusion_matrix"]["matrix"]
    assert matrix == skm.confusion_matrix(y, predicted, labels=ANIMALS).tolist()
    assert set(report["curves"]["roc"]) == set(ANIMALS) | {"micro", "macro"}


def test_multilabel_report_matches_sklearn(tb):
    for step, logged in enumerate(LOGGED[("ml", "val")]):
        truth, scores = logged["y_true"], logged["y_score"]
        predicted = (scores >= 0.5).astype(int)
        m = get(tb, "/evaluation", run="ml", name="val", step=step)["metrics"]
        close(m["roc_auc_macro"], skm.roc_auc_score(truth, scores, average="macro"))
        close(m["roc_auc_micro"], skm.roc_auc_score(truth, scores, average="micro"))
        close(m["average_precision_macro"], skm.average_precision_score(truth, scores))
        close(m["accuracy"], skm.accuracy_score(truth, predicted))
        close(m["hamming_loss"], skm.hamming_loss(truth, predicted))
        close(m["f1_micro"], skm.f1_score(truth, predicted, average="micro"))


def test_regression_report_matches_sklearn(tb):
    logged = LOGGED[("reg", "val")][-1]
    truth, predicted = logged["y_true"], logged["y_pred"]
    report = get(tb, "/evaluation", run="reg", name="val")
    m = report["metrics"]
    close(m["r2"], skm.r2_score(truth, predicted))
    close(m["mean_squared_error"], skm.mean_squared_error(truth, predicted))
    close(m["mean_absolute_error"], skm.mean_absolute_error(truth, predicted))
    close(m["max_error"], skm.max_error(truth, predicted))
    close(m["explained_variance"], skm.explained_variance_score(truth, predicted))
    assert report["labels"] == [] and "predicted_vs_true" in report["curves"]


def test_cached_report_is_identical(tb):
    first = tb.get(url("/evaluation", run="mc", name="val", step=3))
    assert tb.get(url("/evaluation", run="mc", name="val", step=3)) == first


# ---------------------------------------------------------------------------- thresholds


def test_binary_thresholds_exact_against_sklearn(tb):
    logged = LOGGED[("bin", "val")][1]
    y = (logged["y_true"] == "yes").astype(int)
    s = logged["y_score"]
    table = get(tb, "/evaluation/thresholds", run="bin", name="val", step=10, points=10000)
    assert table["class"] == "yes" and table["exact_points"] == len(table["thresholds"])
    fpr, tpr, thresholds = skm.roc_curve(y, s, drop_intermediate=False)
    close(table["thresholds"], thresholds[1:].tolist())
    close(table["fpr"], fpr[1:].tolist())
    close(table["recall"], tpr[1:].tolist())
    for i in (0, len(thresholds) // 2, len(thresholds) - 2):
        predicted = s >= thresholds[i + 1]
        tn, fp, fn, tp = skm.confusion_matrix(y, predicted).ravel()
        row = [table[k][i] for k in ("tp", "fp", "tn", "fn")]
        assert row == [tp, fp, tn, fn]
        close(table["mcc"][i], skm.matthews_corrcoef(y, predicted))
        close(table["f1"][i], skm.f1_score(y, predicted))
        close(table["accuracy"][i], skm.accuracy_score(y, predicted))


def test_thresholds_are_reduced_descending_and_keep_the_default_operating_point(tb):
    logged = LOGGED[("bin", "val")][-1]
    y = (logged["y_true"] == "yes").astype(int)
    s = logged["y_score"]
    table = get(tb, "/evaluation/thresholds", run="bin", name="val", points=50)
    assert len(table["thresholds"]) <= 50
    assert table["thresholds"] == sorted(table["thresholds"], reverse=True)
    at_half = max(i for i, t in enumerate(table["thresholds"]) if t >= 0.5)
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= 0.5).ravel()
    assert [table[k][at_half] for k in ("tp", "fp", "tn", "fn")] == [tp, fp, tn, fn]
    default = get(tb, "/evaluation/thresholds", run="bin", name="val")
    assert len(default["thresholds"]) == default["exact_points"] <= 1000


def test_multiclass_and_multilabel_thresholds_one_vs_rest(tb):
    logged = LOGGED[("mc", "val")][-1]
    table = get(tb, "/evaluation/thresholds", run="mc", name="val")
    assert table["class"] == ANIMALS[0]  # default: the first class
    table = get(tb, "/evaluation/thresholds", run="mc", name="val", **{"class": "dog"})
    positive = (logged["y_true"] == "dog").astype(int)
    score = logged["y_score"][:, ANIMALS.index("dog")]
    fpr, tpr, thresholds = skm.roc_curve(positive, score, drop_intermediate=False)
    close(table["thresholds"], thresholds[1:].tolist())
    close(table["recall"], tpr[1:].tolist())
    close(table["fpr"], fpr[1:].tolist())
    ml = LOGGED[("ml", "val")][-1]
    table = get(tb, "/evaluation/thresholds", run="ml", name="val", **{"class": "blue"})
    fpr, _, _ = skm.roc_curve(ml["y_true"][:, 2], ml["y_score"][:, 2], drop_intermediate=False)
    close(table["fpr"], fpr[1:].tolist())


# ---------------------------------------------------------------------------- trend, compare


def test_trend_evaluates_every_step(tb):
    trend = get(tb, "/evaluation/trend", run="mc", name="val")
    assert trend["steps"] == list(range(MC_STEPS)) and trend["task"] == "multiclass"
    for metric in ("accuracy", "log_loss", "roc_auc_macro"):
        assert len(trend["metrics"][metric]) == MC_STEPS
    expected = [_mc_expected(logged) for logged in LOGGED[("mc", "val")]]
    close(trend["metrics"]["accuracy"], [e["accuracy"] for e in expected])
    close(trend["metrics"]["roc_auc_macro"], [e["roc_auc_macro"] for e in expected])
    binary = get(tb, "/evaluation/trend", run="bin", name="val")
    assert binary["steps"] == [0, 10, 20] and len(binary["metrics"]["roc_auc"]) == 3


def test_compare_sweep(tb):
    runs = [f"sweep/{trial}" for trial in SWEEP]
    compared = get(tb, "/evaluation/compare", run=[*runs, "nope"], name="val")
    assert compared["name"] == "val"
    assert [entry["run"] for entry in compared["runs"]] == runs  # "nope" left out
    for entry, (trial, lr) in zip(compared["runs"], SWEEP.items()):
        logged = LOGGED[(f"sweep/{trial}", "val")][0]
        y = (logged["y_true"] == "yes").astype(int)
        assert entry["params"] == {"lr": lr} and entry["tags"] == {"owner": "me"}
        assert entry["status"] == "success" and entry["task"] == "binary"
        close(entry["metrics"]["roc_auc"], skm.roc_auc_score(y, logged["y_score"]))
        assert set(entry["curves"]) == {"roc", "precision_recall", "calibration"}
        assert list(entry["curves"]["roc"]) == ["yes"]
        assert len(entry["curves"]["roc"]["yes"]["fpr"]) <= DEFAULT_MAX_POINTS
    mixed = get(tb, "/evaluation/compare", run=["mc", "ml", "reg"], name="val")
    curves = {entry["run"]: entry["curves"] for entry in mixed["runs"]}
    assert set(curves["mc"]["roc"]) == {"micro", "macro"}
    assert set(curves["ml"]["precision_recall"]) == {"micro", "macro"}
    assert "top_label" in curves["mc"]["calibration"]
    assert list(curves["reg"]) == ["predicted_vs_true"]
    assert mixed["runs"][0]["status"] == "success" and mixed["runs"][0]["params"] == {}
    assert error(tb, "/evaluation/compare", run=["nope", "mc"], name="other")[0] == 404
    assert error(tb, "/evaluation/compare", run="bin", name="val", step=3)[0] == 404


# ---------------------------------------------------------------------------- importance, confusion


def test_importance(tb):
    newest = get(tb, "/importance", run="bin", name="gbm")
    assert newest["step"] == 1 and newest["steps"] == [0, 1]
    assert newest["names"] == ["height", "zip", "income", "age"]
    first = get(tb, "/importance", run="bin", name="gbm", step=0)
    order = np.argsort(-np.abs(IMPORTANCES), kind="stable")
    assert first["names"] == [FEATURES[i] for i in order]
    assert first["values"] == [IMPORTANCES[i] for i in order]
    assert first["per_class"] == {k: [v[i] for i in order] for k, v in PER_CLASS.items()}


def test_confusion(tb):
    doc = get(tb, "/confusion", run="bin", name="final")
    assert doc["step"] == 5 and doc["steps"] == [5]
    assert doc["labels"] == CONFUSION_LABELS and doc["matrix"] == CONFUSION
    matrix = np.array(CONFUSION, dtype=float)
    close(doc["normalized"]["true"], (matrix / matrix.sum(1, keepdims=True)).tolist())
    close(doc["normalized"]["pred"], (matrix / matrix.sum(0, keepdims=True)).tolist())
    close(doc["normalized"]["all"], (matrix / matrix.sum()).tolist())


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "path, params",
    [
        ("/evaluation", {"run": "nope", "name": "val"}),
        ("/evaluation", {"run": "bin", "name": "nope"}),
        ("/evaluation", {"run": "bin", "name": "val", "step": 5}),
        ("/evaluation/thresholds", {"run": "bin", "name": "val", "step": 5}),
        ("/evaluation/thresholds", {"run": "nope", "name": "val"}),
        ("/evaluation/trend", {"run": "bin", "name": "nope"}),
        ("/importance", {"run": "bin", "name": "nope"}),
        ("/importance", {"run": "bin", "name": "gbm", "step": 7}),
        ("/confusion", {"run": "mc", "name": "final"}),
        ("/confusion", {"run": "bin", "name": "final", "step": 0}),
    ],
)
def test_unknown_is_404(tb, path, params):
    assert error(tb, path, **params)[0] == 404


@pytest.mark.parametrize(
    "path, params",
    [
        ("/evaluation", {"run": "bin", "name": "val", "max_points": "abc"}),
        ("/evaluation", {"run": "bin", "name": "val", "max_points": 5}),
        ("/evaluation", {"run": "bin", "name": "val", "max_points": 10**6}),
        ("/evaluation", {"run": "bin", "name": "val", "step": "x"}),
        ("/evaluation", {"run": "bin"}),
        ("/evaluation/thresholds", {"run": "bin", "name": "val", "class": "maybe"}),
        ("/evaluation/thresholds", {"run": "mc", "name": "val", "class": "zebra"}),
        ("/evaluation/thresholds", {"run": "bin", "name": "val", "points": "abc"}),
        ("/evaluation/thresholds", {"run": "reg", "name": "val"}),
        ("/evaluation/compare", {"name": "val"}),
        ("/importance", {"name": "gbm"}),
    ],
)
def test_bad_parameters_are_400(tb, path, params):
    assert error(tb, path, **params)[0] == 400


@pytest.mark.parametrize("path", ["/evaluation", "/evaluation/thresholds", "/evaluation/trend"])
def test_corrupt_predictions_are_a_clean_422(tb, path):
    status, message = error(tb, path, run="corrupt", name="val")
    assert status == 422 and message.startswith("cannot read tb_eval data:")
    assert len(message) < 300
    assert get(tb, "/evaluation", run="bin", name="val")["task"] == "binary"  # still serving


def test_compare_serves_the_readable_runs_and_names_the_corrupt_one(tb):
    compared = get(tb, "/evaluation/compare", run=["sweep/t0", "corrupt", "sweep/t1"], name="val")
    assert [entry["run"] for entry in compared["runs"]] == ["sweep/t0", "sweep/t1"]
    (failed,) = compared["errors"]
    assert failed["run"] == "corrupt" and failed["error"].startswith("cannot read tb_eval data:")
