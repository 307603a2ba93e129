"""End-to-end: the evaluation dashboards (Classification, Regression, Feature importance,
Compare runs, Runs) in a real TensorBoard, in headless Chromium.

The logdir (tests/e2e/evaldata.py) holds binary, 10-class, multilabel and regression
predictions logged with ``run.log_predictions`` at several steps, a feature importance, an
uploaded file, a three-run sweep and a 20,000-prediction regression. Every test ends with no
uncaught error, no CSP violation and no console error (the ``view`` fixture checks).
Screenshots go to /tmp; the documentation's go to docs/images/ (``doc_shot``).
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.e2e.evaldata import BIG_N, XSS, ready, write_eval_logdir
from tests.e2e.screenshots import doc_shot
from tests.e2e.test_tables_view import View, browser, checked_view, hash_for  # noqa: F401 - fixture
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def served(request, tmp_path_factory) -> Iterator[TensorBoardServer]:
    logdir = tmp_path_factory.mktemp("e2e_eval_logdir")
    write_eval_logdir(logdir)
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        tb.wait_for(lambda: ready(tb.get_json), timeout=90)
        yield tb


@pytest.fixture
def view(served, browser) -> Iterator[View]:  # noqa: F811 - the imported fixture
    with checked_view(browser, served) as opened:
        yield opened


def route(tb: TensorBoardServer, path: str, **params) -> dict:
    pairs = [
        (k, str(v))
        for k, value in params.items()
        for v in (value if isinstance(value, list) else [value])
    ]
    return tb.get_json(f"{PREFIX}/{path}?{urllib.parse.urlencode(pairs)}")


def shot(view: View, name: str) -> None:
    """A full-height screenshot of the plugin (the main area scrolls inside the iframe)."""
    frame = view.frame
    height = frame.evaluate("document.querySelector('.tbe-main').scrollHeight")
    view.page.set_viewport_size({"width": 1280, "height": min(6000, height + 140)})
    view.page.wait_for_timeout(400)
    mode = "fast" if view.tb.load_fast else "slow"
    view.page.screenshot(path=f"/tmp/tb_eval_e2e_{name}_{mode}.png")
    view.page.set_viewport_size({"width": 1280, "height": 800})


def wait_charts(view: View, *testids: str) -> None:
    for testid in testids:
        view.ui.locator(f'[data-testid="{testid}"] canvas').first.wait_for(timeout=20_000)


def card(view: View, label: str) -> str:
    return view.ui.locator(
        f'[data-testid="summary-cards"] [data-metric="{label}"] .tbe-card-value'
    ).inner_text()


def matrix(view: View) -> dict[str, str]:
    cells = {}
    for name in ("TN", "FP", "FN", "TP"):
        cells[name] = view.ui.locator(
            f'[data-testid="threshold-matrix"] [data-cell="{name}"] .tbe-cm2-count'
        ).inner_text()
    return cells


def set_range(view: View, selector: str, value: float) -> None:
    view.ui.locator(selector).evaluate(
        "(el, v) => { el.value = String(v);"
        " el.dispatchEvent(new Event('input', {bubbles: true})) }",
        value,
    )


def chart_option(view: View, testid: str) -> dict:
    """The live ECharts option of a chart (through the host element's test hook)."""
    return view.ui.locator(f'[data-testid="{testid}"] .tbe-chart-canvas').evaluate(
        "el => JSON.parse(JSON.stringify(el.__tbeChart.getOption(),"
        " (k, v) => typeof v === 'function' ? undefined : v))"
    )


def download_text(view: View, testid: str, button: str = "CSV") -> tuple[str, str]:
    with view.page.expect_download() as info:
        view.ui.locator(f'[data-testid="{testid}"] button:text-is("{button}")').first.click()
    download = info.value
    with open(download.path(), encoding="utf-8") as f:
        return download.suggested_filename, f.read()


def expected_row(table: dict, t: float) -> int:
    row = -1
    for i, v in enumerate(table["thresholds"]):
        if (float("inf") if v is None else v) >= t:
            row = i
    return row


# ---------------------------------------------------------------------------- classification


def test_binary_threshold_slider_moves_the_operating_point(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["bin"]))
    wait_charts(view, "chart-roc", "chart-precision_recall", "confusion", "chart-calibration")
    report = route(tb, "evaluation", run="bin", name="val")
    assert card(view, "ROC AUC") == f"{report['metrics']['roc_auc']:.4f}"
    assert card(view, "ECE") == f"{report['metrics']['ece']:.4f}"
    table = route(tb, "evaluation/thresholds", run="bin", name="val", points=1000)
    view.ui.locator('[data-testid="threshold-matrix"]').wait_for()
    marker = view.ui.locator('[data-testid="chart-roc"] [data-marker="op"]')
    marker.wait_for(state="attached")
    before = marker.evaluate("el => el.style.transform")
    for t in (0.9, 0.2):
        set_range(view, 'input[aria-label="Threshold"]', t)
        row = expected_row(table, t)
        view.page.wait_for_timeout(50)
        assert matrix(view) == {
            "TN": str(int(table["tn"][row])),
            "FP": str(int(table["fp"][row])),
            "FN": str(int(table["fn"][row])),
            "TP": str(int(table["tp"][row])),
        }
        precision = view.ui.locator(
            '[data-testid="threshold-cards"] [data-metric="Precision"] .tbe-card-value'
        )
        assert precision.inner_text() == f"{table['precision'][row]:.4f}"
        mcc = view.ui.locator('[data-testid="threshold-cards"] [data-metric="MCC"] .tbe-card-value')
        assert mcc.inner_text() == f"{table['mcc'][row]:.4f}"
    after = marker.evaluate("el => el.style.transform")
    assert before != after
    # the marker is an overlay: moving it never re-set the chart's option
    assert view.ui.locator('[data-testid="chart-precision_recall"] [data-marker="op"]').count() == 1
    # notable thresholds: best F1 and a cost optimum that follows the costs
    best = max(range(len(table["f1"])), key=lambda i: (table["f1"][i] or 0, -i))
    view.ui.locator('[data-jump="f1"]').click()
    assert matrix(view)["TP"] == str(int(table["tp"][best]))
    view.ui.locator('input[aria-label="False negative cost"]').fill("20")
    view.ui.locator('input[aria-label="False negative cost"]').press("Enter")
    costs = [table["fp"][i] + 20 * table["fn"][i] for i in range(len(table["tp"]))]
    cheapest = costs.index(min(costs))
    view.ui.locator('[data-jump="cost"]').click()
    assert matrix(view)["FN"] == str(int(table["fn"][cheapest]))
    shot(view, "classification_binary")
    doc_shot(view, "classification")
    # the exports carry the overlay markers (export-only scatter series), PNG and SVG
    for testid in ("chart-roc", "chart-precision_recall"):
        _, svg = download_text(view, testid, "SVG")
        for label in ("operating point (t=", "best F1 (t=", "Youden", "min cost (t="):
            assert label in svg, (testid, label)
    with view.page.expect_download() as info:
        view.ui.locator('[data-testid="chart-roc"] button:text-is("PNG")').click()
    mode = "fast" if tb.load_fast else "slow"
    info.value.save_as(f"/tmp/tb_eval_e2e_roc_export_{mode}.png")
    with open(f"/tmp/tb_eval_e2e_roc_export_{mode}.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    # the live chart's option never got the marker series
    names = [x["name"] for x in chart_option(view, "chart-roc")["series"]]
    assert not any("operating point" in n for n in names)


def test_binned_summary_draws_its_roc_and_shows_the_bound(view: View) -> None:
    """A summary logged with run.evaluation_accumulator: badge, ROC drawn from the route's
    points, the error bound shown, the cards a summary cannot give left out."""
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["acc"]))
    wait_charts(view, "chart-roc", "chart-precision_recall", "chart-calibration")
    report = route(tb, "evaluation", run="acc", name="val")
    assert report["source"] == "summary"
    assert view.ui.locator('[data-testid="summary-badge"]').inner_text() == "binned summary"
    bound = report["summary"]["error_bounds"]
    text = view.ui.locator('[data-testid="summary-bound"]').inner_text()
    assert text.startswith(f"ROC AUC ± {bound['roc_auc']:.1e}".replace("e-0", "e-"))
    assert card(view, "ROC AUC") == f"{report['metrics']['roc_auc']:.4f}"
    assert view.ui.locator('[data-testid="summary-cards"] [data-metric="Log loss"]').count() == 0
    unavailable = view.ui.locator('[data-testid="summary-note"] [data-unavailable]')
    assert sorted(unavailable.evaluate_all("els => els.map(e => e.dataset.unavailable)")) == sorted(
        report["summary"]["unavailable"]
    )
    # the ROC chart draws exactly the route's points
    option = chart_option(view, "chart-roc")
    roc = report["curves"]["roc"]["yes"]
    drawn = [s for s in option["series"] if s.get("name") == "yes"]
    assert drawn, [s.get("name") for s in option["series"]]
    xs = [point[0] for point in drawn[0]["data"]]
    assert xs == roc["fpr"]
    view.ui.locator('[data-testid="threshold-matrix"]').wait_for()
    shot(view, "classification_summary")


