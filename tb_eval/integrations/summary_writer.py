"""A drop-in for ``torch.utils.tensorboard.SummaryWriter`` that writes through tb_eval.

Code that logs with torch's ``SummaryWriter`` switches by changing one import::

    from tb_eval.integrations import SummaryWriter   # was: from torch.utils.tensorboard import ...

Every method it ships keeps torch's name, argument names and defaults, and writes what torch's
writer writes, for the same dashboards: ``add_scalar``, ``add_scalars``, ``add_text``,
``add_image``, ``add_images``, ``add_figure``, ``add_histogram``, ``add_histogram_raw``,
``add_pr_curve``, ``add_pr_curve_raw``, ``add_hparams``, ``flush``, ``close``, ``get_logdir``,
``log_dir`` and ``file_writer``. Tensors of any dtype (``bfloat16`` included) and device are
accepted; torch itself is never imported. The underlying :class:`tb_eval.Run` is
``writer.run``, for everything tb_eval adds (``log_predictions``, ``log_table``, ...). What it
does not ship (graphs, embeddings, meshes, audio, video, custom-scalar layouts, boxes, raw
tensors) raises ``NotImplementedError`` saying so.

Differences from torch, on purpose (see docs/migrate/summarywriter.md):

- a ``global_step`` that repeats or goes back for the same tag raises ``ValueError`` (TensorBoard's
  Rust loader would silently drop data); an omitted step continues after the last one;
- ``add_hparams`` records the params in the writer's own run (one HParams session per run, as
  tb_eval does everywhere) rather than in a new time-stamped sub-directory;
- a call refused after ``close()`` does not reopen the run, so it leaves no new event file;
- ``add_text`` keeps the tag as given (torch appends ``/text_summary``);
- scalars are always float32 ``simple_value`` records (``new_style`` and ``double_precision``
  are accepted; float64 scalars would vanish under TensorBoard's Rust loader).
"""

from __future__ import annotations

import math
import numbers
import os
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2

from tb_eval import validation
from tb_eval.io import remote
from tb_eval.io.records import frame
from tb_eval.kinds import histogram, pr_curve, scalar, text
from tb_eval.kinds import hparams as hparams_kind
from tb_eval.kinds import image as image_kind
from tb_eval.kinds.common import tensor_to_numpy
from tb_eval.reader import event_files
from tb_eval.run import Run


def _tensorflow_edges() -> np.ndarray:
    """torch's ``bins="tensorflow"``: TensorFlow's histogram bucket edges, each 10 % past the
    last, from 1e-12 to below 1e20 on each side of zero."""
    positive = [1e-12]
    while positive[-1] * 1.1 < 1e20:
        positive.append(positive[-1] * 1.1)
    right = np.array(positive)
    return np.concatenate([-right[::-1], [0.0], right])


_TENSORFLOW_EDGES = _tensorflow_edges()
#: Columns of a batch grid, as torch's ``make_grid``.
_GRID_COLUMNS = 8
_MISSING = object()


def _default_log_dir(comment: str) -> str:
    stamp = time.strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


def _array(value: Any, argument: str) -> np.ndarray:
    """A numpy array of numbers (a tensor of any dtype and device, a list, a number)."""
    array = np.asarray(tensor_to_numpy(value))
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{argument}: expected numbers, got dtype {array.dtype}")
    return array


def _one_number(value: Any, argument: str) -> float:
    array = _array(value, argument)
    if array.size != 1:
        raise TypeError(f"{argument}: expected one number, got shape {array.shape}")
    return float(array.reshape(()))


def _check_layout(dataformats: Any, ndim: int, argument: str = "img_tensor") -> str:
    if not isinstance(dataformats, str):
        raise TypeError(f"dataformats: expected a str such as 'CHW', got {dataformats!r}")
    layout = dataformats.upper()
    if (
        len(set(layout)) != len(layout)
        or not set(layout) <= set("NCHW")
        or not {"H", "W"} <= set(layout)
    ):
        raise ValueError(f"dataformats: {dataformats!r} is not a layout of N, C, H and W")
    if ndim != len(layout):
        raise ValueError(f"{argument}: {ndim} dimensions do not match dataformats {dataformats!r}")
    return layout


