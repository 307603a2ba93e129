"""Request parameters of the table routes, parsed and validated into immutable values.

Bad parameters raise :class:`tensorboard.errors.InvalidArgumentError` (HTTP 400) naming the
parameter and the bad value.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from tensorboard import errors
from werkzeug.datastructures import MultiDict

#: Largest page the ``/table`` route returns.
MAX_LIMIT = 1000
#: Integer parameters (steps, offsets, sizes) must fit in int64, as TensorBoard's steps do.
MAX_INTEGER = 2**63 - 1
#: A bad value is quoted in the error message up to this many characters.
SHOWN_CHARS = 80
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
DEFAULT_LIMIT = 100
SOURCES = ("table", "rows")


def single(args: MultiDict, name: str, *, required: bool = False) -> str | None:
    """The value of a parameter given at most once."""
    values = args.getlist(name)
    if len(values) > 1:
        raise errors.InvalidArgumentError(f"parameter {name!r} given {len(values)} times")
    if not values or values[0] == "":
        if required:
            raise errors.InvalidArgumentError(f"missing parameter {name!r}")
        return None
    return values[0]


def shown(raw: str) -> str:
    """``raw`` quoted for an error message, cut to :data:`SHOWN_CHARS` characters."""
    return repr(raw) if len(raw) <= SHOWN_CHARS else f"{raw[:SHOWN_CHARS]!r}... ({len(raw)} chars)"


def run_names(args: MultiDict) -> list[str]:
    """The repeated ``run`` parameter, each name once, in order; ``400`` when missing or empty."""
    runs = list(dict.fromkeys(args.getlist("run")))
    if not runs or any(run == "" for run in runs):
        raise errors.InvalidArgumentError("missing parameter 'run'")
    return runs


def integer(
    args: MultiDict,
    name: str,
    default: int | None,
    minimum: int = 0,
    maximum: int = MAX_INTEGER,
) -> int | None:
    """An integer parameter (ASCII digits, optional sign) within ``[minimum, maximum]``."""
    raw = single(args, name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise errors.InvalidArgumentError(
            f"parameter {name!r}: {shown(raw)} is not an integer between {minimum} and {maximum}"
        )
    value = int(raw)
    if value < minimum:
        raise errors.InvalidArgumentError(f"parameter {name!r}: {value} is below {minimum}")
    if value > maximum:
        raise errors.InvalidArgumentError(f"parameter {name!r}: {value} is above {maximum}")
    return value


@dataclass(frozen=True)
class Selection:
    """Which table: ``name`` of ``source`` in ``runs`` (stacked when several), at ``step``."""

    runs: tuple[str, ...]
    name: str
    source: str
    step: int | None


@dataclass(frozen=True)
class ColumnFilter:
    """``min``/``max`` (inclusive) for numeric columns, or ``q`` (substring) for any column."""

    column: str
    minimum: float | None = None
    maximum: float | None = None
    text: str | None = None


@dataclass(frozen=True)
class View:
    """How to present the selection: global search, column filters and sort."""

    q: str = ""
    filters: tuple[ColumnFilter, ...] = ()
    sort: str | None = None
    descending: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.filters)


def parse_selection(args: MultiDict) -> Selection:
    """``run`` (repeatable), ``name``, ``source`` (default ``table``) and ``step``."""
    runs = tuple(dict.fromkeys(args.getlist("run")))
    if not runs or any(run == "" for run in runs):
        raise errors.InvalidArgumentError("missing parameter 'run'")
    name = single(args, "name", required=True)
    source = single(args, "source") or "table"
    if source not in SOURCES:
        raise errors.InvalidArgumentError(
            f"parameter 'source': {shown(source)} is not table or rows"
        )
    step = integer(args, "step", None)
    if step is not None and source == "rows":
        raise errors.InvalidArgumentError("parameter 'step' applies to source=table only")
    return Selection(runs, name, source, step)


def parse_view(args: MultiDict) -> View:
    """``q``, ``filter`` (JSON), ``sort`` and ``order``."""
    q = (single(args, "q") or "").lower()
    order = single(args, "order") or "asc"
    if order not in ("asc", "desc"):
        raise errors.InvalidArgumentError(f"parameter 'order': {shown(order)} is not asc or desc")
    return View(q, parse_filters(single(args, "filter")), single(args, "sort"), order == "desc")


def _bound(spec: dict, key: str, column: str) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    where = f"parameter 'filter': {key} of column {shown(column)}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise errors.InvalidArgumentError(
            f"{where} must be a number, got {shown(json.dumps(value))}"
        )
    try:
        number = float(value)
    except OverflowError:
        raise errors.InvalidArgumentError(f"{where} is beyond the float64 range") from None
    if math.isnan(number):
        raise errors.InvalidArgumentError(f"{where} must be a number, got NaN")
    return number


def parse_filters(raw: str | None) -> tuple[ColumnFilter, ...]:
    """``{"col": {"min": x, "max": y}}`` or ``{"col": {"q": "text"}}`` as filters."""
    if raw is None:
        return ()
    try:
        spec: Any = json.loads(raw)
    except RecursionError:
        raise errors.InvalidArgumentError("parameter 'filter': nested too deeply") from None
    except ValueError:
        raise errors.InvalidArgumentError(f"parameter 'filter': not JSON: {shown(raw)}") from None
    if not isinstance(spec, dict):
        raise errors.InvalidArgumentError("parameter 'filter': expected a JSON object by column")
    filters = []
    for column, condition in spec.items():
        if not isinstance(condition, dict) or not condition:
            raise errors.InvalidArgumentError(
                f"parameter 'filter': column {shown(column)} needs an object with min/max or q"
            )
        unknown = set(condition) - {"min", "max", "q"}
        if unknown:
            raise errors.InvalidArgumentError(
                f"parameter 'filter': column {shown(column)}: unknown key(s) "
                f"{shown(', '.join(sorted(unknown)))}"
            )
        text = condition.get("q")
        if text is not None and not isinstance(text, str):
            raise errors.InvalidArgumentError(
                f"parameter 'filter': q of column {shown(column)} must be a string, "
                f"got {shown(json.dumps(text))}"
            )
        filters.append(
            ColumnFilter(
                column,
                _bound(condition, "min", column),
                _bound(condition, "max", column),
                text.lower() if text else None,
            )
        )
    return tuple(filters)
