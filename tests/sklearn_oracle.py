"""Checks shared by the engine's tests against scikit-learn (the oracle)."""

from __future__ import annotations

import numpy as np
from sklearn import metrics as M


def check_label_metrics(m: dict, y, pred, w, close) -> None:
    """Accuracy, balanced accuracy, MCC and Cohen's kappa of hard predictions ``pred``."""
    close(m["accuracy"], M.accuracy_score(y, pred, sample_weight=w))
    close(m["balanced_accuracy"], M.balanced_accuracy_score(y, pred, sample_weight=w))
    mcc = M.matthews_corrcoef(y, pred, sample_weight=w)
    if np.isnan(mcc):
        assert m["matthews_corrcoef"] == 0.0  # sklearn: cancellation
    else:
        close(m["matthews_corrcoef"], mcc)
    kappa = M.cohen_kappa_score(y, pred, sample_weight=w)
    if np.isfinite(kappa):
        close(m["cohen_kappa"], kappa)
