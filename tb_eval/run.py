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
import shutil
import sys
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tb_eval import names
from tb_eval.io.events import ScalarEncoder, encode_event
from tb_eval.io.writer import EventFileWriter
from tb_eval.kinds import common, histogram, hparams, run_record, scalar, series, table, text
from tb_eval.kinds import image as image_kind
from tb_eval.kinds import pr_curve as pr_curve_kind

_live_runs: weakref.WeakSet[Run] = weakref.WeakSet()
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
        The directory ``tensorboard --logdir`` will be pointed at.
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
    directory = os.path.join(*parts)
    if not resume and _has_event_files(directory):
        raise FileExistsError(
            f"run_name: {directory!r} already holds a run; choose another run_name, or pass "
            "resume=True to continue it"
        )
    return Run(
        directory,
        experiment=experiment,
        name=run_name,
        params=checked_params,
        tags=checked_tags,
        flush_secs=float(flush_secs),
        resume=resume,
    )


class Run:
    """One run: a directory of event files that TensorBoard shows as one run.

    Create it with :func:`start_logging`; reopen a finished one with :func:`open_run`.
    All logging methods are thread-safe.
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
    ) -> None:
        self.directory = directory
        self.experiment = experiment
        self.name = name
        self._params = dict(params)
        self._tags = dict(tags)
        self._files: list[dict[str, Any]] = []
        self._status = _STATUS_RUNNING
        self._start_time = time.time()
        self._writer = EventFileWriter(directory, flush_secs=flush_secs)
        self._lock = self._writer.lock  # one lock guards the run's steps and the writer's batch
        self._last_step: dict[str, int] = {}
        self._kinds: dict[str, str] = {}
        self._scalar_encoders: dict[str, ScalarEncoder] = {}
        self._prediction_tasks: dict[str, str] = {}
        self._session_started = False
        self._warned_late_params = False
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
        self._files = list(record.get("files", []))
        self._start_time = record.get("start_time", self._start_time)

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
    def status(self) -> str:
        """``running``, ``success`` or ``failure``."""
        return self._status

    # ------------------------------------------------------------------ bookkeeping
    def _check_open(self) -> None:
        if self._status != _STATUS_RUNNING:
            raise RuntimeError(f"run {self.name!r} has ended ({self._status}); start a new run")

    def _claim(self, name: str, kind: str) -> None:
        """A name holds one kind of data (tables and text share a Text dashboard tag)."""
        held = self._kinds.setdefault(name, kind)
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
            self._emit_own(tag, self._next_step(tag, step, name), tensor, make_metadata)

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
        return f"{self.experiment}/{self.name}" if self.experiment else self.name

    def _hparams(self) -> dict:
        merged = dict(self._tags)
        merged.update(self._params)
        return merged

    def _write_run_record(self) -> None:
        record = {
            "name": self.name,
            "experiment": self.experiment,
            "params": self._params,
            "tags": self._tags,
            "status": self._status,
            "start_time": self._start_time,
            "files": self._files,
        }
        step = self._next_step(run_record.TAG, None, "the run record")
        self._emit_own(run_record.TAG, step, common.json_tensor(record), run_record.metadata)

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
        step: int | None = None,
        *,
        wall_time: float | None = None,
        description: str | None = None,
    ) -> None:
        """Log a number (Scalars dashboard) or a string (Text dashboard) under ``name``.

        Repeated calls make a series at steps 0, 1, 2, ... unless ``step`` is given; explicit
        steps must increase strictly per name (``ValueError`` otherwise).
        """
        if (
            (type(value) is float or type(value) is int)
            and wall_time is None
            and description is None
        ):
            # The hot path: a plain number for a name already holding scalars, step omitted
            # or increasing. Anything else takes the checked path below.
            with self._lock:
                encoder = self._scalar_encoders.get(name)
                if encoder is not None and self._status is _STATUS_RUNNING:
                    last = self._last_step[name]
                    if step is None:
                        step = last + 1
                    if type(step) is int and step > last:
                        writer = self._writer
                        first = encoder.generation != writer.generation
                        encoder.generation = writer.generation
                        writer.append_locked(encoder.encode(time.time(), step, value, first))
                        self._last_step[name] = step
                        return
            number = value
        else:
            number = names.as_number(value)
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

    def log_list(self, name: str, value: Sequence[Any], *, description: str | None = None) -> None:
        """Log a list of numbers as a series: steps 0..n-1 the first time, continuing after that."""
        names.check_name(name)
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise TypeError(f"value: expected a list of numbers, got {type(value).__name__}")
        value = common.tensor_to_numpy(value)
        try:
            array = np.asarray(value)
        except ValueError as error:
            raise ValueError(f"value: not a flat list of numbers ({error})") from None
        if array.ndim != 1 or array.dtype.kind not in "biuf":
            raise TypeError(
                f"value: expected a flat list of numbers, got {array.dtype} shape {array.shape}"
            )
        if array.size == 0:
            raise ValueError("value: the list is empty")
        numbers_ = array.astype(np.float64)
        description = names.check_description(description)
        with self._lock:
            self._check_open()
            self._claim(name, "scalar")
            first = self._last_step.get(name, -1) + 1
            for offset, number in enumerate(numbers_.tolist()):
                self.log(name, number, first + offset, description=description)
            tag = common.our_tag(series.KIND, name)
            step = self._next_step(tag, None, name)
            self._emit_own(tag, step, common.float64_tensor(numbers_), series.metadata)

    def log_row(self, name: str, /, description: str | None = None, **kwargs: Any) -> None:
        """Append one row (``column=value`` keywords) to the table ``name``.

        ``name`` is positional-only, so a column may be called ``name``; ``description`` is
        reserved, as in Azure ML.
        """
        names.check_name(name)
        row = table.normalize_row(kwargs)
        names.check_description(description)
        self._log_own(name, table.ROW_KIND, None, common.json_tensor(row), table.row_metadata)

    def log_table(
        self, name: str, value: Any, description: str | None = None, *, step: int | None = None
    ) -> None:
        """Log a table: a dict of columns, a list of row dicts or a pandas DataFrame.

        Stored whole for the tb_eval plugin; tables of at most ``table.TEXT_MAX_ROWS`` rows also
        appear in TensorBoard's Text dashboard under ``name``.
        """
        names.check_name(name)
        description = names.check_description(description)
        parsed = table.normalize_table(value)
        payload = table.encode_table(parsed)
        cells = table.text_cells(parsed)
        with self._lock:
            self._check_open()
            self._claim(name, "table")
            tag = common.our_tag(table.TABLE_KIND, name)
            step = self._next_step(tag, step, name)
            blob = common.string_tensor(np.array([payload], dtype=object))
            values = [
                common.summary_value(tag, blob, self._metadata_if_first(tag, table.table_metadata))
            ]
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
        description: str | None = None,
        *,
        image: Any = None,
        step: int | None = None,
    ) -> None:
        """Log an image from a file ``path``, a matplotlib figure ``plot``, or ``image`` (a PIL
        image or an array HW / HWC / CHW, uint8 or floats in [0, 1]) to the Images dashboard."""
        names.check_name(name)
        description = names.check_description(description)
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
    ) -> None:
        """Log what a model predicted, for the evaluation dashboards and :func:`tb_eval.evaluate`.

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

        Arrays may be numpy arrays, lists, pandas objects or torch tensors.
        """
        from tb_eval.evaluation import prepare
        from tb_eval.kinds import predictions

        names.check_name(name)
        prepared = prepare(
            y_true, y_score, y_pred, labels=labels, task=task, sample_weight=sample_weight
        )
        payload = predictions.encode(prepared)
        with self._lock:
            self._check_open()
            self._claim(name, "predictions")
            first_task = self._prediction_tasks.setdefault(name, prepared.task)
            if prepared.task != first_task:
                raise ValueError(
                    f"task: {name!r} holds {first_task} predictions in this run, these are "
                    f"{prepared.task}; log them under another name"
                )
            tag = common.our_tag(predictions.KIND, name)
            self._emit_own(
                tag,
                self._next_step(tag, step, name),
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
        features = [str(feature) for feature in feature_names]
        if not features:
            raise ValueError("feature_names: no features")
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

    def log_confusion_matrix(
        self,
        name: str,
        matrix: Any,
        labels: Sequence[Any] | None = None,
        step: int | None = None,
    ) -> None:
        """Log a precomputed confusion matrix (rows: true class, columns: predicted class)."""
        from tb_eval.kinds import predictions

        names.check_name(name)
        document = predictions.check_confusion_matrix(matrix, labels)
        self._log_own(
            name,
            predictions.CONFUSION_KIND,
            step,
            common.json_tensor(document),
            predictions.confusion_metadata,
        )

    def get_predictions(self, name: str, step: int | None = None):
        """The predictions logged under ``name`` (the last step unless ``step`` is given), read
        back from disk as a :class:`tb_eval.evaluation.Prepared`."""
        from tb_eval.reader import read_run

        self.flush()
        return read_run(self.directory).predictions(name, step)

    # ------------------------------------------------------------------ tags and params
    def tag(self, key: str, value: Any = None) -> None:
        """Set one tag (a label for the run, shown with its params); ``value`` defaults to ''."""
        self.set_tags({key: "" if value is None else value})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Set several tags at once."""
        checked = names.check_params(dict(tags) if isinstance(tags, Mapping) else tags, "tags")
        with self._lock:
            self._check_open()
            self._update(self._tags, checked)

    def last_step(self, name: str) -> int | None:
        """The last step logged under ``name`` (``None`` if nothing yet); the next automatic
        step is one more, and an explicit step must be greater."""
        with self._lock:
            kind = self._kinds.get(name)
            if kind is None:
                return None
            tag = name if kind in _BUILTIN_KINDS.values() else common.our_tag(kind, name)
            return self._last_step.get(tag)

    def get_tags(self) -> dict[str, Any]:
        """The run's tags."""
        return dict(self._tags)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record hyper-parameters (str, number or bool values) for the HParams dashboard."""
        checked = names.check_params(
            dict(params) if isinstance(params, Mapping) else params, "params"
        )
        with self._lock:
            self._check_open()
            self._update(self._params, checked)

    def _update(self, target: dict[str, Any], changes: dict[str, Any]) -> None:
        """Apply params or tags; record (and warn about HParams) only when something changed."""
        if all(key in target and target[key] == value for key, value in changes.items()):
            return
        target.update(changes)
        self._note_late_hparams()
        self._write_run_record()

    def get_params(self) -> dict[str, Any]:
        """The run's params."""
        return dict(self._params)

    # ------------------------------------------------------------------ files
    def upload_file(self, name: str, path_or_stream: Any) -> None:
        """Copy a file (a path or a binary stream) into the run as ``name``, such as
        ``outputs/model.pkl``."""
        clean = names.check_artifact_name(name)
        destination = os.path.join(self.directory, run_record.ARTIFACTS_DIR, *clean.split("/"))
        with self._lock:
            self._check_open()
            if any(entry["name"] == clean for entry in self._files):
                raise ValueError(f"name: a file named {clean!r} was already uploaded to this run")
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            partial = destination + ".partial"
            if isinstance(path_or_stream, (str, os.PathLike)):
                if not os.path.isfile(path_or_stream):
                    raise FileNotFoundError(
                        f"path_or_stream: no file at {os.fspath(path_or_stream)!r}"
                    )
                shutil.copyfile(path_or_stream, partial)
            elif hasattr(path_or_stream, "read"):
                with open(partial, "wb") as out:
                    shutil.copyfileobj(path_or_stream, out)
            else:
                raise TypeError(
                    "path_or_stream: expected a path or a binary stream, "
                    f"got {type(path_or_stream).__name__}"
                )
            os.replace(partial, destination)
            self._files.append({"name": clean, "size": os.path.getsize(destination)})
            self._write_run_record()

    def get_file_names(self) -> list[str]:
        """Names of the files uploaded to this run."""
        return [entry["name"] for entry in self._files]

    # ------------------------------------------------------------------ reading
    def get_metrics(self, name: str | None = None) -> dict[str, Any]:
        """Everything logged, read back from the event files (Azure's shape: a value logged once
        comes back as the value, several times as a list; tables and rows as dicts of columns)."""
        from tb_eval.reader import read_run

        self.flush()
        return read_run(self.directory).metrics(name)

    # ------------------------------------------------------------------ lifecycle
    def flush(self) -> None:
        """Write everything logged so far to disk."""
        self._writer.flush()

    def complete(self) -> None:
        """Mark the run successful, write everything and close the file."""
        self._end(_STATUS_SUCCESS)

    def fail(self, error_details: str | None = None) -> None:
        """Mark the run failed (optionally with ``error_details``), write everything, close."""
        if error_details is not None and not isinstance(error_details, str):
            raise TypeError(f"error_details: expected a str, got {type(error_details).__name__}")
        self._end(_STATUS_FAILURE, error_details)

    def _end(self, status: str, error_details: str | None = None) -> None:
        with self._lock:
            if self._status != _STATUS_RUNNING:
                return
            if error_details:
                self._tags["error"] = error_details
            if self._writer.before_write is not None or self._params or self._tags:
                self._start_session()
            self._status = status
            self._write_run_record()
            if self._session_started:
                end = hparams.end_value(status, time.time())
                self._writer.append(encode_event(time.time(), 0, [end]))
        self._writer.close()


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


def _end_live_runs() -> None:
    """At interpreter exit, runs still open complete, or fail if an exception escaped."""
    for run in list(_live_runs):
        if run.status != _STATUS_RUNNING:
            continue
        if _uncaught:
            run.fail(f"{type(_uncaught[-1]).__name__}: {_uncaught[-1]}")
        else:
            run.complete()


def _reset_locks_in_child() -> None:
    for run in list(_live_runs):
        run._lock = run._writer.lock  # the writer made a new one first (handlers run in order)


sys.excepthook = _remember_uncaught
atexit.register(_end_live_runs)
os.register_at_fork(after_in_child=_reset_locks_in_child)
