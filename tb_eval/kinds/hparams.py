"""Hyper-parameters and run status for TensorBoard's HParams dashboard.

One session per run, in the run's own directory: ``_hparams_/session_start_info`` holding the
params (and tags), and ``_hparams_/session_end_info`` holding the final status. TensorBoard keeps
the first record it sees of each, so each is written once: the start when the run first writes
to disk, the end when the run completes or fails.
"""

from __future__ import annotations

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tb_eval.kinds.common import float64_tensor, summary_value

PLUGIN_NAME = hparams_metadata.PLUGIN_NAME
START_TAG = hparams_metadata.SESSION_START_INFO_TAG
END_TAG = hparams_metadata.SESSION_END_INFO_TAG
EXPERIMENT_TAG = hparams_metadata.EXPERIMENT_TAG
STATUS = {
    "running": api_pb2.STATUS_RUNNING,
    "success": api_pb2.STATUS_SUCCESS,
    "failure": api_pb2.STATUS_FAILURE,
}
_EMPTY = np.zeros((0,), dtype=np.float64)


def to_proto_value(value: str | bool | int | float) -> struct_pb2.Value:
    """A ``google.protobuf.Value`` for one param."""
    if isinstance(value, bool):
        return struct_pb2.Value(bool_value=value)
    if isinstance(value, (int, float)):
        try:
            return struct_pb2.Value(number_value=float(value))
        except OverflowError:  # an int beyond a double's range: shown as its digits
            return struct_pb2.Value(string_value=str(value))
    return struct_pb2.Value(string_value=value)


def _value(tag: str, data: plugin_data_pb2.HParamsPluginData) -> summary_pb2.Summary.Value:
    data.version = hparams_metadata.PLUGIN_DATA_VERSION
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name=hparams_metadata.PLUGIN_NAME, content=data.SerializeToString()
        ),
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )
    # The Rust loader needs a tensor on every value, even though the data is in the metadata.
    return summary_value(tag, float64_tensor(_EMPTY), metadata)


def start_value(hparams: dict, group_name: str, start_time: float) -> summary_pb2.Summary.Value:
    """The session-start record."""
    info = plugin_data_pb2.SessionStartInfo(group_name=group_name, start_time_secs=start_time)
    for name, raw in hparams.items():
        info.hparams[name].CopyFrom(to_proto_value(raw))
    return _value(START_TAG, plugin_data_pb2.HParamsPluginData(session_start_info=info))


def end_value(status: str, end_time: float) -> summary_pb2.Summary.Value:
    """The session-end record with ``status`` (``success`` or ``failure``)."""
    info = plugin_data_pb2.SessionEndInfo(status=STATUS[status], end_time_secs=end_time)
    return _value(END_TAG, plugin_data_pb2.HParamsPluginData(session_end_info=info))


#: HParams' data types by the Python type of a param's values.
_DATA_TYPES = {
    "bool": api_pb2.DATA_TYPE_BOOL,
    "float": api_pb2.DATA_TYPE_FLOAT64,
    "str": api_pb2.DATA_TYPE_STRING,
}


def experiment_value(
    domains: dict[str, dict], metrics: list[str], time_created: float
) -> summary_pb2.Summary.Value:
    """The experiment config (``_hparams_/experiment``): one ``HParamInfo`` per param of
    ``domains`` (``{name: {"type": "float"|"str"|"bool", "values": [...]}`` for a discrete
    domain, or ``{"type": "float", "min": a, "max": b}`` for an interval; neither key: no
    domain), and one ``MetricInfo`` per scalar tag of ``metrics``."""
    experiment = api_pb2.Experiment(time_created_secs=time_created)
    for name, domain in domains.items():
        info = experiment.hparam_infos.add(name=name, type=_DATA_TYPES[domain["type"]])
        if "values" in domain:
            info.domain_discrete.extend(domain["values"])
        elif "min" in domain:
            info.domain_interval.min_value = domain["min"]
            info.domain_interval.max_value = domain["max"]
    for tag in metrics:
        experiment.metric_infos.add(name=api_pb2.MetricName(group="", tag=tag))
    return _value(EXPERIMENT_TAG, plugin_data_pb2.HParamsPluginData(experiment=experiment))


_TYPE_NAMES = {data_type: name for name, data_type in _DATA_TYPES.items()}


def _python(value: struct_pb2.Value) -> bool | float | str | None:
    kind = value.WhichOneof("kind")
    return None if kind in (None, "null_value") else getattr(value, kind)


def parse_experiment(content: bytes) -> tuple[dict[str, dict], list]:
    """The ``(domains, metrics)`` of an experiment config's plugin data (the metadata content
    of ``_hparams_/experiment``, ours or torch's), as :func:`experiment_value` takes them: a
    type TensorBoard does not name reads as ``None``, a metric with a group as
    ``(group, tag)``."""
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content).experiment
    domains: dict[str, dict] = {}
    for info in experiment.hparam_infos:
        domain: dict = {"type": _TYPE_NAMES.get(info.type)}
        which = info.WhichOneof("domain")
        if which == "domain_discrete":
            domain["values"] = [_python(value) for value in info.domain_discrete.values]
        elif which == "domain_interval":
            domain["min"] = info.domain_interval.min_value
            domain["max"] = info.domain_interval.max_value
        domains[info.name] = domain
    metrics = [
        (info.name.group, info.name.tag) if info.name.group else info.name.tag
        for info in experiment.metric_infos
    ]
    return domains, metrics
