"""Corrupt and foreign data in the logdir: TensorBoard keeps serving, and our routes answer with
a short JSON error (no traceback) for what cannot be decoded and normally for everything else.
Also: an explicit ``--samples_per_plugin tb_eval=N`` is respected (our default is only a default).
"""

from __future__ import annotations

import json
import struct
import time
import urllib.parse

import numpy as np
import pytest
from tensorboard.compat.proto import summary_pb2

import tb_eval
from tb_eval.io.events import encode_event, file_version_event
from tb_eval.kinds import common, run_record, series, table
from tests.tbserver import TensorBoardServer

PREFIX = "/data/plugin/tb_eval"
GOOD_TABLE = {"a": [1, 2, 3], "s": ["x", "y", "z"]}


def _value(tag: str, tensor, kind: str, data_class: int) -> summary_pb2.Summary.Value:
    return common.summary_value(tag, tensor, common.our_metadata(kind, data_class))


def _foreign_events() -> bytes:
    """Records under our plugin name whose payloads are not what our kinds write."""
    blob = common.DATA_CLASS_BLOB_SEQUENCE
    tensor = common.DATA_CLASS_TENSOR
    bad_header = b"TBEV1\n" + struct.pack("<I", 5) + b"{bad}"
    values = [
        _value(run_record.TAG, common.string_tensor("{not json"), run_record.KIND, tensor),
        _value(
            common.our_tag("table", "garbage"),
            common.string_tensor(np.array([b"\x00garbage"], dtype=object)),
            "table",
            blob,
        ),
        _value(
            common.our_tag("table", "bad_header"),
            common.string_tensor(np.array([bad_header], dtype=object)),
            "table",
            blob,
        ),
        _value(common.our_tag("row", "not_json"), common.string_tensor("nope{"), "row", tensor),
        _value(common.our_tag("row", "not_object"), common.json_tensor([1, 2]), "row", tensor),
        _value(
            common.our_tag("row", "numbers"),
            common.float64_tensor(np.array([1.0, 2.0])),
            "row",
            tensor,
        ),
        _value(common.our_tag(series.KIND, "strings"), common.string_tensor("1,2"), "list", tensor),
        _value("not_our_prefix", common.string_tensor("x"), "row", tensor),
    ]
    return file_version_event(time.time()) + encode_event(time.time(), 0, values)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrupt_logdir")
    good = tb_eval.start_logging(root, run_name="good")
    good.log_table("t", GOOD_TABLE)
    good.complete()
    truncated = tb_eval.start_logging(root, run_name="truncated")
    truncated.log_table("t", GOOD_TABLE)
    truncated.complete()
    (path,) = [p for p in (root / "truncated").iterdir() if "tfevents" in p.name]
    data = path.read_bytes()
    path.write_bytes(data[:-7])  # the last record (the final run record) loses its tail
    (root / "garbage").mkdir()
    garbage = np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    (root / "garbage" / "events.out.tfevents.1.host.1.0").write_bytes(garbage)
    (root / "foreign").mkdir()
    (root / "foreign" / "events.out.tfevents.1.host.2.0").write_bytes(_foreign_events())
    return root


def _ready(server: TensorBoardServer) -> bool:
    tables = server.get_json(PREFIX + "/tables")["tables"]
    names = {(t["run"], t["name"]) for t in tables}
    return {("good", "t"), ("truncated", "t"), ("foreign", "garbage")} <= names


@pytest.fixture(scope="module", params=[True, False], ids=["load_fast", "load_slow"])
def tb(request, logdir):
    with TensorBoardServer(logdir, load_fast=request.param) as server:
        server.wait_for(lambda: _ready(server))
        yield server


def _error(tb, path: str, **params) -> tuple[int, str]:
    status, headers, body = tb.request(f"{PREFIX}{path}?{urllib.parse.urlencode(params)}")
    assert headers["Content-Type"].startswith("application/json"), body
    assert b"Traceback" not in body and b'File "' not in body
    message = json.loads(body)["error"]
    assert len(message) < 300
    return status, message


