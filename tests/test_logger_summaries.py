"""Binned summaries logged by a run (issue 12 §3): ``log_accuracy_table`` (Azure ML's schema),
``log_predictions(..., summary="binned")`` and ``run.evaluation_accumulator``, read back by
TensorBoard (both loaders) and served by our plugin.

Oracles: scikit-learn and plain numpy counts on the raw predictions (never the summary itself),
TensorBoard's own HTTP API and loaders, and a 2-process gloo job for the collective ``log``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

import tb_eval
from tb_eval.evaluation import BinnedSummary
from tb_eval.kinds import binned_summary
from tb_eval.reader import read_run
from tests.plugin_support import PREFIX, plugin_client
from tests.tbserver import TensorBoardServer

RNG = np.random.default_rng(12)
N = 300_000
ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("summary_worker.py")


def _realistic(n: int = N, rng=RNG) -> tuple[np.ndarray, np.ndarray]:
    """30 % positives, logistic scores with overlap (a realistic, non-uniform model)."""
    y = (rng.random(n) < 0.3).astype(np.int64)
    return y, 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.5, n))))


def _saturated(n: int = N, rng=RNG) -> tuple[np.ndarray, np.ndarray]:
    """Over-confident scores piled up near 0 and 1."""
    y = (rng.random(n) < 0.3).astype(np.int64)
    return y, 1 / (1 + np.exp(-(9.0 * (2 * y - 1) + rng.normal(0, 6.0, n))))


def _raw_ge(y: np.ndarray, s: np.ndarray, thresholds) -> tuple[np.ndarray, np.ndarray]:
    """TP and FP of ``score >= t`` counted on the raw data."""
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    t = np.asarray(thresholds, dtype=np.float64)
    tp = pos.size - np.searchsorted(pos, t, side="left")
    fp = neg.size - np.searchsorted(neg, t, side="left")
    return tp, fp


DATA = {"real": _realistic(), "saturated": _saturated()}
K_LABELS = ["cat", "dog", "owl"]


def _multiclass(n: int = 60_000):
    classes = RNG.integers(0, 3, n)
    logits = RNG.normal(size=(n, 3))
    logits[np.arange(n), classes] += 1.5
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return classes, p


MC = _multiclass()


def _azure_table(y, s, thresholds):
    """What Azure ML's ``log_accuracy_table`` takes, counted on the raw data: per class (class
    0 scored ``1 - p``), ``[TP, FP, TN, FN]`` of ``score >= t``."""
    tables = []
    for positive, score in ((y == 0, 1 - s), (y == 1, s)):
        tp, fp = _raw_ge(positive.astype(int), score, thresholds)
        p, n = positive.sum(), (~positive).sum()
        tables.append(np.stack([tp, fp, n - fp, p - tp], axis=1).tolist())
    levels = [float(t) for t in thresholds]
    return {
        "schema_type": "accuracy_table",
        "schema_version": "1.0.1",
        "data": {
            "probability_tables": tables,
            "percentile_tables": tables,
            "probability_thresholds": levels,
            "percentile_thresholds": levels,
            "class_labels": ["0", "1"],
        },
    }


AZURE = _azure_table(*DATA["real"], np.linspace(0, 1, 101))


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("summaries")
    run = tb_eval.start_logging(root, run_name="r")
    for name, (y, s) in DATA.items():
        run.log_predictions(name, y, s, summary="binned", step=1)
    acc = run.evaluation_accumulator("acc", task="binary", labels=[0, 1])
    y, s = DATA["real"]
    for start in range(0, N, 7_919):  # uneven batches
        acc.update(y[start : start + 7_919], s[start : start + 7_919])
    acc.log(4)
    mc = run.evaluation_accumulator("mc", labels=K_LABELS)
    mc.update(*MC)
    mc.log(0)
    run.log_accuracy_table("azure", json.dumps(AZURE), description="from Azure", step=0)
    run.log_predictions("raw", y[:2000], s[:2000], step=0)
    run.complete()
    return root


def _url(path: str, **params) -> str:
    return f"{PREFIX}{path}?{urllib.parse.urlencode(params)}"


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def tb(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as server:

        def ready():
            listing = server.get_json(PREFIX + "/evaluations")["evaluations"]
            return len(listing) == 6

        server.wait_for(ready, timeout=60)
        yield server


def _on_raw_roc(y, s, fpr, tpr, atol=2e-6):
    """Every (fpr, tpr) lies on scikit-learn's exact ROC of the raw data (6-digit display)."""
    raw_fpr, raw_tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
    for f, t in zip(fpr, tpr, strict=True):
        lo = np.searchsorted(raw_fpr, f - atol, side="left")
        hi = np.searchsorted(raw_fpr, f + atol, side="right")
        assert hi > lo and np.min(np.abs(raw_tpr[lo:hi] - t)) <= atol, (f, t)


