"""Binned summaries of large prediction sets against scikit-learn on the raw data: AUC and AP
accuracy and their error bounds, exact merging, the accumulator, and Azure ML's accuracy
table (both directions)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn import metrics as M

from tb_eval.evaluation import BinnedSummary, EvaluationAccumulator

N = 1_000_000


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _distribution(name: str, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    if name == "beta-separated":
        s = np.where(y == 1, rng.beta(5, 2, n), rng.beta(2, 5, n))
    elif name == "beta-overlapping":
        s = np.where(y == 1, rng.beta(2.2, 2, n), rng.beta(2, 2.2, n))
    elif name == "ties":
        s = np.round(np.where(y == 1, rng.beta(3, 2, n), rng.beta(2, 3, n)), 2)
    elif name == "near-0-and-1":
        s = _sigmoid(np.where(y == 1, 9.0, -9.0) + rng.normal(0, 6, n))
    elif name == "logits":
        s = _sigmoid(1.2 * (2 * y - 1) + rng.normal(0, 1.5, n))
    else:  # rare positives
        y = (rng.random(n) < 0.02).astype(int)
        s = _sigmoid(2.0 * (2 * y - 1) + rng.normal(0, 2, n))
    return y, s


DISTRIBUTIONS = ["beta-separated", "beta-overlapping", "ties", "near-0-and-1", "logits", "rare"]


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_auc_and_ap_within_1e4_of_sklearn_and_within_the_bound(name):
    y, s = _distribution(name, N)
    summary = BinnedSummary.from_predictions(y, s)
    got, bound = summary.metrics(), summary.error_bounds()
    for metric, exact in (
        ("roc_auc", M.roc_auc_score(y, s)),
        ("average_precision", M.average_precision_score(y, s)),
    ):
        error = abs(got[metric] - exact)
        assert error <= 1e-4, (metric, error)
        assert error <= bound[metric] + 1e-12, (metric, error, bound[metric])


def test_a_tied_bin_is_exact():
    y, s = _distribution("ties", 100_000)
    summary = BinnedSummary.from_predictions(y, s)
    assert summary.error_bounds() == {"roc_auc": 0.0, "average_precision": 0.0}
    assert summary.metrics()["average_precision"] == pytest.approx(
        M.average_precision_score(y, s), abs=1e-12
    )
    # Every curve point is an exact ROC point of the raw data.
    c = summary.binary_counts()
    fpr, tpr, thr = M.roc_curve(y, s)
    np.testing.assert_allclose(np.concatenate([[0.0], c.fps / c.neg]), fpr, atol=1e-15)
    np.testing.assert_allclose(np.concatenate([[0.0], c.tps / c.pos]), tpr, atol=1e-15)


def test_multiclass_one_vs_rest_matches_sklearn():
    rng = np.random.default_rng(4)
    n, classes = 200_000, 4
    y = rng.integers(0, classes, n)
    logits = rng.normal(0, 1.5, (n, classes))
    logits[np.arange(n), y] += 1.5
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    m = BinnedSummary.from_predictions(y, p).metrics()
    for j in range(classes):
        assert abs(m[f"roc_auc/{j}"] - M.roc_auc_score(y == j, p[:, j])) <= 1e-4
        assert abs(m[f"average_precision/{j}"] - M.average_precision_score(y == j, p[:, j])) <= 1e-4
    onehot = np.eye(classes)[y]
    assert abs(m["roc_auc_macro"] - M.roc_auc_score(y, p, multi_class="ovr")) <= 1e-4
    assert (
        abs(m["average_precision_micro"] - M.average_precision_score(onehot, p, average="micro"))
        <= 1e-4
    )


def test_merging_chunks_equals_one_summary_exactly():
    y, s = _distribution("logits", 300_000, seed=2)
    whole = BinnedSummary.from_predictions(y, s)
    merged = None
    for i in range(0, y.size, 70_000):
        part = BinnedSummary.from_predictions(y[i : i + 70_000], s[i : i + 70_000])
        merged = part if merged is None else merged + part
    np.testing.assert_array_equal(merged.counts, whole.counts)
    np.testing.assert_array_equal(merged.score_range, whole.score_range)
    assert merged.metrics() == whole.metrics()
    assert merged.error_bounds() == whole.error_bounds()
    meta, arrays = merged.to_arrays()
    back = BinnedSummary.from_arrays(json.loads(json.dumps(meta)), arrays)
    assert back.metrics() == whole.metrics()
    other_bits = BinnedSummary.from_predictions(y[:10], s[:10], mantissa_bits=5)
    with pytest.raises(ValueError, match="other"):
        whole + other_bits


def test_accumulator_equals_one_summary_and_keeps_memory_fixed():
    rng = np.random.default_rng(7)
    acc = EvaluationAccumulator(task="multiclass", labels=["a", "b", "c"])
    ys, ps = [], []
    for batch in range(12):
        n = 5_000
        y = rng.integers(0, 2 if batch == 0 else 3, n)  # the first batch lacks class "c"
        p = rng.dirichlet(np.ones(3), n)
        acc.update(np.array(["a", "b", "c"])[y], p)
        ys.append(y)
        ps.append(p)
        if batch == 0:
            shape = acc.counts.shape
        assert acc.counts.shape == shape  # memory independent of n
    whole = BinnedSummary.from_predictions(
        np.array(["a", "b", "c"])[np.concatenate(ys)], np.concatenate(ps), labels=["a", "b", "c"]
    )
    np.testing.assert_array_equal(acc.summary().counts, whole.counts)
    assert acc.result == whole.metrics()
    assert acc.n_samples == 60_000 and acc.batches == 12
    y, p = np.concatenate(ys), np.concatenate(ps)
    for j, label in enumerate("abc"):
        assert abs(acc.result[f"roc_auc/{label}"] - M.roc_auc_score(y == j, p[:, j])) <= 1e-4
    # Two workers' accumulators merge into the same summary.
    left, right = EvaluationAccumulator(labels=[0, 1]), EvaluationAccumulator(labels=[0, 1])
    yb = (rng.random(20_000) < 0.4).astype(int)
    sb = rng.random(20_000)
    left.update(yb[:8_000], sb[:8_000])
    right.update(yb[8_000:], sb[8_000:])
    left.merge(right)
    np.testing.assert_array_equal(left.counts, BinnedSummary.from_predictions(yb, sb).counts)
    left.reset()
    assert left.summary() is None and left.result == {}


def test_accumulator_bad_input():
    with pytest.raises(ValueError, match="task"):
        EvaluationAccumulator(task="regression")
    acc = EvaluationAccumulator()
    acc.update([0, 1], [0.3, 0.8])
    with pytest.raises(ValueError, match="y_score"):
        acc.update([0, 1], [0.3, 1.8])
    acc.update([], [])
    assert acc.n_samples == 2


def _raw_accuracy_table(y, scores, labels, thresholds):
    """Azure's tables computed from the raw data with scikit-learn (the oracle)."""
    tables = []
    for j in range(len(labels)):
        rows = []
        for t in thresholds:
            pred = (scores[:, j] >= t).astype(int)
            tn, fp, fn, tp = M.confusion_matrix(y == j, pred, labels=[0, 1]).ravel()
            rows.append([int(tp), int(fp), int(tn), int(fn)])
        tables.append(rows)
    return tables


