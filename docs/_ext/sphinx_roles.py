"""A griffe extension for the docs build: Sphinx cross-reference roles in docstrings as links.

The package's docstrings (numpydoc) write references the Sphinx way, e.g. ``:func:`open_run```;
mkdocstrings reads Markdown, so each role becomes an autorefs link ``[`open_run`][open_run]``,
resolved in the docstring's scope (``scoped_crossrefs`` in mkdocs.yml). A reference that does not
resolve fails the strict build.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|attr|data|exc|obj):`~?\.?([^`<>]+)`")


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`target``` in every docstring to an autorefs link."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(r"[`\1`][\1]", obj.docstring.value)
