"""The plugin's routes against a real ``tensorboard`` process, under both loaders.

One logdir is written per module and one server started per loader; every route's JSON is
compared with what was logged, and paging, sorting, filtering, summaries and CSV with pandas.
"""

from __future__ import annotations

import io
import json
import math
import os
import urllib.parse

import numpy as np
import pandas as pd
import pytest

import tb_eval
from tb_plugin import stats
from tb_plugin.query import MAX_LIMIT
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
STATIC_JS = os.path.join(os.path.dirname(__file__), "..", "tb_plugin", "static", "index.js")
RNG = np.random.default_rng(5)
BIG_ROWS = 1500
WORDS = [
    "alpha",
    "Beta",
    "ÜBER",
    'comma,"quote"',
    None,
    "line\nbreak",
    "=SUM(A1)",
    "<script>x</script>",
]
LISTS = [[0.1 + 0.2, 1e-300, -3.5, float(2**53 + 1)], [7.25], [1 / 3, 2 / 3]]
STEPS = 20
ROWS = 150
WEIGHTS = RNG.integers(0, 256, 3000, dtype=np.uint8).tobytes()


def _big(extra: bool) -> dict:
    score = np.round(RNG.normal(size=BIG_ROWS), 1)
    score[::11] = np.nan
    columns = {
        "id": np.arange(BIG_ROWS),
        "score": score,
        "count": RNG.integers(0, 6, BIG_ROWS),
        "flag": RNG.random(BIG_ROWS) < 0.3,
        "word": [WORDS[i] for i in RNG.integers(0, len(WORDS), BIG_ROWS)],
    }
    if extra:  # run b: "flag" as integers, no "word", one more column
        columns["flag"] = RNG.integers(0, 3, BIG_ROWS)
        del columns["word"]
        columns["extra"] = [f"e{i % 7}" for i in range(BIG_ROWS)]
    return columns


BIG_A = _big(False)
BIG_B = _big(True)


def _step_table(step: int) -> dict:
    return {"step": [step] * 3, "x": [step * 0.1, step + 0.5, -step * 1.5], "k": ["a", "b", "c"]}


def _row(i: int) -> dict:
    return {"i": i, "loss": 1 / (i + 1), "label": f"r<{i}>", "even": i % 2 == 0}


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugin_logdir")
    a = tb_eval.start_logging(
        root, experiment="exp", run_name="a", params={"lr": 0.1, "opt": "sgd"}
    )
    a.tag("owner", "ünï <b>team</b>")
    for step in range(STEPS):
        a.log_table("scores", _step_table(step))
    for i in range(ROWS):
        a.log_row("metrics", "one row per <i>i</i>", **_row(i))
    a.log_table("big", BIG_A, "the <b>big</b> table")
    for values in LISTS:
        a.log_list("L", values)
    a.upload_file("model/weights.bin", io.BytesIO(WEIGHTS))
    a.upload_file("résumé final.txt", io.BytesIO("héllo".encode()))
    a.upload_file("link.txt", io.BytesIO(b"to be replaced"))
    a.complete()
    b = tb_eval.start_logging(root, experiment="exp", run_name="b", params={"lr": 0.2})
    b.log_table("big", BIG_B)
    b.log_row("metrics", i=0, loss=0.5, label="only", even=True)
    b.fail("diverged")
    # A recorded file turned into a symlink leaving the run, and a file nobody recorded.
    artifacts = root / "exp" / "a" / "artifacts"
    (root / "secret.txt").write_text("secret")
    os.remove(artifacts / "link.txt")
    os.symlink(root / "secret.txt", artifacts / "link.txt")
    (artifacts / "unrecorded.txt").write_text("not recorded")
    return root


