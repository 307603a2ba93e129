"""Binned summaries in the evaluation routes (``log_accuracy_table``,
``log_predictions(summary="binned")``, ``run.evaluation_accumulator``).

A summary is listed by ``/evaluations`` beside the prediction sets, with ``"source":
"summary"``; ``/evaluation`` serves the curves and metrics the engine computes from it
(:func:`tb_eval.evaluation.evaluate_summary`) and adds ``"source": "summary"`` and
``"summary"``: its bins, ``error_bounds`` (metric -> worst-case absolute error against the raw
predictions), ``threshold_uncertain`` and ``unavailable`` (metric or view -> why a summary cannot
give it). ``/evaluation/thresholds``, ``/evaluation/trend`` and ``/evaluation/compare`` work on
summaries too. Documents of prediction sets are unchanged.
"""

from __future__ import annotations

from typing import Any

from tb_eval.evaluation import BinnedSummary, Report, evaluate_summary, summary_threshold_table
from tb_eval.kinds import binned_summary

KIND = binned_summary.KIND
SOURCE = "summary"


def decode(payload: bytes) -> BinnedSummary:
    """The summary of one record; ``ValueError`` for anything else."""
    return binned_summary.decode(payload, BinnedSummary.from_arrays)


def nbytes(summary: BinnedSummary) -> int:
    size = summary.counts.nbytes + summary.edges.nbytes + 1024
    return size + (0 if summary.score_range is None else summary.score_range.nbytes)


def report(summary: BinnedSummary, max_points: int) -> tuple[Report, dict[str, Any]]:
    """``(report, fields)`` of one summary (fields: ``source`` and ``summary``, see the
    module)."""
    result, info = evaluate_summary(summary, max_points=max_points)
    return result, {"source": SOURCE, "summary": info}


def threshold_table(summary: BinnedSummary, label: str, points: int) -> dict[str, Any]:
    return summary_threshold_table(summary, label, max_rows=points)


def listing_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A ``/evaluations`` entry of a summary: a prediction set's, marked."""
    return {**entry, "source": SOURCE}
