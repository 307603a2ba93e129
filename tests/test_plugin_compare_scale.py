"""``/evaluation/compare/table`` and ``/evaluation/compare/curves`` against a real TensorBoard.

A generated sweep (tests/sweep_logdir.py), some of whose runs were written without evaluation
summaries (as before they existed), served under both loaders. Oracles: TensorBoard's own
HParams session groups (params, the sweep metric's last scalar), the per-run ``/evaluation``
and ``/evaluation/compare`` routes, and scikit-learn on arrays read back by ``tb_eval.reader``.
"""

from __future__ import annotations

import json
import math
import urllib.parse

import numpy as np
import pytest
from sklearn import metrics as skm

import tb_eval
from tb_eval.io.events import encode_event, file_version_event
from tb_eval.kinds import common, eval_summary, predictions, sweep
from tests.sweep_logdir import NAME, write_sweep_logdir, write_sweep_record
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
NEW, OLD = 10, 4


def _url(route: str, **params) -> str:
    return f"{PREFIX}{route}?{urllib.parse.urlencode(params, doseq=True)}"


def _get(tb: TensorBoardServer, route: str, **params):
    return tb.get_json(_url(route, **params))


def _headline(metrics: dict) -> dict:
    """The whole-problem metrics (the table leaves out per-class ones such as ``f1/<label>``)."""
    return {name: value for name, value in metrics.items() if "/" not in name}


def _status(tb: TensorBoardServer, route: str, **params) -> tuple[int, dict]:
    status, _, body = tb.request(_url(route, **params))
    return status, json.loads(body)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    write_sweep_logdir(str(root), NEW, steps=5, rows=300, experiment="sweep")
    # Runs written before evaluation summaries existed: the plugin computes theirs.
    limit, eval_summary.MAX_ROWS = eval_summary.MAX_ROWS, -1
    try:
        write_sweep_logdir(
            str(root),
            OLD,
            steps=5,
            rows=300,
            experiment="old",
            seed=1,
            sweep_metric=("loss", "min"),
        )
    finally:
        eval_summary.MAX_ROWS = limit
    # Two steps of predictions in one run, and a run without this evaluation.
    run = tb_eval.start_logging(str(root), experiment="steps", run_name="two", params={"k": 1})
    rng = np.random.default_rng(5)
    for step in (1, 2):
        y = rng.integers(0, 2, 200)
        run.log_predictions(NAME, y, np.clip(0.3 * y + rng.random(200) * 0.7, 0, 1), step=step)
    run.complete()
    other = tb_eval.start_logging(str(root), experiment="steps", run_name="none")
    other.log("loss", 1.0)
    other.complete()
    # A run whose predictions blob is not a predictions payload (and has no summary).
    tag = common.our_tag(predictions.KIND, NAME)
    blob = common.string_tensor(np.array([b"TBEV1\n\x05\x00\x00\x00{bad}"], dtype=object))
    value = common.summary_value(tag, blob, predictions.metadata("binary"))
    (root / "broken").mkdir()
    (root / "broken" / "events.out.tfevents.1.host.1.0").write_bytes(
        file_version_event(1.0) + encode_event(1.0, 0, [value])
    )
    return root