def _to_uint8_hwc(img_tensor: Any, dataformats: str) -> np.ndarray:
    """An image (or a batch, tiled 8 to a row) in torch's ``dataformats`` as uint8 HWC, scaled
    as torch does: uint8 as is, anything else times 255, clipped to [0, 255]."""
    array = _array(img_tensor, "img_tensor")
    layout = _check_layout(dataformats, array.ndim)
    if "C" not in layout:
        array, layout = array[..., None], layout + "C"
    if "N" not in layout:
        array, layout = array[None], "N" + layout
    nhwc = np.transpose(array, [layout.index(axis) for axis in "NHWC"])
    count, height, width, channels = nhwc.shape
    if channels == 1:
        nhwc = np.repeat(nhwc, 3, axis=3)
    elif channels not in (3, 4):
        raise ValueError(f"img_tensor: {channels} channels; expected 1, 3 or 4")
    if count == 0 or height == 0 or width == 0:
        raise ValueError(f"img_tensor: shape {array.shape} has no pixels")
    columns = min(count, _GRID_COLUMNS)
    rows = -(-count // columns)
    grid = np.zeros((rows * height, columns * width, nhwc.shape[3]), dtype=nhwc.dtype)
    for index in range(count):
        top, left = (index // columns) * height, (index % columns) * width
        grid[top : top + height, left : left + width] = nhwc[index]
    if grid.dtype == np.uint8:
        return grid
    scaled = grid.astype(np.float32) * 255
    if not np.isfinite(scaled).all():
        raise ValueError("img_tensor: contains NaN or infinity")
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _figure_to_hwc(figure: Any) -> np.ndarray:
    """A matplotlib figure drawn on an Agg canvas, as RGB HWC (what torch logs)."""
    if not hasattr(figure, "canvas") or not hasattr(figure, "savefig"):
        raise TypeError(
            f"figure: expected a matplotlib figure or a list of them, got {type(figure).__name__}"
        )
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return np.array(rgba[:, :, :3])


def _histogram_proto(values: Any, bins: Any, max_bins: Any) -> summary_pb2.HistogramProto:
    """torch's histogram of ``values``: ``numpy.histogram`` with ``bins`` (``"tensorflow"``:
    TensorFlow's exponential edges), merged down to ``max_bins``, trimmed to the buckets that
    hold values plus an empty one on the left (TensorBoard shows right edges only)."""
    data = _array(values, "values").astype(np.float64).ravel()
    if data.size == 0:
        raise ValueError("values: no values")
    if not np.isfinite(data).all():
        raise ValueError("values: contains NaN or infinity")
    edges = _TENSORFLOW_EDGES if isinstance(bins, str) and bins == "tensorflow" else bins
    if isinstance(edges, bool) or (isinstance(edges, (int, np.integer)) and edges < 1):
        raise ValueError(f"bins: expected a positive int, a numpy bin rule or edges, got {bins!r}")
    try:
        counts, limits = np.histogram(data, bins=edges)
    except (TypeError, ValueError) as error:
        raise ValueError(f"bins: {bins!r} is not usable by numpy.histogram ({error})") from None
    if max_bins is not None:
        if isinstance(max_bins, bool) or not isinstance(max_bins, int) or max_bins < 1:
            raise ValueError(f"max_bins: expected a positive int, got {max_bins!r}")
        if counts.size > max_bins:
            group = counts.size // max_bins
            padded = -(-counts.size // group) * group
            counts = np.pad(counts, (0, padded - counts.size)).reshape(-1, group).sum(axis=1)
            limits = np.append(limits[:-1:group], limits[-1])
    filled = np.flatnonzero(counts)
    if filled.size == 0:
        raise ValueError(f"values: no value falls inside the bins {bins!r}")
    first, last = filled[0], filled[-1]
    return summary_pb2.HistogramProto(
        min=data.min(),
        max=data.max(),
        num=data.size,
        sum=data.sum(),
        sum_squares=data.dot(data),
        bucket_limit=limits[first : last + 2].tolist(),
        bucket=[0.0, *counts[first : last + 1].tolist()],
    )


def _histogram_value(tag: str, proto: summary_pb2.HistogramProto, with_metadata: bool):
    """A legacy ``histo`` value, as torch writes (TensorBoard converts it to its tensor form);
    its first record per file carries the histograms metadata, so readers know its kind."""
    result = summary_pb2.Summary.Value(tag=tag, histo=proto)
    if with_metadata:
        result.metadata.CopyFrom(histogram.metadata())
    return result


def _hparam(key: str, value: Any) -> Any:
    """One ``add_hparams`` value as torch takes it: bool, str, number, or a one-element tensor."""
    if isinstance(value, (bool, str, int, float)):
        return value
    array = tensor_to_numpy(value)
    if (
        isinstance(array, (np.ndarray, np.generic))
        and array.size >= 1
        and array.dtype.kind in "biuf"
    ):
        return np.asarray(array).ravel()[0].item()
    raise ValueError(
        f"hparam_dict: {key!r} is a {type(value).__name__}; "
        "values must be int, float, str, bool or a tensor"
    )


#: The HParams type of a recorded param, by its ``google.protobuf.Value`` kind.
_HPARAM_TYPES = {"bool_value": "bool", "number_value": "float", "string_value": "str"}
_TYPE_NAMES = {"bool": "a bool", "float": "a number", "str": "a str"}


def _domain_value(key: str, value: Any, kind: str, hparam: Any) -> bool | float | str:
    """One value of ``hparam_domain_discrete[key]``, of the type of its hparam (``kind``); an
    int hparam also takes bools (as 1 and 0), as torch's does."""
    item = tensor_to_numpy(value)
    if isinstance(item, (np.ndarray, np.generic)) and item.size == 1:
        item = np.asarray(item).ravel()[0].item()
    if kind == "bool":
        fits = isinstance(item, bool)
    elif kind == "str":
        fits = isinstance(item, str)
    else:
        integral = isinstance(hparam, numbers.Integral) and not isinstance(hparam, bool)
        fits = isinstance(item, numbers.Real) and (integral or not isinstance(item, bool))
        if fits:
            try:
                item = float(item)
            except OverflowError:
                fits = False
            else:
                fits = math.isfinite(item)
    if not fits:
        raise TypeError(
            f"hparam_domain_discrete[{key!r}]: {value!r} is not {_TYPE_NAMES[kind]} (finite), "
            f"as hparam_dict[{key!r}] = {hparam!r} is; a domain holds values of its hparam's type"
        )
    return item


def _experiment_domains(
    domain_discrete: Any, hparam_dict: dict, params: dict[str, Any]
) -> dict[str, dict]:
    """What ``add_hparams``'s experiment config describes: every recorded param (``params``)
    typed as its session value is, with its values from ``hparam_domain_discrete``."""
    if not isinstance(domain_discrete, dict):
        raise TypeError(
            "hparam_domain_discrete: expected a dict of hparam name to a list of its values, "
            f"got {type(domain_discrete).__name__}"
        )
    for key, values in domain_discrete.items():
        if key not in params:
            why = "is None in" if key in hparam_dict else "is not a key of"
            raise TypeError(
                f"hparam_domain_discrete: {key!r} {why} hparam_dict; a domain needs a recorded "
                "hparam"
            )
        if not isinstance(values, list) or not values:
            raise TypeError(
                f"hparam_domain_discrete[{key!r}]: expected a non-empty list of the values "
                f"{key!r} can take, got {values!r:.80}"
            )
    domains: dict[str, dict] = {}
    for key, value in params.items():
        kind = _HPARAM_TYPES[hparams_kind.to_proto_value(value).WhichOneof("kind")]
        domains[key] = {"type": kind}
        if key in domain_discrete:
            hparam = hparam_dict.get(key)
            values = [_domain_value(key, item, kind, hparam) for item in domain_discrete[key]]
            # once each, in first-seen order: 1, 1.0 and True are one value of a number hparam
            domains[key]["values"] = list(dict.fromkeys(values))
    return domains


class _OnDisk:
    """A sub-run this writer has not opened, as its event files hold it: what a call is
    checked against before opening the run writes a new event file into it."""

    _claim = Run._claim
    _next_step = Run._next_step

    def __init__(self, directory: str, purge_step: int | None) -> None:
        from tb_eval.reader import read_run

        data = read_run(directory, restart_at=purge_step)
        self.directory = directory
        self._lock = threading.Lock()
        self._kinds = data.names_held()
        self._last_step = dict(data.last_steps)
        self._session_started = data.has_session
        self._params = dict(data.record.get("params", {}))
        self.experiment = data.experiment

    def get_params(self) -> dict[str, Any]:
        return dict(self._params)


class _FileWriter:
    """torch's ``SummaryWriter.file_writer``: raw events and summaries into the writer's run.

    Records added here bypass tb_eval's per-tag step check: they are written as given.
    """

    def __init__(self, summary_writer: SummaryWriter, run: Run) -> None:
        self._summary_writer = summary_writer
        self._run = run

    def get_logdir(self) -> str:
        return self._run.directory

    def add_event(self, event: event_pb2.Event, step: int | None = None, walltime=None) -> None:
        """Write one ``Event`` proto (its ``wall_time`` is now unless ``walltime`` is given)."""
        if not isinstance(event, event_pb2.Event):
            raise TypeError(f"event: expected an Event proto, got {type(event).__name__}")
        event.wall_time = (
            time.time() if walltime is None else validation.check_wall_time(walltime, "walltime")
        )
        if step is not None:
            event.step = validation.check_step(step, "step")
        with self._run._lock:
            self._run._check_open()
            self._run._writer.append_locked(frame(event.SerializeToString()))

    def add_summary(
        self, summary: summary_pb2.Summary, global_step: int | None = None, walltime=None
    ) -> None:
        """Write one ``Summary`` proto at ``global_step``."""
        if not isinstance(summary, summary_pb2.Summary):
            raise TypeError(f"summary: expected a Summary proto, got {type(summary).__name__}")
        if global_step is not None:
            validation.check_step(global_step, "global_step")
        self.add_event(event_pb2.Event(summary=summary), global_step, walltime)

    def flush(self) -> None:
        self._run.flush()

    def close(self) -> None:
        self._summary_writer.close()

    def reopen(self) -> None:
        """Nothing to do: the ``SummaryWriter`` reopens its run when it is used again."""

    def add_graph(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("file_writer.add_graph: tb_eval does not write model graphs")

    add_onnx_graph = add_graph


def _not_shipped(method: str, what: str):
    def refuse(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            f"SummaryWriter.{method}: tb_eval does not write {what}; use "
            "torch.utils.tensorboard.SummaryWriter on another log_dir for it"
        )

    refuse.__name__ = method
    refuse.__doc__ = f"Not shipped: raises ``NotImplementedError`` (tb_eval does not write {what})."
    return refuse


class SummaryWriter:
    """``torch.utils.tensorboard.SummaryWriter``'s interface, writing through a tb_eval Run.

    Parameters
    ----------
    log_dir:
        The run directory; ``runs/<date>_<host><comment>`` when omitted, as in torch. A
        directory that already holds a run is continued (its steps go on after the logged ones).
    comment:
        Suffix of the default ``log_dir``.
    purge_step:
        Where a crashed training resumes, as in torch: the first event file this writer opens
        starts with a restart (``SessionLog.START``) at ``purge_step``, so ``get_metrics``,
        ``EventAccumulator`` and TensorBoard's Python loader drop the records of every tag at
        ``purge_step`` or later (the Rust loader, those of the tags written again: see
        docs/migrate/summarywriter.md), and this writer's steps
        may go back to ``purge_step``; so do the sub-runs it opens before ``close()``
        (``add_scalars`` keys, ``add_hparams`` run names). Only the first open purges (not a
        reopen after ``close()``).
    max_queue:
        Accepted for compatibility and ignored (tb_eval's writer batches by size and time).
    filename_suffix:
        Appended to the name of every event file the writer makes, as in torch.
    flush_secs:
        Longest time a value waits in memory before it reaches the file.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
    ) -> None:
        if (
            not isinstance(filename_suffix, str)
            or "/" in filename_suffix
            or "\\" in filename_suffix
        ):
            raise ValueError(
                f"filename_suffix: expected text without path separators, got {filename_suffix!r}"
            )
        if purge_step is not None:
            validation.check_step(purge_step, "purge_step")
        directory = os.fspath(log_dir) if log_dir is not None else _default_log_dir(comment)
        self.log_dir = directory
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self._flush_secs = float(flush_secs)
        self._run: Run | None = None
        self._children: dict[str, Run] = {}
        #: ``purge_step`` for the sub-runs this writer opens before its first ``close()``
        #: (``add_scalars`` keys, ``add_hparams`` run names): a resumed training's steps go
        #: back to it there too.
        self._purge_children = purge_step
        #: The runs as ``close()`` left them, and the sub-runs not opened yet as their files
        #: hold them (:class:`_OnDisk`), by directory: what a call is checked against before
        #: it (re)opens them (opening writes a new event file).
        self._closed: dict[str, Run | _OnDisk] = {}
        #: The experiment configs ``add_hparams`` wrote, or found written (by another
        #: writer) in a run it checked, by run directory.
        self._experiments: dict[str, tuple] = {}
        self._get_run()  # like torch, the directory and its event file exist from the start

    def _open(self, directory: str, purge_step: int | None = None) -> Run:
        mirror = None
        if remote.is_url(directory):  # s3://, gs://...: written locally, uploaded in segments
            name = directory.rstrip("/").rsplit("/", 1)[-1]
            directory, mirror = remote.stage_run(remote.parent(directory), [name], resume=True)
        # Like torch, no HParams session unless add_hparams is called.
        run = Run(
            directory,
            experiment=None,
            name=os.path.basename(os.path.normpath(directory)) or directory,
            params={},
            tags={},
            flush_secs=self._flush_secs,
            session_on_first_write=False,
            resume=True,  # like torch, a second writer on a log_dir adds to it
            filename_suffix=self.filename_suffix,
            purge_step=purge_step,
        )
        if mirror is not None:
            mirror.attach(run)
        return run

    def _get_run(self) -> Run:
        """The writer's run, reopened (in a new event file) if the writer was closed."""
        if self._run is None:
            self._run = self._open(self.log_dir, self.purge_step)
            self.purge_step = None  # as torch: a reopen after close() purges nothing
        return self._run

    def _child(self, name: str) -> Run:
        """The sub-run ``<log_dir>/<name>`` (``add_scalars`` keys, ``add_hparams`` run names);
        ``name`` is checked by the caller."""
        self._get_run()
        child = self._children.get(name)
        if child is None:
            directory = self._directory(name)
            child = self._children[name] = self._open(directory, self._purge_children)
        return child

    def _directory(self, name: str | None) -> str:
        """The directory of the run ``name``: ``None`` the writer's own, else a sub-run."""
        return self.log_dir if name is None else os.path.join(self.log_dir, name)

    def _state(self, name: str | None) -> Run | None:
        """The run ``name`` (see :meth:`_directory`) as it is, or as ``close()`` left it;
        ``None`` if this writer has not opened it."""
        if self._run is not None:
            run = self._run if name is None else self._children.get(name)
            if run is not None:
                return run
        directory = self._directory(name)
        state = self._closed.get(directory)
        if state is None and name is not None and event_files(directory):  # local or a URL
            state = self._closed[directory] = _OnDisk(directory, self._purge_children)
        return state

    def _check_records(
        self, name: str | None, records: list[tuple[str, str, Any]], walltime: Any = None
    ) -> None:
        """Refuse now what the run ``name`` (see :meth:`_state`) would refuse of ``records``,
        the ``(tag, kind, global_step)`` a call is about to write: a bad tag, step or
        ``walltime``, a tag holding another kind, a step not after the tag's last. Called
        before anything is written, and before a closed writer reopens (which writes a new
        event file), so a refused call writes nothing. Returns ``walltime``, checked."""
        if walltime is not None:
            walltime = validation.check_wall_time(walltime, "walltime")
        state = self._state(name)
        for tag, kind, step in records:
            validation.check_name(tag, "tag")
            if step is not None:
                validation.check_step(step, "global_step")
            if state is not None:
                with state._lock:
                    state._claim(tag, kind, "tag")
                    state._next_step(tag, step, tag, "global_step")
        return walltime

    @property
    def run(self) -> Run:
        """The tb_eval :class:`~tb_eval.Run` this writer logs to (reopened after ``close()``)."""
        return self._get_run()

    @property
    def file_writer(self) -> _FileWriter | None:
        """torch's ``file_writer`` (``add_event``, ``add_summary``, ``get_logdir``, ``flush``);
        ``None`` after ``close()`` until the writer is used again, as in torch."""
        return None if self._run is None else _FileWriter(self, self._run)

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close()

    def get_logdir(self) -> str:
        """The directory the event files go to."""
        return self.log_dir

    # ------------------------------------------------------------------ scalars and text
    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Log one number to the Scalars dashboard (stored as a float32 ``simple_value``)."""
        del new_style, double_precision  # one format, read by every loader and tool
        value = _one_number(scalar_value, "scalar_value")
        if self._run is None:  # an open run checks the call itself before writing
            self._check_records(None, [(tag, scalar.KIND, global_step)], walltime)
        try:
            self._get_run().log(tag, value, step=global_step, wall_time=walltime)
            return
        except (TypeError, ValueError) as error:
            refused = error
        # The run refused it: refuse it again naming torch's arguments (global_step, tag).
        self._check_records(None, [(tag, scalar.KIND, global_step)], walltime)
        raise refused

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: Mapping[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Several numbers on one chart: each key ``k`` becomes the run
        ``<log_dir>/<main_tag>_<k>`` (``/`` in ``main_tag`` as ``_``) holding tag ``main_tag``,
        as in torch."""
        validation.check_name(main_tag, "main_tag")
        if not isinstance(tag_scalar_dict, Mapping):
            raise TypeError(
                f"tag_scalar_dict: expected a dict of name to number, "
                f"got {type(tag_scalar_dict).__name__}"
            )
        values = {
            key: _one_number(value, f"tag_scalar_dict[{key!r}]")
            for key, value in tag_scalar_dict.items()
        }
        walltime = (
            time.time() if walltime is None else validation.check_wall_time(walltime, "walltime")
        )
        children = {}
        for key in values:
            if not isinstance(key, str):
                raise TypeError(f"tag_scalar_dict: keys must be str, got {key!r}")
            children[key] = validation.check_path_component(
                main_tag.replace("/", "_") + "_" + key, "tag_scalar_dict"
            )
        if global_step is not None:
            validation.check_step(global_step, "global_step")
        for child in children.values():  # every key, before the first is written
            self._check_records(child, [(main_tag, scalar.KIND, global_step)])
        for key, value in values.items():
            child = self._child(children[key])
            child.log(main_tag, value, step=global_step, wall_time=walltime)

    def add_text(
        self,
        tag: str,
        text_string: str,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a string (Markdown) to the Text dashboard."""
        if not isinstance(text_string, str):
            raise TypeError(f"text_string: expected a str, got {type(text_string).__name__}")
        self._check_records(None, [(tag, text.KIND, global_step)], walltime)
        self._get_run().log(tag, text_string, step=global_step, wall_time=walltime)

    # ------------------------------------------------------------------ images
    def _log_builtin(self, tag: str, kind: str, global_step, make_value, walltime) -> None:
        """Write one record of TensorBoard's own ``kind`` (see ``Run._log_builtin``)."""
        walltime = self._check_records(None, [(tag, kind, global_step)], walltime)
        self._get_run()._log_builtin(tag, kind, global_step, make_value, walltime)

    def _log_image(self, tag: str, hwc: np.ndarray, global_step, walltime) -> None:
        png, width, height = image_kind.to_png(image=hwc)
        self._log_builtin(
            tag,
            image_kind.KIND,
            global_step,
            lambda first: image_kind.value(tag, png, width, height, first),
            walltime,
        )

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log an image laid out as ``dataformats`` (``CHW``, ``HWC``, ``HW``, ...); uint8 as is,
        other types scaled by 255 and clipped, as torch does."""
        self._log_image(tag, _to_uint8_hwc(img_tensor, dataformats), global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images as one grid image, 8 to a row (torch's ``make_grid``)."""
        if not isinstance(dataformats, str) or "N" not in dataformats.upper():
            raise ValueError(f"dataformats: {dataformats!r} has no batch axis N")
        self._log_image(tag, _to_uint8_hwc(img_tensor, dataformats), global_step, walltime)

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Log a matplotlib figure, or a list of figures as one grid image at ``global_step``
        (as torch does); figures are closed afterwards unless ``close=False``."""
        figures = figure if isinstance(figure, list) else [figure]
        if not figures:
            raise ValueError("figure: the list of figures is empty")
        images = [_figure_to_hwc(single) for single in figures]
        if len({image.shape for image in images}) != 1:
            sizes = sorted({image.shape[:2] for image in images})
            raise ValueError(f"figure: a list of figures must share one size, got {sizes}")
        if close:
            from matplotlib import pyplot

            for single in figures:
                pyplot.close(single)
        batch = np.stack(images) if isinstance(figure, list) else images[0]
        layout = "NHWC" if isinstance(figure, list) else "HWC"
        self._log_image(tag, _to_uint8_hwc(batch, layout), global_step, walltime)

    # ------------------------------------------------------------------ histograms, PR curves
    def _log_histogram(self, tag: str, proto, global_step, walltime) -> None:
        self._log_builtin(
            tag,
            histogram.KIND,
            global_step,
            lambda first: _histogram_value(tag, proto, first),
            walltime,
        )

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the distribution of ``values`` to the Histograms and Distributions dashboards.

        ``bins`` as torch: ``"tensorflow"`` (TensorFlow's exponential buckets), a count, edges,
        or a numpy rule (``"auto"``, ``"fd"``, ``"doane"``, ...); ``max_bins`` merges buckets.
        """
        self._log_histogram(tag, _histogram_proto(values, bins, max_bins), global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min: float,  # noqa: A002 - torch's argument names
        max: float,  # noqa: A002
        num: int,
        sum: float,  # noqa: A002
        sum_squares: float,
        bucket_limits: Any,
        bucket_counts: Any,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a histogram computed elsewhere: ``bucket_limits`` are the right edges."""
        limits = _array(bucket_limits, "bucket_limits").astype(np.float64).ravel()
        counts = _array(bucket_counts, "bucket_counts").astype(np.float64).ravel()
        if limits.size != counts.size:
            raise ValueError(
                f"bucket_counts: {counts.size} counts for {limits.size} bucket_limits; "
                "expected one count per limit"
            )
        proto = summary_pb2.HistogramProto(
            min=_one_number(min, "min"),
            max=_one_number(max, "max"),
            num=_one_number(num, "num"),
            sum=_one_number(sum, "sum"),
            sum_squares=_one_number(sum_squares, "sum_squares"),
            bucket_limit=limits.tolist(),
            bucket=counts.tolist(),
        )
        self._log_histogram(tag, proto, global_step, walltime)

    def _log_pr_curve(self, tag: str, data: np.ndarray, global_step, walltime) -> None:
        self._log_builtin(
            tag,
            pr_curve.KIND,
            global_step,
            lambda first: pr_curve.value(tag, data, first),
            walltime,
        )

    def add_pr_curve(
        self,
        tag: str,
        labels: Any,
        predictions: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve to TensorBoard's PR Curves dashboard: binary ``labels``
        against ``predictions`` in [0, 1], at ``num_thresholds`` thresholds."""
        data = pr_curve.counts(labels, predictions, num_thresholds, weights)
        self._log_pr_curve(tag, data, global_step, walltime)

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts: Any,
        false_positive_counts: Any,
        true_negative_counts: Any,
        false_negative_counts: Any,
        precision: Any,
        recall: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a PR curve computed elsewhere: six rows of one value per threshold. The
        thresholds are evenly spaced over [0, 1], as many as the rows have values (torch stores
        ``num_thresholds`` even when it differs, which misplaces the curve's thresholds); rows
        of one value are one point, at threshold 0, as TensorBoard draws torch's."""
        del weights  # torch ignores them too
        pr_curve.check_thresholds(num_thresholds, minimum=1)
        data = pr_curve.raw_counts(
            {
                "true_positive_counts": true_positive_counts,
                "false_positive_counts": false_positive_counts,
                "true_negative_counts": true_negative_counts,
                "false_negative_counts": false_negative_counts,
                "precision": precision,
                "recall": recall,
            }
        )
        self._log_pr_curve(tag, data, global_step, walltime)

    # ------------------------------------------------------------------ hparams
    def add_hparams(
        self,
        hparam_dict: dict[str, Any],
        metric_dict: dict[str, Any],
        hparam_domain_discrete: dict[str, list] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
    ) -> None:
        """Record hyper-parameters and their metrics for the HParams dashboard.

        They go into the writer's own run (torch makes a time-stamped sub-run per call); with
        ``run_name``, into the sub-run ``<log_dir>/<run_name>``, as torch. A run has one set
        of hparams: a later call with other values needs its own ``run_name``. The metrics are
        logged as scalars at ``global_step``; ``None`` values are left out, as torch does.

        With ``hparam_domain_discrete`` (hparam name to the list of values it can take, of
        the hparam's type), the run also gets HParams' experiment config at step 0, as torch
        writes it: every hparam typed (number, str or bool), those domains, and the
        ``metric_dict`` keys as the metrics. TensorBoard then takes the columns from it (from
        one such config in the logdir) instead of inferring them. A domain lists each value
        once (in first-seen order, after conversion). A run keeps its first
        config: another one (other domains or ``metric_dict`` keys) raises ``ValueError``,
        also from a new writer on the run (its config is read from its files).
        """
        if not isinstance(hparam_dict, dict):
            raise TypeError(f"hparam_dict: expected a dict, got {type(hparam_dict).__name__}")
        if not isinstance(metric_dict, dict):
            raise TypeError(f"metric_dict: expected a dict, got {type(metric_dict).__name__}")
        params = {k: _hparam(k, v) for k, v in hparam_dict.items() if v is not None}
        metrics = {k: _one_number(v, f"metric_dict[{k!r}]") for k, v in metric_dict.items()}
        for key in metrics:
            validation.check_name(key, "metric_dict")
        checked = validation.check_params(params, "hparam_dict")
        config = None
        if hparam_domain_discrete is not None:
            domains = _experiment_domains(hparam_domain_discrete, hparam_dict, checked)
            config = (domains, list(metrics))
        if run_name is not None:
            validation.check_path_component(run_name, "run_name")
        self._check_records(run_name, [(key, scalar.KIND, global_step) for key in metrics])
        state = self._state(run_name)  # None: a sub-run with no files yet, nothing to check
        if state is not None:  # checked before the run is (re)opened
            self._check_same_hparams(state, run_name, checked, config)
        target = self._get_run() if run_name is None else self._child(run_name)
        target.log_params(checked)
        target._start_session()
        if config is not None:
            self._write_experiment(target, run_name, config)
        for key, value in metrics.items():
            target.log(key, value, step=global_step)

    def _check_same_hparams(
        self, run: Run, name: str | None, params: dict, config: tuple | None
    ) -> None:
        """HParams keeps one set of hparams per run (``run``, named ``name``), and one
        experiment config."""
        recorded = run.get_params()
        if run._session_started and any(
            recorded.get(key, _MISSING) != value for key, value in params.items()
        ):
            raise ValueError(
                f"hparam_dict: {run.directory!r} already records hparams {recorded} "
                "(HParams keeps one set per run); pass run_name= to record another set in a "
                "sub-run"
            )
        written = None if config is None else self._experiment_held(run, name)
        if written is not None and written != config:
            raise ValueError(
                f"hparam_domain_discrete: {run.directory!r} already records an experiment "
                f"config (domains {written[0]}, metrics {written[1]}); TensorBoard keeps the "
                "first, so give the same domains and metric_dict keys, or pass run_name="
            )

    def _experiment_held(self, run: Run | _OnDisk, name: str | None) -> tuple | None:
        """The experiment config the run ``run`` (named ``name``) holds: the one this writer
        wrote into it, else the one its files hold (another writer's), read once."""
        directory = self._directory(name)
        config = self._experiments.get(directory)
        if config is None and hparams_kind.EXPERIMENT_TAG in run._last_step:
            if isinstance(run, _OnDisk):
                config = run.experiment
            else:
                from tb_eval.reader import read_run

                config = read_run(run.directory).experiment
            if config is not None:
                self._experiments[directory] = config
        return config

    def _write_experiment(self, run: Run, name: str | None, config: tuple) -> None:
        """HParams' experiment config, at step 0, once per run (TensorBoard reads the first)."""
        tag = hparams_kind.EXPERIMENT_TAG
        with run._lock:
            run._check_open()
            if tag in run._last_step:
                return
            value = hparams_kind.experiment_value(config[0], config[1], time.time())
            run._emit(tag, 0, [value])
        self._experiments[self._directory(name)] = config

    # ------------------------------------------------------------------ lifecycle
    def flush(self) -> None:
        """Write everything logged so far to disk."""
        if self._run is None:
            return
        self._run.flush()
        for child in self._children.values():
            child.flush()

    def close(self) -> None:
        """Write everything and close the files; using the writer again reopens it (in a new
        event file), as torch's does. A call refused by its checks does not reopen it."""
        if self._run is None:
            return
        for name, child in self._children.items():
            child.complete()
            self._closed[self._directory(name)] = child
        self._run.complete()
        self._closed[self.log_dir] = self._run
        self._run = None
        self._children = {}
        if self._purge_children is not None:  # sub-runs read as restarted: read them again
            self._closed = {d: s for d, s in self._closed.items() if not isinstance(s, _OnDisk)}
        self._purge_children = None  # as torch: a reopen after close() purges nothing

    # ------------------------------------------------------------------ not shipped
    add_graph = _not_shipped("add_graph", "model graphs")
    add_onnx_graph = _not_shipped("add_onnx_graph", "model graphs")
    add_embedding = _not_shipped("add_embedding", "projector embeddings")
    add_mesh = _not_shipped("add_mesh", "meshes")
    add_audio = _not_shipped("add_audio", "audio")
    add_video = _not_shipped("add_video", "video")
    add_image_with_boxes = _not_shipped("add_image_with_boxes", "images with bounding boxes")
    add_tensor = _not_shipped("add_tensor", "raw tensors")
    add_custom_scalars = _not_shipped("add_custom_scalars", "custom-scalar layouts")
    add_custom_scalars_multilinechart = _not_shipped(
        "add_custom_scalars_multilinechart", "custom-scalar layouts"
    )
    add_custom_scalars_marginchart = _not_shipped(
        "add_custom_scalars_marginchart", "custom-scalar layouts"
    )