# ---------------------------------------------------------------------------- served


def test_listing_marks_summaries(tb):
    listing = tb.get_json(PREFIX + "/evaluations")["evaluations"]
    by_name = {e["name"]: e for e in listing}
    assert {n for n, e in by_name.items() if e.get("source") == "summary"} == {
        "real",
        "saturated",
        "acc",
        "mc",
        "azure",
    }
    assert "source" not in by_name["raw"]  # prediction sets' entries are unchanged
    assert by_name["acc"]["steps"] == [4] and by_name["mc"]["task"] == "multiclass"


@pytest.mark.parametrize("name", ["real", "saturated", "acc"])
def test_auc_ap_and_curves_match_sklearn_on_the_raw_data(tb, name):
    y, s = DATA["real" if name == "acc" else name]
    doc = tb.get_json(_url("/evaluation", run="r", name=name))
    assert doc["source"] == "summary" and doc["n_samples"] == N
    m, bounds = doc["metrics"], doc["summary"]["error_bounds"]
    auc, ap = skm.roc_auc_score(y, s), skm.average_precision_score(y, s)
    assert abs(m["roc_auc"] - auc) <= 1e-4 and abs(m["average_precision"] - ap) <= 1e-4
    assert abs(m["roc_auc"] - auc) <= bounds["roc_auc"]
    assert abs(m["average_precision"] - ap) <= bounds["average_precision"]
    roc = doc["curves"]["roc"]["1"]
    _on_raw_roc(y, s, roc["fpr"], roc["tpr"])
    # Display curves are rounded to 6 significant digits, as for prediction sets.
    assert all(float(f"{v:.6g}") == v for v in roc["fpr"] + roc["tpr"])
    # The confusion matrix at 0.5 and what follows from it: exact here (0.5 is a bin edge).
    assert doc["summary"]["threshold_uncertain"] == {"1": 0.0}
    cm = skm.confusion_matrix(y, s >= 0.5)
    assert doc["curves"]["confusion_matrix"]["matrix"] == cm.tolist()
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, s >= 0.5), rel=1e-12)
    assert m["f1"] == pytest.approx(skm.f1_score(y, s >= 0.5), rel=1e-12)
    assert m["matthews_corrcoef"] == pytest.approx(skm.matthews_corrcoef(y, s >= 0.5), rel=1e-9)
    ks = np.max(np.abs(np.subtract(*skm.roc_curve(y, s)[1::-1])))
    assert abs(m["ks_statistic"] - ks) <= bounds["ks_statistic"]
    for kind in ("precision_recall", "det", "cumulative_gains", "lift", "ks", "calibration"):
        assert doc["curves"][kind]["1"], kind
    # What a summary cannot give is said, not silently missing.
    unavailable = doc["summary"]["unavailable"]
    assert {"log_loss", "brier_score", "rows"} <= set(unavailable)
    assert "log_loss" not in m and "log_loss" not in doc["undefined"]


def test_threshold_table_rows_are_exact_raw_counts(tb):
    y, s = DATA["real"]
    table = tb.get_json(_url("/evaluation/thresholds", run="r", name="real", points=300))
    assert table["source"] == "summary" and table["class"] == "1"
    tp, fp = _raw_ge(y, s, table["thresholds"])
    assert table["tp"] == tp.tolist() and table["fp"] == fp.tolist()
    assert table["positives"] == (y == 1).sum() and table["negatives"] == (y == 0).sum()


