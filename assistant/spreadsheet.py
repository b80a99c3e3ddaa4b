"""Delegation spreadsheets: a template for staff (xlsx) and import from xlsx or CSV into YAML.

One row per applicant. The column headers (``COLUMNS``, in that order) are a public interface.
Import reports every bad cell by sheet row and column name and writes nothing unless every row
is valid. Since the column list is fixed, a Pick Up city goes in ``delivery_city``; a Premium
Location branch in ``delivery_premium_location``. Choice cells may hold the canonical value or the
portal's own label (中文(中国), 配偶, Hong Kong SAR...): the model reads either, the YAML gets the
canonical value. Columns added later (``LATER_COLUMNS``) may be missing from an older sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from assistant.choices import (
    COUNTRIES,
    DELIVERY_OPTIONS,
    GENDERS,
    LANGUAGES,
    NO_PREVIOUS_VISA,
    PICKUP_LOCATIONS,
    POSTS,
    PREMIUM_DELIVERY,
    PREMIUM_LOCATIONS,
    PRIORITIES,
    RELATIONS,
    SECURITY_QUESTIONS,
    VISA_CATEGORIES,
    VISA_CLASSES,
    canonical,
)
from flows.errors import UstdError
from assistant.limits import (
    CSV_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    SPLIT_FIX,
    XLSX_BYTES,
    XLSX_UNPACKED_BYTES,
    read_bounded,
    size_of,
    too_big,
)
from assistant.models import Group, validation_problems
from assistant.problems import Path, Problem, errors, profile_invalid
from assistant.profile_files import SECRET_KEY, partial_checks, secret_fix, write_group
from assistant.rules import check_group, china_id_check_char

COLUMNS: tuple[str, ...] = (
    "group", "role", "relation", "id", "surname", "given_name", "gender", "birth_date",
    "country_of_birth", "nationality", "national_id", "passport_number", "passport_issue_date",
    "passport_expiry_date", "passport_place_of_issue", "email", "home_phone", "mobile_phone",
    "mailing_street", "mailing_city", "mailing_state", "mailing_postal_code", "post",
    "visa_category", "visa_class", "visa_priority", "ds160_number", "sevis_id",
    "petition_receipt_number", "petitioner_name", "delivery_option", "delivery_street",
    "delivery_street2", "delivery_street3", "delivery_city", "delivery_state", "delivery_postal_code",
    "delivery_premium_location", "username", "security_question_1", "security_question_2",
    "security_question_3", "preferred_language", "travel_date", "account_exists",
    "previous_visa_class", "previous_visa_issue_date", "previous_visa_expiry_date",
    "ever_refused_us_visa", "previous_visa_lost_or_stolen",
)  # fmt: skip

LATER_COLUMNS: tuple[str, ...] = (
    "sevis_id", "petition_receipt_number", "petitioner_name", "delivery_premium_location",
    "previous_visa_class", "previous_visa_issue_date", "previous_visa_expiry_date",
    "ever_refused_us_visa", "previous_visa_lost_or_stolen",
)  # fmt: skip
"""Columns added with the student / petition categories: a sheet made before them still imports
(they read as empty), so staff's existing sheets keep working."""

SHEET = "Applicants"
ACCOUNT_COLUMNS = ("username", "security_question_1", "security_question_2", "security_question_3", "account_exists")
DATE_COLUMNS = ("birth_date", "passport_issue_date", "passport_expiry_date", "travel_date",
                "previous_visa_issue_date", "previous_visa_expiry_date")
TEXT_COLUMNS = ("national_id", "passport_number", "home_phone", "mobile_phone", "mailing_postal_code",
                "delivery_postal_code", "ds160_number", "sevis_id", "petition_receipt_number")
YES_NO_COLUMNS = ("ever_refused_us_visa", "previous_visa_lost_or_stolen")

