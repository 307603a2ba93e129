"""Pure-numpy evaluation engine: metrics and curves for classification and regression.

Imports neither TensorBoard nor scikit-learn (scikit-learn is the test oracle only).
"""

from .binned import BinnedSummary
from .classification import NORMALIZATIONS, normalize_confusion
from .importance import feature_importance
from .inputs import Prepared, prepare
from .report import Report, evaluate, evaluate_prepared
from .rounding import round_curves, round_significant
from .thresholds import THRESHOLD_COLUMNS, one_vs_rest, threshold_table

__all__ = [
    "NORMALIZATIONS",
    "THRESHOLD_COLUMNS",
    "BinnedSummary",
    "Prepared",
    "Report",
    "evaluate",
    "evaluate_prepared",
    "feature_importance",
    "normalize_confusion",
    "prepare",
    "round_curves",
    "one_vs_rest",
    "round_significant",
    "threshold_table",
]
