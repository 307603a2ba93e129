"""``/evaluations``, ``/evaluation``, ``/evaluation/thresholds``, ``/evaluation/trend``,
``/evaluation/compare``, ``/importance``, ``/confusion`` and ``/regression_bins``.

Reports are computed from the logged predictions by :mod:`tb_eval.evaluation` on first request
and cached (see :mod:`tb_plugin.evaluation_store`). Documented in ``docs/http_api.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tensorboard import errors
from tensorboard.backend import http_util
from werkzeug import wrappers

from tb_eval.kinds import confusion, importance, regression_bins
from tb_plugin.data import DataError
from tb_plugin.evaluation_store import (
    DEFAULT_THRESHOLD_POINTS,
    MAX_POINTS,
    MIN_POINTS,
    parse_json_document,
    summary_curves,
    to_json_bytes,
)
from tb_plugin.http import JSON, respond_json, route
from tb_plugin.query import integer, run_names, single
from tb_plugin.routes.runs import describe_run
from tb_plugin.services import Services, request_context


def _points(request: wrappers.Request, name: str, default: int | None) -> int | None:
    """An integer parameter within [MIN_POINTS, MAX_POINTS]."""
    value = integer(request.args, name, default, minimum=MIN_POINTS)
    if value is not None and value > MAX_POINTS:
        raise errors.InvalidArgumentError(f"parameter {name!r}: {value} is above {MAX_POINTS}")
    return value


def _run_name_step(request: wrappers.Request) -> tuple[str, str, int | None]:
    return (
        single(request.args, "run", required=True),
        single(request.args, "name", required=True),
        integer(request.args, "step", None),
    )


class EvaluationRoutes:
    """Evaluation reports computed from logged predictions, and logged importances and
    confusion matrices."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.store = services.evaluations

    def routes(self) -> dict[str, Callable]:
        return {
            "/evaluations": self._evaluations,
            "/evaluation": self._evaluation,
            "/evaluation/thresholds": self._thresholds,
            "/evaluation/trend": self._trend,
            "/evaluation/compare": self._compare,
            "/importance": self._importance,
            "/confusion": self._confusion,
            "/regression_bins": self._regression_bins,
        }

    @route
    def _evaluations(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        return respond_json(request, self.store.listing(ctx, eid))

    @route
    def _evaluation(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run, name, step = _run_name_step(request)
        max_points = _points(request, "max_points", None)
        series = self.store.series(ctx, eid, run, name)
        _, body = self.store.report(ctx, eid, series, series.at(step), max_points)
        return http_util.Respond(request, body, JSON)

    @route
    def _thresholds(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run, name, step = _run_name_step(request)
        label = single(request.args, "class")
        points = _points(request, "points", DEFAULT_THRESHOLD_POINTS)
        series = self.store.series(ctx, eid, run, name)
        body = self.store.thresholds(ctx, eid, series, series.at(step), label, points)
        return http_util.Respond(request, body, JSON)

    @route
    def _trend(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        name = single(request.args, "name", required=True)
        series = self.store.series(ctx, eid, run, name)
        return http_util.Respond(request, self.store.trend(ctx, eid, series), JSON)

    @route
    def _compare(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        runs = run_names(request.args)
        name = single(request.args, "name", required=True)
        step = integer(request.args, "step", None)
        max_points = _points(request, "max_points", None)
        entries: list[dict[str, Any]] = []
        failed: list[dict[str, str]] = []
        for run in runs:
            try:
                entry = self._compare_entry(ctx, eid, run, name, step, max_points)
            except errors.NotFoundError:
                continue
            except (DataError, errors.PublicError) as error:
                # One unreadable run must not blank the comparison of the others.
                failed.append({"run": run, "error": f"cannot read tb_eval data: {error}"})
                continue
            entries.append(entry)
        if not entries and not failed:
            at = "" if step is None else f" at step {step}"
            raise errors.NotFoundError(f"no evaluation {name!r}{at} in run(s) {', '.join(runs)}")
        document = {"name": name, "runs": entries, "errors": failed}
        return http_util.Respond(request, to_json_bytes(document), JSON)

    def _compare_entry(
        self, ctx: Any, eid: str, run: str, name: str, step: int | None, max_points: int | None
    ) -> dict[str, Any]:
        """One run of ``/evaluation/compare``; ``NotFoundError`` when it lacks the step."""
        series = self.store.series(ctx, eid, run, name)
        datum = series.at(step)
        report, _ = self.store.report(ctx, eid, series, datum, max_points)
        try:
            record: dict[str, Any] | Exception | None = self._services.data.run_record(
                ctx, eid, run
            )
        except errors.NotFoundError:
            record = None
        except DataError as error:
            record = error
        described = describe_run(run, record)
        return {
            "run": run,
            "step": datum.step,
            "task": report["task"],
            "labels": report["labels"],
            "n_samples": report["n_samples"],
            "params": described["params"],
            "tags": described["tags"],
            "status": described["status"],
            "metrics": report["metrics"],
            "curves": summary_curves(report["task"], report["curves"], report["labels"]),
        }

    def _document(
        self, request: wrappers.Request, kind: str, show: Callable[[Any, str], dict[str, Any]]
    ) -> wrappers.Response:
        """``/importance``, ``/confusion``, ``/regression_bins``: one logged document, shown by
        ``show``."""
        ctx, eid = request_context(request)
        run, name, step = _run_name_step(request)
        data = self.store.documents(ctx, eid, run, kind, name)
        what = f"run {run!r}: {kind} {name!r}"
        datum = self.store.pick(data, step, what)
        document = parse_json_document(datum, what)
        body = {"run": run, "name": name, "step": datum.step, "steps": [d.step for d in data]}
        body.update(show(document, f"{what} step {datum.step}"))
        return respond_json(request, body)

    @route
    def _importance(self, request: wrappers.Request) -> wrappers.Response:
        return self._document(request, importance.KIND, self.store.importance)

    @route
    def _confusion(self, request: wrappers.Request) -> wrappers.Response:
        return self._document(request, confusion.KIND, self.store.confusion)

    @route
    def _regression_bins(self, request: wrappers.Request) -> wrappers.Response:
        return self._document(request, regression_bins.KIND, self.store.regression_bins)
