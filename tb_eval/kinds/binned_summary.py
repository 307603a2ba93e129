"""Binned summaries (``log_accuracy_table``, ``log_predictions(summary="binned")``,
``run.evaluation_accumulator(...).log(step)``): mergeable per-class counts in fixed score bins,
one blob per step at ``tb_eval/binned_summary/<name>``.

A record holds what :meth:`tb_eval.evaluation.BinnedSummary.to_arrays` gives: ``meta`` (``task``,
``labels``, ``mantissa_bits``, or ``None`` with custom ``edges``) and the arrays ``counts``
(``[keys, bins, 2]`` float64: negatives, positives), optionally ``score_range`` (same shape:
lowest and highest score per bin) and ``edges`` (lower bin edges). Its size depends on the
classes and bins, never on the number of predictions. A summary ``log_accuracy_table`` logged
also holds the Azure document it came from in ``meta["accuracy_table"]`` (what ``get_metrics``
returns; the percentile tables and class 0 of a binary table are not in the counts). This
module does not import the engine: readers rebuild the summary with
``decode(payload, BinnedSummary.from_arrays)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from tb_eval.kinds import codec, common, predictions
from tb_eval.kinds.common import BLOB, DATA_CLASS_BLOB_SEQUENCE, blob_tensor, our_metadata, our_tag

KIND = "binned_summary"
DATA_CLASS = DATA_CLASS_BLOB_SEQUENCE
PLUGIN_NAME = common.PLUGIN_NAME
STORAGE = BLOB
CLAIMS_NAME = True
TASKS = ("binary", "multiclass", "multilabel")
#: The ``meta`` key of the Azure accuracy table a summary was logged from.
ACCURACY_TABLE = "accuracy_table"


def tag(name: str) -> str:
    return our_tag(KIND, name)


def metadata(task: str, description: str = ""):
    """The task never changes for a name (``Run`` enforces it), so listings show it without
    reading a blob."""
    return our_metadata(KIND, DATA_CLASS, description, task=task)


#: The metadata's facts; ``task`` is a str, or ``None`` (as for predictions: both carry a task).
parse_metadata = predictions.parse_metadata


def validate(meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> None:
    """``ValueError`` unless ``meta`` and ``arrays`` are a well-formed summary."""
    task = meta.get("task")
    if task not in TASKS:
        raise ValueError(f"summary task must be one of {TASKS}, got {task!r}")
    labels = meta.get("labels")
    fewest = 1 if task == "multilabel" else 2
    if not isinstance(labels, list) or len(labels) < fewest:
        raise ValueError(f"summary labels must be a list of at least {fewest}, got {labels!r}")
    bits = meta.get("mantissa_bits")
    counts = arrays.get("counts")
    if counts is None:
        raise ValueError("summary has no 'counts'")
    counts = np.asarray(counts)
    keys = 1 if task == "binary" else len(labels)
    if counts.ndim != 3 or counts.shape[0] != keys or counts.shape[2] != 2:
        raise ValueError(f"summary counts must have shape [{keys}, bins, 2], got {counts.shape}")
    if counts.dtype.kind != "f" or not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("summary counts must be finite, non-negative floats")
    if bits is None:
        edges = arrays.get("edges")
        if edges is None or np.shape(edges) != (counts.shape[1],):
            raise ValueError("summary without mantissa_bits needs 'edges', one per bin")
        edges = np.asarray(edges, dtype=np.float64)
        if edges[0] != 0 or edges[-1] > 1 or np.any(np.diff(edges) <= 0):
            raise ValueError("summary edges must start at 0 and increase strictly within [0, 1]")
    elif isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 20:
        raise ValueError(f"summary mantissa_bits must be an int in [1, 20], got {bits!r}")
    score_range = arrays.get("score_range")
    if score_range is not None and np.shape(score_range) != counts.shape:
        raise ValueError("summary score_range must have the shape of counts")


def encode_payload(meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> bytes:
    """A summary (``BinnedSummary.to_arrays()``) as one lossless payload (float64 arrays)."""
    validate(meta, arrays)
    return codec.encode(
        {key: np.asarray(value, dtype=np.float64) for key, value in arrays.items()},
        {"kind": KIND, **meta},
    )


def encode(meta: Mapping[str, Any], arrays: Mapping[str, Any]):
    """The record's blob tensor (a one-blob sequence, like predictions)."""
    return blob_tensor(encode_payload(meta, arrays))


def decode_meta(payload: bytes) -> dict[str, Any]:
    """The ``meta`` of a summary payload without checking its arrays (what ``get_metrics``
    reads: the accuracy table it may hold); ``ValueError`` for another payload."""
    meta, _ = codec.decode(payload)
    if meta.get("kind") != KIND:
        raise ValueError("payload is not a binned summary record")
    return meta


def decode(payload: bytes, build: Callable[[dict, dict], Any] | None = None) -> Any:
    """Inverse of :func:`encode_payload`: ``(meta, arrays)``, or ``build(meta, arrays)`` (e.g.
    ``BinnedSummary.from_arrays``); ``ValueError`` for anything else."""
    meta, arrays = codec.decode(payload)
    if meta.get("kind") != KIND:
        raise ValueError("payload is not a binned summary record")
    validate(meta, arrays)
    if build is None:
        return meta, arrays
    try:
        return build(meta, arrays)
    except KeyError as missing:
        raise ValueError(f"binned summary payload lacks {missing}") from None
