"""``log_list`` series, kept exactly (float64) beside their float32 scalars.

The Scalars dashboard gets the values as an ordinary scalar series; this record, one per
``log_list`` call at tag ``tb_eval/list/<name>``, keeps the exact values and marks the series as a
list for our plugin.
"""

from __future__ import annotations

from tb_eval.kinds.common import DATA_CLASS_TENSOR, our_metadata

KIND = "list"


def metadata():
    return our_metadata(KIND, DATA_CLASS_TENSOR)
