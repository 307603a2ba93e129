"""A drop-in for ``torch.utils.tensorboard.SummaryWriter`` that writes through tb_eval.

Code that logs with torch's ``SummaryWriter`` switches by changing one import::

    from tb_eval.integrations import SummaryWriter   # was: from torch.utils.tensorboard import ...

The common methods keep torch's names and arguments (``add_scalar``, ``add_scalars``,
``add_text``, ``add_image``, ``add_images``, ``add_figure``, ``add_histogram``, ``add_hparams``,
``flush``, ``close``) and write the same dashboards, about 20 times faster, without TensorFlow's
pure-Python CRC. torch itself is not needed: tensors are converted through ``.detach().cpu()``.
The underlying :class:`tb_eval.Run` is ``writer.run``, for everything tb_eval adds
(``log_predictions``, ``log_table``, ...).

Differences from torch, on purpose:

- a ``global_step`` that repeats or goes back for the same tag raises ``ValueError`` (TensorBoard's
  Rust loader would silently drop data); an omitted step continues after the last one;
- ``add_hparams`` records the params in the run itself (one HParams session per run, as tb_eval
  does everywhere) rather than in a new time-stamped sub-directory.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from tb_eval import names
from tb_eval.kinds.common import tensor_to_numpy
from tb_eval.run import Run


def _default_log_dir(comment: str) -> str:
    stamp = time.strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


def _to_numpy(value: Any) -> np.ndarray:
    value = tensor_to_numpy(value)
    return np.asarray(value)


def _to_hwc(image: Any, dataformats: str) -> np.ndarray:
    """An image in torch's ``dataformats`` (CHW, HWC, HW, ...) as HWC."""
    array = _to_numpy(image)
    layout = dataformats.upper()
    if sorted(layout) not in (sorted("CHW"), sorted("HW")) or len(set(layout)) != len(layout):
        raise ValueError(f"dataformats: {dataformats!r} is not a permutation of CHW or HW")
    if array.ndim != len(layout):
        raise ValueError(
            f"img_tensor: shape {array.shape} does not match dataformats {dataformats!r}"
        )
    if layout in ("HW", "WH"):
        return array if layout == "HW" else array.T
    hwc = np.transpose(array, [layout.index(axis) for axis in "HWC"])
    return hwc[:, :, 0] if hwc.shape[2] == 1 else hwc


class SummaryWriter:
    """``torch.utils.tensorboard.SummaryWriter``'s interface, writing through a tb_eval Run.

    Parameters
    ----------
    log_dir:
        The run directory; ``runs/<date>_<host><comment>`` when omitted, as in torch.
    comment:
        Suffix of the default ``log_dir``.
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
        del purge_step, max_queue, filename_suffix  # accepted for compatibility; not needed
        directory = os.fspath(log_dir) if log_dir is not None else _default_log_dir(comment)
        self.log_dir = directory
        self._flush_secs = float(flush_secs)
        self.run = self._open(directory)
        self._children: dict[str, Run] = {}

    def _open(self, directory: str) -> Run:
        # Like torch, no HParams session unless add_hparams is called.
        return Run(
            directory,
            experiment=None,
            name=os.path.basename(os.path.normpath(directory)) or directory,
            params={},
            tags={},
            flush_secs=self._flush_secs,
            session_on_first_write=False,
            resume=True,  # like torch, a second writer on a log_dir adds to it
        )

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close()

    def get_logdir(self) -> str:
        return self.log_dir

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Log one number to the Scalars dashboard."""
        del new_style, double_precision  # always the new style; TensorBoard needs float32
        value = _to_numpy(scalar_value)
        if value.size != 1 or value.dtype.kind not in "biuf":
            raise TypeError(f"scalar_value: expected one number, got shape {value.shape}")
        self.run.log(tag, float(value.reshape(())), step=global_step, wall_time=walltime)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: Mapping[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Several numbers on one chart: each key becomes a run ``<log_dir>/<main_tag>_<key>``
        holding tag ``main_tag``, as in torch."""
        names.check_name(main_tag, "main_tag")
        if not isinstance(tag_scalar_dict, Mapping) or not tag_scalar_dict:
            raise TypeError("tag_scalar_dict: expected a non-empty dict of name to number")
        for key, scalar_value in tag_scalar_dict.items():
            child_name = f"{main_tag}_{key}".replace("/", "_")
            names.check_path_component(child_name, "tag_scalar_dict")
            child = self._children.get(child_name)
            if child is None:
                child = self._children[child_name] = self._open(
                    os.path.join(self.log_dir, child_name)
                )
            value = _to_numpy(scalar_value)
            child.log(main_tag, float(value.reshape(())), step=global_step, wall_time=walltime)

    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None, walltime=None
    ) -> None:
        """Log a string (Markdown) to the Text dashboard."""
        if not isinstance(text_string, str):
            raise TypeError(f"text_string: expected a str, got {type(text_string).__name__}")
        self.run.log(tag, text_string, step=global_step, wall_time=walltime)

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log an image (uint8, or floats in [0, 1]) laid out as ``dataformats``."""
        del walltime  # images take the time they are logged
        self.run.log_image(tag, image=_to_hwc(img_tensor, dataformats), step=global_step)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images as one grid image (torch tiles them the same way)."""
        del walltime
        layout = dataformats.upper()
        if not layout.startswith("N"):
            raise ValueError(f"dataformats: {dataformats!r} must start with N")
        batch = _to_numpy(img_tensor)
        if batch.ndim != len(layout) or batch.shape[0] == 0:
            raise ValueError(f"img_tensor: shape {batch.shape} does not match {dataformats!r}")
        images = [_to_hwc(image, layout[1:]) for image in batch]
        images = [image[:, :, None] if image.ndim == 2 else image for image in images]
        columns = int(np.ceil(np.sqrt(len(images))))
        rows = int(np.ceil(len(images) / columns))
        height, width, channels = images[0].shape
        grid = np.zeros((rows * height, columns * width, channels), dtype=images[0].dtype)
        for index, image in enumerate(images):
            top, left = (index // columns) * height, (index % columns) * width
            grid[top : top + height, left : left + width] = image
        self.run.log_image(tag, image=grid[:, :, 0] if channels == 1 else grid, step=global_step)

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Log a matplotlib figure (closed afterwards unless ``close=False``)."""
        del walltime
        figures = figure if isinstance(figure, list) else [figure]
        for offset, single in enumerate(figures):
            step = None if global_step is None else global_step + offset
            self.run.log_image(tag, plot=single, step=step)
            if close:
                from matplotlib import pyplot

                pyplot.close(single)

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the distribution of ``values`` (30 buckets, TensorBoard's default)."""
        del walltime
        count = max_bins or (bins if isinstance(bins, int) else 30)
        self.run.log_histogram(tag, values, step=global_step, bins=count)

    def add_hparams(
        self,
        hparam_dict: Mapping[str, Any],
        metric_dict: Mapping[str, Any],
        hparam_domain_discrete: Mapping[str, list] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
    ) -> None:
        """Record the run's hyper-parameters and final metrics for the HParams dashboard."""
        del hparam_domain_discrete, run_name  # TensorBoard infers domains; one session per run
        self.run.log_params(dict(hparam_dict))
        self.run._start_session()
        for name, value in dict(metric_dict).items():
            self.add_scalar(name, value, global_step)

    def flush(self) -> None:
        self.run.flush()
        for child in self._children.values():
            child.flush()

    def close(self) -> None:
        for child in self._children.values():
            child.complete()
        self.run.complete()
