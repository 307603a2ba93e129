"""Strings and small tables for TensorBoard's Text dashboard (plugin ``text``).

The Text dashboard renders a rank-0 string as Markdown and a rank-2 string array as an HTML
table whose cells are Markdown too. Cells from tables are escaped so they show literally.
"""

from __future__ import annotations

import re

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.text import plugin_data_pb2

from tb_eval.kinds.common import builtin_metadata, string_tensor, summary_value

PLUGIN_NAME = "text"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Text metadata with an explicit data class."""
    content = plugin_data_pb2.TextPluginData().SerializeToString()
    return builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_TENSOR, description)


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
