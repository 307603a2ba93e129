"""The examples run and write what the README promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tb_eval
from tb_eval.reader import read_run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_demo_writes_the_sweeps(tmp_path):
    # The examples import this checkout's tb_eval, not whichever copy is installed.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, str(EXAMPLES / "demo.py"), "--logdir", str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    ridge = tb_eval.open_run(tmp_path / "diabetes-ridge" / "alpha-0.03")
    assert ridge.status == "success"
    params = ridge.get_params()  # log_estimator: Ridge's get_params()
    assert params["alpha"] == 0.03 and params["solver"] == "auto" and params["fit_intercept"]
    assert ridge.get_tags() == {"selected": "yes"}
    assert ridge.get_file_names() == ["outputs/model.pkl"]
    metrics = ridge.get_metrics()
    assert 2000 < metrics["mse"] < 5000 and len(metrics["coefficients"]) == 10
    assert ridge.get_predictions("test").task == "regression"
    digits = tb_eval.open_run(tmp_path / "digits-sgd" / "alpha-0.001")
    assert digits.get_predictions("val").task == "multiclass"
    assert len(digits.get_metrics()["val/accuracy"]) == 8
    cancer = tb_eval.open_run(tmp_path / "breast-cancer" / "gradient-boosting")
    assert cancer.get_predictions("val", step=100).labels == ["malignant", "benign"]
    topics = tb_eval.open_run(tmp_path / "topics" / "one-vs-rest")
    assert topics.get_predictions("val").task == "multilabel"
    assert topics.get_predictions("val").labels == [
        "sports",
        "politics",
        "science",
        "music",
        "travel",
    ]
    grid = sorted((tmp_path / "cancer-grid").iterdir())
    assert len(grid) == 8
    best = [
        tb_eval.open_run(path)
        for path in grid
        if tb_eval.open_run(path).get_tags()["best"] == "yes"
    ]
    assert len(best) == 1 and best[0].get_predictions("test").task == "binary"
    assert 0.9 < best[0].get_metrics()["mean_test_roc_auc"] <= 1
    halving = [read_run(str(path)) for path in (tmp_path / "cancer-halving").iterdir()]
    assert len(halving) == 15
    assert max(data.scalars["mean_test_score"][0][-1] for data in halving) == 2  # 3 iterations
