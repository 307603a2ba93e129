"""Tables (``log_table``) and rows (``log_row``) for our plugin, small tables also as Text.

A table is stored whole as one blob (tag ``tb_eval/table/<name>``, one step per ``log_table``
call) in the :mod:`tb_eval.kinds.codec` container, column by column. A row is stored as one JSON
object per step (tag ``tb_eval/row/<name>``); the rows of a name form a table that grows.

Column types: ``integer`` (int64, no missing values), ``number`` (float64, missing = NaN),
``bool`` and ``string`` (missing allowed). Integers with missing values become ``number``; bools
with missing values become ``string``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tb_eval.kinds import codec, common
from tb_eval.kinds.common import BLOB, DATA_CLASS_BLOB_SEQUENCE, blob_tensor, tensor_to_numpy

KIND, DATA_CLASS, STORAGE = "table", DATA_CLASS_BLOB_SEQUENCE, BLOB
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
CLAIMS_NAME = True
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)
#: Tables with at most this many rows and cells also go to TensorBoard's Text dashboard.
TEXT_MAX_ROWS = 100
TEXT_MAX_CELLS = 2000

Cell = str | int | float | bool | None
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Column:
    """One typed column. ``values`` is an ndarray for numbers and bools, a list for strings."""

    name: str
    type: str
    values: Any

    def cell(self, index: int) -> Cell:
        """The value at ``index`` as a Python scalar (``None`` when missing)."""
        value = self.values[index]
        if self.type == "number":
            value = float(value)
            return None if math.isnan(value) else value
        if self.type == "integer":
            return int(value)
        if self.type == "bool":
            return bool(value)
        return value


@dataclass(frozen=True)
class Table:
    """Columns of equal length."""

    columns: list[Column]

    @property
    def num_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, list[Cell]]:
        """Columns as Python lists (missing values as ``None``)."""
        out = {}
        for column in self.columns:
            if column.type == "number":
                out[column.name] = [None if math.isnan(v) else v for v in column.values.tolist()]
            elif column.type == "string":
                out[column.name] = list(column.values)
            else:
                out[column.name] = column.values.tolist()
        return out


def _scalar_cell(value: Any, where: str) -> Cell:
    """A cell as str/int/float/bool/None, or TypeError naming where it is."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, (bool, str)):
            return value
    if isinstance(value, numbers.Integral):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(
                f"{where}: {value!r:.40} does not fit an int64 column; pass float(value) or "
                "str(value)"
            )
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else number
    raise TypeError(
        f"{where}: {type(value).__name__} {value!r:.40} is not str, number, bool or None"
    )