def test_accuracy_table_round_trip_and_azure_counts(tb, logdir):
    y, s = DATA["real"]
    doc = tb.get_json(_url("/evaluation", run="r", name="azure"))
    assert doc["summary"]["bins"] == 101 and doc["summary"]["mantissa_bits"] is None
    assert abs(doc["metrics"]["roc_auc"] - skm.roc_auc_score(y, s)) <= 5e-3
    # The stored summary reproduces the logged table; the table holds the raw data's counts.
    # The stored summary gives back the logged table exactly (Azure's schema round trip).
    stored = read_run(os.path.join(logdir, "r")).blobs[binned_summary.KIND]["azure"][-1][1]
    back = binned_summary.decode(stored, BinnedSummary.from_arrays).to_accuracy_table()
    assert back["data"]["probability_tables"] == AZURE["data"]["probability_tables"]
    assert back["data"]["class_labels"] == ["0", "1"]
    # The slider's rows are the raw data's counts at the table's thresholds.
    table = tb.get_json(_url("/evaluation/thresholds", run="r", name="azure"))
    tp, fp = _raw_ge(y, s, table["thresholds"])
    assert table["tp"] == tp.tolist() and table["fp"] == fp.tolist()
    assert doc["curves"]["confusion_matrix"]["matrix"] == skm.confusion_matrix(y, s >= 0.5).tolist()


def test_multiclass_summary(tb):
    classes, p = MC
    doc = tb.get_json(_url("/evaluation", run="r", name="mc"))
    m = doc["metrics"]
    for j, label in enumerate(K_LABELS):
        assert abs(m[f"roc_auc/{label}"] - skm.roc_auc_score(classes == j, p[:, j])) <= 1e-4
        ap = skm.average_precision_score(classes == j, p[:, j])
        assert abs(m[f"average_precision/{label}"] - ap) <= 1e-4
    macro = skm.roc_auc_score(classes, p, multi_class="ovr", average="macro")
    assert abs(m["roc_auc_macro"] - macro) <= 1e-4
    assert "confusion_matrix" not in doc["curves"] and "accuracy" not in m
    assert "confusion_matrix" in doc["summary"]["unavailable"]
    table = tb.get_json(_url("/evaluation/thresholds", run="r", name="mc", **{"class": "dog"}))
    tp, fp = _raw_ge((classes == 1).astype(int), p[:, 1], table["thresholds"])
    assert table["tp"] == tp.tolist() and table["fp"] == fp.tolist()


def test_trend_and_compare_serve_summaries(tb):
    trend = tb.get_json(_url("/evaluation/trend", run="r", name="acc"))
    assert trend["steps"] == [4] and len(trend["metrics"]["roc_auc"]) == 1
    compare = tb.get_json(_url("/evaluation/compare", run="r", name="real"))
    assert compare["runs"][0]["curves"]["roc"]["1"]["fpr"]


def test_raw_prediction_documents_are_unchanged(logdir):
    """A prediction set's report has no summary fields (existing JSON stays as it was)."""
    doc = json.loads(plugin_client(logdir).get(_url("/evaluation", run="r", name="raw")).data)
    assert "source" not in doc and "summary" not in doc and "log_loss" in doc["metrics"]


# ---------------------------------------------------------------------------- the accumulator


def test_accumulator_over_batches_equals_one_summary(tmp_path):
    y, s = DATA["saturated"]
    run = tb_eval.start_logging(tmp_path, run_name="a")
    acc = run.evaluation_accumulator("val", labels=[0, 1])
    for batch in np.array_split(np.arange(N), 97):
        acc.update(y[batch], s[batch])
    logged = acc.log(0)
    whole = BinnedSummary.from_predictions(y, s)
    assert np.array_equal(logged.counts, whole.counts)
    assert np.array_equal(logged.score_range, whole.score_range)
    assert acc.batches == 0 and acc.summary() is None  # log() starts afresh
    acc.update(y[:10], s[:10])
    acc.log(1)
    run.complete()
    stored = read_run(tmp_path / "a").blobs[binned_summary.KIND]["val"]
    assert [step for step, _ in stored] == [0, 1]
    first = binned_summary.decode(stored[0][1], BinnedSummary.from_arrays)
    assert np.array_equal(first.counts, whole.counts)
    assert first.metrics() == whole.metrics()


