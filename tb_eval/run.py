"""``Run``: the public logging facade, in the spirit of Azure ML's ``Run``.

Each method validates its input completely before anything is queued, so a bad call raises and
writes nothing. The encoding of each data kind lives in :mod:`tb_eval.kinds`; the file writing in
:mod:`tb_eval.io.writer`. This module only keeps per-run bookkeeping: steps per tag, which name
holds which kind, params, tags and status.
"""

from __future__ import annotations

import math
import numbers
import os
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from tb_eval import azureml, kinds, validation
from tb_eval.io import remote
from tb_eval.io.events import ScalarEncoder, encode_event, encode_restart
from tb_eval.io.writer import EventFileWriter
from tb_eval.kinds import common, scalar, series, table, text
from tb_eval.kinds import image as image_kind
from tb_eval.lifecycle import (
    _STATUS_RUNNING,
    _live_runs,
)
from tb_eval.naming import _readable_name
from tb_eval.record import RecordSurface
from tb_eval.run_parts import FilesAndChildren, RecordAndEnd

_MAX_STEP = validation.MAX_STEP
_FLOAT32_MAX = common.FLOAT32_MAX


def start_logging(
    logdir: str | os.PathLike = "runs",
    experiment: str | None = None,
    run_name: str | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    tags: Mapping[str, Any] | None = None,
    flush_secs: float = 2.0,
    resume: bool = False,
    per_rank: bool = False,
) -> Run:
    """Start a run writing TensorBoard event files to ``<logdir>/[<experiment>/]<run_name>``.

    Parameters
    ----------
    logdir:
        The directory ``tensorboard --logdir`` will be pointed at: a local path, or a URL
        such as ``s3://bucket/runs`` or ``gs://bucket/runs`` (any fsspec URL; see the remote
        logdirs guide), which is probed at once.
    experiment:
        Optional grouping directory, e.g. the sweep's name.
    run_name:
        The run's directory name; a readable unique name when omitted.
    params:
        Hyper-parameters, shown in TensorBoard's HParams dashboard (str, number or bool values).
    tags:
        Initial tags (see :meth:`Run.tag`).
    flush_secs:
        Longest time a logged value waits in memory before it reaches the file.
    resume:
        Continue a run whose directory already holds event files: steps continue after the
        logged ones and its params, tags and files are kept. Without it such a directory is an
        error (appending a second run to it would make TensorBoard drop data on repeated steps).
    per_rank:
        Under an initialised ``torch.distributed`` process group: give every rank its own run
        ``<run>/rank-<k>`` instead of the default, one run written by rank 0 (the other ranks'
        calls are validated and write nothing). See the distributed training guide.

    Returns
    -------
    Run
        Use it as a context manager to mark the run failed when an exception escapes.

    Examples
    --------
    >>> run = tb_eval.start_logging("runs", experiment="diabetes-ridge", run_name="alpha-0.03",
    ...                             params={"alpha": 0.03})           # doctest: +SKIP
    >>> run.log("mse", 3424.3)                                         # doctest: +SKIP
    >>> run.complete()                                                 # doctest: +SKIP
    """
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"logdir: expected a path, got {type(logdir).__name__}")
    parts = [os.fspath(logdir)]
    if experiment is not None:
        parts.append(validation.check_path_component(experiment, "experiment"))
    if run_name is not None:
        validation.check_path_component(run_name, "run_name")
    checked_params = validation.check_params(params, "params")
    checked_tags = validation.check_params(tags, "tags")
    if not isinstance(flush_secs, numbers.Real) or not 0 < flush_secs < math.inf:
        raise ValueError(f"flush_secs: must be a positive number of seconds, got {flush_secs!r}")
    if not isinstance(per_rank, bool):
        raise TypeError(f"per_rank: expected a bool, got {per_rank!r}")
    logdir = remote.local_path(parts[0])

    def open_run(
        logdir: str, subparts: list[str], name: str, context=None, follower: bool = False
    ) -> Run:
        # ``subparts``: the run's directory under ``logdir``; ``context``: this rank's place in
        # a torch.distributed job; ``follower``: a rank other than 0 of a job's single run
        # (validates, writes nothing: no directory, no staging, no upload).
        mirror = None
        if follower:
            directory = (remote.join if remote.is_url(logdir) else os.path.join)(logdir, *subparts)
        elif remote.is_url(logdir):  # written in a local staging directory, uploaded by mirror
            directory, mirror = remote.stage_run(logdir, subparts, resume)
        else:
            directory = os.path.join(logdir, *subparts)
        if mirror is None and not follower and not resume and _has_event_files(directory):
            raise FileExistsError(
                f"run_name: {directory!r} already holds a run; choose another run_name, or "
                "pass resume=True to continue it"
            )
        rank = context.rank if context is not None and context.per_rank else None
        run = (distributed.FollowerRun if follower else Run)(
            directory,
            experiment=experiment,
            name=name if rank is None else f"rank-{rank}",
            params=checked_params,
            tags=checked_tags,
            flush_secs=float(flush_secs),
            resume=resume,
            run_id=None if rank is None else f"{name}/rank-{rank}",
        )
        run._distributed = context
        if mirror is not None:
            mirror.attach(run)
        return run

    from tb_eval import distributed

    ranks = distributed.process_rank()
    if ranks is not None:
        return distributed.start_run(
            distributed.RankContext(rank=ranks[0], world=ranks[1], per_rank=per_rank),
            logdir=logdir,
            experiment=experiment,
            run_name=run_name,
            generated_name=_readable_name,
            open_run=open_run,
        )
    if run_name is None:
        run_name = _readable_name()
    return open_run(logdir, [*parts[1:], run_name], run_name)