def _typed_column(name: str, values: Any, argument: str) -> Column:
    """Infer a column's type from its values and build it."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "biuf":
        if values.dtype.kind == "b":
            return Column(name, "bool", values.astype(bool))
        if values.dtype.kind in "iu":
            return Column(name, "integer", values.astype(np.int64))
        return Column(name, "number", values.astype(np.float64))
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{argument}: column {name!r} has shape {values.shape}; expected 1-D")
    cells = [_scalar_cell(v, f"{argument}: column {name!r} row {i}") for i, v in enumerate(values)]
    kinds = {type(c) for c in cells if c is not None}
    has_missing = any(c is None for c in cells)
    if not kinds or kinds <= {int} and not has_missing:
        return Column(
            name,
            "integer" if kinds else "number",
            np.array(cells, dtype=np.int64) if kinds else np.full(len(cells), np.nan),
        )
    if kinds <= {int, float}:
        return Column(
            name,
            "number",
            np.array([math.nan if c is None else c for c in cells], dtype=np.float64),
        )
    if kinds == {bool} and not has_missing:
        return Column(name, "bool", np.array(cells, dtype=bool))
    return Column(name, "string", [None if c is None else str(c) for c in cells])


def _check_name(name: Any, argument: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{argument}: column names must be str, got {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"{argument}: column names must not be empty")
    return name


def normalize_table(data: Any, argument: str = "value") -> Table:
    """A dict of columns, a list of row dicts or a pandas DataFrame as a :class:`Table`."""
    if hasattr(data, "to_dict") and hasattr(data, "columns") and hasattr(data, "dtypes"):
        columns = {str(c): data[c].to_numpy() for c in data.columns}  # a DataFrame
        for name, values in columns.items():
            if values.dtype == object:
                columns[name] = list(values)
    elif isinstance(data, Mapping):
        columns = dict(data)
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        if not all(isinstance(row, Mapping) for row in data):
            raise TypeError(f"{argument}: a list must hold one dict per row")
        names: dict[str, None] = {}
        for row in data:
            names.update(dict.fromkeys(row))
        columns = {name: [row.get(name) for row in data] for name in names}
    else:
        raise TypeError(
            f"{argument}: expected a dict of columns, a list of row dicts or a pandas DataFrame, "
            f"got {type(data).__name__}"
        )
    if not columns:
        raise ValueError(f"{argument}: the table has no columns")
    typed = []
    lengths = {}
    for name, values in columns.items():
        _check_name(name, argument)
        if (
            isinstance(values, (str, bytes, Mapping, set, frozenset))
            or not hasattr(values, "__len__")
            or not hasattr(values, "__getitem__")
        ):
            raise TypeError(
                f"{argument}: column {name!r} must be a sequence of values, got "
                f"{type(values).__name__}"
            )
        values = tensor_to_numpy(values)
        if hasattr(values, "to_numpy"):
            values = values.to_numpy()
        lengths[name] = len(values)
        typed.append(_typed_column(name, values, argument))
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n!r}: {k}" for n, k in lengths.items())
        raise ValueError(f"{argument}: columns have different lengths ({detail})")
    return Table(typed)


def encode_table(table: Table) -> bytes:
    """The table as one codec payload."""
    arrays: dict[str, np.ndarray] = {}
    schema = []
    for index, column in enumerate(table.columns):
        schema.append({"name": column.name, "type": column.type})
        if column.type == "string":
            for part, array in codec.encode_strings(column.values).items():
                arrays[f"c{index}.{part}"] = array
        else:
            arrays[f"c{index}"] = column.values
    meta = {"kind": KIND, "columns": schema, "rows": table.num_rows}
    return codec.encode(arrays, meta)


def decode_table(payload: bytes) -> Table:
    """Inverse of :func:`encode_table`; ``ValueError`` for anything else."""
    meta, arrays = codec.decode(payload)
    if meta.get("kind") != KIND:
        raise ValueError("payload is not a table")
    columns = []
    for index, spec in enumerate(meta["columns"]):
        kind = spec["type"]
        if kind == "string":
            values = codec.decode_strings(
                arrays[f"c{index}.offsets"], arrays[f"c{index}.data"], arrays.get(f"c{index}.valid")
            )
        elif kind in ("number", "integer", "bool"):
            values = arrays[f"c{index}"]
        else:
            raise ValueError(f"unknown column type {kind!r}")
        columns.append(Column(str(spec["name"]), kind, values))
    return Table(columns)


def text_cells(table: Table) -> list[list[str]] | None:
    """Header plus rows as strings for the Text dashboard, or ``None`` if the table is too big."""
    rows = table.num_rows
    if rows > TEXT_MAX_ROWS or rows * len(table.columns) > TEXT_MAX_CELLS:
        return None
    header = [column.name for column in table.columns]
    body = [
        ["" if (cell := column.cell(i)) is None else str(cell) for column in table.columns]
        for i in range(rows)
    ]
    return [header, *body]


def encode(table: Table):
    """The table as one blob (a :func:`encode_table` payload)."""
    return blob_tensor(encode_table(table))


def decode(payload: bytes) -> Table:
    """One stored table (its blob); ``ValueError`` for anything else."""
    return decode_table(payload)
