"""Compare DS-160 confirmation pages with the profiles, before anything is filled.

The portal's values must match the DS-160 exactly: a different location, visa class or DS-160
number gets the appointment cancelled, and a wrong location cannot be edited, only replaced by
a new DS-160 (walkthrough, 注意事项 一). Staff checked this by eye; here each confirmation is
paired with its applicant and every field compared, and each difference comes with its fix.

Pairing: by passport number, else by surname + given names + date of birth, else by DS-160
number (a page with both a passport and a name typo is still that applicant's, and its
differences are worth showing rather than a "stray" page). Pure: no file reading here (see
read.py), no printing (see assistant/cli/ds160.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from assistant.ds160._model import FIELD_LABELS, Confirmation, ReadValue
from assistant.models import Applicant, Group

Status = Literal["match", "mismatch", "unread", "missing", "stray", "duplicate", "note"]
BLOCKING: frozenset[str] = frozenset({"mismatch", "unread", "missing", "stray", "duplicate"})
"""Row statuses that fail the check: everything but a match and a note."""

OCR_CAVEAT = "read by OCR: look at the page; the PDF from the consular site settles it"

# The profile field each compared value comes from, as staff write it in a group file.
PROFILE_KEYS = {
    "application_id": "ds160_number",
    "surname": "surname",
    "given_names": "given_name",
    "birth_date": "birth_date",
    "passport_number": "passport.number",
    "location": "visa.post",
    "visa_class": "visa.visa_class",
}


@dataclass(frozen=True)
class CheckRow:
    """One compared field (or a missing / stray page). ``applicant`` names the person as staff
    know them, ``profile`` and ``confirmation`` are the two values, ``fix`` what to do."""

    status: Status
    applicant: str  # "HE MINGYUAN (he-mingyuan)"; "" for a page that matches nobody
    field: str  # a FIELD_LABELS label, or "DS-160 confirmation" for a missing / stray page
    profile: str = ""
    confirmation: str = ""
    fix: str = ""
    file: str = ""  # the confirmation page's path
    source: str = ""  # barcode / text / ocr: where the confirmation value was read
    applicant_id: str = ""

    @property
    def blocking(self) -> bool:
        return self.status in BLOCKING

    @property
    def uncertain(self) -> bool:
        """The page's value was read by OCR: a person should look before trusting it."""
        return self.source == "ocr"


@dataclass
class CheckResult:
    """Every row: matches too, so a report shows what was checked, not only what failed."""

    rows: list[CheckRow] = field(default_factory=list)

    @property
    def problems(self) -> list[CheckRow]:
        """The rows that fail the check (mismatches, unread fields, missing and stray pages)."""
        return [r for r in self.rows if r.blocking]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dicts(self) -> list[dict[str, object]]:
        """Plain data for ``--json`` and the run record."""
        return [{**asdict(r), "uncertain": r.uncertain} for r in self.rows]


@dataclass(frozen=True)
class Person:
    """One applicant with the group (and its file) they belong to: what a page is paired with."""

    group_file: Path
    group: Group
    applicant: Applicant

    @property
    def label(self) -> str:
        return f"{self.applicant.surname} {self.applicant.given_name} ({self.applicant.id})"


def check(groups: Sequence[tuple[Path, Group]], confirmations: Iterable[Confirmation]) -> CheckResult:
    """Pair each confirmation with an applicant of ``groups`` (as ``load_groups`` returns them)
    and compare; list applicants without a page and pages matching nobody."""
    people = [Person(path, group, a) for path, group in groups for a in group.applicants]
    result = CheckResult()
    seen: dict[str, Confirmation] = {}
    for page in confirmations:
        person = pair(people, page)
        if person is None:
            result.rows.append(_stray(page))
        elif person.applicant.id in seen:
            result.rows.append(_duplicate(person, page, seen[person.applicant.id]))
        else:
            seen[person.applicant.id] = page
            result.rows.extend(compare(person, page))
    for person in people:
        if person.applicant.id not in seen:
            result.rows.append(CheckRow(
                "missing", person.label, "DS-160 confirmation", profile=person.applicant.ds160_number,
                fix=f"add {person.applicant.surname} {person.applicant.given_name}'s DS-160 confirmation page "
                    "(the PDF from the consular site, or a photo of the printout)",
                applicant_id=person.applicant.id))
    return result


