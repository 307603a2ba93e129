"""Azure ML v1 conventions that ``Run`` understands: what ``log_image`` accepts in ``path``'s
place, the JSON schemas of ``log_confusion_matrix``, ``log_accuracy_table``, ``log_residuals``
and ``log_predictions``, and those documents as ``get_metrics`` gives them back."""

from __future__ import annotations

import json
import os
from typing import Any

CONFUSION_SCHEMA = "confusion_matrix"
#: The ``schema_version`` of the confusion matrices and regression bins ``get_metrics`` gives:
#: the one Azure documents for them (the version logged is not stored).
SCHEMA_VERSION = "1.0.0"


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
                f"path: the stream {path!r:.80} is not a readable image: {error!s:.200}"
            ) from None
    else:
        raise TypeError(
            "path: expected an image file path, a binary stream, a matplotlib figure or "
            f"matplotlib.pyplot, got {path!r:.80}"
        )
    if plot is not None and not _is_plot(plot):
        raise TypeError(
            f"plot: expected a matplotlib figure or matplotlib.pyplot, got {plot!r:.80}"
        )
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


def is_schema_document(value: Any, schema: str) -> bool:
    """Whether ``value`` is (a JSON string of) an object whose ``schema_type`` is ``schema``."""
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError:
            return False
    return isinstance(value, dict) and value.get("schema_type") == schema


def schema_data(value: Any, schema: str) -> Any:
    """The ``data`` object of Azure's ``schema`` document ``value`` (a dict or its JSON text:
    ``{"schema_type": schema, "schema_version": ..., "data": {...}}``)."""
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"value: not a JSON {schema} document ({error})") from None
    if not isinstance(value, dict):
        raise TypeError(
            f"value: expected Azure's {schema} JSON (a dict or a JSON string), got "
            f"{type(value).__name__}"
        )
    if value.get("schema_type") != schema or not isinstance(value.get("data"), dict):
        raise ValueError(
            f"value: expected Azure's {schema} JSON with schema_type '{schema}' and a 'data' "
            f"object, got schema_type {value.get('schema_type')!r:.80} and keys "
            f"{sorted(map(str, value))!s:.200}"
        )
    return value["data"]


def predictions_arguments(
    y_true: Any, y_score: Any, value: Any, description: Any, *others: Any
) -> tuple[Any, Any]:
    """``(value, description)`` of Azure's ``log_predictions(name, value, description)``, given
    positionally (in ``y_true``'s and ``y_score``'s places) or by name; ``TypeError`` if an
    argument of our array form came with it."""
    if value is not None and y_true is not None:
        raise TypeError("value: given with y_true; pass Azure's predictions JSON as one of them")
    if y_score is not None and description != "":
        raise TypeError("description: given twice (third positional argument and description=)")
    if any(other is not None for other in others):
        raise TypeError(
            "value: Azure's predictions JSON takes only a description; y_pred, labels, task, "
            "sample_weight and summary belong to the array form log_predictions(name, y_true, ...)"
        )
    value = y_true if value is None else value
    return value, description if y_score is None else y_score


def log_regression_bins(
    run: Any, name: str, value: Any, description: Any, step: int | None, schema: str
) -> None:
    """``run.log_residuals`` / ``run.log_predictions(name, value)``: Azure's ``schema``
    document ``value`` checked whole, then logged as one ``regression_bins`` record."""
    from tb_eval import validation
    from tb_eval.kinds import regression_bins

    validation.check_name(name)
    description = validation.check_description(description)
    document = regression_bins.check(schema, schema_data(value, schema))
    run._log_own(
        name,
        regression_bins,
        step,
        regression_bins.encode(document),
        lambda: regression_bins.metadata(description),
    )


def accuracy_table_document(value: Any) -> dict[str, Any]:
    """Azure's accuracy-table JSON ``value`` (a dict, possibly holding numpy arrays, or its JSON
    text; already checked by ``BinnedSummary.from_accuracy_table``) as plain JSON, stored with
    its summary so that ``get_metrics`` gives it back as logged."""
    try:
        if isinstance(value, (str, bytes)):
            value = json.loads(value)
        return json.loads(json.dumps(value, allow_nan=False, default=_plain))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"value: the accuracy table must be JSON of strings and finite numbers ({error})"
        ) from None


def _plain(value: Any) -> Any:
    """A numpy array or scalar as the list or number JSON holds (``json.dumps``'s default)."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(value).__name__} {value!r:.60} is not JSON")


def confusion_document(stored: dict[str, Any]) -> dict[str, Any]:
    """Azure's confusion-matrix JSON of a stored matrix (``{"labels", "matrix"}``), as
    ``get_metrics`` gives it whether it was logged as that JSON or as an array."""
    return {
        "schema_type": CONFUSION_SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "data": {
            "class_labels": list(stored["labels"]),
            "matrix": [list(row) for row in stored["matrix"]],
        },
    }


def regression_document(stored: dict[str, Any]) -> dict[str, Any]:
    """Azure's ``residuals`` or ``predictions`` JSON of stored regression bins (``{"schema",
    "bin_edges", ...}``), as ``get_metrics`` gives it."""
    from tb_eval.kinds import regression_bins

    schema = stored["schema"]
    keys = ("bin_edges", *regression_bins.FIELDS[schema])
    return {
        "schema_type": schema,
        "schema_version": SCHEMA_VERSION,
        "data": {key: list(stored[key]) for key in keys},
    }
