"""How far two pictures of a page differ, pixel by pixel (Pillow only)."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

TOLERANCE = 24  # a channel may differ this much (JPEG noise, anti-aliasing) and still count as the same


def picture(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def differing_pixels(a: Image.Image, b: Image.Image) -> int:
    """Pixels where any channel differs by more than TOLERANCE; the sizes must be equal."""
    assert a.size == b.size, f"the pictures differ in size: {a.size} and {b.size}"
    bands = [band.point(lambda v: 255 if v > TOLERANCE else 0) for band in ImageChops.difference(a, b).split()]
    changed = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    return changed.histogram()[255]
