"""Strings and small tables for TensorBoard's Text dashboard (plugin ``text``).

The Text dashboard renders a rank-0 string as Markdown, pipe tables included. Small tables are
written that way (a rank-0 Markdown table, not a rank-2 string array): every reader of text
summaries expects one string per step (tbparse's ``.text`` fails on a rank-2 array). Cells are
escaped so they show literally.
"""

from __future__ import annotations

import re

from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.text import plugin_data_pb2

from tb_eval.kinds.common import (
    builtin_metadata,
    builtin_tag,
    no_facts,
    string_tensor,
    summary_value,
)

PLUGIN_NAME = "text"
KIND = "text"
DATA_CLASS = summary_pb2.DATA_CLASS_TENSOR
CLAIMS_NAME = True
tag = builtin_tag
parse_metadata = no_facts
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


encode = value


def decode(tensor) -> str | None:
    """The string of a rank-0 text record; ``None`` for any other text tensor (a rank-2 table
    written by another tool)."""
    if tensor.tensor_shape.dim:
        return None
    return tensor.string_val[0].decode("utf-8")


def markdown_table(cells: list[list[str]]) -> str:
    """A Markdown pipe table of ``cells`` (``cells[0]`` is the header row), every cell escaped."""

    def line(row: list[str]) -> str:
        return "| " + " | ".join(escape_markdown(" ".join(c.splitlines())) for c in row) + " |"

    rule = "|" + "---|" * len(cells[0])
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def grid_value(tag: str, cells: list[list[str]], with_metadata: bool, description: str = ""):
    """A rank-0 string value holding ``cells`` as a Markdown table; ``cells[0]`` is the header."""
    return summary_value(
        tag,
        string_tensor(markdown_table(cells)),
        metadata(description) if with_metadata else None,
    )