def test_accuracy_table_from_a_summary_matches_the_raw_counts():
    y, s = _distribution("logits", 200_000, seed=3)
    summary = BinnedSummary.from_predictions(y, s)
    table = summary.to_accuracy_table()
    data = table["data"]
    json.dumps(table)  # JSON-serialisable
    assert table["schema_type"] == "accuracy_table"
    assert data["class_labels"] == ["0", "1"]
    thresholds = np.asarray(data["probability_thresholds"])
    np.testing.assert_allclose(thresholds, np.linspace(0, 1, 101))
    exact = _raw_accuracy_table(y, np.stack([1 - s, s], axis=1), [0, 1], thresholds)
    got = np.asarray(data["probability_tables"])
    # Within the samples of the bin each threshold falls in (here < 0.1 % of them).
    assert np.abs(got - np.asarray(exact)).max() <= 0.001 * y.size
    assert (got.sum(axis=2) == y.size).all()
    # Percentile table: the q-th threshold leaves a share q of the class's scores below it.
    percentile = np.asarray(data["percentile_tables"])[1]
    predicted_negative = (percentile[:, 2] + percentile[:, 3]) / y.size
    np.testing.assert_allclose(predicted_negative, data["percentile_thresholds"], atol=2e-3)


def test_accuracy_table_to_a_summary_and_back():
    rng = np.random.default_rng(9)
    n, labels = 20_000, ["cat", "dog", "eel"]
    y = rng.integers(0, 3, n)
    p = rng.dirichlet(np.ones(3), n)
    p[np.arange(n), y] += 0.3
    p /= p.sum(axis=1, keepdims=True)
    thresholds = np.linspace(0, 1, 21)
    tables = _raw_accuracy_table(y, p, labels, thresholds)
    value = {
        "schema_type": "accuracy_table",
        "schema_version": "1.0.1",
        "data": {
            "probability_tables": tables,
            "percentile_tables": tables,
            "probability_thresholds": thresholds.tolist(),
            "percentile_thresholds": thresholds.tolist(),
            "class_labels": labels,
        },
    }
    summary = BinnedSummary.from_accuracy_table(json.dumps(value))
    assert summary.task == "multiclass" and summary.labels == labels
    back = summary.to_accuracy_table(num_points=21)["data"]
    assert back["probability_tables"] == tables
    # The summary's AUC is the trapezoid through the table's ROC points.
    for j, label in enumerate(labels):
        t = np.asarray(tables[j], dtype=float)
        tpr, fpr = t[:, 0] / (t[0, 0] + t[0, 3]), t[:, 1] / (t[0, 1] + t[0, 2])
        expected = M.auc(np.append(fpr, 0.0), np.append(tpr, 0.0))
        assert summary.metrics()[f"roc_auc/{label}"] == pytest.approx(expected, rel=1e-12)
        error = abs(summary.metrics()[f"roc_auc/{label}"] - M.roc_auc_score(y == j, p[:, j]))
        assert error <= summary.error_bounds()[f"roc_auc/{label}"]
    # Binary: two classes, the second positive.
    yb = (rng.random(n) < 0.3).astype(int)
    sb = np.clip(rng.normal(0.35 + 0.3 * yb, 0.2), 0, 1)
    binary = _raw_accuracy_table(yb, np.stack([1 - sb, sb], axis=1), [0, 1], thresholds)
    value["data"].update(probability_tables=binary, class_labels=["no", "yes"])
    summary = BinnedSummary.from_accuracy_table(value)
    assert summary.task == "binary" and summary.keys() == ["yes"]
    again = summary.to_accuracy_table(num_points=21)["data"]["probability_tables"]
    assert again[1] == binary[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.update(schema_type="confusion_matrix"), "schema_type"),
        (lambda v: v["data"].pop("class_labels"), "class_labels"),
        (lambda v: v["data"].update(probability_thresholds=[0.5, 0.2]), "increase"),
        (lambda v: v["data"].update(probability_tables=[[[1, 0, 0, 0]]]), "shape"),
        (lambda v: v["data"]["probability_tables"][0][1].__setitem__(0, 9), "TP"),
    ],
)
def test_accuracy_table_bad_input(change, message):
    value = {
        "schema_type": "accuracy_table",
        "data": {
            "probability_tables": [[[2, 2, 0, 0], [1, 0, 2, 1]], [[2, 2, 0, 0], [1, 1, 1, 1]]],
            "probability_thresholds": [0.0, 0.5],
            "class_labels": ["a", "b"],
        },
    }
    BinnedSummary.from_accuracy_table(json.loads(json.dumps(value)))
    change(value)
    with pytest.raises(ValueError, match=message):
        BinnedSummary.from_accuracy_table(value)
    with pytest.raises(ValueError, match="value"):
        BinnedSummary.from_accuracy_table("{not json")
    with pytest.raises(ValueError, match="num_points"):
        BinnedSummary.from_predictions([0, 1], [0.2, 0.9]).to_accuracy_table(num_points=1)
