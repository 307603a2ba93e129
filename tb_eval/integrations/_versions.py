"""The framework versions our integrations support, checked when they are imported."""

from __future__ import annotations

import re


def require(framework: str, version: str, minimum: tuple[int, int], below: tuple[int, int]) -> None:
    """``ImportError`` naming ``version`` unless ``minimum <= version < below``."""
    match = re.match(r"(\d+)\.(\d+)", version)
    found = (int(match.group(1)), int(match.group(2))) if match else None
    if found is None or not minimum <= found < below:
        raise ImportError(
            f"tb_eval's {framework} integration supports {framework} "
            f"{minimum[0]}.{minimum[1]} up to (not including) {below[0]}.{below[1]}; "
            f"{framework} {version} is installed. Install a supported version, e.g. "
            f"pip install 'tb-eval[{framework.lower()}]'"
        )
