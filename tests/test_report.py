"""``python -m tb_eval report`` and ``tb_eval.report``: arguments, errors, selection, and that
the embedded data is what a real TensorBoard serves.

The oracle for the data is a real ``tensorboard`` process under both loaders (Rust data server
and Python multiplexer): every answer embedded in the report must equal, value for value, what
that server's plugin route answers for the same URL. The report itself builds the plugin
in-process over TensorBoard's Python loader. The browser side is in tests/e2e/test_report.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

import tb_eval
from tb_eval.html_report import DATA_ELEMENT_ID, THRESHOLD_POINTS, ReportError
from tests.e2e.evaldata import XSS, ready, write_eval_logdir
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
BUNDLE = Path(__file__).resolve().parent.parent / "tb_plugin" / "static" / "index.js"
#: Logged into the report's logdir: would end the data element, open a comment, or run code.
HOSTILE = "</script><script>window.__xss=2</script><!-- </SCRIPT "

pytestmark = pytest.mark.skipif(
    not BUNDLE.exists(), reason="frontend bundle not built (cd frontend && npm run build)"
)


def write_report_logdir(root: str | os.PathLike) -> None:
    """The e2e evaluation logdir plus a run whose strings try to break out of the page."""
    write_eval_logdir(root)
    with tb_eval.start_logging(
        os.fspath(root), run_name="hostile", params={"note": HOSTILE}
    ) as run:
        run.tag("owner", HOSTILE)
        run.log_confusion_matrix("cm " + HOSTILE, [[3, 1], [2, 4]], labels=[HOSTILE, XSS])
        residuals = {"bin_edges": [-1, 0, 1], "bin_counts": [2, 3]}
        run.log_residuals("residuals", {"schema_type": "residuals", "data": residuals}, HOSTILE)
        run.complete()


def embedded(path: str | os.PathLike) -> dict:
    """The document a report page carries."""
    text = Path(path).read_text(encoding="utf-8")
    match = re.search(
        rf'<script id="{DATA_ELEMENT_ID}" type="application/json">(.*?)</script>', text, re.S
    )
    assert match, "no data element"
    return json.loads(match.group(1))


def answers(document: dict) -> dict[tuple[str, tuple], tuple[int, object]]:
    return {
        (path, tuple(tuple(p) for p in params)): (status, document["bodies"][body])
        for path, params, status, body in document["responses"]
    }


def cli(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run(
        [sys.executable, "-m", "tb_eval", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


@pytest.fixture(scope="module")
def logdir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report_logdir")
    write_report_logdir(root)
    return root


@pytest.fixture(scope="module")
def default_report(logdir, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("report_out") / "report.html"
    done = cli("report", str(logdir), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out, done


# ------------------------------------------------------------------------ the page


def test_cli_writes_one_self_contained_file_with_progress(default_report):
    out, done = default_report
    text = out.read_text(encoding="utf-8")
    assert done.stdout == ""
    assert "tb_eval report: loading" in done.stderr and "wrote" in done.stderr
    assert str(out) in done.stderr
    # the bundle is inlined, unchanged except for escapes; nothing is loaded from elsewhere
    assert text.count("<script") == 2
    assert re.search(r"<script[^>]*\bsrc=", text) is None
    assert re.search(r"<link\b", text) is None
    assert "export{" in text.replace(" ", "")
    assert len(text.encode()) > BUNDLE.stat().st_size
    # no network: the CSP allows no connection and only the inline module (by hash)
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', text).group(1)
    assert "connect-src 'none'" in csp and "default-src 'none'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_logged_strings_cannot_end_the_data_element(default_report):
    out, _ = default_report
    text = out.read_text(encoding="utf-8")
    data = re.search(rf'id="{DATA_ELEMENT_ID}" type="application/json">(.*?)</script>', text, re.S)
    raw = data.group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    # exactly two closing tags (data element and module), both ours
    assert text.lower().count("</script") == 2
    assert "<!--" not in text
    # ...and the strings come back intact when parsed
    document = embedded(out)
    runs = {r["run"]: r for r in document["bodies"][document["responses"][0][3]]["runs"]}
    assert runs["hostile"]["tags"]["owner"] == HOSTILE
    assert runs["hostile"]["params"]["note"] == HOSTILE
    assert runs["bin"]["tags"]["owner"] == XSS


def test_title_is_escaped(logdir, tmp_path):
    out = tb_eval.report(logdir, tmp_path / "r.html", title=HOSTILE, names="val", runs="bin")
    text = out.read_text(encoding="utf-8")
    head = text.split("</head>")[0]
    assert "<title>&lt;/script&gt;&lt;script&gt;" in head
    assert embedded(out)["title"] == HOSTILE


# ------------------------------------------------------------------------ the data


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def served(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as tb:
        tb.wait_for(lambda: ready_with_hostile(tb), timeout=90)
        yield tb


def ready_with_hostile(tb: TensorBoardServer) -> bool:
    listing = tb.get_json(f"{PREFIX}/evaluations")
    runs = {r["run"]: r["status"] for r in tb.get_json(f"{PREFIX}/runs")["runs"]}
    return (
        ready(tb.get_json)
        and runs.get("hostile") == "success"
        and any(c["run"] == "hostile" for c in listing["confusions"])
        and any(c["run"] == "hostile" for c in listing.get("regression_bins", []))
    )


def route_answer(tb: TensorBoardServer, path: str, params) -> tuple[int, object]:
    query = urllib.parse.urlencode([tuple(p) for p in params])
    status, _, body = tb.request(f"{PREFIX}/{path}" + (f"?{query}" if query else ""))
    return status, json.loads(body)


def test_every_embedded_answer_is_what_tensorboard_serves(default_report, served):
    document = embedded(default_report[0])
    held = answers(document)
    # listings: the server's entries, all of them here (nothing was filtered out)
    assert held[("runs", ())] == (200, served.get_json(f"{PREFIX}/runs"))
    assert held[("evaluations", ())] == (200, served.get_json(f"{PREFIX}/evaluations"))
    checked = set()
    for (path, params), (status, body) in held.items():
        if path in ("runs", "evaluations"):
            continue
        assert route_answer(served, path, params) == (status, body), (path, params)
        checked.add(path)
    assert checked == {
        "evaluation",
        "evaluation/thresholds",
        "evaluation/trend",
        "evaluation/compare",
        "importance",
        "confusion",
        "regression_bins",
    }


def test_report_holds_what_the_dashboards_ask_for(default_report):
    document = embedded(default_report[0])
    held = answers(document)
    listing = held[("evaluations", ())][1]
    for entry in listing["evaluations"]:
        run, name = entry["run"], entry["name"]
        status, report = held[("evaluation", (("run", run), ("name", name)))]
        assert status == 200 and report["step"] == entry["steps"][-1]
        assert ("evaluation/trend", (("run", run), ("name", name))) in held
        base = (("run", run), ("name", name), ("step", str(report["step"])))
        points = (("points", str(THRESHOLD_POINTS)),)
        if report["task"] == "binary":
            table = held[("evaluation/thresholds", base + points)][1]
            assert len(table["thresholds"]) <= THRESHOLD_POINTS  # reduced, as the route sends
        elif report["task"] in ("multiclass", "multilabel"):
            for label in report["labels"]:
                assert ("evaluation/thresholds", base + points + (("class", label),)) in held
    assert len(listing["regression_bins"]) == 1
    kinds = ("importances", "importance"), ("confusions", "confusion")
    for kind, path in (*kinds, ("regression_bins", "regression_bins")):
        for entry in listing[kind]:
            assert held[(path, (("run", entry["run"]), ("name", entry["name"])))][0] == 200
    every_run = tuple(("run", e["run"]) for e in listing["evaluations"])
    assert held[("evaluation/compare", (*every_run, ("name", "val")))][0] == 200
    # identical answers are stored once (the newest step with and without ``step``)
    assert len(document["bodies"]) < len(document["responses"])


def test_compare_of_a_subset_is_the_full_compare_filtered(default_report, served):
    """The report answers a compare of some runs from the compare of all (each run's entry does
    not depend on the others): check that against the route itself."""
    held = answers(embedded(default_report[0]))
    full = next(body for (path, _), (_, body) in held.items() if path == "evaluation/compare")
    subset = ["sweep/t2", "bin", "sweep/t0"]
    status, answer = route_answer(
        served, "evaluation/compare", [("run", r) for r in subset] + [("name", "val")]
    )
    assert status == 200
    # every per-run list of the answer ("runs", "errors") is the full one's, picked and ordered
    picked = {
        key: [e for r in subset for e in value if e["run"] == r]
        if isinstance(value, list)
        else value
        for key, value in full.items()
    }
    assert answer == picked
    assert [e["run"] for e in answer["runs"]] == subset


def test_selection_by_run_and_name_patterns(logdir, tmp_path):
    out = tb_eval.report(logdir, tmp_path / "sel.html", runs=["sweep/*", "bin"], names=["val"])
    held = answers(embedded(out))
    assert [r["run"] for r in held[("runs", ())][1]["runs"]] == [
        "bin",
        "sweep/t0",
        "sweep/t1",
        "sweep/t2",
    ]
    listing = held[("evaluations", ())][1]
    assert {(e["run"], e["name"]) for e in listing["evaluations"]} == {
        (r, "val") for r in ("bin", "sweep/t0", "sweep/t1", "sweep/t2")
    }
    assert listing["importances"] == [] and listing["confusions"] == []
    assert {dict(params)["run"] for (path, params) in held if path == "evaluation"} <= {
        "bin",
        "sweep/t0",
        "sweep/t1",
        "sweep/t2",
    }


def test_chosen_step_leaves_out_entries_without_it(logdir, tmp_path, served):
    lines: list[str] = []
    out = tb_eval.report(logdir, tmp_path / "s.html", step=1, progress=lines.append)
    document = embedded(out)
    assert document["step"] == 1
    held = answers(document)
    listing = held[("evaluations", ())][1]
    assert {(e["run"], e["name"]) for e in listing["evaluations"]} == {
        ("bin", "val"),
        ("mc", "val"),
        ("ml", "val"),
        ("reg", "val"),
    }
    assert any("left out sweep/t0: val (no step 1" in line for line in lines)
    status, report = held[("evaluation", (("run", "mc"), ("name", "val"), ("step", "1")))]
    assert (status, report) == route_answer(
        served, "evaluation", [("run", "mc"), ("name", "val"), ("step", "1")]
    )
    assert report["step"] == 1
    assert not any(path == "evaluation" and len(params) == 2 for path, params in held)


def test_max_classes_bounds_the_threshold_tables(logdir, tmp_path):
    out = tb_eval.report(logdir, tmp_path / "m.html", runs="mc", max_classes=3)
    held = answers(embedded(out))
    classes = [dict(p).get("class") for path, p in held if path == "evaluation/thresholds"]
    report = held[("evaluation", (("run", "mc"), ("name", "val")))][1]
    assert classes == report["labels"][:3]
    small = tb_eval.report(logdir, tmp_path / "m0.html", runs="mc", max_classes=0)
    assert small.stat().st_size < out.stat().st_size


# ------------------------------------------------------------------------ errors


def test_python_api_is_lazy_and_documented():
    code = (
        "import sys, tb_eval; "
        "print('tb_eval.html_report' in sys.modules, 'tb_plugin.plugin' in sys.modules); "
        "f = tb_eval.report; import tb_eval.html_report; print(tb_eval.report is f, f.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True", "report"]
    assert "report" in tb_eval.__all__


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"runs": "nope*"}, ReportError, ["runs (--run) pattern", "'nope*'", "bin"]),
        ({"names": ["val", "zzz"]}, ReportError, ["names (--name) pattern", "'zzz'"]),
        ({"runs": [""]}, ReportError, ["runs (--run)", "''"]),
        ({"step": 99}, ReportError, ["no evaluations at step 99"]),
        ({"step": -1}, ReportError, ["step (--step)", "-1"]),
        ({"step": True}, ReportError, ["step (--step)", "True"]),
        ({"max_classes": -2}, ReportError, ["max_classes", "-2"]),
        ({"title": 3}, ReportError, ["title", "3"]),
    ],
)
def test_bad_arguments_name_the_argument_and_write_nothing(logdir, tmp_path, kwargs, error, words):
    out = tmp_path / "r.html"
    with pytest.raises(error) as info:
        tb_eval.report(logdir, out, **kwargs)
    for word in words:
        assert word in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_bad_logdirs(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match="logdir .*missing.* does not exist"):
        tb_eval.report(missing, tmp_path / "r.html")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReportError, match="logdir .*empty.* has no runs"):
        tb_eval.report(empty, tmp_path / "r.html")
    scalars = tmp_path / "scalars"
    with tb_eval.start_logging(scalars, run_name="only-scalars") as run:
        run.log("loss", 0.5)
    with pytest.raises(ReportError, match="has no evaluations in the chosen runs"):
        tb_eval.report(scalars, tmp_path / "r.html")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ReportError, match="is not a directory"):
        tb_eval.report(a_file, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_bad_outputs(logdir, tmp_path):
    with pytest.raises(ReportError, match=r"output \(-o\) .* is a directory"):
        tb_eval.report(logdir, tmp_path)
    with pytest.raises(
        ReportError, match=r"output \(-o\) .*: directory .*nowhere.* does not exist"
    ):
        tb_eval.report(logdir, tmp_path / "nowhere" / "r.html")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root may write into a read-only directory, never into /proc
    target = locked / "r.html" if not os.access(locked, os.W_OK) else Path("/proc/r.html")
    try:
        with pytest.raises(
            ReportError, match=r"output \(-o\) .*r\.html.* (is not writable|cannot be)"
        ):
            tb_eval.report(logdir, target, runs="reg")
    finally:
        locked.chmod(0o700)
    assert list(locked.iterdir()) == []


def test_an_existing_report_is_replaced_whole(logdir, tmp_path):
    out = tmp_path / "r.html"
    out.write_text("old")
    tb_eval.report(logdir, out, runs="reg")
    assert embedded(out)["responses"][0][0] == "runs"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left


def test_cli_errors_exit_2_with_the_argument(logdir, tmp_path):
    done = cli("report", str(tmp_path / "nowhere"), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert "python -m tb_eval report: error: logdir" in done.stderr and "nowhere" in done.stderr
    done = cli("report", str(logdir), "--run", "zzz*", "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "'zzz*' matches no run" in done.stderr
    done = cli("report", str(logdir), "--step", "-3")
    assert done.returncode == 2 and "--step" in done.stderr and "-3" in done.stderr
    done = cli("report", str(logdir), "--max-classes", "x")
    assert done.returncode == 2 and "--max-classes" in done.stderr
    done = cli()
    assert done.returncode == 2 and "{report,doctor}" in done.stderr and "command" in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_options(logdir, tmp_path):
    done = cli(
        "report", str(logdir), "-q", "--run", "reg*", "--name", "val", "--title", "Ridge",
        "--output", "out.html", cwd=str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
    document = embedded(tmp_path / "out.html")
    assert document["title"] == "Ridge"
    runs = answers(document)[("runs", ())][1]["runs"]
    assert [r["run"] for r in runs] == ["reg", "reg_big"]
    help_text = cli("report", "--help").stdout
    for option in ("--run", "--name", "--step", "--output", "--title", "--max-classes", "-q"):
        assert option in help_text
