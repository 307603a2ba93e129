"""The plugin in-process (werkzeug's test client over TensorBoard's Python data provider):
malformed run records spoil only their own run, no file is served through a symlink out of a
run's artifacts, and no request a client can send is answered with a 500 (hypothesis fuzz).
"""

from __future__ import annotations

import io
import json
import os
import urllib.parse

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tb_eval
from tb_eval.kinds import importance
from tests.plugin_support import BAD_RECORDS, PREFIX, plugin_client, write_bad_record

RNG = np.random.default_rng(5)
N = 60


def _log_everything(run) -> None:
    run.log_table("t", {"id": [1, 2, 3], "score": [0.5, None, 2.0], "w": ["a", "b", '"c"']})
    run.log_table("t", {"id": [4], "score": [1.0], "w": ["d"]})
    for i in range(3):
        run.log_row("rows", i=i, loss=1.0 / (i + 1), ok=i % 2 == 0)
    run.log_list("L", [0.1, 0.2])
    for step in (0, 1):
        run.log_predictions("val", RNG.integers(0, 2, N), y_score=RNG.random(N), step=step)
    run.log_predictions(
        "mc",
        RNG.integers(0, 3, N),
        y_score=RNG.dirichlet([1, 1, 1], N),
        labels=["cat", "dog", "owl"],
    )
    run.log_predictions("ml", RNG.integers(0, 2, (N, 2)), y_score=RNG.random((N, 2)))
    run.log_predictions("reg", RNG.normal(size=N), y_pred=RNG.normal(size=N))
    run.log_predictions("hard", RNG.integers(0, 2, N), y_pred=RNG.integers(0, 2, N))
    run.log_feature_importance("imp", ["a", "b"], [0.3, -0.7])
    run.log_confusion_matrix("cm", [[3, 1], [0, 2]], labels=["n", "y"])
    run.upload_file("out/model.bin", io.BytesIO(b"weights"))


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust_logdir")
    for name in ("a", "b"):
        run = tb_eval.start_logging(root, experiment="exp", run_name=name, params={"lr": 0.1})
        _log_everything(run)
        run.complete()
    for name, tensor in BAD_RECORDS.items():
        write_bad_record(root / "bad" / name, tensor)
    # A run with predictions whose record is unreadable.
    sick = tb_eval.start_logging(root, run_name="sick")
    sick.log_predictions("val", RNG.integers(0, 2, N), y_score=RNG.random(N))
    sick.complete()
    write_bad_record(root / "sick", BAD_RECORDS["dtype0"])
    write_bad_record(root / "sick", BAD_RECORDS["two_strings"], importance.KIND)
    # Symlinks out of a run's artifacts: the directory, a component under it, the file itself.
    outside = root.parent / f"{root.name}_outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "passwd").write_text("root:x:0:0")
    (outside / "sub" / "passwd").write_text("root:x:0:0")
    for how in ("artifacts", "component", "file"):
        run = tb_eval.start_logging(root, experiment="links", run_name=how)
        run.upload_file("passwd", io.BytesIO(b"harmless"))
        run.upload_file("sub/passwd", io.BytesIO(b"harmless"))
        run.complete()
        artifacts = root / "links" / how / "artifacts"
        if how == "artifacts":
            for path in (artifacts / "sub" / "passwd", artifacts / "passwd"):
                path.unlink()
            (artifacts / "sub").rmdir()
            artifacts.rmdir()
            os.symlink(outside, artifacts)
        elif how == "component":
            (artifacts / "sub" / "passwd").unlink()
            (artifacts / "sub").rmdir()
            os.symlink(outside / "sub", artifacts / "sub")
        else:
            (artifacts / "passwd").unlink()
            os.symlink(outside / "passwd", artifacts / "passwd")
    return root


@pytest.fixture(scope="module")
def client(logdir):
    return plugin_client(logdir)


def _get(client, route: str, params=()) -> tuple[int, bytes, str]:
    query = urllib.parse.urlencode(list(params.items()) if isinstance(params, dict) else params)
    response = client.get(f"{PREFIX}{route}?{query}")
    return response.status_code, response.get_data(), response.content_type


# ---------------------------------------------------------------------- item 8: bad records