def test_multiclass_confusion_legend_and_text_only_labels(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["mc"]))
    wait_charts(view, "confusion", "chart-roc", "chart-det", "chart-ks", "chart-lift")
    report = route(tb, "evaluation", run="mc", name="val")
    cm = report["curves"]["confusion_matrix"]
    # top confusions: the largest off-diagonal cell first; a click shows count and share
    top = view.ui.locator('[data-testid="top-confusions"] li').first
    pairs = [(cm["matrix"][i][j], i, j) for i in range(10) for j in range(10) if i != j]
    count, i, j = max(pairs, key=lambda p: (p[0], -p[1], -p[2]))
    assert top.inner_text().startswith(f"{cm['labels'][i]} → {cm['labels'][j]}")
    top.locator("button").click()
    detail = view.ui.locator('[data-testid="cell-detail"]').inner_text()
    assert f"{int(count)} samples" in detail
    assert f"{100 * cm['normalized_true'][i][j]:.1f}% of true" in detail
    # a real click on a heatmap cell (the first cell: true ant -> predicted ant)
    canvas = view.ui.locator('[data-testid="confusion"] .tbe-chart-canvas')
    pixel = canvas.evaluate(
        "el => el.__tbeChart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0, 0])"
    )
    canvas.click(position={"x": pixel[0], "y": pixel[1]})
    view.page.wait_for_timeout(100)
    assert (
        view.ui.locator('[data-testid="cell-detail"]')
        .inner_text()
        .startswith(f"true “ant” → predicted “ant”: {int(cm['matrix'][0][0])} samples")
    )
    # the injection label is text everywhere, and nothing ran
    assert XSS in view.ui.locator('[data-testid="class-report"]').inner_text()
    assert view.ui.locator("main img").count() == 0
    assert view.frame.evaluate("window.__xss") is None
    # legend toggles are shared between the charts: hide micro in ROC, PR follows
    roc = chart_option(view, "chart-roc")
    assert roc["legend"][0]["selected"]["micro"] is True
    view.ui.locator('[data-testid="chart-roc"] .tbe-chart-canvas').evaluate(
        "el => el.__tbeChart.dispatchAction({type: 'legendUnSelect', name: 'micro'})"
    )
    view.page.wait_for_timeout(200)
    assert chart_option(view, "chart-precision_recall")["legend"][0]["selected"]["micro"] is False
    assert "cls_hidden" in urllib.parse.unquote(view.page.evaluate("location.hash"))
    # class picker: the slider's class against the rest follows
    view.ui.locator('select[aria-label="Class against the rest"]').select_option("cat")
    table = route(
        tb, "evaluation/thresholds", run="mc", name="val", points=1000, **{"class": "cat"}
    )
    row = expected_row(table, 0.5)
    view.ui.locator(
        '[data-testid="threshold-matrix"] [data-cell="TP"]'
        f' .tbe-cm2-count:text-is("{int(table["tp"][row])}")'
    ).wait_for()
    assert matrix(view)["FN"] == str(int(table["fn"][row]))
    # normalisation of the heatmap
    view.ui.locator('select[aria-label="Normalisation"]').select_option("true")
    shot(view, "classification_multiclass")
    doc_shot(view, "classification-multiclass")


