"""A Lightning logger that writes through tb_eval.

::

    from tb_eval.integrations.lightning import TbEvalLogger

    logger = TbEvalLogger("runs", experiment="digits", run_name="mlp-lr0.01")
    trainer = lightning.Trainer(logger=logger, max_epochs=5)
    trainer.fit(model)

``self.log(...)`` values reach the Scalars dashboard at the trainer's global step, and
``self.save_hyperparameters()`` reaches HParams. Inside the LightningModule,
``self.logger.experiment`` is the :class:`tb_eval.Run`, for ``log_predictions`` and the rest.

``save_dir``, ``name``, ``version`` and ``log_dir`` are known before the run starts:
``ModelCheckpoint`` saves under ``<save_dir>/<name>/<version>/checkpoints``, inside the run's
directory (no event files there, so TensorBoard shows no extra run). With ``fast_dev_run``
Lightning replaces every logger by a no-op one: nothing is written, and
``self.logger.experiment.log_predictions(...)`` does nothing.

Lightning finalizes the logger after every stage; the run is then marked complete, and a later
stage (``trainer.test``) that logs again resumes it (``start_logging(..., resume=True)``).

Under multi-process training (``strategy="ddp"``) every rank's ``self.logger.experiment`` is the
job's run (see the distributed training guide): rank 0 writes it, the other ranks' calls write
nothing, and ``log_predictions`` is collective, so call it on every rank with that rank's
validation rows (Lightning's ``DistributedSampler`` gives each rank its share). Outside an
initialised process group, ranks other than 0 get Lightning's no-op experiment as before.

Lightning may log one metric twice at the same global step (e.g. ``epoch`` with both the train
and the validation metrics); TensorBoard keeps one value per step, so a repeated or earlier step
of a metric is skipped, and the logger warns once per metric.
"""

from __future__ import annotations

import os
import warnings
from argparse import Namespace
from collections.abc import Mapping
from typing import Any

import numpy as np
from lightning.pytorch.loggers.logger import DummyExperiment, Logger
from lightning.pytorch.utilities import rank_zero_only

from tb_eval import distributed, validation
from tb_eval.kinds.common import tensor_to_numpy
from tb_eval.naming import _readable_name
from tb_eval.run import Run, start_logging


def _flatten(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested params as ``a/b`` keys; values that are not str/number/bool become strings."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Namespace):
            value = vars(value)
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}/"))
        elif isinstance(value, (str, bool, int, float)) and not (
            isinstance(value, float) and not np.isfinite(value)
        ):
            flat[name] = value
        elif isinstance(value, np.generic):
            flat[name] = value.item()
        elif value is None:
            flat[name] = "None"
        else:
            flat[name] = str(value)
    return flat


class TbEvalLogger(Logger):
    """Lightning's ``Logger`` interface, writing a tb_eval run.

    Parameters
    ----------
    logdir, experiment, run_name, params:
        As in :func:`tb_eval.start_logging`. The run starts on first use, on rank zero only.
    """

    def __init__(
        self,
        logdir: str | os.PathLike = "runs",
        experiment: str | None = None,
        run_name: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(logdir, (str, os.PathLike)):
            raise TypeError(f"logdir: expected a path, got {type(logdir).__name__}")
        for argument, value in (("experiment", experiment), ("run_name", run_name)):
            if value is not None:
                validation.check_path_component(value, argument)
        self._logdir = os.fspath(logdir)
        self._experiment_name = experiment
        self._run_name = run_name
        self._named = run_name is not None  # else rank 0 names the run of a multi-process job
        self._initial_params = dict(params or {})
        self._run: Run | None = None
        self._resume_next = False  # after finalize(), a later trainer stage continues the run
        self._warned: set[str] = set()

    @property
    def name(self) -> str:
        """The experiment (the directory under ``save_dir`` grouping runs); ``""`` for none,
        as for Lightning's TensorBoardLogger with ``name=""``."""
        return self._experiment_name or ""

    @property
    def version(self) -> str:
        """The run's name (its directory under ``root_dir``), fixed before the run starts so
        that ``ModelCheckpoint`` saves under ``<save_dir>/<name>/<version>/checkpoints``."""
        if self._run_name is None:
            self._run_name = _readable_name()
        return self._run_name

    @property
    def root_dir(self) -> str:
        """``<save_dir>/<name>``: where this experiment's runs live."""
        return os.path.join(self._logdir, self.name)

    @property
    def save_dir(self) -> str:
        """The logdir (what ``tensorboard --logdir`` is pointed at)."""
        return self._logdir

    @property
    def log_dir(self) -> str:
        """The run's directory, ``<save_dir>/<name>/<version>``."""
        return os.path.join(self.root_dir, self.version)

    @property
    def experiment(self) -> Run:
        """The :class:`tb_eval.Run` (started on first access; on every rank of a process
        group, else on rank zero only)."""
        if self._run is None:
            follower = rank_zero_only.rank != 0
            if follower and distributed.process_rank() is None:
                return DummyExperiment()
            self._run = start_logging(
                self._logdir,
                experiment=self._experiment_name,
                # Ranks other than 0 take rank 0's name (a generated version differs per rank).
                run_name=None if follower and not self._named else self.version,
                params=_flatten(self._initial_params),
                resume=self._resume_next,
            )
            self._run_name = self._run.name
        return self._run

    @rank_zero_only
    def log_hyperparams(
        self, params: Mapping[str, Any] | Namespace, *args: Any, **kwargs: Any
    ) -> None:
        if isinstance(params, Namespace):
            params = vars(params)
        flat = _flatten(dict(params))
        if flat:
            self.experiment.log_params(flat)

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        run = self.experiment
        for name, value in metrics.items():
            value = tensor_to_numpy(value)
            number = float(np.asarray(value).reshape(()))
            last = run.last_step(name)
            if step is not None and last is not None and step <= last:
                # "epoch" comes with every metric group: its repeats are expected, not news.
                if name not in self._warned and name != "epoch":
                    self._warned.add(name)
                    warnings.warn(
                        f"TbEvalLogger: {name!r} was logged again at step {step} (last step "
                        f"{last}); TensorBoard keeps one value per step, so it is skipped",
                        stacklevel=2,
                    )
                continue
            run.log(name, number, step=step)

    @rank_zero_only
    def save(self) -> None:
        if self._run is not None and self._run.status == "running":
            self._run.flush()

    def finalize(self, status: str) -> None:
        # On every rank that started the run (a follower rank's ends too, so that a later
        # stage's resumed run is started on every rank alike).
        if self._run is None or self._run.status != "running":
            return
        if status in ("failed", "failure", "error"):
            self._run.fail(f"Lightning finished with status {status!r}")
        else:
            self._run.complete()
        # Lightning finalizes after every stage (fit, validate, test); a later stage that logs
        # again resumes the same run rather than failing on a closed one.
        self._run = None
        self._resume_next = True
