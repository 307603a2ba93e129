"""A column store for serving tables: typed numpy columns with a missing-value mask.

Built from a decoded :class:`tb_eval.kinds.table.Table` (or from ``log_row`` rows), possibly
stacked across runs. Everything the routes need — sorting, filtering, text search, pages of
cells — works on whole columns with numpy, so a million-row table stays fast.

Column types are those of the table kind: ``integer``, ``number``, ``bool`` and ``string``.
Unlike the kind, a column here may be ``integer`` or ``bool`` *and* have missing cells (after
stacking runs whose tables lack a column); the ``missing`` mask says where.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tb_eval.kinds.table import Table

try:  # numpy >= 2: variable-width strings with vectorised sort, lower and find
    STRING_DTYPE: Any = np.dtypes.StringDType()
except AttributeError:  # pragma: no cover - numpy 1.x
    STRING_DTYPE = None

COLUMN_TYPES = ("integer", "number", "bool", "string")
NUMERIC_TYPES = ("integer", "number", "bool")
_DTYPES = {"integer": np.int64, "number": np.float64, "bool": np.bool_}
#: Rough per-string overhead of a Python ``str`` in an object array, for memory accounting.
_STR_OVERHEAD = 57

Cell = str | int | float | bool | None


@dataclass
class FrameColumn:
    """One column. ``values`` is int64, float64, bool or an object array of ``str``/``None``.

    Missing cells hold NaN (numbers), 0/False (integers, bools) or ``None`` (strings) and are
    marked in ``missing`` (``None`` when nothing is missing).
    """

    name: str
    type: str
    values: np.ndarray
    missing: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.missing is not None and not self.missing.any():
            self.missing = None

    @property
    def present(self) -> np.ndarray:
        """Boolean mask of the cells that are not missing."""
        if self.missing is None:
            return np.ones(len(self.values), dtype=bool)
        return ~self.missing

    @property
    def nbytes(self) -> int:
        """Approximate memory taken by the column."""
        size = self.values.nbytes + (0 if self.missing is None else self.missing.nbytes)
        if self.values.dtype == object and len(self.values):
            sample = self.values[:: max(1, len(self.values) // 1000)]
            mean = sum(len(v) for v in sample if v is not None) / len(sample)
            size += int(len(self.values) * (mean + _STR_OVERHEAD))
        return size

    def cells(self, index: np.ndarray | slice) -> list[Cell]:
        """The cells at ``index`` as JSON-ready Python values (missing -> ``None``)."""
        picked = self.values[index].tolist()
        if self.type == "number":
            picked = [None if v != v else v for v in picked]  # NaN -> None
        if self.missing is not None:
            gaps = self.missing[index]
            if gaps.any():
                picked = [None if gap else v for v, gap in zip(picked, gaps.tolist())]
        return picked

    def text(self) -> np.ndarray:
        """Every cell as display text (a string array; missing -> ``""``)."""
        if self.type == "string":
            filled = np.where(self.present, self.values, "")
            return filled.astype(STRING_DTYPE) if STRING_DTYPE is not None else filled
        if self.type == "bool":
            text = np.where(self.values, "true", "false").astype(object)
        elif STRING_DTYPE is not None:
            text = self.values.astype(STRING_DTYPE)
        else:  # pragma: no cover - numpy 1.x
            text = np.array([repr(v) for v in self.values.tolist()], dtype=object)
        if self.type == "number":
            text = np.where(np.isnan(self.values), "", text)
        if self.missing is not None:
            text = np.where(self.missing, "", text)
        return text.astype(STRING_DTYPE) if STRING_DTYPE is not None else text


@dataclass
class Frame:
    """Columns of equal length; ``nbytes`` is what a cache should charge for it."""

    columns: list[FrameColumn]
    num_rows: int = field(default=0)

    def __post_init__(self) -> None:
        if self.columns:
            self.num_rows = len(self.columns[0].values)

    @property
    def nbytes(self) -> int:
        return sum(column.nbytes for column in self.columns) + 64

    def column(self, name: str) -> FrameColumn | None:
        """The column called ``name``, or ``None``."""
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def schema(self) -> list[dict[str, str]]:
        """``[{"name", "type"}, ...]`` as the routes return it."""
        return [{"name": column.name, "type": column.type} for column in self.columns]

    def rows(self, index: np.ndarray | slice) -> list[list[Cell]]:
        """The rows at ``index``, each a list of cells in column order."""
        per_column = [column.cells(index) for column in self.columns]
        return [list(row) for row in zip(*per_column)] if per_column else []


def from_table(table: Table) -> Frame:
    """A frame holding a decoded tb_eval table."""
    columns = []
    for column in table.columns:
        if column.type == "string":
            values = np.empty(len(column.values), dtype=object)
            values[:] = column.values
            columns.append(FrameColumn(column.name, "string", values, _none_mask(values)))
        elif column.type == "number":
            values = np.asarray(column.values, dtype=np.float64)
            columns.append(FrameColumn(column.name, "number", values, np.isnan(values)))
        elif column.type in _DTYPES:
            values = np.asarray(column.values, dtype=_DTYPES[column.type])
            columns.append(FrameColumn(column.name, column.type, values))
        else:
            raise ValueError(f"unknown column type {column.type!r}")
    return Frame(columns)


def _none_mask(values: np.ndarray) -> np.ndarray:
    return np.fromiter((v is None for v in values), dtype=bool, count=len(values))


def _merged_type(types: set[str]) -> str:
    if len(types) == 1:
        return next(iter(types))
    if types <= set(NUMERIC_TYPES):
        return "number"
    return "string"


def _converted(column: FrameColumn, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """``column``'s values as type ``kind`` and its missing mask."""
    missing = column.missing if column.missing is not None else np.zeros(len(column.values), bool)
    if kind == column.type:
        return column.values, missing
    if kind == "number":
        values = column.values.astype(np.float64)
        values[missing] = math.nan
        return values, missing
    # to string: the display text of each cell
    text = np.empty(len(column.values), dtype=object)
    text[:] = column.text().tolist()
    text[missing] = None
    return text, missing


