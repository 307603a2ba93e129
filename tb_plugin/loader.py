"""The entry point TensorBoard imports at start-up: :class:`TbEvalLoader`.

This module may import only ``tensorboard`` and the standard library: TensorBoard does not guard
the import of an entry point, so an ``ImportError`` here would stop TensorBoard from starting.
Everything heavy (numpy, ``tb_eval``) is imported inside :meth:`TbEvalLoader.load`, whose errors
TensorBoard logs and survives.
"""

from __future__ import annotations

import argparse
from typing import Any

from tensorboard.plugins import base_plugin

from tb_plugin.flags import DEFAULT_CACHE_MB, PLUGIN_NAME


class TbEvalLoader(base_plugin.TBLoader):
    """Loads the tb_eval plugin and sets its flags."""

    def define_flags(self, parser: argparse.ArgumentParser) -> None:
        """Add ``--tb_eval_cache_mb``, the memory budget for decoded tables and sort orders."""
        group = parser.add_argument_group("tb_eval plugin")
        group.add_argument(
            "--tb_eval_cache_mb",
            type=int,
            default=DEFAULT_CACHE_MB,
            help="Memory budget in MiB for tables the tb_eval plugin keeps decoded, with their "
            f"sort orders and filters (default {DEFAULT_CACHE_MB}).",
        )

    def fix_flags(self, flags: argparse.Namespace) -> None:
        """Keep every record of our plugin unless the user set ``--samples_per_plugin tb_eval=N``.

        TensorBoard's loaders sample per tag (10 records under ``--load_fast=false``, 100 tensors
        and 10 blob sequences under the Rust server); a table's rows or steps must not be dropped.
        """
        samples = getattr(flags, "samples_per_plugin", None)
        if isinstance(samples, dict):
            samples.setdefault(PLUGIN_NAME, 0)
        cache_mb = getattr(flags, "tb_eval_cache_mb", DEFAULT_CACHE_MB)
        if not isinstance(cache_mb, int) or cache_mb < 0:
            raise base_plugin.FlagsError(
                f"--tb_eval_cache_mb must be a non-negative number of MiB, got {cache_mb!r}"
            )

    def load(self, context: base_plugin.TBContext) -> Any:
        """The plugin, or ``None`` when TensorBoard runs without a data provider."""
        if context.data_provider is None:
            return None
        from tb_plugin.plugin import TbEvalPlugin  # heavy imports happen here, not at start-up

        return TbEvalPlugin(context)