def attach(directory: str | os.PathLike, *, experiment: str | None = None) -> Run:
    """The run at ``directory``: continued if it already holds one, else started there.

    A directory inside another run's directory becomes that run's child (see
    :meth:`Run.child_run`). This is what :func:`tb_eval.get_context` does with
    ``TB_EVAL_RUN_DIR``.
    """
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory: expected a path, got {directory!r}")
    if remote.is_url(os.fspath(directory)):
        raise ValueError(
            f"directory: {os.fspath(directory)!r} is a URL; attach() takes a local run "
            "directory (start a remote run with start_logging(<URL>, ...))"
        )
    directory = os.path.normpath(os.fspath(directory))
    name = validation.check_path_component(os.path.basename(directory), "directory")
    parent_dir = os.path.dirname(directory)
    parent_id = None
    from tb_eval.sweep import is_experiment_root

    if _has_event_files(parent_dir) and not is_experiment_root(parent_dir):
        from tb_eval.reader import read_run

        parent_record = read_run(parent_dir).record
        # A parent whose record has not reached the disk yet is still known by its directory.
        parent_id = (
            parent_record.get("id") or parent_record.get("name") or os.path.basename(parent_dir)
        )
        experiment = experiment or parent_record.get("experiment")
    from tb_eval import distributed

    ranks = distributed.process_rank()  # under torch.distributed: rank 0 writes, as start_logging
    follower = ranks is not None and ranks[0] != distributed.WRITER_RANK
    run = (distributed.FollowerRun if follower else Run)(
        directory,
        experiment=experiment,
        name=name,
        params={},
        tags={},
        flush_secs=2.0,
        resume=True,
        run_id=f"{parent_id}/{name}" if parent_id else None,
        parent_id=parent_id,
    )
    if ranks is not None:
        run._distributed = distributed.RankContext(rank=ranks[0], world=ranks[1], per_rank=False)
    return run


