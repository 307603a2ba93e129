"""tb_eval under ``torch.distributed``: one run for a job of several processes.

Under an initialised process group (of more than one process) every rank runs the same tb_eval
code:

- :func:`tb_eval.start_logging` starts one run. Rank 0 chooses its name (a generated one is
  handed to the other ranks through the process group's store) and writes it; on the other ranks
  the returned run validates every call as rank 0 does and writes nothing (:class:`FollowerRun`).
  ``per_rank=True`` gives every rank its own run ``<run>/rank-<k>`` instead.
- :meth:`tb_eval.Run.log_predictions` is collective: every rank passes its shard, the ranks agree
  on the call (name, step, task, labels, which arrays) through the store, then rank 0 gathers the
  rows with the group's backend (gloo, NCCL: tensors on the rank's device) and writes one
  prediction set holding every rank's rows, in rank order.

Nothing waits without bound: a rank waits at most ``TB_EVAL_DIST_TIMEOUT`` seconds (default
:data:`DEFAULT_TIMEOUT`) for the others to reach the same call, and gives up at once, naming the
rank, when another rank has exited (ranks leave a note in the store when their interpreter
exits). torch is never imported here: a process group exists only if the program imported
``torch.distributed`` itself.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import pickle
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tb_eval import kinds
from tb_eval.io.writer import EventFileWriter
from tb_eval.run import Run

#: Seconds a rank waits for the others to reach the same tb_eval call (``TB_EVAL_DIST_TIMEOUT``).
DEFAULT_TIMEOUT = 300.0
ENV_TIMEOUT = "TB_EVAL_DIST_TIMEOUT"
_KEY_PREFIX = "tb_eval/"
#: The rank that writes the run (default mode) and the gathered prediction sets (both modes).
WRITER_RANK = 0


class CollectiveError(RuntimeError):
    """Ranks did not meet at a collective tb_eval call: one exited, failed, or did not call it
    within the time-out."""


@dataclasses.dataclass(frozen=True)
class RankContext:
    """Where this process stands in the job: its ``rank`` of ``world`` processes, and whether
    each rank has its own run (``per_rank``)."""

    rank: int
    world: int
    per_rank: bool

    @property
    def writes_predictions(self) -> bool:
        return self.rank == WRITER_RANK


def _dist() -> Any | None:
    """``torch.distributed`` if the program imported it and a group of 2+ processes is up."""
    dist = sys.modules.get("torch.distributed")
    if dist is None:
        return None
    try:
        if not (dist.is_available() and dist.is_initialized()):
            return None
        return dist if dist.get_world_size() > 1 else None
    except (AttributeError, RuntimeError):
        return None


def process_rank() -> tuple[int, int] | None:
    """``(rank, world size)`` under an initialised process group of 2+ processes, else ``None``
    (a group of one process is the same as no group)."""
    dist = _dist()
    return None if dist is None else (dist.get_rank(), dist.get_world_size())


def timeout_seconds() -> float:
    """The time-out of tb_eval's agreement steps: ``TB_EVAL_DIST_TIMEOUT`` or 300 s."""
    from tb_eval import validation

    return validation.environment_seconds(ENV_TIMEOUT, DEFAULT_TIMEOUT)


# ---------------------------------------------------------------------------------- the store
def _store() -> Any:
    from torch.distributed import distributed_c10d

    return distributed_c10d._get_default_store()


def _exit_key(rank: int) -> str:
    return f"{_KEY_PREFIX}exit/{rank}"


_exit_hook_installed = False


def _install_exit_hook() -> None:
    """Leave a note in the store when this interpreter exits, so that ranks waiting for this
    one at a tb_eval call fail at once with the reason instead of waiting for the time-out.
    The store is kept from now on: the note still goes out after ``destroy_process_group``."""
    global _exit_hook_installed
    if not _exit_hook_installed:
        _exit_hook_installed = True
        atexit.register(_note_exit, _store(), _dist().get_rank())


def _note_exit(store: Any, rank: int) -> None:
    try:
        from tb_eval import lifecycle

        uncaught = getattr(lifecycle, "_uncaught", None) or []
        error = uncaught[-1] if uncaught else getattr(sys, "last_value", None)
        note = f"after {type(error).__name__}: {error}" if error is not None else "normally"
        store.set(_exit_key(rank), note.encode())
    except Exception:  # the store may be gone already (rank 0 hosts it): nothing to tell
        pass


