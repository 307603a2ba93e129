"""Feature importances (``log_feature_importance``): a small JSON document per step at
``tb_eval/importance/<name>``."""

from __future__ import annotations

from tb_eval.kinds.common import DATA_CLASS_TENSOR, our_metadata

IMPORTANCE_KIND = "importance"


def importance_metadata():
    return our_metadata(IMPORTANCE_KIND, DATA_CLASS_TENSOR)
