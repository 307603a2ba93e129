"""The run record: params, tags, status and uploaded files, for our plugin and ``get_tags``.

Each change appends the full record as JSON at the next step of tag ``tb_eval/run``; readers take
the last one. (TensorBoard freezes metadata at the first record, so nothing changing lives there.)
"""

from __future__ import annotations

from tb_eval.kinds.common import DATA_CLASS_TENSOR, our_metadata, our_tag

KIND = "run"
TAG = our_tag(KIND, "record")
#: Uploaded files live under ``<run directory>/ARTIFACTS_DIR/<name>``.
ARTIFACTS_DIR = "artifacts"


def metadata():
    return our_metadata(KIND, DATA_CLASS_TENSOR)
