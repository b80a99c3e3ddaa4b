"""The confirmation page's labelled fields found in its text, and each value normalised.

The same parser reads a PDF's text layer and tesseract's output, so it keys on the page's
labels, not on a layout: a value follows its label on the same line (after a colon, or after
nothing when OCR lost the colon) or, when the line ends there, on the next line (a two-cell
table printed to PDF). Values are then normalised the way profiles store them (ISO dates,
upper-case names, the canonical post and country of flows/choices.yaml, a class of its
classes) so the check compares like with like. OCR's usual slips (B/8/6, O/0, a mangled city)
are forgiven only for text that came from OCR, and such values stay marked uncertain.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from assistant.ds160._model import ReadValue, Source, not_read
from flows.choices import canonical, values

APPLICATION_ID = re.compile(r"\bAA[0-9A-Z]{8}\b")
"""A DS-160 application ID, as assistant/models.py validates ``ds160_number``."""

# Each label's wordings (regex, case-insensitive). Labels the reader does not keep (place of
# birth, gender) are here too: they end the value before them.
LABELS: dict[str, str] = {
    "location": r"location\s+selected\s+to\s+submit\s+(?:your\s+)?application",
    "application_id": r"confirmation\s+(?:no\b\.?|number|#)|application\s+id(?:\s+number)?",
    "name": r"name\s+provided",
    "surname": r"surnames?",
    "given_names": r"given\s+names?",
    "birth_date": r"date\s+of\s+birth|birth\s+date",
    "place_of_birth": r"place\s+of\s+birth",
    "gender": r"gender",
    "nationality": r"nationality",
    "passport_number": r"passport(?:\s*/\s*travel\s+document)?\s+(?:number|no\b\.?)",
    "purpose": r"purpose\s+of\s+(?:trip|travel)",
}
# A label counts at the start of a line, or anywhere when a colon follows it (a second
# label/value pair on the same line); boilerplate sentences mentioning "nationality" do not.
_LABEL = re.compile(
    "|".join(
        rf"(?:(?<![^\n])[ \t]*(?P<{name}>{pattern})[ \t]*[:：;.]?|\b(?P<{name}_c>{pattern})[ \t]*[:：])"
        for name, pattern in LABELS.items()
    ),
    re.IGNORECASE,
)

MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_DMY = re.compile(r"\b(\d{1,2})[\s\-/.]+([A-Z]{3,9})\.?[\s\-/.,]+(\d{4})\b")
_MDY_NAMED = re.compile(r"\b([A-Z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

OCR_NOTE = "read by OCR: check it on the page"

# OCR's confusions, folded to one character each (only ever used on text read by OCR).
_OCR_FOLD = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "!": "1",
                           "S": "5", "B": "8", "6": "8", "Z": "2"})


@dataclass(frozen=True)
class TextFields:
    """What the text of one page gave: the fields, and how many of the page's labels it has
    (a file with neither labels nor an application ID is not a confirmation page)."""

    text_id: ReadValue
    surname: ReadValue
    given_names: ReadValue
    birth_date: ReadValue
    passport_number: ReadValue
    nationality: ReadValue
    location: ReadValue
    visa_class: ReadValue
    labels_found: int


# --- finding the labelled values ------------------------------------------------------------


def labelled_values(text: str) -> dict[str, str]:
    """Each label's value as printed (the first occurrence of a label wins); a label with
    nothing after it on its line takes the next non-empty line unless that is a label too."""
    matches = list(_LABEL.finditer(text))
    found: dict[str, str] = {}
    for i, match in enumerate(matches):
        name = (match.lastgroup or "").removesuffix("_c")
        if name in found:
            continue
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end():min(line_end, nxt)].strip(" \t:;")
        if not value and nxt > line_end:
            following = [ln.strip() for ln in text[line_end:nxt].splitlines() if ln.strip()]
            value = following[0] if following else ""
        found[name] = value
    return found


# --- normalising ------------------------------------------------------------------------------


def single_spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def iso_date(raw: str) -> str | None:
    """``14 AUG 1982``, ``14-AUG-1982``, ``AUG 14, 1982``, ``1982-08-14`` or ``08/14/1982``
    (month first, as U.S. forms print it) as ``1982-08-14``; None for anything else."""
    text = raw.upper()
    parts: tuple[int, int, int] | None = None
    if m := _ISO.search(text):
        parts = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.search(text):
        month = MONTHS.get(m[2][:3])
        parts = (int(m[3]), month, int(m[1])) if month else None
    elif m := _MDY_NAMED.search(text):
        month = MONTHS.get(m[1][:3])
        parts = (int(m[3]), month, int(m[2])) if month else None
    elif m := _US.search(text):
        parts = int(m[3]), int(m[1]), int(m[2])
    if parts is None:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def person_name(raw: str) -> str:
    """A name as profiles keep it: upper-case, single spaces, only letters, hyphens and
    apostrophes (OCR's stray marks dropped)."""
    return single_spaced(re.sub(r"[^\w\s'\-]|\d|_", " ", raw.upper()))


def split_name(raw: str) -> tuple[str, str] | None:
    """``SURNAME, GIVEN NAMES`` as (surname, given names); None without the comma (which part
    is the surname would be a guess)."""
    if "," not in raw:
        return None
    surname, given = raw.split(",", 1)
    surname, given = person_name(surname), person_name(given)
    return (surname, given) if surname else None


def application_id(raw: str, *, ocr: bool = False) -> str | None:
    """The application ID in a text, upper-cased; OCR's spaces inside it are closed up."""
    text = raw.upper()
    found = APPLICATION_ID.findall(text)
    if not found and ocr:
        found = APPLICATION_ID.findall(re.sub(r"(?<=[0-9A-Z]) (?=[0-9A-Z])", "", text))
    return found[0] if found else None


def _fuzzy(word: str, choices: dict[str, str], cutoff: float) -> str | None:
    """The one choice OCR's ``word`` is close to, or None when none is (or two are)."""
    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=cutoff)
    if not close:
        return None
    if len(close) == 2:
        first, second = (difflib.SequenceMatcher(None, word, c).ratio() for c in close)
        if first - second < 0.1:
            return None
    return choices[close[0]]