def test_runs_lists_every_run_and_each_bad_record_with_its_error(client):
    status, body, _ = _get(client, "/runs")
    assert status == 200, body
    runs = {entry["run"]: entry for entry in json.loads(body)["runs"]}
    assert runs["exp/a"]["status"] == "success" and runs["exp/a"]["error"] is None
    assert runs["exp/a"]["params"] == {"lr": 0.1}
    for name in BAD_RECORDS:
        entry = runs[f"bad/{name}"]
        assert isinstance(entry["error"], str) and entry["error"].startswith("run record")
        assert isinstance(entry["params"], dict) and isinstance(entry["files"], list)
    assert "'status' should be str, not int" in runs["bad/wrong_types"]["error"]
    assert runs["bad/wrong_types"]["status"] == "unknown"
    assert "Cannot convert value 0" in runs["bad/dtype0"]["error"]
    assert "reshape" in runs["bad/two_strings"]["error"]


@pytest.mark.parametrize("name", sorted(BAD_RECORDS))
def test_files_and_file_of_a_bad_record_are_not_500(client, name):
    status, body, _ = _get(client, "/files", {"run": f"bad/{name}"})
    assert status == 200 and json.loads(body)["error"].startswith(("run record", "run 'bad/"))
    status, body, _ = _get(client, "/file", {"run": f"bad/{name}", "name": "ok.txt"})
    assert status in (404, 422) and "error" in json.loads(body)


def test_compare_serves_a_run_whose_record_is_bad(client):
    status, body, _ = _get(client, "/evaluation/compare", [("run", "sick"), ("name", "val")])
    assert status == 200, body
    (entry,) = json.loads(body)["runs"]
    assert entry["run"] == "sick" and entry["status"] == "unknown" and entry["params"] == {}


def test_an_undecodable_importance_does_not_fail_the_listing(client):
    status, body, _ = _get(client, "/evaluations")
    assert status == 200, body
    listing = json.loads(body)
    assert {(e["run"], e["name"]) for e in listing["importances"]} == {
        ("exp/a", "imp"),
        ("exp/b", "imp"),
        ("sick", "broken"),
    }
    status, body, _ = _get(client, "/importance", {"run": "sick", "name": "broken"})
    assert status == 422 and "cannot decode" in json.loads(body)["error"]


# ---------------------------------------------------------------------- item 7: symlinks


@pytest.mark.parametrize(
    "how, name", [("artifacts", "passwd"), ("component", "sub/passwd"), ("file", "passwd")]
)
def test_file_never_follows_a_symlink_out_of_the_artifacts(client, how, name):
    status, body, content_type = _get(client, "/file", {"run": f"links/{how}", "name": name})
    assert status == 404 and content_type == "application/json", body
    assert b"root:x" not in body and "symlink" in json.loads(body)["error"]
    _, body, _ = _get(client, "/files", {"run": f"links/{how}"})
    assert name not in [entry["name"] for entry in json.loads(body)["files"]]
    _, body, _ = _get(client, "/runs")
    (entry,) = [e for e in json.loads(body)["runs"] if e["run"] == f"links/{how}"]
    assert name not in [file["name"] for file in entry["files"]]


def test_files_inside_the_artifacts_are_still_served(client):
    status, body, _ = _get(client, "/file", {"run": "links/file", "name": "sub/passwd"})
    assert status == 200 and body == b"harmless"
    _, body, _ = _get(client, "/files", {"run": "links/file"})
    assert json.loads(body)["files"] == [{"name": "sub/passwd", "size": 8}]


# ---------------------------------------------------------------------- item 9: parameters


