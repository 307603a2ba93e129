"""Screenshots for the documentation, taken by the end-to-end tests as they drive each dashboard.

``doc_shot(view, "classification")`` writes ``docs/images/classification.png``: the TensorBoard
page with the plugin's tab as the test left it, at 1280 px wide and the height of the dashboard
(capped). Only the ``--load_fast=true`` pass writes, so each picture has one source; every run of
the e2e suite redraws them, so the documentation's pictures cannot go stale
(``tests/test_docs.py`` checks that each picture the docs show is written by a ``doc_shot`` call).
"""

from __future__ import annotations

import os
import re

IMAGES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "docs", "images")
WIDTH = 1280
MAX_HEIGHT = 2000
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def doc_shot(view, name: str, max_height: int = MAX_HEIGHT) -> str | None:
    """Save the page as drawn now to ``docs/images/<name>.png`` and return the path.

    Parameters
    ----------
    view : tests.e2e.test_tables_view.View
        The open TensorBoard page, with the plugin's dashboard fully drawn.
    name : str
        The picture's name: lower case letters, digits and dashes.
    max_height : int
        The tallest picture, in CSS pixels.

    Returns
    -------
    str or None
        The file written, or ``None`` under ``--load_fast=false`` (nothing written).
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"name: {name!r} is not lower case letters, digits and dashes")
    if not view.tb.load_fast:
        return None
    height = view.frame.evaluate(
        "(document.querySelector('.tbe-main') || document.body).scrollHeight"
    )
    view.page.set_viewport_size({"width": WIDTH, "height": min(max_height, height + 140)})
    view.page.wait_for_timeout(500)  # charts resize to the new viewport, then settle
    os.makedirs(IMAGES, exist_ok=True)
    path = os.path.normpath(os.path.join(IMAGES, f"{name}.png"))
    view.page.screenshot(path=path)
    view.page.set_viewport_size({"width": WIDTH, "height": 800})
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
    return path