def _fully_loaded(server: TensorBoardServer) -> bool:
    listing = server.get_json(PREFIX + "/tables")
    steps = sum(max(len(t["steps"]), t["max_step"] + 1) for t in listing["tables"])
    runs = server.get_json(PREFIX + "/runs")["runs"]
    done = {run["run"]: run["status"] for run in runs} == {"exp/a": "success", "exp/b": "failure"}
    return done and steps == 1 + ROWS + STEPS + 1 + 1 and len(listing["lists"]) == 1


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def tb(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as server:
        server.wait_for(lambda: _fully_loaded(server))
        yield server


def query(path: str, **params) -> str:
    pairs = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, json.dumps(item) if isinstance(item, dict) else str(item)))
    return f"{PREFIX}{path}?{urllib.parse.urlencode(pairs)}"


def get(tb, path: str, **params):
    return tb.get_json(query(path, **params))


def error(tb, path: str, **params) -> tuple[int, dict]:
    status, headers, body = tb.request(query(path, **params))
    assert headers["Content-Type"].startswith("application/json"), body
    assert b"Traceback" not in body
    return status, json.loads(body)


def cells(df: pd.DataFrame) -> list[list]:
    """Rows as the routes return them: NaN and None as null, numpy scalars as Python."""
    out = []
    for row in df.itertuples(index=False):
        out.append(
            [
                None
                if v is None or (isinstance(v, float) and math.isnan(v))
                else (v.item() if hasattr(v, "item") else v)
                for v in row
            ]
        )
    return out


def stacked_frame() -> pd.DataFrame:
    """What /table returns for runs exp/a + exp/b of "big", built row by row."""
    names = ["id", "score", "count", "flag", "word", "extra"]
    records = []
    for run, columns in (("exp/a", BIG_A), ("exp/b", BIG_B)):
        for i in range(BIG_ROWS):
            row = {"run": run}
            for name in names:
                value = columns[name][i] if name in columns else None
                if name == "flag" and value is not None:
                    value = float(value)
                row[name] = value
            records.append(row)
    df = pd.DataFrame.from_records(records, columns=["run", *names])
    df["flag"] = df["flag"].astype(float)
    return df


# ---------------------------------------------------------------------- plugin and static


def test_plugins_listing_shows_tb_eval(tb):
    listing = tb.get_json("/data/plugins_listing")["tb_eval"]
    assert listing["enabled"] is True
    assert listing["tab_name"] == "Evaluation"
    assert listing["loading_mechanism"] == {
        "type": "IFRAME",
        "module_path": f"{PREFIX}/static/index.js",
    }


def test_plugin_entry_imports_the_bundle(tb):
    body = tb.get("/data/plugin_entry.html?name=tb_eval").decode()
    assert 'import("./static/index.js")' in body


