"""Binned regression diagnostics in Azure ML's schemas (``log_residuals``, and
``log_predictions`` given a ``predictions`` document): a small JSON document per step at
``tb_eval/regression_bins/<name>``.

A document is ``{"schema": "residuals", "bin_edges", "bin_counts"}`` (a residual histogram) or
``{"schema": "predictions", "bin_edges", "bin_averages", "bin_errors", "bin_counts"}`` (the mean
prediction and its error per bin of true values)."""

from __future__ import annotations

import math
from typing import Any

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor, tensor_to_numpy

KIND, DATA_CLASS, STORAGE = "regression_bins", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
CLAIMS_NAME = True
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)

#: The fields of each schema's ``data`` besides ``bin_edges`` (one value per bin).
FIELDS: dict[str, tuple[str, ...]] = {
    "residuals": ("bin_counts",),
    "predictions": ("bin_averages", "bin_errors", "bin_counts"),
}


def _numbers(values: Any, where: str) -> list[float]:
    values = tensor_to_numpy(values)
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{where}: expected a list of numbers, got {values!r}")
    out = []
    for item in values:
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise TypeError(f"{where}: expected numbers, got {item!r}")
        if not math.isfinite(item):
            raise ValueError(f"{where}: values must be finite, got {item!r}")
        out.append(int(item) if isinstance(item, int) else float(item))
    return out


def check(schema: Any, data: Any, argument: str = "value") -> dict[str, Any]:
    """The stored document of ``data`` (Azure's ``data`` object) for ``schema``;
    ``TypeError``/``ValueError`` naming ``argument`` and the field otherwise."""
    if schema not in FIELDS:
        raise ValueError(f"{argument}: unknown schema {schema!r}; expected one of {sorted(FIELDS)}")
    if not isinstance(data, dict):
        raise TypeError(f"{argument}: data must be an object with {', '.join(FIELDS[schema])}")
    missing = [key for key in ("bin_edges", *FIELDS[schema]) if key not in data]
    if missing:
        raise ValueError(f"{argument}: the {schema} data has no {', '.join(missing)}")
    edges = _numbers(data["bin_edges"], f"{argument}: data.bin_edges")
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(
            f"{argument}: data.bin_edges must hold at least 2 strictly increasing edges, "
            f"got {edges}"
        )
    document: dict[str, Any] = {"schema": schema, "bin_edges": edges}
    for key in FIELDS[schema]:
        values = _numbers(data[key], f"{argument}: data.{key}")
        if len(values) != len(edges) - 1:
            raise ValueError(
                f"{argument}: data.{key} has {len(values)} values for {len(edges) - 1} bins "
                "(one more edge than counts)"
            )
        if key in ("bin_counts", "bin_errors") and any(v < 0 for v in values):
            raise ValueError(f"{argument}: data.{key} must be >= 0")
        document[key] = values
    return document


def encode(document: dict[str, Any]):
    return json_tensor(document)


def decode(document: Any) -> dict[str, Any]:
    """One stored document, checked as :func:`check` checks a logged one."""
    if not isinstance(document, dict):
        raise ValueError("not a regression bins document")
    return check(document.get("schema"), document, argument="document")
