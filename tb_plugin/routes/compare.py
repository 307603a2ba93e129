"""``/evaluation/compare/table`` and ``/evaluation/compare/curves``: Compare runs at scale.

The table (every run's params and headline metrics) and the curves of the runs drawn; see
:mod:`tb_plugin.compare`. Documented in ``docs/http_api.md``.
"""

from __future__ import annotations

from collections.abc import Callable

from tensorboard import errors
from tensorboard.backend import http_util
from werkzeug import wrappers

from tb_plugin.compare import MAX_CURVE_RUNS, CompareTable
from tb_plugin.evaluation_store import MAX_POINTS, MIN_POINTS, EvaluationStore
from tb_plugin.http import JSON, route
from tb_plugin.query import integer, run_names, single
from tb_plugin.services import Services, request_context


class CompareRoutes:
    """The lean compare table and the drawn runs' curves."""

    def __init__(self, services: Services) -> None:
        store = EvaluationStore(services.data, services.cache)
        self.compare = CompareTable(services.data, store, services.cache)

    def routes(self) -> dict[str, Callable]:
        return {
            "/evaluation/compare/table": self._table,
            "/evaluation/compare/curves": self._curves,
        }

    @route
    def _table(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        name = single(request.args, "name", required=True)
        step = integer(request.args, "step", None)
        body, gzipped = self.compare.table(ctx, eid, name, step)
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            return http_util.Respond(request, gzipped, JSON, content_encoding="gzip")
        return http_util.Respond(request, body, JSON)

    @route
    def _curves(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        runs = run_names(request.args)
        if len(runs) > MAX_CURVE_RUNS:
            raise errors.InvalidArgumentError(
                f"parameter 'run': {len(runs)} runs, at most {MAX_CURVE_RUNS} per request"
            )
        name = single(request.args, "name", required=True)
        step = integer(request.args, "step", None)
        max_points = integer(
            request.args, "max_points", None, minimum=MIN_POINTS, maximum=MAX_POINTS
        )
        body = self.compare.curves(ctx, eid, name, runs, step, max_points)
        return http_util.Respond(request, body, JSON)
