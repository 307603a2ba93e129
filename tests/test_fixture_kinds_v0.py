"""Files written before the kind registry (issue 11) read exactly as they did.

``tests/fixtures/kinds_v0/logdir`` holds every kind tb_eval logs, written by the code of
2026-12-02; ``golden/`` what our reader and the plugin's routes answered on it then (see
``make_fixture.py`` there). Our reader, the plugin under TensorBoard's Python multiplexer and a
real TensorBoard under both loaders must still give byte-identical JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.plugin_support import PREFIX, plugin_client
from tests.tbserver import TensorBoardServer

FIXTURE = Path(__file__).parent / "fixtures" / "kinds_v0"
sys.path.insert(0, str(FIXTURE))
import make_fixture  # noqa: E402

GOLDEN_ROUTES = json.loads((FIXTURE / "golden" / "routes.json").read_text())


def test_fixture_lists_every_route():
    assert sorted(GOLDEN_ROUTES) == sorted(make_fixture.plugin_paths())


def test_reader_reads_the_fixture_as_before(tmp_path):
    logdir = tmp_path / "logdir"
    shutil.copytree(make_fixture.LOGDIR, logdir)  # reading must not need to write, but be safe
    runs = (make_fixture.ALPHA, make_fixture.BETA, make_fixture.WRITER, "old_scalars")
    now = make_fixture.dumps({run: make_fixture.reader_golden(logdir / run) for run in runs})
    assert now == (FIXTURE / "golden" / "reader.json").read_text()


def test_plugin_routes_answer_as_before():
    client = plugin_client(make_fixture.LOGDIR)
    for path, body in GOLDEN_ROUTES.items():
        response = client.get(PREFIX + path)
        assert response.status_code == 200, path
        assert response.get_data(as_text=True) == body, path


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_tensorboard_serves_the_fixture_as_before(load_fast):
    with TensorBoardServer(make_fixture.LOGDIR, load_fast=load_fast) as server:

        def answers() -> dict[str, str]:
            return {path: server.get(PREFIX + path).decode() for path in GOLDEN_ROUTES}

        # TensorBoard loads lazily: wait until it has read everything, then compare each route.
        server.wait_for(lambda: answers() == GOLDEN_ROUTES)
        for path, body in answers().items():
            assert body == GOLDEN_ROUTES[path], path
