"""Validation shared by the public API: names, steps, params. Errors name the argument."""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

import numpy as np

from tb_eval.kinds.common import tensor_to_numpy

_RESERVED_PREFIXES = ("tb_eval/", "_hparams_/")
_RUN_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\\]|(^|/)\.\.?(/|$)")


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
    return value


def check_step(step: Any, argument: str = "step") -> int:
    """A non-negative int step."""
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"{argument}: expected an int, got {type(step).__name__}")
    if step < 0:
        raise ValueError(f"{argument}: must be >= 0, got {step}")
    return int(step)


def check_wall_time(wall_time: Any) -> float:
    if isinstance(wall_time, bool) or not isinstance(wall_time, numbers.Real):
        raise TypeError(
            f"wall_time: expected seconds since the epoch, got {type(wall_time).__name__}"
        )
    value = float(wall_time)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"wall_time: must be finite and >= 0, got {wall_time!r}")
    return value


def check_description(description: Any) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise TypeError(f"description: expected a str, got {type(description).__name__}")
    return description


def check_params(params: Any, argument: str = "params") -> dict[str, str | bool | int | float]:
    """Params or tags: a dict of str keys to str, number or bool values."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise TypeError(f"{argument}: expected a dict, got {type(params).__name__}")
    out: dict[str, str | bool | int | float] = {}
    for key, value in params.items():
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"{argument}: keys must be non-empty str, got {key!r}")
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            value = value.item()  # numpy / torch scalars
        if isinstance(value, (str, bool)):
            out[key] = value
        elif isinstance(value, numbers.Integral):
            out[key] = int(value)
        elif isinstance(value, numbers.Real):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"{argument}: {key!r} is {value!r}; params must be finite")
            out[key] = number
        else:
            raise TypeError(
                f"{argument}: {key!r} is a {type(value).__name__}; "
                "params must be str, number or bool"
            )
    return out


def as_number(value: Any) -> float | None:
    """``value`` as a float if it is a number (Python, numpy or a 0-d tensor), else ``None``."""
    if isinstance(value, numbers.Real):
        return float(value)
    value = tensor_to_numpy(value)
    if (
        isinstance(value, (np.ndarray, np.generic))
        and value.size == 1
        and value.dtype.kind in "biuf"
    ):
        return float(value.reshape(()))
    return None


def finite_vector(values: Any, argument: str, length: int) -> list[float]:
    """A 1-D list of ``length`` finite floats, or an error naming ``argument``."""
    values = tensor_to_numpy(values)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{argument}: expected numbers") from None
    if array.ndim != 1 or array.size != length:
        raise ValueError(
            f"{argument}: expected {length} values (one per feature), got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{argument}: values must be finite")
    return array.tolist()


def check_artifact_name(name: Any) -> str:
    """An uploaded file's name: relative, ``/``-separated, no ``..``, no event files."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name: expected a non-empty relative file name, got {name!r}")
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts) or "tfevents" in name:
        raise ValueError(f"name: {name!r} must be a relative path without '..' or empty parts")
    return "/".join(parts)
