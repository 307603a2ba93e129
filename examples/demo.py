"""Write every demo run into one logdir (``make demo`` serves it in TensorBoard)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classification  # noqa: E402
import ridge_sweep  # noqa: E402
import sklearn_search  # noqa: E402

#: The experiments the demo writes; a new demo replaces them (and nothing else in the logdir).
EXPERIMENTS = (
    "diabetes-ridge",
    "breast-cancer",
    "digits-sgd",
    "topics",
    "cancer-grid",
    "cancer-halving",
)


def main(logdir: str) -> None:
    for experiment in EXPERIMENTS:
        path = os.path.join(logdir, experiment)
        if os.path.isdir(path):
            print(f"replacing the previous demo's {path}/")
            shutil.rmtree(path)
    ridge_sweep.main(logdir)
    classification.main(logdir)
    sklearn_search.main(logdir)
    print(f"demo runs written to {logdir}/; serving them with: tensorboard --logdir {logdir}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logdir", default="runs")
    main(parser.parse_args().logdir)
