"""One module per data kind that tb_eval writes, owning both directions: tag, metadata, encoding,
decoding and validation. This package lists them.

Every kind module has ``KIND`` (its name), ``PLUGIN_NAME`` (the dashboard whose records it
writes: ``tb_eval`` for our own, else one of TensorBoard's), ``DATA_CLASS``, ``tag(name)``,
``metadata(...)``, ``parse_metadata(content)``, ``encode(...)``, ``decode(...)`` and
``CLAIMS_NAME`` (whether a record takes its logged name in the run, as ``Run`` and resume claim
names: a list's name is its scalar's, an evaluation summary's its predictions'; the run and
sweep records belong to no name); our own kinds also have ``STORAGE`` (what a record holds
for ``decode``: see :func:`common.stored_data`). The logger (``tb_eval.run``), the reader
(``tb_eval.reader``) and the TensorBoard plugin (``tb_plugin``) find them here, so what is
written and what is read cannot drift apart.

Adding a kind: write its module, add it to :data:`KINDS`; see "Adding a kind" in
docs/http_api.md.
"""

from __future__ import annotations

from types import ModuleType
from typing import NamedTuple

from tb_eval.kinds import (  # hparams: the HParams session, not a kind of named data
    binned_summary,
    common,
    confusion,
    eval_summary,
    histogram,
    image,
    importance,
    pr_curve,
    predictions,
    regression_bins,
    row,
    run_record,
    scalar,
    series,
    sweep,
    table,
    text,
)
from tb_eval.kinds import (
    hparams as hparams,
)

#: Every kind, by its name.
KINDS: dict[str, ModuleType] = {
    module.KIND: module
    for module in (
        scalar,
        text,
        image,
        histogram,
        pr_curve,
        series,
        row,
        table,
        run_record,
        predictions,
        eval_summary,
        importance,
        confusion,
        binned_summary,
        sweep,
        regression_bins,
    )
}
#: The kinds written to TensorBoard's own dashboards, by plugin name (their tag is the name).
BUILTIN: dict[str, ModuleType] = {
    module.PLUGIN_NAME: module
    for module in KINDS.values()
    if module.PLUGIN_NAME != common.PLUGIN_NAME
}


class Found(NamedTuple):
    """What a series is: its kind's name, the logged name, and the kind module (``None`` for
    a kind of ours this version does not know, e.g. written by a newer tb_eval)."""

    kind: str
    name: str
    module: ModuleType | None


def get(kind: str) -> ModuleType:
    """The module of ``kind``; ``KeyError`` for an unknown kind."""
    return KINDS[kind]


def for_tag(plugin_name: str, tag: str) -> Found | None:
    """The kind of the series ``tag`` whose metadata names ``plugin_name``; ``None`` when it is
    not one we write (another plugin, or a tag of our plugin without our prefix)."""
    if plugin_name == common.PLUGIN_NAME:
        parsed = common.split_our_tag(tag)
        if parsed is None:
            return None
        kind, name = parsed
        module = KINDS.get(kind)
        if module is not None and plugin_name != module.PLUGIN_NAME:
            module = None  # e.g. tb_eval/scalar/x: not a tag any kind of ours writes
        return Found(kind, name, module)
    module = BUILTIN.get(plugin_name)
    return None if module is None else Found(module.KIND, tag, module)


def tag_of(kind: str, name: str) -> str:
    """The tag a name of ``kind`` is written at."""
    return KINDS[kind].tag(name)
