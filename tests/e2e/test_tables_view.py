"""End-to-end: the Tables dashboard in a real TensorBoard, in headless Chromium.

Needs the built bundle (``cd frontend && npm ci && npm run build``), the ``playwright`` package
(``PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pip install playwright``) and the system Chromium.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.e2e.logdata import METRICS, METRICS_BETA, PR_ROWS, XSS, write_logdir
from tests.e2e.screenshots import doc_shot
from tests.tbserver import TensorBoardServer

BUNDLE = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, "tb_plugin", "static", "index.js"
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.isfile(BUNDLE):
    pytest.skip(
        "tb_plugin/static/index.js is missing: "
        "build it with `cd frontend && npm ci && npm run build`",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package is not installed "
    "(PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pip install playwright)",
)
if not os.path.exists(CHROMIUM):
    pytest.skip("no system Chromium at /usr/bin/chromium", allow_module_level=True)

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Runs in every frame before its scripts: collect uncaught errors and CSP violations.
ERROR_PROBE = """
window.__errors = [];
window.addEventListener('error', e => window.__errors.push('error: ' + e.message));
window.addEventListener('unhandledrejection', e => window.__errors.push('rejection: ' + e.reason));
document.addEventListener('securitypolicyviolation',
  e => window.__errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));
"""


def hash_for(**keys: object) -> str:
    """``#tb_eval&p.tb_eval.<key>=<value>`` (lists and dicts as JSON)."""
    parts = ["tb_eval"]
    for key, value in keys.items():
        text = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
        parts.append(f"p.tb_eval.{key}={urllib.parse.quote(text, safe='')}")
    return "#" + "&".join(parts)


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def served(request, tmp_path_factory) -> Iterator[tuple[TensorBoardServer, object]]:
    logdir = tmp_path_factory.mktemp("e2e_logdir")
    live = write_logdir(logdir)
    try:
        with TensorBoardServer(logdir, load_fast=request.param) as tb:

            def ready():
                listing = tb.get_json("/data/plugin/tb_eval/tables")
                names = {(t["run"], t["name"]) for t in listing["tables"]}
                wanted = {("alpha", "metrics"), ("beta", "metrics"), ("alpha", "pr")}
                return wanted <= names and listing["lists"] and ("live", "progress") in names

            tb.wait_for(ready, timeout=60)
            yield tb, live
    finally:
        live.complete()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


class View:
    """The TensorBoard page with our iframe, and every console error and page error seen."""

    def __init__(self, browser, tb: TensorBoardServer, color_scheme: str = "light") -> None:
        self.tb = tb
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 800},
            accept_downloads=True,
            color_scheme=color_scheme,
        )
        self.context.add_init_script(ERROR_PROBE)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(f"{m.text} @ {m.location}"),
        )
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.ui = self.page.frame_locator("iframe")

    def open(self, fragment: str) -> None:
        self.page.goto(self.tb.url + "/" + fragment)
        self.ui.locator(".tbe-root").wait_for(timeout=30_000)

    @property
    def frame(self):
        for frame in self.page.frames:
            if "plugin_entry.html" in frame.url:
                return frame
        raise AssertionError("the plugin iframe is not there")

    def rows(self) -> list[list[str]]:
        cells = self.ui.locator("tbody tr")
        return [[c.strip() for c in r.locator("td").all_inner_texts()][1:] for r in cells.all()]

    def column(self, name: str) -> list[str]:
        names = self.ui.locator("thead .tbe-colname").all_inner_texts()
        index = names.index(name)
        return [row[index] for row in self.rows()]

    def wait_rows(self, predicate, timeout: float = 15_000) -> None:
        """Wait until ``predicate(rows)`` holds (the grid updates asynchronously)."""
        deadline = self.page.evaluate("Date.now()") + timeout
        while True:
            rows = self.rows()
            try:
                if predicate(rows):
                    return
            except IndexError:
                pass  # the grid is between two renders
            if self.page.evaluate("Date.now()") > deadline:
                raise AssertionError(f"rows never matched; last: {rows[:5]}")
            self.page.wait_for_timeout(100)

    def header(self, name: str):
        return self.ui.locator(
            "thead .tbe-sort", has=self.ui.locator(f'.tbe-colname:text-is("{name}")')
        )

    def check_clean(self) -> None:
        frame_errors = self.frame.evaluate("window.__errors")
        host_errors = self.page.evaluate("window.__errors")
        assert self.page_errors == [], self.page_errors
        assert frame_errors == [], frame_errors
        assert [e for e in host_errors if "tbe" in e or "tb_eval" in e] == [], host_errors
        assert self.console_errors == [], self.console_errors


