"""Unit tests of the plugin's pieces that need no TensorBoard: frames, sorting and filtering
against pandas, stacking, summaries, CSV, the cache, parameter parsing and path guards."""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from tensorboard import errors
from werkzeug.datastructures import MultiDict

from tb_eval.kinds import table
from tb_plugin import frame as frames
from tb_plugin import stats
from tb_plugin.cache import LruCache
from tb_plugin.data import UNBOUNDED, downsample_for
from tb_plugin.http import content_disposition
from tb_plugin.query import parse_filters, parse_selection, parse_view
from tb_plugin.routes.runs import artifact_path, describe_run, resolve_artifact
from tb_plugin.routes.static import content_type, static_path
from tb_plugin.routes.tables import csv_chunks
from tb_plugin.tables import Loaded, TableStore

RNG = np.random.default_rng(11)
N = 400
WORDS = ["alpha", "Beta", "gamma", "ÜBER", 'comma,quote"', None, "line\nbreak", "=1+1", ""]


def _columns() -> dict:
    score = np.round(RNG.normal(size=N), 1)
    score[::9] = np.nan
    return {
        "id": np.arange(N),
        "score": score,
        "count": RNG.integers(0, 5, N),
        "flag": RNG.random(N) < 0.4,
        "word": [WORDS[i] for i in RNG.integers(0, len(WORDS), N)],
    }


COLUMNS = _columns()
FRAME = frames.from_table(table.normalize_table(COLUMNS))
DF = pd.DataFrame(COLUMNS)


def _cells(df: pd.DataFrame) -> list[list]:
    out = []
    for row in df.itertuples(index=False):
        out.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    return [[v.item() if hasattr(v, "item") else v for v in row] for row in out]


def _store() -> tuple[TableStore, Loaded]:
    store = TableStore(data=None, cache=LruCache(1 << 30))  # views need no data access
    return store, Loaded(("unit",), FRAME, 0, [0])


def test_from_table_types_and_cells():
    assert FRAME.schema() == [
        {"name": "id", "type": "integer"},
        {"name": "score", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "flag", "type": "bool"},
        {"name": "word", "type": "string"},
    ]
    assert FRAME.rows(slice(0, N)) == _cells(DF)


