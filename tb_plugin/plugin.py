"""The tb_eval TensorBoard plugin: frontend metadata and the routes of each route module."""

from __future__ import annotations

from collections.abc import Callable

from tensorboard.plugins import base_plugin

from tb_plugin.flags import DEFAULT_CACHE_MB
from tb_plugin.routes.evaluation import EvaluationRoutes
from tb_plugin.routes.runs import RunRoutes
from tb_plugin.routes.static import StaticRoutes
from tb_plugin.routes.tables import TableRoutes
from tb_plugin.services import PLUGIN_NAME, Services


class TbEvalPlugin(base_plugin.TBPlugin):
    """Serves tb_eval runs, tables, lists and files under ``/data/plugin/tb_eval/``."""

    plugin_name = PLUGIN_NAME

    def __init__(self, context: base_plugin.TBContext) -> None:
        cache_mb = getattr(context.flags, "tb_eval_cache_mb", None)
        if not isinstance(cache_mb, int):
            cache_mb = DEFAULT_CACHE_MB
        self.services = Services.from_context(context, cache_mb * 2**20)
        self._route_groups = [
            StaticRoutes(),
            RunRoutes(self.services),
            TableRoutes(self.services),
            EvaluationRoutes(self.services),
        ]

    def get_plugin_apps(self) -> dict[str, Callable]:
        apps: dict[str, Callable] = {}
        for group in self._route_groups:
            for path, app in group.routes().items():
                if path in apps:
                    raise ValueError(f"route {path} registered twice")
                apps[path] = app
        return apps

    def is_active(self) -> bool:
        # TensorBoard enables the tab when the data provider reports data for PLUGIN_NAME.
        return False

    def frontend_metadata(self) -> base_plugin.FrontendMetadata:
        return base_plugin.FrontendMetadata(
            es_module_path="/static/index.js", tab_name="Evaluation", disable_reload=False
        )
