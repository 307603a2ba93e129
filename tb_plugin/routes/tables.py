"""``/tables``, ``/table``, ``/table/summary``, ``/table/csv`` and ``/list``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import numpy as np
from tensorboard import errors
from werkzeug import wrappers

from tb_eval.kinds import row as row_kind
from tb_eval.kinds import series, table
from tb_plugin import stats
from tb_plugin.data import DataError
from tb_plugin.frame import Frame, FrameColumn
from tb_plugin.http import content_disposition, respond_json, route
from tb_plugin.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Selection,
    integer,
    parse_selection,
    parse_view,
    single,
)
from tb_plugin.services import Services, request_context
from tb_plugin.tables import Loaded

#: Rows per chunk when streaming CSV.
CSV_CHUNK_ROWS = 20_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _page_index(rows: np.ndarray | None, start: int, stop: int) -> np.ndarray | slice:
    return slice(start, stop) if rows is None else rows[start:stop]


def _csv_cells(column: FrameColumn, index: np.ndarray | slice, escape: bool) -> list:
    """One column's cells for :mod:`csv`: missing as ``None`` (written empty), bools as
    true/false, numbers as Python writes them (the shortest repr that reads back exactly)."""
    values = column.values[index]
    if column.type == "bool":
        cells = np.where(values, "true", "false").astype(object)
    elif column.type == "string":
        cells = values.copy()
    else:
        cells = values.astype(object)
    missing = None if column.missing is None else column.missing[index]
    if column.type == "number":
        missing = np.isnan(values) if missing is None else missing | np.isnan(values)
    if missing is not None and missing.any():
        cells[missing] = None
    out = cells.tolist()
    if column.type == "string" and escape:
        out = ["'" + v if v is not None and v.startswith(_FORMULA_STARTS) else v for v in out]
    return out


def csv_chunks(frame: Frame, rows: np.ndarray | None, escape: bool) -> Iterator[bytes]:
    """The selection as RFC 4180 CSV (header first, CRLF line ends), in chunks of UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in frame.columns])
    total = frame.num_rows if rows is None else len(rows)
    for start in range(0, total, CSV_CHUNK_ROWS):
        index = _page_index(rows, start, min(total, start + CSV_CHUNK_ROWS))
        columns = [_csv_cells(column, index, escape) for column in frame.columns]
        writer.writerows(zip(*columns))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class TableRoutes:
    """Tables (``log_table``), row tables (``log_row``) and lists (``log_list``)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def routes(self) -> dict[str, Callable]:
        return {
            "/tables": self._tables,
            "/table": self._table,
            "/table/summary": self._summary,
            "/table/csv": self._csv,
            "/list": self._list,
        }

    def _load(self, request: wrappers.Request) -> tuple[Selection, Loaded]:
        ctx, eid = request_context(request)
        selection = parse_selection(request.args)
        return selection, self._services.tables.load(ctx, eid, selection)

    @route
    def _tables(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        tables, lists = [], []
        for info in self._services.data.listing(ctx, eid, steps_of=(table.KIND,)):
            if not info.fits:
                continue
            if info.kind in (table.KIND, row_kind.KIND):
                tables.append(
                    {
                        "run": info.run,
                        "name": info.name,
                        "source": "table" if info.kind == table.KIND else "rows",
                        "steps": info.steps or [],
                        "max_step": info.max_step,
                        "description": info.description,
                    }
                )
            elif info.kind == series.KIND:
                lists.append({"run": info.run, "name": info.name, "calls": info.max_step + 1})
        return respond_json(request, {"tables": tables, "lists": lists})

    @route
    def _table(self, request: wrappers.Request) -> wrappers.Response:
        selection, loaded = self._load(request)
        view = parse_view(request.args)
        offset = integer(request.args, "offset", 0)
        limit = min(integer(request.args, "limit", DEFAULT_LIMIT, minimum=1), MAX_LIMIT)
        rows = self._services.tables.rows(loaded, view)
        total = loaded.frame.num_rows
        filtered = total if rows is None else len(rows)
        page = _page_index(rows, min(offset, filtered), min(offset + limit, filtered))
        return respond_json(
            request,
            {
                "name": selection.name,
                "source": selection.source,
                "step": loaded.step,
                "steps": loaded.steps,
                "runs": loaded.parts,
                "columns": loaded.frame.schema(),
                "total_rows": total,
                "filtered_rows": filtered,
                "offset": offset,
                "limit": limit,
                "rows": loaded.frame.rows(page),
            },
        )

    @route
    def _summary(self, request: wrappers.Request) -> wrappers.Response:
        _, loaded = self._load(request)
        view = parse_view(request.args)
        rows = self._services.tables.rows(loaded, view)
        index = slice(None) if rows is None else rows
        columns = self._services.cache.get_or_compute(
            ("summary", loaded.key, view),
            lambda: [stats.summarize(column, index) for column in loaded.frame.columns],
            lambda summaries: 1024 * len(summaries),
        )
        total = loaded.frame.num_rows
        return respond_json(
            request,
            {
                "total_rows": total,
                "filtered_rows": total if rows is None else len(rows),
                "step": loaded.step,
                "columns": columns,
            },
        )

    @route
    def _csv(self, request: wrappers.Request) -> wrappers.Response:
        selection, loaded = self._load(request)
        view = parse_view(request.args)
        escape = (single(request.args, "escape_formulas") or "false").lower()
        if escape not in ("true", "false", "1", "0"):
            raise errors.InvalidArgumentError(
                f"parameter 'escape_formulas': {escape!r} is not true or false"
            )
        rows = self._services.tables.rows(loaded, view)
        name = f"{selection.name}.csv"
        return wrappers.Response(
            csv_chunks(loaded.frame, rows, escape in ("true", "1")),
            mimetype="text/csv",
            headers={
                "Content-Disposition": content_disposition(name),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-cache, must-revalidate",
            },
        )

    @route
    def _list(self, request: wrappers.Request) -> wrappers.Response:
        ctx, eid = request_context(request)
        run = single(request.args, "run", required=True)
        name = single(request.args, "name", required=True)
        data = self._services.data.tensors(ctx, eid, run, series.tag(name))
        if not data:
            raise errors.NotFoundError(f"run {run!r} has no list {name!r}")
        calls = []
        for datum in data:
            try:
                exact = series.decode(datum.numpy).tolist()
            except ValueError as error:
                raise DataError(f"run {run!r}: list {name!r} step {datum.step} {error}") from None
            calls.append({"step": datum.step, "values": [None if v != v else v for v in exact]})
        return respond_json(request, {"run": run, "name": name, "calls": calls})