@pytest.mark.parametrize("column", ["id", "score", "count", "flag", "word"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_pandas_stable(column, descending):
    order = frames.sort_order(FRAME.column(column), descending)
    expected = DF.sort_values(column, ascending=not descending, kind="stable", na_position="last")
    assert order.tolist() == expected.index.tolist()


def test_view_filters_and_search_match_pandas():
    store, loaded = _store()
    view = parse_view(
        MultiDict(
            {
                "q": "A",
                "filter": '{"score": {"min": -0.5, "max": 1.0}, "count": {"min": 1}}',
                "sort": "score",
                "order": "desc",
            }
        )
    )
    rows = store.rows(loaded, view)
    text = DF.astype(str).apply(lambda c: c.str.lower())
    text["word"] = DF["word"].fillna("").str.lower()
    text["score"] = [repr(v) if not math.isnan(v) else "" for v in DF["score"]]
    text["flag"] = DF["flag"].map({True: "true", False: "false"})
    hit = np.zeros(N, bool)
    for name in text:
        hit |= text[name].str.contains("a", regex=False).to_numpy()
    keep = DF["score"].between(-0.5, 1.0) & (DF["count"] >= 1) & hit
    expected = DF[keep].sort_values("score", ascending=False, kind="stable", na_position="last")
    assert rows.tolist() == expected.index.tolist()


def test_column_text_filter_and_bool_range():
    store, loaded = _store()
    rows = store.rows(loaded, parse_view(MultiDict({"filter": '{"word": {"q": "ü"}}'})))
    assert rows.tolist() == DF.index[DF["word"] == "ÜBER"].tolist()
    rows = store.rows(loaded, parse_view(MultiDict({"filter": '{"flag": {"min": 1}}'})))
    assert rows.tolist() == DF.index[DF["flag"]].tolist()
    rows = store.rows(loaded, parse_view(MultiDict({"q": "true"})))
    assert rows.tolist() == DF.index[DF["flag"]].tolist()


@pytest.mark.parametrize(
    "args",
    [
        {"sort": "nope"},
        {"filter": '{"nope": {"min": 1}}'},
        {"filter": '{"word": {"min": 1}}'},
    ],
)
def test_view_rejects_unknown_or_unfit_columns(args):
    store, loaded = _store()
    with pytest.raises(errors.InvalidArgumentError):
        store.rows(loaded, parse_view(MultiDict(args)))


@pytest.mark.parametrize(
    "raw",
    [
        "[1]",
        "{",
        '{"a": 1}',
        '{"a": {}}',
        '{"a": {"min": "x"}}',
        '{"a": {"eq": 1}}',
        '{"a": {"q": 3}}',
        '{"a": {"max": true}}',
        '{"a": {"min": 1' + "0" * 400 + "}}",
        '{"a": {"max": -1' + "0" * 400 + "}}",
        '{"a": {"min": 1' + "0" * 5000 + "}}",
        "[" * 2000 + "]" * 2000,
        '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_bad_filters_are_invalid_arguments(raw):
    with pytest.raises(errors.InvalidArgumentError, match="parameter 'filter'") as caught:
        parse_filters(raw)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"run": "r"},
        {"run": "r", "name": "n", "source": "x"},
        {"run": "r", "name": "n", "step": "-1"},
        {"run": "r", "name": "n", "step": "1.5"},
        {"run": "r", "name": "n", "source": "rows", "step": "1"},
        {"run": "r", "name": "n", "step": "9" * 400},
        {"run": "r", "name": "n", "step": str(2**63)},
        {"run": "r", "name": "n", "step": "\u0661"},
        {"run": "r", "name": "n", "step": " 1"},
        {"run": "r", "name": "n", "step": "1_0"},
    ],
)
def test_bad_selections_are_invalid_arguments(args):
    with pytest.raises(errors.InvalidArgumentError) as caught:
        parse_selection(MultiDict(args))
    assert len(str(caught.value)) < 300


def test_integer_parameters_span_int64():
    top = parse_selection(MultiDict({"run": "r", "name": "n", "step": str(2**63 - 1)}))
    assert top.step == 2**63 - 1


def test_selection_keeps_run_order_without_duplicates():
    selection = parse_selection(
        MultiDict([("run", "b"), ("run", "a"), ("run", "b"), ("name", "t")])
    )
    assert selection.runs == ("b", "a")
    assert selection.source == "table" and selection.step is None


def test_stack_unions_columns_and_merges_types():
    first = frames.from_table(table.normalize_table({"x": [1, 2], "flag": [True, False]}))
    second = frames.from_table(
        table.normalize_table({"flag": [3, 4], "s": ["u", None], "x": [0.5, None]})
    )
    stacked = frames.stack([("a", first), ("b", second)])
    assert stacked.schema() == [
        {"name": "run", "type": "string"},
        {"name": "x", "type": "number"},
        {"name": "flag", "type": "number"},
        {"name": "s", "type": "string"},
    ]
    assert stacked.rows(slice(None)) == [
        ["a", 1.0, 1.0, None],
        ["a", 2.0, 0.0, None],
        ["b", 0.5, 3.0, "u"],
        ["b", None, 4.0, None],
    ]


def test_stack_keeps_integer_type_with_missing_cells():
    first = frames.from_table(table.normalize_table({"n": [1, 2]}))
    second = frames.from_table(table.normalize_table({"m": ["z"]}))
    stacked = frames.stack([("a", first), ("b", second)])
    assert stacked.schema()[1] == {"name": "n", "type": "integer"}
    assert stacked.rows(slice(None)) == [["a", 1, None], ["a", 2, None], ["b", None, "z"]]
    assert frames.sort_order(stacked.column("n"), True).tolist() == [1, 0, 2]


def test_stack_renames_run_column_when_table_has_one():
    first = frames.from_table(table.normalize_table({"run": ["mine"]}))
    stacked = frames.stack([("a", first), ("b", first)])
    assert [c["name"] for c in stacked.schema()] == ["_run", "run"]


def test_summary_matches_numpy_and_pandas():
    rows = np.arange(0, N, 2)
    sub = DF.iloc[rows]
    score = stats.summarize(FRAME.column("score"), rows)
    finite = sub["score"].dropna().to_numpy()
    counts, edges = np.histogram(finite, bins=stats.HISTOGRAM_BINS)
    assert score == {
        "name": "score",
        "type": "number",
        "count": len(finite),
        "missing": int(sub["score"].isna().sum()),
        "min": finite.min(),
        "max": finite.max(),
        "mean": pytest.approx(finite.mean(), rel=1e-12),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }
    count = stats.summarize(FRAME.column("count"), rows)
    assert count["histogram"]["counts"] == [int((sub["count"] == k).sum()) for k in range(5)]
    flag = stats.summarize(FRAME.column("flag"), rows)
    assert (flag["true"], flag["false"]) == (int(sub["flag"].sum()), int((~sub["flag"]).sum()))
    word = stats.summarize(FRAME.column("word"), rows)
    counted = sub["word"].value_counts()
    top = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[: stats.TOP_VALUES]
    assert word["distinct"] == sub["word"].nunique()
    assert word["missing"] == int(sub["word"].isna().sum())
    assert word["top"] == [{"value": v, "count": int(c)} for v, c in top]


def test_summary_of_empty_selection():
    empty = np.array([], dtype=np.int64)
    assert stats.summarize(FRAME.column("score"), empty)["histogram"] == {"edges": [], "counts": []}
    assert stats.summarize(FRAME.column("word"), empty)["top"] == []


def test_csv_matches_pandas():
    rows = np.arange(N)[::-1]
    body = b"".join(csv_chunks(FRAME, rows, escape=False)).decode()
    ours = pd.read_csv(io.StringIO(body))
    theirs = pd.read_csv(io.StringIO(DF.iloc[rows].to_csv(index=False)))
    pd.testing.assert_frame_equal(ours, theirs)
    assert body.count("\r\n") >= N + 1


def test_csv_escapes_formulas_when_asked():
    frame = frames.from_table(table.normalize_table({"s": ["=1+1", "@x", "ok", "-2"]}))
    parsed = list(csv.reader(io.StringIO(b"".join(csv_chunks(frame, None, True)).decode())))
    assert parsed == [["s"], ["'=1+1"], ["'@x"], ["ok"], ["'-2"]]


def test_cache_evicts_least_recent_and_skips_oversized():
    cache = LruCache(100)
    cache.put("a", np.zeros(5))  # 40 bytes
    cache.put("b", np.zeros(5))
    assert cache.get("a") is not None  # a becomes most recent
    cache.put("c", np.zeros(5))
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("huge", np.zeros(100))
    assert cache.get("huge") is None and cache.total_bytes <= 100
    calls = []
    assert cache.get_or_compute("d", lambda: calls.append(1) or np.ones(2))[0] == 1
    cache.get_or_compute("d", lambda: calls.append(1) or np.ones(2))
    assert calls == [1]


def test_sampling_hint_zero_means_unbounded():
    assert downsample_for(0) == UNBOUNDED
    assert downsample_for(None) == UNBOUNDED
    assert downsample_for(25) == 25


def test_static_path_guards(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.js").write_text("export function render() {}")
    (tmp_path / "secret.txt").write_text("no")
    os.symlink(tmp_path / "secret.txt", tmp_path / "static" / "link.js")
    root = str(tmp_path / "static")
    assert static_path("index.js", root) == os.path.realpath(tmp_path / "static" / "index.js")
    for bad in ["../secret.txt", "/etc/passwd", "link.js", "", "sub/../../secret.txt", "a\0b"]:
        assert static_path(bad, root) is None
    assert content_type("index.js") == "text/javascript"
    assert content_type("fonts/x.woff2") == "font/woff2"


def test_artifact_path_guards(tmp_path):
    artifacts = tmp_path / "exp" / "r1" / "artifacts"
    (artifacts / "sub").mkdir(parents=True)
    (artifacts / "sub" / "ok.bin").write_bytes(b"1")
    (tmp_path / "outside.txt").write_text("secret")
    os.symlink(tmp_path / "outside.txt", artifacts / "link.txt")
    os.symlink(artifacts / "sub" / "ok.bin", artifacts / "inner.bin")
    logdir = str(tmp_path)
    assert artifact_path(logdir, "exp/r1", "sub/ok.bin") == os.path.realpath(
        artifacts / "sub/ok.bin"
    )
    # a symlink that stays inside the run's artifacts is followed
    assert artifact_path(logdir, "exp/r1", "inner.bin") == os.path.realpath(
        artifacts / "sub/ok.bin"
    )
    for bad in ["../../outside.txt", "/etc/passwd", "link.txt", "sub", "sub/../sub/ok.bin", ""]:
        assert artifact_path(logdir, "exp/r1", bad) is None


def test_artifact_path_under_a_remote_logdir():
    """A remote logdir's file is its URL, read through fsspec (``memory://`` stands in for a
    bucket: no network); the same names are refused, and so is a run leading out."""
    fsspec = pytest.importorskip("fsspec")
    fsspec.filesystem("memory").pipe("/bucket/logs/exp/r1/artifacts/sub/ok.bin", b"1")
    logdir = "memory://bucket/logs"
    expected = "memory://bucket/logs/exp/r1/artifacts/sub/ok.bin"
    assert artifact_path(logdir, "exp/r1", "sub/ok.bin") == expected
    for bad in ["../../outside.txt", "/etc/passwd", "sub", "sub/../sub/ok.bin", "", "nope.bin"]:
        assert artifact_path(logdir, "exp/r1", bad) is None
    assert artifact_path(logdir, "exp/../exp/r1", "sub/ok.bin") is None
    # a scheme without an installed filesystem: refused, not an error
    assert artifact_path("nosuch://bucket/logs", "exp/r1", "sub/ok.bin") is None


def _symlinked_run(tmp_path, how: str) -> tuple[str, str]:
    """A logdir whose run ``r`` reaches ``secret/passwd`` outside it through a symlink."""
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    (outside / "sub").mkdir()
    (outside / "sub" / "passwd").write_text("root:x:0:0")
    logdir = tmp_path / "logdir"
    run = logdir / "r"
    if how == "run_dir":
        (outside / "artifacts").mkdir()
        (outside / "artifacts" / "passwd").write_text("root:x:0:0")
        logdir.mkdir()
        os.symlink(outside, run)
        return str(logdir), "passwd"
    (run / "artifacts").mkdir(parents=True)
    if how == "artifacts":
        (run / "artifacts").rmdir()
        os.symlink(outside, run / "artifacts")
        return str(logdir), "passwd"
    if how == "component":
        os.symlink(outside / "sub", run / "artifacts" / "sub")
        return str(logdir), "sub/passwd"
    os.symlink(outside / "passwd", run / "artifacts" / "passwd")
    return str(logdir), "passwd"


@pytest.mark.parametrize("how", ["artifacts", "component", "file", "run_dir"])
def test_artifact_path_refuses_every_symlink_out(tmp_path, how):
    logdir, name = _symlinked_run(tmp_path, how)
    path, reason = resolve_artifact(logdir, "r", name)
    assert path is None and "symlink" in reason


def test_content_disposition_is_safe():
    header = content_disposition('dir/ré"sumé;\r\nx.csv')
    assert header.startswith("attachment; filename=\"r_sum_x.csv\"; filename*=UTF-8''")
    assert "\r" not in header and "\n" not in header


def test_describe_run_tolerates_missing_or_odd_records():
    assert describe_run("exp/r", None) == {
        "run": "exp/r",
        "name": "r",
        "experiment": None,
        "status": "unknown",
        "params": {},
        "tags": {},
        "properties": {},
        "display_name": None,
        "parent": None,
        "files": [],
        "start_time": None,
        "end_time": None,
        "error": None,
    }
    odd = describe_run("r", {"params": [1], "files": [{"name": 3}, {"name": "f", "size": 2}]})
    assert odd["params"] == {} and odd["files"] == [{"name": "f", "size": 2}]
    assert odd["error"] == (
        "run record: 'params' should be dict, not list; files[0] should be {name: str, size: int}"
    )


def test_describe_run_names_every_field_of_the_wrong_type():
    record = {"status": True, "start_time": "soon", "tags": {"a": "b"}, "experiment": None}
    entry = describe_run("r", record)
    assert entry["status"] == "unknown" and entry["start_time"] is None
    assert entry["tags"] == {"a": "b"} and entry["experiment"] is None
    assert entry["error"] == (
        "run record: 'status' should be str, not bool; "
        "'start_time' should be int or float or null, not str"
    )
    assert describe_run("r", ValueError("run record: not valid JSON"))["error"] == (
        "run record: not valid JSON"
    )


def test_loader_module_imports_only_tensorboard_and_stdlib():
    code = (
        "import sys; import tb_plugin.loader; "
        "bad = [m for m in ('numpy', 'pandas', 'tb_eval', 'tb_plugin.plugin') if m in sys.modules];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_round_significant_keeps_tiny_values_and_warns_nothing():
    import warnings

    from tb_plugin.evaluation_store import round_significant

    values = np.array([1e-320, 5e-310, 0.123456789, -2.5e-7, 12345.678, np.nan, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the power of ten once overflowed into NaN here
        rounded = round_significant(values, 4)
    assert rounded[0] == 1e-320 and rounded[1] == 5e-310
    assert rounded[2] == 0.1235 and rounded[3] == -2.5e-7 and rounded[4] == 12350.0
    assert np.isnan(rounded[5]) and rounded[6] == 3.0