# Column -> path inside one applicant's data (rows map to primary / dependents[i]).
APPLICANT_PATHS: dict[str, Path] = {
    "id": ("id",), "relation": ("relation",), "surname": ("surname",), "given_name": ("given_name",),
    "gender": ("gender",), "birth_date": ("birth_date",), "country_of_birth": ("country_of_birth",),
    "nationality": ("nationality",), "national_id": ("national_id",),
    "passport_number": ("passport", "number"), "passport_issue_date": ("passport", "issue_date"),
    "passport_expiry_date": ("passport", "expiry_date"),
    "passport_place_of_issue": ("passport", "place_of_issue"),
    "email": ("email",), "home_phone": ("home_phone",), "mobile_phone": ("mobile_phone",),
    "mailing_street": ("mailing", "street"), "mailing_city": ("mailing", "city"),
    "mailing_state": ("mailing", "state"), "mailing_postal_code": ("mailing", "postal_code"),
    "post": ("visa", "post"), "visa_category": ("visa", "category"),
    "visa_class": ("visa", "visa_class"), "visa_priority": ("visa", "priority"),
    "ds160_number": ("ds160_number",), "sevis_id": ("visa", "sevis_id"),
    "petition_receipt_number": ("visa", "petition_receipt_number"),
    "petitioner_name": ("visa", "petitioner_name"), "delivery_option": ("delivery", "option"),
    "delivery_street": ("delivery", "address", "street"),
    "delivery_street2": ("delivery", "address", "street2"),
    "delivery_street3": ("delivery", "address", "street3"),
    "delivery_state": ("delivery", "address", "state"),
    "delivery_postal_code": ("delivery", "address", "postal_code"),
    "delivery_premium_location": ("delivery", "premium_location"),
    "username": ("account", "username"),
    "security_question_1": ("account", "security_questions", 0),
    "security_question_2": ("account", "security_questions", 1),
    "security_question_3": ("account", "security_questions", 2),
    "account_exists": ("account", "exists"),
    "preferred_language": ("preferred_language",),
    "previous_visa_class": ("travel_history", "previous_visa_class"),
    "previous_visa_issue_date": ("travel_history", "previous_visa_issue_date"),
    "previous_visa_expiry_date": ("travel_history", "previous_visa_expiry_date"),
    "ever_refused_us_visa": ("travel_history", "ever_refused_us_visa"),
    "previous_visa_lost_or_stolen": ("travel_history", "previous_visa_lost_or_stolen"),
}  # fmt: skip
# Paths with no column of their own point at the nearest sensible one.
_EXTRA_PATHS: dict[Path, str] = {
    (): "id", ("delivery",): "delivery_option", ("delivery", "address"): "delivery_street",
    ("delivery", "address", "city"): "delivery_city", ("delivery", "pickup_location"): "delivery_city",
    ("account",): "username", ("account", "security_questions"): "security_question_1",
    ("passport",): "passport_number", ("mailing",): "mailing_street", ("visa",): "visa_class",
    ("travel_history",): "previous_visa_class",
}
PATH_TO_COLUMN: dict[Path, str] = {v: k for k, v in APPLICANT_PATHS.items()} | _EXTRA_PATHS

