"""End-to-end: an HTML report (``python -m tb_eval report``) opened from disk in Chromium with the
network blocked.

Every request that is not the report's own ``file://`` URL is aborted and recorded; the tests
check that none was made, that every chart draws (ECharts instance with series, pixels on its
canvas), that cards, the threshold slider's 2×2 matrix, the confusion matrix, the per-class
table, the compare table and the runs table show the values embedded in the page (which
tests/test_report.py checks against a real TensorBoard), that a legend toggle and the threshold
slider work, that what the report does not hold is said in words, and that no logged string ran.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import tb_eval
from tests.e2e.evaldata import XSS
from tests.e2e.test_dashboards import (
    card,
    chart_option,
    download_text,
    expected_row,
    matrix,
    set_range,
)
from tests.e2e.test_tables_view import ERROR_PROBE, browser, hash_for  # noqa: F401 - fixture
from tests.test_report import HOSTILE, answers, embedded, write_report_logdir

BUNDLE = Path(__file__).resolve().parents[2] / "tb_plugin" / "static" / "index.js"
if not BUNDLE.exists():
    pytest.skip("frontend bundle not built (cd frontend && npm run build)", allow_module_level=True)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    logdir = tmp_path_factory.mktemp("report_e2e_logdir")
    write_report_logdir(logdir)
    return tb_eval.report(logdir, tmp_path_factory.mktemp("report_e2e") / "report.html")


@pytest.fixture(scope="module")
def held(report_file) -> dict:
    return answers(embedded(report_file))


def body(held: dict, path: str, **params: str) -> dict:
    status, value = held[(path, tuple(params.items()))]
    assert status == 200
    return value


class ReportPage:
    """The report opened from disk; ``ui``/``page`` as the dashboard helpers expect."""

    def __init__(self, launched, path: Path) -> None:
        self.url = path.as_uri()
        self.context = launched.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.context.add_init_script(ERROR_PROBE)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def gate(route) -> None:
            if route.request.url.split("#")[0] == self.url:
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        self.context.route("**/*", gate)
        self.page = self.context.new_page()
        self.ui = self.frame = self.page
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, fragment: str = "") -> None:
        self.page.goto("about:blank")  # a new document: a hash change alone would not boot it
        self.page.goto(self.url + fragment)
        self.page.locator('[data-testid="report-summary"]').wait_for(timeout=20_000)

    def banner(self) -> str:
        banner = self.page.locator(".tbe-banner")
        return banner.inner_text() if banner.count() else ""

    def check_clean(self) -> None:
        assert self.blocked == [], f"requests left the page: {self.blocked}"
        assert {r.split("#")[0] for r in self.requests} == {self.url}
        assert self.errors == []
        assert self.page.evaluate("window.__xss") is None
        assert self.page.evaluate("window.__errors") == []  # includes CSP violations


@pytest.fixture
def view(browser, report_file) -> Iterator[ReportPage]:  # noqa: F811 - the imported fixture
    opened = ReportPage(browser, report_file)
    yield opened
    try:
        opened.check_clean()
    finally:
        opened.context.close()


DRAWN = """el => {
  const chart = el.__tbeChart
  const series = chart ? chart.getOption().series.length : 0
  const canvas = el.querySelector('canvas')
  if (!canvas || canvas.width === 0) return [series, 0]
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
  let painted = 0
  for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) painted++
  return [series, painted]
}"""


def charts_drawn(view: ReportPage, *testids: str) -> dict[str, tuple[int, int]]:
    """Every chart of the page (and at least ``testids``): its series count and painted pixels,
    once each has series and pixels (charts draw after their data arrives)."""
    for testid in testids:
        view.page.locator(f'[data-testid="{testid}"] .tbe-chart-canvas canvas').first.wait_for(
            timeout=20_000
        )
    view.page.wait_for_function(
        "[...document.querySelectorAll('.tbe-chart-canvas')].every(el => el.__tbeChart"
        " && el.__tbeChart.getOption().series.length > 0)",
        timeout=20_000,
    )
    view.page.wait_for_timeout(300)  # the first frame is painted after setOption
    hosts = view.page.locator(".tbe-chart-canvas")
    found = {}
    for i in range(hosts.count()):
        host = hosts.nth(i)
        testid = host.evaluate("el => el.closest('[data-testid]')?.dataset.testid ?? ''")
        found[testid or f"#{i}"] = tuple(host.evaluate(DRAWN))
    for testid in testids:
        assert testid in found, (testid, sorted(found))
    for testid, (series, painted) in found.items():
        assert series > 0 and painted > 0, (testid, series, painted)
    return found


def test_binary_cards_charts_slider_and_per_class_table(view: ReportPage, held: dict) -> None:
    view.open(hash_for(dash="classification", runs=["bin"]))
    summary = view.page.locator('[data-testid="report-summary"]').inner_text()
    assert summary.startswith("Offline report · ") and "newest steps" in summary
    assert "Not in the report" in view.page.locator('[data-testid="report-note"]').inner_text()
    assert view.page.get_by_role("tab", name="Tables").count() == 0  # needs a server
    assert view.page.locator("button", has_text="Refresh").count() == 0
    drawn = charts_drawn(
        view,
        "chart-roc",
        "chart-precision_recall",
        "chart-det",
        "chart-ks",
        "chart-cumulative_gains",
        "chart-lift",
        "chart-calibration",
        "confusion",
        "trend",
    )
    assert len(drawn) >= 9
    report = body(held, "evaluation", run="bin", name="val")
    assert card(view, "ROC AUC") == f"{report['metrics']['roc_auc']:.4f}"
    assert card(view, "Log loss") == f"{report['metrics']['log_loss']:.4f}"
    assert card(view, "ECE") == f"{report['metrics']['ece']:.4f}"
    # the threshold slider: the 2x2 matrix follows, from the embedded threshold table
    table = body(
        held,
        "evaluation/thresholds",
        run="bin",
        name="val",
        step=str(report["step"]),
        points="1000",
    )
    view.page.locator('[data-testid="threshold-matrix"]').wait_for()
    marker = view.page.locator('[data-testid="chart-roc"] [data-marker="op"]')
    marker.wait_for(state="attached")
    moves = {}
    for t in (0.9, 0.2):
        set_range(view, 'input[aria-label="Threshold"]', t)
        view.page.wait_for_timeout(50)
        row = expected_row(table, t)
        cells = {cell: str(int(table[cell.lower()][row])) for cell in ("TN", "FP", "FN", "TP")}
        assert matrix(view) == cells, t
        moves[t] = marker.evaluate("el => el.style.transform")
    assert moves[0.9] != moves[0.2]  # the operating point moved over the ROC chart
    # the per-class table: support = the confusion matrix's row sums
    cm = report["curves"]["confusion_matrix"]
    rows = view.page.locator('[data-testid="class-report"] tbody tr')
    assert rows.count() == 2
    for i, label in enumerate(cm["labels"]):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert label in cells and str(int(sum(cm["matrix"][i]))) in cells
    assert view.banner() == ""


def test_multiclass_confusion_matrix_legend_and_text_only_labels(
    view: ReportPage, held: dict
) -> None:
    view.open(hash_for(dash="classification", runs=["mc"]))
    charts_drawn(view, "confusion", "chart-roc", "chart-precision_recall", "chart-calibration")
    cm = body(held, "evaluation", run="mc", name="val")["curves"]["confusion_matrix"]
    heat = chart_option(view, "confusion")["series"][0]["data"]
    labels = chart_option(view, "confusion")["xAxis"][0]["data"]
    assert sorted(labels) == sorted(cm["labels"])
    cells = {
        (labels[d[0]], chart_option(view, "confusion")["yAxis"][0]["data"][d[1]]): d[2]
        for d in heat
    }
    for i, truth in enumerate(cm["labels"]):
        for j, predicted in enumerate(cm["labels"]):
            assert cells[(predicted, truth)] == cm["matrix"][i][j]
    # legend toggles are shared: hide micro in ROC, PR follows
    assert chart_option(view, "chart-roc")["legend"][0]["selected"]["micro"] is True
    view.page.locator('[data-testid="chart-roc"] .tbe-chart-canvas').evaluate(
        "el => el.__tbeChart.dispatchAction({type: 'legendUnSelect', name: 'micro'})"
    )
    view.page.wait_for_timeout(200)
    assert chart_option(view, "chart-precision_recall")["legend"][0]["selected"]["micro"] is False
    # another class against the rest: its threshold table is in the report
    view.page.locator('select[aria-label="Class against the rest"]').select_option("cat")
    step = str(body(held, "evaluation", run="mc", name="val")["step"])
    table = body(
        held, "evaluation/thresholds", run="mc", name="val", step=step, points="1000",
        **{"class": "cat"},
    )  # fmt: skip
    row = expected_row(table, 0.5)
    view.page.locator(
        '[data-testid="threshold-matrix"] [data-cell="TP"]'
        f' .tbe-cm2-count:text-is("{int(table["tp"][row])}")'
    ).wait_for()
    # the injection label is text, and nothing ran
    assert XSS in view.page.locator('[data-testid="class-report"]').inner_text()
    assert view.page.locator("main img").count() == 0
    assert view.banner() == ""


def test_what_the_report_lacks_is_said(view: ReportPage) -> None:
    view.open(hash_for(dash="classification", runs=["bin"]))
    charts_drawn(view, "chart-roc")
    slider = view.page.locator('input[aria-label="Step"]')
    slider.evaluate(
        "el => { el.value = '0'; el.dispatchEvent(new Event('input', {bubbles: true}));"
        " el.dispatchEvent(new Event('change', {bubbles: true})) }"
    )
    view.page.locator(".tbe-banner").wait_for()
    assert re.search(
        r"Not in this offline report: step 0 of bin: val \(the report holds the newest step",
        view.banner(),
    )


def test_regression_and_importance(view: ReportPage, held: dict) -> None:
    view.open(hash_for(dash="regression", runs=["reg"]))
    charts_drawn(
        view,
        "chart-predicted_vs_true",
        "chart-residual_histogram",
        "chart-residuals_vs_predicted",
        "chart-qq",
        "chart-error_by_target_bin",
        "trend",
    )
    report = body(held, "evaluation", run="reg", name="val")
    assert card(view, "R²") == f"{report['metrics']['r2']:.4f}"
    assert card(view, "RMSE") == f"{report['metrics']['root_mean_squared_error']:.4f}"
    # exports work offline (a blob: download): the CSV is the embedded curve
    name, text = download_text(view, "chart-predicted_vs_true")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert name.endswith(".csv")
    pvt = report["curves"]["predicted_vs_true"]
    assert [float(r["predicted_mean"]) for r in rows] == pvt["predicted_mean"]
    view.open(hash_for(dash="importance", runs=["bin"]))
    charts_drawn(view, "chart-importance")
    data = body(held, "importance", run="bin", name="gbm")
    assert chart_option(view, "chart-importance")["yAxis"][0]["data"][:20] == data["names"][:20]


def test_compare_table_and_runs_table(view: ReportPage, held: dict) -> None:
    runs = ["sweep/t0", "sweep/t1", "sweep/t2"]  # a subset of the runs the report compared
    view.open(hash_for(dash="compare", runs=runs))
    charts_drawn(view, "compare-roc", "compare-precision_recall", "compare-calibration")
    option = chart_option(view, "compare-roc")
    assert [s["name"] for s in option["series"] if s["name"] not in ("chance", "ideal")] == runs
    full = next(v for (p, _), (_, v) in held.items() if p == "evaluation/compare")
    auc = {e["run"]: e["metrics"].get("roc_auc") for e in full["runs"]}
    rows = view.page.locator('[data-testid="compare-table"] tbody tr')
    assert rows.count() == 3
    headers = view.page.locator(
        '[data-testid="compare-table"] thead .tbe-colname'
    ).all_inner_texts()
    column = headers.index("roc_auc") + 1  # the row-number cell comes first
    for i, run in enumerate(runs):
        cells = rows.nth(i).locator("td")
        assert cells.nth(1).inner_text() == run
        assert abs(float(cells.nth(column).inner_text()) - auc[run]) < 5e-7
    # the Runs dashboard: params and tags as text, uploaded files named (not downloadable)
    view.page.get_by_role("tab", name="Runs", exact=True).click()
    view.page.locator('[data-testid="runs-table"]').wait_for()
    view.page.locator("aside").get_by_text("All", exact=True).click()
    table = view.page.locator('[data-testid="runs-table"]')
    listed = body(held, "runs")["runs"]
    assert table.locator("tbody tr").count() == len(listed)
    bin_row = table.locator('tr[data-run="bin"]')
    assert "lr = 0.1" in bin_row.inner_text() and "model = gbm" in bin_row.inner_text()
    assert f"owner = {XSS}" in bin_row.inner_text()
    assert "outputs/notes.txt" in bin_row.inner_text() and bin_row.locator("a").count() == 0
    hostile = table.locator('tr[data-run="hostile"]').inner_text()
    shown = HOSTILE.strip()  # inner_text trims the trailing space
    assert f"owner = {shown}" in hostile and f"note = {shown}" in hostile
    assert view.page.locator("main img, main script").count() == 0


def test_the_page_has_no_other_script_and_the_data_is_inert(view: ReportPage) -> None:
    view.open()
    scripts = view.page.evaluate(
        "[...document.scripts].map(s => [s.type, s.id, s.src, s.textContent.length])"
    )
    assert [s[:3] for s in scripts] == [
        ["application/json", "tbe-report-data", ""],
        ["module", "", ""],
    ]
    document = view.page.evaluate(
        "JSON.parse(document.getElementById('tbe-report-data').textContent)"
    )
    assert document["version"] == 1 and json.dumps(document).count(HOSTILE) >= 3


def test_the_policy_stops_injected_markup(view: ReportPage) -> None:
    """Defence in depth: even markup that reached the DOM as HTML would not run or load."""
    view.open()
    view.page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        " '<img src=x onerror=\"window.__xss=3\"><script>window.__xss=4</script>')"
    )
    view.page.wait_for_timeout(300)
    assert view.page.evaluate("window.__xss") is None
    violations = view.page.evaluate("window.__errors")
    # the onerror handler was refused by script-src (no 'unsafe-inline'), the image by img-src
    assert "csp: script-src-attr inline" in violations, violations
    assert "csp: img-src file" in violations, violations
    # Chromium reports the refused image as a request event, but it never reached the network
    # layer (the route gate saw nothing)
    view.requests = [r for r in view.requests if not r.endswith("/x")]
    assert all("Content Security Policy" in e for e in view.errors), view.errors
    view.errors.clear()
    view.page.evaluate("window.__errors = []")


def test_a_report_at_a_chosen_step(browser, tmp_path_factory) -> None:  # noqa: F811
    logdir = tmp_path_factory.mktemp("report_step_logdir")
    write_report_logdir(logdir)
    out = tb_eval.report(logdir, tmp_path_factory.mktemp("report_step") / "step1.html", step=1)
    held = answers(embedded(out))
    opened = ReportPage(browser, out)
    try:
        opened.open(hash_for(dash="classification", runs=["bin"]))
        assert "step 1" in opened.page.locator('[data-testid="report-summary"]').inner_text()
        charts_drawn(opened, "chart-roc", "confusion")
        report = body(held, "evaluation", run="bin", name="val", step="1")
        assert report["step"] == 1
        assert opened.page.locator('[data-testid="step-value"]').first.inner_text() == "1"
        assert card(opened, "ROC AUC") == f"{report['metrics']['roc_auc']:.4f}"
        # entries without step 1 are not offered
        sidebar = opened.page.locator("aside").inner_text()
        assert "sweep/t0" not in sidebar.split("Evaluations".upper())[-1]
        opened.check_clean()
    finally:
        opened.context.close()
