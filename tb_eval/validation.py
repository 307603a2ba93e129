"""Validation shared by the public API: names, steps, params. Errors name the argument."""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from tb_eval.kinds.common import tensor_to_numpy

_RESERVED_PREFIXES = ("tb_eval/", "_hparams_/")
_RUN_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\\]|(^|/)\.\.?(/|$)")
#: TensorBoard's Rust loader (``--load_fast=true``) parses its blob keys, JSON holding the run and
#: tag, back into unescaped strings: a name with a character JSON escapes cannot be read there.
_BLOB_KEY_FORBIDDEN = re.compile(r'["\\\x00-\x1f]')
#: Steps are int64 in the event file.
MAX_STEP = 2**63 - 1
#: 10000-01-01T00:00:00Z: a later wall time is a mistake (milliseconds, say), not a date.
MAX_WALL_TIME = 253402300800.0


class ExperimentName(str):
    """A run's experiment: its name, a ``str``; ``.name`` also gives it, so Azure ML code that
    reads ``run.experiment.name`` keeps working."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return str(self)


def experiment_name(value: str | None) -> ExperimentName | None:
    """``value`` as an :class:`ExperimentName` (``None`` stays ``None``)."""
    return None if value is None else ExperimentName(value)


def check_name(name: Any, argument: str = "name") -> str:
    """A metric, table or image name: a non-empty str, not one of TensorBoard's or ours."""
    if not isinstance(name, str):
        raise TypeError(f"{argument}: expected a str, got {type(name).__name__}")
    if not name.strip():
        raise ValueError(f"{argument}: must not be empty or blank")
    if any(ch in name for ch in "\x00\n\r"):
        raise ValueError(f"{argument}: {name!r} contains control characters")
    if name.startswith(_RESERVED_PREFIXES):
        raise ValueError(f"{argument}: {name!r} uses a reserved prefix {_RESERVED_PREFIXES}")
    return name


def check_path_component(value: Any, argument: str) -> str:
    """An experiment or run name: becomes directories under the logdir, so no ``..`` tricks."""
    check_name(value, argument)
    if value.startswith("/") or _RUN_NAME_FORBIDDEN.search(value) or "tfevents" in value:
        raise ValueError(f"{argument}: {value!r} is not usable as a directory name")
    return check_blob_key_safe(value, argument)


def check_blob_key_safe(name: str, argument: str = "name") -> str:
    """A run, experiment or blob-backed data name (tables, predictions, images) that TensorBoard's
    Rust loader can serve: no ``"``, backslash or control character."""
    found = _BLOB_KEY_FORBIDDEN.search(name)
    if found:
        raise ValueError(
            f"{argument}: {name!r} contains {found.group()!r}, which TensorBoard's Rust loader "
            "(--load_fast=true) cannot serve; choose another name"
        )
    return name


def check_step(step: Any, argument: str = "step") -> int:
    """A non-negative int step."""
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"{argument}: expected an int, got {step!r:.80}")
    if not 0 <= step <= MAX_STEP:
        raise ValueError(f"{argument}: must be from 0 to 2**63 - 1 (int64), got {step}")
    return int(step)


def check_wall_time(wall_time: Any, argument: str = "wall_time") -> float:
    if isinstance(wall_time, bool) or not isinstance(wall_time, numbers.Real):
        raise TypeError(
            f"{argument}: expected seconds since the epoch, got {type(wall_time).__name__}"
        )
    try:
        value = float(wall_time)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or not 0 <= value < MAX_WALL_TIME:
        raise ValueError(
            f"{argument}: must be seconds since the epoch, from 0 to {MAX_WALL_TIME:.0f} "
            f"(year 10000), got {wall_time!r:.40}"
        )
    return value


def check_description(description: Any) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise TypeError(f"description: expected a str, got {type(description).__name__}")
    return description


ParamValue = str | bool | int | float | None


def check_params(params: Any, argument: str = "params") -> dict[str, ParamValue]:
    """Params or tags as a flat dict of str keys to str, number, bool or ``None`` values.

    What real configs hold goes in unchanged: nested dicts are flattened with ``.`` (``{"opt":
    {"lr": 0.1}}`` becomes ``{"opt.lr": 0.1}``), numpy and 0-d torch scalars become Python
    numbers, non-finite numbers and anything else (lists, tuples, estimators, classes) are kept
    as their text, e.g. ``"[1, 2]"`` or ``"LogisticRegression(C=0.5)"``.
    """
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(f"{argument}: expected a dict, got {type(params).__name__}")
    out: dict[str, ParamValue] = {}
    _flatten_into(out, params, "", argument)
    return out


def _flatten_into(out: dict[str, ParamValue], params: Mapping, prefix: str, argument: str) -> None:
    for raw_key, value in params.items():
        if isinstance(raw_key, str):
            key = raw_key
        elif isinstance(raw_key, (numbers.Number, np.generic)):
            key = str(raw_key)
        else:
            raise TypeError(
                f"{argument}: keys must be str, got {raw_key!r} ({type(raw_key).__name__})"
            )
        if not key.strip() or any(ch in key for ch in "\x00\n\r"):
            raise ValueError(f"{argument}: keys must be non-empty text, got {raw_key!r}")
        key = prefix + key
        if isinstance(value, Mapping) and value:
            _flatten_into(out, value, key + ".", argument)
            continue
        if key in out:
            raise ValueError(f"{argument}: {key!r} is given twice (once nested, once flat)")
        out[key] = param_value(value)


def param_value(value: Any) -> ParamValue:
    """One param or tag value: ``None``, str, bool, a finite int or float, else its text."""
    value = tensor_to_numpy(value)
    if isinstance(value, (np.generic, np.ndarray)) and value.ndim == 0 and value.size == 1:
        value = value.item()  # numpy (and, via tensor_to_numpy, torch) scalars
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, (np.ndarray, list, tuple)):
        return str(value.tolist() if isinstance(value, np.ndarray) else value)
    return str(value)


def check_artifact_name(name: Any) -> str:
    """An uploaded file's name: relative, ``/``-separated, no ``..``, no event files."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name: expected a non-empty relative file name, got {name!r}")
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts) or "tfevents" in name:
        raise ValueError(f"name: {name!r} must be a relative path without '..' or empty parts")
    return "/".join(parts)


def environment_seconds(variable: str, default: float) -> float:
    """A positive number of seconds from the environment variable ``variable`` (``default``
    when unset or blank), or an error naming the variable and its value."""
    raw = os.environ.get(variable)
    if raw is None or not raw.strip():
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < math.inf:
        raise ValueError(f"{variable}: expected a positive number of seconds, got {raw!r}")
    return seconds
