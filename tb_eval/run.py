"""``Run``: the public logging facade, in the spirit of Azure ML's ``Run``.

Each method validates its input completely before anything is queued, so a bad call raises and
writes nothing. The encoding of each data kind lives in :mod:`tb_eval.kinds`; the file writing in
:mod:`tb_eval.io.writer`. This module only keeps per-run bookkeeping: steps per tag, which name
holds which kind, params, tags and status.
"""

from __future__ import annotations

import atexit
import math
import numbers
import os
import sys
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from tb_eval import artifacts, azureml, names
from tb_eval.io import remote
from tb_eval.io.events import ScalarEncoder, encode_event
from tb_eval.io.writer import EventFileWriter
from tb_eval.kinds import common, histogram, hparams, run_record, scalar, series, table, text
from tb_eval.kinds import image as image_kind
from tb_eval.kinds import pr_curve as pr_curve_kind
from tb_eval.record import RecordSurface, append_record

_live_runs: weakref.WeakSet[Run] = weakref.WeakSet()
_MAX_STEP = names.MAX_STEP
_FLOAT32_MAX = common.FLOAT32_MAX
#: TensorBoard's own dashboards we write to, by plugin name, and the kind a name then holds;
#: their tag is the name itself (our own kinds use ``tb_eval/<kind>/<name>``).
_BUILTIN_KINDS = {
    scalar.PLUGIN_NAME: "scalar",
    text.PLUGIN_NAME: "text",
    image_kind.PLUGIN_NAME: "image",
    histogram.PLUGIN_NAME: "histogram",
    pr_curve_kind.PLUGIN_NAME: "pr_curve",
}
_STATUS_RUNNING, _STATUS_SUCCESS, _STATUS_FAILURE = "running", "success", "failure"
_STATUS_CANCELED = "canceled"
#: Which HParams status each of ours ends with (HParams has no "canceled").
_HPARAMS_END_STATUS = {
    _STATUS_SUCCESS: _STATUS_SUCCESS,
    _STATUS_FAILURE: _STATUS_FAILURE,
    _STATUS_CANCELED: _STATUS_FAILURE,
}
_ADJECTIVES = (
    "amber",
    "brisk",
    "calm",
    "dapper",
    "eager",
    "fuzzy",
    "gentle",
    "happy",
    "icy",
    "jolly",
    "keen",
    "lucid",
    "mellow",
    "nimble",
    "olive",
    "proud",
    "quiet",
    "rapid",
)
_NOUNS = (
    "otter",
    "falcon",
    "maple",
    "comet",
    "badger",
    "harbor",
    "lynx",
    "meadow",
    "nebula",
    "orchid",
    "pepper",
    "quartz",
    "raven",
    "spruce",
    "tiger",
    "willow",
    "yak",
    "zephyr",
)


def _readable_name() -> str:
    """A unique, readable run name such as ``20261122-093000-brisk-otter-3f2a``."""
    token = uuid.uuid4()
    adjective = _ADJECTIVES[token.int % len(_ADJECTIVES)]
    noun = _NOUNS[(token.int >> 8) % len(_NOUNS)]
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{adjective}-{noun}-{token.hex[:4]}"


