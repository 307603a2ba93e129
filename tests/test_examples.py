"""The examples run and write what the README promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tb_eval

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_demo_writes_the_sweeps(tmp_path):
    subprocess.run(
        [sys.executable, str(EXAMPLES / "demo.py"), "--logdir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    ridge = tb_eval.open_run(tmp_path / "diabetes-ridge" / "alpha-0.03")
    assert ridge.status == "success"
    assert ridge.get_params() == {"alpha": 0.03}
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
