"""The evaluation summary: the headline metrics of one logged prediction set, for Compare runs.

``log_predictions(name, ...)`` appends, at the same step as the predictions, a small JSON record
at tag ``tb_eval/eval_summary/<name>``: ``{"task", "labels", "n_samples", "metrics"}``, the
whole-problem metrics as the evaluation engine computes them (the same values ``/evaluation``
reports; per-class metrics are left out). The plugin's compare
table reads these records of every run in one data-provider call instead of every run's raw
predictions. Runs written before this record existed (or with more than :data:`MAX_ROWS`
predictions, where evaluating at log time would be slow) get theirs computed by the plugin.
"""

from __future__ import annotations

from typing import Any

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor

KIND, DATA_CLASS, STORAGE = "eval_summary", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
#: The summary is its predictions' companion, at their name and step.
CLAIMS_NAME = False
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)
#: Prediction sets up to this many rows get their summary written by ``log_predictions``.
MAX_ROWS = 2_000_000
#: Labels kept in the record (a 10,000-class problem does not need them all in the table).
MAX_LABELS = 100


def headline(name: str) -> bool:
    """Whether metric ``name`` is kept in the summary: the whole-problem metrics, not the
    per-class ones (``precision/<label>``, ...), whose number grows with the classes."""
    return "/" not in name


def summarise(report: Any) -> dict[str, Any]:
    """The record for an engine ``Report`` (JSON-ready: finite floats, plain types)."""
    document = report.to_dict()
    return {
        "task": document["task"],
        "labels": document["labels"][:MAX_LABELS],
        "n_samples": document["n_samples"],
        "metrics": {k: v for k, v in document["metrics"].items() if headline(k)},
    }


def encode(summary: dict[str, Any]):
    """The record (a :func:`summarise` result) as the tensor to write."""
    return json_tensor(summary)


def decode(document: Any) -> dict[str, Any]:
    """A stored record, normalised (labels a list, ``n_samples`` an int or ``None``, headline
    metrics only); ``ValueError`` when it has not the record's shape."""
    if not isinstance(document, dict):
        raise ValueError(f"evaluation summary: expected a JSON object, got {document!r:.80}")
    metrics = document.get("metrics")
    if not isinstance(document.get("task"), str) or not isinstance(metrics, dict):
        raise ValueError("evaluation summary: expected a str 'task' and an object 'metrics'")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in metrics.values()):
        raise ValueError("evaluation summary: a metric is not a number")
    labels = document.get("labels")
    n = document.get("n_samples")
    return {
        "task": document["task"],
        "labels": labels if isinstance(labels, list) else [],
        "n_samples": n if isinstance(n, int) and not isinstance(n, bool) else None,
        "metrics": {k: v for k, v in metrics.items() if headline(k)},
    }


def check(document: Any) -> dict[str, Any] | None:
    """:func:`decode`, or ``None`` when ``document`` is not a record (the plugin then computes
    the summary from the predictions)."""
    try:
        return decode(document)
    except ValueError:
        return None