def test_accumulator_memory_is_independent_of_n(tmp_path):
    import tracemalloc

    run = tb_eval.start_logging(tmp_path, run_name="m")
    acc = run.evaluation_accumulator("val", task="binary", labels=[0, 1])
    rng = np.random.default_rng(3)
    peaks = []
    tracemalloc.start()
    for i in range(60):
        y, s = _realistic(20_000, rng)
        acc.update(y, s)
        if i in (9, 59):
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.reset_peak()
    tracemalloc.stop()
    assert acc.n_samples == 60 * 20_000
    assert peaks[1] <= peaks[0] * 1.2  # six times the data, the same peak
    run.complete()


# ---------------------------------------------------------------------------- bad input


def test_bad_input_names_the_argument_and_writes_nothing(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="bad")
    y, s = DATA["real"]
    with pytest.raises(TypeError, match="value: expected Azure ML's accuracy table"):
        run.log_accuracy_table("t", [1, 2, 3])
    with pytest.raises(ValueError, match="value: not accuracy-table JSON"):
        run.log_accuracy_table("t", "{not json")
    with pytest.raises(ValueError, match="value: schema_type must be 'accuracy_table'"):
        run.log_accuracy_table("t", {"schema_type": "confusion_matrix", "data": {}})
    table = BinnedSummary.from_predictions(y, s).to_accuracy_table(num_points=5)
    table["data"]["probability_tables"][1][2][0] += 1
    with pytest.raises(ValueError, match="value: TP"):
        run.log_accuracy_table("t", table)
    with pytest.raises(ValueError, match="summary: expected None or 'binned'"):
        run.log_predictions("p", y, s, summary="tdigest")
    with pytest.raises(ValueError, match="y_score: summary='binned' needs scores"):
        run.log_predictions("p", y, y_pred=y, summary="binned")
    with pytest.raises(ValueError, match="y_pred: summary='binned'"):
        run.log_predictions("p", y, s, y_pred=y, summary="binned")
    with pytest.raises(ValueError, match="y_score"):
        run.log_predictions("p", y, s * 3, summary="binned")
    with pytest.raises(ValueError, match="task: an evaluation accumulator is for classification"):
        run.evaluation_accumulator("r", task="regression")
    with pytest.raises(ValueError, match="task must be"):
        run.evaluation_accumulator("r", task="ranking")
    acc = run.evaluation_accumulator("acc")
    with pytest.raises(ValueError, match="nothing to log"):
        acc.log(0)
    with pytest.raises(ValueError, match="step"):
        acc.update([0, 1], [0.2, 0.8])
        acc.log(-1)
    run.log_predictions("raw", y[:10], s[:10])
    with pytest.raises(ValueError, match="name: 'raw' already holds predictions"):
        run.log_accuracy_table("raw", BinnedSummary.from_predictions(y, s).to_accuracy_table())
    run.log_predictions("sum", y[:10], s[:10], summary="binned")
    k, p = MC
    with pytest.raises(ValueError, match="task: 'sum' holds binary summaries"):
        run.log_predictions("sum", k, p, labels=K_LABELS, summary="binned")
    run.complete()
    stored = read_run(tmp_path / "bad").blobs.get(binned_summary.KIND, {})
    assert sorted(stored) == ["sum"] and len(stored["sum"]) == 1


def test_corrupt_summary_record_is_a_clear_error_not_a_500(tmp_path):
    from tb_eval.kinds import codec, common

    with pytest.raises(ValueError, match="not a binned summary"):
        binned_summary.decode(codec.encode({}, {"kind": "predictions"}))
    meta, arrays = BinnedSummary.from_predictions([0, 1], [0.2, 0.7]).to_arrays()
    with pytest.raises(ValueError, match="counts must have shape"):
        binned_summary.encode_payload(meta, {**arrays, "counts": arrays["counts"][:, :, :1]})
    run = tb_eval.start_logging(tmp_path, run_name="c")
    with run._lock:  # a foreign payload under our tag, as another writer could leave
        junk = common.string_tensor(np.array([b"junk"], dtype=object))
        run._emit_own(binned_summary.tag("bad"), 0, junk, lambda: binned_summary.metadata("binary"))
    run.complete()
    client = plugin_client(tmp_path)
    for route in ("/evaluation", "/evaluation/thresholds", "/evaluation/trend"):
        response = client.get(_url(route, run="c", name="bad"))
        assert 400 <= response.status_code < 500, (route, response.status_code)
        assert "cannot decode" in json.loads(response.data)["error"]


