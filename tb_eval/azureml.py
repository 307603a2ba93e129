"""Azure ML v1 conventions that ``Run`` understands: what ``log_image`` accepts in ``path``'s
place, and the JSON schema of ``log_confusion_matrix``."""

from __future__ import annotations

import json
import os
from typing import Any

CONFUSION_SCHEMA = "confusion_matrix"


def _is_plot(value: Any) -> bool:
    """A matplotlib figure, or the ``matplotlib.pyplot`` module (its current figure)."""
    return callable(getattr(value, "savefig", None))


def image_arguments(path: Any, plot: Any, image: Any) -> tuple[Any, Any, Any]:
    """``log_image``'s ``(path, plot, image)`` with Azure's shortcuts resolved: a figure or
    ``matplotlib.pyplot`` given as ``path`` is a plot, an open binary stream an image."""
    if path is None or isinstance(path, (str, os.PathLike)):
        pass
    elif _is_plot(path) and plot is None:
        path, plot = None, path
    elif callable(getattr(path, "read", None)) and image is None:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as opened:
                opened.load()
                path, image = None, opened.copy()
        except (UnidentifiedImageError, OSError) as error:
            raise ValueError(
                f"path: the stream {path!r} is not a readable image: {error}"
            ) from None
    else:
        raise TypeError(
            "path: expected an image file path, a binary stream, a matplotlib figure or "
            f"matplotlib.pyplot, got {path!r}"
        )
    if plot is not None and not _is_plot(plot):
        raise TypeError(f"plot: expected a matplotlib figure or matplotlib.pyplot, got {plot!r}")
    return path, plot, image


def confusion_arguments(value: Any, labels: Any) -> tuple[Any, Any]:
    """``(matrix, labels)`` from Azure's confusion-matrix JSON (a dict or a JSON string:
    ``{"schema_type": "confusion_matrix", "schema_version": "1.0.0", "data": {"class_labels":
    [...], "matrix": [[...]]}}``), or ``value`` itself when it is an array of counts."""
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"value: not a JSON confusion matrix ({error})") from None
    if not isinstance(value, dict):
        return value, labels
    if value.get("schema_type") != CONFUSION_SCHEMA or not isinstance(value.get("data"), dict):
        raise ValueError(
            "value: expected Azure's confusion matrix JSON with schema_type "
            f"'{CONFUSION_SCHEMA}' and a 'data' object, got keys {sorted(value)}"
        )
    data = value["data"]
    if "matrix" not in data:
        raise ValueError("value: the confusion matrix JSON has no data.matrix")
    if labels is not None and data.get("class_labels") is not None:
        raise TypeError("labels: given twice (in value's class_labels and as labels=)")
    return data["matrix"], data.get("class_labels", labels)