def test_static_bundle_served_as_javascript(tb):
    if not os.path.isfile(STATIC_JS):
        pytest.skip("tb_plugin/static/index.js not built yet (frontend build output)")
    status, headers, body = tb.request(PREFIX + "/static/index.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["X-Content-Type-Options"] == "nosniff"
    with open(STATIC_JS, "rb") as handle:
        assert body == handle.read()


def test_static_fonts_served_as_fonts(tb):
    fonts = os.path.join(os.path.dirname(STATIC_JS), "fonts")
    found = (
        sorted(f for f in os.listdir(fonts) if f.endswith(".woff2")) if os.path.isdir(fonts) else []
    )
    if not found:
        pytest.skip("no woff2 font in tb_plugin/static/fonts")
    status, headers, _ = tb.request(f"{PREFIX}/static/fonts/{found[0]}")
    assert (status, headers["Content-Type"]) == (200, "font/woff2")


@pytest.mark.parametrize(
    "path",
    ["../loader.py", "%2e%2e/loader.py", "..%2Floader.py", "fonts/../../loader.py", "nope.js"],
)
def test_static_path_traversal_is_404(tb, path):
    status, _, body = tb.request(f"{PREFIX}/static/{path}")
    assert status == 404
    assert b"TbEvalLoader" not in body


# ---------------------------------------------------------------------- runs and files


def test_runs_lists_run_records(tb):
    runs = {entry["run"]: entry for entry in get(tb, "/runs")["runs"]}
    assert set(runs) == {"exp/a", "exp/b"}
    a, b = runs["exp/a"], runs["exp/b"]
    assert isinstance(a.pop("start_time"), float) and isinstance(b.pop("start_time"), float)
    assert a.pop("end_time") >= 0 and b.pop("end_time") >= 0
    assert a == {
        "run": "exp/a",
        "name": "a",
        "experiment": "exp",
        "status": "success",
        "params": {"lr": 0.1, "opt": "sgd"},
        "tags": {"owner": "ünï <b>team</b>"},
        "properties": {},
        "display_name": "a",
        "parent": None,
        "files": [
            {"name": "model/weights.bin", "size": len(WEIGHTS)},
            {"name": "résumé final.txt", "size": len("héllo".encode())},
        ],  # link.txt, a symlink leading out of the run, is not listed
        "error": None,
    }
    assert b == {
        "run": "exp/b",
        "name": "b",
        "experiment": "exp",
        "status": "failure",
        "params": {"lr": 0.2},
        "tags": {"error": "diverged"},
        "properties": {},
        "display_name": "b",
        "parent": None,
        "files": [],
        "error": None,
    }


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_runs_leaves_out_a_sweeps_experiment_root(tmp_path, load_fast):
    # The directory tb_eval.log_sweep writes holds HParams' experiment and the sweep record, no
    # run record: it is the sweep (Compare's table names it), not a run with unknown status.
    with tb_eval.start_logging(tmp_path, "s", "t0", {"lr": 0.1}) as run:
        run.log("acc", 0.75)
        run.log_predictions("val", [0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4])
    tb_eval.log_sweep(tmp_path, "s", metric="acc")
    with TensorBoardServer(tmp_path, load_fast=load_fast) as server:
        table = server.wait_for(
            lambda: (t := get(server, "/evaluation/compare/table", name="val"))["sweep"] and t
        )
        assert (table["sweep"]["run"], table["sweep"]["metric"]) == ("s", "acc")
        assert "s" in server.get_json("/data/runs")
        (entry,) = get(server, "/runs")["runs"]
        assert (entry["run"], entry["status"], entry["params"]) == ("s/t0", "success", {"lr": 0.1})


def test_files_and_file_download(tb):
    files = get(tb, "/files", run="exp/a")
    assert files["run"] == "exp/a" and files["error"] is None
    assert [f["name"] for f in files["files"]] == ["model/weights.bin", "résumé final.txt"]
    status, headers, body = tb.request(query("/file", run="exp/a", name="model/weights.bin"))
    assert (status, body) == (200, WEIGHTS)
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith('attachment; filename="weights.bin"')
    status, headers, body = tb.request(query("/file", run="exp/a", name="résumé final.txt"))
    assert (status, body) == (200, "héllo".encode())
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20final.txt" in headers["Content-Disposition"]


@pytest.mark.parametrize(
    "run, name",
    [
        ("exp/a", "link.txt"),  # recorded, but a symlink leading out of the run
        ("exp/a", "unrecorded.txt"),  # on disk, never recorded
        ("exp/a", "../../secret.txt"),
        ("exp/a", "model/../../../secret.txt"),
        ("exp/a", "/etc/passwd"),
        ("exp/a", os.path.abspath("/etc/hostname")),
        ("exp/../secret.txt", "x"),
        ("nope", "model/weights.bin"),
    ],
)
def test_file_refuses_anything_else(tb, run, name):
    status, body = error(tb, "/file", run=run, name=name)
    assert status == 404 and "error" in body


def test_files_of_unknown_run_is_404(tb):
    assert error(tb, "/files", run="nope")[0] == 404
    assert error(tb, "/files")[0] == 400


# ---------------------------------------------------------------------- listings


def test_tables_lists_every_step_rows_and_lists(tb):
    listing = get(tb, "/tables")
    assert len(listing["tables"]) == 5
    by_key = {(t["run"], t["name"], t["source"]): t for t in listing["tables"]}
    assert by_key == {
        ("exp/a", "big", "table"): {
            "run": "exp/a",
            "name": "big",
            "source": "table",
            "steps": [0],
            "max_step": 0,
            "description": "the <b>big</b> table",
        },
        ("exp/a", "metrics", "rows"): {
            "run": "exp/a",
            "name": "metrics",
            "source": "rows",
            "steps": [],
            "max_step": ROWS - 1,
            "description": "one row per <i>i</i>",
        },
        ("exp/a", "scores", "table"): {
            "run": "exp/a",
            "name": "scores",
            "source": "table",
            "steps": list(range(STEPS)),
            "max_step": STEPS - 1,
            "description": "",
        },
        ("exp/b", "big", "table"): {
            "run": "exp/b",
            "name": "big",
            "source": "table",
            "steps": [0],
            "max_step": 0,
            "description": "",
        },
        ("exp/b", "metrics", "rows"): {
            "run": "exp/b",
            "name": "metrics",
            "source": "rows",
            "steps": [],
            "max_step": 0,
            "description": "",
        },
    }
    assert listing["lists"] == [{"run": "exp/a", "name": "L", "calls": len(LISTS)}]


def test_list_returns_exact_values(tb):
    assert get(tb, "/list", run="exp/a", name="L") == {
        "run": "exp/a",
        "name": "L",
        "calls": [{"step": step, "values": values} for step, values in enumerate(LISTS)],
    }


# ---------------------------------------------------------------------- tables


def test_every_table_step_comes_back_exactly(tb):
    for step in range(STEPS):
        page = get(tb, "/table", run="exp/a", name="scores", step=step)
        expected = _step_table(step)
        assert page["step"] == step and page["steps"] == list(range(STEPS))
        assert page["columns"] == [
            {"name": "step", "type": "integer"},
            {"name": "x", "type": "number"},
            {"name": "k", "type": "string"},
        ]
        assert page["rows"] == [list(r) for r in zip(*expected.values())]
    assert get(tb, "/table", run="exp/a", name="scores")["step"] == STEPS - 1


def test_all_logged_rows_come_back(tb):
    page = get(tb, "/table", run="exp/a", name="metrics", source="rows", limit=1000)
    assert page["total_rows"] == page["filtered_rows"] == ROWS
    assert page["columns"] == [
        {"name": "i", "type": "integer"},
        {"name": "loss", "type": "number"},
        {"name": "label", "type": "string"},
        {"name": "even", "type": "bool"},
    ]
    assert page["rows"] == [list(_row(i).values()) for i in range(ROWS)]
    assert page["step"] is None and page["steps"] == []


VIEWS = [
    {},
    {"sort": "score"},
    {"sort": "score", "order": "desc", "offset": 20, "limit": 50},
    {"sort": "word", "order": "asc", "offset": 1400, "limit": 300},
    {"sort": "flag", "order": "desc"},
    {"q": "beta"},
    {"q": "<SCRIPT>", "sort": "id", "order": "desc"},
    {"filter": {"score": {"min": -0.3, "max": 0.8}}, "sort": "count"},
    {"filter": {"word": {"q": "a"}, "count": {"max": 2}}, "sort": "score", "order": "desc"},
    {"filter": {"flag": {"min": 1}}, "q": "ü", "offset": 3, "limit": 7},
]


def expected_view(df: pd.DataFrame, view: dict) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    text = {}
    for name in df.columns:
        column = df[name]
        if column.dtype == bool:
            text[name] = column.map({True: "true", False: "false"})
        elif column.dtype.kind == "f":
            text[name] = column.map(lambda v: "" if math.isnan(v) else repr(v))
        else:
            text[name] = column.map(lambda v: "" if pd.isna(v) else str(v)).str.lower()
    for name, condition in view.get("filter", {}).items():
        if "q" in condition:
            keep &= text[name].str.lower().str.contains(condition["q"].lower(), regex=False)
        if "min" in condition:
            keep &= df[name] >= condition["min"]
        if "max" in condition:
            keep &= df[name] <= condition["max"]
    if view.get("q"):
        hits = pd.Series(False, index=df.index)
        for name in df.columns:
            hits |= text[name].str.lower().str.contains(view["q"].lower(), regex=False)
        keep &= hits
    out = df[keep]
    if "sort" in view:
        out = out.sort_values(
            view["sort"],
            ascending=view.get("order", "asc") == "asc",
            kind="stable",
            na_position="last",
        )
    return out


@pytest.mark.parametrize("view", VIEWS, ids=[json.dumps(v) for v in VIEWS])
def test_table_views_match_pandas(tb, view):
    df = pd.DataFrame(BIG_A)
    page = get(tb, "/table", run="exp/a", name="big", **view)
    expected = expected_view(df, view)
    offset, limit = view.get("offset", 0), view.get("limit", 100)
    assert page["total_rows"] == BIG_ROWS
    assert page["filtered_rows"] == len(expected)
    assert page["offset"] == offset
    assert page["rows"] == cells(expected.iloc[offset : offset + limit])


def test_limit_is_capped(tb):
    page = get(tb, "/table", run="exp/a", name="big", limit=5000)
    assert len(page["rows"]) == MAX_LIMIT == page["limit"]
    past = get(tb, "/table", run="exp/a", name="big", offset=BIG_ROWS + 5)
    assert past["rows"] == [] and past["filtered_rows"] == BIG_ROWS


@pytest.mark.parametrize(
    "view",
    [{}, {"sort": "flag", "order": "desc", "offset": 1490}, {"q": "e3", "sort": "score"}],
    ids=["plain", "sorted", "search"],
)
def test_runs_stack_with_a_run_column(tb, view):
    page = get(tb, "/table", run=["exp/a", "exp/b"], name="big", **view)
    assert page["columns"] == [
        {"name": "run", "type": "string"},
        {"name": "id", "type": "integer"},
        {"name": "score", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "flag", "type": "number"},
        {"name": "word", "type": "string"},
        {"name": "extra", "type": "string"},
    ]
    assert page["runs"] == [{"run": "exp/a", "step": 0}, {"run": "exp/b", "step": 0}]
    expected = expected_view(stacked_frame(), view)
    assert page["total_rows"] == 2 * BIG_ROWS and page["filtered_rows"] == len(expected)
    offset = view.get("offset", 0)
    assert page["rows"] == cells(expected.iloc[offset : offset + 100])


def test_rows_stack_across_runs(tb):
    page = get(tb, "/table", run=["exp/b", "exp/a"], name="metrics", source="rows", limit=3)
    assert page["total_rows"] == ROWS + 1
    assert page["rows"] == [
        ["exp/b", 0, 0.5, "only", True],
        ["exp/a", *_row(0).values()],
        ["exp/a", *_row(1).values()],
    ]


@pytest.mark.parametrize("view", [{}, VIEWS[8]], ids=["all", "filtered"])
def test_summary_matches_pandas(tb, view):
    summary = get(tb, "/table/summary", run="exp/a", name="big", **view)
    df = expected_view(pd.DataFrame(BIG_A), view)
    assert summary["filtered_rows"] == len(df) and summary["total_rows"] == BIG_ROWS
    by_name = {column["name"]: column for column in summary["columns"]}
    score = by_name["score"]
    finite = df["score"].dropna().to_numpy()
    counts, edges = np.histogram(finite, bins=stats.HISTOGRAM_BINS)
    assert (score["count"], score["missing"]) == (len(finite), len(df) - len(finite))
    assert (score["min"], score["max"]) == (finite.min(), finite.max())
    assert score["mean"] == pytest.approx(finite.mean(), rel=1e-12)
    assert score["histogram"] == {"edges": edges.tolist(), "counts": counts.tolist()}
    assert by_name["flag"]["true"] == int(df["flag"].sum())
    words = df["word"].value_counts()
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[: stats.TOP_VALUES]
    assert by_name["word"]["top"] == [{"value": v, "count": int(c)} for v, c in top]
    assert by_name["word"]["distinct"] == df["word"].nunique()
    assert by_name["word"]["missing"] == int(df["word"].isna().sum())


@pytest.mark.parametrize("view", [{}, VIEWS[2], VIEWS[8]], ids=["all", "sorted", "filtered"])
def test_csv_matches_pandas(tb, view):
    status, headers, body = tb.request(query("/table/csv", run="exp/a", name="big", **view))
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"].startswith('attachment; filename="big.csv"')
    expected = expected_view(
        pd.DataFrame(BIG_A), {k: v for k, v in view.items() if k not in ("offset", "limit")}
    )
    ours = pd.read_csv(io.StringIO(body.decode("utf-8")))
    theirs = pd.read_csv(io.StringIO(expected.to_csv(index=False)))
    pd.testing.assert_frame_equal(ours, theirs)


def test_csv_can_escape_formulas(tb):
    body = tb.get(query("/table/csv", run="exp/a", name="big", escape_formulas="true")).decode()
    assert "'=SUM(A1)" in body and "\n=SUM(A1)" not in body


def test_logged_strings_come_back_as_data(tb):
    page = get(tb, "/table", run="exp/a", name="big", q="<script>", limit=1)
    assert page["rows"][0][4] == "<script>x</script>"
    status, headers, body = tb.request(query("/table", run="exp/a", name="big", q="<script>"))
    assert headers["Content-Type"].startswith("application/json")


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "params",
    [
        {"name": "big"},
        {"run": "exp/a"},
        {"run": "exp/a", "name": "big", "source": "bogus"},
        {"run": "exp/a", "name": "big", "step": "x"},
        {"run": "exp/a", "name": "big", "order": "up"},
        {"run": "exp/a", "name": "big", "sort": "nope"},
        {"run": "exp/a", "name": "big", "filter": "{not json"},
        {"run": "exp/a", "name": "big", "filter": {"nope": {"min": 1}}},
        {"run": "exp/a", "name": "big", "filter": {"word": {"min": 1}}},
        {"run": "exp/a", "name": "metrics", "source": "rows", "step": 1},
    ],
)
@pytest.mark.parametrize("route", ["/table", "/table/summary", "/table/csv"])
def test_bad_parameters_are_400(tb, route, params):
    status, body = error(tb, route, **params)
    assert status == 400 and body["error"]


@pytest.mark.parametrize("params", [{"offset": -1}, {"limit": "many"}, {"limit": 0}])
def test_bad_paging_is_400(tb, params):
    status, body = error(tb, "/table", run="exp/a", name="big", **params)
    assert status == 400 and body["error"]


@pytest.mark.parametrize(
    "route, params",
    [
        ("/table", {"run": "nope", "name": "big"}),
        ("/table", {"run": "exp/a", "name": "nope"}),
        ("/table", {"run": "exp/a", "name": "scores", "step": 99}),
        ("/table", {"run": "exp/a", "name": "metrics"}),  # rows, asked as a table
        ("/table/summary", {"run": "exp/a", "name": "big", "source": "rows"}),
        ("/table/csv", {"run": "nope", "name": "big"}),
        ("/list", {"run": "exp/a", "name": "nope"}),
        ("/list", {"run": "nope", "name": "L"}),
    ],
)
def test_unknown_things_are_404(tb, route, params):
    status, body = error(tb, route, **params)
    assert status == 404 and body["error"]
