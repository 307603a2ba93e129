"""The run record: params, tags, status and uploaded files, for our plugin and ``get_tags``.

Each change appends the full record as JSON at the next step of tag ``tb_eval/run/record``;
readers take the last one. (TensorBoard freezes metadata at the first record, so nothing changing
lives there.)

One validator, :func:`check_fields`, serves both readers with their own policy: ``open_run``
refuses a record with a field of the wrong type (:func:`decode`, a ``ValueError``), the plugin
keeps the good fields and lists the problems (:func:`shown_fields`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor

KIND, DATA_CLASS, STORAGE = "run", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
#: The run record is the run's, not a logged name's.
CLAIMS_NAME = False
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS, only="record")
TAG = tag()
#: Uploaded files live under ``<run directory>/ARTIFACTS_DIR/<name>``.
ARTIFACTS_DIR = "artifacts"

#: The record's fields and the types they must have (``null`` allowed where noted by a caller).
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "id": (str,),
    "display_name": (str,),
    "experiment": (str,),
    "parent": (str,),
    "status": (str,),
    "error": (str,),
    "params": (dict,),
    "tags": (dict,),
    "properties": (dict,),
    "files": (list,),
    "start_time": (int, float),
    "end_time": (int, float),
}
#: The fields the plugin shows, and those of them a run may lack (``null``).
SHOWN_FIELDS = (
    "name",
    "experiment",
    "status",
    "params",
    "tags",
    "properties",
    "display_name",
    "parent",
    "files",
    "start_time",
    "end_time",
)
NULLABLE_SHOWN = frozenset({"experiment", "display_name", "parent", "start_time", "end_time"})


def encode(record: dict[str, Any]):
    return json_tensor(record)


def check_fields(
    record: dict[str, Any], fields: Iterable[str], nullable: Collection[str]
) -> tuple[dict[str, Any], list[tuple[str, Any, tuple[type, ...]]]]:
    """The fields of ``record`` among ``fields`` that have their type (``None`` allowed for
    ``nullable`` ones), and ``(field, value, expected types)`` for each that has not."""
    kept, problems = {}, []
    for field in fields:
        if field not in record:
            continue
        value = record[field]
        types = FIELD_TYPES[field] + ((type(None),) if field in nullable else ())
        if isinstance(value, bool) or not isinstance(value, types):
            problems.append((field, value, types))
        else:
            kept[field] = value
    return kept, problems


def decode(document: Any) -> dict[str, Any]:
    """A stored record, every known field of its type or ``None``; ``ValueError`` otherwise."""
    if not isinstance(document, dict):
        raise ValueError(f"the run record is a {type(document).__name__}, not an object")
    _, problems = check_fields(document, FIELD_TYPES, nullable=FIELD_TYPES)
    if problems:
        field, value, _ = problems[0]
        raise ValueError(f"the run record's {field!r} is a {type(value).__name__}")
    files = document.get("files") or []
    if not all(isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in files):
        raise ValueError("the run record's 'files' are not objects with a name")
    return document


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def shown_fields(record: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The fields the plugin shows that have their type, and one problem per field that has not
    (files: only well-formed ``{"name": str, "size": int}`` entries are kept)."""
    kept, wrong = check_fields(record, SHOWN_FIELDS, NULLABLE_SHOWN)
    problems = []
    for field, value, types in wrong:
        expected = " or ".join("null" if t is type(None) else t.__name__ for t in types)
        problems.append(f"{field!r} should be {expected}, not {_type_name(value)}")
    files = []
    for index, entry in enumerate(kept.get("files", [])):
        name = entry.get("name") if isinstance(entry, dict) else None
        size = entry.get("size") if isinstance(entry, dict) else None
        if not isinstance(name, str) or isinstance(size, bool) or not isinstance(size, int):
            problems.append(f"files[{index}] should be {{name: str, size: int}}")
        else:
            files.append({"name": name, "size": size})
    kept["files"] = files
    return kept, problems