def test_multilabel_and_step_slider(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["ml"]))
    wait_charts(view, "chart-roc", "confusion")
    options = view.ui.locator(
        'select[aria-label="Class against the rest"] option'
    ).all_inner_texts()
    assert options == ["red", "green", "blue", "gold"]
    assert "label “red” at 0.5" in view.ui.locator('[data-testid="confusion"] h3').inner_text()
    # step slider with the keyboard: step 1 -> step 0
    newest = route(tb, "evaluation", run="ml", name="val")
    assert newest["step"] == 1
    slider = view.ui.locator('input[aria-label="Step"]')
    slider.focus()
    slider.press("ArrowLeft")
    old = route(tb, "evaluation", run="ml", name="val", step=0)
    view.ui.locator('.tbe-subtitle:has-text("step 0")').first.wait_for()
    assert card(view, "Subset accuracy") == f"{old['metrics']['accuracy']:.4f}"
    assert view.ui.locator('[data-testid="step-value"]').inner_text() == "0"
    # the trend chart shows the trend route's metrics, with the shown step marked
    trend = route(tb, "evaluation/trend", run="ml", name="val")
    option = chart_option(view, "trend")
    first = option["series"][0]
    assert [p[1] for p in first["data"]] == trend["metrics"][first["name"]]
    assert first["markLine"]["data"][0]["xAxis"] == 0


