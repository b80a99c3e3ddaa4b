"""The application ID in the confirmation page's barcode (Code 128 or Code 39), by zxing-cpp.

The barcode is the exact copy of the number (the printed digits can be misread by eye or
OCR), so it is tried hard: the image as it is, then grey with its contrast stretched (uneven
light on a phone photo), then black and white, then turned a few degrees either way (a photo
held askew: zxing reads straight rows). Only a barcode holding an application ID counts; the
cheap attempts come first so a clean PDF page is read in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps

from assistant.ds160._text import APPLICATION_ID

FORMATS = (zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.Code39)  # a tuple: zxing-cpp 3 deprecates `|`
TURNS = (-3.0, 3.0, -6.0, 6.0)
"""Degrees tried when the upright image gives nothing (photos are rarely more askew)."""
MAX_SIDE = 3000
"""Larger images are scaled down first: a phone photo's 4000 px cost time and gain nothing."""


@dataclass(frozen=True)
class BarcodeRead:
    """The application IDs the barcodes hold (usually one) and what the others held."""

    ids: tuple[str, ...]
    other: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """Why no ID was read, for the person."""
        if self.ids:
            return ""
        if self.other:
            return f"the barcode holds {', '.join(self.other)!s}, not an application ID"
        return "no Code 128 or Code 39 barcode read"


def _variants(image: Image.Image) -> Iterator[Image.Image]:
    grey = ImageOps.grayscale(image)
    yield grey
    stretched = ImageOps.autocontrast(grey, cutoff=1)
    yield stretched
    yield stretched.point(lambda level: 255 if level > 128 else 0)
    for degrees in TURNS:
        yield stretched.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def read_barcode(image: Image.Image) -> BarcodeRead:
    """The application IDs in the image's barcodes, from the first attempt that finds one."""
    if max(image.size) > MAX_SIDE:
        image = image.copy()
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    other: dict[str, None] = {}
    for variant in _variants(image):
        texts = [b.text.strip().upper() for b in zxingcpp.read_barcodes(variant, formats=FORMATS)]
        ids = tuple(dict.fromkeys(t for t in texts if APPLICATION_ID.fullmatch(t)))
        if ids:
            return BarcodeRead(ids)
        other.update(dict.fromkeys(t for t in texts if t))
    return BarcodeRead((), tuple(other))
