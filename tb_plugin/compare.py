"""The Compare runs table and the curves of the runs drawn, at 1,000 runs and more.

``/evaluation/compare`` answers one run at a time (its predictions, report and run record): right
for a handful of runs, about 40 ms per run even when cached. The table here is built from a few
data-provider calls that each cover every run:

- the listing of the evaluation's prediction series (metadata only: which runs have it, their
  newest step);
- the evaluation summaries ``tb_eval/eval_summary/<name>`` that ``log_predictions`` writes
  (the headline metrics, a few hundred bytes per step), so no raw predictions are read;
- the run records (params, tags, status);
- the sweep records ``tb_eval/sweep/record`` (the metric a sweep optimises and its direction)
  and that metric's last scalar in each run.

Runs without a summary at the compared step (written before summaries existed, or with more
than :data:`tb_eval.kinds.eval_summary.MAX_ROWS` predictions) get one computed from their
predictions once; it is cached like everything else here, in the plugin's LRU cache
(``--tb_eval_cache_mb``). The finished table is cached as JSON bytes under a key made of the
listings' newest steps and wall times, so a cached request costs the listings and a lookup, and
new data is never served stale.

Curves come from ``/evaluation/compare/curves`` for the runs drawn only (at most
:data:`MAX_CURVE_RUNS` per request), from the same cached reports ``/evaluation`` serves.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tensorboard import errors
from tensorboard.data import provider

from tb_eval.evaluation import evaluate_prepared
from tb_eval.kinds import common, eval_summary, predictions, run_record, sweep
from tb_plugin.data import (
    DECODE_ERRORS,
    DataAccess,
    DataError,
    datum_at,
    newest_record,
    tensor_json,
)
from tb_plugin.evaluation_store import EvaluationStore, Series, summary_curves, to_json_bytes
from tb_plugin.routes.runs import describe_run

#: Most runs whose curves one ``/evaluation/compare/curves`` request returns.
MAX_CURVE_RUNS = 50
#: Independent provider calls of one request run side by side: through the Rust data server
#: each gRPC call costs ~45 ms here whatever its size, so two in a row would double the floor.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tb_eval-compare")


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """The results of ``calls``, run concurrently (exceptions re-raised in order)."""
    futures = [_POOL.submit(call) for call in calls]
    return [future.result() for future in futures]


#: Reads and evaluates the predictions of runs without a logged summary, a few at a time.
_READERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tb_eval-summaries")


def _logged(data: list[Any], step: int) -> dict[str, Any] | None:
    """The logged summary at ``step`` when there is a readable one."""
    datum = datum_at(sorted(data, key=lambda d: d.step), step)
    if datum is None:
        return None
    try:
        return eval_summary.check(tensor_json(datum.numpy, "evaluation summary"))
    except DataError:
        return None


def _record(data: list[Any] | None) -> dict[str, Any] | Exception | None:
    """The newest run record in ``data``, the error that makes it unreadable, or ``None``."""
    if not data:
        return None
    try:
        return newest_record(data)
    except DataError as error:
        return error


def _gzipped(body: bytes) -> tuple[bytes, bytes]:
    """``body`` and its gzip encoding (what TensorBoard's ``Respond`` would make per request)."""
    return body, gzip.compress(body, compresslevel=3, mtime=0)


def _summary_nbytes(summary: dict[str, Any]) -> int:
    return 512 + 48 * len(summary.get("metrics", {}))


def _sweep(data: list[Any]) -> dict[str, Any] | None:
    """The parts of the newest sweep record in ``data`` the table uses, or ``None`` when it is
    not one the sweep kind reads (``sweep.decode``)."""
    try:
        document = tensor_json(max(data, key=lambda d: d.step).numpy, "sweep record")
        record = sweep.decode(document)
    except (DataError, ValueError):
        return None
    return {key: record[key] for key in ("experiment", "metric", "mode")}


def _owner(run: str, sweep_runs: list[str]) -> str | None:
    """The sweep run whose experiment holds ``run``: the longest prefix directory ("." holds
    every run)."""
    best = None
    for sweep_run in sweep_runs:
        inside = sweep_run == "." or run.startswith(sweep_run.rstrip("/") + "/")
        if inside and run != sweep_run and (best is None or len(sweep_run) > len(best)):
            best = sweep_run
    return best


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


class CompareTable:
    """Builds and caches the lean compare table and the drawn runs' curves."""

    def __init__(self, data: DataAccess, store: EvaluationStore, cache: Any) -> None:
        self._data = data
        self._provider = data.provider
        self._store = store
        self._cache = cache

    # ------------------------------------------------------------------ the table
    def table(self, ctx: Any, eid: str, name: str, step: int | None) -> tuple[bytes, bytes]:
        """The ``/evaluation/compare/table`` document of every run with evaluation ``name``, as
        JSON bytes and gzipped."""
        pred_tag = common.our_tag(predictions.KIND, name)
        summary_tag = eval_summary.tag(name)
        kwargs = {"experiment_id": eid, "plugin_name": common.PLUGIN_NAME}
        blobs, tensors = _together(
            lambda: self._provider.list_blob_sequences(
                ctx, run_tag_filter=provider.RunTagFilter(tags=[pred_tag]), **kwargs
            ),
            lambda: self._provider.list_tensors(
                ctx,
                run_tag_filter=provider.RunTagFilter(tags=[summary_tag, run_record.TAG, sweep.TAG]),
                **kwargs,
            ),
        )
        runs = sorted(run for run, by_tag in blobs.items() if pred_tag in by_tag)
        if not runs:
            raise errors.NotFoundError(f"no run has an evaluation {name!r}")
        fingerprint = tuple(
            (run, tag, series.max_step, series.max_wall_time)
            for listing, tags in ((blobs, (pred_tag,)), (tensors, None))
            for run, by_tag in sorted(listing.items())
            for tag, series in sorted(by_tag.items())
            if tags is None or tag in tags
        )
        key: Hashable = ("compare-table", eid, name, step, fingerprint)
        newest = {run: int(blobs[run][pred_tag].max_step or 0) for run in runs}
        return self._cache.get_or_compute(
            key,
            lambda: _gzipped(
                to_json_bytes(self._build(ctx, eid, name, step, runs, newest, tensors))
            ),
            lambda bodies: len(bodies[0]) + len(bodies[1]) + 4096,
        )

    def _build(
        self,
        ctx: Any,
        eid: str,
        name: str,
        step: int | None,
        runs: list[str],
        newest: dict[str, int],
        tensors: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        summary_tag = eval_summary.tag(name)

        def read(tag: str) -> dict[str, dict[str, list[Any]]]:
            having = sorted(run for run in runs if tag in tensors.get(run, {}))
            return self._data.read_each(ctx, eid, having, [tag])[0] if having else {}

        summaries, records, sweeps = _together(
            lambda: read(summary_tag),
            lambda: read(run_record.TAG),
            lambda: self._sweeps(ctx, eid, tensors),
        )

        targets = {run: newest[run] if step is None else step for run in runs}
        found: dict[str, dict[str, Any] | Exception] = {}
        for run in runs:
            logged = _logged(summaries.get(run, {}).get(summary_tag) or [], targets[run])
            if logged is not None:
                found[run] = logged
        missing = [run for run in runs if run not in found]
        if missing:
            found.update(self._computed(ctx, eid, name, missing, targets))

        rows: list[dict[str, Any]] = []
        failed: list[dict[str, str]] = []
        for run in runs:
            summary = found[run]
            if isinstance(summary, errors.NotFoundError):
                continue  # the run did not log this evaluation at ``step``
            if isinstance(summary, Exception):
                failed.append({"run": run, "error": f"cannot read tb_eval data: {summary}"})
                continue
            described = describe_run(run, _record(records.get(run, {}).get(run_record.TAG)))
            rows.append(
                {
                    "run": run,
                    "step": targets[run],
                    "task": summary["task"],
                    "n_samples": summary["n_samples"],
                    "status": described["status"],
                    "params": described["params"],
                    "tags": described["tags"],
                    "metrics": summary["metrics"],
                }
            )
        if not rows and not failed:
            at = "" if step is None else f" at step {step}"
            raise errors.NotFoundError(f"no evaluation {name!r}{at} in any run")
        names: dict[str, None] = {}
        for row in rows:
            names.update(dict.fromkeys(row["metrics"]))
        metric_names = list(names)
        for row in rows:
            metrics = row["metrics"]
            row["metrics"] = [metrics.get(metric) for metric in metric_names]
        marked = self._mark_sweep(ctx, eid, rows, sweeps, metric_names)
        return {
            "name": name,
            "step": step,
            "metrics": metric_names,
            "sweep": marked,
            "runs": rows,
            "errors": failed,
        }

    def _computed(
        self, ctx: Any, eid: str, name: str, runs: list[str], targets: dict[str, int]
    ) -> dict[str, dict[str, Any] | Exception]:
        """Summaries computed from the predictions (once: cached), for runs without a logged
        one at their target step: one provider call lists every run's blobs, the blobs are
        read and evaluated side by side. A run without that step gets a ``NotFoundError``."""
        tag = common.our_tag(predictions.KIND, name)
        by_run, problems = self._data.read_each(ctx, eid, runs, [tag], blob=True)
        out: dict[str, dict[str, Any] | Exception] = {}
        todo = []
        for run in runs:
            if (run, tag) in problems:
                out[run] = DataError(problems[(run, tag)])
                continue
            data = sorted(by_run.get(run, {}).get(tag) or [], key=lambda d: d.step)
            datum = datum_at(data, targets[run])
            if datum is None:
                out[run] = errors.NotFoundError(f"run {run!r} has no step {targets[run]}")
            else:
                todo.append((run, Series(run, name, tag, data), datum))

        def one(series: Series, datum: Any) -> dict[str, Any] | Exception:
            blob_key = datum.values[0].blob_key if datum.values else None
            key = ("compare-summary", eid, series.run, tag, datum.step, datum.wall_time, blob_key)

            def compute() -> dict[str, Any]:
                prepared = self._store.prepared(ctx, eid, series, datum, keep=False)
                what = f"run {series.run!r}: evaluation {name!r} step {datum.step}"
                try:
                    report = evaluate_prepared(prepared, max_points=16)
                except DECODE_ERRORS as error:
                    raise DataError(f"{what}: cannot evaluate ({error})") from None
                return eval_summary.summarise(report)

            try:
                return self._cache.get_or_compute(key, compute, _summary_nbytes)
            except (DataError, errors.PublicError) as error:
                return error

        futures = {run: _READERS.submit(one, series, datum) for run, series, datum in todo}
        out.update({run: future.result() for run, future in futures.items()})
        return out

    def _sweeps(self, ctx: Any, eid: str, tensors: dict[str, dict[str, Any]]) -> dict[str, dict]:
        """The newest readable sweep record of each run that has one, by run."""
        sweep_runs = sorted(run for run, by_tag in tensors.items() if sweep.TAG in by_tag)
        if not sweep_runs:
            return {}
        found, _ = self._data.read_each(ctx, eid, sweep_runs, [sweep.TAG])
        out = {}
        for run in sweep_runs:
            data = found.get(run, {}).get(sweep.TAG) or []
            record = _sweep(data) if data else None
            if record is not None:
                out[run] = record
        return out

    def _mark_sweep(
        self,
        ctx: Any,
        eid: str,
        rows: list[dict[str, Any]],
        sweeps: dict[str, dict],
        metric_names: list[str],
    ) -> dict[str, Any] | None:
        """Set each row's ``sweep_value`` (its sweep's metric: the run's last scalar of that
        name, else the evaluation metric of that name) and return the sweep of most rows, with
        its best run; ``None`` without sweep records."""
        if not sweeps:
            return None
        owners = {row["run"]: _owner(row["run"], list(sweeps)) for row in rows}
        counts: dict[str, int] = {}
        for owner in owners.values():
            if owner is not None:
                counts[owner] = counts.get(owner, 0) + 1
        if not counts:
            return None
        main = max(sorted(counts), key=lambda run: counts[run])
        chosen = {"run": main, **sweeps[main]}
        metric = chosen["metric"]
        members = [row for row in rows if owners[row["run"]] == main]
        last = self._provider.read_last_scalars(
            ctx,
            experiment_id=eid,
            plugin_name="scalars",
            run_tag_filter=provider.RunTagFilter(runs=[r["run"] for r in members], tags=[metric]),
        )
        column = metric_names.index(metric) if metric in metric_names else None
        best_row, best_value = None, None
        sign = 1.0 if chosen["mode"] == "max" else -1.0
        for row in members:
            datum = last.get(row["run"], {}).get(metric)
            value = _finite(datum.value) if datum is not None else None
            if value is None and column is not None:
                value = _finite(row["metrics"][column])
            row["sweep_value"] = value
            if value is not None and (best_value is None or sign * value > sign * best_value):
                best_row, best_value = row["run"], value
        chosen["best"] = best_row
        chosen["runs"] = len(members)
        return chosen

    # ------------------------------------------------------------------ the curves
    def curves(
        self,
        ctx: Any,
        eid: str,
        name: str,
        runs: list[str],
        step: int | None,
        max_points: int | None,
    ) -> bytes:
        """The compare curves of ``runs`` (the ones drawn), each from its cached report."""
        tag = common.our_tag(predictions.KIND, name)
        by_run, problems = self._data.read_each(ctx, eid, runs, [tag], blob=True)

        def one(run: str) -> dict[str, Any] | Exception | None:
            try:
                if (run, tag) in problems:
                    raise DataError(problems[(run, tag)])
                data = sorted(by_run.get(run, {}).get(tag) or [], key=lambda d: d.step)
                if not data:
                    return None
                series = Series(run, name, tag, data)
                datum = series.at(step)
                report, _ = self._store.report(ctx, eid, series, datum, max_points)
            except errors.NotFoundError:
                return None
            except (DataError, errors.PublicError) as error:
                return error
            return {
                "run": run,
                "step": datum.step,
                "task": report["task"],
                "labels": report["labels"],
                "curves": summary_curves(report["task"], report["curves"], report["labels"]),
            }

        # Reports not cached yet are read and computed side by side (each blob read is a gRPC
        # round trip); the answer keeps the request's order.
        results = [future.result() for future in [_READERS.submit(one, run) for run in runs]]
        entries = [r for r in results if isinstance(r, dict)]
        failed = [
            {"run": run, "error": f"cannot read tb_eval data: {r}"}
            for run, r in zip(runs, results)
            if isinstance(r, Exception)
        ]
        if not entries and not failed:
            at = "" if step is None else f" at step {step}"
            raise errors.NotFoundError(f"no evaluation {name!r}{at} in run(s) {', '.join(runs)}")
        return to_json_bytes({"name": name, "runs": entries, "errors": failed})