@contextlib.contextmanager
def checked_view(browser, tb: TensorBoardServer) -> Iterator[View]:
    """A :class:`View` of ``tb`` for one test; on the way out it checks that the page raised
    no error (:meth:`View.check_clean`) and closes its browser context."""
    opened = View(browser, tb)
    yield opened
    try:
        opened.check_clean()
    finally:
        opened.context.close()


@pytest.fixture
def view(served, browser) -> Iterator[View]:
    tb, _ = served
    with checked_view(browser, tb) as opened:
        yield opened


def test_typed_table_with_summary_and_html_shown_as_text(view: View, served) -> None:
    view.open(hash_for(runs=["alpha"], table="metrics", source="table"))
    view.wait_rows(lambda rows: len(rows) == 30)
    names = view.ui.locator("thead .tbe-colname").all_inner_texts()
    assert names == ["epoch", "loss", "accuracy", "converged", "note"]
    types = view.ui.locator("thead .tbe-type").all_inner_texts()
    assert types == ["int", "float", "float", "bool", "str"]
    # the injection string is visible as characters, and nothing ran
    cell = view.ui.locator("tbody td", has_text="onerror")
    assert cell.inner_text() == XSS
    assert view.ui.locator("tbody img").count() == 0
    assert view.frame.evaluate("window.__xss") is None
    assert view.page.evaluate("window.__xss") is None
    # the missing accuracy shows as a dash; summaries have SVG histograms
    assert view.column("accuracy")[7] == "—"
    assert view.ui.locator("thead svg.tbe-hist").count() == 3
    summary = view.ui.locator("tr.tbe-head-summary").inner_text()
    assert "missing" in summary and "mean" in summary
    view.ui.locator(".tbe-chart canvas").first.wait_for()
    view.page.screenshot(
        path=f"/tmp/tb_eval_e2e_table_{'fast' if view.tb.load_fast else 'slow'}.png"
    )
    doc_shot(view, "tables")


