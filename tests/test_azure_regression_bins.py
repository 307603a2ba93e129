"""Azure ML's regression payloads: ``log_residuals`` and ``log_predictions(name, value)`` with
Azure's JSON schemas, read back through TensorBoard's own loaders (both) and our routes."""

from __future__ import annotations

import json
import os
import urllib.parse

import numpy as np
import pytest

import tb_eval
from tb_eval.reader import event_files
from tests.azure_payloads import PREDICTIONS, RESIDUALS
from tests.plugin_support import plugin_client
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("azure-regression"))
    with tb_eval.start_logging(root, experiment="azure", run_name="reg") as run:
        run.log_residuals("residuals", RESIDUALS, "Test-set residuals")
        run.log_residuals("residuals", json.dumps(RESIDUALS))  # Azure's JSON text, step 1
        run.log_predictions("binned", PREDICTIONS, "Predicted vs true, binned")
        run.log_predictions(name="binned", value=json.dumps(PREDICTIONS), description="again")
        # our array form, unchanged, beside it
        run.log_predictions("raw", np.array([1.0, 2.0, 3.0]), y_pred=np.array([1.1, 1.9, 3.2]))
    # Only Azure's residuals, under the name the other run's predictions have (Compare runs).
    with tb_eval.start_logging(root, experiment="azure", run_name="bins-only") as run:
        run.log_residuals("raw", RESIDUALS)
    return root


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def server(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        tb.wait_for(lambda: "azure/reg" in tb.get_json("/data/runs"))
        listed = lambda: tb.get_json(f"{PREFIX}/evaluations").get("regression_bins", [])  # noqa: E731
        tb.wait_for(lambda: len(listed()) == 3)
        yield tb


def _get(server, route: str, **params):
    return server.get_json(f"{PREFIX}/{route}?{urllib.parse.urlencode(params)}")


def test_tensorboard_lists_them_as_our_tensors_with_their_descriptions(server):
    assert "tb_eval" in server.get_json("/data/plugins_listing")
    listing = server.get_json(f"{PREFIX}/evaluations")
    entries = {(entry["run"], entry["name"]): entry for entry in listing["regression_bins"]}
    assert sorted(entries) == [
        ("azure/bins-only", "raw"),
        ("azure/reg", "binned"),
        ("azure/reg", "residuals"),
    ]
    entries = {name: entry for (run, name), entry in entries.items() if run == "azure/reg"}
    assert entries["residuals"] == {"run": "azure/reg", "name": "residuals", "steps": [0, 1]}
    assert entries["binned"]["steps"] == [0, 1]  # positional, then by keyword as JSON text
    assert [e["name"] for e in listing["evaluations"]] == ["raw"]  # the array form as before


def test_residuals_route_returns_the_logged_histogram(server):
    body = _get(server, "regression_bins", run="azure/reg", name="residuals", step=0)
    assert body["schema"] == "residuals" and body["steps"] == [0, 1]
    assert body["bin_edges"] == RESIDUALS["data"]["bin_edges"]
    assert body["bin_counts"] == RESIDUALS["data"]["bin_counts"]


def test_predictions_route_returns_the_binned_averages_and_errors(server):
    body = _get(server, "regression_bins", run="azure/reg", name="binned")
    assert body["schema"] == "predictions" and body["step"] == 1 and body["steps"] == [0, 1]
    for key, values in PREDICTIONS["data"].items():
        assert body[key] == pytest.approx(values)


def _accumulator(directory: str):
    from tensorboard.backend.event_processing import event_accumulator

    (path,) = event_files(directory)
    accumulator = event_accumulator.EventAccumulator(path, size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def test_descriptions_reach_tensorboard(server, logdir):
    accumulator = _accumulator(os.path.join(logdir, "azure", "reg"))
    meta = accumulator.SummaryMetadata("tb_eval/regression_bins/residuals")
    assert meta.summary_description == "Test-set residuals"
    assert meta.plugin_data.plugin_name == "tb_eval"
    events = accumulator.Tensors("tb_eval/regression_bins/binned")
    assert [event.step for event in events] == [0, 1]
    for event in events:  # the dict and its JSON text are stored alike
        stored = json.loads(event.tensor_proto.string_val[0])
        assert stored["bin_averages"] == [0.25, 0.75] and stored["schema"] == "predictions"
    meta = accumulator.SummaryMetadata("tb_eval/regression_bins/binned")
    assert meta.summary_description == "Predicted vs true, binned"


def test_read_back_from_disk_and_resumed(tmp_path):
    from tb_eval.reader import read_run

    with tb_eval.start_logging(str(tmp_path), experiment="azure", run_name="reg") as run:
        run.log_residuals("residuals", RESIDUALS)
        run.log_residuals("residuals", json.dumps(RESIDUALS))
    documents = read_run(run.directory).documents_of("regression_bins", "residuals")
    assert [step for step, _ in documents] == [0, 1]
    assert documents[0][1] == {"schema": "residuals", **RESIDUALS["data"]}
    resumed = tb_eval.start_logging(str(tmp_path), experiment="azure", run_name="reg", resume=True)
    with resumed as run:
        assert run.last_step("residuals") == 1  # resumed: the next record goes at step 2
        with pytest.raises(ValueError, match="name: 'residuals' already holds regression_bins"):
            run.log("residuals", 1.0)


def _compare_answers(get) -> None:
    """Compare runs compares logged predictions: a run holding only Azure's bins (here under
    the name another run's predictions have) is left out of the table and the curves, and a
    name with no predictions in any run is a 404, never a 500. ``get(route, **params)`` gives
    ``(status, body)``."""
    both = ["azure/reg", "azure/bins-only"]
    status, table = get("evaluation/compare/table", name="raw")
    assert status == 200, table
    assert [row["run"] for row in table["runs"]] == ["azure/reg"] and table["errors"] == []
    assert table["runs"][0]["task"] == "regression"
    status, curves = get("evaluation/compare/curves", name="raw", run=both)
    assert status == 200, curves
    assert [entry["run"] for entry in curves["runs"]] == ["azure/reg"] and curves["errors"] == []
    status, compared = get("evaluation/compare", name="raw", run=both)
    assert status == 200 and [entry["run"] for entry in compared["runs"]] == ["azure/reg"]
    for name in ("residuals", "binned"):  # Azure's bins only: nothing to compare
        status, body = get("evaluation/compare/table", name=name)
        assert status == 404 and "no run has an evaluation" in body["error"], body
    for route in ("evaluation/compare/curves", "evaluation/compare"):
        status, body = get(route, name="raw", run=["azure/bins-only"])
        assert status == 404 and "no evaluation 'raw'" in body["error"], (route, body)


def test_compare_runs_leaves_out_runs_with_only_azures_bins(server):
    def get(route: str, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        status, _, body = server.request(f"{PREFIX}/{route}?{query}")
        return status, json.loads(body)

    _compare_answers(get)


def test_compare_runs_leaves_them_out_in_process_too(logdir):
    client = plugin_client(logdir)

    def get(route: str, **params):
        response = client.get(f"{PREFIX}/{route}?{urllib.parse.urlencode(params, doseq=True)}")
        return response.status_code, json.loads(response.data)

    _compare_answers(get)


def test_unknown_name_is_a_404_not_a_500(server):
    status, _, _ = server.request(f"{PREFIX}/regression_bins?run=azure/reg&name=nothing")
    assert status == 404


@pytest.mark.parametrize(
    ("method", "value", "message"),
    [
        ("log_residuals", [1, 2, 3], "value: expected Azure's residuals JSON"),
        ("log_residuals", "{not json", "value: not a JSON residuals document"),
        ("log_residuals", {**RESIDUALS, "schema_type": "predictions"}, "schema_type 'residuals'"),
        (
            "log_residuals",
            {**RESIDUALS, "data": {"bin_edges": [0, 1, 2], "bin_counts": [1, 2, 3]}},
            "value: data.bin_counts has 3 values for 2 bins",
        ),
        (
            "log_residuals",
            {**RESIDUALS, "data": {"bin_edges": [0, 2, 1], "bin_counts": [1, 2]}},
            "value: data.bin_edges must hold at least 2 strictly increasing edges",
        ),
        ("log_residuals", {**RESIDUALS, "data": {"bin_edges": [0, 1]}}, "has no bin_counts"),
        (
            "log_residuals",
            {**RESIDUALS, "data": {"bin_edges": [0, 1], "bin_counts": ["a"]}},
            "value: data.bin_counts: expected numbers, got 'a'",
        ),
        (
            "log_residuals",
            {**RESIDUALS, "data": {"bin_edges": [0, float("nan")], "bin_counts": [1]}},
            "must be finite",
        ),
        (
            "log_predictions",
            {**PREDICTIONS, "data": {**PREDICTIONS["data"], "bin_errors": [0.1, -1]}},
            "value: data.bin_errors must be >= 0",
        ),
        (
            "log_predictions",
            {**PREDICTIONS, "data": {"bin_edges": [0, 1], "bin_counts": [1]}},
            "value: the predictions data has no bin_averages, bin_errors",
        ),
    ],
)
def test_bad_input_names_value_and_writes_nothing(tmp_path, method, value, message):
    run = tb_eval.start_logging(str(tmp_path), experiment="e", run_name="r")
    with pytest.raises((TypeError, ValueError), match=message.replace("(", r"\(")):
        getattr(run, method)("x", value)
    assert run.last_step("x") is None
    run.log_residuals("x", RESIDUALS)  # the name was left free, at step 0
    run.complete()
    tensors = _accumulator(run.directory).Tensors("tb_eval/regression_bins/x")
    assert [event.step for event in tensors] == [0]


def test_predictions_json_refuses_array_arguments(tmp_path):
    run = tb_eval.start_logging(str(tmp_path), experiment="e", run_name="r")
    with pytest.raises(TypeError, match="value: Azure's predictions JSON takes only"):
        run.log_predictions("p", PREDICTIONS, y_pred=[1.0, 2.0])
    with pytest.raises(TypeError, match="value: given with y_true"):
        run.log_predictions("p", [1.0, 2.0], value=PREDICTIONS)
    with pytest.raises(TypeError, match="description: given twice"):
        run.log_predictions("p", PREDICTIONS, "a", description="b")
    with pytest.raises(ValueError, match="value: expected Azure's predictions JSON"):
        run.log_predictions("p", value={"schema_type": "residuals", "data": {}})
    with pytest.raises(TypeError, match="y_true"):  # the array form still needs y_true
        run.log_predictions("p", y_pred=[1.0, 2.0])
    assert run.last_step("p") is None
    run.complete()