def test_tensorboard_keeps_serving(tb):
    runs = tb.get_json("/data/runs")
    assert "good" in runs and "foreign" in runs
    assert tb.get_json("/data/plugins_listing")["tb_eval"]["enabled"] is True


def test_runs_lists_good_and_foreign_runs(tb):
    runs = {entry["run"]: entry for entry in tb.get_json(PREFIX + "/runs")["runs"]}
    assert runs["good"]["status"] == "success"
    assert runs["foreign"]["status"] == "unknown" and runs["foreign"]["name"] == "foreign"
    assert runs["truncated"]["status"] in ("running", "success")


def test_good_tables_still_served(tb):
    for run in ("good", "truncated"):
        page = tb.get_json(f"{PREFIX}/table?run={run}&name=t")
        assert page["rows"] == [[1, "x"], [2, "y"], [3, "z"]]


@pytest.mark.parametrize(
    "path, params",
    [
        ("/table", {"run": "foreign", "name": "garbage"}),
        ("/table", {"run": "foreign", "name": "bad_header"}),
        ("/table/csv", {"run": "foreign", "name": "garbage"}),
        ("/table/summary", {"run": "foreign", "name": "bad_header"}),
        ("/table", {"run": "foreign", "name": "not_json", "source": "rows"}),
        ("/table", {"run": "foreign", "name": "not_object", "source": "rows"}),
        ("/table", {"run": "foreign", "name": "numbers", "source": "rows"}),
        ("/list", {"run": "foreign", "name": "strings"}),
        ("/file", {"run": "foreign", "name": "x"}),
    ],
)
def test_undecodable_payloads_are_short_json_errors(tb, path, params):
    status, message = _error(tb, path, **params)
    assert status == 422
    assert message.startswith("cannot read tb_eval data:")


def test_unreadable_run_record_is_listed_with_its_error(tb):
    runs = {entry["run"]: entry for entry in tb.get_json(PREFIX + "/runs")["runs"]}
    assert runs["foreign"]["error"].startswith("run record: not valid JSON")
    assert runs["good"]["error"] is None
    files = tb.get_json(PREFIX + "/files?run=foreign")
    assert files["files"] == [] and files["error"].startswith("run 'foreign': run record:")


def test_stacking_with_a_bad_table_fails_cleanly_then_good_one_works(tb):
    query = urllib.parse.urlencode([("run", "good"), ("run", "foreign"), ("name", "garbage")])
    status, _, body = tb.request(f"{PREFIX}/table?{query}")
    assert status == 422 and b"Traceback" not in body
    assert tb.get_json(f"{PREFIX}/table?run=good&name=t")["total_rows"] == 3


def test_tags_without_our_prefix_are_ignored(tb):
    listing = tb.get_json(PREFIX + "/tables")
    assert all(t["name"] != "not_our_prefix" for t in listing["tables"])


# ---------------------------------------------------------------------- sampling flag


@pytest.fixture(scope="module")
def rows_logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("sampling_logdir")
    run = tb_eval.start_logging(root, run_name="r")
    for i in range(30):
        run.log_row("rows", i=i)
    for step in range(12):
        run.log_table("t", table.normalize_table({"step": [step]}).to_dict())
    run.complete()
    return root


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_explicit_samples_per_plugin_is_respected(rows_logdir, load_fast):
    flags = ["--samples_per_plugin=tb_eval=5"]
    with TensorBoardServer(rows_logdir, load_fast=load_fast, flags=flags) as server:
        server.wait_for(
            lambda: server.get_json(f"{PREFIX}/table?run=r&name=rows&source=rows")["rows"]
        )
        server.wait_for(lambda: server.get_json(f"{PREFIX}/table?run=r&name=t")["step"] == 11)
        time.sleep(1.5)  # one more reload: nothing else arrives
        page = server.get_json(f"{PREFIX}/table?run=r&name=rows&source=rows")
        assert page["total_rows"] == 5 and page["rows"][-1] == [29]
        steps = server.get_json(f"{PREFIX}/table?run=r&name=t")["steps"]
        assert len(steps) == 5 and steps[-1] == 11
