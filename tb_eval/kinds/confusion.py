"""Precomputed confusion matrices (``log_confusion_matrix``): a small JSON document per step at
``tb_eval/confusion/<name>``."""

from __future__ import annotations

from typing import Any

import numpy as np

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor, tensor_to_numpy

KIND, DATA_CLASS, STORAGE = "confusion", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
CLAIMS_NAME = True
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)


def check_confusion_matrix(matrix: Any, labels: Any) -> dict[str, Any]:
    """A square, non-negative, finite matrix with one label per row, as a JSON document."""
    matrix = tensor_to_numpy(matrix)
    try:
        array = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise TypeError("matrix: expected a square array of counts") from None
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"matrix: expected a non-empty square matrix, got shape {array.shape}")
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError("matrix: counts must be finite and >= 0")
    if labels is None:
        labels = list(range(array.shape[0]))
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError("labels: expected a list with one label per row of matrix")
    labels = [label.item() if hasattr(label, "item") else label for label in labels]
    if len(labels) != array.shape[0]:
        raise ValueError(
            f"labels: {len(labels)} labels for a {array.shape[0]}x{array.shape[0]} matrix"
        )
    if not all(isinstance(label, (str, int)) and not isinstance(label, bool) for label in labels):
        raise TypeError("labels: each label must be a str or an int")
    if len(set(labels)) != len(labels):
        raise ValueError("labels: labels must be distinct")
    as_ints = array.astype(np.int64)
    values = as_ints.tolist() if np.array_equal(as_ints, array) else array.tolist()
    return {"labels": labels, "matrix": values}


def check(matrix: Any, labels: Any, argument: str = "matrix") -> dict[str, Any]:
    """:func:`check_confusion_matrix`, its errors naming the matrix ``argument``."""
    try:
        return check_confusion_matrix(matrix, labels)
    except (TypeError, ValueError) as error:
        message = str(error)
        if argument != "matrix" and message.startswith("matrix:"):
            raise type(error)(f"{argument}:" + message[len("matrix:") :]) from None
        raise


def encode(document: dict[str, Any]):
    return json_tensor(document)


def decode(document: Any) -> dict[str, Any]:
    """One stored matrix, checked as :func:`check_confusion_matrix` checks a logged one;
    ``ValueError``/``TypeError`` otherwise."""
    if not isinstance(document, dict):
        raise ValueError("not a confusion matrix document")
    return check_confusion_matrix(document.get("matrix"), document.get("labels"))
