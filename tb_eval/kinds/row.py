"""Rows (``log_row``) for our plugin: one JSON object per step at tag ``tb_eval/row/<name>``; the
rows of a name form a table that grows (see :mod:`tb_eval.kinds.table` for the column types)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, string_tensor
from tb_eval.kinds.table import Cell, Table, _check_name, _scalar_cell, normalize_table

KIND, DATA_CLASS, STORAGE = "row", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
CLAIMS_NAME = True
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)


def normalize_row(values: Mapping[str, Any], argument: str = "row") -> dict[str, Cell]:
    """One ``log_row`` row as JSON-ready cells."""
    if not values:
        raise ValueError(f"{argument}: a row needs at least one column=value")
    return {
        _check_name(name, argument): _scalar_cell(value, f"{argument}: column {name!r}")
        for name, value in values.items()
    }


def encode(row: Mapping[str, Cell]):
    """One row as a JSON string tensor. NaN is already a missing value (``null``); an infinity
    is kept as the ``Infinity``/``-Infinity`` token Python's ``json`` writes and reads, as a
    table's number column keeps it."""
    return string_tensor(json.dumps(dict(row), ensure_ascii=False))


def decode(document: Any, where: str = "a row") -> dict[str, Cell]:
    """One stored row (its JSON document), its cells checked; ``ValueError``/``TypeError``
    naming ``where`` otherwise."""
    if not isinstance(document, dict):
        raise ValueError(f"{where} is a {type(document).__name__}, not an object")
    normalize_row(document, where)  # cells of the right types
    return document


def rows_to_table(rows: Sequence[Mapping[str, Cell]]) -> Table:
    """The rows of a ``log_row`` name as one table (columns in order of first appearance)."""
    return normalize_table(list(rows), argument="rows")