def start_logging(
    logdir: str | os.PathLike = "runs",
    experiment: str | None = None,
    run_name: str | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    tags: Mapping[str, Any] | None = None,
    flush_secs: float = 2.0,
    resume: bool = False,
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
        parts.append(names.check_path_component(experiment, "experiment"))
    if run_name is None:
        run_name = _readable_name()
    parts.append(names.check_path_component(run_name, "run_name"))
    checked_params = names.check_params(params, "params")
    checked_tags = names.check_params(tags, "tags")
    if not isinstance(flush_secs, numbers.Real) or not 0 < flush_secs < math.inf:
        raise ValueError(f"flush_secs: must be a positive number of seconds, got {flush_secs!r}")
    parts[0] = remote.local_path(parts[0])
    mirror = None
    if remote.is_url(parts[0]):  # written in a local staging directory, uploaded by mirror
        directory, mirror = remote.stage_run(parts[0], parts[1:], resume)
    else:
        directory = os.path.join(*parts)
    if mirror is None and not resume and _has_event_files(directory):
        raise FileExistsError(
            f"run_name: {directory!r} already holds a run; choose another run_name, or pass "
            "resume=True to continue it"
        )
    run = Run(
        directory,
        experiment=experiment,
        name=run_name,
        params=checked_params,
        tags=checked_tags,
        flush_secs=float(flush_secs),
        resume=resume,
    )
    if mirror is not None:
        mirror.attach(run)
    return run


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
    name = names.check_path_component(os.path.basename(directory), "directory")
    parent_dir = os.path.dirname(directory)
    parent_id = None
    if _has_event_files(parent_dir):
        from tb_eval.reader import read_run

        parent_record = read_run(parent_dir).record
        # A parent whose record has not reached the disk yet is still known by its directory.
        parent_id = (
            parent_record.get("id") or parent_record.get("name") or os.path.basename(parent_dir)
        )
        experiment = experiment or parent_record.get("experiment")
    return Run(
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


class Run(RecordSurface):
    """One run: a directory of event files that TensorBoard shows as one run.

    Create it with :func:`start_logging` (or :func:`tb_eval.get_context`); reopen a finished one
    with :func:`open_run`. The methods and arguments of Azure ML v1's ``Run`` work as there
    (see the migration guide); all methods are thread-safe.
    """

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
    ) -> None:
        self.directory = directory
        self.experiment = names.experiment_name(experiment)
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
        self._writer = EventFileWriter(directory, flush_secs=flush_secs)
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
        os.makedirs(directory, exist_ok=True)
        if resume and _has_event_files(directory):
            self._resume(directory)
        if session_on_first_write:
            self._writer.before_write = _weak_method(self._start_session)
        self._write_run_record()
        _live_runs.add(self)

    def _resume(self, directory: str) -> None:
        """Take over what an earlier writer of this run logged: steps, kinds, params, tags."""
        from tb_eval.reader import read_run

        data = read_run(directory)
        self._last_step = dict(data.last_steps)
        for tag, plugin in data.plugins.items():
            if plugin in _BUILTIN_KINDS:
                self._kinds.setdefault(tag, _BUILTIN_KINDS[plugin])
            elif plugin == common.PLUGIN_NAME:
                kind, name = common.split_our_tag(tag) or ("", "")
                if kind not in (series.KIND, run_record.KIND):
                    self._kinds[name] = kind  # a table's Text tag shares the name: table wins
                task = data.contents.get(tag, {}).get("task")
                if task:
                    self._prediction_tasks[name] = task
            elif plugin == hparams.PLUGIN_NAME and tag == hparams.START_TAG:
                self._session_started = True
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

    def _claim(self, name: str, kind: str) -> None:
        """Check that ``name`` may hold ``kind`` (a name holds one kind of data; tables and text
        share a Text dashboard tag). The name is taken by :meth:`_emit_for`, once the whole
        call has been validated, so a refused call leaves it free."""
        held = self._kinds.get(name, kind)
        if held != kind:
            raise ValueError(
                f"name: {name!r} already holds {held} data in this run; use another name"
            )

    def _next_step(self, tag: str, step: int | None, name: str) -> int:
        """The step for a new record of ``tag``: explicit steps must strictly increase."""
        last = self._last_step.get(tag, -1)
        if step is None:
            return last + 1
        step = names.check_step(step)
        if step <= last:
            raise ValueError(
                f"step: {step} for {name!r} must be greater than its last step {last} "
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
        self, name: str, kind: str, step: int | None, tensor, make_metadata: Callable
    ) -> None:
        """Log one record of one of our kinds at tag ``tb_eval/<kind>/<name>``."""
        with self._lock:
            self._check_open()
            self._claim(name, kind)
            tag = common.our_tag(kind, name)
            step = self._next_step(tag, step, name)
            self._kinds[name] = kind
            self._emit_own(tag, step, tensor, make_metadata)

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

    def _metadata_if_first(self, tag: str, make_metadata) -> Any:
        return make_metadata() if self._writer.first_in_file(tag) else None

    def _start_session(self) -> None:
        """Write the HParams session record, once, with the first batch that reaches the file:
        TensorBoard keeps a run's first session record, so params and tags set before then
        (the usual case: right after start_logging) are all in it."""
        with self._lock:
            if self._session_started:
                return
            self._session_started = True
            self._writer.append(
                encode_event(
                    self._start_time,
                    0,
                    [hparams.start_value(self._hparams(), self._group_name(), self._start_time)],
                )
            )

    def _group_name(self) -> str:
        """HParams groups sessions by this name: one group per run, the sweep's runs apart."""
        return f"{self.experiment}/{self.id}" if self.experiment else self.id

    def _hparams(self) -> dict:
        """Tags and params for HParams (params win); ``None`` shows as the text ``None``."""
        merged = dict(self._tags)
        merged.update(self._params)
        return {key: "None" if value is None else value for key, value in merged.items()}

    def _record(self) -> dict[str, Any]:
        record = {
            "name": self.name,
            "id": self._id,
            "display_name": self._display_name,
            "experiment": self.experiment,
            "parent": self._parent_id,
            "params": self._params,
            "tags": self._tags,
            "properties": self._properties,
            "status": self._status,
            "start_time": self._start_time,
            "end_time": self._end_time,
            "files": self._files,
        }
        if self._error:
            record["error"] = self._error
        return record

    def _write_run_record(self) -> None:
        step = self._next_step(run_record.TAG, None, "the run record")
        if self._status == _STATUS_RUNNING or not self._writer_closed:
            self._emit_own(
                run_record.TAG, step, common.json_tensor(self._record()), run_record.metadata
            )
        else:  # a finished run: its changes go to a new event file, as for open_run's runs
            append_record(self.directory, self._record(), step)
            self._last_step[run_record.TAG] = step

    def _commit(self, **changes: Any) -> None:
        """Apply record changes (tags, properties, display name), also after the run ended."""
        with self._lock:
            current = {"tags": self._tags, "properties": self._properties}
            current["display_name"] = self._display_name
            if all(current[key] == value for key, value in changes.items()):
                return
            if "tags" in changes:
                self._tags = changes["tags"]
                self._note_late_hparams()
            if "properties" in changes:
                self._properties = changes["properties"]
            if "display_name" in changes:
                self._display_name = changes["display_name"]
            self._write_run_record()
            if self._mirror is not None and self._writer_closed:
                self._mirror.sync()

    def _note_late_hparams(self) -> None:
        if self._session_started and not self._warned_late_params:
            self._warned_late_params = True
            warnings.warn(
                f"run {self.name!r}: TensorBoard's HParams dashboard keeps the params and tags "
                "a run "
                "had when it first wrote data; this change is kept by tb_eval (get_tags, "
                "get_params, the tb_eval plugin) but not shown there",
                stacklevel=3,
            )

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
                        writer = self._writer
                        first = encoder.generation != writer.generation
                        encoder.generation = writer.generation
                        writer.append_locked(encoder.encode(time.time(), step, value, first))
                        self._last_step[name] = step
                        return
        try:
            number = names.as_number(value)
        except OverflowError:  # an int beyond a double's range
            raise ValueError(
                f"value: {value!r:.60} for {name!r} is outside the float32 range TensorBoard "
                "stores scalars in"
            ) from None
        if number is not None:
            common.check_scalar_range(number, "value")
        if isinstance(description, numbers.Number):
            raise TypeError(
                f"description: expected a str, got {description!r}; log's third argument is "
                "the description, as in Azure ML (log(name, value, description='', step=None)): "
                "pass the step as step="
            )
        description = names.check_description(description)
        with self._lock:
            names.check_name(name)
            self._check_open()
            if wall_time is not None:
                wall_time = names.check_wall_time(wall_time)
            if number is None:
                if not isinstance(value, str):
                    raise TypeError(
                        f"value: expected a number or a str for {name!r}, "
                        f"got {type(value).__name__}"
                    )
                self._log_builtin(
                    name,
                    "text",
                    step,
                    lambda first: text.value(name, value, first, description),
                    wall_time,
                )
                return
            self._claim(name, "scalar")
            step = self._next_step(name, step, name)
            self._kinds[name] = "scalar"
            encoder = self._scalar_encoders.get(name)
            if encoder is None:
                encoder = ScalarEncoder(name, scalar.metadata(description))
                self._scalar_encoders[name] = encoder
            writer = self._writer
            first = encoder.generation != writer.generation
            encoder.generation = writer.generation
            now = time.time() if wall_time is None else wall_time
            writer.append_locked(encoder.encode(now, step, number, first))
            self._last_step[name] = step

    def log_list(self, name: str, value: Iterable[Any], description: str = "") -> None:
        """Log numbers (any iterable: a list, an array, a generator) as a series: steps 0..n-1
        the first time, continuing after the name's last step after that."""
        names.check_name(name)
        numbers_ = names.number_series(value)
        common.check_scalar_range(numbers_, "value")
        description = names.check_description(description)
        with self._lock:
            self._check_open()
            self._claim(name, "scalar")
            first = self._last_step.get(name, -1) + 1
            for offset, number in enumerate(numbers_.tolist()):
                self.log(name, number, description, first + offset)
            tag = common.our_tag(series.KIND, name)
            step = self._next_step(tag, None, name)
            self._emit_own(tag, step, common.float64_tensor(numbers_), series.metadata)

    def log_row(self, name: str, description: str | None = None, **kwargs: Any) -> None:
        """Append one row (``column=value`` keywords) to the table ``name``, as Azure ML's
        ``log_row(name, description=None, **kwargs)``: ``name`` and ``description`` cannot be
        column names there either."""
        names.check_name(name)
        row = table.normalize_row(kwargs)
        description = names.check_description(description)
        self._log_own(
            name,
            table.ROW_KIND,
            None,
            table.row_tensor(row),
            _described(table.row_metadata, description),
        )

    def log_table(
        self, name: str, value: Any, description: str = "", *, step: int | None = None
    ) -> None:
        """Log a table: a dict of columns, a list of row dicts or a pandas DataFrame.

        Stored whole for the tb_eval plugin; tables of at most ``table.TEXT_MAX_ROWS`` rows also
        appear in TensorBoard's Text dashboard under ``name``.
        """
        names.check_blob_key_safe(names.check_name(name))
        description = names.check_description(description)
        parsed = table.normalize_table(value)
        payload = table.encode_table(parsed)
        cells = table.text_cells(parsed)
        with self._lock:
            self._check_open()
            self._claim(name, "table")
            tag = common.our_tag(table.TABLE_KIND, name)
            step = self._next_step(tag, step, name)
            self._kinds[name] = "table"
            blob = common.string_tensor(np.array([payload], dtype=object))
            metadata = self._metadata_if_first(tag, _described(table.table_metadata, description))
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
        names.check_blob_key_safe(names.check_name(name))
        description = names.check_description(description)
        path, plot, image = azureml.image_arguments(path, plot, image)
        png, width, height = image_kind.to_png(path=path, plot=plot, image=image)
        self._log_builtin(
            name,
            "image",
            step,
            lambda first: image_kind.value(name, png, width, height, first, description),
        )

    def log_histogram(
        self,
        name: str,
        values: Any,
        step: int | None = None,
        *,
        bins: int = histogram.DEFAULT_BINS,
        description: str | None = None,
    ) -> None:
        """Log the distribution of ``values`` (e.g. a layer's weights) to TensorBoard's
        Histograms and Distributions dashboards."""
        names.check_name(name)
        description = names.check_description(description)
        rows = histogram.buckets(values, bins)
        self._log_builtin(
            name, "histogram", step, lambda first: histogram.value(name, rows, first, description)
        )

    # ------------------------------------------------------------------ evaluation
    def log_predictions(
        self,
        name: str,
        y_true: Any,
        y_score: Any = None,
        y_pred: Any = None,
        *,
        labels: Sequence[Any] | None = None,
        task: str | None = None,
        sample_weight: Any = None,
        step: int | None = None,
        summary: str | None = None,
    ) -> None:
        """Log what a model predicted, for the evaluation dashboards and :func:`tb_eval.evaluate`.

        Arrays may be numpy arrays, lists, pandas objects or torch tensors.

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
        if summary is not None:
            from tb_eval import accumulate

            binned = accumulate.summary_of_predictions(
                y_true,
                y_score,
                y_pred,
                labels=labels,
                task=task,
                sample_weight=sample_weight,
                summary=summary,
            )
            return accumulate.log_summary(self, name, binned, step)
        from tb_eval.evaluation import prepare
        from tb_eval.kinds import predictions

        names.check_blob_key_safe(names.check_name(name))
        prepared = prepare(
            y_true, y_score, y_pred, labels=labels, task=task, sample_weight=sample_weight
        )
        payload = predictions.encode(prepared)
        with self._lock:
            self._check_open()
            self._claim(name, "predictions")
            first_task = self._prediction_tasks.get(name, prepared.task)
            if prepared.task != first_task:
                raise ValueError(
                    f"task: {name!r} holds {first_task} predictions in this run, these are "
                    f"{prepared.task}; log them under another name"
                )
            tag = common.our_tag(predictions.KIND, name)
            step = self._next_step(tag, step, name)
            self._kinds[name] = "predictions"
            self._prediction_tasks[name] = prepared.task
            self._emit_own(
                tag,
                step,
                common.string_tensor(np.array([payload], dtype=object)),
                lambda: predictions.predictions_metadata(prepared.task),
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
        from tb_eval.kinds import predictions

        names.check_name(name)
        if isinstance(feature_names, (str, bytes)) or not hasattr(feature_names, "__len__"):
            raise TypeError("feature_names: expected a list of str")
        if any(
            isinstance(feature, (list, tuple, set, Mapping, np.ndarray))
            for feature in feature_names
        ):
            raise TypeError("feature_names: expected a flat list of str, got nested values")
        features = [str(feature) for feature in feature_names]
        if not features:
            raise ValueError("feature_names: no features")
        if len(set(features)) != len(features):
            repeated = next(f for f in features if features.count(f) > 1)
            raise ValueError(f"feature_names: {repeated!r} appears more than once")
        values = names.finite_vector(importances, "importances", len(features))
        classes = {}
        if per_class is not None:
            if not isinstance(per_class, Mapping):
                raise TypeError("per_class: expected a dict of class label to importances")
            for label, row in per_class.items():
                classes[str(label)] = names.finite_vector(
                    row, f"per_class[{label!r}]", len(features)
                )
        document = {"features": features, "importances": values, "per_class": classes}
        self._log_own(
            name,
            predictions.IMPORTANCE_KIND,
            step,
            common.json_tensor(document),
            predictions.importance_metadata,
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
        from tb_eval.kinds import predictions

        names.check_name(name)
        if description is not None and not isinstance(description, str):
            raise TypeError(
                f"description: expected a str, got {type(description).__name__}; the third "
                "argument is the description, as in Azure ML: pass class labels as labels="
            )
        description = names.check_description(description)
        matrix, labels = azureml.confusion_arguments(value, labels)
        try:
            document = predictions.check_confusion_matrix(matrix, labels)
        except (TypeError, ValueError) as error:  # the matrix is this method's ``value``
            message = str(error)
            if message.startswith("matrix:"):
                raise type(error)("value:" + message[len("matrix:") :]) from None
            raise
        self._log_own(
            name,
            predictions.CONFUSION_KIND,
            step,
            common.json_tensor(document),
            _described(predictions.confusion_metadata, description),
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
            tag = name if kind in _BUILTIN_KINDS.values() else common.our_tag(kind, name)
            return self._last_step.get(tag)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record hyper-parameters for the HParams dashboard. Values may be str, numbers,
        bools, ``None``, nested dicts (flattened as ``a.b``) or anything else (kept as its
        text), so ``estimator.get_params()`` goes in unchanged."""
        checked = names.check_params(params, "params")
        with self._lock:
            self._check_open()
            if all(key in self._params and self._params[key] == v for key, v in checked.items()):
                return
            self._params.update(checked)
            self._note_late_hparams()
            self._write_run_record()

    # ------------------------------------------------------------------ files
    def upload_file(self, name: str, path_or_stream: Any, datastore_name: str | None = None):
        """Copy a file (a path, or a binary or text stream) into the run as ``name``, such as
        ``outputs/model.pkl``. ``datastore_name`` is accepted for Azure compatibility."""
        self._upload([(name, path_or_stream)], "path_or_stream")

    def upload_files(
        self,
        names: Sequence[str],
        paths: Sequence[Any],
        return_artifacts: bool = False,
        timeout_seconds: float | None = None,
        datastore_name: str | None = None,
    ) -> None:
        """Copy several files, ``names[i]`` from ``paths[i]``; all or none are uploaded."""
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise TypeError(f"names: expected a list of file names, got {names!r}")
        if isinstance(paths, str) or not isinstance(paths, Sequence):
            raise TypeError(f"paths: expected a list of paths, got {paths!r}")
        if len(names) != len(paths):
            raise ValueError(
                f"paths: {len(paths)} paths for {len(names)} names; give one path per name"
            )
        self._upload(list(zip(names, paths, strict=True)), "paths")

    def upload_folder(self, name: str, path: str | os.PathLike, datastore_name: str | None = None):
        """Copy every file under the folder ``path`` into the run as ``<name>/<relative path>``."""
        self._upload(artifacts.folder_uploads(name, path), "path")

    def _upload(self, uploads: list[tuple[str, Any]], argument: str) -> None:
        with self._lock:
            self._check_open()
            existing = [entry["name"] for entry in self._files]
            self._files.extend(artifacts.upload(self.directory, existing, uploads, argument))
            self._write_run_record()
        if self._mirror is not None:
            self.flush()

    # ------------------------------------------------------------------ reading
    def _metrics(self, name: str | None) -> dict[str, Any]:
        from tb_eval.reader import read_run

        self.flush()
        return read_run(self.directory).metrics(name)

    # ------------------------------------------------------------------ runs in runs
    @classmethod
    def get_context(
        cls, allow_offline: bool = True, used_for_context_manager: bool = False, **kwargs: Any
    ) -> Run:
        """The run this process should log to: :func:`tb_eval.get_context` (the arguments are
        Azure's and change nothing here)."""
        from tb_eval.context import get_context

        return get_context()

    def child_run(
        self, name: str | None = None, run_id: str | None = None, outputs: str | None = None
    ) -> Run:
        """Start a child run (e.g. one trial of a sweep) in a sub-directory of this run's, which
        TensorBoard shows as the run ``<this run>/<child>``. Its directory is ``run_id``, else
        ``name`` (with a suffix if a child of that name exists), else a generated name; its
        display name is ``name``. ``outputs`` is accepted for Azure compatibility."""
        from tb_eval.children import child_directory_name

        with self._lock:
            child_name = child_directory_name(self.directory, name, run_id)
            child = Run(
                os.path.join(self.directory, child_name),
                experiment=self.experiment,
                name=child_name,
                params={},
                tags={},
                flush_secs=self._writer.flush_secs,
                run_id=f"{self._id}/{child_name}",
                display_name=name,
                parent=self,
            )
            if self._mirror is not None:
                self._mirror.attach(child)
            self._children.append(child)
            return child

    def _live_children(self) -> list[RecordSurface]:
        with self._lock:
            return list(self._children)

    @property
    def parent(self) -> RecordSurface | None:
        """The parent run (``None`` for a top-level run): the ``Run`` object when created with
        :meth:`child_run` in this process, else read from disk."""
        if self._parent is not None or self._parent_id is None:
            return self._parent
        from tb_eval.reader import open_run

        parent_dir = os.path.dirname(os.path.normpath(self.directory))
        return open_run(parent_dir) if _has_event_files(parent_dir) else None

    # ------------------------------------------------------------------ lifecycle
    def flush(self, timeout_seconds: float = 300) -> None:
        """Write everything logged so far to disk (and upload it, for a remote logdir, within
        ``timeout_seconds``)."""
        self._writer.flush()
        if self._mirror is not None:
            self._mirror.sync(timeout_seconds)

    def complete(self, _set_status: bool = True) -> None:
        """Mark the run successful, write everything and close the file."""
        self._end(_STATUS_SUCCESS)

    def fail(
        self,
        error_details: str | BaseException | None = None,
        error_code: str | None = None,
        _set_status: bool = True,
    ) -> None:
        """Mark the run failed (optionally with ``error_details``, a str or an exception, and
        an ``error_code``), write everything and close the file."""
        if isinstance(error_details, BaseException):
            error_details = f"{type(error_details).__name__}: {error_details}"
        if error_details is not None and not isinstance(error_details, str):
            raise TypeError(f"error_details: expected a str or an exception, got {error_details!r}")
        if error_code is not None and not isinstance(error_code, str):
            raise TypeError(f"error_code: expected a str, got {error_code!r}")
        if error_code:
            error_details = f"[{error_code}] {error_details or ''}".rstrip()
        self._end(_STATUS_FAILURE, error_details)

    def cancel(self) -> None:
        """Mark the run canceled (``get_status()`` is ``Canceled``; HParams shows a failure,
        having no canceled status), write everything and close the file."""
        self._end(_STATUS_CANCELED)

    def _end(self, status: str, error_details: str | None = None) -> None:
        with self._lock:
            if self._status != _STATUS_RUNNING:
                return
            if error_details:
                self._tags["error"] = error_details
                self._error = error_details
            if self._writer.before_write is not None or self._params or self._tags:
                self._start_session()
            self._status = status
            self._end_time = time.time()
            self._write_run_record()
            if self._session_started:
                end = hparams.end_value(_HPARAMS_END_STATUS[status], self._end_time)
                self._writer.append(encode_event(self._end_time, 0, [end]))
            self._writer_closed = True  # from now on record changes go to a new file
        self._writer.close()
        if self._mirror is not None:
            self._mirror.run_ended(self)


def _described(make_metadata: Callable, description: str) -> Callable:
    """``make_metadata`` whose metadata also carries ``description`` (TensorBoard's tag
    description, read by our plugin too)."""
    if not description:
        return make_metadata

    def make():
        metadata = make_metadata()
        metadata.summary_description = description
        return metadata

    return make


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


_uncaught: list[BaseException] = []
_previous_excepthook = sys.excepthook


def _remember_uncaught(exc_type, exc, traceback) -> None:
    _uncaught.append(exc)
    _previous_excepthook(exc_type, exc, traceback)


def live_runs() -> list[Run]:
    """The runs of this process that are still open."""
    return [run for run in list(_live_runs) if run.status == _STATUS_RUNNING]


def _end_live_runs() -> None:
    """At interpreter exit, runs this process started and left open complete, or fail if an
    exception escaped. A run a forked child inherited is not ended by the child's exit: the
    writers' own exit handler writes what the child logged to it, and nothing else."""
    for run in list(_live_runs):
        if run.status != _STATUS_RUNNING or run._owner_pid != os.getpid():
            continue
        try:
            if _uncaught:
                run.fail(f"{type(_uncaught[-1]).__name__}: {_uncaught[-1]}")
            else:
                run.complete()
        except OSError as error:  # a remote run's last upload: the other runs still end
            warnings.warn(f"run {run.name!r}: {error}", RuntimeWarning, stacklevel=1)


def _reset_locks_in_child() -> None:
    for run in list(_live_runs):
        run._lock = run._writer.lock  # the writer made a new one first (handlers run in order)


sys.excepthook = _remember_uncaught
atexit.register(_end_live_runs)
os.register_at_fork(after_in_child=_reset_locks_in_child)
