"""DS-160 confirmation pages: read them (PDF, photo) to catch a mismatch before it cancels an
appointment (walkthrough, 注意事项 一: the location, class and DS-160 number entered on the
portal must match the DS-160).

Domain code: no Playwright and no CLI here. The reader (read.py) needs pypdf, pypdfium2,
zxing-cpp and Pillow, and tesseract for photos and scans; importing this package imports
only the data model, so the check and the CLI can load without them until a file is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.ds160._model import Confirmation, NotAConfirmation, OcrUnavailable, ReadValue, Source

if TYPE_CHECKING:
    from assistant.ds160.read import read_confirmation, read_confirmations


def __getattr__(name: str) -> Any:
    """``read_confirmation`` and ``read_confirmations`` on first use (they load the PDF,
    barcode and image libraries)."""
    if name in ("read_confirmation", "read_confirmations"):
        from assistant.ds160 import read

        return getattr(read, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Confirmation", "NotAConfirmation", "OcrUnavailable", "ReadValue", "Source", "read_confirmation",
    "read_confirmations",
]  # fmt: skip
