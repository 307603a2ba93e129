"""Significant-digit rounding of display curves (the metrics themselves stay exact)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

__all__ = ["round_curves", "round_significant"]


def round_significant(values: Any, digits: int = 6) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (integers and non-finite kept).

    The result is the double nearest to the rounded decimal, so it prints short in JSON.

    Parameters
    ----------
    values : array-like
        Numbers to round (converted to float64; the input is not modified).
    digits : int, default 6
        Significant digits to keep (at least 1).

    Returns
    -------
    numpy.ndarray
        A float64 copy: integral values, infinities, NaN and magnitudes below 1e-300 unchanged.

    Examples
    --------
    >>> round_significant([0.123456789, 1234.56789, 3.0, float("inf")], 4).tolist()
    [0.1235, 1235.0, 3.0, inf]
    """
    out = np.array(values, dtype=np.float64, copy=True)
    with np.errstate(invalid="ignore"):
        # Below 1e-300 the power of ten that scales a value to its digits overflows; such values
        # (subnormal probabilities, say) print short already.
        todo = np.isfinite(out) & (out != np.round(out)) & (np.abs(out) >= 1e-300)
    if not todo.any():
        return out
    v = out[todo]
    shift = digits - 1 - np.floor(np.log10(np.abs(v))).astype(np.int64)
    up = shift >= 0
    rounded = np.empty_like(v)
    scale = 10.0 ** shift[up]  # exact powers of ten, so the division rounds correctly
    rounded[up] = np.round(v[up] * scale) / scale
    scale = 10.0 ** (-shift[~up])
    rounded[~up] = np.round(v[~up] / scale) * scale
    out[todo] = rounded
    return out


def round_curves(
    curves: dict[str, Any], digits: int = 6, kinds: Collection[str] | None = None
) -> None:
    """Round the 1-D float columns of a report's curves in place, for display.

    Parameters
    ----------
    curves : dict
        ``Report.curves``: curve kind to nested dicts whose leaves are numpy columns.
    digits : int, default 6
        Significant digits kept (see :func:`round_significant`).
    kinds : collection of str, optional
        Only these curve kinds are rounded (default: every kind).

    Returns
    -------
    None
        ``curves`` is modified in place; integer columns and scalars are left alone.

    Examples
    --------
    >>> import numpy as np
    >>> curves = {"roc": {"1": {"fpr": np.array([0.1234567]), "exact_points": 3}}}
    >>> round_curves(curves, 3)
    >>> curves["roc"]["1"]["fpr"].tolist()
    [0.123]
    """

    def walk(node: dict[str, Any]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.ndim == 1:
                node[key] = round_significant(value, digits)

    for kind, by_key in curves.items():
        if (kinds is None or kind in kinds) and isinstance(by_key, dict):
            walk(by_key)
