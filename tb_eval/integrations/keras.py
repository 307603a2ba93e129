"""A Keras 3 callback that logs training to tb_eval (any backend; no TensorFlow needed).

::

    import os; os.environ["KERAS_BACKEND"] = "torch"
    from tb_eval.integrations.keras import TbEvalCallback

    model.fit(x, y, epochs=10, validation_data=(x_val, y_val),
              callbacks=[TbEvalCallback("runs", experiment="cancer", run_name="mlp",
                                        validation_data=(x_val, y_val),
                                        labels=["malignant", "benign"])])

Every epoch's ``logs`` (``loss``, ``val_loss``, compiled metrics) go to the Scalars dashboard at
step = epoch; with ``validation_data`` the model's predictions are logged every epoch for the
evaluation dashboards; the optimizer, learning rate, epochs and batch count become params.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np

from tb_eval.run import Run, start_logging


def _number(value: Any) -> float | None:
    try:
        number = float(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class TbEvalCallback(keras.callbacks.Callback):
    """Log a Keras ``fit`` to a tb_eval run.

    Parameters
    ----------
    logdir, experiment, run_name, params:
        As in :func:`tb_eval.start_logging`; ignored when ``run`` is given.
    run:
        An existing :class:`tb_eval.Run` to log into (it is then not completed on train end).
    validation_data:
        ``(x, y)`` whose predictions are logged every ``predictions_every`` epochs under
        ``predictions_name``.
    labels, task:
        Passed to ``run.log_predictions``. ``task="regression"`` logs the outputs as
        ``y_pred``; otherwise as probabilities ``y_score`` (a single sigmoid column is the
        positive-class probability).
    log_every_n_batches:
        Also log the batch-level ``logs`` every n training batches (tags ``batch/<name>``).
    """

    def __init__(
        self,
        logdir: str | os.PathLike = "runs",
        experiment: str | None = None,
        run_name: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        run: Run | None = None,
        validation_data: tuple[Any, Any] | None = None,
        labels: Sequence[Any] | None = None,
        task: str | None = None,
        predictions_name: str = "val",
        predictions_every: int = 1,
        log_every_n_batches: int | None = None,
    ) -> None:
        super().__init__()
        if validation_data is not None and (
            not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2
        ):
            raise TypeError("validation_data: expected a pair (x, y)")
        if not isinstance(predictions_every, int) or predictions_every < 1:
            raise ValueError(f"predictions_every: expected an int >= 1, got {predictions_every!r}")
        if log_every_n_batches is not None and (
            not isinstance(log_every_n_batches, int) or log_every_n_batches < 1
        ):
            raise ValueError(
                f"log_every_n_batches: expected an int >= 1, got {log_every_n_batches!r}"
            )
        self._start = {
            "logdir": logdir,
            "experiment": experiment,
            "run_name": run_name,
            "params": params,
        }
        self.run = run
        self._owns_run = run is None
        self._validation_data = validation_data
        self._labels = labels
        self._task = task
        self._predictions_name = predictions_name
        self._predictions_every = predictions_every
        self._log_every_n_batches = log_every_n_batches
        self._batches_seen = 0

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        if self.run is None:
            self.run = start_logging(**self._start)
        self.run.log_params(self._training_params())

    def _training_params(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            found["optimizer"] = type(optimizer).__name__
            rate = _number(getattr(optimizer, "learning_rate", None))
            if rate is not None:
                found["learning_rate"] = rate
        for key in ("epochs", "steps"):
            value = (self.params or {}).get(key)
            if isinstance(value, int):
                found[key] = value
        return found

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._batches_seen += 1
        if self._log_every_n_batches and self._batches_seen % self._log_every_n_batches == 0:
            for name, value in (logs or {}).items():
                number = _number(value)
                if number is not None:
                    self.run.log(f"batch/{name}", number, step=self._batches_seen)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        for name, value in (logs or {}).items():
            number = _number(value)
            if number is not None:
                self.run.log(name, number, step=epoch)
        if self._validation_data is not None and epoch % self._predictions_every == 0:
            self._log_predictions(epoch)

    def _log_predictions(self, epoch: int) -> None:
        x, y = self._validation_data
        output = np.asarray(self.model.predict(x, verbose=0))
        if output.ndim == 2 and output.shape[1] == 1:
            output = output[:, 0]
        if self._task == "regression":
            self.run.log_predictions(
                self._predictions_name, y, y_pred=output, task="regression", step=epoch
            )
        else:
            self.run.log_predictions(
                self._predictions_name,
                y,
                y_score=output,
                labels=self._labels,
                task=self._task,
                step=epoch,
            )

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self._owns_run and self.run is not None:
            self.run.complete()
        elif self.run is not None:
            self.run.flush()
