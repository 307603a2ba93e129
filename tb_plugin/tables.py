"""Loading tables into frames, and the row order a view (search, filters, sort) selects.

Decoded tables, stacked tables, sort orders, filter masks and the lower-cased text used for
search all go through one :class:`~tb_plugin.cache.LruCache`. Keys name the data exactly: a
logged table by (experiment, run, tag, step, wall time), a ``log_row`` table by its newest step
and wall time, so growing or re-written data is never served stale.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tensorboard import errors

from tb_eval.kinds import row as row_kind
from tb_eval.kinds import table
from tb_plugin import frame as frames
from tb_plugin.cache import LruCache
from tb_plugin.data import DECODE_ERRORS, DataAccess, DataError, datum_at, tensor_json
from tb_plugin.frame import Frame
from tb_plugin.query import Selection, View


@dataclass(frozen=True)
class Loaded:
    """A selection, loaded: its frame, the cache key naming it, and which steps went in."""

    key: Hashable
    frame: Frame
    step: int | None
    steps: list[int]
    parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Part:
    """One run's share of a selection."""

    run: str
    step: int | None
    steps: list[int]
    key: Hashable
    frame: Frame


class TableStore:
    """Turns a :class:`Selection` into a :class:`Frame` and a :class:`View` into row indices."""

    def __init__(self, data: DataAccess, cache: LruCache) -> None:
        self._data = data
        self._cache = cache

    # ------------------------------------------------------------------ loading
    def load(self, ctx: Any, eid: str, selection: Selection) -> Loaded:
        """The selected table; ``NotFoundError`` when no selected run has it."""
        load_part = self._table_part if selection.source == "table" else self._rows_part
        parts = [
            part
            for part in (load_part(ctx, eid, run, selection) for run in selection.runs)
            if part is not None
        ]
        if not parts:
            at = "" if selection.step is None else f" at step {selection.step}"
            runs = ", ".join(selection.runs)
            raise errors.NotFoundError(
                f"no {selection.source} {selection.name!r}{at} in run(s) {runs}"
            )
        described = [{"run": part.run, "step": part.step} for part in parts]
        if len(selection.runs) == 1:
            (part,) = parts
            return Loaded(part.key, part.frame, part.step, part.steps, described)
        key = ("stack",) + tuple(part.key for part in parts)
        stacked = self._cache.get_or_compute(
            key, lambda: frames.stack([(part.run, part.frame) for part in parts])
        )
        used = [part.step for part in parts if part.step is not None]
        all_steps = sorted({step for part in parts for step in part.steps})
        return Loaded(key, stacked, max(used) if used else None, all_steps, described)

    def _table_part(self, ctx: Any, eid: str, run: str, selection: Selection) -> _Part | None:
        tag = table.tag(selection.name)
        data = self._data.blob_steps(ctx, eid, run, tag)
        if not data:
            return None
        datum = datum_at(data, selection.step)
        if datum is None:
            return None
        key = ("table", eid, run, tag, datum.step, datum.wall_time)
        what = f"run {run!r}: table {selection.name!r} step {datum.step}"

        def decode() -> Frame:
            payload = self._data.blob(ctx, datum, what)
            try:
                return frames.from_table(table.decode(payload))
            except DECODE_ERRORS as error:
                raise DataError(f"{what}: cannot decode ({error})") from None

        frame = self._cache.get_or_compute(key, decode)
        return _Part(run, datum.step, [d.step for d in data], key, frame)

    def _rows_part(self, ctx: Any, eid: str, run: str, selection: Selection) -> _Part | None:
        tag = row_kind.tag(selection.name)
        info = self._data.tag(ctx, eid, run, tag, blob=False)
        if info is None:
            return None
        key = ("rows", eid, run, tag, info.max_step, info.max_wall_time)
        what = f"run {run!r}: rows {selection.name!r}"

        def decode() -> Frame:
            rows = []
            for datum in self._data.tensors(ctx, eid, run, tag):
                where = f"{what} step {datum.step}"
                try:
                    rows.append(row_kind.decode(tensor_json(datum.numpy, where), where))
                except (ValueError, TypeError) as error:
                    raise DataError(str(error)) from None
            try:
                return frames.from_table(row_kind.rows_to_table(rows))
            except (ValueError, TypeError) as error:
                raise DataError(f"{what}: {error}") from None

        return _Part(run, None, [], key, self._cache.get_or_compute(key, decode))

    # ------------------------------------------------------------------ views
    def check(self, loaded: Loaded, view: View) -> None:
        """``InvalidArgumentError`` for a sort or filter naming an unknown or unfit column."""
        columns = {column.name: column for column in loaded.frame.columns}
        if view.sort is not None and view.sort not in columns:
            raise errors.InvalidArgumentError(f"parameter 'sort': no column {view.sort!r}")
        for condition in view.filters:
            column = columns.get(condition.column)
            if column is None:
                raise errors.InvalidArgumentError(
                    f"parameter 'filter': no column {condition.column!r}"
                )
            ranged = condition.minimum is not None or condition.maximum is not None
            if ranged and column.type not in frames.NUMERIC_TYPES:
                raise errors.InvalidArgumentError(
                    f"parameter 'filter': min/max need a numeric column; "
                    f"{condition.column!r} is {column.type}"
                )

    def rows(self, loaded: Loaded, view: View) -> np.ndarray | None:
        """Indices of the rows ``view`` shows, in order; ``None`` for all rows as logged."""
        self.check(loaded, view)
        if not view.filtered and view.sort is None:
            return None
        return self._cache.get_or_compute(
            ("view", loaded.key, view), lambda: self._rows(loaded, view)
        )

    def _rows(self, loaded: Loaded, view: View) -> np.ndarray:
        mask = self._mask(loaded, view) if view.filtered else None
        if view.sort is None:
            return np.flatnonzero(mask)
        order = self._cache.get_or_compute(
            ("sort", loaded.key, view.sort, view.descending),
            lambda: frames.sort_order(loaded.frame.column(view.sort), view.descending),
        )
        return order if mask is None else order[mask[order]]

    def _mask(self, loaded: Loaded, view: View) -> np.ndarray:
        key = ("mask", loaded.key, view.q, view.filters)
        return self._cache.get_or_compute(key, lambda: self._compute_mask(loaded, view))

    def _compute_mask(self, loaded: Loaded, view: View) -> np.ndarray:
        frame = loaded.frame
        mask = np.ones(frame.num_rows, dtype=bool)
        for condition in view.filters:
            column = frame.column(condition.column)
            values = column.values
            if condition.minimum is not None or condition.maximum is not None:
                keep = column.present
                if column.type == "number":
                    keep &= ~np.isnan(values)
                if condition.minimum is not None:
                    keep &= values >= condition.minimum
                if condition.maximum is not None:
                    keep &= values <= condition.maximum
                mask &= keep
            if condition.text:
                mask &= frames.contains(self._lower_text(loaded, column), condition.text)
        if view.q:
            hits = np.zeros(frame.num_rows, dtype=bool)
            for column in frame.columns:
                if frames.could_match_text(column, view.q):
                    hits |= frames.contains(self._lower_text(loaded, column), view.q)
            mask &= hits
        return mask

    def _lower_text(self, loaded: Loaded, column: frames.FrameColumn) -> np.ndarray:
        return self._cache.get_or_compute(
            ("text", loaded.key, column.name),
            lambda: frames.lower_text(column),
            lambda text: (
                len(text) * 16 + int(np.strings.str_len(text).sum())
                if frames.STRING_DTYPE is not None
                else len(text) * 64
            ),
        )
