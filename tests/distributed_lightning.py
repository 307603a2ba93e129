"""A Lightning DDP job (2 CPU processes, gloo) for tests/test_distributed.py (run as a script).

``python distributed_lightning.py <logdir> <outdir>``: Lightning re-runs this script for rank 1.
Every rank logs its validation and test rows with ``log_predictions`` and saves them to
``<outdir>/<stage>-<epoch>-rank<k>.npz`` for the test's oracle.
"""

from __future__ import annotations

import json
import sys

import lightning
import numpy as np
import torch

from tb_eval.integrations.lightning import TbEvalLogger


def dataset(n: int, seed: int) -> torch.utils.data.TensorDataset:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 1, n) > 0).astype(np.int64)
    return torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))


class Model(lightning.LightningModule):
    def __init__(self, outdir: str, learning_rate: float = 0.1) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Linear(4, 2)
        self.rows: list = []

    def training_step(self, batch, batch_index):
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_index):
        self._collect(batch)

    def test_step(self, batch, batch_index):
        self._collect(batch)

    def _collect(self, batch):
        x, y = batch
        self.rows.append((torch.softmax(self.net(x), dim=1)[:, 1].double(), y))

    def _log_rows(self, stage: str) -> None:
        score = torch.cat([p for p, _ in self.rows])
        truth = torch.cat([y for _, y in self.rows])
        self.rows.clear()
        if self.trainer.sanity_checking:
            return
        step = self.current_epoch
        np.savez(
            f"{self.hparams.outdir}/{stage}-{step}-rank{self.global_rank}.npz",
            y=truth.numpy(),
            score=score.numpy(),
        )
        run = self.logger.experiment
        run.log_predictions(stage, truth, y_score=score, step=step)
        self.seen = {
            "rank": self.global_rank,
            "directory": run.directory,
            "type": type(run).__name__,
        }

    def on_validation_epoch_end(self):
        self._log_rows("val")

    def on_test_epoch_end(self):
        self._log_rows("test")

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.learning_rate)


def main() -> None:
    logdir, outdir = sys.argv[1:3]
    logger = TbEvalLogger(logdir, experiment="ddp")
    trainer = lightning.Trainer(
        strategy="ddp",
        accelerator="cpu",
        devices=2,
        max_epochs=2,
        logger=logger,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    model = Model(outdir)
    loader = torch.utils.data.DataLoader
    trainer.fit(
        model,
        loader(dataset(256, 0), batch_size=32),
        loader(dataset(200, 1), batch_size=50),
    )
    trainer.test(model, loader(dataset(100, 2), batch_size=50))
    with open(f"{outdir}/result-rank{trainer.global_rank}.json", "w") as out:
        json.dump({**model.seen, "version": logger.version}, out)


if __name__ == "__main__":
    main()