def test_roc_csv_export_equals_the_route(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["mc"]))
    wait_charts(view, "chart-roc")
    name, text = download_text(view, "chart-roc")
    assert name == "mc-val-step2-roc.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    curves = route(tb, "evaluation", run="mc", name="val")["curves"]["roc"]
    by_key: dict[str, list[dict]] = {}
    for row in rows:
        by_key.setdefault(row["class"], []).append(row)
    assert list(by_key) == list(curves)
    for key, curve in curves.items():
        got = by_key[key]
        assert [float(r["fpr"]) for r in got] == curve["fpr"]
        assert [float(r["tpr"]) for r in got] == curve["tpr"]
        if "thresholds" in curve:
            assert [
                None if r["thresholds"] == "" else float(r["thresholds"]) for r in got
            ] == curve["thresholds"]
    # PNG and SVG exports download images
    with view.page.expect_download() as info:
        view.ui.locator('[data-testid="chart-roc"] button:text-is("PNG")').click()
    assert info.value.suggested_filename == "mc-val-step2-roc.png"
    with open(info.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    svg_name, svg = download_text(view, "chart-roc", "SVG")
    assert svg_name.endswith(".svg") and svg.startswith("<svg") and "AUC" in svg


# ---------------------------------------------------------------------------- other dashboards


def test_regression_dashboard(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="regression", runs=["reg"]))
    wait_charts(
        view,
        "chart-predicted_vs_true",
        "chart-residual_histogram",
        "chart-residuals_vs_predicted",
        "trend",
    )
    report = route(tb, "evaluation", run="reg", name="val")
    assert card(view, "R²") == f"{report['metrics']['r2']:.4f}"
    assert card(view, "RMSE") == f"{report['metrics']['root_mean_squared_error']:.4f}"
    _, text = download_text(view, "chart-predicted_vs_true")
    rows = list(csv.DictReader(io.StringIO(text)))
    pvt = report["curves"]["predicted_vs_true"]
    assert [float(r["predicted_mean"]) for r in rows] == pvt["predicted_mean"]
    assert [float(r["count"]) for r in rows] == pvt["count"]
    assert [float(r["bin_lower"]) for r in rows] == pvt["bin_edges"][:-1]
    # 5,000 samples: the binned view by default, the density one toggle away
    toggle = view.ui.locator('[data-testid="pvt-view"]')
    assert toggle.locator('[data-view="binned"]').get_attribute("aria-pressed") == "true"
    shot(view, "regression")
    doc_shot(view, "regression")


def density_total(option: dict) -> float:
    heat = next(x for x in option["series"] if x["type"] == "heatmap")
    return sum(cell[3] for cell in heat["data"])


