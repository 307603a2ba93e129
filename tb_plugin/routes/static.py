"""``/static/*``: the frontend bundle from ``tb_plugin/static`` (built by the frontend)."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable

from tensorboard import errors
from tensorboard.backend import http_util
from werkzeug import wrappers

from tb_plugin.http import route
from tb_plugin.services import PLUGIN_NAME

STATIC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static")
_PREFIX = f"/data/plugin/{PLUGIN_NAME}/static/"
#: Module scripts are MIME-checked under ``nosniff``; fonts and maps need their own types too.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".map": "application/json",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".wasm": "application/wasm",
}


def static_path(relative: str, root: str = STATIC_DIR) -> str | None:
    """The file under ``root`` that ``relative`` names, or ``None`` if it lies outside or is
    not a regular file (``..``, absolute paths and symlinks leading out are refused)."""
    if not relative or "\0" in relative or relative.startswith(("/", "\\")):
        return None
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, os.path.normpath(relative)))
    if not target.startswith(base + os.sep) or not os.path.isfile(target):
        return None
    return target


def content_type(path: str) -> str:
    """The MIME type to serve ``path`` with."""
    extension = os.path.splitext(path)[1].lower()
    return _TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class StaticRoutes:
    """Serves the files of ``tb_plugin/static``."""

    def __init__(self, root: str = STATIC_DIR) -> None:
        self._root = root

    def routes(self) -> dict[str, Callable]:
        return {"/static/*": self._serve}

    @route
    def _serve(self, request: wrappers.Request) -> wrappers.Response:
        relative = request.path[len(_PREFIX) :] if request.path.startswith(_PREFIX) else ""
        path = static_path(relative, self._root)
        if path is None:
            raise errors.NotFoundError(f"no static file {relative!r}")
        with open(path, "rb") as handle:
            body = handle.read()
        return http_util.Respond(request, body, content_type(path))
