"""Run naming: the readable unique names of runs started without ``run_name``."""

from __future__ import annotations

import time
import uuid

_ADJECTIVES = (
    "amber",
    "brisk",
    "calm",
    "dapper",
    "eager",
    "fuzzy",
    "gentle",
    "happy",
    "icy",
    "jolly",
    "keen",
    "lucid",
    "mellow",
    "nimble",
    "olive",
    "proud",
    "quiet",
    "rapid",
)
_NOUNS = (
    "otter",
    "falcon",
    "maple",
    "comet",
    "badger",
    "harbor",
    "lynx",
    "meadow",
    "nebula",
    "orchid",
    "pepper",
    "quartz",
    "raven",
    "spruce",
    "tiger",
    "willow",
    "yak",
    "zephyr",
)


def _readable_name() -> str:
    """A unique, readable run name such as ``20261122-093000-brisk-otter-3f2a``."""
    token = uuid.uuid4()
    adjective = _ADJECTIVES[token.int % len(_ADJECTIVES)]
    noun = _NOUNS[(token.int >> 8) % len(_NOUNS)]
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{adjective}-{noun}-{token.hex[:4]}"