def test_regression_density_view_for_large_n(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="regression", runs=["reg_big"]))
    wait_charts(view, "chart-predicted_vs_true", "chart-residual_histogram")
    report = route(tb, "evaluation", run="reg_big", name="val")
    assert report["n_samples"] == BIG_N
    density = report["curves"]["predicted_vs_true_density"]
    assert density["x_edges"] == density["y_edges"] and len(density["x_edges"]) == 61
    assert sum(map(sum, density["counts"])) == BIG_N
    # large n: the density view by default, a heatmap on category axes with the ideal diagonal
    toggle = view.ui.locator('[data-testid="pvt-view"]')
    assert toggle.locator('[data-view="density"]').get_attribute("aria-pressed") == "true"
    option = chart_option(view, "chart-predicted_vs_true")
    assert option["xAxis"][0]["type"] == "category" and option["yAxis"][0]["type"] == "category"
    assert density_total(option) == BIG_N
    lo, hi = density["x_edges"][0], density["x_edges"][-1]
    ideal = next(x for x in option["series"] if x["name"] == "ideal")
    assert ideal["data"] == [[lo, lo], [hi, hi]]
    assert option["visualMap"][0]["max"] > 2  # log10(1 + count) of the densest cell
    # CSV: every cell, as the route's counts (row-major)
    name, text = download_text(view, "chart-predicted_vs_true")
    assert name == "reg_big-val-step0-predicted_vs_true_density.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [float(r["count"]) for r in rows] == [c for row in density["counts"] for c in row]
    _, svg = download_text(view, "chart-predicted_vs_true", "SVG")
    assert svg.startswith("<svg") and "ideal" in svg
    with view.page.expect_download() as info:
        view.ui.locator('[data-testid="chart-predicted_vs_true"] button:text-is("PNG")').click()
    with open(info.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    shot(view, "regression_density")
    # the toggle: binned (mean ± std, counts below), then back to the density
    toggle.locator('[data-view="binned"]').click()
    view.page.wait_for_timeout(200)
    assert toggle.locator('[data-view="binned"]').get_attribute("aria-pressed") == "true"
    binned = chart_option(view, "chart-predicted_vs_true")
    assert {x["type"] for x in binned["series"]} == {"line", "bar"}
    means = next(x for x in binned["series"] if x["name"] == "mean predicted")
    assert [p[1] for p in means["data"]] == [
        m for m in report["curves"]["predicted_vs_true"]["predicted_mean"] if m is not None
    ]
    shot(view, "regression_density_binned")
    toggle.locator('[data-view="density"]').click()
    view.page.wait_for_timeout(200)
    assert density_total(chart_option(view, "chart-predicted_vs_true")) == BIG_N


def test_importance_dashboard(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="importance", runs=["bin"]))
    wait_charts(view, "chart-importance")
    data = route(tb, "importance", run="bin", name="gbm")
    option = chart_option(view, "chart-importance")
    assert option["yAxis"][0]["data"][:20] == data["names"][:20]
    assert option["yAxis"][0]["data"][20] == "11 other features (sum)"
    view.ui.locator('select[aria-label="Class"]').select_option("yes")
    view.page.wait_for_timeout(200)
    option = chart_option(view, "chart-importance")
    order = sorted(range(len(data["names"])), key=lambda i: (-abs(data["per_class"]["yes"][i]), i))
    assert option["yAxis"][0]["data"][0] == data["names"][order[0]]
    _, text = download_text(view, "chart-importance")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["feature"] for r in rows] == data["names"]
    assert XSS in [r["feature"] for r in rows]
    assert view.frame.evaluate("window.__xss") is None
    doc_shot(view, "importance")


def test_compare_three_runs(view: View) -> None:
    tb = view.tb
    runs = ["sweep/t0", "sweep/t1", "sweep/t2"]
    view.open(hash_for(dash="compare", runs=runs))
    wait_charts(
        view, "compare-roc", "compare-precision_recall", "compare-calibration", "confusion-diff"
    )
    data = route(tb, "evaluation/compare", run=runs, name="val")
    option = chart_option(view, "compare-roc")
    drawn = [s["name"] for s in option["series"] if s["name"] not in ("chance", "ideal")]
    assert drawn == runs
    table = view.ui.locator('[data-testid="compare-table"] tbody tr')
    assert table.count() == 3
    headers = view.ui.locator('[data-testid="compare-table"] thead .tbe-colname').all_inner_texts()
    auc = headers.index("roc_auc")
    # sort by AUC, descending (two clicks: asc, then desc)
    button = view.ui.locator('[data-testid="compare-table"] thead .tbe-sort').nth(auc)
    button.click()
    button.click()
    first = (
        view.ui.locator('[data-testid="compare-table"] tbody tr')
        .first.locator("td")
        .nth(1)
        .inner_text()
    )
    best = max(data["runs"], key=lambda r: r["metrics"]["roc_auc"])["run"]
    assert first == best
    # the confusion-matrix difference is B − A of the two reports
    a = route(tb, "evaluation", run="sweep/t0", name="val")["curves"]["confusion_matrix"]
    b = route(tb, "evaluation", run="sweep/t1", name="val")["curves"]["confusion_matrix"]
    diff = chart_option(view, "confusion-diff")["series"][0]["data"]
    cell = {(d[1], d[0]): d[2] for d in diff}
    for i in range(2):
        for j in range(2):
            assert (
                abs(cell[(i, j)] - (b["normalized_true"][i][j] - a["normalized_true"][i][j]))
                < 1e-12
            )
    shot(view, "compare")
    doc_shot(view, "compare")