@cache
def _post_names() -> dict[str, str]:
    return {v.upper(): v for v in values("posts") if not v.endswith(" OFC")}


@cache
def _country_names() -> dict[str, str]:
    return {v.upper(): v for v in values("countries")}


def post(raw: str, *, ocr: bool = False) -> str | None:
    """``CHINA, BEIJING`` (or ``BEIJING``, ``BEIJING, CHINA``) as the post ``Beijing``: the
    part naming a post wins, the country part is dropped, and an OFC counts as its post (the
    DS-160 names the city; the appointment's OFC is the same post)."""
    parts = [single_spaced(p) for p in raw.split(",") if p.strip()]
    for part in reversed(parts):
        value = canonical("posts", part)
        if value:
            return value.removesuffix(" OFC")
    if ocr:
        for part in reversed(parts):
            value = _fuzzy(re.sub(r"\s*OFC$", "", part.upper()), _post_names(), 0.6)
            if value:
                return value
    return None


def country(raw: str, *, ocr: bool = False) -> str | None:
    """A nationality as the canonical country of flows/choices.yaml (``CHINA`` -> ``China``)."""
    text = single_spaced(raw)
    value = canonical("countries", text)
    if value is None and ocr and text:
        value = _fuzzy(text.upper(), _country_names(), 0.8)
    return value


@cache
def _class_keys(fold: bool) -> dict[str, str | None]:
    """Each class keyed without hyphens, spaces and case (and, for OCR, with confusable
    characters folded); a key two classes share maps to None (never guessed)."""
    out: dict[str, str | None] = {}
    for value in values("classes"):
        key = _class_key(value, fold)
        out[key] = None if key in out else value
    return out


def _class_key(text: str, fold: bool) -> str:
    key = re.sub(r"[\s\-]", "", text.upper())
    return key.translate(_OCR_FOLD) if fold else key


def visa_class(raw: str, *, ocr: bool = False) -> tuple[str | None, str]:
    """The class a purpose of trip states in parentheses: ``(B1/B2)`` -> ``B1/B2``, ``(F1)``
    -> ``F-1``, ``(H1B)`` -> ``H-1B``; with the reason when there is none."""
    stated = re.findall(r"\(([^()]{1,12})\)", raw)
    if not stated:
        return None, "the purpose of trip states no visa class"
    for text in reversed(stated):
        for fold in (False, True) if ocr else (False,):
            value = _class_keys(fold).get(_class_key(text, fold))
            if value:
                return value, ""
    return None, f"({stated[-1]}) is not a visa class the portal offers"


# --- the fields -------------------------------------------------------------------------------


def _read(value: str | None, source: Source, raw: str, note: str = "") -> ReadValue:
    return ReadValue(value, source, raw) if value is not None else not_read(note, raw)


def _missing(label: str, source: Source) -> ReadValue:
    where = "the page's text" if source == "text" else "the text OCR read"
    return not_read(f"no {label!r} label in {where}")


