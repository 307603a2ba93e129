"""Browser check: the Regression dashboard draws what ``log_residuals`` and Azure's
``log_predictions(name, value)`` logged (Playwright + Chromium, both loaders): the residual
histogram and the average prediction per true-value bin with its error bars, as logged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

import tb_eval
from tests.azure_payloads import PREDICTIONS, RESIDUALS
from tests.e2e.test_dashboards import chart_option, download_text, shot, wait_charts
from tests.e2e.test_tables_view import View, browser, checked_view, hash_for  # noqa: F401 - fixture
from tests.tbserver import TensorBoardServer


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def served(request, tmp_path_factory) -> Iterator[TensorBoardServer]:
    logdir = str(tmp_path_factory.mktemp("e2e_regression_bins"))
    with tb_eval.start_logging(logdir, run_name="azure") as run:
        run.log_residuals("residuals", RESIDUALS, "Residuals on the test set")
        run.log_predictions("binned", PREDICTIONS)
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        listed = lambda: tb.get_json("/data/plugin/tb_eval/evaluations")  # noqa: E731
        tb.wait_for(lambda: len(listed().get("regression_bins", [])) == 2, timeout=90)
        yield tb


@pytest.fixture
def view(served, browser) -> Iterator[View]:  # noqa: F811 - the imported fixture
    with checked_view(browser, served) as opened:
        yield opened


def _csv(view: View, testid: str) -> list[dict]:
    _, text = download_text(view, testid)
    return list(csv.DictReader(io.StringIO(text)))


def test_regression_draws_logged_residuals_and_binned_predictions(view: View) -> None:
    view.open(hash_for(dash="regression", runs=["azure"]))
    # nothing but logged documents: the first (binned predictions, sorted by name) opens
    wait_charts(view, "chart-logged_predictions")
    option = chart_option(view, "chart-logged_predictions")
    series = {s["name"]: s for s in option["series"]}
    assert [p[:2] for p in series["average predicted"]["data"]] == [[0.25, 0.25], [0.75, 0.75]]
    bars = [p for p in series["error"]["data"] if p[1] is not None]
    assert min(p[1] for p in bars) == pytest.approx(0.25 - 0.013)
    assert max(p[1] for p in bars) == pytest.approx(0.75 + 0.042)
    rows = _csv(view, "chart-logged_predictions")
    assert [float(r["average_predicted"]) for r in rows] == [0.25, 0.75]
    assert [float(r["error"]) for r in rows] == [0.013, 0.042]
    assert [float(r["count"]) for r in rows] == [56, 34]
    shot(view, "regression_logged_predictions")

    view.ui.locator(
        'nav[aria-label="Logged residuals and binned predictions"] button:has-text("residuals")'
    ).click()
    wait_charts(view, "chart-logged_residuals")
    assert "logged residuals" in view.ui.locator(".tbe-title-row").inner_text()
    rows = _csv(view, "chart-logged_residuals")
    assert [float(r["bin_lower"]) for r in rows] == [-2, -1, 0, 1]
    assert [float(r["count"]) for r in rows] == [3, 10, 12, 5]
    shot(view, "regression_logged_residuals")
    assert "bins=" in view.page.evaluate("decodeURIComponent(location.hash)")
