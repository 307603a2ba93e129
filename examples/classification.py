"""Classification runs for the evaluation dashboards, on data scikit-learn ships.

- ``breast-cancer``: a binary gradient-boosting model, its validation predictions logged at every
  tenth boosting stage (a step each), with feature importances;
- ``digits``: a 10-class sweep of SGD logistic regressions over ``alpha``, predictions logged
  every epoch, so the runs can be compared at any step;
- ``multilabel``: a synthetic multilabel problem.

    python examples/classification.py --logdir runs && tensorboard --logdir runs
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_multilabel_classification
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputClassifier
from sklearn.preprocessing import StandardScaler

import tb_eval
from tb_eval.integrations.sklearn import log_estimator


def breast_cancer(logdir: str) -> None:
    data = load_breast_cancer()
    X_train, X_val, y_train, y_val = train_test_split(
        data.data, data.target, test_size=0.3, random_state=0, stratify=data.target
    )
    params = {"n_estimators": 100, "learning_rate": 0.1, "max_depth": 2}
    with tb_eval.start_logging(
        logdir, experiment="breast-cancer", run_name="gradient-boosting", params=params
    ) as run:
        model = GradientBoostingClassifier(random_state=0, **params).fit(X_train, y_train)
        labels = [str(name) for name in data.target_names]  # malignant, benign
        truth = np.array(labels)[y_val]
        for stage, proba in enumerate(model.staged_predict_proba(X_val), start=1):
            if stage % 10 == 0:
                run.log_predictions("val", truth, y_score=proba, labels=labels, step=stage)
                run.log("val/accuracy", float((proba.argmax(1) == y_val).mean()), step=stage)
        run.log_feature_importance("gini", list(data.feature_names), model.feature_importances_)


def digits(logdir: str, epochs: int = 8) -> None:
    data = load_digits()
    X = StandardScaler().fit_transform(data.data)
    X_train, X_val, y_train, y_val = train_test_split(
        X, data.target, test_size=0.3, random_state=0, stratify=data.target
    )
    labels = [str(digit) for digit in range(10)]
    truth = np.array(labels)[y_val]
    for alpha in (1e-4, 1e-3, 1e-2):
        with tb_eval.start_logging(
            logdir, experiment="digits-sgd", run_name=f"alpha-{alpha:g}", params={"alpha": alpha}
        ) as run:
            model = SGDClassifier(loss="log_loss", alpha=alpha, random_state=0)
            for epoch in range(epochs):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.partial_fit(X_train, y_train, classes=np.arange(10))
                proba = model.predict_proba(X_val)
                run.log_predictions("val", truth, y_score=proba, labels=labels, step=epoch)
                run.log("val/accuracy", model.score(X_val, y_val), step=epoch)
            run.log_feature_importance(
                "mean |coefficient|",
                [f"pixel {i // 8},{i % 8}" for i in range(64)],
                np.abs(model.coef_).mean(axis=0),
                per_class={label: np.abs(row) for label, row in zip(labels, model.coef_)},
            )


def multilabel(logdir: str) -> None:
    X, Y = make_multilabel_classification(
        n_samples=1500, n_features=20, n_classes=5, random_state=0
    )
    X_train, X_val, Y_train, Y_val = train_test_split(X, Y, test_size=0.4, random_state=0)
    topics = ["sports", "politics", "science", "music", "travel"]
    with tb_eval.start_logging(logdir, experiment="topics", run_name="one-vs-rest") as run:
        model = MultiOutputClassifier(SGDClassifier(loss="log_loss", random_state=0))
        model.fit(X_train, Y_train)
        # one call: params, the per-topic probabilities, and each topic's coefficients
        log_estimator(run, model, X_val, Y_val, name="val", labels=topics)


def main(logdir: str = "runs") -> None:
    breast_cancer(logdir)
    digits(logdir)
    multilabel(logdir)
    print(f"classification runs written to {logdir}/")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs")
    main(parser.parse_args().logdir)
