"""A Ridge regression alpha sweep on scikit-learn's diabetes data, one tb_eval run per alpha.

Each run logs the model with ``log_estimator`` (its params, test predictions and coefficients),
the test MSE, a log_list of the coefficient path, and uploads the fitted model. Compare the runs
in TensorBoard's Scalars and HParams dashboards:

    python examples/ridge_sweep.py --logdir runs && tensorboard --logdir runs
"""

from __future__ import annotations

import argparse
import io
import pickle

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

import tb_eval
from tb_eval.integrations.sklearn import log_estimator

ALPHAS = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0)


def main(logdir: str = "runs") -> None:
    data = load_diabetes()
    X, y, feature_names = data.data, data.target, list(data.feature_names)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    for alpha in ALPHAS:
        with tb_eval.start_logging(
            logdir, experiment="diabetes-ridge", run_name=f"alpha-{alpha}", params={"alpha": alpha}
        ) as run:
            model = Ridge(alpha=alpha).fit(X_train, y_train)
            # params (get_params), predictions "test" and the coefficients "coef_" in one call
            report = log_estimator(run, model, X_test, y_test, feature_names=feature_names)
            predictions = model.predict(X_test)
            mse = mean_squared_error(y_test, predictions)
            run.log("mse", mse)
            run.log("r2", report.metrics["r2"])
            run.log_list("coefficients", model.coef_)
            for sample_size in (50, 100, 200, len(X_train)):
                partial = Ridge(alpha=alpha).fit(X_train[:sample_size], y_train[:sample_size])
                run.log_row(
                    "mse by training size",
                    train_size=sample_size,
                    mse=mean_squared_error(y_test, partial.predict(X_test)),
                )
            run.log_table(
                "test predictions",
                {
                    "y_true": y_test,
                    "y_pred": predictions,
                    "abs_error": np.abs(y_test - predictions),
                },
            )
            run.upload_file("outputs/model.pkl", io.BytesIO(pickle.dumps(model)))
            run.tag("selected", "yes" if alpha == 0.03 else "no")
            print(f"alpha={alpha}: mse={mse:.1f} -> {run.directory}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs")
    main(parser.parse_args().logdir)
