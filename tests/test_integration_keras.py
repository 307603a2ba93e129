"""The Keras 3 callback with every way ``fit`` takes validation data, and with
``model.evaluate``; oracles: Keras' own History and returned values, TensorBoard's loader.
On the torch backend here (unless ``KERAS_BACKEND`` says otherwise: test_integration_keras_jax.py
runs this module again on JAX)."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported anywhere

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import tb_eval
from tb_eval.reader import event_files, read_run

keras = pytest.importorskip("keras", reason="the keras extra is not installed")
pytest.importorskip("torch", reason="the torch extra is not installed")

from tb_eval.integrations.keras import TbEvalCallback  # noqa: E402


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.data).astype(np.float32)
    return X[:400], data.target[:400].astype(np.float32)


def _model(n_features: int, n_outputs: int = 1, activation: str = "sigmoid"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    loss = "binary_crossentropy" if n_outputs == 1 else "categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=["accuracy"])
    return model


def _cancer_split():
    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.data).astype(np.float32)
    return train_test_split(X, data.target, test_size=0.3, random_state=0)


def _fit_first_300(model, X, y, callback, **options):
    """Train on the first 300 samples; the rest (100) is the validation data."""
    return model.fit(X[:300], y[:300], callbacks=[callback], verbose=0, **options)


def _assert_predicted_last_100(directory, model, X):
    predictions = tb_eval.open_run(directory).get_predictions("val")
    np.testing.assert_allclose(
        predictions.y_score, model.predict(X[300:], verbose=0)[:, 0], rtol=1e-6
    )


def _steps(directory, tag):
    return read_run(directory).scalars[tag][0]


def _assert_history_logged(directory, history):
    """Every History value is the logged scalar (float32), read back by TensorBoard itself."""
    accumulator = EventAccumulator(directory, size_guidance={"scalars": 0})
    accumulator.Reload()
    for name, values in history.history.items():
        events = accumulator.Scalars(name)
        assert [event.step for event in events] == list(range(len(values))), name
        logged = [event.value for event in events]
        assert logged == np.float32(values).tolist(), name


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size: int, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]


def test_validation_split_predictions_come_from_fits_own_split(tmp_path, cancer):
    X, y = cancer
    model = _model(X.shape[1])
    callback = TbEvalCallback(tmp_path, experiment="k", run_name="split", labels=["m", "b"])
    history = model.fit(
        X, y, epochs=3, batch_size=64, validation_split=0.25, callbacks=[callback], verbose=0
    )
    directory = str(tmp_path / "k" / "split")
    _assert_history_logged(directory, history)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    stored = tb_eval.open_run(directory)
    assert [step for step, _ in read_run(directory).blobs["predictions"]["val"]] == [0, 1, 2]
    predictions = stored.get_predictions("val")
    X_val, y_val = X[300:], y[300:]  # Keras validates on the last 25%
    np.testing.assert_array_equal(predictions.y_true, y_val.astype(int))
    np.testing.assert_allclose(predictions.y_score, model.predict(X_val, verbose=0)[:, 0], 1e-6)
    assert predictions.labels == ["m", "b"]


def test_validation_data_tuple_given_to_fit_only(tmp_path, cancer):
    X, y = cancer
    model = _model(X.shape[1])
    callback = TbEvalCallback(tmp_path, run_name="tuple")
    _fit_first_300(model, X, y, callback, epochs=2, validation_data=(X[300:], y[300:]))
    _assert_predicted_last_100(tmp_path / "tuple", model, X)


def test_pydataset_validation_respects_validation_steps_and_freq(tmp_path, cancer):
    X, y = cancer
    model = _model(X.shape[1])
    callback = TbEvalCallback(tmp_path, run_name="pydataset")
    history = model.fit(
        Batches(X[:300], y[:300], 64),
        epochs=4,
        validation_data=Batches(X[300:], y[300:], 30),
        validation_steps=2,
        validation_freq=2,
        callbacks=[callback],
        verbose=0,
    )
    directory = str(tmp_path / "pydataset")
    assert len(history.history["val_loss"]) == 2
    # validated at epochs 1 and 3 only; the predictions follow
    assert _steps(directory, "val_loss") == [1, 3]
    assert [step for step, _ in read_run(directory).blobs["predictions"]["val"]] == [1, 3]
    predictions = tb_eval.open_run(directory).get_predictions("val")
    assert len(predictions.y_true) == 60  # validation_steps=2 batches of 30
    np.testing.assert_allclose(
        predictions.y_score, model.predict(X[300:360], verbose=0)[:, 0], rtol=1e-6
    )
    val_losses = read_run(directory).scalars["val_loss"][1]
    assert val_losses == np.float32(history.history["val_loss"]).tolist()


def test_generator_validation_logs_metrics_and_warns_or_uses_the_callbacks_data(tmp_path, cancer):
    X, y = cancer

    def batches():
        while True:
            for start in range(300, 400, 50):
                yield X[start : start + 50], y[start : start + 50]

    model = _model(X.shape[1])
    plain = TbEvalCallback(tmp_path, run_name="generator")
    with pytest.warns(UserWarning, match="cannot be read again"):
        history = _fit_first_300(
            model, X, y, plain, epochs=2, validation_data=batches(), validation_steps=2
        )
    _assert_history_logged(str(tmp_path / "generator"), history)
    assert "predictions" not in read_run(str(tmp_path / "generator")).blobs
    own = TbEvalCallback(tmp_path, run_name="own", validation_data=Batches(X[300:], y[300:], 50))
    _fit_first_300(model, X, y, own, epochs=1, validation_data=batches(), validation_steps=2)
    _assert_predicted_last_100(tmp_path / "own", model, X)


def test_evaluate_logs_its_metrics_after_fit_and_alone(tmp_path, cancer):
    X, y = cancer
    model = _model(X.shape[1])
    callback = TbEvalCallback(tmp_path, run_name="evaluate")
    _fit_first_300(model, X, y, callback, epochs=3)
    first = model.evaluate(X[300:], y[300:], callbacks=[callback], return_dict=True, verbose=0)
    second = model.evaluate(X[:100], y[:100], callbacks=[callback], return_dict=True, verbose=0)
    directory = str(tmp_path / "evaluate")
    stored = tb_eval.open_run(directory)
    assert stored.status == "success"
    data = read_run(directory)
    # after 3 epochs the evaluation is at the last epoch's step; a second one right after it
    assert data.scalars["test_loss"] == (
        [2, 3],
        np.float32([first["loss"], second["loss"]]).tolist(),
    )
    assert (
        data.scalars["test_accuracy"][1]
        == np.float32([first["accuracy"], second["accuracy"]]).tolist()
    )
    assert len(event_files(directory)) == 3  # fit, then each evaluate resumed the run
    alone = TbEvalCallback(tmp_path, run_name="alone")
    result = model.evaluate(X, y, callbacks=[alone], return_dict=True, verbose=0)
    assert read_run(str(tmp_path / "alone")).scalars["test_loss"] == (
        [0],
        [float(np.float32(result["loss"]))],
    )


def test_one_hot_softmax_targets_are_classes(tmp_path):
    data = load_iris()
    X = StandardScaler().fit_transform(data.data).astype(np.float32)
    Y = keras.utils.to_categorical(data.target, 3)
    order = np.random.default_rng(0).permutation(len(X))
    X, Y = X[order], Y[order]
    model = _model(4, 3, "softmax")
    names = [str(name) for name in data.target_names]
    callback = TbEvalCallback(tmp_path, run_name="iris", labels=names)
    model.fit(X, Y, epochs=2, validation_split=0.3, callbacks=[callback], verbose=0)
    predictions = tb_eval.open_run(tmp_path / "iris").get_predictions("val")
    assert predictions.task == "multiclass" and predictions.labels == names
    np.testing.assert_array_equal(predictions.y_true, Y[105:].argmax(axis=1))


def test_logits_warn_and_training_goes_on(tmp_path, cancer):
    X, y = cancer
    model = _model(X.shape[1], activation=None)
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    callback = TbEvalCallback(tmp_path, run_name="logits")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=2, validation_split=0.2, callbacks=[callback], verbose=0)
    messages = [str(w.message) for w in caught if "TbEvalCallback" in str(w.message)]
    assert len(messages) == 1 and "probabilities" in messages[0]
    assert len(history.history["val_loss"]) == 2
    assert read_run(str(tmp_path / "logits")).scalars["val_loss"][0] == [0, 1]


def test_bad_validation_data_is_named(tmp_path, cancer):
    X, y = cancer
    with pytest.raises(TypeError, match="validation_data: expected a pair"):
        TbEvalCallback(tmp_path, validation_data=(batch for batch in [(X, y)]))
    with pytest.raises(TypeError, match="validation_data: expected a pair"):
        TbEvalCallback(tmp_path, validation_data=(X, y, y))
    assert not any(tmp_path.iterdir())


def test_keras_callback_logs_metrics_params_and_predictions(tmp_path):
    keras.utils.set_random_seed(0)
    X_train, X_val, y_train, y_val = _cancer_split()
    model = keras.Sequential(
        [
            keras.Input((X_train.shape[1],)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"]
    )
    callback = TbEvalCallback(
        tmp_path,
        experiment="cancer",
        run_name="mlp",
        params={"hidden": 8},
        validation_data=(X_val, y_val),
        labels=["malignant", "benign"],
        log_every_n_batches=5,
    )
    model.fit(
        X_train,
        y_train,
        epochs=3,
        batch_size=64,
        validation_data=(X_val, y_val),
        callbacks=[callback],
        verbose=0,
    )
    stored = tb_eval.open_run(tmp_path / "cancer" / "mlp")
    assert stored.status == "success"
    metrics = stored.get_metrics()
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(metrics[name]) == 3, name
    assert any(name.startswith("batch/") for name in metrics)
    assert stored.get_params() == {
        "hidden": 8,
        "optimizer": "Adam",
        "learning_rate": pytest.approx(0.01),
        "epochs": 3,
        "steps": 7,
    }
    predictions = stored.get_predictions("val")
    assert predictions.task == "binary" and predictions.labels == ["malignant", "benign"]
    expected = model.predict(X_val, verbose=0)[:, 0]
    np.testing.assert_allclose(predictions.y_score, expected, rtol=1e-6)
    report = tb_eval.evaluation.evaluate_prepared(predictions)
    assert report.metrics["roc_auc"] == pytest.approx(roc_auc_score(y_val, expected), rel=1e-9)
    assert [
        step for step, _ in tb_eval.reader.read_run(stored.directory).blobs["predictions"]["val"]
    ] == [0, 1, 2]