def test_compare_mixed_tasks_overlays_one_task(view: View) -> None:
    # bin and sweep/t0 are binary, mc multiclass: the binary pair is overlaid (task of most
    # runs), mc is named in the notice; the task selector switches to the multiclass run alone
    runs = ["bin", "mc", "sweep/t0"]
    view.open(hash_for(dash="compare", runs=runs))
    wait_charts(view, "compare-roc", "compare-precision_recall")
    notice = view.ui.locator('[data-testid="compare-left-out"]')
    notice.wait_for()
    assert view.ui.locator('select[aria-label="Compared task"]').input_value() == "binary"
    assert "mc (multiclass)" in notice.inner_text()
    assert notice.locator("[data-left-out]").evaluate_all(
        "els => els.map(e => e.dataset.leftOut)"
    ) == ["mc"]

    def drawn(testid: str) -> list[str]:
        option = chart_option(view, testid)
        return [s["name"] for s in option["series"] if s["name"] not in ("chance", "ideal")]

    assert drawn("compare-roc") == ["bin", "sweep/t0"]
    assert drawn("compare-calibration") == ["bin", "sweep/t0"]
    assert view.ui.locator('[data-testid="compare-table"] tbody tr').count() == 2
    shot(view, "compare_mixed")
    view.ui.locator('select[aria-label="Compared task"]').select_option("multiclass")
    view.ui.locator('[data-testid="compare-table"] tbody tr').nth(1).wait_for(state="detached")
    view.page.wait_for_timeout(300)
    assert drawn("compare-roc") == ["mc"]
    left = notice.locator("[data-left-out]").evaluate_all("els => els.map(e => e.dataset.leftOut)")
    assert left == ["bin", "sweep/t0"]
    assert "cmp_task" in urllib.parse.unquote(view.page.evaluate("location.hash"))
    # the average picker appears for a multi-class task
    assert view.ui.locator('select[aria-label="Average"]').count() == 1


def test_runs_view_lists_files_with_download_links(view: View) -> None:
    view.open(hash_for(dash="runs"))
    row = view.ui.locator('[data-testid="runs-table"] tr[data-run="bin"]')
    row.wait_for()
    assert "lr = 0.1" in row.inner_text()
    assert f"owner = {XSS}" in row.inner_text()
    assert "BuildId = 42" in row.inner_text()  # properties have their own column
    with view.page.expect_download() as info:
        row.locator("a", has_text="outputs/notes.txt").click()
    assert info.value.suggested_filename == "notes.txt"
    with open(info.value.path(), encoding="utf-8") as f:
        assert f.read() == "hello from bin\n"
    assert view.frame.evaluate("window.__xss") is None
    doc_shot(view, "runs")


def test_dark_theme_dashboards(served, browser) -> None:  # noqa: F811
    opened = View(browser, served, color_scheme="dark")
    try:
        opened.open(hash_for(dash="classification", runs=["mc"]))
        wait_charts(opened, "chart-roc", "confusion")
        assert "tbe-dark" in opened.ui.locator(".tbe-root").get_attribute("class")
        shot(opened, "classification_dark")
        opened.check_clean()
    finally:
        opened.context.close()


def test_url_state_restores_the_view(view: View) -> None:
    view.open(
        hash_for(
            dash="classification",
            runs=["mc"],
            cls_run="mc",
            cls_name="val",
            cls_step=1,
            cls_class="dog",
            cls_t=0.3,
        )
    )
    wait_charts(view, "chart-roc")
    assert view.ui.locator('select[aria-label="Class against the rest"]').input_value() == "dog"
    assert view.ui.locator('input[aria-label="Threshold value"]').input_value() == "0.300"
    assert view.ui.locator('[data-testid="step-value"]').inner_text() == "1"
    assert json.loads(json.dumps(view.page.evaluate("location.hash"))).count("cls_class=dog") == 1


