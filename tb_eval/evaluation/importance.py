"""Feature-importance helper used by the logger's ``log_feature_importance``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .inputs import as_array

__all__ = ["feature_importance"]


def feature_importance(
    names: Sequence[str], values: Any, per_class: dict[str, Any] | None = None
) -> dict:
    """Sort feature importances for display (largest absolute value first).

    Parameters
    ----------
    names : sequence of str
        Feature names.
    values : array-like of shape (n_features,)
        Global importances (signed values are ranked by magnitude).
    per_class : dict of str to array-like, optional
        Per-class importances, each of shape (n_features,), reported in the global order.

    Returns
    -------
    dict
        ``{"names": [...], "values": [...], "per_class": {label: [...]}}`` in display order.

    Examples
    --------
    >>> feature_importance(["a", "b"], [0.1, -0.5])["names"]
    ['b', 'a']
    """
    names = [str(n) for n in names]
    vals = as_array(values, "values").astype(np.float64).ravel()
    if vals.size != len(names):
        raise ValueError(f"values has {vals.size} entries but names has {len(names)}")
    if not np.isfinite(vals).all():
        raise ValueError("values contains NaN or infinite importances")
    order = np.argsort(-np.abs(vals), kind="stable")
    out = {"names": [names[i] for i in order], "values": vals[order].tolist(), "per_class": {}}
    for label, pv in (per_class or {}).items():
        arr = as_array(pv, f"per_class[{label!r}]").astype(np.float64).ravel()
        if arr.size != len(names):
            raise ValueError(f"per_class[{label!r}] has {arr.size} entries, expected {len(names)}")
        out["per_class"][str(label)] = arr[order].tolist()
    return out