def _wait_for(store: Any, keys: dict[int, str], call: str) -> None:
    """Wait until every rank's key in ``keys`` is set; fail naming the ranks that exited or did
    not arrive within the time-out."""
    timeout = timeout_seconds()
    deadline = time.monotonic() + timeout
    pending = dict(keys)
    pause = 0.0005
    while True:
        try:
            for rank in [r for r, key in pending.items() if store.check([key])]:
                del pending[rank]
            if not pending:
                return
            for rank in sorted(pending):
                # The key first: a rank may set it and exit between our two checks.
                if store.check([_exit_key(rank)]) and not store.check([pending[rank]]):
                    note = store.get(_exit_key(rank)).decode(errors="replace")
                    raise CollectiveError(
                        f"rank {rank} exited ({note}) without reaching {call}; every rank must "
                        "make the same tb_eval calls in the same order"
                    )
        except CollectiveError:
            raise
        except Exception as error:  # the store is gone: the rank hosting it (rank 0) exited
            raise CollectiveError(
                f"lost the process group's store while waiting at {call} ({error}); "
                f"rank {min(pending)} (or the rank hosting the store) has probably exited"
            ) from None
        if time.monotonic() > deadline:
            missing = ", ".join(str(rank) for rank in sorted(pending))
            raise CollectiveError(
                f"rank(s) {missing} did not reach {call} within {timeout:g} s "
                f"({ENV_TIMEOUT}): a rank that calls it alone, or one still busy or failed, "
                "leaves the others waiting; every rank must make the same tb_eval calls in the "
                "same order"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _publish_error(error: BaseException) -> tuple[str, str]:
    return type(error).__name__, str(error)


_RAISABLE = {
    cls.__name__: cls
    for cls in (ValueError, TypeError, FileExistsError, FileNotFoundError, PermissionError)
}


def _error_from(rank: int, error: tuple[str, str], call: str) -> Exception:
    """Another rank's error, raised here as the same kind of exception when it is a plain
    input error (so that code catching ``ValueError`` behaves the same on every rank)."""
    kind, message = error
    cls = _RAISABLE.get(kind, CollectiveError)
    return cls(f"rank {rank} failed at {call}: {kind}: {message}")


# ---------------------------------------------------------------------------------- starting
_start_count = 0


def start_run(
    context: RankContext,
    *,
    logdir: str,
    experiment: str | None,
    run_name: str | None,
    generated_name: Callable[[], str],
    open_run: Callable[..., Run],
) -> Run:
    """Start this rank's run (see the module's documentation). ``open_run(directory, name,
    context, follower)`` makes the run (checking the directory, as ``start_logging`` does);
    ``follower`` is true on ranks other than 0 of a job's single run.

    Rank 0 never waits: it publishes the run's location (or why it could not start it) under
    the n-th start's key; rank k reads it, waiting at most the time-out.
    """
    global _start_count
    _install_exit_hook()
    _start_count += 1
    key = f"{_KEY_PREFIX}start/{_start_count}"
    call = f"start_logging (run #{_start_count} of this process)"
    store = _store()
    mine = {"logdir": logdir, "experiment": experiment, "run_name": run_name}
    if context.rank == WRITER_RANK:
        chosen = {**mine, "run_name": run_name or generated_name(), "per_rank": context.per_rank}
        try:
            run = open_run(*_location(chosen, context), context, False)
        except BaseException as error:
            store.set(key, pickle.dumps({"error": _publish_error(error)}))
            raise
        store.set(key, pickle.dumps(chosen))
        return run
    _wait_for(store, {WRITER_RANK: key}, call)
    chosen = pickle.loads(store.get(key))
    if "error" in chosen:
        raise _error_from(WRITER_RANK, chosen["error"], "start_logging")
    differing = [
        f"{argument}={mine[argument]!r} (rank 0: {chosen[argument]!r})"
        for argument in ("logdir", "experiment", "run_name")
        if mine[argument] is not None and mine[argument] != chosen[argument]
    ]
    if chosen["per_rank"] != context.per_rank:
        differing.append(f"per_rank={context.per_rank!r} (rank 0: {chosen['per_rank']!r})")
        context = dataclasses.replace(context, per_rank=chosen["per_rank"])
    if differing:
        warnings.warn(
            f"start_logging on rank {context.rank}: {', '.join(differing)}; the job has one "
            "run, named by rank 0, so rank 0's arguments are used",
            stacklevel=3,
        )
    return open_run(*_location(chosen, context), context, not context.per_rank)


def _location(chosen: dict, context: RankContext) -> tuple[str, list[str], str]:
    """``(logdir, the run's directory under it as parts, run name)`` for ``open_run``."""
    parts = [] if chosen["experiment"] is None else [chosen["experiment"]]
    parts.append(chosen["run_name"])
    if context.per_rank:
        parts.append(f"rank-{context.rank}")
    return chosen["logdir"], parts, chosen["run_name"]


_name_count = 0


def shared_name(context: RankContext, choose: Callable[[], str]) -> str:
    """A child run's directory name, chosen by ``choose()`` on rank 0 (which never waits) and
    read from the store by the other ranks (each rank chooses its own under ``per_rank``)."""
    global _name_count
    if context.per_rank:
        return choose()
    _name_count += 1
    key = f"{_KEY_PREFIX}child/{_name_count}"
    store = _store()
    if context.rank == WRITER_RANK:
        try:
            chosen = choose()
        except BaseException as error:
            store.set(key, pickle.dumps({"error": _publish_error(error)}))
            raise
        store.set(key, pickle.dumps({"name": chosen}))
        return chosen
    _wait_for(store, {WRITER_RANK: key}, f"child_run (child #{_name_count} of this process)")
    answer = pickle.loads(store.get(key))
    if "error" in answer:
        raise _error_from(WRITER_RANK, answer["error"], "child_run")
    return answer["name"]


class NullWriter(EventFileWriter):
    """An event writer that writes nothing (a follower rank's)."""

    def append_locked(self, record: bytes) -> None:
        if self._closed:
            raise RuntimeError(f"the event writer for {self.directory!r} is closed")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._closed = True


class FollowerRun(Run):
    """The run on ranks other than 0 (without ``per_rank``): every call is validated as on rank 0
    and nothing is written; :meth:`~tb_eval.Run.log_predictions` sends this rank's rows to rank
    0. Reading methods (``get_metrics``, ``get_predictions``) read what rank 0 has written."""

    _writer_class = NullWriter
    _makes_directory = False

    def _resume(self, directory: str, purge_step: int | None = None) -> None:
        pass  # rank 0 takes over the run's past; this rank only mirrors the calls

    def _write_run_record(self) -> None:
        pass

    def _upload(self, uploads: list[tuple[str, Any]], argument: str) -> None:
        self._check_open()


# ---------------------------------------------------------------------------------- agreement
_collective_count = 0


def exchange(context: RankContext, header: dict, call: str) -> list[dict]:
    """Every rank's ``header`` for this collective call, by rank."""
    global _collective_count
    _install_exit_hook()
    _collective_count += 1
    store = _store()
    keys = {rank: f"{_KEY_PREFIX}call/{_collective_count}/{rank}" for rank in range(context.world)}
    store.set(keys[context.rank], pickle.dumps(header))
    _wait_for(store, keys, call)
    headers = [pickle.loads(store.get(keys[rank])) for rank in range(context.world)]
    # Every rank has set this call's key, so every rank has read the previous call's: drop ours.
    if _collective_count > 1:
        with contextlib.suppress(Exception):
            store.delete_key(f"{_KEY_PREFIX}call/{_collective_count - 1}/{context.rank}")
    return headers


def _check_agreement(headers: list[dict], fields: Sequence[tuple[str, str]], call: str) -> None:
    """Every rank's header agrees on ``fields`` (key, argument named in the error)."""
    for field, argument in fields:
        values = [header.get(field) for header in headers]
        if any(not _same(value, values[0]) for value in values[1:]):
            shown = ", ".join(f"rank {rank}: {value!r}" for rank, value in enumerate(values))
            raise ValueError(
                f"{argument}: the ranks disagree at {call} ({shown}); every rank must pass "
                "the same value"
            )


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


# ---------------------------------------------------------------------------------- predictions
def log_predictions(
    run: Run,
    name: Any,
    arguments: dict[str, Any],
    step: Any,
) -> None:
    """:meth:`tb_eval.Run.log_predictions` under a process group (see the module)."""

    def prepare() -> Any:
        prepared = run._prepare_predictions(name, **arguments)
        run._check_predictions(name, prepared.task, step)
        return prepared

    prepared, combined = gather_predictions(run._distributed, prepare, name, step)
    if combined is not None:
        run._write_predictions(name, combined, step)
    else:
        _take_predictions(run, name, prepared.task, step)


def gather_predictions(
    context: RankContext, prepare: Callable[[], Any], name: Any, step: Any
) -> tuple[Any, Any | None]:
    """The collective part of ``log_predictions``: ``prepare()`` this rank's
    :class:`~tb_eval.evaluation.Prepared` (its errors are sent to the other ranks), agree with
    the other ranks on the call, gather every rank's rows. Returns this rank's set and, on
    :data:`WRITER_RANK`, the whole one (``None`` elsewhere)."""
    call = f"log_predictions({name!r})"
    header: dict[str, Any] = {"call": "log_predictions", "name": name, "step": step}
    prepared = None
    own_error: BaseException | None = None
    try:
        prepared = prepare()
        meta, arrays = prepared.to_arrays()
        header.update(
            task=meta["task"],
            task_inferred=meta["task_inferred"],
            labels=meta["labels"],
            given=[key for key in arrays if key != "y_true"],
            arrays={key: (array.dtype.str, array.shape[1:]) for key, array in arrays.items()},
            rows=prepared.n,
        )
    except (TypeError, ValueError, RuntimeError) as error:
        own_error = error
        header["error"] = _publish_error(error)
    headers = exchange(context, header, call)
    if own_error is not None:
        raise own_error
    for rank, other in enumerate(headers):
        if "error" in other:
            raise _error_from(rank, other["error"], call)
    _check_agreement(
        headers,
        (
            ("call", "call"),
            ("name", "name"),
            ("step", "step"),
            ("task", "task"),
            ("labels", "labels"),
            ("given", "y_score, y_pred, sample_weight (which of them are given)"),
            ("arrays", "y_true, y_score, y_pred, sample_weight (their dtypes and widths)"),
        ),
        call,
    )
    return prepared, gather_prepared(context, prepared, headers)


def _take_predictions(run: Run, name: str, task: str, step: int | None) -> None:
    """On a rank that does not write the set: take the name, its task and the step as rank 0's
    run does, so that this rank's next calls are checked as there."""
    with run._lock:
        tag, step = run._check_predictions(name, task, step)
        run._kinds[name] = kinds.predictions.KIND
        run._prediction_tasks[name] = task
        run._last_step[tag] = step


def gather_prepared(context: RankContext, prepared: Any, headers: list[dict]) -> Any | None:
    """Every rank's rows of ``prepared`` (whose ``headers`` agree), concatenated in rank order,
    on :data:`WRITER_RANK` (``None`` on the others). One ``gather`` of one byte buffer per rank,
    on the device the backend needs."""
    import torch

    dist = _dist()
    if dist is None:
        raise CollectiveError("the process group was destroyed during log_predictions")
    _, arrays = prepared.to_arrays()
    layout = list(headers[0]["arrays"].items())

    def sizes(header: dict) -> list[int]:
        rows = header["rows"]
        return [
            rows * int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            for _, (dtype, shape) in header["arrays"].items()
        ]

    totals = [sum(sizes(header)) for header in headers]
    width = max(max(totals), 1)
    buffer = np.zeros(width, dtype=np.uint8)
    offset = 0
    for key, _ in layout:
        raw = np.ascontiguousarray(arrays[key]).reshape(-1).view(np.uint8)
        buffer[offset : offset + raw.size] = raw
        offset += raw.size
    device = _device(dist)
    tensor = torch.from_numpy(buffer).to(device)
    gathered = None
    if context.rank == WRITER_RANK:
        gathered = [torch.empty(width, dtype=torch.uint8, device=device) for _ in headers]
    dist.gather(tensor, gathered, dst=WRITER_RANK)
    if gathered is None:
        return None
    parts: dict[str, list[np.ndarray]] = {key: [] for key, _ in layout}
    for header, received in zip(headers, gathered, strict=True):
        data = received.cpu().numpy()
        offset = 0
        for (key, (dtype, shape)), size in zip(layout, sizes(header), strict=True):
            chunk = data[offset : offset + size].view(np.dtype(dtype))
            parts[key].append(chunk.reshape((header["rows"], *shape)))
            offset += size
    # Each shard was validated by its rank and the ranks agree on task and labels: the rows
    # joined are valid as they are (no second validation pass over the whole set).
    joined = {key: np.concatenate(chunks) for key, chunks in parts.items()}
    return dataclasses.replace(
        prepared,
        task_inferred=all(header["task_inferred"] for header in headers),
        **joined,
    )


def _device(dist: Any) -> Any:
    """The device the group's backend moves tensors from: the rank's GPU for NCCL."""
    import torch

    backend = str(dist.get_backend()).lower()
    if "nccl" in backend:
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")