@pytest.mark.parametrize(
    "route, params, parameter",
    [
        (
            "/table",
            {"run": "exp/a", "name": "t", "filter": '{"id": {"min": 1' + "0" * 400 + "}}"},
            "filter",
        ),
        ("/table", {"run": "exp/a", "name": "t", "filter": "[" * 2000 + "]" * 2000}, "filter"),
        ("/table", {"run": "exp/a", "name": "t", "step": "9" * 400}, "step"),
        ("/table", {"run": "exp/a", "name": "t", "offset": "9" * 400}, "offset"),
        ("/table", {"run": "exp/a", "name": "t", "limit": "9" * 400}, "limit"),
        ("/evaluation", {"run": "exp/a", "name": "val", "step": str(2**63)}, "step"),
        ("/evaluation", {"run": "exp/a", "name": "val", "max_points": "1e3"}, "max_points"),
        ("/evaluation/thresholds", {"run": "exp/a", "name": "val", "points": "15"}, "points"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, route, params, parameter):
    status, body, _ = _get(client, route, params)
    assert status == 400, body
    message = json.loads(body)["error"]
    assert f"parameter {parameter!r}" in message and len(message) < 300


@pytest.mark.parametrize("name", ["val", "mc", "ml"])
def test_thresholds_at_the_documented_minimum_of_16_points(client, name):
    status, body, _ = _get(
        client, "/evaluation/thresholds", {"run": "exp/a", "name": name, "points": "16"}
    )
    assert status == 200, body
    assert 0 < len(json.loads(body)["thresholds"]) <= 16


ROUTES = {
    "/runs": (),
    "/files": ("run",),
    "/file": ("run", "name"),
    "/tables": (),
    "/table": ("run", "name", "source", "step", "offset", "limit", "sort", "order", "q", "filter"),
    "/table/summary": ("run", "name", "source", "step", "sort", "order", "q", "filter"),
    "/table/csv": (
        "run",
        "name",
        "source",
        "step",
        "sort",
        "order",
        "q",
        "filter",
        "escape_formulas",
    ),
    "/list": ("run", "name"),
    "/evaluations": (),
    "/evaluation": ("run", "name", "step", "max_points"),
    "/evaluation/thresholds": ("run", "name", "step", "class", "points"),
    "/evaluation/trend": ("run", "name"),
    "/evaluation/compare": ("run", "name", "step", "max_points"),
    "/importance": ("run", "name", "step"),
    "/confusion": ("run", "name", "step"),
}
#: Values that exist in the logdir, so that the fuzz reaches past the lookups.
REAL = {
    "run": ["exp/a", "exp/b", "sick", "bad/dtype0", "bad/wrong_types", "links/file", ".", "bad"],
    "name": [
        "t",
        "rows",
        "L",
        "val",
        "mc",
        "ml",
        "reg",
        "hard",
        "imp",
        "cm",
        "out/model.bin",
        "passwd",
        "sub/passwd",
    ],
    "source": ["table", "rows"],
    "sort": ["id", "score", "w", "i", "loss", "ok", "run"],
    "order": ["asc", "desc"],
    "class": ["0", "1", "cat", "owl", "dog"],
    "escape_formulas": ["true", "false", "1", "0"],
}
NASTY = [
    "", "0", "-1", "16", "15", "10000", "10001", str(2**63 - 1), str(2**63), "9" * 400, "1e3",
    "NaN", "1.5", " 1", "\u0661", "../../etc/passwd", "/etc/passwd", "a\x00b", '"', "\\", "%",
    "x" * 5000, "[" * 3000, "{" * 3000, "null", "true", "[]", "{}",
]  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "score", "w", "min", "max", "q"]) | st.text(max_size=3),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@st.composite
def requests(draw) -> tuple[str, list[tuple[str, str]]]:
    """A route and its query: each known parameter absent, once or twice, from real values,
    nasty values, integers, any text or (``filter``) any JSON; sometimes an unknown one."""
    route = draw(st.sampled_from(sorted(ROUTES)))
    params = []
    for name in ROUTES[route] + ("extra",):
        copies = draw(st.sampled_from([0, 0, 1, 1, 1, 2]))
        for _ in range(copies):
            options = [
                st.sampled_from(NASTY),
                st.integers(-(2**70), 2**70).map(str),
                st.text(max_size=12),
            ]
            if name in REAL:
                options = [st.sampled_from(REAL[name])] * 3 + options
            if name in ("step", "offset", "limit", "max_points", "points"):
                options.append(st.integers(-3, 40).map(str))
            if name == "filter":
                options.append(JSON_VALUES.map(json.dumps))
            params.append((name, draw(st.one_of(options))))
    return route, params


def _assert_answered(route: str, status: int, body: bytes, content_type: str) -> None:
    assert status < 500, (route, status, body[:300])
    assert b"Traceback" not in body and b'File "/' not in body
    if status != 200:
        assert status in (400, 404, 422) and content_type == "application/json"
        message = json.loads(body)["error"]
        assert isinstance(message, str) and message


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests())
def test_no_request_is_answered_with_a_500(client, request):
    route, params = request
    _assert_answered(route, *_get(client, route, params))


@pytest.mark.parametrize(
    "path",
    [
        "/static/index.js",
        "/static/../../loader.py",
        "/static/%2e%2e/x",
        "/static/",
        "/static/a\x00",
    ],
)
def test_static_never_500(client, path):
    response = client.get(PREFIX + path)
    _assert_answered(path, response.status_code, response.get_data(), response.content_type)
