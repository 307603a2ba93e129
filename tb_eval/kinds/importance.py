"""Feature importances (``log_feature_importance``): a small JSON document per step at
``tb_eval/importance/<name>``: ``{"features": [...], "importances": [...], "per_class": {label:
[...]}}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor

KIND, DATA_CLASS, STORAGE = "importance", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
CLAIMS_NAME = True
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)


def finite_vector(values: Any, argument: str, length: int) -> list[float]:
    """A 1-D list of ``length`` finite floats, or an error naming ``argument``."""
    values = common.tensor_to_numpy(values)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{argument}: expected numbers (within a float64's range)") from None
    if array.ndim != 1 or array.size != length:
        raise ValueError(
            f"{argument}: expected {length} values (one per feature), got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{argument}: values must be finite")
    return array.tolist()


def check(
    feature_names: Sequence[str], importances: Any, per_class: Mapping[Any, Any] | None = None
) -> dict[str, Any]:
    """``log_feature_importance``'s arguments as the stored document, or an error naming the
    argument."""
    if isinstance(feature_names, (str, bytes)) or not hasattr(feature_names, "__len__"):
        raise TypeError("feature_names: expected a list of str")
    if any(
        isinstance(feature, (list, tuple, set, Mapping, np.ndarray)) for feature in feature_names
    ):
        raise TypeError("feature_names: expected a flat list of str, got nested values")
    features = [str(feature) for feature in feature_names]
    if not features:
        raise ValueError("feature_names: no features")
    if len(set(features)) != len(features):
        repeated = next(f for f in features if features.count(f) > 1)
        raise ValueError(f"feature_names: {repeated!r} appears more than once")
    values = finite_vector(importances, "importances", len(features))
    classes = {}
    if per_class is not None:
        if not isinstance(per_class, Mapping):
            raise TypeError("per_class: expected a dict of class label to importances")
        for label, row in per_class.items():
            classes[str(label)] = finite_vector(row, f"per_class[{label!r}]", len(features))
    return {"features": features, "importances": values, "per_class": classes}


def encode(document: dict[str, Any]):
    return json_tensor(document)


def decode(document: Any) -> dict[str, Any]:
    """One stored importance document; ``ValueError`` unless an object with ``features`` (the
    values are checked by the engine's ``feature_importance`` when shown)."""
    if not isinstance(document, dict) or "features" not in document:
        raise ValueError("not an importance document")
    return document
