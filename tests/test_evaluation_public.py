"""The engine's public numerics (``tb_eval.evaluation.__all__``) against scikit-learn."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as M

import tb_eval.evaluation as E

ROOT = Path(__file__).resolve().parents[1]


def _problems():
    rng = np.random.default_rng(11)
    for n, levels, weighted in ((500, None, False), (800, 7, False), (600, 20, True)):
        y = rng.integers(0, 2, n)
        s = np.clip(rng.beta(2, 4, n) + 0.25 * y, 0, 1)
        if levels:
            s = np.round(s * levels) / levels  # many ties
        w = rng.random(n) * 3 if weighted else None
        yield y, s, w


@pytest.mark.parametrize("problem", list(_problems()), ids=["plain", "ties", "weighted"])
def test_areas_match_sklearn(problem):
    y, s, w = problem
    c = E.binary_counts(y == 1, s, w)
    np.testing.assert_allclose(E.roc_auc(c), M.roc_auc_score(y, s, sample_weight=w), rtol=1e-12)
    np.testing.assert_allclose(
        E.average_precision(c), M.average_precision_score(y, s, sample_weight=w), rtol=1e-12
    )
    fpr, tpr, thr = M.roc_curve(y, s, sample_weight=w, drop_intermediate=False)
    ks, at = E.ks_statistic(c)
    gap = np.abs(tpr - fpr)
    np.testing.assert_allclose(ks, gap.max(), rtol=1e-12)
    assert at == thr[int(np.argmax(gap))]


@pytest.mark.parametrize("problem", list(_problems()), ids=["plain", "ties", "weighted"])
def test_threshold_table_matches_sklearn(problem):
    y, s, w = problem
    table = E.threshold_table(y, s, w)
    assert list(table)[: len(E.THRESHOLD_COLUMNS)] == list(E.THRESHOLD_COLUMNS)
    np.testing.assert_array_equal(table["threshold"], np.unique(s)[::-1])
    for i in range(0, table["threshold"].size, 5):
        t = table["threshold"][i]
        pred = (s >= t).astype(int)
        tn, fp, fn, tp = M.confusion_matrix(y, pred, sample_weight=w, labels=[0, 1]).ravel()
        got = [table[k][i] for k in ("tn", "fp", "fn", "tp")]
        np.testing.assert_allclose(got, [tn, fp, fn, tp], rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(table["fpr"][i], fp / (fp + tn), rtol=1e-12)
        np.testing.assert_allclose(
            table["mcc"][i], M.matthews_corrcoef(y, pred, sample_weight=w), atol=1e-12
        )
        np.testing.assert_allclose(table["f1"][i], M.f1_score(y, pred, sample_weight=w), rtol=1e-12)
        np.testing.assert_allclose(
            table["accuracy"][i], M.accuracy_score(y, pred, sample_weight=w), rtol=1e-12
        )
    assert table["exact_points"] == np.unique(s[w != 0] if w is not None else s).size
    np.testing.assert_allclose(table["positives"], y.sum() if w is None else w[y == 1].sum())


def test_reduced_threshold_table_keeps_exact_rows_and_the_operating_point():
    y, s, _ = next(_problems())
    full = E.threshold_table(y, s)
    table = E.threshold_table(y, s, max_rows=40)
    assert 16 <= table["threshold"].size <= 40
    rows = np.searchsorted(-full["threshold"], -table["threshold"])
    for column in E.THRESHOLD_COLUMNS:
        np.testing.assert_array_equal(table[column], full[column][rows])
    assert full["threshold"][full["threshold"] >= 0.5].min() in table["threshold"]


def test_one_vs_rest():
    p = E.prepare(
        [0, 2, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]]
    )
    positive, score = E.one_vs_rest(p, 2)
    assert positive.tolist() == [False, True, False, True]
    assert score.tolist() == [0.1, 0.6, 0.3, 0.4]
    with pytest.raises(ValueError, match="index"):
        E.one_vs_rest(p, 3)


@pytest.mark.parametrize("how", E.NORMALIZATIONS)
def test_normalize_confusion_matches_sklearn(how):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 4, 300)
    pred = np.where(rng.random(300) < 0.6, y, rng.integers(0, 3, 300))  # class 3 never predicted
    y[y == 2] = 1  # class 2 never true
    counts = M.confusion_matrix(y, pred, labels=[0, 1, 2, 3])
    expected = M.confusion_matrix(y, pred, labels=[0, 1, 2, 3], normalize=how)
    np.testing.assert_allclose(E.normalize_confusion(counts, how), expected, rtol=1e-15)
    assert E.normalize_confusion(np.zeros((2, 2)), how).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match="normalize"):
        E.normalize_confusion(counts, "rows")


def test_round_significant_equals_decimal_formatting():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(200), rng.random(50) * 1e-7, rng.normal(size=50) * 1e9])
    for digits in (1, 4, 6):
        expected = [float(f"{v:.{digits}g}") for v in values]
        np.testing.assert_array_equal(E.round_significant(values, digits), expected)
    kept = np.array([3.0, np.inf, -np.inf, np.nan, 1e-310])
    np.testing.assert_array_equal(E.round_significant(kept), kept)


def test_round_curves_only_the_kinds_asked():
    curves = {"roc": {"1": {"fpr": np.array([1 / 3])}}, "other": {"x": np.array([1 / 3])}}
    E.round_curves(curves, 3, kinds={"roc"})
    assert curves["roc"]["1"]["fpr"].tolist() == [0.333]
    assert curves["other"]["x"].tolist() == [1 / 3]


def test_public_functions_have_numpydoc_and_runnable_examples():
    for name in E.__all__:
        obj = getattr(E, name)
        if callable(obj) and not isinstance(obj, type) or name in ("BinaryCounts",):
            doc = obj.__doc__ or ""
            for section in ("Parameters", "Returns", "Examples"):
                if name == "BinaryCounts" and section == "Returns":
                    continue
                assert section in doc, f"{name}: no {section} section"
    failures = 0
    for info in pkgutil.iter_modules(E.__path__):
        module = importlib.import_module(f"tb_eval.evaluation.{info.name}")
        failures += doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed
    assert failures == 0


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level, [a.name for a in node.names]


def test_plugin_and_report_use_only_the_public_engine():
    """The plugin and the HTML report import only ``tb_eval.evaluation.__all__``; no module
    imports another's ``_private`` engine name."""
    for path in [*(ROOT / "tb_plugin").rglob("*.py"), ROOT / "tb_eval" / "html_report.py"]:
        for module, _, names in _imports(path):
            if module.startswith("tb_eval.evaluation"):
                assert module == "tb_eval.evaluation", f"{path}: imports {module}"
                assert set(names) <= set(E.__all__), f"{path}: {names}"
    for path in (ROOT / "tb_eval" / "evaluation").glob("*.py"):
        for module, level, names in _imports(path):
            if level or module.startswith("tb_eval.evaluation"):
                private = [n for n in names if n.startswith("_") and n != "__future__"]
                assert not private, f"{path}: imports private {private} from {module}"
