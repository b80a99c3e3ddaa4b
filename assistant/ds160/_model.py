"""What is read from one DS-160 confirmation page: each field with where it came from.

A mismatch between the DS-160 and the appointment cancels the appointment (walkthrough,
注意事项 一), so every value keeps its provenance: read from the barcode, from a PDF's text layer
(exact), or by OCR (less certain, shown so to the person), or not read at all with the reason.
Pure data: no file, PDF or image code here, so the check and the CLI use it without those
libraries' weight.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

from flows.errors import UstdError

Source = Literal["barcode", "text", "ocr"]

FIELD_LABELS: dict[str, str] = {
    "application_id": "application ID",
    "surname": "surname",
    "given_names": "given names",
    "birth_date": "date of birth",
    "passport_number": "passport number",
    "nationality": "nationality",
    "location": "location",
    "visa_class": "visa class",
}
"""The person-facing name of each field a check compares, in the page's order."""


class NotAConfirmation(UstdError):
    """A file that cannot be read as a DS-160 confirmation page; the message is one line,
    ``FILE: why``, meant for the person (a corrupt or encrypted PDF, an unreadable image, an
    unsupported type, a page with neither an application ID nor the page's labels)."""

    exit_code = 1


class OcrUnavailable(NotAConfirmation):
    """The file needs OCR (a photo, a scanned PDF) and tesseract is not installed: a refusal
    like any other (one line, no traceback), saying what to install."""


@dataclass(frozen=True)
class ReadValue:
    """One field as read. ``value`` is normalised (dates ISO, names upper-case, post and
    country canonical as in flows/choices.yaml); ``raw`` is as printed; ``note`` says why a
    value is missing or what is uncertain about it."""

    value: str | None
    source: Source | None
    raw: str = ""
    note: str = ""

    @property
    def uncertain(self) -> bool:
        """Read by OCR: a person should look at the page before trusting it."""
        return self.source == "ocr"


def not_read(note: str, raw: str = "") -> ReadValue:
    """A field that could not be read, with the reason shown to the person."""
    return ReadValue(None, None, raw, note)


@dataclass(frozen=True)
class Confirmation:
    """Everything read from one confirmation page. ``application_id`` is the number the
    barcode and the text agree on (or the only one read); ``barcode_id`` and ``text_id`` keep
    each reading so a disagreement can be shown."""

    path: Path
    application_id: ReadValue
    barcode_id: ReadValue
    text_id: ReadValue
    surname: ReadValue
    given_names: ReadValue
    birth_date: ReadValue
    passport_number: ReadValue
    nationality: ReadValue
    location: ReadValue
    visa_class: ReadValue

    def problems(self) -> list[str]:
        """One line per field not read, ``field: why``. The visa class counts only when the
        page has a purpose of trip it could not be read from: many pages state none."""
        out = []
        for name, label in FIELD_LABELS.items():
            read: ReadValue = getattr(self, name)
            if read.value is not None or (name == "visa_class" and not read.raw):
                continue
            out.append(f"{label}: {read.note or 'not read'}")
        return out

    @property
    def uncertain_fields(self) -> list[str]:
        """The person-facing names of the fields read by OCR (the ones to look at twice)."""
        return [label for name, label in FIELD_LABELS.items() if getattr(self, name).uncertain]

    def as_dict(self) -> dict[str, object]:
        """Plain data for ``--json``: each field as value, source, raw and note."""
        out: dict[str, object] = {"path": str(self.path)}
        for f in fields(self):
            if f.name == "path":
                continue
            read: ReadValue = getattr(self, f.name)
            out[f.name] = {"value": read.value, "source": read.source, "raw": read.raw, "note": read.note}
        out["problems"] = self.problems()
        return out
