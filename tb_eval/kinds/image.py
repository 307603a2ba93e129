"""Images for TensorBoard's Images dashboard: blob sequences ``[width, height, png]``."""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.image import plugin_data_pb2

from tb_eval.kinds.common import (
    builtin_metadata,
    builtin_tag,
    no_facts,
    string_tensor,
    summary_value,
    tensor_to_numpy,
)

PLUGIN_NAME = "images"
KIND = "image"
DATA_CLASS = summary_pb2.DATA_CLASS_BLOB_SEQUENCE
CLAIMS_NAME = True
tag = builtin_tag
parse_metadata = no_facts


def metadata(description: str = "") -> summary_pb2.SummaryMetadata:
    """Image metadata with an explicit data class."""
    content = plugin_data_pb2.ImagePluginData().SerializeToString()
    return builtin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, description)


def _array_to_hwc(image: np.ndarray) -> np.ndarray:
    """Validate an image array and return it as uint8 HxWxC with C in (1, 3, 4)."""
    if image.dtype.kind not in "biuf":
        raise TypeError(f"image: array dtype {image.dtype} is not numeric")
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[2] not in (1, 3, 4):
        image = np.transpose(image, (1, 2, 0))  # CHW -> HWC
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4):
        raise ValueError(
            f"image: shape {image.shape} is not HW, HWC or CHW with 1, 3 or 4 channels"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image: shape {image.shape} has no pixels")
    if image.dtype == np.uint8:
        return image
    if image.dtype.kind == "f":
        if not np.isfinite(image).all():
            raise ValueError("image: float pixels contain NaN or infinity")
        low, high = float(image.min()), float(image.max())
        if low < 0.0 or high > 1.0:
            raise ValueError(f"image: float pixels must lie in [0, 1], found [{low:g}, {high:g}]")
        return np.round(image * 255.0).astype(np.uint8)
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * 255
    low, high = int(image.min()), int(image.max())
    if low < 0 or high > 255:
        raise ValueError(f"image: integer pixels must lie in [0, 255], found [{low}, {high}]")
    return image.astype(np.uint8)


def to_png(
    *, path: str | os.PathLike | None = None, plot: Any = None, image: Any = None
) -> tuple[bytes, int, int]:
    """Exactly one of ``path``, ``plot`` (a matplotlib figure) or ``image`` (a PIL image or an
    array HW / HWC / CHW) as PNG bytes, with width and height."""
    from PIL import Image

    given = [
        name for name, v in (("path", path), ("plot", plot), ("image", image)) if v is not None
    ]
    if len(given) != 1:
        raise TypeError(
            f"log_image takes exactly one of path=, plot=, image=; got {given or 'none'}"
        )
    if path is not None:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"path: no image file at {os.fspath(path)!r}")
        try:
            with Image.open(path) as opened:
                opened.load()
                pil = opened.copy()
        except OSError as error:
            raise ValueError(
                f"path: {os.fspath(path)!r} is not a readable image: {error}"
            ) from None
    elif plot is not None:
        if not hasattr(plot, "savefig"):
            raise TypeError(f"plot: expected a matplotlib figure, got {type(plot).__name__}")
        buffer = io.BytesIO()
        plot.savefig(buffer, format="png")
        buffer.seek(0)
        pil = Image.open(buffer)
        pil.load()
    elif isinstance(image, Image.Image):
        pil = image
    else:
        image = tensor_to_numpy(image)
        array = np.asarray(image)
        hwc = _array_to_hwc(array)
        pil = Image.fromarray(hwc[:, :, 0] if hwc.shape[2] == 1 else hwc)
    if pil.mode not in ("L", "LA", "RGB", "RGBA"):
        pil = pil.convert("RGBA" if "A" in pil.getbands() else "RGB")
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue(), pil.width, pil.height


def value(
    tag: str, png: bytes, width: int, height: int, with_metadata: bool, description: str = ""
):
    """A blob-sequence value ``[width, height, png]``."""
    tensor = string_tensor(np.array([str(width).encode(), str(height).encode(), png], dtype=object))
    return summary_value(tag, tensor, metadata(description) if with_metadata else None)


encode = value


def decode(tensor) -> tuple[int, int, bytes]:
    """``(width, height, png)`` of one image record."""
    width, height, png = tensor.string_val[:3]
    return int(width), int(height), png