NOTES: dict[str, str] = {
    "group": "Group (delegation) name; rows with the same name form one group. Required on every row.",
    "role": "primary (exactly one per group, owns the portal account) or dependent.",
    "relation": "Dependents only: Spouse, Child, Parent or Other. Empty on the primary's row.",
    "id": "Short stable id: lower-case letters, digits, hyphens (e.g. wang-lei). Names the keyring entries.",
    "surname": "Last name in capitals, exactly as in the passport.",
    "given_name": "Given name(s) in capitals, exactly as in the passport.",
    "gender": "Male or Female.",
    "birth_date": "YYYY-MM-DD (or an Excel date cell).",
    "country_of_birth": "English country name, e.g. China.",
    "nationality": "English country name, e.g. China.",
    "national_id": "18-character resident ID number for Chinese nationals (checked). Keep the column "
    "formatted as Text: a number cell keeps only 15 digits.",
    "passport_number": "As printed, capitals and digits, e.g. EA0000001.",
    "passport_issue_date": "YYYY-MM-DD.",
    "passport_expiry_date": "YYYY-MM-DD; must be after the travel date (warning under six months).",
    "passport_place_of_issue": "As printed in the passport, e.g. BEIJING.",
    "email": "Applicant e-mail (for dependents also the contact e-mail).",
    "home_phone": "Digits only, no country code (+86 is preselected by the portal).",
    "mobile_phone": "Digits only, no country code; a mainland mobile for Premium Delivery.",
    "mailing_street": "Mailing address street.",
    "mailing_city": "Mailing address city.",
    "mailing_state": "Mailing address state/province.",
    "mailing_postal_code": "Mailing address postal code.",
    "post": "Embassy/consulate/OFC; the same for everyone in a group.",
    "visa_category": "Post visa category; the class must belong to it.",
    "visa_class": "Visa class, e.g. B1, B2, F-1.",
    "visa_priority": "Regular (default) or Emergency.",
    "ds160_number": "DS-160 confirmation (barcode) number, e.g. AA00ABC123; must match the DS-160 exactly.",
    "sevis_id": "Students and exchange visitors (F-1, F-2, J-1, J-2, M-1, M-2) only: N and 10 digits, e.g. "
    "N0012345678, from the applicant's own I-20 or DS-2019 (a spouse or child has their own). Empty for other classes.",
    "petition_receipt_number": "Petition-based workers (H-1B, H-2A, H-2B, H-3, L-1, O-1, O-2, P-1, P-2, P-3, Q-1, "
    "R-1) only: 3 letters and 10 digits from the Form I-797, e.g. EAC2490012345. Empty for dependents (H-4, L-2, O-3, R-2).",
    "petitioner_name": "Petition-based workers (as petition_receipt_number) only: the petitioning employer, in English, "
    "as on the Form I-797.",
    "delivery_option": "Premium Delivery, Premium Location or Pick Up. May be empty on dependents' rows (they use the primary's).",
    "delivery_street": "Premium Delivery only, in Chinese: province - city - street - building - room.",
    "delivery_street2": "Premium Delivery only, optional, in Chinese.",
    "delivery_street3": "Premium Delivery only, optional, in Chinese.",
    "delivery_city": "Premium Delivery: the city in Chinese (e.g. 北京市). Pick Up: the free CITIC pickup city, one of "
    + ", ".join(PICKUP_LOCATIONS) + ". Empty for Premium Location.",
    "delivery_state": "Premium Delivery only: province in Chinese, e.g. 北京市, 广东省.",
    "delivery_postal_code": "Premium Delivery only: 6 digits.",
    "delivery_premium_location": "Premium Location only (a CITIC branch, for a fee): one of "
    + ", ".join(PREMIUM_LOCATIONS) + ".",
    "username": "Primary's row only: portal user name (not an e-mail address).",
    "security_question_1": "Primary's row only: a security question (the answer goes in the keyring, never here).",
    "security_question_2": "Primary's row only: a different security question.",
    "security_question_3": "Primary's row only: a third different security question.",
    "preferred_language": "zh-CN or en-US (default zh-CN).",
    "travel_date": "Primary's row: planned travel date, YYYY-MM-DD. Dependents: empty or the same date.",
    "account_exists": "Primary's row only: yes = account registered (sign in); no or empty = sign up first.",
    "previous_visa_class": "Interview-waiver facts (students and petition-based workers): the class of the most "
    "recent U.S. visa (e.g. B1/B2), or none if the applicant never had one. Empty = not known: the run then stops "
    "at the waiver questions for a person.",
    "previous_visa_issue_date": "YYYY-MM-DD, the previous U.S. visa's issue date. Empty when there was none.",
    "previous_visa_expiry_date": "YYYY-MM-DD, the previous U.S. visa's expiry date. Empty when there was none.",
    "ever_refused_us_visa": "yes or no: was the applicant ever refused a U.S. visa? Empty = not known.",
    "previous_visa_lost_or_stolen": "yes or no: was a U.S. visa ever lost, stolen, cancelled or revoked? Empty = not known.",
}

_LISTS: dict[str, tuple[str, ...]] = {
    "role": ("primary", "dependent"),
    "relation": RELATIONS,
    "gender": GENDERS,
    "country_of_birth": COUNTRIES,
    "nationality": COUNTRIES,
    "post": POSTS,
    "visa_category": VISA_CATEGORIES,
    "visa_class": VISA_CLASSES,
    "visa_priority": PRIORITIES,
    "delivery_option": DELIVERY_OPTIONS,
    "security_question_1": SECURITY_QUESTIONS,
    "security_question_2": SECURITY_QUESTIONS,
    "security_question_3": SECURITY_QUESTIONS,
    "preferred_language": LANGUAGES,
    "account_exists": ("yes", "no"),
    "delivery_premium_location": tuple(PREMIUM_LOCATIONS),
    "previous_visa_class": (NO_PREVIOUS_VISA, *VISA_CLASSES),
    "ever_refused_us_visa": ("yes", "no"),
    "previous_visa_lost_or_stolen": ("yes", "no"),
}


@dataclass
class Row:
    number: int
    """The sheet row (xlsx) or line (CSV) a person sees."""
    cells: dict[str, Any]


