"""Child runs: a run's sub-directories that are runs themselves (a sweep's trials).

A child of the run at ``runs/sweep/parent`` lives in ``runs/sweep/parent/<child>``, so
TensorBoard lists it as ``sweep/parent/<child>`` beside its parent; its record names the
parent's id. ``artifacts`` (the parent's uploaded files) is never a child's name.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from typing import Any

from tb_eval import validation
from tb_eval.kinds import run_record
from tb_eval.record import AZURE_STATUS, RecordSurface


def child_directory_name(parent_directory: str, name: Any, run_id: Any) -> str:
    """The directory name of a new child: ``run_id`` (which must be free), else ``name``
    (suffixed when taken), else a generated one."""
    if run_id is not None:
        chosen = _check_child_name(run_id, "run_id")
        if os.path.exists(os.path.join(parent_directory, chosen)):
            raise FileExistsError(f"run_id: this run already has a child {chosen!r}")
        return chosen
    if name is not None:
        base = _check_child_name(name, "name")
    else:
        base = "child"
    chosen = base
    while os.path.exists(os.path.join(parent_directory, chosen)) or (
        name is None and chosen == base
    ):
        chosen = f"{base}-{uuid.uuid4().hex[:6]}"
    return chosen


def _check_child_name(value: Any, argument: str) -> str:
    value = validation.check_path_component(value, argument)
    if "/" in value or value == run_record.ARTIFACTS_DIR:
        raise ValueError(
            f"{argument}: {value!r} is not usable as a child run's directory name "
            f"(no '/', not {run_record.ARTIFACTS_DIR!r})"
        )
    return value


def _matches(values: dict[str, Any], wanted: Any, argument: str) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return wanted in values
    if isinstance(wanted, Mapping):
        return all(key in values and values[key] == value for key, value in wanted.items())
    raise TypeError(f"{argument}: expected a name or a dict of values, got {wanted!r}")


def find_children(
    run: RecordSurface,
    live: list[RecordSurface],
    recursive: bool,
    tags: Any,
    properties: Any,
    status: Any,
) -> list[RecordSurface]:
    """The children of ``run``: ``live`` ones first (as objects), then any other sub-directory
    run found on disk (opened with :func:`tb_eval.open_run`), filtered as Azure's
    ``get_children``."""
    from tb_eval.reader import event_files, open_run

    if status is not None and status not in AZURE_STATUS.values():
        raise ValueError(f"status: expected one of {sorted(AZURE_STATUS.values())}, got {status!r}")
    by_directory = {os.path.normpath(child.directory): child for child in live}
    found: list[RecordSurface] = list(live)
    if os.path.isdir(run.directory):
        for entry in sorted(os.scandir(run.directory), key=lambda e: e.name):
            path = os.path.normpath(entry.path)
            if (
                entry.is_dir()
                and entry.name != run_record.ARTIFACTS_DIR
                and path not in by_directory
                and event_files(path)
            ):
                found.append(open_run(path))
    selected = []
    for child in found:
        descendants = (
            child.get_children(recursive=True)
            if recursive and hasattr(child, "get_children")
            else []
        )
        if (
            _matches(child.get_tags(), tags, "tags")
            and _matches(child.get_properties(), properties, "properties")
            and (status is None or child.get_status() == status)
        ):
            selected.append(child)
        selected.extend(
            d
            for d in descendants
            if _matches(d.get_tags(), tags, "tags")
            and _matches(d.get_properties(), properties, "properties")
            and (status is None or d.get_status() == status)
        )
    return selected