@pytest.fixture(scope="module", params=[True, False], ids=["rust", "python"])
def tb(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as server:
        server.wait_for(
            lambda: (
                len(_get(server, "/evaluation/compare/table", name=NAME)["runs"]) == NEW + OLD + 1
            ),
            timeout=120,
        )
        yield server


def test_the_table_holds_every_run_with_the_metrics_of_evaluation(tb):
    table = _get(tb, "/evaluation/compare/table", name=NAME)
    runs = [row["run"] for row in table["runs"]]
    assert runs == sorted(runs) and "steps/none" not in runs
    assert len(runs) == NEW + OLD + 1
    ((failed),) = table["errors"]  # the corrupt run is named, the others are served
    assert failed["run"] == "broken" and failed["error"].startswith("cannot read tb_eval data:")
    for row in table["runs"]:
        report = _get(tb, "/evaluation", run=row["run"], name=NAME)
        assert row["step"] == report["step"]
        assert row["task"] == report["task"] == "binary"
        assert row["n_samples"] == report["n_samples"]
        assert dict(zip(table["metrics"], row["metrics"])) == pytest.approx(
            _headline(report["metrics"]), rel=1e-12
        )


def test_metrics_match_scikit_learn_on_the_arrays_read_back(tb, logdir):
    table = _get(tb, "/evaluation/compare/table", name=NAME)
    auc = table["metrics"].index("roc_auc")
    for row in table["runs"][:3] + table["runs"][-3:]:
        prepared = _prepared(logdir, row["run"])
        assert row["metrics"][auc] == pytest.approx(
            skm.roc_auc_score(prepared.y_true, prepared.y_score), rel=1e-9
        )


def _prepared(logdir, run):
    from tb_eval.evaluation import Prepared
    from tb_eval.reader import read_run

    data = read_run(str(logdir / run))
    _, payload = data.blobs[predictions.KIND][NAME][-1]
    return predictions.decode(payload, Prepared.from_arrays)


def test_params_status_and_sweep_value_match_tensorboards_hparams(tb):
    table = _get(tb, "/evaluation/compare/table", name=NAME)
    groups = tb.session_groups()
    for row in table["runs"]:
        group = groups[row["run"]]
        assert row["params"] == pytest.approx(group["hparams"])
        assert row["status"] == "success"
    sweep = table["sweep"]
    assert (sweep["run"], sweep["metric"], sweep["mode"], sweep["runs"]) == (
        "sweep",
        "accuracy",
        "max",
        NEW,
    )
    members = [row for row in table["runs"] if row["run"].startswith("sweep/")]
    expected = {}
    for row in members:
        (value,) = [
            m["value"] for m in groups[row["run"]]["metricValues"] if m["name"]["tag"] == "accuracy"
        ]
        expected[row["run"]] = value
        assert row["sweep_value"] == pytest.approx(value, rel=1e-6)
    assert sweep["best"] == max(expected, key=expected.get)
    assert all(
        "sweep_value" not in row for row in table["runs"] if not row["run"].startswith("sweep/")
    )


def test_a_step_picks_that_step_and_leaves_out_runs_without_it(tb):
    at_one = _get(tb, "/evaluation/compare/table", name=NAME, step=1)
    assert [row["run"] for row in at_one["runs"]] == ["steps/two"]
    report = _get(tb, "/evaluation", run="steps/two", name=NAME, step=1)
    assert dict(zip(at_one["metrics"], at_one["runs"][0]["metrics"])) == pytest.approx(
        _headline(report["metrics"])
    )
    assert _status(tb, "/evaluation/compare/table", name=NAME, step=77)[0] == 404


def test_curves_only_for_the_runs_asked_equal_to_the_compare_route(tb):
    runs = ["sweep/trial_0001", "old/trial_0002", "nope"]
    curves = _get(tb, "/evaluation/compare/curves", name=NAME, run=runs)
    assert [entry["run"] for entry in curves["runs"]] == runs[:2]
    compared = _get(tb, "/evaluation/compare", name=NAME, run=runs[:2])
    for mine, theirs in zip(curves["runs"], compared["runs"]):
        assert mine["curves"] == theirs["curves"]
        assert (mine["step"], mine["task"], mine["labels"]) == (
            theirs["step"],
            theirs["task"],
            theirs["labels"],
        )
    assert (
        _get(tb, "/evaluation/compare/curves", name=NAME, run="steps/two", step=1)["runs"][0][
            "step"
        ]
        == 1
    )


@pytest.mark.parametrize(
    "route, params",
    [
        ("/evaluation/compare/table", {}),
        ("/evaluation/compare/table", {"name": ""}),
        ("/evaluation/compare/table", {"name": NAME, "step": "x"}),
        ("/evaluation/compare/table", {"name": NAME, "step": "-1"}),
        ("/evaluation/compare/table", {"name": [NAME, "other"]}),
        ("/evaluation/compare/curves", {"name": NAME}),
        ("/evaluation/compare/curves", {"name": NAME, "run": ""}),
        ("/evaluation/compare/curves", {"run": "sweep/trial_0001"}),
        ("/evaluation/compare/curves", {"name": NAME, "run": [f"r{i}" for i in range(51)]}),
        (
            "/evaluation/compare/curves",
            {"name": NAME, "run": "sweep/trial_0001", "max_points": "5"},
        ),
        (
            "/evaluation/compare/curves",
            {"name": NAME, "run": "sweep/trial_0001", "max_points": "1e3"},
        ),
        ("/evaluation/compare/curves", {"name": NAME, "run": "sweep/trial_0001", "step": "1.5"}),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(tb, route, params):
    status, body = _status(tb, route, **params)
    assert status == 400, body
    assert any(word in body["error"] for word in ("name", "run", "step", "max_points"))


def test_curves_name_the_unreadable_run_and_serve_the_others(tb):
    curves = _get(tb, "/evaluation/compare/curves", name=NAME, run=["broken", "sweep/trial_0002"])
    assert [entry["run"] for entry in curves["runs"]] == ["sweep/trial_0002"]
    ((failed),) = curves["errors"]
    assert failed["run"] == "broken" and failed["error"].startswith("cannot read tb_eval data:")


def test_unknown_names_are_404(tb):
    assert _status(tb, "/evaluation/compare/table", name="nope")[0] == 404
    assert _status(tb, "/evaluation/compare/curves", name="nope", run="sweep/trial_0001")[0] == 404


def test_the_cached_table_follows_new_runs(tmp_path):
    write_sweep_logdir(str(tmp_path), 2, steps=2, rows=100)
    with TensorBoardServer(tmp_path, load_fast=True) as server:
        first = server.wait_for(lambda: _get(server, "/evaluation/compare/table", name=NAME))
        assert len(first["runs"]) == 2
        write_sweep_logdir(
            str(tmp_path), 3, steps=2, rows=100, experiment="more", sweep_metric=None
        )
        grown = server.wait_for(
            lambda: (
                (t := _get(server, "/evaluation/compare/table", name=NAME))
                and len(t["runs"]) == 5
                and t
            )
        )
        assert grown["sweep"]["runs"] == 2  # the "sweep" experiment's record covers its own runs


def test_a_broken_sweep_record_is_ignored(tmp_path):
    write_sweep_logdir(str(tmp_path), 2, steps=2, rows=100, sweep_metric=None)
    write_sweep_record(str(tmp_path / "sweep"), {"metric": "accuracy", "mode": "sideways"})
    with TensorBoardServer(tmp_path, load_fast=True) as server:
        table = server.wait_for(lambda: _get(server, "/evaluation/compare/table", name=NAME))
        assert table["sweep"] is None and len(table["runs"]) == 2


def test_the_table_reads_sweep_records_as_the_sweep_kind_does(tmp_path):
    # The newest record wins; one the kind refuses (here: an unknown source) is no record, so
    # the "other" experiment (as many runs, first by name) is not the table's sweep.
    write_sweep_logdir(str(tmp_path), 2, steps=2, rows=100, sweep_metric=None)
    write_sweep_logdir(str(tmp_path), 2, steps=2, rows=100, experiment="other", sweep_metric=None)
    record = {"experiment": "sweep", "metric": "loss", "mode": "min", "source": "user"}
    write_sweep_record(str(tmp_path / "sweep"), {**record, "metric": "accuracy"}, step=0)
    write_sweep_record(str(tmp_path / "sweep"), record, step=1)
    write_sweep_record(str(tmp_path / "other"), {**record, "source": "elsewhere"})
    with pytest.raises(ValueError, match="source"):
        sweep.decode({**record, "source": "elsewhere"})
    with TensorBoardServer(tmp_path, load_fast=True) as server:
        table = server.wait_for(lambda: _get(server, "/evaluation/compare/table", name=NAME))
        marked = table["sweep"]
        assert (marked["run"], marked["metric"], marked["mode"], marked["runs"]) == (
            "sweep",
            "loss",
            "min",
            2,
        )
        assert len(table["runs"]) == 4


def _summaries(directory) -> list[tuple[int, dict]]:
    """The evaluation summaries of ``val`` as TensorBoard's own EventAccumulator reads them."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(directory), size_guidance={"tensors": 0})
    accumulator.Reload()
    tag = common.our_tag(eval_summary.KIND, NAME)
    return [(e.step, json.loads(e.tensor_proto.string_val[0])) for e in accumulator.Tensors(tag)]


def test_log_predictions_writes_the_summary_at_the_same_step(tmp_path):
    run = tb_eval.start_logging(str(tmp_path), experiment="e", run_name="r")
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 500)
    score = np.clip(0.4 * y + rng.random(500) * 0.6, 0, 1)
    run.log_predictions(NAME, y, score, step=3)
    run.complete()
    ((step, summary),) = _summaries(tmp_path / "e" / "r")
    assert step == 3
    expected = tb_eval.evaluate(y, score)
    assert summary["task"] == "binary" and summary["n_samples"] == 500
    assert summary["metrics"] == pytest.approx(_headline(expected.metrics), rel=1e-12)
    assert all(math.isfinite(v) for v in summary["metrics"].values())
    # A continued run logs the next step under the same name.
    from tb_eval.run import attach

    again = attach(str(tmp_path / "e" / "r"))
    again.log_predictions(NAME, y, score, step=4)
    again.complete()
    assert [s for s, _ in _summaries(tmp_path / "e" / "r")] == [3, 4]
