"""``log_list`` series, kept exactly (float64) beside their float32 scalars.

The Scalars dashboard gets the values as an ordinary scalar series; this record, one per
``log_list`` call at tag ``tb_eval/list/<name>``, keeps the exact values and marks the series as a
list for our plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tb_eval.kinds import common
from tb_eval.kinds.common import (
    DATA_CLASS_TENSOR,
    FLOAT64,
    check_scalar_range,
    float64_tensor,
    tensor_to_numpy,
)

KIND, DATA_CLASS, STORAGE = "list", DATA_CLASS_TENSOR, FLOAT64
PLUGIN_NAME, parse_metadata = common.PLUGIN_NAME, common.parse_metadata
#: A list's name is claimed by its scalar series, which the Scalars dashboard shows.
CLAIMS_NAME = False
tag, metadata = common.tag_and_metadata(KIND, DATA_CLASS)


def check(value: Any, argument: str = "value") -> np.ndarray:
    """A non-empty 1-D float64 array from any iterable of numbers (list, array, tensor,
    generator) within float32's range, or an error naming ``argument``."""
    if isinstance(value, (str, bytes, Mapping)) or value is None:
        raise TypeError(f"{argument}: expected an iterable of numbers, got {value!r:.80}")
    value = tensor_to_numpy(value)
    if not isinstance(value, np.ndarray):
        try:
            value = list(value)
        except TypeError:
            raise TypeError(
                f"{argument}: expected an iterable of numbers, got {value!r:.80}"
            ) from None
        value = [tensor_to_numpy(item) for item in value]
    try:
        array = np.asarray(value)
    except ValueError as error:
        raise ValueError(f"{argument}: not a flat list of numbers ({error})") from None
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        shown = value if len(repr(value)) < 80 else f"{array.dtype} shape {array.shape}"
        raise TypeError(f"{argument}: expected a flat list of numbers, got {shown}")
    if array.size == 0:
        raise ValueError(f"{argument}: the list is empty")
    numbers = array.astype(np.float64)
    check_scalar_range(numbers, argument)
    return numbers


def encode(values: np.ndarray):
    """One call's values (checked by :func:`check`)."""
    return float64_tensor(values)


def decode(values: np.ndarray) -> np.ndarray:
    """The values of one call as float64; ``ValueError`` unless a 1-D array of numbers."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf" or array.ndim != 1:
        raise ValueError("is not numbers")
    return array.astype(np.float64, copy=False)