def stack(frames: Sequence[tuple[str, Frame]]) -> Frame:
    """Tables of several runs as one, with a leading ``run`` column.

    Columns are the union in order of first appearance; a column missing from a run is missing
    in its rows. Types that differ between runs merge to ``number`` (integer, number, bool) or
    else ``string``.
    """
    names: dict[str, set[str]] = {}
    for _, frame in frames:
        for column in frame.columns:
            names.setdefault(column.name, set()).add(column.type)
    sizes = [frame.num_rows for _, frame in frames]
    total = sum(sizes)
    run_values = np.empty(total, dtype=object)
    start = 0
    for (run, _), size in zip(frames, sizes):
        run_values[start : start + size] = run
        start += size
    run_name = "run"
    while run_name in names:  # a table with its own "run" column keeps it
        run_name = "_" + run_name
    columns = [FrameColumn(run_name, "string", run_values)]
    for name, types in names.items():
        kind = _merged_type(types)
        parts, gaps = [], []
        for (_, frame), size in zip(frames, sizes):
            column = frame.column(name)
            if column is None:
                parts.append(_blank(kind, size))
                gaps.append(np.ones(size, dtype=bool))
            else:
                values, missing = _converted(column, kind)
                parts.append(values)
                gaps.append(missing)
        values = np.concatenate(parts) if parts else np.empty(0)
        columns.append(FrameColumn(name, kind, values, np.concatenate(gaps)))
    return Frame(columns)


def _blank(kind: str, size: int) -> np.ndarray:
    if kind == "number":
        return np.full(size, math.nan)
    if kind == "string":
        return np.full(size, None, dtype=object)
    return np.zeros(size, dtype=_DTYPES[kind])


def sort_order(column: FrameColumn, descending: bool) -> np.ndarray:
    """Row indices ordering ``column``; stable, missing cells last in either direction.

    Ties keep their table order in both directions, as pandas' ``sort_values(kind="stable")``.
    """
    present = np.flatnonzero(column.present)
    missing = np.flatnonzero(~column.present) if column.missing is not None else None
    if column.type == "number":
        nan = np.isnan(column.values[present])
        if nan.any():
            extra = present[nan]
            present = present[~nan]
            missing = extra if missing is None else np.sort(np.concatenate([missing, extra]))
    keys = column.values[present]
    if column.type == "string" and STRING_DTYPE is not None:
        keys = keys.astype(STRING_DTYPE)
    if descending:
        order = present[::-1][np.argsort(keys[::-1], kind="stable")][::-1]
    else:
        order = present[np.argsort(keys, kind="stable")]
    if missing is not None and len(missing):
        order = np.concatenate([order, missing])
    return order.astype(np.int64, copy=False)


_NUMBER_TEXT_CHARS = frozenset("0123456789.-+einfa")


def could_match_text(column: FrameColumn, needle: str) -> bool:
    """False when no cell's text of ``column`` can contain ``needle`` (lower-cased); saves
    building the text of numeric columns for a query like ``"cat"``."""
    if column.type == "string" or not needle:
        return True
    if column.type == "bool":
        return needle in "true" or needle in "false"
    return set(needle) <= _NUMBER_TEXT_CHARS


def contains(lower_text: np.ndarray, needle: str) -> np.ndarray:
    """Mask of the cells of ``lower_text`` (lower-cased strings) containing ``needle``."""
    if STRING_DTYPE is not None:
        return np.strings.find(lower_text, needle) >= 0
    return np.fromiter((needle in v for v in lower_text), dtype=bool, count=len(lower_text))


def lower_text(column: FrameColumn) -> np.ndarray:
    """The column's text, lower-cased, for case-insensitive search."""
    text = column.text()
    if STRING_DTYPE is not None:
        return np.strings.lower(text)
    return np.array([v.lower() for v in text], dtype=object)  # pragma: no cover - numpy 1.x
