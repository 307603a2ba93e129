"""What the route modules share: data access, the cache and the stores (tables, evaluations with
their importance and confusion documents), all built here.

A new group of routes (for example evaluation reports from ``tb_eval/predictions/<name>`` blobs)
takes a :class:`Services`, reads through ``services.data``, caches in ``services.cache`` and
registers its routes in :mod:`tb_plugin.plugin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tensorboard import plugin_util
from tensorboard.plugins.base_plugin import TBContext
from werkzeug import wrappers

from tb_eval.kinds.common import PLUGIN_NAME
from tb_plugin.cache import LruCache
from tb_plugin.data import DataAccess, downsample_for
from tb_plugin.evaluation_store import EvaluationStore
from tb_plugin.tables import TableStore


@dataclass
class Services:
    """Shared state of one plugin instance."""

    data: DataAccess
    cache: LruCache
    tables: TableStore
    evaluations: EvaluationStore

    @classmethod
    def from_context(cls, context: TBContext, cache_bytes: int) -> Services:
        """Services reading from ``context.data_provider`` with its sampling hint for us."""
        hints = context.sampling_hints or {}
        data = DataAccess(context.data_provider, downsample_for(hints.get(PLUGIN_NAME)))
        cache = LruCache(cache_bytes)
        return cls(data, cache, TableStore(data, cache), EvaluationStore(data, cache))


def request_context(request: wrappers.Request) -> tuple[Any, str]:
    """The provider's request context and the experiment id of ``request``."""
    return plugin_util.context(request.environ), plugin_util.experiment_id(request.environ)
