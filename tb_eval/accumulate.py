"""Binned summaries in a run: ``log_accuracy_table``, ``log_predictions(summary="binned")`` and
``run.evaluation_accumulator(...)``.

Each logs one :class:`tb_eval.evaluation.BinnedSummary` per step (kind
:mod:`tb_eval.kinds.binned_summary`): per class, the positives and negatives in fixed score bins
and each bin's score range, so its size depends on the classes, never on the number of
predictions. The plugin serves the curves and metrics a summary determines, with its error
bound (docs/dashboards/classification.md).

Under an initialised ``torch.distributed`` group of 2+ processes, :meth:`RunAccumulator.log` is
collective: the ranks agree on the name, step, task, labels and bins, then the counts are
all-reduced with a sum and the score ranges with min / max, so the logged summary is exactly
that of every rank's batches (a merge, not an approximation). torch is never imported unless the
program imported ``torch.distributed`` itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from tb_eval import validation
from tb_eval.kinds import binned_summary

if TYPE_CHECKING:  # pragma: no cover
    from tb_eval.evaluation import BinnedSummary
    from tb_eval.run import Run

KIND = binned_summary.KIND
#: ``log_predictions(summary=...)`` values.
SUMMARY_MODES = (None, "binned")


def log_summary(
    run: Run,
    name: str,
    summary: BinnedSummary,
    step: int | None = None,
    description: str = "",
    accuracy_table: dict[str, Any] | None = None,
) -> None:
    """Log ``summary`` under ``name`` at ``step`` (a name holds one task, like predictions);
    ``accuracy_table``, the Azure document it was made from, is stored with it."""
    validation.check_blob_key_safe(validation.check_name(name))
    if not isinstance(description, str):
        raise TypeError(f"description: expected a str, got {type(description).__name__}")
    meta, arrays = summary.to_arrays()
    if accuracy_table is not None:
        meta[binned_summary.ACCURACY_TABLE] = accuracy_table
    tensor = binned_summary.encode(meta, arrays)

    def make_metadata():
        return binned_summary.metadata(summary.task, description)

    with run._lock:
        run._check_open()
        run._claim(name, KIND)
        first_task = run._prediction_tasks.get(name, summary.task)
        if summary.task != first_task:
            raise ValueError(
                f"task: {name!r} holds {first_task} summaries in this run, this one is "
                f"{summary.task}; log it under another name"
            )
        tag = binned_summary.tag(name)
        step = run._next_step(tag, step, name)
        run._kinds[name] = KIND
        run._prediction_tasks[name] = summary.task
        run._emit_own(tag, step, tensor, make_metadata)


def log_accuracy_table(
    run: Run, name: str, value: Any, description: str = "", step: int | None = None
) -> None:
    """``run.log_accuracy_table``: Azure ML's accuracy-table schema (a dict or its JSON text),
    logged as the summary it determines, with the document itself for ``get_metrics``."""
    from tb_eval import azureml
    from tb_eval.evaluation import BinnedSummary

    validation.check_name(name)
    if not isinstance(value, (dict, str, bytes)):
        raise TypeError(
            "value: expected Azure ML's accuracy table, a dict or its JSON text "
            f'({{"schema_type": "accuracy_table", "data": {{...}}}}), got {type(value).__name__}'
        )
    try:
        summary = BinnedSummary.from_accuracy_table(value)
    except (TypeError, ValueError) as error:
        message = str(error)
        if not message.startswith("value"):
            message = f"value: {message}"
        raise type(error)(message) from None
    document = azureml.accuracy_table_document(value)
    log_summary(run, name, summary, step, description, accuracy_table=document)


def summary_of_predictions(
    y_true: Any,
    y_score: Any,
    y_pred: Any,
    *,
    labels: Any,
    task: str | None,
    sample_weight: Any,
    summary: str,
) -> BinnedSummary:
    """The binned summary ``log_predictions(..., summary="binned")`` logs."""
    from tb_eval.evaluation import BinnedSummary

    if summary != "binned":
        raise ValueError(f"summary: expected None or 'binned', got {summary!r}")
    if y_score is None:
        raise ValueError("y_score: summary='binned' needs scores (a summary bins y_score)")
    if y_pred is not None:
        raise ValueError(
            "y_pred: summary='binned' keeps only the binned scores; pass y_pred=None "
            "(the predicted class at any threshold comes from the scores)"
        )
    if task == "regression":
        raise ValueError("task: summary='binned' is for classification, not regression")
    return BinnedSummary.from_predictions(
        y_true, y_score, labels=labels, task=task, sample_weight=sample_weight
    )


class RunAccumulator:
    """``run.evaluation_accumulator(name, task=..., labels=...)``: add batches with
    :meth:`update`, log them with :meth:`log`; memory independent of their number.

    Wraps :class:`tb_eval.evaluation.EvaluationAccumulator` (``.result``, ``.summary()``,
    ``.n_samples``, ``.batches``, ``.merge`` are its).
    """

    def __init__(
        self,
        run: Run,
        name: str,
        *,
        task: str | None = None,
        labels: Any = None,
        mantissa_bits: int = 6,
        description: str = "",
    ) -> None:
        from tb_eval.evaluation import EvaluationAccumulator

        validation.check_blob_key_safe(validation.check_name(name))
        if task == "regression":
            raise ValueError(
                "task: an evaluation accumulator is for classification, not regression"
            )
        if not isinstance(description, str):
            raise TypeError(f"description: expected a str, got {type(description).__name__}")
        run._claim(name, KIND)
        self.run = run
        self.name = name
        self.description = description
        self._engine = EvaluationAccumulator(task=task, labels=labels, mantissa_bits=mantissa_bits)

    def __repr__(self) -> str:
        return (
            f"RunAccumulator(name={self.name!r}, task={self._engine.task!r}, "
            f"n_samples={self.n_samples:g}, batches={self.batches})"
        )

    def update(self, y_true: Any, y_score: Any, sample_weight: Any = None) -> None:
        """Add one batch (validated like ``log_predictions``; tensors on any device)."""
        self._engine.update(y_true, y_score, sample_weight)

    def merge(self, other: Any) -> None:
        """Add another accumulator's (or a ``BinnedSummary``'s) predictions, exactly."""
        self._engine.merge(getattr(other, "_engine", other))

    def summary(self) -> BinnedSummary | None:
        return self._engine.summary()

    @property
    def result(self) -> dict[str, float]:
        return self._engine.result

    @property
    def n_samples(self) -> float:
        return self._engine.n_samples

    @property
    def batches(self) -> int:
        return self._engine.batches

    @property
    def task(self) -> str | None:
        return self._engine.task

    @property
    def labels(self) -> list | None:
        return self._engine.labels

    def log(self, step: int | None = None, *, reset: bool = True) -> BinnedSummary | None:
        """Log the summary of every batch since the last :meth:`log` at ``step``, then start
        afresh (``reset=False`` keeps accumulating). Collective under ``torch.distributed``
        (every rank must call it). Returns what was logged (``None``: no batch anywhere)."""
        summary = log_merged(
            self.run, self.name, self._engine.summary(), step, self.description, self.labels
        )
        if reset:
            self._engine.reset()
        return summary


def log_merged(
    run: Run,
    name: str,
    summary: BinnedSummary | None,
    step: int | None,
    description: str = "",
    labels: Any = None,
) -> BinnedSummary:
    """Log ``summary``; under a process group of 2+, every rank's merged exactly (collective:
    every rank calls it). ``ValueError`` when there is nothing to log anywhere."""
    if step is not None:
        step = validation.check_step(step)
    group = _group()
    writes = True
    if group is not None:
        summary = _all_reduce(group, name, labels, summary, step)
        # With tb_eval.distributed the other ranks' runs write nothing (FollowerRun) but take
        # the step; without it every rank would write the same directory: only rank 0 logs.
        writes = group.get_rank() == 0 or getattr(run, "_distributed", None) is not None
    if summary is None:
        raise ValueError(f"{name!r}: nothing to log, update() was not called since the last log()")
    if writes:
        log_summary(run, name, summary, step, description)
    return summary


def _group() -> Any | None:
    """``torch.distributed`` when the program imported it and a group of 2+ is up."""
    dist = sys.modules.get("torch.distributed")
    if dist is None:
        return None
    try:
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            return dist
    except (AttributeError, RuntimeError):
        return None
    return None


def _header(name: str, summary: BinnedSummary | None, step: int | None) -> dict:
    header: dict[str, Any] = {"name": name, "step": step, "empty": summary is None}
    if summary is not None:
        header.update(
            task=summary.task,
            labels=[str(v) for v in summary.labels],
            bins=(summary.mantissa_bits, list(summary.counts.shape)),
            edges=summary.edges.tolist() if summary.mantissa_bits is None else None,
            ranges=summary.score_range is not None,
        )
    return header


def _all_reduce(
    dist: Any, name: str, labels: Any, summary: BinnedSummary | None, step: int | None
) -> BinnedSummary | None:
    """Every rank's summary merged exactly (counts summed, score ranges min/max-reduced)."""
    import torch

    from tb_eval.evaluation import BinnedSummary

    call = f"log of the binned summary {name!r}"
    headers = _exchange(dist, _header(name, summary, step), call)
    for field, argument in (("name", "name"), ("step", "step")):
        _agree(headers, field, argument, call)
    full = [h for h in headers if not h["empty"]]
    if not full:
        return None
    for field, argument in (
        ("task", "task"),
        ("labels", "labels"),
        ("bins", "mantissa_bits"),
        ("edges", "the accuracy-table thresholds"),
    ):
        _agree(full, field, argument, call)
    first = full[0]
    shape = tuple(first["bins"][1])
    counts = np.zeros(shape) if summary is None else summary.counts
    has_ranges = all(h["ranges"] for h in full)
    backend = str(dist.get_backend()).lower()
    device = torch.device("cuda", torch.cuda.current_device()) if "nccl" in backend else "cpu"
    reduced = torch.from_numpy(np.ascontiguousarray(counts, dtype=np.float64)).to(device)
    dist.all_reduce(reduced, op=dist.ReduceOp.SUM)
    score_range = None
    if has_ranges:
        if summary is None:
            lo, hi = np.full(shape[:-1], np.inf), np.full(shape[:-1], -np.inf)
        else:
            lo, hi = summary.score_range[..., 0], summary.score_range[..., 1]
        # One MIN reduction of (lowest, -highest) instead of a MIN and a MAX.
        both = np.stack([lo, -hi])
        ranges = torch.from_numpy(np.ascontiguousarray(both, dtype=np.float64)).to(device)
        dist.all_reduce(ranges, op=dist.ReduceOp.MIN)
        out = ranges.cpu().numpy()
        score_range = np.stack([out[0], -out[1]], axis=-1)
    template = summary
    if template is None:  # this rank saw no batch: the others' task, labels and bins
        labels = labels if labels is not None else first["labels"]
        edges = None if first["edges"] is None else np.asarray(first["edges"])
        template = BinnedSummary(counts, labels, first["task"], first["bins"][0], edges=edges)
    return BinnedSummary(
        reduced.cpu().numpy(),
        template.labels,
        template.task,
        template.mantissa_bits,
        score_range=score_range,
        edges=None if template.mantissa_bits is not None else template.edges,
    )


def _exchange(dist: Any, header: dict, call: str) -> list[dict]:
    """Every rank's ``header``, through tb_eval.distributed's agreement on the group's store
    (bounded by ``TB_EVAL_DIST_TIMEOUT``; a rank that exited is named at once)."""
    from tb_eval import distributed

    context = distributed.RankContext(dist.get_rank(), dist.get_world_size(), per_rank=False)
    return distributed.exchange(context, header, call)


def _agree(headers: list[dict], field: str, argument: str, call: str) -> None:
    values = [h.get(field) for h in headers]
    if any(value != values[0] for value in values[1:]):
        shown = ", ".join(f"{value!r}" for value in values)
        raise ValueError(
            f"{argument}: the ranks disagree at {call} ({shown}); every rank must pass the same"
        )