def test_logged_confusion_matrix_and_keyboard_series_toggle(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="classification", runs=["bin"]))
    wait_charts(view, "chart-roc")
    # keyboard: the series select toggles a legend entry in every chart
    select = view.ui.locator('[data-testid="chart-roc"] select[aria-label="Show or hide a series"]')
    assert select.count() == 0  # binary has one series per chart: nothing to toggle
    view.ui.locator('nav[aria-label="Logged confusion matrices"] button').first.click()
    wait_charts(view, "confusion")
    logged = route(tb, "confusion", run="bin", name="final")
    assert "logged confusion matrix" in view.ui.locator(".tbe-title-row").inner_text()
    _, text = download_text(view, "confusion")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:] == logged["labels"]
    assert [[float(v) for v in r[1:]] for r in rows[1:]] == logged["matrix"]


def test_series_toggle_with_the_keyboard(view: View) -> None:
    view.open(hash_for(dash="classification", runs=["mc"]))
    wait_charts(view, "chart-roc", "chart-precision_recall")
    select = view.ui.locator('[data-testid="chart-roc"] select[aria-label="Show or hide a series"]')
    select.focus()
    select.select_option("macro")
    view.page.wait_for_timeout(200)
    assert chart_option(view, "chart-precision_recall")["legend"][0]["selected"]["macro"] is False
    select.select_option("macro")
    view.page.wait_for_timeout(200)
    assert chart_option(view, "chart-precision_recall")["legend"][0]["selected"]["macro"] is True


# ---------------------------------------------------------------------------- compare: sweeps


def _hex_luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_compare_colour_by_param_and_json_export(view: View) -> None:
    tb = view.tb
    runs = ["sweep/t0", "sweep/t1", "sweep/t2"]
    view.open(hash_for(dash="compare", runs=runs))
    wait_charts(view, "compare-roc", "compare-precision_recall", "compare-calibration")
    data = route(tb, "evaluation/compare", run=runs, name="val")

    def colours(testid: str) -> dict[str, str]:
        option = chart_option(view, testid)
        return {s["name"]: s["color"] for s in option["series"] if s["name"] in runs}

    by_run = colours("compare-roc")
    view.ui.locator('select[aria-label="Colour by"]').select_option("lr")
    key = view.ui.locator('[data-testid="color-key"]')
    key.wait_for()
    view.page.wait_for_timeout(200)
    lrs = {r["run"]: r["params"]["lr"] for r in data["runs"]}
    assert key.locator("[data-key-min]").inner_text() == str(min(lrs.values()))
    assert key.locator("[data-key-max]").inner_text() == str(max(lrs.values()))
    for testid in ("compare-roc", "compare-precision_recall", "compare-calibration"):
        by_lr = colours(testid)
        assert by_lr != by_run
        # the sequential scale gets lighter with the value: colour order = lr order
        order = sorted(runs, key=lambda r: lrs[r])
        lum = [_hex_luminance(by_lr[r]) for r in order]
        assert lum == sorted(lum) and len(set(lum)) == 3
    assert "cmp_color=lr" in urllib.parse.unquote(view.page.evaluate("location.hash"))
    # the best-run marker follows the sorted metric
    headers = view.ui.locator('[data-testid="compare-table"] thead .tbe-colname').all_inner_texts()
    view.ui.locator('[data-testid="compare-table"] thead .tbe-sort').nth(
        headers.index("log_loss")
    ).press("Enter")
    best = min(data["runs"], key=lambda r: r["metrics"]["log_loss"])["run"]
    marked = view.ui.locator('[data-testid="compare-table"] tbody tr[data-best="log_loss"]')
    marked.wait_for()
    assert marked.locator("td").nth(1).inner_text() == best
    assert best in view.ui.locator('[data-testid="compare-best"]').inner_text()
    shot(view, "compare_colour_by")
    # JSON export: the whole compare response
    name, text = download_text(view, "compare-table", "JSON")
    assert name.endswith(".json")
    assert json.loads(text) == data


