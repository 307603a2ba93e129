"""Helpers for the plugin's robustness tests: an in-process plugin over a real logdir (read by
TensorBoard's Python data provider, driven through werkzeug's test client), and logdirs holding
malformed run records."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.backend.event_processing.data_provider import MultiplexerDataProvider
from tensorboard.compat.proto import tensor_pb2, tensor_shape_pb2
from tensorboard.plugins import base_plugin
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tb_eval.io.events import encode_event, file_version_event
from tb_eval.kinds import common, run_record
from tb_plugin.plugin import TbEvalPlugin

PREFIX = "/data/plugin/tb_eval"


def plugin_client(logdir: str | os.PathLike) -> Client:
    """A werkzeug test client for the plugin's routes (``PREFIX + route``) over ``logdir``,
    loaded once by TensorBoard's Python multiplexer (every record kept)."""
    logdir = os.fspath(logdir)
    multiplexer = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={"tb_eval": 0})
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    context = base_plugin.TBContext(
        data_provider=MultiplexerDataProvider(multiplexer, logdir),
        flags=argparse.Namespace(tb_eval_cache_mb=64),
        logdir=logdir,
        sampling_hints={"tb_eval": 0},
    )
    apps = TbEvalPlugin(context).get_plugin_apps()

    def dispatch(environ: dict, start_response):
        route = environ["PATH_INFO"][len(PREFIX) :]
        app = apps.get(route) or (apps["/static/*"] if route.startswith("/static/") else None)
        if app is None:
            return Response("no such route", 404)(environ, start_response)
        return app(environ, start_response)

    return Client(dispatch)


def _shape(*dims: int) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims]
    )


def _string_record(*values: bytes, dtype: int = 7) -> tensor_pb2.TensorProto:
    return tensor_pb2.TensorProto(dtype=dtype, tensor_shape=_shape(), string_val=list(values))


#: Malformed run records by what is wrong with them: the tensor, then its JSON.
BAD_RECORDS: dict[str, tensor_pb2.TensorProto] = {
    "dtype0": _string_record(b'{"status": "success"}', dtype=0),
    "two_strings": _string_record(b'{"status": "success"}', b'{"status": "failure"}'),
    "no_string": _string_record(),
    "float_tensor": tensor_pb2.TensorProto(dtype=1, tensor_shape=_shape(), float_val=[1.0]),
    "not_json": _string_record(b"{not json"),
    "not_utf8": _string_record(b"\xff\xfe"),
    "not_object": _string_record(b"[1, 2]"),
    "wrong_types": _string_record(
        b'{"name": 5, "experiment": [], "status": 1, "params": [], "tags": "x",'
        b' "files": {"a": 1}, "start_time": "soon"}'
    ),
    "bad_file_entries": _string_record(
        b'{"status": "success", "files": [{"name": 3}, "x", {"name": "ok.txt", "size": "big"}]}'
    ),
}


def write_bad_record(
    run_dir: str | os.PathLike, tensor: tensor_pb2.TensorProto, kind: str = run_record.KIND
) -> Path:
    """An event file in ``run_dir`` whose only record is ``tensor``: the run record, or a
    tensor of our ``kind`` named ``broken``."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    tag = run_record.TAG if kind == run_record.KIND else common.our_tag(kind, "broken")
    metadata = common.our_metadata(kind, common.DATA_CLASS_TENSOR)
    value = common.summary_value(tag, tensor, metadata)
    path = run_dir / f"events.out.tfevents.{int(time.time())}.test.{os.getpid()}.{kind}"
    path.write_bytes(file_version_event(time.time()) + encode_event(time.time(), 0, [value]))
    return path
