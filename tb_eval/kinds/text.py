"""Strings and small tables for TensorBoard's Text dashboard (plugin ``text``).

The Text dashboard renders a rank-0 string as Markdown and a rank-2 string array as an HTML
table whose cells are Markdown too. Cells from tables are escaped so they show literally.
"""

from __future__ import annotations

import re

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.text import plugin_data_pb2

from tb_eval.kinds.common import string_tensor, summary_value

PLUGIN_NAME = "text"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Text metadata with an explicit data class."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name=PLUGIN_NAME, content=plugin_data_pb2.TextPluginData().SerializeToString()
        ),
        summary_description=description,
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown syntax so ``text`` renders literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def value(tag: str, text: str, with_metadata: bool, description: str = ""):
    """A rank-0 string value."""
    return summary_value(tag, string_tensor(text), metadata(description) if with_metadata else None)


def grid_value(tag: str, cells: list[list[str]], with_metadata: bool, description: str = ""):
    """A rank-2 string value; ``cells[0]`` is the header row."""
    escaped = np.array([[escape_markdown(c) for c in row] for row in cells], dtype=object)
    return summary_value(
        tag, string_tensor(escaped), metadata(description) if with_metadata else None
    )
