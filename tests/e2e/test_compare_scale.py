"""End-to-end: Compare runs on a 300-run sweep in a real TensorBoard (Rust loader), in headless
Chromium. The table renders every run but only the visible rows are in the DOM; the curves are
drawn for at most 10 runs (best of the sweep first); a run picked in the table is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.test_dashboards import chart_option, route, view, wait_charts  # noqa: F401 - fixture
from tests.e2e.test_tables_view import View, browser, hash_for  # noqa: F401 - fixture
from tests.sweep_logdir import NAME, write_sweep_logdir
from tests.tbserver import TensorBoardServer

RUNS = 300
MAX_DRAWN = 10


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[TensorBoardServer]:
    logdir = tmp_path_factory.mktemp("e2e_sweep_300")
    write_sweep_logdir(str(logdir), RUNS, steps=5, rows=200)
    with TensorBoardServer(logdir, load_fast=True) as tb:
        tb.wait_for(
            lambda: len(route(tb, "evaluation/compare/table", name=NAME)["runs"]) == RUNS,
            timeout=120,
        )
        yield tb  # the imported ``view`` fixture opens a browser on this server


def drawn_runs(opened: View, testid: str) -> list[str]:
    option = chart_option(opened, testid)
    return [s["name"] for s in option["series"] if s["name"] not in ("chance", "ideal")]


def test_300_runs_render_visible_rows_only_and_draw_the_best_ten(view: View) -> None:  # noqa: F811
    tb = view.tb
    table = route(tb, "evaluation/compare/table", name=NAME)
    view.open(hash_for(dash="compare"))
    box = view.ui.locator(f'[data-testid="virtual-rows"][data-rows="{RUNS}"]')
    box.wait_for(timeout=30_000)
    rows = view.ui.locator('[data-testid="compare-table"] tbody tr[data-row]')
    in_dom = rows.count()
    assert 10 <= in_dom < 60, in_dom
    # sorted by the sweep metric (accuracy, max): the sweep's best run first, starred
    assert rows.first.get_attribute("data-row") == table["sweep"]["best"]
    assert rows.first.get_attribute("data-best")
    by_value = sorted(table["runs"], key=lambda r: -r["sweep_value"])
    shown = [rows.nth(i).get_attribute("data-row") for i in range(5)]
    assert shown == [r["run"] for r in by_value[:5]]
    # curves for the ten best only
    wait_charts(view, "compare-roc")
    assert drawn_runs(view, "compare-roc") == [r["run"] for r in by_value[:MAX_DRAWN]]
    # scrolling to the end draws the last rows, still only a window of them
    box.evaluate("el => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')) }")
    last = by_value[-1]["run"]
    view.ui.locator(f'tr[data-row="{last}"]').wait_for(timeout=10_000)
    assert rows.count() < 60
    assert view.ui.locator(f'tr[data-row="{by_value[0]["run"]}"]').count() == 0
    # at most ten drawn: clear one, draw the last run
    scroll_top = "el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')) }"
    last_box = view.ui.locator(f'input[aria-label="draw {last}"]')
    assert last_box.is_disabled()
    box.evaluate(scroll_top)
    view.ui.locator(f'input[aria-label="draw {by_value[1]["run"]}"]').click()
    box.evaluate("el => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')) }")
    last_box.wait_for(timeout=10_000)
    assert not last_box.is_disabled()
    last_box.click()
    expected = [r["run"] for r in by_value[:MAX_DRAWN] if r["run"] != by_value[1]["run"]] + [last]

    def redrawn() -> bool:
        try:
            return sorted(drawn_runs(view, "compare-roc")) == sorted(expected)
        except Exception:  # noqa: BLE001 - the chart is being replaced
            return False

    for _ in range(100):  # the curves request and the chart update take a moment
        if redrawn():
            break
        view.page.wait_for_timeout(100)
    assert redrawn()