# ---------------------------------------------------------------------------- torch.distributed


def _launch(tmp_path, scenario):
    pytest.importorskip("torch.distributed")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GLOO_SOCKET_IFNAME": "lo"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), scenario, str(rank), "2", str(tmp_path / "init")]
            + [str(tmp_path / "logs")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for rank in range(2)
    ]
    out = []
    try:
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=180)
            assert proc.returncode == 0, stderr[-3000:]
            out.append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return out


@pytest.mark.parametrize("scenario", ["uneven", "idle", "predictions"])
def test_two_ranks_log_the_exact_merge(tmp_path, scenario):
    sys.path.insert(0, str(Path(__file__).parent))
    import summary_worker

    y, s = summary_worker.data()
    ranks = _launch(tmp_path, scenario)
    assert [r["logged_n"] for r in ranks] == [summary_worker.N] * 2
    assert ranks[0]["own"] + ranks[1]["own"] == summary_worker.N
    stored = read_run(tmp_path / "logs" / "job").blobs[binned_summary.KIND]["val"]
    assert [step for step, _ in stored] == [2]  # one summary, written once
    logged = binned_summary.decode(stored[0][1], BinnedSummary.from_arrays)
    whole = BinnedSummary.from_predictions(y, s)
    assert np.array_equal(logged.counts, whole.counts)
    assert np.array_equal(logged.score_range, whole.score_range)
    assert abs(logged.metrics()["roc_auc"] - skm.roc_auc_score(y, s)) <= 1e-4
    if scenario == "predictions":  # log_predictions(summary="binned") merges the ranks too
        stored = read_run(tmp_path / "logs" / "job").blobs[binned_summary.KIND]["preds"]
        merged = binned_summary.decode(stored[0][1], BinnedSummary.from_arrays)
        assert np.array_equal(merged.counts, whole.counts)
    assert not (tmp_path / "logs" / "rank1").exists()


def test_two_ranks_that_disagree_get_a_clear_error(tmp_path):
    ranks = _launch(tmp_path, "disagree")
    for r in ranks:
        assert r["error"].startswith("name: the ranks disagree"), r


def test_multilabel_and_weighted_summaries(tmp_path):
    """Per-label confusion matrices at 0.5 (exact with the default bins) and weighted
    summaries, served through the plugin against scikit-learn."""
    rng = np.random.default_rng(4)
    truth = (rng.random((20_000, 3)) < 0.4).astype(int)
    scores = np.clip(0.3 * truth + rng.random(truth.shape) * 0.7, 0.0, 1.0)
    y, s = DATA["real"]
    w = rng.random(y.size)
    run = tb_eval.start_logging(tmp_path, run_name="w")
    acc = run.evaluation_accumulator("ml", task="multilabel", labels=["r", "g", "b"])
    acc.update(truth, scores)
    acc.log(0)
    acc = run.evaluation_accumulator("weighted", labels=[0, 1])
    acc.update(y, s, sample_weight=w)
    acc.log(0)
    run.complete()
    client = plugin_client(tmp_path)
    doc = json.loads(client.get(_url("/evaluation", run="w", name="ml")).data)
    for j, label in enumerate(["r", "g", "b"]):
        cm = skm.confusion_matrix(truth[:, j], scores[:, j] >= 0.5)
        assert doc["curves"]["confusion_matrix"][label]["matrix"] == cm.tolist()
        auc = skm.roc_auc_score(truth[:, j], scores[:, j])
        assert abs(doc["metrics"][f"roc_auc/{label}"] - auc) <= 1e-4
        f1 = skm.f1_score(truth[:, j], scores[:, j] >= 0.5)
        assert doc["metrics"][f"f1/{label}"] == pytest.approx(f1, rel=1e-12)
    assert "accuracy" in doc["summary"]["unavailable"]
    doc = json.loads(client.get(_url("/evaluation", run="w", name="weighted")).data)
    m = doc["metrics"]
    assert abs(m["roc_auc"] - skm.roc_auc_score(y, s, sample_weight=w)) <= 1e-4
    assert abs(m["average_precision"] - skm.average_precision_score(y, s, sample_weight=w)) <= 1e-4
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, s >= 0.5, sample_weight=w))
