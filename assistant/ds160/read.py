"""Read DS-160 confirmation pages (PDF, PNG, JPG) into :class:`Confirmation` records.

Where each field comes from, most exact first: a PDF's text layer (pypdf) for the labelled
fields; the barcode (zxing-cpp, on the page rendered by pypdfium2 or on the photo) for the
application ID; OCR (tesseract) only when there is no text layer, a scanned PDF or a phone
photo, and its values are marked uncertain. The printed number and the barcode must agree
(see ``_text.agree``). Anything that is not a confirmation page (a corrupt or encrypted PDF,
an unreadable image, another file type, a page with neither an application ID nor the page's
labels) is refused with :class:`NotAConfirmation`: one line, ``FILE: why``, no traceback.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from assistant.ds160._barcode import BarcodeRead, read_barcode
from assistant.ds160._model import Confirmation, NotAConfirmation, ReadValue, not_read
from assistant.ds160._ocr import looks_like_print, ocr_text, require_tesseract
from assistant.ds160._text import TextFields, agree, parse_fields

SUFFIXES: tuple[str, ...] = (".pdf", ".png", ".jpg", ".jpeg")
"""The files read; a folder is searched for these (not its sub-folders)."""
MAX_PAGES = 3
"""Pages of a PDF read: the confirmation is one page (two when a browser printed it)."""
RENDER_SCALE = 3
"""PDF points to pixels (216 dpi): the barcode's bars and the small print stay sharp."""
MAX_RENDER_SIDE = 2400
"""Pixels on a rendered page's long side at most: a scan wrapped at 72 dpi is a huge page in
points, and tripling it would only slow OCR down."""
MIN_TEXT = 20
"""A PDF whose text layer has fewer characters than this is a scan: it is read by OCR."""
MIN_LABELS = 2
"""Labels a page must show to count as a confirmation when no application ID is found."""


def _refuse(path: Path, why: str) -> NotAConfirmation:
    return NotAConfirmation(f"{path}: not a DS-160 confirmation page ({why})")


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every flaw of a damaged file; the refusal says it once."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf_text(path: Path) -> str:
    """The text layer of the first pages; a file pypdf cannot open is refused."""
    with _quiet_pypdf():
        try:
            reader = pypdf.PdfReader(path)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _refuse(path, "the PDF is password-protected: save it again without a password")
            return "\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PAGES])
        except NotAConfirmation:
            raise
        except Exception as error:  # a damaged file fails in many ways inside pypdf: all are a refusal
            raise _refuse(path, f"the PDF cannot be read: {_short(error)}") from None


def _pdf_images(path: Path) -> Iterator[Image.Image]:
    """The first pages rendered as images, one at a time (a page is about 2 MB of pixels)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise _refuse(path, f"the PDF cannot be rendered: {_short(error)}") from None
    try:
        for index in range(min(len(document), MAX_PAGES)):
            try:
                page = document[index]
                scale = min(RENDER_SCALE, MAX_RENDER_SIDE / max(page.get_size()))
                yield page.render(scale=scale).to_pil()
            except pdfium.PdfiumError as error:
                raise _refuse(path, f"page {index + 1} cannot be rendered: {_short(error)}") from None
    finally:
        document.close()


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _open_image(path: Path) -> Image.Image:
    """The photo upright (a phone's EXIF turn applied) in RGB; an unreadable one is refused."""
    try:
        with Image.open(path) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            return upright.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise _refuse(path, f"not an image that can be read: {_short(error)}") from None


def _barcode_value(read: BarcodeRead) -> ReadValue:
    if len(read.ids) == 1:
        return ReadValue(read.ids[0], "barcode", read.ids[0])
    if read.ids:
        return not_read(f"several barcodes with different numbers: {', '.join(read.ids)}")
    return not_read(read.note)


def _read_pdf(path: Path) -> tuple[TextFields, BarcodeRead]:
    text = _pdf_text(path)
    scanned = len("".join(text.split())) < MIN_TEXT
    if scanned:
        require_tesseract(path)  # before any rendering: the refusal should be quick
    barcode = BarcodeRead(())
    texts: list[str] = []
    for image in _pdf_images(path):
        if not barcode.ids:
            barcode = read_barcode(image)
        if scanned:
            texts.append(ocr_text(image, path))
        elif barcode.ids:
            break
    fields = parse_fields("\n".join(texts), "ocr") if scanned else parse_fields(text, "text")
    return fields, barcode


def _read_image(path: Path) -> tuple[TextFields, BarcodeRead]:
    image = _open_image(path)
    require_tesseract(path)
    barcode = read_barcode(image)
    if not barcode.ids and not looks_like_print(image):
        raise _refuse(path, "the image shows no printed page: it is speckled all over")
    return parse_fields(ocr_text(image, path), "ocr"), barcode


def read_confirmation(path: Path) -> Confirmation:
    """Everything the confirmation page in ``path`` says, each field with its source; raises
    :class:`NotAConfirmation` (one line naming the file and why) for anything else."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _refuse(path, f"{suffix or 'no extension'}: give a PDF, PNG or JPG file")
    if not path.is_file():
        raise NotAConfirmation(f"{path}: no such file")
    fields, barcode = _read_pdf(path) if suffix == ".pdf" else _read_image(path)
    barcode_id = _barcode_value(barcode)
    if barcode_id.value is None and fields.text_id.value is None and fields.labels_found < MIN_LABELS:
        raise _refuse(path, "no application ID, in a barcode or in the text, and none of the page's labels")
    return Confirmation(
        path=path,
        application_id=agree(barcode_id, fields.text_id),
        barcode_id=barcode_id,
        text_id=fields.text_id,
        surname=fields.surname,
        given_names=fields.given_names,
        birth_date=fields.birth_date,
        passport_number=fields.passport_number,
        nationality=fields.nationality,
        location=fields.location,
        visa_class=fields.visa_class,
    )


def confirmation_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The files to read: files as given, folders' PDF, PNG and JPG files sorted by name; each
    file once. The second item: one line per path that gives nothing."""
    files: dict[Path, None] = {}
    refused: list[str] = []
    for given in map(Path, paths):
        if given.is_dir():
            inside = sorted(p for p in given.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                refused.append(f"{given}: no PDF, PNG or JPG file in this folder")
            files.update(dict.fromkeys(inside))
        elif given.exists():
            files[given] = None
        else:
            refused.append(f"{given}: no such file or folder")
    return list(files), refused


def read_confirmations(paths: Iterable[Path]) -> tuple[list[Confirmation], list[str]]:
    """Every confirmation in ``paths`` (files and folders), and one line per file refused."""
    files, refused = confirmation_files(paths)
    read: list[Confirmation] = []
    for path in files:
        try:
            read.append(read_confirmation(path))
        except NotAConfirmation as refusal:
            refused.append(refusal.message)
    return read, refused