def pair(people: Sequence[Person], page: Confirmation) -> Person | None:
    """The applicant this page belongs to: same passport number, else same name and date of
    birth, else same DS-160 number; None when nobody fits."""
    passport = _compact(page.passport_number.value)
    if passport:
        for p in people:
            if _compact(p.applicant.passport.number) == passport:
                return p
    name = (_compact(page.surname.value), _compact(page.given_names.value), page.birth_date.value)
    if all(name):
        for p in people:
            a = p.applicant
            if (_compact(a.surname), _compact(a.given_name), a.birth_date.isoformat()) == name:
                return p
    number = _compact(page.application_id.value)
    if number:
        for p in people:
            if _compact(p.applicant.ds160_number) == number:
                return p
    return None


def compare(person: Person, page: Confirmation) -> list[CheckRow]:
    """One row per compared field of one applicant's page."""
    a = person.applicant
    post = same_city_post(a.visa.post or person.group.post)
    wanted = {
        "application_id": a.ds160_number,
        "surname": a.surname,
        "given_names": a.given_name,
        "birth_date": a.birth_date.isoformat(),
        "passport_number": a.passport.number,
        "location": post,
        "visa_class": a.visa.visa_class,
    }
    rows = []
    for name, profile in wanted.items():
        read: ReadValue = getattr(page, name)
        row = _row(person, page, name, profile, read)
        if row is not None:
            rows.append(row)
    return rows


def _row(person: Person, page: Confirmation, name: str, profile: str, read: ReadValue) -> CheckRow | None:
    label = FIELD_LABELS[name]
    common = dict(applicant=person.label, field=label, profile=profile, file=str(page.path),
                  source=read.source or "", applicant_id=person.applicant.id)
    if read.value is None:
        if name == "visa_class":
            if not read.raw:
                return None  # the page states no purpose of trip: nothing to compare
            return CheckRow("note", confirmation=read.raw, **common,
                            fix=f"the purpose of trip was not recognised ({read.note or 'unknown'}): "
                                f"compare it with the visa class {profile} by eye")
        why = read.note or "not read"
        return CheckRow("unread", confirmation=read.raw, **common,
                        fix=f"{why}: look at the page, or give the PDF from the consular site")
    if _agrees(name, profile, read.value):
        return CheckRow("match", confirmation=read.value, **common)
    fix = _fix(name, person, page, read.value)
    if read.uncertain:
        fix = f"{fix} ({OCR_CAVEAT})"
    return CheckRow("mismatch", confirmation=read.value, fix=fix, **common)


def _agrees(name: str, profile: str, value: str) -> bool:
    if name == "location":
        return same_city_post(profile).casefold() == same_city_post(value).casefold()
    if name == "visa_class":
        return class_covered(profile, value)
    if name in ("surname", "given_names"):
        return _words(profile) == _words(value)
    return _compact(profile) == _compact(value)


def _fix(name: str, person: Person, page: Confirmation, value: str) -> str:
    """What to do about one difference, in the order staff would try it."""
    file = person.group_file
    key = PROFILE_KEYS[name]
    if name == "location":
        post = same_city_post(person.applicant.visa.post or person.group.post)
        return (f"fill a new DS-160 for {post}: the location cannot be changed "
                f"(or, if the appointment should be in {value}, change the group's post in {file})")
    if name == "application_id":
        return (f"correct ds160_number in {file} to {value}, if this page is the applicant's latest DS-160 "
                "(the portal needs the latest one's number)")
    if name == "visa_class":
        return (f"the DS-160 states {value}: correct {key} in {file}, or fill a new DS-160 "
                "for the purpose of this trip")
    return (f"check the passport: if the DS-160 is right, correct {key} in {file}; if not, correct the DS-160 "
            "on the consular site and print its confirmation again")


def _stray(page: Confirmation) -> CheckRow:
    who = " ".join(v for v in (page.surname.value, page.given_names.value) if v) or "an unread name"
    born = page.birth_date.value or "unknown"
    passport = page.passport_number.value or "unread"
    return CheckRow(
        "stray", "", "DS-160 confirmation", confirmation=f"{who}, born {born}, passport {passport}",
        file=str(page.path), source=page.passport_number.source or "",
        fix="no applicant of these groups has this passport, name and date of birth, or DS-160 number: "
            "remove the file, or add the applicant to a group")


