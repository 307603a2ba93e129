"""HTTP plumbing shared by the route modules: JSON responses and error handling.

Every route is wrapped by :func:`route`, so no exception ever leaves the plugin as a traceback:
bad parameters give 400, unknown runs or tables 404 and data in the logdir that cannot be read
422 (``{"error": message}``); TensorBoard's data server not answering gives 503. A 500 (with the
details in the server log only) is a bug of ours: every cause a client can provoke is handled
before it reaches the last-resort guard.
"""

from __future__ import annotations

import functools
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

import grpc
from tensorboard import errors
from tensorboard.backend import http_util
from werkzeug import wrappers

from tb_plugin.data import DataError

logger = logging.getLogger(__name__)

JSON = "application/json"
Handler = Callable[[Any, wrappers.Request], wrappers.Response]
WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Status for data in the logdir that cannot be read (the request itself is fine).
UNREADABLE_DATA = 422
#: Status when TensorBoard's data server (``--load_fast=true``) does not answer.
UNAVAILABLE = 503


def respond_json(request: wrappers.Request, content: Any, code: int = 200) -> wrappers.Response:
    """``content`` as JSON (NaN and infinities become TensorBoard's strings, never bare NaN)."""
    return http_util.Respond(request, content, JSON, code=code)


def respond_error(request: wrappers.Request, code: int, message: str) -> wrappers.Response:
    """``{"error": message}`` with status ``code``."""
    return respond_json(request, {"error": message}, code=code)


def _handle(method: Handler, owner: Any, request: wrappers.Request) -> wrappers.Response:
    try:
        return method(owner, request)
    except errors.PublicError as error:
        return respond_error(request, error.http_code, str(error))
    except DataError as error:
        logger.warning("tb_eval: %s %s: %s", request.method, request.full_path, error)
        return respond_error(request, UNREADABLE_DATA, f"cannot read tb_eval data: {error}")
    except grpc.RpcError as error:
        logger.warning("tb_eval: %s %s: data server: %s", request.method, request.full_path, error)
        return respond_error(
            request, UNAVAILABLE, "TensorBoard's data server does not answer (see its log)"
        )
    except Exception:
        logger.exception("tb_eval: %s %s failed", request.method, request.full_path)
        return respond_error(
            request, 500, "internal error in the tb_eval plugin (details in the TensorBoard log)"
        )


def route(method: Handler) -> Callable[..., Iterable[bytes]]:
    """Make ``method(self, request) -> Response`` a WSGI app with the error handling above."""

    @functools.wraps(method)
    def app(owner: Any, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = wrappers.Request(environ)
        return _handle(method, owner, request)(environ, start_response)

    return app


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII-safe ``filename`` and the exact name as ``filename*``."""
    base = name.rsplit("/", 1)[-1]
    safe = _UNSAFE_FILENAME.sub("_", base).strip("._") or "download"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{urllib.parse.quote(base, safe='')}"
