"""TbEvalLogger as Lightning's users expect: beside CSVLogger (the oracle for every logged value),
with ModelCheckpoint reading the logger's directories, and with fast_dev_run."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.plugin_event_multiplexer import EventMultiplexer

import tb_eval
from tb_eval.reader import read_run

torch = pytest.importorskip("torch", reason="the torch extra is not installed")
lightning = pytest.importorskip("lightning", reason="the lightning extra is not installed")
yaml = pytest.importorskip("yaml", reason="lightning's CSVLogger needs PyYAML")

from lightning.pytorch.callbacks import ModelCheckpoint  # noqa: E402
from lightning.pytorch.loggers import CSVLogger  # noqa: E402

from tb_eval.integrations.lightning import TbEvalLogger  # noqa: E402


class Digits(lightning.LightningModule):
    def __init__(self, learning_rate: float = 0.1, hidden: int = 12) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
        )
        self.scores: list = []

    def training_step(self, batch, batch_index):
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_index):
        x, y = batch
        logits = self.net(x)
        self.log("val_loss", torch.nn.functional.cross_entropy(logits, y))
        self.scores.append((torch.softmax(logits, dim=1), y))

    def on_validation_epoch_end(self):
        scores = torch.cat([p for p, _ in self.scores]).double()
        truth = torch.cat([y for _, y in self.scores])
        self.scores.clear()
        if not self.trainer.sanity_checking:
            self.logger.experiment.log_predictions(
                "val", truth, y_score=scores, step=self.current_epoch
            )

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)


@pytest.fixture(scope="module")
def loaders():
    data = load_digits()
    X = torch.tensor(StandardScaler().fit_transform(data.data), dtype=torch.float32)
    y = torch.tensor(data.target)
    dataset = torch.utils.data.TensorDataset
    train = torch.utils.data.DataLoader(dataset(X[:1000], y[:1000]), batch_size=100)
    val = torch.utils.data.DataLoader(dataset(X[1000:1300], y[1000:1300]), batch_size=300)
    return train, val


def _trainer(logger, **options):
    defaults = {
        "max_epochs": 2,
        "log_every_n_steps": 3,
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "accelerator": "cpu",
    }
    return lightning.Trainer(logger=logger, **{**defaults, **options})


def _csv_metrics(path):
    """``{metric: ([steps], [values])}`` from CSVLogger's metrics.csv."""
    series: dict = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            for name, value in row.items():
                if name != "step" and value != "":
                    steps, values = series.setdefault(name, ([], []))
                    steps.append(int(row["step"]))
                    values.append(float(value))
    return series


def _event_file_dirs(root):
    return sorted(
        os.path.relpath(path, root)
        for path, _, files in os.walk(root)
        if any("tfevents" in name for name in files)
    )


def test_beside_csvlogger_with_checkpoints_in_the_run_directory(tmp_path, loaders):
    lightning.seed_everything(0, verbose=False)
    ours = TbEvalLogger(tmp_path / "tb", experiment="digits", run_name="mlp")
    theirs = CSVLogger(tmp_path / "csv", name="digits")
    checkpoint = ModelCheckpoint(monitor="val_loss", save_top_k=1)
    trainer = _trainer([ours, theirs], callbacks=[checkpoint])
    module = Digits()
    trainer.fit(module, *loaders)

    run_dir = str(tmp_path / "tb" / "digits" / "mlp")
    assert (ours.save_dir, ours.name, ours.version) == (str(tmp_path / "tb"), "digits", "mlp")
    assert ours.root_dir == str(tmp_path / "tb" / "digits") and ours.log_dir == run_dir
    assert ours.experiment.directory == run_dir
    # ModelCheckpoint resolved its directory from the first logger: inside our run's directory
    assert checkpoint.dirpath == os.path.join(run_dir, "checkpoints")
    assert os.path.dirname(checkpoint.best_model_path) == checkpoint.dirpath
    assert os.listdir(checkpoint.dirpath) == [os.path.basename(checkpoint.best_model_path)]
    # event files only in the run's directory: TensorBoard sees exactly one run
    assert _event_file_dirs(tmp_path) == [os.path.join("tb", "digits", "mlp")]
    multiplexer = EventMultiplexer().AddRunsFromDirectory(str(tmp_path))
    multiplexer.Reload()
    assert list(multiplexer.Runs()) == [os.path.join("tb", "digits", "mlp")]

    expected = _csv_metrics(os.path.join(theirs.log_dir, "metrics.csv"))
    assert {"train_loss_step", "train_loss_epoch", "val_loss", "epoch"} <= set(expected)
    accumulator = EventAccumulator(run_dir, size_guidance={"scalars": 0})
    accumulator.Reload()
    for name in ("train_loss_step", "train_loss_epoch", "val_loss"):
        events = accumulator.Scalars(name)
        assert [event.step for event in events] == expected[name][0], name
        values = [event.value for event in events]
        assert values == np.float32(expected[name][1]).tolist(), name
    data = read_run(run_dir)
    with open(os.path.join(theirs.log_dir, "hparams.yaml")) as handle:
        assert tb_eval.open_run(run_dir).get_params() == yaml.safe_load(handle)
    assert [step for step, _ in data.blobs["predictions"]["val"]] == [0, 1]
    assert tb_eval.open_run(run_dir).status == "success"


def test_without_names_the_version_is_fixed_before_the_run_starts(tmp_path, loaders):
    logger = TbEvalLogger(tmp_path)
    version = logger.version
    assert logger.name == "" and logger.log_dir == os.path.join(str(tmp_path), version)
    assert not any(tmp_path.iterdir())  # asking for names writes nothing
    trainer = _trainer(logger, max_epochs=1)
    trainer.fit(Digits(), *loaders)
    assert logger.version == version
    assert trainer.checkpoint_callback.dirpath == os.path.join(logger.log_dir, "checkpoints")
    assert sorted(os.listdir(logger.log_dir))[0] == "checkpoints"
    assert _event_file_dirs(tmp_path) == [version]
    assert tb_eval.open_run(logger.log_dir).get_params() == {"learning_rate": 0.1, "hidden": 12}


def test_fast_dev_run_writes_nothing_and_user_code_still_runs(tmp_path, loaders):
    logger = TbEvalLogger(tmp_path, experiment="smoke", run_name="dev")
    trainer = _trainer(logger, fast_dev_run=True)
    trainer.fit(Digits(), *loaders)  # on_validation_epoch_end calls experiment.log_predictions
    assert trainer.global_step == 1
    assert not any(tmp_path.iterdir())  # Lightning swapped the logger for its no-op one
    assert trainer.loggers[0] is not logger


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"run_name": "../escape"}, "run_name: '../escape' is not usable"),
        ({"experiment": ""}, "experiment: must not be empty"),
        ({"logdir": 3}, "logdir: expected a path"),
    ],
)
def test_bad_names_are_refused_at_construction(tmp_path, arguments, message):
    arguments = {"logdir": tmp_path, **arguments}
    with pytest.raises((TypeError, ValueError), match=message):
        TbEvalLogger(**arguments)
    assert not any(tmp_path.iterdir())


def test_lightning_logger_logs_metrics_hparams_predictions_and_resumes_for_test(tmp_path):
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
    module = Digits(learning_rate=0.05, hidden=16)
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
