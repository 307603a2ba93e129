"""The plugin's flag defaults, shared by the loader (which may import only ``tensorboard`` and the
standard library) and the plugin."""

from __future__ import annotations

#: Our plugin's name; equal to ``tb_eval.kinds.common.PLUGIN_NAME`` (not imported: too heavy).
PLUGIN_NAME = "tb_eval"
#: Default memory budget of the decoded-table cache, in MiB.
DEFAULT_CACHE_MB = 1024
