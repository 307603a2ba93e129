"""The sweep record: which metric a sweep optimises, and in which direction.

It lives at the experiment's root directory (``<logdir>/<experiment>/``, next to TensorBoard's
HParams experiment config), tag ``tb_eval/sweep/record``, as JSON::

    {"experiment": "sweep", "metric": "accuracy", "mode": "max",
     "metrics": [{"name": "accuracy", "mode": "max"}], "source": "ray"}

``metric`` is the scalar tag (as logged in each trial's run) the sweep optimises, ``mode`` its
direction; ``metrics`` lists every objective, the primary first (a multi-objective study has
several). Each change is written at a higher step; readers take the record at the highest step.
The experiment root holds no run record: it is the sweep, not one of its runs.
"""

from __future__ import annotations

import json
from typing import Any

from tb_eval.kinds import common
from tb_eval.kinds.common import DATA_CLASS_TENSOR, JSON, json_tensor

KIND, DATA_CLASS, STORAGE = "sweep", DATA_CLASS_TENSOR, JSON
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
#: The sweep record is the experiment's, not a logged name's.
CLAIMS_NAME = False
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS, only="record")
TAG = tag()
MODES = ("max", "min")
SOURCES = ("ray", "optuna", "user")


def _check_metric_name(value: Any, argument: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{argument}: expected a metric name (a non-empty str), got {value!r}")
    return value


def check_mode(value: Any, argument: str = "mode") -> str:
    if value not in MODES:
        raise ValueError(f"{argument}: expected 'max' or 'min', got {value!r}")
    return value


def check(record: Any) -> dict[str, Any]:
    """``record`` validated and normalised (``ValueError`` naming the bad field otherwise)."""
    if not isinstance(record, dict):
        raise ValueError(f"sweep record: expected a JSON object, got {record!r:.80}")
    experiment = record.get("experiment")
    if not isinstance(experiment, str) or not experiment:
        raise ValueError(f"experiment: expected a non-empty str, got {experiment!r}")
    metric = _check_metric_name(record.get("metric"), "metric")
    mode = check_mode(record.get("mode"))
    raw_metrics = record.get("metrics", [{"name": metric, "mode": mode}])
    if not isinstance(raw_metrics, list) or not raw_metrics:
        raise ValueError(f"metrics: expected a non-empty list, got {raw_metrics!r:.80}")
    metrics = []
    for index, entry in enumerate(raw_metrics):
        if not isinstance(entry, dict):
            raise ValueError(f"metrics[{index}]: expected {{'name', 'mode'}}, got {entry!r:.80}")
        metrics.append(
            {
                "name": _check_metric_name(entry.get("name"), f"metrics[{index}].name"),
                "mode": check_mode(entry.get("mode"), f"metrics[{index}].mode"),
            }
        )
    names = [entry["name"] for entry in metrics]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics: a metric appears more than once in {names}")
    if metrics[0] != {"name": metric, "mode": mode}:
        raise ValueError(
            f"metrics: the first entry must be the primary metric {metric!r} ({mode}), "
            f"got {metrics[0]}"
        )
    source = record.get("source", "user")
    if source not in SOURCES:
        raise ValueError(f"source: expected one of {list(SOURCES)}, got {source!r}")
    return {
        "experiment": experiment,
        "metric": metric,
        "mode": mode,
        "metrics": metrics,
        "source": source,
    }


def encode(record: dict[str, Any]):
    """The record as the tensor to write (validated first)."""
    return json_tensor(check(record))


def decode(document: Any) -> dict[str, Any]:
    """A written record back, from its parsed JSON (what the reader hands kinds) or its raw
    bytes; ``ValueError`` for anything that is not a valid record."""
    if isinstance(document, (bytes, str)):
        try:
            document = json.loads(document)
        except (ValueError, UnicodeDecodeError) as error:
            raise ValueError(f"sweep record: not JSON ({error})") from None
    return check(document)