def parse_fields(text: str, source: Source) -> TextFields:
    """The page's fields from its text (a PDF's text layer, or OCR's output)."""
    ocr = source == "ocr"
    found = labelled_values(text)

    def field(label: str, key: str, normalise: Callable[[str], str | None], what: str) -> ReadValue:
        if key not in found:
            return _missing(label, source)
        raw = found[key]
        value = normalise(raw) if raw else None
        if value is None:
            return not_read(f"{what} not understood: {raw!r}" if raw else f"nothing after {label!r}", raw)
        return ReadValue(value, source, raw, OCR_NOTE if ocr else "")

    surname, given = _names(found, source)
    purpose = _purpose(text, found)
    class_value, class_note = visa_class(purpose, ocr=ocr) if purpose else (None, "the page states no purpose of trip")
    read = dict(
        text_id=_text_id(text, found, source),
        surname=surname,
        given_names=given,
        birth_date=field("Date of Birth", "birth_date", iso_date, "date"),
        passport_number=field("Passport Number", "passport_number", _passport, "passport number"),
        nationality=field("Nationality", "nationality", lambda r: country(r, ocr=ocr), "country"),
        location=field("Location Selected to Submit Application", "location",
                       lambda r: post(r, ocr=ocr), "location"),
        visa_class=_read(class_value, source, purpose, class_note),
    )
    if ocr:  # every value OCR gave says so, where no other note does
        read = {k: replace(v, note=OCR_NOTE) if v.uncertain and not v.note else v for k, v in read.items()}
    return TextFields(**read, labels_found=len(found))


def _purpose(text: str, found: dict[str, str]) -> str:
    """The purpose of trip, with the line after it when the class wrapped there (a narrow
    table cell: ``TEMP. BUSINESS OR PLEASURE VISITOR`` / ``(B1/B2)``)."""
    value = found.get("purpose", "")
    if not value or "(" in value:
        return value
    start = text.find(value)
    after = text[start + len(value):].lstrip(" \t").split("\n", 2)
    following = after[1].strip() if len(after) > 1 else ""
    return f"{value} {following}" if re.match(r"\([^()]{1,12}\)$", following) else value


def _passport(raw: str) -> str | None:
    token = raw.split()[0].upper().strip(".,;:") if raw.split() else ""
    return token if re.fullmatch(r"[A-Z0-9]{5,12}", token) else None


def _text_id(text: str, found: dict[str, str], source: Source) -> ReadValue:
    """The application ID printed on the page: after its label, else the only ID-like
    number anywhere (OCR may read the number before its label)."""
    ocr = source == "ocr"
    raw = found.get("application_id", "")
    value = application_id(raw, ocr=ocr) if raw else None
    if value is None:
        anywhere = list(dict.fromkeys(APPLICATION_ID.findall(text.upper())))
        if len(anywhere) == 1:
            value, raw = anywhere[0], anywhere[0]
        elif len(anywhere) > 1:
            return not_read(f"several application IDs in the text: {', '.join(anywhere)}")
    if value is None:
        why = f"not an application ID: {raw!r}" if raw else "no application ID (AA + 8 letters or digits) in the text"
        return not_read(why, raw)
    return ReadValue(value, source, raw)


def _names(found: dict[str, str], source: Source) -> tuple[ReadValue, ReadValue]:
    """Surname and given names from ``Name Provided: SURNAME, GIVEN NAMES`` or from
    separate ``Surnames`` / ``Given Names`` labels."""
    if "name" in found:
        raw = found["name"]
        parts = split_name(raw)
        if parts is None:
            note = f"no comma between surname and given names: {raw!r}" if raw else "nothing after 'Name Provided'"
            return not_read(note, raw), not_read(note, raw)
        return ReadValue(parts[0], source, raw), _read(parts[1] or None, source, raw, "no given names")
    if "surname" in found or "given_names" in found:
        out = []
        for key, label in (("surname", "Surnames"), ("given_names", "Given Names")):
            raw = found.get(key)
            if raw is None:
                out.append(_missing(label, source))
            else:
                out.append(_read(person_name(raw) or None, source, raw, f"nothing after {label!r}"))
        return out[0], out[1]
    missing = _missing("Name Provided", source)
    return missing, missing


def ocr_equal(a: str, b: str) -> bool:
    """Two readings the same but for OCR's confusions (O/0, I/1, B/8, …)."""
    return a.upper().translate(_OCR_FOLD) == b.upper().translate(_OCR_FOLD)


def agree(barcode: ReadValue, text: ReadValue) -> ReadValue:
    """The application ID both readings give. Set when they agree, or when only one was read
    (the note says which); None with both numbers in the note when they differ. OCR's
    reading of the printed number yields to the barcode when they differ only by OCR's
    confusions (the barcode is exact)."""
    if barcode.value and text.value:
        if barcode.value == text.value:
            return ReadValue(barcode.value, "barcode", text.raw)
        if text.uncertain and ocr_equal(barcode.value, text.value):
            return ReadValue(barcode.value, "barcode", text.raw, f"OCR read the printed number as {text.value}")
        return not_read(f"the barcode says {barcode.value} but the printed number is {text.value}", text.raw)
    if barcode.value:
        return ReadValue(barcode.value, "barcode", barcode.raw, f"from the barcode only ({text.note or 'text not read'})")
    if text.value:
        return ReadValue(text.value, text.source, text.raw, f"from the text only ({barcode.note or 'no barcode read'})")
    return not_read(f"{barcode.note or 'no barcode read'}; {text.note or 'no number in the text'}")