def test_sort_filter_and_pages(view: View) -> None:
    view.open(hash_for(runs=["alpha"], table="metrics", source="table"))
    view.wait_rows(lambda rows: len(rows) == 30)
    # click sorts ascending
    view.header("loss").click()
    view.wait_rows(lambda rows: rows[0][1] == "0.033333")
    assert view.ui.locator("thead th[aria-sort='ascending']").count() == 1
    # keyboard: Enter on the focused header sorts descending, Space removes the sort
    view.header("loss").focus()
    view.page.keyboard.press("Enter")
    view.wait_rows(lambda rows: rows[0][1] == "1")
    assert view.ui.locator("thead th[aria-sort='descending']").count() == 1
    view.header("epoch").focus()
    view.page.keyboard.press("Space")
    view.wait_rows(lambda rows: rows[0][0] == "1")
    view.page.keyboard.press("Space")
    view.wait_rows(lambda rows: rows[0][0] == "30")
    # the sort lives in the TensorBoard page's URL, under p.tb_eval.
    view.page.wait_for_function("location.hash.includes('p.tb_eval.sort=epoch')")
    assert "p.tb_eval.order=desc" in view.page.url

    # pages of 25: the second page has the remaining 5 rows
    view.ui.locator("select[aria-label='Rows per page']").select_option("25")
    view.wait_rows(lambda rows: len(rows) == 25)
    view.ui.get_by_role("button", name="Next page").click()
    view.wait_rows(lambda rows: [r[0] for r in rows] == ["5", "4", "3", "2", "1"])
    assert "rows 26–30 of 30" in view.ui.locator(".tbe-pager").inner_text()

    # a numeric range filter goes to the server and back to page 1
    view.ui.locator("input[aria-label='loss minimum']").fill("0.2")
    view.ui.locator("input[aria-label='loss maximum']").fill("0.5")
    view.ui.locator("input[aria-label='loss maximum']").press("Enter")
    view.wait_rows(lambda rows: [r[0] for r in rows] == ["5", "4", "3", "2"])
    assert "of 4 (filtered from 30)" in view.ui.locator(".tbe-pager").inner_text()
    # the search box searches every column
    view.ui.get_by_role("button", name="Clear filters").click()
    view.wait_rows(lambda rows: len(rows) == 25)
    view.ui.locator("input[aria-label='Search all columns']").fill("onerror")
    view.wait_rows(lambda rows: len(rows) == 1 and rows[0][4] == XSS)

    # reload the page: the view comes back from the URL
    view.page.wait_for_function("location.hash.includes('p.tb_eval.q=onerror')")
    view.page.reload()
    view.ui.locator(".tbe-root").wait_for()
    view.wait_rows(lambda rows: len(rows) == 1 and rows[0][4] == XSS)
    assert view.ui.locator("input[aria-label='Search all columns']").input_value() == "onerror"
    assert view.ui.locator("thead th[aria-sort='descending']").count() == 1


def _read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_export_matches_the_logged_table(view: View) -> None:
    view.open(hash_for(runs=["alpha"], table="metrics", source="table"))
    view.wait_rows(lambda rows: len(rows) == 30)
    view.ui.locator("select[aria-label='Rows per page']").select_option("25")
    view.wait_rows(lambda rows: len(rows) == 25)
    with view.page.expect_download() as info:
        view.ui.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "metrics.csv"
    rows = _read_csv(download.path())
    assert len(rows) == 30  # the whole selection, not the page shown
    for i, row in enumerate(rows):
        assert int(row["epoch"]) == METRICS["epoch"][i]
        assert float(row["loss"]) == pytest.approx(METRICS["loss"][i])
        expected = METRICS["accuracy"][i]
        assert (
            (row["accuracy"] == "")
            if expected is None
            else float(row["accuracy"]) == pytest.approx(expected)
        )
        assert row["converged"] == ("true" if METRICS["converged"][i] else "false")
        assert row["note"] == METRICS["note"][i]

    # with a filter and a sort, the download follows them
    view.header("loss").click()
    view.ui.locator("input[aria-label='loss maximum']").fill("0.1")
    view.ui.locator("input[aria-label='loss maximum']").press("Enter")
    view.wait_rows(lambda rows: len(rows) == 21 and rows[0][0] == "30")
    with view.page.expect_download() as info:
        view.ui.get_by_role("link", name="Download CSV").click()
    filtered = _read_csv(info.value.path())
    assert [int(r["epoch"]) for r in filtered] == list(range(30, 9, -1))


def test_two_runs_stacked_with_a_run_column(view: View) -> None:
    view.open(hash_for(runs=["alpha", "beta"], table="metrics", source="table"))
    view.wait_rows(lambda rows: len(rows) == 40, timeout=20_000)
    names = view.ui.locator("thead .tbe-colname").all_inner_texts()
    assert names[0] == "run" and names[1:] == ["epoch", "loss", "accuracy", "converged", "note"]
    runs = view.column("run")
    assert runs.count("alpha") == len(METRICS["epoch"])
    assert runs.count("beta") == len(METRICS_BETA["epoch"])
    assert view.ui.locator(".tbe-item[aria-current='true'] .tbe-count").inner_text() == "×2"
    # the chart draws one line per run
    view.ui.locator(".tbe-chart canvas").first.wait_for()
    view.page.screenshot(
        path=f"/tmp/tb_eval_e2e_runs_{'fast' if view.tb.load_fast else 'slow'}.png"
    )


