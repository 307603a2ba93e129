"""Pure-numpy evaluation engine: metrics and curves for classification and regression.

Imports neither TensorBoard nor scikit-learn (scikit-learn is the test oracle only).
"""

from .binary import BinaryCounts, average_precision, binary_counts, ks_statistic, roc_auc
from .binned import BinnedSummary, EvaluationAccumulator
from .classification import NORMALIZATIONS, normalize_confusion
from .importance import feature_importance
from .inputs import Prepared, prepare
from .report import Report, evaluate, evaluate_prepared
from .rounding import round_curves, round_significant
from .summary_report import UNAVAILABLE, evaluate_summary, summary_threshold_table
from .thresholds import THRESHOLD_COLUMNS, one_vs_rest, threshold_table

__all__ = [
    "NORMALIZATIONS",
    "THRESHOLD_COLUMNS",
    "average_precision",
    "binary_counts",
    "BinaryCounts",
    "BinnedSummary",
    "EvaluationAccumulator",
    "evaluate",
    "evaluate_prepared",
    "evaluate_summary",
    "feature_importance",
    "ks_statistic",
    "normalize_confusion",
    "one_vs_rest",
    "prepare",
    "Prepared",
    "Report",
    "roc_auc",
    "round_curves",
    "round_significant",
    "summary_threshold_table",
    "threshold_table",
    "UNAVAILABLE",
]