class Run(RecordAndEnd, FilesAndChildren, RecordSurface):
    """One run: a directory of event files that TensorBoard shows as one run.

    Create it with :func:`start_logging` (or :func:`tb_eval.get_context`); reopen a finished one
    with :func:`open_run`. The methods and arguments of Azure ML v1's ``Run`` work as there
    (see the migration guide); all methods are thread-safe.
    """

    #: Makes the run's event writer (a follower rank's writes nothing; a contributor's writes
    #: each record through, see tb_eval.contributor).
    _writer_class = EventFileWriter
    #: Whether the run creates its directory (a follower rank's creates nothing).
    _makes_directory = True
    #: This rank's place in a ``torch.distributed`` job (``None`` outside a process group).
    _distributed = None

    def __init__(
        self,
        directory: str,
        *,
        experiment: str | None,
        name: str,
        params: dict,
        tags: dict,
        flush_secs: float,
        session_on_first_write: bool = True,
        resume: bool = False,
        run_id: str | None = None,
        display_name: str | None = None,
        parent: Run | None = None,
        parent_id: str | None = None,
        filename_suffix: str = "",
        purge_step: int | None = None,
    ) -> None:
        self.directory = directory
        self.experiment = validation.experiment_name(experiment)
        self.name = name
        self._id = run_id or name
        self._display_name = display_name or name
        self._parent = parent
        self._parent_id = parent.id if parent is not None else parent_id
        self._children: list[Run] = []
        self._params = dict(params)
        self._tags = dict(tags)
        self._properties: dict[str, Any] = {}
        self._files: list[dict[str, Any]] = []
        self._status = _STATUS_RUNNING
        self._error: str | None = None
        self._start_time = time.time()
        self._end_time: float | None = None
        self._writer = self._writer_class(
            directory, flush_secs=flush_secs, filename_suffix=filename_suffix
        )
        #: The process that started the run: only it ends the run at interpreter exit (a
        #: forked child that inherited it flushes what it logged and leaves it open).
        self._owner_pid = os.getpid()
        self._lock = self._writer.lock  # one lock guards the run's steps and the writer's batch
        self._last_step: dict[str, int] = {}
        self._kinds: dict[str, str] = {}
        self._scalar_encoders: dict[str, ScalarEncoder] = {}
        self._prediction_tasks: dict[str, str] = {}
        self._session_started = False
        self._writer_closed = False
        self._warned_late_params = False
        self._mirror: remote.Mirror | None = None  # uploads a remote run (tb_eval.io.remote)
        if self._makes_directory:
            os.makedirs(directory, exist_ok=True)
        if resume and _has_event_files(directory):
            self._resume(directory, purge_step)
        if purge_step is not None:
            self._writer.append(encode_restart(time.time(), purge_step))
        if session_on_first_write:
            self._writer.before_write = _weak_method(self._start_session)
        self._write_run_record()
        _live_runs.add(self)

    def _resume(self, directory: str, purge_step: int | None = None) -> None:
        """Take over what an earlier writer of this run logged: steps, kinds, params, tags
        (with ``purge_step``, only the steps before it: the records at it or later are dropped
        by the restart this run writes)."""
        from tb_eval.reader import read_run

        data = read_run(directory, restart_at=purge_step)
        self._last_step = dict(data.last_steps)
        self._kinds = data.names_held()
        self._prediction_tasks = data.prediction_tasks()
        self._session_started = data.has_session
        record = data.record
        self._params = {**record.get("params", {}), **self._params}
        self._tags = {**record.get("tags", {}), **self._tags}
        self._properties = dict(record.get("properties", {}))
        self._files = list(record.get("files", []))
        self._start_time = record.get("start_time", self._start_time)
        self._id = record.get("id") or self._id
        self._display_name = record.get("display_name") or self._display_name
        self._parent_id = self._parent_id or record.get("parent")

    # ------------------------------------------------------------------ context manager
    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self._status == _STATUS_RUNNING:
            if exc_type is None:
                self.complete()
            else:
                self.fail(f"{exc_type.__name__}: {exc}")

    def __repr__(self) -> str:
        return f"Run(directory={self.directory!r}, status={self._status!r})"

    @property
    def _files_directory(self) -> str:
        # a remote run's files are read from the store: a resumed run's earlier ones are there
        return self.directory if self._mirror is None else self._mirror.remote_path(self.directory)

    @property
    def status(self) -> str:
        """``running``, ``success`` or ``failure``."""
        return self._status

    # ------------------------------------------------------------------ bookkeeping
    def _check_open(self) -> None:
        if self._status != _STATUS_RUNNING:
            raise RuntimeError(f"run {self.name!r} has ended ({self._status}); start a new run")

    def _claim(self, name: str, kind: str, argument: str = "name") -> None:
        """Check that ``name`` may hold ``kind`` (a name holds one kind of data; tables and text
        share a Text dashboard tag). The name is taken by :meth:`_emit_for`, once the whole
        call has been validated, so a refused call leaves it free."""
        held = self._kinds.get(name, kind)
        if held != kind:
            raise ValueError(
                f"{argument}: {name!r} already holds {held} data in this run; use another name"
            )

    def _next_step(self, tag: str, step: int | None, name: str, argument: str = "step") -> int:
        """The step for a new record of ``tag``: explicit steps must strictly increase (errors
        name the caller's ``argument``)."""
        last = self._last_step.get(tag, -1)
        if step is None:
            return last + 1
        step = validation.check_step(step, argument)
        if step <= last:
            raise ValueError(
                f"{argument}: {step} for {name!r} must be greater than its last step {last} "
                "(TensorBoard keeps one value per tag and step; log a new evaluation at a new step)"
            )
        return step

    def _emit(self, tag: str, step: int, values: list, wall_time: float | None = None) -> None:
        """Queue one event and remember its step. Call with ``self._lock`` held."""
        self._writer.append(
            encode_event(time.time() if wall_time is None else wall_time, step, values)
        )
        self._last_step[tag] = step

    def _emit_own(self, tag: str, step: int, tensor, make_metadata: Callable) -> None:
        """Queue one record of our plugin at ``tag`` (metadata on its first in the file)."""
        metadata = self._metadata_if_first(tag, make_metadata)
        self._emit(tag, step, [common.summary_value(tag, tensor, metadata)])

    def _log_own(
        self, name: str, kind: ModuleType, step: int | None, tensor, make_metadata: Callable
    ) -> None:
        """Log one record of one of our kinds (a :mod:`tb_eval.kinds` module) at its tag."""
        with self._lock:
            tag, step = self._take(name, kind, step)
            self._emit_own(tag, step, tensor, make_metadata)

    def _take(self, name: str, kind: ModuleType, step: int | None) -> tuple[str, int]:
        """Check and take ``name`` for ``kind``: the tag and step of its new record. Call with
        ``self._lock`` held, once the call's data has been validated."""
        self._check_open()
        self._claim(name, kind.KIND)
        tag = kind.tag(name)
        step = self._next_step(tag, step, name)
        self._kinds[name] = kind.KIND
        return tag, step

    def _log_builtin(
        self,
        name: str,
        kind: str,
        step: int | None,
        make_value: Callable[[bool], Any],
        wall_time: float | None = None,
    ) -> None:
        """Log one record for one of TensorBoard's dashboards at tag ``name``;
        ``make_value(with_metadata)`` builds the ``Summary.Value``."""
        with self._lock:
            self._check_open()
            self._claim(name, kind)
            step = self._next_step(name, step, name)
            self._kinds[name] = kind
            value = make_value(self._writer.first_in_file(name))
            self._emit(name, step, [value], wall_time)

    def _log_scalar(
        self, encoder: ScalarEncoder, name: str, step: int, number: float, now: float
    ) -> None:
        """Queue one scalar through its tag's hand-encoded bytes (metadata on its first in the
        file). Call with ``self._lock`` held, ``step`` checked."""
        writer = self._writer
        first = encoder.generation != writer.generation
        encoder.generation = writer.generation
        writer.append_locked(encoder.encode(now, step, number, first))
        self._last_step[name] = step

    def _metadata_if_first(self, tag: str, make_metadata) -> Any:
        return make_metadata() if self._writer.first_in_file(tag) else None

    # ------------------------------------------------------------------ metrics
    def log(
        self,
        name: str,
        value: Any,
        description: str = "",
        step: int | None = None,
        *,
        wall_time: float | None = None,
    ) -> None:
        """Log a number (Scalars dashboard) or a string (Text dashboard) under ``name``.

        Repeated calls make a series at steps 0, 1, 2, ... unless ``step`` is given; explicit
        steps must increase strictly per name (``ValueError`` otherwise). ``description``
        becomes the tag's description in TensorBoard. The argument order is Azure ML's:
        ``log(name, value, description='', step=None)``.
        """
        if (
            (type(value) is float or type(value) is int)
            and -_FLOAT32_MAX <= value <= _FLOAT32_MAX
            and type(name) is str
            and wall_time is None
            and type(description) is str
            and not description
        ):
            # The hot path: a plain number in float32's range for a name already holding
            # scalars, step omitted or increasing. Anything else takes the checked path below.
            with self._lock:
                encoder = self._scalar_encoders.get(name)
                if encoder is not None and self._status is _STATUS_RUNNING:
                    last = self._last_step[name]
                    if step is None:
                        step = last + 1
                    if type(step) is int and last < step <= _MAX_STEP:
                        self._log_scalar(encoder, name, step, value, time.time())
                        return
        number = scalar.check(value, name)
        if isinstance(description, numbers.Number):
            raise TypeError(
                f"description: expected a str, got {description!r}; log's third argument is "
                "the description, as in Azure ML (log(name, value, description='', step=None)): "
                "pass the step as step="
            )
        description = validation.check_description(description)
        with self._lock:
            validation.check_name(name)
            self._check_open()
            if wall_time is not None:
                wall_time = validation.check_wall_time(wall_time)
            if number is None:
                if not isinstance(value, str):
                    raise TypeError(
                        f"value: expected a number or a str for {name!r}, "
                        f"got {type(value).__name__}"
                    )
                self._log_builtin(
                    name,
                    text.KIND,
                    step,
                    lambda first: text.value(name, value, first, description),
                    wall_time,
                )
                return
            self._claim(name, scalar.KIND)
            step = self._next_step(name, step, name)
            self._kinds[name] = scalar.KIND
            encoder = self._scalar_encoders.get(name)
            if encoder is None:
                encoder = ScalarEncoder(name, scalar.metadata(description))
                self._scalar_encoders[name] = encoder
            self._log_scalar(
                encoder, name, step, number, time.time() if wall_time is None else wall_time
            )

    def log_list(self, name: str, value: Iterable[Any], description: str = "") -> None:
        """Log numbers (any iterable: a list, an array, a generator) as a series: steps 0..n-1
        the first time, continuing after the name's last step after that."""
        validation.check_name(name)
        numbers_ = series.check(value)
        description = validation.check_description(description)
        with self._lock:
            self._check_open()
            self._claim(name, scalar.KIND)
            first = self._last_step.get(name, -1) + 1
            for offset, number in enumerate(numbers_.tolist()):
                self.log(name, number, description, first + offset)
            tag = series.tag(name)
            step = self._next_step(tag, None, name)
            self._emit_own(tag, step, series.encode(numbers_), series.metadata)

    def log_row(self, name: str, description: str | None = None, **kwargs: Any) -> None:
        """Append one row (``column=value`` keywords) to the table ``name``, as Azure ML's
        ``log_row(name, description=None, **kwargs)``: ``name`` and ``description`` cannot be
        column names there either."""
        validation.check_name(name)
        checked = kinds.row.normalize_row(kwargs)
        description = validation.check_description(description)
        self._log_own(
            name,
            kinds.row,
            None,
            kinds.row.encode(checked),
            lambda: kinds.row.metadata(description),
        )

    def log_table(
        self, name: str, value: Any, description: str = "", *, step: int | None = None
    ) -> None:
        """Log a table: a dict of columns, a list of row dicts or a pandas DataFrame.

        Stored whole for the tb_eval plugin; tables of at most ``table.TEXT_MAX_ROWS`` rows also
        appear in TensorBoard's Text dashboard under ``name``.
        """
        validation.check_blob_key_safe(validation.check_name(name))
        description = validation.check_description(description)
        parsed = table.normalize_table(value)
        blob = table.encode(parsed)
        cells = table.text_cells(parsed)
        with self._lock:
            tag, step = self._take(name, table, step)
            metadata = self._metadata_if_first(tag, lambda: table.metadata(description))
            values = [common.summary_value(tag, blob, metadata)]
            if cells is not None and step > self._last_step.get(name, -1):
                values.append(
                    text.grid_value(name, cells, self._writer.first_in_file(name), description)
                )
                self._last_step[name] = step
            self._emit(tag, step, values)

    def log_image(
        self,
        name: str,
        path: str | os.PathLike | None = None,
        plot: Any = None,
        description: str = "",
        *,
        image: Any = None,
        step: int | None = None,
    ) -> None:
        """Log an image to the Images dashboard: from a file ``path`` (or a binary stream), a
        matplotlib figure or ``matplotlib.pyplot`` (its current figure) as ``plot`` -- or in
        ``path``'s place, as Azure ML allows (``run.log_image("ROC", plt)``) -- or ``image``
        (a PIL image or an array HW / HWC / CHW, uint8 or floats in [0, 1])."""
        validation.check_blob_key_safe(validation.check_name(name))
        description = validation.check_description(description)
        path, plot, image = azureml.image_arguments(path, plot, image)
        png, width, height = image_kind.to_png(path=path, plot=plot, image=image)
        self._log_builtin(
            name,
            image_kind.KIND,
            step,
            lambda first: image_kind.value(name, png, width, height, first, description),
        )

    def log_histogram(
        self,
        name: str,
        values: Any,
        step: int | None = None,
        *,
        bins: int = kinds.histogram.DEFAULT_BINS,
        description: str | None = None,
    ) -> None:
        """Log the distribution of ``values`` (e.g. a layer's weights) to TensorBoard's
        Histograms and Distributions dashboards."""
        validation.check_name(name)
        description = validation.check_description(description)
        rows = kinds.histogram.buckets(values, bins)
        self._log_builtin(
            name,
            kinds.histogram.KIND,
            step,
            lambda first: kinds.histogram.value(name, rows, first, description),
        )

    # ------------------------------------------------------------------ evaluation
    def log_predictions(
        self,
        name: str,
        y_true: Any = None,
        y_score: Any = None,
        y_pred: Any = None,
        *,
        labels: Sequence[Any] | None = None,
        task: str | None = None,
        sample_weight: Any = None,
        step: int | None = None,
        summary: str | None = None,
        value: Any = None,
        description: str = "",
    ) -> None:
        """Log what a model predicted, for the evaluation dashboards and :func:`tb_eval.evaluate`.

        Arrays may be numpy arrays, lists, pandas objects or torch tensors.

        Azure ML's form ``log_predictions(name, value, description="")`` is understood too:
        Azure's regression-predictions JSON (``schema_type: "predictions"``; a dict or its JSON
        text) given as ``value=`` or in ``y_true``'s place is logged as binned predicted-vs-true
        for the Regression dashboard (the third positional is then the description).

        Parameters
        ----------
        name:
            The evaluation's name, e.g. ``"val"``.
        y_true:
            True labels (names or integers), a [n, L] indicator matrix (multilabel), or floats
            (regression).
        y_score:
            Probabilities: 1-D positive-class or [n, 2] (binary), [n, C] (multiclass),
            [n, L] (multilabel).
        y_pred:
            Hard predictions (classification) or predicted values (regression).
        labels:
            Class labels in the column order of ``y_score``.
        task:
            ``binary``, ``multiclass``, ``multilabel`` or ``regression``; inferred when omitted
            (and the stored record says it was inferred).
        sample_weight:
            Optional non-negative weights.
        step:
            The evaluation's step (e.g. the epoch); steps increase strictly per name.
        summary:
            ``"binned"`` logs a mergeable binned summary of the scores (its size independent
            of n; see :meth:`evaluation_accumulator`) instead of the raw rows.
        """
        if value is not None or azureml.is_schema_document(y_true, "predictions"):
            value, description = azureml.predictions_arguments(
                y_true, y_score, value, description, y_pred, labels, task, sample_weight, summary
            )
            azureml.log_regression_bins(self, name, value, description, step, "predictions")
            return
        arguments = {
            "y_true": y_true,
            "y_score": y_score,
            "y_pred": y_pred,
            "labels": labels,
            "task": task,
            "sample_weight": sample_weight,
        }
        if summary is not None:
            from tb_eval import accumulate

            binned = accumulate.summary_of_predictions(**arguments, summary=summary)
            accumulate.log_merged(self, name, binned, step)
            return
        if self._distributed is not None:
            from tb_eval import distributed

            distributed.log_predictions(self, name, arguments, step)
            return
        prepared = self._prepare_predictions(name, **arguments)
        self._write_predictions(name, prepared, step)

    def _prepare_predictions(self, name: Any, **arguments: Any):
        from tb_eval.evaluation import prepare

        validation.check_blob_key_safe(validation.check_name(name))
        return prepare(**arguments)

    def _check_predictions(self, name: str, task: str, step: int | None) -> tuple[str, int]:
        """The tag and step a new prediction set of ``task`` under ``name`` gets, or the error
        logging it raises (nothing is taken: :meth:`_write_predictions` does that)."""
        with self._lock:
            self._check_open()
            self._claim(name, kinds.predictions.KIND)
            first_task = self._prediction_tasks.get(name, task)
            if task != first_task:
                raise ValueError(
                    f"task: {name!r} holds {first_task} predictions in this run, these are "
                    f"{task}; log them under another name"
                )
            tag = kinds.predictions.tag(name)
            return tag, self._next_step(tag, step, name)

    def _write_predictions(self, name: str, prepared, step: int | None) -> None:
        from tb_eval.evaluation import evaluate_prepared

        blob = kinds.predictions.encode(*prepared.to_arrays())
        summary = None
        if prepared.n <= kinds.eval_summary.MAX_ROWS:
            # The headline metrics for Compare runs, so the plugin's table needs no raw reads
            # (if the engine cannot evaluate these, the plugin says why when asked).
            try:
                summary = kinds.eval_summary.summarise(evaluate_prepared(prepared, max_points=16))
            except (ValueError, TypeError, ArithmeticError):
                summary = None
        with self._lock:
            self._check_predictions(name, prepared.task, step)
            tag, step = self._take(name, kinds.predictions, step)
            self._emit_own(tag, step, blob, lambda: kinds.predictions.metadata(prepared.task))
            self._prediction_tasks[name] = prepared.task
            if summary is not None:  # at the predictions' step, not a name of its own
                self._emit_own(
                    kinds.eval_summary.tag(name),
                    step,
                    kinds.eval_summary.encode(summary),
                    kinds.eval_summary.metadata,
                )

    def log_feature_importance(
        self,
        name: str,
        feature_names: Sequence[str],
        importances: Any,
        step: int | None = None,
        *,
        per_class: Mapping[Any, Any] | None = None,
    ) -> None:
        """Log feature importances (one per feature), optionally also ``per_class``
        (a dict of class label to importances), for the Feature importance dashboard."""
        validation.check_name(name)
        document = kinds.importance.check(feature_names, importances, per_class)
        self._log_own(
            name,
            kinds.importance,
            step,
            kinds.importance.encode(document),
            kinds.importance.metadata,
        )

    def log_accuracy_table(
        self, name: str, value: Any, description: str = "", step: int | None = None
    ) -> None:
        """Log an accuracy table in Azure ML's schema (a dict or its JSON text:
        ``{"schema_type": "accuracy_table", "schema_version": ..., "data": {
        "probability_tables", "percentile_tables", "probability_thresholds",
        "percentile_thresholds", "class_labels"}}``) as a binned summary, shown in the
        Classification dashboard with the curves and metrics it determines."""
        from tb_eval import accumulate

        accumulate.log_accuracy_table(self, name, value, description, step)

    def log_residuals(
        self, name: str, value: Any, description: str = "", *, step: int | None = None
    ) -> None:
        """Log a residual histogram in Azure ML's schema (a dict or its JSON text:
        ``{"schema_type": "residuals", "schema_version": ..., "data": {"bin_edges": [...],
        "bin_counts": [...]}}``, one more edge than counts), for the Regression dashboard."""
        azureml.log_regression_bins(self, name, value, description, step, "residuals")

    def evaluation_accumulator(
        self,
        name: str,
        *,
        task: str | None = None,
        labels: Sequence[Any] | None = None,
        mantissa_bits: int = 6,
        description: str = "",
    ):
        """An accumulator for a validation loop: ``acc.update(y_true, y_score)`` per batch,
        ``acc.log(step)`` logs the binned summary of them all (memory independent of their
        number; collective and exact under ``torch.distributed``)."""
        from tb_eval import accumulate

        return accumulate.RunAccumulator(
            self,
            name,
            task=task,
            labels=labels,
            mantissa_bits=mantissa_bits,
            description=description,
        )

    def log_confusion_matrix(
        self,
        name: str,
        value: Any,
        description: str = "",
        *,
        labels: Sequence[Any] | None = None,
        step: int | None = None,
    ) -> None:
        """Log a precomputed confusion matrix (rows: true class, columns: predicted class) for
        the Classification dashboard.

        ``value`` is an array of counts (with ``labels``), or Azure ML's confusion-matrix JSON
        (a dict or a JSON string with ``schema_type: "confusion_matrix"`` and ``data:
        {"class_labels": [...], "matrix": [[...]]}``).
        """
        validation.check_name(name)
        if description is not None and not isinstance(description, str):
            raise TypeError(
                f"description: expected a str, got {type(description).__name__}; the third "
                "argument is the description, as in Azure ML: pass class labels as labels="
            )
        description = validation.check_description(description)
        matrix, labels = azureml.confusion_arguments(value, labels)
        document = kinds.confusion.check(matrix, labels, argument="value")
        self._log_own(
            name,
            kinds.confusion,
            step,
            kinds.confusion.encode(document),
            lambda: kinds.confusion.metadata(description),
        )

    def get_predictions(self, name: str, step: int | None = None):
        """The predictions logged under ``name`` (the last step unless ``step`` is given), read
        back from disk as a :class:`tb_eval.evaluation.Prepared`."""
        from tb_eval.reader import read_run

        self.flush()
        return read_run(self.directory).predictions(name, step)

    # ------------------------------------------------------------------ params
    def last_step(self, name: str) -> int | None:
        """The last step logged under ``name`` (``None`` if nothing yet); the next automatic
        step is one more, and an explicit step must be greater."""
        with self._lock:
            kind = self._kinds.get(name)
            if kind is None:
                return None
            module = kinds.KINDS.get(kind)
            tag = module.tag(name) if module is not None else common.our_tag(kind, name)
            return self._last_step.get(tag)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record hyper-parameters for the HParams dashboard. Values may be str, numbers,
        bools, ``None``, nested dicts (flattened as ``a.b``) or anything else (kept as its
        text), so ``estimator.get_params()`` goes in unchanged."""
        checked = validation.check_params(params, "params")
        with self._lock:
            self._check_open()
            if all(key in self._params and self._params[key] == v for key, v in checked.items()):
                return
            self._params.update(checked)
            self._note_late_hparams()
            self._write_run_record()


def _has_event_files(directory: str) -> bool:
    from tb_eval.reader import event_files

    return os.path.isdir(directory) and bool(event_files(directory))


def _weak_method(method) -> Callable[[], None]:
    """A callable that calls ``method`` while its object lives (the writer must not keep the
    run alive)."""
    reference = weakref.WeakMethod(method)

    def call() -> None:
        bound = reference()
        if bound is not None:
            bound()

    return call