def test_rows_and_lists_are_drawn_as_line_charts(view: View) -> None:
    view.open(hash_for(runs=["alpha"], table="pr", source="rows"))
    view.wait_rows(lambda rows: len(rows) == len(PR_ROWS))
    assert view.ui.locator("thead .tbe-colname").all_inner_texts() == [
        "threshold",
        "precision",
        "recall",
    ]
    view.ui.locator(".tbe-chart canvas").first.wait_for()
    assert "threshold" in view.ui.locator(".tbe-chart-card h3").inner_text()
    # open the log_list series from the sidebar
    view.ui.locator(".tbe-item", has_text="scores").click()
    view.ui.locator(".tbe-title", has_text="scores").wait_for()
    view.ui.locator(".tbe-chart canvas").first.wait_for()
    assert view.ui.locator("table.tbe-grid").count() == 0
    view.page.wait_for_function("location.hash.includes('p.tb_eval.source=list')")
    view.page.screenshot(
        path=f"/tmp/tb_eval_e2e_list_{'fast' if view.tb.load_fast else 'slow'}.png"
    )


def test_log_row_table_grows_without_a_reload(view: View, served) -> None:
    _, live = served
    view.open(hash_for(runs=["live"], table="progress", source="rows"))
    view.wait_rows(lambda rows: len(rows) >= 3)
    before = len(view.rows())
    for i in range(before, before + 2):
        live.log_row("progress", step=i, value=i * i)
    live.flush()
    # no click: the view polls the server every 10 s
    view.wait_rows(lambda rows: len(rows) == before + 2, timeout=40_000)
    assert view.rows()[-1] == [str(before + 1), str((before + 1) ** 2)]
    assert re.search(r"\d+ rows", view.ui.locator(".tbe-toolbar").inner_text())


def test_dark_theme_follows_the_system(served, browser) -> None:
    tb, _ = served
    view = View(browser, tb, color_scheme="dark")
    try:
        view.open(hash_for(runs=["alpha"], table="pr", source="rows"))
        view.wait_rows(lambda rows: len(rows) == len(PR_ROWS))
        assert "tbe-dark" in view.ui.locator(".tbe-root").get_attribute("class")
        background = view.ui.locator(".tbe-root").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert background == "rgb(32, 33, 36)"
        view.ui.locator(".tbe-chart canvas").first.wait_for()
        # the theme button cycles auto -> light
        view.ui.get_by_role("button", name="Theme: auto").click()
        assert "tbe-dark" not in view.ui.locator(".tbe-root").get_attribute("class")
        view.ui.get_by_role("button", name="Theme: light").click()
        mode = "fast" if tb.load_fast else "slow"
        view.page.screenshot(path=f"/tmp/tb_eval_e2e_dark_{mode}.png")
        view.check_clean()
    finally:
        view.context.close()


def test_tensorboard_reload_button_refreshes_the_view(view: View) -> None:
    """TensorBoard's reload reaches the iframe only through the IPC DataReloaded message."""
    view.open(hash_for(runs=["alpha"], table="pr", source="rows"))
    view.wait_rows(lambda rows: len(rows) == len(PR_ROWS))
    view.page.wait_for_timeout(1000)
    started = time.monotonic()
    with view.page.expect_request(lambda r: "/data/plugin/tb_eval/table?" in r.url, timeout=8000):
        view.page.locator("button.reload-button").click()
    assert time.monotonic() - started < 5  # not the 10 s poll