def test_compare_small_multiples_one_chart_per_run(view: View) -> None:
    runs = ["sweep/t0", "sweep/t1", "sweep/t2"]
    view.open(hash_for(dash="compare", runs=runs, cmp_color="shift"))
    wait_charts(view, "compare-roc")
    view.ui.locator('[data-testid="compare-layout"] button:text-is("small multiples")').click()
    for kind in ("roc", "precision_recall", "calibration"):
        panels = view.ui.locator(f'[data-testid="compare-{kind}"] [data-small-run]')
        panels.nth(2).locator("canvas").first.wait_for(timeout=20_000)
        assert panels.count() == 3
        assert panels.evaluate_all("els => els.map(e => e.dataset.smallRun)") == runs
        titles = panels.locator(".tbe-small-title").all_inner_texts()
        assert [t.strip() for t in titles] == runs
        axes = [
            p.locator(".tbe-chart-canvas").evaluate(
                "el => { const o = el.__tbeChart.getOption();"
                " return [o.xAxis[0].min, o.xAxis[0].max, o.yAxis[0].min, o.yAxis[0].max] }"
            )
            for p in panels.all()
        ]
        assert axes == [[0, 1, 0, 1]] * 3
    assert "cmp_layout=small" in urllib.parse.unquote(view.page.evaluate("location.hash"))
    shot(view, "compare_small_multiples")


# ------------------------------------------------------------------ regression diagnostics


def csv_column(rows: list[dict], name: str) -> list[float | None]:
    return [None if r[name] == "" else float(r[name]) for r in rows]


def test_regression_qq_and_error_by_target_bin(view: View) -> None:
    tb = view.tb
    view.open(hash_for(dash="regression", runs=["reg"]))
    wait_charts(view, "chart-qq", "chart-error_by_target_bin")
    report = route(tb, "evaluation", run="reg", name="val")
    curves, metrics = report["curves"], report["metrics"]
    # RMSLE card only when the engine defines it (every value > -1)
    rmsle = view.ui.locator('[data-testid="summary-cards"] [data-metric="RMSLE"]')
    if "root_mean_squared_log_error" in metrics:
        assert card(view, "RMSLE") == f"{metrics['root_mean_squared_log_error']:.4f}"
    else:
        assert "root_mean_squared_log_error" in report["undefined"] and rmsle.count() == 0
    # Q-Q: points + the y = x reference, CSV = the route's columns
    qq = curves["qq"]
    assert qq["n"] == 5000 and len(qq["sample"]) == 200
    name, text = download_text(view, "chart-qq")
    assert name == "reg-val-step2-qq.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    for column in ("probability", "theoretical", "sample"):
        assert csv_column(rows, column) == qq[column]
    option = chart_option(view, "chart-qq")
    points = next(s for s in option["series"] if s["type"] == "scatter")
    assert [p[0] for p in points["data"]] == qq["theoretical"]
    assert [p[1] for p in points["data"]] == qq["sample"]
    ref = next(s for s in option["series"] if s["name"] == "y = x (normal)")
    assert all(a == b for a, b in ref["data"])
    # error by target bin: MAE/RMSE bars and a mean-error line, CSV = the route's columns
    bins = curves["error_by_target_bin"]
    assert bins["bin_edges"] == curves["predicted_vs_true"]["bin_edges"]
    name, text = download_text(view, "chart-error_by_target_bin")
    assert name == "reg-val-step2-error_by_target_bin.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert csv_column(rows, "bin_lower") == bins["bin_edges"][:-1]
    assert csv_column(rows, "bin_upper") == bins["bin_edges"][1:]
    for column in ("count", "mean_error", "mae", "rmse"):
        assert csv_column(rows, column) == bins[column]
    option = chart_option(view, "chart-error_by_target_bin")
    assert [(s["type"], s["name"]) for s in option["series"]] == [
        ("bar", "MAE"),
        ("bar", "RMSE"),
        ("line", "mean error (bias)"),
    ]
    # PNG and SVG exports of both cards, from the keyboard
    for testid in ("chart-qq", "chart-error_by_target_bin"):
        with view.page.expect_download() as info:
            button = view.ui.locator(f'[data-testid="{testid}"] button:text-is("PNG")')
            button.focus()
            view.page.keyboard.press("Enter")
        with open(info.value.path(), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        _, svg = download_text(view, testid, "SVG")
        assert svg.startswith("<svg")
    shot(view, "regression_diagnostics")
