"""Per-column summaries of a (filtered) table: counts, ranges, histograms and top values."""

from __future__ import annotations

from typing import Any

import numpy as np

from tb_plugin.frame import STRING_DTYPE, FrameColumn

#: Number of histogram bins for number columns.
HISTOGRAM_BINS = 20
#: How many of the most frequent values a string column reports.
TOP_VALUES = 10


def summarize(column: FrameColumn, rows: np.ndarray | slice) -> dict[str, Any]:
    """The summary of ``column`` over ``rows`` (indices or a slice of the table).

    Every column has ``name``, ``type``, ``count`` (cells present) and ``missing``. Integer and
    number columns add ``min``, ``max``, ``mean`` and ``histogram`` (``edges`` has one more entry
    than ``counts``; only finite values are binned). String columns add ``distinct`` and ``top``
    (``[{"value", "count"}]``, most frequent first, ties by value). Bool columns add ``true`` and
    ``false`` counts.
    """
    values = column.values[rows]
    present = column.present[rows]
    if column.type == "number":
        present = present & ~np.isnan(values)
    kept = values[present]
    out: dict[str, Any] = {
        "name": column.name,
        "type": column.type,
        "count": int(len(kept)),
        "missing": int(len(values) - len(kept)),
    }
    if column.type in ("integer", "number"):
        out.update(_numeric(kept, column.type == "integer"))
    elif column.type == "bool":
        true = int(np.count_nonzero(kept))
        out.update({"true": true, "false": int(len(kept)) - true})
    else:
        out.update(_strings(kept))
    return out


def _numeric(values: np.ndarray, integer: bool) -> dict[str, Any]:
    if not len(values):
        return {"min": None, "max": None, "mean": None, "histogram": {"edges": [], "counts": []}}
    low, high = values.min().item(), values.max().item()
    mean = float(np.mean(values, dtype=np.float64))
    finite = values if integer else values[np.isfinite(values)]
    return {"min": low, "max": high, "mean": mean, "histogram": _histogram(finite, integer)}


def _histogram(values: np.ndarray, integer: bool) -> dict[str, list]:
    if not len(values):
        return {"edges": [], "counts": []}
    low, high = values.min(), values.max()
    if integer and int(high) - int(low) < HISTOGRAM_BINS:
        # one bin per integer, centred on it
        edges = np.arange(int(low), int(high) + 2, dtype=np.float64) - 0.5
    else:
        edges = HISTOGRAM_BINS
    counts, bin_edges = np.histogram(values.astype(np.float64, copy=False), bins=edges)
    return {"edges": bin_edges.tolist(), "counts": counts.tolist()}


def _strings(values: np.ndarray) -> dict[str, Any]:
    if not len(values):
        return {"distinct": 0, "top": []}
    keys = values.astype(STRING_DTYPE) if STRING_DTYPE is not None else values
    unique, counts = np.unique(keys, return_counts=True)
    top = np.argsort(-counts, kind="stable")[:TOP_VALUES]
    return {
        "distinct": int(len(unique)),
        "top": [{"value": str(unique[i]), "count": int(counts[i])} for i in top.tolist()],
    }
