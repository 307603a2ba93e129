"""Keras 3 (torch backend) and Lightning integrations, trained for real on scikit-learn data."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported anywhere

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tb_eval

keras = pytest.importorskip("keras", reason="the keras extra is not installed")
torch = pytest.importorskip("torch", reason="the torch extra is not installed")
lightning = pytest.importorskip("lightning", reason="the lightning extra is not installed")


def _cancer():
    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.data).astype(np.float32)
    return train_test_split(X, data.target, test_size=0.3, random_state=0)


def test_keras_callback_logs_metrics_params_and_predictions(tmp_path):
    from tb_eval.integrations.keras import TbEvalCallback

    keras.utils.set_random_seed(0)
    X_train, X_val, y_train, y_val = _cancer()
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


class DigitsModule(lightning.LightningModule if lightning else object):
    def __init__(self, learning_rate: float = 0.05, hidden: int = 16) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
        )
        self._val_outputs: list = []

    def training_step(self, batch, batch_index):
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_index):
        x, y = batch
        logits = self.net(x)
        self.log("val_loss", torch.nn.functional.cross_entropy(logits, y))
        self._val_outputs.append((torch.softmax(logits, dim=1), y))

    def on_validation_epoch_end(self):
        if self.trainer.sanity_checking:
            self._val_outputs.clear()
            return
        scores = torch.cat([p for p, _ in self._val_outputs])
        truth = torch.cat([y for _, y in self._val_outputs])
        self._val_outputs.clear()
        self.logger.experiment.log_predictions(
            "val",
            truth,
            y_score=scores.double(),
            labels=[str(d) for d in range(10)],
            step=self.current_epoch,
        )

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)


def test_lightning_logger_logs_metrics_hparams_predictions_and_resumes_for_test(tmp_path):
    from tb_eval.integrations.lightning import TbEvalLogger

    lightning.seed_everything(0, verbose=False)
    data = load_digits()
    X = torch.tensor(StandardScaler().fit_transform(data.data), dtype=torch.float32)
    y = torch.tensor(data.target)
    train = torch.utils.data.TensorDataset(X[:1200], y[:1200])
    val = torch.utils.data.TensorDataset(X[1200:], y[1200:])
    loader = torch.utils.data.DataLoader
    logger = TbEvalLogger(tmp_path, experiment="digits", run_name="mlp")
    trainer = lightning.Trainer(
        logger=logger,
        max_epochs=2,
        log_every_n_steps=5,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    module = DigitsModule()
    trainer.fit(module, loader(train, batch_size=100, shuffle=True), loader(val, batch_size=200))
    stored = tb_eval.open_run(tmp_path / "digits" / "mlp")
    assert stored.status == "success"
    assert stored.get_params() == {"learning_rate": 0.05, "hidden": 16}
    metrics = stored.get_metrics()
    assert len(metrics["val_loss"]) == 2 and len(metrics["train_loss_epoch"]) == 2
    assert len(metrics["train_loss_step"]) >= 4
    prediction_steps = [
        step for step, _ in tb_eval.reader.read_run(stored.directory).blobs["predictions"]["val"]
    ]
    assert prediction_steps == [0, 1]
    assert stored.get_predictions("val").task == "multiclass"
    # trainer.validate after fit: the finalized run is resumed, not written twice or refused
    trainer.validate(module, loader(val, batch_size=200), verbose=False)
    resumed = tb_eval.open_run(tmp_path / "digits" / "mlp")
    assert resumed.status == "success"
    assert len(tb_eval.reader.event_files(resumed.directory)) == 2
