"""A Keras 3 callback that logs training to tb_eval (any backend; no TensorFlow needed).

::

    import os; os.environ["KERAS_BACKEND"] = "torch"
    from tb_eval.integrations.keras import TbEvalCallback

    callback = TbEvalCallback("runs", experiment="cancer", run_name="mlp",
                              labels=["malignant", "benign"])
    model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[callback])
    model.evaluate(x_test, y_test, callbacks=[callback])     # test_loss, test_accuracy

Every epoch's ``logs`` (``loss``, ``val_loss``, compiled metrics) go to the Scalars dashboard at
step = epoch; the model's predictions on the validation data are logged at every epoch that
validated, for the evaluation dashboards; the optimizer, learning rate, epochs and batch count
become params. ``model.evaluate(..., callbacks=[callback])`` logs its metrics as ``test_<name>``.

Keras 3 does not hand callbacks the validation data. The predictions use, in this order: the
callback's own ``validation_data`` (``(x, y)`` arrays or a ``keras.utils.PyDataset``), else the
validation data ``fit`` is using (``validation_split``, a ``validation_data=(x, y)`` tuple, a
``PyDataset`` or a torch ``DataLoader``; read from the model's cached validation iterator).
A Python generator can be read only once: with one, give the callback ``(x, y)`` arrays or a
``PyDataset`` of the same data, or the epochs' metrics are logged without predictions (with a
warning).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import keras
import numpy as np

from tb_eval.run import Run, start_logging

#: Keras' data adapters that can be read again without disturbing ``fit`` (a generator cannot).
_REREADABLE_ADAPTERS = ("ArrayDataAdapter", "TorchDataLoaderAdapter")


def _number(value: Any) -> float | None:
    try:
        number = float(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _pydataset_batches(dataset: Any, limit: int | None) -> Iterable[Any] | None:
    count = dataset.num_batches
    if count is None and limit is None:
        return None  # an infinite PyDataset without validation_steps
    count = limit if count is None else min(count, limit or count)
    return (dataset[index] for index in range(count))


def _fit_validation_batches(model: Any) -> Iterable[Any] | None:
    """The batches of the validation data ``fit`` is using, when they can be read again."""
    iterator = getattr(model, "_eval_epoch_iterator", None)  # Keras 3 caches it during fit
    adapter = getattr(iterator, "data_adapter", None)
    limit = getattr(iterator, "steps_per_epoch", None)  # fit's validation_steps
    dataset = getattr(adapter, "py_dataset", None)
    if isinstance(dataset, keras.utils.PyDataset):
        return _pydataset_batches(dataset, limit)
    if type(adapter).__name__ in _REREADABLE_ADAPTERS:
        return itertools.islice(adapter.get_numpy_iterator(), limit)
    return None


def _as_numpy(value: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value))


class TbEvalCallback(keras.callbacks.Callback):
    """Log a Keras ``fit`` (and ``evaluate``) to a tb_eval run.

    Parameters
    ----------
    logdir, experiment, run_name, params:
        As in :func:`tb_eval.start_logging`; ignored when ``run`` is given.
    run:
        An existing :class:`tb_eval.Run` to log into (it is then not completed on train end).
    validation_data:
        ``(x, y)`` arrays or a ``keras.utils.PyDataset`` whose predictions are logged every
        ``predictions_every`` epochs under ``predictions_name``. When omitted, the validation
        data ``fit`` uses (see the module's notes) at the epochs ``fit`` validated.
    labels, task:
        Passed to ``run.log_predictions``. ``task="regression"`` logs the outputs as
        ``y_pred``; otherwise as probabilities ``y_score`` (a single sigmoid column is the
        positive-class probability; one-hot targets are read as class indices).
    predictions_name, predictions_every:
        The evaluation's name, and every how many epochs predictions are logged.
    log_predictions:
        ``False`` logs no predictions (metrics and params only).
    log_every_n_batches:
        Also log the batch-level ``logs`` every n training batches (tags ``batch/<name>``).
    evaluate_prefix:
        ``model.evaluate(..., callbacks=[callback])`` logs its metrics as
        ``<evaluate_prefix><name>`` (``test_loss``), at the last trained epoch's step.
    """

    def __init__(
        self,
        logdir: str | os.PathLike = "runs",
        experiment: str | None = None,
        run_name: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        run: Run | None = None,
        validation_data: Any = None,
        labels: Sequence[Any] | None = None,
        task: str | None = None,
        predictions_name: str = "val",
        predictions_every: int = 1,
        log_predictions: bool = True,
        log_every_n_batches: int | None = None,
        evaluate_prefix: str = "test_",
    ) -> None:
        super().__init__()
        if validation_data is not None and not (
            isinstance(validation_data, keras.utils.PyDataset)
            or (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2)
        ):
            raise TypeError(
                "validation_data: expected a pair (x, y) or a keras.utils.PyDataset, got "
                f"{type(validation_data).__name__} (a generator can be read only once)"
            )
        if not isinstance(predictions_every, int) or predictions_every < 1:
            raise ValueError(f"predictions_every: expected an int >= 1, got {predictions_every!r}")
        if log_every_n_batches is not None and (
            not isinstance(log_every_n_batches, int) or log_every_n_batches < 1
        ):
            raise ValueError(
                f"log_every_n_batches: expected an int >= 1, got {log_every_n_batches!r}"
            )
        if not isinstance(evaluate_prefix, str):
            raise TypeError(f"evaluate_prefix: expected a str, got {evaluate_prefix!r}")
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
        self._log_predictions_enabled = log_predictions
        self._log_every_n_batches = log_every_n_batches
        self._evaluate_prefix = evaluate_prefix
        self._batches_seen = 0
        self._in_fit = False
        self._last_epoch: int | None = None
        self._warned_no_data = False

    # ------------------------------------------------------------------ the run
    def _ensure_run(self) -> Run:
        """The run, started on first use; a completed own run is resumed (fit, then evaluate)."""
        if self.run is None:
            self.run = start_logging(**self._start)
            self._start["run_name"] = self.run.name
        elif self._owns_run and self.run.status != "running":
            self.run = start_logging(**self._start, resume=True)
        return self.run

    def _end_run(self) -> None:
        if self.run is None:
            return
        if self._owns_run and self.run.status == "running":
            self.run.complete()
        elif self.run.status == "running":
            self.run.flush()

    # ------------------------------------------------------------------ fit
    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._in_fit = True
        self._ensure_run().log_params(self._training_params())

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
        logs = logs or {}
        for name, value in logs.items():
            number = _number(value)
            if number is not None:
                self.run.log(name, number, step=epoch)
        self._last_epoch = epoch
        if not self._log_predictions_enabled or epoch % self._predictions_every:
            return
        if self._validation_data is not None:
            whole = not isinstance(self._validation_data, keras.utils.PyDataset)
            self._log_predictions(self._own_batches(), epoch, whole)
        elif any(name.startswith("val_") for name in logs):  # fit validated this epoch
            batches = _fit_validation_batches(self.model)
            if batches is None:
                self._warn_no_data()
            else:
                self._log_predictions(batches, epoch)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        self._in_fit = False
        self._end_run()

    # ------------------------------------------------------------------ evaluate
    def on_test_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        if not self._in_fit:
            self._ensure_run()

    def on_test_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self._in_fit:
            return  # fit's validation: its val_ metrics arrive with on_epoch_end
        run = self._ensure_run()
        for name, value in (logs or {}).items():
            number = _number(value)
            if number is None:
                continue
            tag = f"{self._evaluate_prefix}{name}"
            step = self._last_epoch or 0
            last = run.last_step(tag)
            if last is not None and step <= last:
                step = last + 1  # evaluated again without training in between
            run.log(tag, number, step=step)
        self._end_run()

    # ------------------------------------------------------------------ predictions
    def _own_batches(self) -> Iterable[Any]:
        if isinstance(self._validation_data, keras.utils.PyDataset):
            batches = _pydataset_batches(self._validation_data, None)
            if batches is None:
                raise ValueError("validation_data: an infinite PyDataset cannot be predicted")
            return batches
        return [tuple(self._validation_data)]

    def _warn_no_data(self, why: str | None = None) -> None:
        if not self._warned_no_data:
            self._warned_no_data = True
            why = why or (
                "fit's validation data cannot be read again (a generator?); pass "
                "validation_data=(x, y) or a PyDataset to the callback to log them"
            )
            warnings.warn(f"TbEvalCallback: no predictions are logged: {why}", stacklevel=2)

    def _log_predictions(self, batches: Iterable[Any], epoch: int, whole: bool = False) -> None:
        """Predict ``batches`` (``whole``: each is a full ``(x, y)`` for ``model.predict``)."""
        outputs, targets = [], []
        for batch in batches:
            x, y, _ = keras.utils.unpack_x_y_sample_weight(batch)
            if y is None or isinstance(y, (Mapping, list, tuple)):
                self._warn_no_data("the validation data has no targets, or several outputs")
                return
            if whole:
                outputs.append(_as_numpy(self.model.predict(x, verbose=0)))
            else:
                outputs.append(_as_numpy(self.model.predict_on_batch(x)))
            targets.append(_as_numpy(y))
        if not outputs:
            return
        output, y = np.concatenate(outputs), np.concatenate(targets)
        if output.ndim == 2 and output.shape[1] == 1:
            output = output[:, 0]
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if self._task == "regression":
            self._log(y, y_pred=output, task="regression", step=epoch)
            return
        if (
            self._task != "multilabel"
            and y.ndim == 2
            and output.ndim == 2
            and y.shape == output.shape
            and np.isin(y, (0, 1)).all()
            and (y.sum(axis=1) == 1).all()
        ):
            y = y.argmax(axis=1)  # one-hot targets of a softmax (categorical_crossentropy)
        self._log(y, y_score=output, labels=self._labels, task=self._task, step=epoch)

    def _log(self, y: np.ndarray, **arguments: Any) -> None:
        try:
            self.run.log_predictions(self._predictions_name, y, **arguments)
        except (TypeError, ValueError) as error:
            # A logging mistake (logits instead of probabilities, wrong labels) must not end
            # the training: say so once and keep logging the metrics.
            self._log_predictions_enabled = False
            warnings.warn(
                f"TbEvalCallback: predictions are not logged: {error} (for a regression model "
                "pass task='regression'; a classifier's last layer must output probabilities)",
                stacklevel=2,
            )