def _duplicate(person: Person, page: Confirmation, first: Confirmation) -> CheckRow:
    return CheckRow(
        "duplicate", person.label, "DS-160 confirmation", profile=person.applicant.ds160_number,
        confirmation=page.application_id.value or "", file=str(page.path), applicant_id=person.applicant.id,
        fix=f"two confirmation pages for one applicant ({first.path} and {page.path}): keep only the latest DS-160's")


@dataclass(frozen=True)
class SheetRow:
    """An applicant's row of a spreadsheet being imported: what pairs it with a page, and the
    DS-160 number it holds (None: left empty)."""

    row: int
    passport_number: str | None
    surname: str | None
    given_name: str | None
    birth_date: str | None  # ISO
    ds160_number: str | None


@dataclass
class SheetNumbers:
    """For an import: numbers to fill (row -> number, with the page) and refusals, one line each."""

    filled: dict[int, tuple[str, Confirmation]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    unpaired: list[Confirmation] = field(default_factory=list)


def sheet_numbers(rows: Sequence[SheetRow], pages: Iterable[Confirmation]) -> SheetNumbers:
    """Which empty DS-160 cells the pages fill, and which filled cells contradict their page.

    Pairs as :func:`pair` does (passport, else name and date of birth). A number is taken only
    when the barcode and the text agree on it, or from one of them exactly (never from OCR
    alone: a misread number is the mismatch this is meant to prevent)."""
    out = SheetNumbers()
    for page in pages:
        row = _sheet_pair(rows, page)
        if row is None:
            out.unpaired.append(page)
            continue
        number = page.application_id
        where = f"row {row.row} ({row.surname} {row.given_name}), {page.path}"
        if number.value is None:
            out.refused.append(f"{where}: the page's DS-160 number was not read ({number.note or 'no reason given'})")
        elif row.ds160_number is not None and _compact(row.ds160_number) != _compact(number.value):
            out.refused.append(f"{where}: the sheet says {row.ds160_number}, the page {number.value}; "
                               "correct the cell, or give this applicant's latest DS-160 page")
        elif row.ds160_number is None and number.uncertain:
            out.refused.append(f"{where}: the number {number.value} was read by OCR only; type it into the sheet "
                               "from the page, or give the PDF from the consular site")
        elif row.ds160_number is None:
            out.filled[row.row] = (number.value, page)
    return out


def _sheet_pair(rows: Sequence[SheetRow], page: Confirmation) -> SheetRow | None:
    passport = _compact(page.passport_number.value)
    if passport:
        for row in rows:
            if _compact(row.passport_number) == passport:
                return row
    name = (_compact(page.surname.value), _compact(page.given_names.value), page.birth_date.value)
    if all(name):
        for row in rows:
            if (_compact(row.surname), _compact(row.given_name), row.birth_date) == name:
                return row
    return None


def same_city_post(post: str) -> str:
    """The DS-160 names a city: "Beijing OFC" (where the biometrics are taken) is Beijing."""
    return re.sub(r"\s+OFC$", "", post.strip(), flags=re.IGNORECASE)


def class_covered(profile_class: str, page_class: str) -> bool:
    """Whether the page's class covers the profile's: B1/B2 covers B1, B2 and B1/B2; F1 is F-1."""
    def parts(text: str) -> set[str]:
        return {re.sub(r"[\s\-]", "", p).upper() for p in text.split("/") if p.strip()}

    wanted = parts(profile_class)
    return bool(wanted) and wanted <= parts(page_class)


def _compact(text: str | None) -> str:
    """For identifiers: case and any spaces or dashes do not count."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def _words(text: str) -> list[str]:
    """For names: case and spacing do not count, every letter does."""
    return text.upper().split()


__all__ = [
    "BLOCKING", "CheckResult", "CheckRow", "Person", "SheetNumbers", "SheetRow", "check", "class_covered", "compare",
    "pair", "same_city_post", "sheet_numbers",
]  # fmt: skip
