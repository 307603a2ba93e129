"""Hyper-parameter searches written as one run per candidate, on scikit-learn's breast cancer data.

- ``cancer-grid``: a ``GridSearchCV`` over a scaler + logistic regression pipeline, scored on
  accuracy and ROC AUC; the best candidate (tag ``best=yes``) also holds the refitted model's
  test predictions and coefficients;
- ``cancer-halving``: a ``HalvingGridSearchCV`` over decision trees, each halving iteration a
  step of the candidates that reached it.

Compare the candidates in TensorBoard's HParams dashboard:

    python examples/sklearn_search.py --logdir runs && tensorboard --logdir runs
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_breast_cancer
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from tb_eval.integrations.sklearn import log_search


def main(logdir: str = "runs") -> None:
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        {
            "logisticregression__C": [0.01, 0.1, 1.0, 10.0],
            "logisticregression__class_weight": [None, "balanced"],
        },
        cv=3,
        scoring={"accuracy": "accuracy", "roc_auc": "roc_auc"},
        refit="roc_auc",
    ).fit(X_train, y_train)
    runs = log_search(grid, logdir, experiment="cancer-grid", X_test=X_test, y_test=y_test)
    print(f"{len(runs)} grid candidates; best {grid.best_params_} -> {runs[grid.best_index_]}")

    halving = HalvingGridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [2, 3, 4, 6, None], "min_samples_leaf": [1, 5, 20]},
        cv=3,
        random_state=0,
    ).fit(X_train, y_train)
    runs = log_search(halving, logdir, experiment="cancer-halving", X_test=X_test, y_test=y_test)
    print(f"{len(runs)} halving candidates over {halving.n_iterations_} iterations")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs")
    main(parser.parse_args().logdir)