@dataclass
class Table:
    file: str
    sheet: str | None
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)
    """Problems that stop the import before any row is read (file, header)."""
    cell_problems: list[Problem] = field(default_factory=list)
    """Cells refused as read; they replace whatever the model would say about the same cell."""


# --- reading ------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """Normalise a cell: empty -> None, text stripped, integral floats -> text of the integer."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value).strip()
    return text or None


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]0{1,2}:00(?::00(?:\.0+)?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")


def _date_cell(value: Any) -> Any:
    """A date column's cell as a ``date``, whatever the cell type, so that cells compare as dates
    (never a date cell with the text of the same day): a date or date-time cell, or text as
    people and spreadsheet programs write it: '2028-05-10', '2028-05-10 0:00:00' (LibreOffice CSV
    of a date cell), '2028/5/10' (Chinese locale display). Year-first only: never guess M/D.
    Anything else stays as it is, for the model to report."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _ISO_DATE.match(value) or _DATE_TIME.match(value) or _YEAR_FIRST.match(value)
        if m:
            iso = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            try:
                return date.fromisoformat(iso)
            except ValueError:
                return iso  # not a calendar date: the model says so
    return value


_SCIENTIFIC = re.compile(r"^[1-9](?:\.\d+)?E\+\d{1,3}$", re.IGNORECASE)
_LONG_FLOAT_TEXT = re.compile(r"^\d{16,}\.\d*$")
NUMBER_CELL_MESSAGE = "the cell was stored as a number, and Excel keeps only 15 digits"
NUMBER_CELL_FIX = ("format the column as Text (Format Cells > Text) and type the number again; "
                   "the template of `ustd profiles template` has it as Text already")


def _stored_as_number(column: str, raw: Any) -> bool:
    """Whether a text column's cell went through a spreadsheet number, which keeps 15 significant
    digits: an 18-digit ID then fails its check character for a reason nobody would guess."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return abs(raw) >= 1e15
    if not isinstance(raw, str):
        return False
    text = raw.strip()
    if _SCIENTIFIC.match(text) or _LONG_FLOAT_TEXT.match(text):  # '1.10101E+17' as CSV shows a number
        return True
    # A CSV of a number cell shown in full: 15 significant digits, then zeros, and a wrong check.
    return (column == "national_id" and re.fullmatch(r"\d{15}000", text) is not None
            and china_id_check_char(text[:17]) != text[17])


def _problem(table_file: str, sheet: str | None, row: int | None, column: str | None,
             message: str, fix: str, path: Path = (), severity: str = "error") -> Problem:
    return Problem(message=message, fix=fix, path=path, file=table_file, sheet=sheet, line=row,
                   column=column, severity=severity)  # type: ignore[arg-type]


def _table(file: str, sheet: str | None, header: list[Any], body: Iterable[tuple[int, list[Any]]]) -> Table:
    table = Table(file=file, sheet=sheet, rows=[])
    names = [(_cell(h) or "") for h in header]
    names = [str(n).strip().lower() for n in names]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        table.problems.append(_problem(file, sheet, 1, None, f"has more than {MAX_COLUMNS} columns",
                                       "use the columns of `ustd profiles template` only"))
        return table
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not name:
            table.problems.append(_problem(file, sheet, 1, f"#{i + 1}", "has no header", "give it a header or delete the column"))
        elif SECRET_KEY.search(name):
            table.problems.append(_problem(
                file, sheet, 1, name,
                "looks like a password or security-answer column: secrets must never be kept in a spreadsheet",
                "delete the column (and the values) and store each in the keyring: " + secret_fix(None)))
        elif name not in COLUMNS:
            table.problems.append(_problem(file, sheet, 1, name, "is not a known column",
                                           "use the headers of `ustd profiles template` exactly"))
        elif name in seen:
            table.problems.append(_problem(file, sheet, 1, name, "appears twice", "keep one of the columns"))
        seen.add(name)
    for missing in (c for c in COLUMNS if c not in seen and c not in LATER_COLUMNS):
        table.problems.append(_problem(file, sheet, 1, missing, "column is missing",
                                       "add it (all template columns are required, even if empty)"))
    if table.problems:
        return table
    for number, values in body:
        cells: dict[str, Any] = {}
        for i, name in enumerate(names):
            raw = values[i] if i < len(values) else None
            if name in TEXT_COLUMNS and _stored_as_number(name, raw):
                table.cell_problems.append(_problem(file, sheet, number, name, NUMBER_CELL_MESSAGE, NUMBER_CELL_FIX))
                raw = None  # damaged: nothing is checked against it (birth date, gender in the ID)
            if name:
                cells[name] = _cell(raw)
        for name in LATER_COLUMNS:
            cells.setdefault(name, None)
        for name in DATE_COLUMNS:
            cells[name] = _date_cell(cells[name])
        if any(v is not None for v in cells.values()):
            table.rows.append(Row(number=number, cells=cells))
    if not table.rows:
        table.problems.append(_problem(file, sheet, None, None, "has no applicant rows", "fill in one row per applicant"))
    return table


_EXCEL_MAX_ROW = 1_048_576
_TOO_MANY_ROWS = (f"has more than {MAX_ROWS} applicant rows", SPLIT_FIX)


def _refused(path: FsPath, problem: Problem) -> Table:
    return Table(str(path), None, [], [problem])


def _unreadable_xlsx(path: FsPath, why: str) -> Table:
    return _refused(path, _problem(str(path), None, None, None, f"cannot be read as an .xlsx workbook ({why})",
                                   "save it from Excel or LibreOffice as .xlsx, or export CSV (UTF-8)"))


def _why_unreadable(exc: Exception) -> str:
    """What a person can make of an exception raised while opening a workbook."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return "not a zip archive, or a damaged one"
    if isinstance(exc, KeyError):
        return "a part of the workbook is missing"
    if isinstance(exc, ParseError) or "invalid XML" in str(exc):
        return "its XML is damaged, or declares entities"
    return exc.__class__.__name__


def _unpacked_size(path: FsPath) -> int:
    """What the archive would unpack to. Python's zipfile never inflates a member past its
    recorded size, so this bounds what openpyxl can read."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_xlsx(path: FsPath) -> Table:
    from openpyxl import load_workbook

    size = size_of(path)
    if size is None:
        return _unreadable_xlsx(path, "not a regular file")
    if size > XLSX_BYTES:
        return _refused(path, too_big(str(path), size, XLSX_BYTES, "spreadsheet may have"))
    try:
        unpacked = _unpacked_size(path)
    except Exception as exc:  # noqa: BLE001 - any failure here means a broken archive
        return _unreadable_xlsx(path, _why_unreadable(exc))
    if unpacked > XLSX_UNPACKED_BYTES:
        return _refused(path, too_big(
            str(path), unpacked, XLSX_UNPACKED_BYTES, "spreadsheet may unpack to", measured="unpacks to",
            fix="keep only the Applicants sheet (no pictures or other sheets) and save it again, or export CSV (UTF-8)",
        ))
    body: list[tuple[int, list[Any]]] = []
    too_many = False
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
        try:
            ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
            title = ws.title
            # Bounded both ways: a sheet's recorded size can claim a million rows and columns.
            rows = ws.iter_rows(max_col=MAX_COLUMNS + 1, max_row=_EXCEL_MAX_ROW, values_only=True)
            header = list(next(rows, ()) or ())
            for number, values in enumerate(rows, start=2):
                if values.count(None) == len(values):
                    continue
                if len(body) == MAX_ROWS:
                    too_many = True
                    break
                body.append((number, list(values)))
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - a corrupt workbook can fail anywhere inside openpyxl
        return _unreadable_xlsx(path, _why_unreadable(exc))
    if too_many:
        return _refused(path, _problem(str(path), title, None, None, *_TOO_MANY_ROWS))
    return _table(str(path), title, header, body)


def read_csv(path: FsPath) -> Table:
    try:
        data = read_bounded(path, CSV_BYTES)
    except OSError as exc:
        return _refused(path, _problem(str(path), None, None, None, f"cannot be read ({exc.__class__.__name__})",
                                       "check the path; give the CSV file itself"))
    if data is None:
        return _refused(path, too_big(str(path), size_of(path), CSV_BYTES, "CSV file may have"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Table(str(path), None, [], [_problem(str(path), None, None, None,
                     "is not UTF-8 text", "export it as CSV UTF-8 (Excel: 'CSV UTF-8'; LibreOffice: character set Unicode (UTF-8))")])
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
    body: list[tuple[int, list[Any]]] = []
    try:
        header = next(reader, [])
        # Number records as a spreadsheet program shows them (row 2 = first applicant), which
        # differs from text lines when a quoted cell holds a line break.
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(body) == MAX_ROWS:
                return _refused(path, _problem(str(path), None, None, None, *_TOO_MANY_ROWS))
            body.append((number, list(values)))
    except csv.Error as exc:
        return Table(str(path), None, [], [_problem(str(path), None, reader.line_num, None,
                     f"is not readable CSV ({exc})", "export it again as CSV UTF-8")])
    return _table(str(path), None, header, body)


def read_table(path: str | FsPath) -> Table:
    path = FsPath(path)
    if not path.exists():
        raise UstdError(f"{path}: file not found")
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise UstdError(f"{path}: not an .xlsx or .csv file",
                    hint="Save the spreadsheet as .xlsx, or export it as CSV (UTF-8).")


# --- rows -> groups -----------------------------------------------------------------------


def _put(data: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = data
    for part, nxt in zip(path, path[1:], strict=False):
        if isinstance(part, int):
            while len(node) <= part:
                node.append(None)
            if node[part] is None:
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(nxt, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _applicant_data(row: Row, primary: bool) -> dict[str, Any]:
    c = row.cells
    data: dict[str, Any] = {}
    for column, path in APPLICANT_PATHS.items():
        if column.startswith("delivery_") or column in ACCOUNT_COLUMNS or (column == "relation" and primary):
            continue
        if c.get(column) is not None:
            _put(data, path, c[column])
    # Delivery: a pickup city shares the delivery_city column.
    delivery_cols = ("delivery_option", "delivery_street", "delivery_street2", "delivery_street3",
                     "delivery_city", "delivery_state", "delivery_postal_code")
    if any(c.get(k) is not None for k in (*delivery_cols, "delivery_premium_location")):
        delivery: dict[str, Any] = {}
        if c.get("delivery_option") is not None:
            delivery["option"] = c["delivery_option"]
        if c.get("delivery_premium_location") is not None:
            delivery["premium_location"] = c["delivery_premium_location"]
        address = {k[len("delivery_"):]: c[k] for k in delivery_cols[1:] if c.get(k) is not None}
        option = c.get("delivery_option")
        if isinstance(option, str) and canonical("delivery_options", option) == PREMIUM_DELIVERY:
            if address:
                delivery["address"] = address
        else:
            if "city" in address:
                delivery["pickup_location"] = address.pop("city")
            if address:
                delivery["address"] = address
        data["delivery"] = delivery
    if primary:
        account: dict[str, Any] = {}
        if c.get("username") is not None:
            account["username"] = c["username"]
        questions = [c.get(f"security_question_{i}") for i in (1, 2, 3)]
        if any(q is not None for q in questions):
            account["security_questions"] = [q if q is not None else "" for q in questions]
        if c.get("account_exists") is not None:
            account["exists"] = c["account_exists"]
        data["account"] = account
    return data


@dataclass
class _Built:
    name: str
    data: dict[str, Any]
    row_of: dict[Path, Row]  # ("primary",) / ("dependents", i) -> Row
    problems: list[Problem]


def _column_for(path: Path, row_of: dict[Path, Row]) -> tuple[Row | None, str | None]:
    if path[:1] == ("primary",):
        key, rest = path[:1], path[1:]
    elif path[:1] == ("dependents",) and len(path) > 1:
        key, rest = path[:2], path[2:]
    else:
        group_cols = {("name",): "group", ("travel_date",): "travel_date", ("post",): "post",
                      ("dependents",): "role", ("primary",): "role"}
        return row_of.get(("primary",)), group_cols.get(path[:1])
    row = row_of.get(key)
    for n in range(len(rest), -1, -1):
        if rest[:n] in PATH_TO_COLUMN:
            return row, PATH_TO_COLUMN[rest[:n]]
    return row, None


def _build_groups(table: Table) -> list[_Built]:
    by_name: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for row in table.rows:
        name = row.cells.get("group")
        if name is None:
            problems.append(_problem(table.file, table.sheet, row.number, "group", "is empty",
                                     "write the group name on every row"))
            continue
        by_name.setdefault(str(name), []).append(row)
    built: list[_Built] = []
    for name, rows in by_name.items():
        b = _Built(name=name, data={"name": name, "dependents": []}, row_of={}, problems=[])
        p = lambda row, col, msg, fix: b.problems.append(_problem(table.file, table.sheet, row.number, col, msg, fix))  # noqa: E731
        primaries = [r for r in rows if str(r.cells.get("role") or "").lower() == "primary"]
        for r in rows:
            role = str(r.cells.get("role") or "").lower()
            if role not in ("primary", "dependent"):
                p(r, "role", "must be primary or dependent", "choose primary for the account owner, dependent for the others")
        if not primaries:
            b.problems.append(_problem(table.file, table.sheet, rows[0].number, "role",
                                       f"group {name} has no primary applicant", "mark exactly one row primary"))
        for extra in primaries[1:]:
            p(extra, "role", f"group {name} has more than one primary applicant", "mark exactly one row primary, the others dependent")
        if primaries:
            prim = primaries[0]
            b.row_of[("primary",)] = prim
            b.data["primary"] = _applicant_data(prim, primary=True)
            for col, key in (("post", "post"), ("travel_date", "travel_date")):
                if prim.cells.get(col) is not None:
                    b.data[key] = prim.cells[col]
            if prim.cells.get("relation") is not None:
                p(prim, "relation", "must be empty on the primary's row", "clear the cell")
        travel = primaries[0].cells.get("travel_date") if primaries else None  # a date, if the cell is valid
        deps = [r for r in rows if str(r.cells.get("role") or "").lower() == "dependent"]
        for i, r in enumerate(deps):
            b.row_of[("dependents", i)] = r
            b.data["dependents"].append(_applicant_data(r, primary=False))
            for col in ACCOUNT_COLUMNS:
                if r.cells.get(col) is not None:
                    p(r, col, "account columns belong on the primary's row only", "clear the cell on this dependent's row")
            own = r.cells.get("travel_date")
            if own is not None and not isinstance(own, date):
                p(r, "travel_date", "is not a valid date", "leave it empty, or write the primary's date as YYYY-MM-DD")
            elif own is not None and (travel is None or (isinstance(travel, date) and own != travel)):
                p(r, "travel_date", "differs from the primary's travel date", "leave it empty or use the primary's date")
        built.append(b)
    if problems and built:
        built[0].problems.extend(problems)
    elif problems:
        built.append(_Built(name="", data={}, row_of={}, problems=problems))
    return built


def _locate(problems: Iterable[Problem], table: Table, row_of: dict[Path, Row]) -> list[Problem]:
    out = []
    for prob in problems:
        row, column = _column_for(prob.path, row_of)
        out.append(prob.located(file=table.file, sheet=table.sheet,
                                line=row.number if row else None, column=column))
    return out


def import_table(path: str | FsPath, *, today: date | None = None,
                 table: Table | None = None) -> tuple[list[Group], list[Problem]]:
    """Read a spreadsheet and check every row; groups are returned only if none has an error.
    ``table``: the sheet already read (and completed, e.g. DS-160 numbers from the pages)."""
    today = today or date.today()
    table = table if table is not None else read_table(path)
    if table.problems:
        return [], table.problems
    refused = {(p.line, p.column) for p in table.cell_problems}
    groups: list[Group] = []
    problems: list[Problem] = []
    for b in _build_groups(table):
        problems.extend(b.problems)
        if not b.data:
            continue
        try:
            group = Group.model_validate(b.data)
        except ValidationError as exc:
            # The rules still run on every applicant that parses, so one import shows them all.
            found = validation_problems(exc) + partial_checks(b.data, today)
            problems.extend(_locate(found, table, b.row_of))
            continue
        problems.extend(_locate(check_group(group, today), table, b.row_of))
        groups.append(group)
    # Across groups: the same person or DS-160 twice in one sheet is a copy-paste slip.
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        for col in ("id", "passport_number", "ds160_number"):
            value = row.cells.get(col)
            if value is None:
                continue
            key = (col, str(value).upper())
            if key in seen and seen[key] != row.number:
                other = seen[key]
                if not any(p.line == row.number and p.column == col for p in problems):
                    problems.append(_problem(table.file, table.sheet, row.number, col,
                                             f"is the same as on row {other}", "each applicant needs their own"))
            else:
                seen[key] = row.number
    problems = [p for p in problems if (p.line, p.column) not in refused] + table.cell_problems
    if errors(problems):
        return [], problems
    return groups, problems


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "group"


def import_to_yaml(source: str | FsPath, out: str | FsPath, *, group_name: str | None = None,
                   force: bool = False, today: date | None = None,
                   table: Table | None = None) -> tuple[list[FsPath], list[Problem]]:
    """Import and write YAML: one file (``out`` ends in .yaml/.yml) or one per group (``out`` is a
    directory). Nothing is written if any row is invalid (:class:`ProfileInvalid`). ``table``:
    the sheet already read, as :func:`import_table` takes it."""
    groups, problems = import_table(source, today=today, table=table)
    if errors(problems):
        raise profile_invalid(problems, hint="Nothing was written. Fix the cells above and import again.")
    if group_name is not None:
        groups = [g for g in groups if g.name == group_name]
        if not groups:
            raise UstdError(f"{source}: no group named {group_name!r}")
    out = FsPath(out)
    if out.suffix.lower() in (".yaml", ".yml"):
        if len(groups) > 1:
            raise UstdError(
                f"{source} holds {len(groups)} groups: " + ", ".join(g.name for g in groups),
                hint="Pass --group NAME to pick one, or give a directory as --out to write one file per group.",
            )
        targets = [(out, groups[0])]
    else:
        targets = [(out / f"{_slug(g.name)}.yaml", g) for g in groups]
    existing = [t for t, _ in targets if t.exists()]
    if existing and not force:
        raise UstdError(f"{', '.join(map(str, existing))} already exists",
                        hint="Pass --force to overwrite, or choose another --out.")
    for target, group in targets:
        write_group(group, target)
    return [t for t, _ in targets], problems


# --- writing ------------------------------------------------------------------------------


def group_to_rows(group: Group) -> list[dict[str, Any]]:
    """The spreadsheet rows of a group (dates as ``date``; pickup city in delivery_city)."""
    rows: list[dict[str, Any]] = []
    for a in group.applicants:
        primary = a is group.primary
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        row["group"] = group.name
        row["role"] = "primary" if primary else "dependent"
        dumped = a.model_dump(exclude_none=True)
        for column, path in APPLICANT_PATHS.items():
            node: Any = dumped
            for part in path:
                try:
                    node = node[part]
                except (KeyError, IndexError, TypeError):
                    node = None
                    break
            if node is not None:
                row[column] = ("yes" if node else "no") if column in YES_NO_COLUMNS else node
        if a.delivery is not None and a.delivery.pickup_location is not None:
            row["delivery_city"] = a.delivery.pickup_location
        elif a.delivery is not None and a.delivery.address is not None:
            row["delivery_city"] = a.delivery.address.city
        if primary:
            row["account_exists"] = "yes" if group.primary.account.exists else "no"
            row["travel_date"] = group.travel_date
        rows.append(row)
    return rows


def write_template(path: str | FsPath, group: Group | None = None) -> FsPath:
    """An .xlsx with the header row, dropdowns for fixed choices, a Notes sheet and, if a group
    is given, its rows filled in."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    path = FsPath(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.freeze_panes = "A2"
    last_row = 500
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(12, min(40, len(name) + 4))
        if name in DATE_COLUMNS:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif name in TEXT_COLUMNS:
            ws.column_dimensions[letter].number_format = "@"

    lists = wb.create_sheet("Lists")
    list_ranges: dict[tuple[str, ...], str] = {}
    col = 0
    for name, options in _LISTS.items():
        if options not in list_ranges:
            col += 1
            letter = get_column_letter(col)
            lists.cell(row=1, column=col, value=name)
            for r, option in enumerate(options, start=2):
                lists.cell(row=r, column=col, value=option)
            list_ranges[options] = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(options) + 1}"
        dv = DataValidation(type="list", formula1=list_ranges[options], allow_blank=True, showDropDown=False)
        dv.error = "Choose a value from the list"
        dv.errorTitle = name
        letter = get_column_letter(COLUMNS.index(name) + 1)
        dv.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(dv)
    lists.sheet_state = "hidden"

    notes = wb.create_sheet("Notes")
    notes.append(["column", "what to write"])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    for name in COLUMNS:
        notes.append([name, NOTES[name]])
    notes.append([])
    notes.append(["secrets", "Never put the portal password or security answers here. Store them with "
                  "`ustd secrets set <primary id>` (keyring service ustd-assistant)."])
    notes.append(["dates", "YYYY-MM-DD text or Excel date cells."])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 110

    if group is not None:
        for row in group_to_rows(group):
            ws.append([row[c] for c in COLUMNS])
        for r in range(2, ws.max_row + 1):
            for name in DATE_COLUMNS:
                cell = ws.cell(row=r, column=COLUMNS.index(name) + 1)
                if cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
            for name in TEXT_COLUMNS:
                ws.cell(row=r, column=COLUMNS.index(name) + 1).number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
