"""Hostile or broken input (issue 7, points 7 and 10): one clear line, never a traceback, never a hang.

The tests that could exhaust the machine on a regression (a YAML alias bomb, a multi-gigabyte
file, a sheet that claims a million rows and columns) run ``ustd`` in a subprocess with a
memory cap and a timeout.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
import re
import resource
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from keyring_service import MemoryKeyring
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from profile_helpers import DELEGATION, TODAY

from assistant import secrets
from assistant.limits import CSV_BYTES, MAX_ROWS, XLSX_BYTES, XLSX_UNPACKED_BYTES
from assistant.profile_files import ANCHOR_FIX, load_group, parse_group_text
from assistant.spreadsheet import COLUMNS, NUMBER_CELL_MESSAGE, group_to_rows, import_table, write_template

ROOT = Path(__file__).resolve().parent.parent
GROUP = load_group(DELEGATION, today=TODAY)
T = ["--today", TODAY.isoformat()]
MEMORY_CAP = 1 << 30  # 1 GiB of address space: plenty for ustd, far below what would hurt the machine

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def ustd_capped(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``ustd ARGS`` in a child with a memory cap; a hang fails the test by its timeout."""
    env = {**os.environ, "COLUMNS": "500"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=90, preexec_fn=_capped)


def ustd(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``ustd ARGS`` in this process, as a user runs it: exit code and everything printed."""
    from assistant.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def one_line(text: str) -> str:
    """Rich wraps long lines at the console width; compare text with single spaces."""
    return " ".join(text.split())


# --- point 7: YAML anchors and aliases ----------------------------------------------------------


def test_billion_laughs_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    """Before: `ustd profiles validate` grew past the memory cap (MemoryError traceback)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = ustd_capped("profiles", "validate", str(bomb), *T)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "MemoryError" not in output
    assert f"{bomb}:1: error: (file): defines the YAML anchor &a" in output
    assert ANCHOR_FIX in one_line(output)


def _with_alias() -> str:
    """The example delegation, valid, except that a dependent reuses the primary's nationality
    through an anchor (line 15) and an alias (line 59)."""
    lines = DELEGATION.read_text(encoding="utf-8").splitlines()
    assert lines[14] == "  nationality: China" and lines[58] == "    nationality: China"
    lines[14] = "  nationality: &nat China"
    lines[58] = "    nationality: *nat"
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (lambda text: text, 15, "defines the YAML anchor &nat"),
        (lambda text: text.replace("&nat ", ""), 59, "uses the YAML alias *nat"),
        (lambda text: text.replace("  nationality: &nat China", "  nationality: &nat China\n  <<: *nat"),
         15, "defines the YAML anchor &nat"),
    ],
    ids=["anchor", "alias", "merge-key"],
)
def test_anchors_and_aliases_are_refused_with_line_and_fix(edit, line: int, message: str) -> None:  # noqa: ANN001
    group, problems = parse_group_text(edit(_with_alias()), "alias.yaml", today=TODAY)
    assert group is None
    (p,) = problems
    assert (p.file, p.line, p.message, p.fix, p.field) == ("alias.yaml", line, message, ANCHOR_FIX, "(file)")


@pytest.mark.parametrize(
    "command",
    [
        ["profiles", "validate", "alias.yaml", *T],
        ["profiles", "show", "alias.yaml", *T],
        ["profiles", "template", "out.xlsx", "--from", "alias.yaml"],
        ["dry-run", "alias.yaml"],
        ["prefill", "alias.yaml", "--portal-url", "http://127.0.0.1:9"],
        ["secrets", "set", "alias.yaml"],
        ["secrets", "check", "alias.yaml"],
        ["secrets", "delete", "alias.yaml", "--yes"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_every_command_that_loads_a_profile_refuses_aliases(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "alias.yaml").write_text(_with_alias(), encoding="utf-8")
    code, output = ustd(capsys, *command)
    assert code == 1, output
    assert "alias.yaml:15: error: (file): defines the YAML anchor &nat" in one_line(output)
    assert "Traceback" not in output
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "reports").exists()


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    """Before: RecursionError from the YAML composer (a traceback)."""
    text = "name: " + "[" * 5000 + "]" * 5000 + "\n"
    group, problems = parse_group_text(text, "deep.yaml", today=TODAY)
    assert group is None
    (p,) = problems
    assert p.line == 1 and "more than 32 levels deep" in p.message and "indentation" in p.fix


# --- point 7: sizes ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sparse-4-GB-file", "device"])
def test_a_huge_group_file_is_refused_without_reading_it(tmp_path: Path, kind: str) -> None:
    """Before: the whole file was read into memory (MemoryError under the cap; a device never ends)."""
    if kind == "device":
        path, size = Path("/dev/zero"), "is more than the 200 kB a group file may have"
    else:
        path = tmp_path / "huge.yaml"
        with path.open("wb") as f:
            f.truncate(4 * 10**9)
        size = "is 4.0 GB, more than the 200 kB a group file may have"
    result = ustd_capped("profiles", "validate", str(path), *T)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert f"{path}: error: (file): {size}" in output
    assert "split it into several files" in output


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for row in rows:
            w.writerow(["" if row[c] is None else (row[c].isoformat() if isinstance(row[c], date) else row[c])
                        for c in COLUMNS])
    return path


def _fill(path: Path, rows: list[dict]) -> Path:
    """What staff do: type one row per applicant into the template (dates as date cells)."""
    wb = load_workbook(path)
    ws = wb["Applicants"]
    for row in rows:
        ws.append([datetime(v.year, v.month, v.day) if type(v) is date else v for v in (row[c] for c in COLUMNS)])
    wb.save(path)
    return path


def _sheet(tmp_path: Path, rows: list[dict] | None = None, name: str = "d.xlsx") -> Path:
    return _fill(write_template(tmp_path / name), group_to_rows(GROUP) if rows is None else rows)


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """A copy of an .xlsx with some members replaced (or added)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, None) or src.read(info.filename))
        for name, data in replace.items():
            dst.writestr(name, data)
    return target


SHEET_XML = "xl/worksheets/sheet1.xml"


def test_a_big_csv_is_refused_with_size_limit_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _csv(path, group_to_rows(GROUP))
    with path.open("a", encoding="utf-8") as f:
        f.write("#" * CSV_BYTES + "\n")
    groups, problems = import_table(path, today=TODAY)
    (p,) = problems
    assert groups == [] and p.file == str(path)
    assert re.fullmatch(r"is 2\.\d MB, more than the 2 MB a CSV file may have", p.message), p.message
    assert "split it into several files" in p.fix


def test_a_big_xlsx_is_refused_before_opening(tmp_path: Path) -> None:
    path = _sheet(tmp_path)
    _rezip(path, tmp_path / "big.xlsx", {"xl/media/photo.bin": os.urandom(XLSX_BYTES)})
    (p,) = import_table(tmp_path / "big.xlsx", today=TODAY)[1]
    assert re.fullmatch(r"is 5\.\d MB, more than the 5 MB a spreadsheet may have", p.message), p.message


def test_a_zip_bomb_xlsx_is_refused_by_its_unpacked_size(tmp_path: Path) -> None:
    """A few kB on disk that would unpack to more than the limit (here the sheet itself)."""
    path = _sheet(tmp_path)
    with zipfile.ZipFile(path) as z:
        sheet = z.read(SHEET_XML)
    padded = sheet.replace(b"</worksheet>", b" " * XLSX_UNPACKED_BYTES + b"</worksheet>")
    bomb = _rezip(path, tmp_path / "bomb.xlsx", {SHEET_XML: padded})
    assert bomb.stat().st_size < 200_000
    (p,) = import_table(bomb, today=TODAY)[1]
    assert re.fullmatch(r"unpacks to 20\.\d MB, more than the 20 MB a spreadsheet may unpack to", p.message), p.message
    assert "Applicants sheet" in p.fix


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_too_many_rows_are_refused(tmp_path: Path, suffix: str) -> None:
    rows = group_to_rows(GROUP) * (MAX_ROWS // 4 + 1)
    path = _csv(tmp_path / "many.csv", rows) if suffix == "csv" else _sheet(tmp_path, rows)
    (p,) = import_table(path, today=TODAY)[1]
    assert p.message == f"has more than {MAX_ROWS} applicant rows" and "split it into several files" in p.fix


def test_a_sheet_claiming_a_million_rows_and_columns_reads_promptly(tmp_path: Path) -> None:
    """A recorded size of A1:XFD1048576 and a formatted, empty last row (as Excel may save it).
    Before: openpyxl padded every row, down to row 1048576, to 16384 columns (memory cap hit)."""
    path = _sheet(tmp_path)
    with zipfile.ZipFile(path) as z:
        sheet = z.read(SHEET_XML).decode()
    sheet, n = re.subn(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    sheet, m = re.subn(r"</sheetData>", '<row r="1048576" ht="15" customHeight="1"/></sheetData>', sheet)
    assert n == m == 1
    lying = _rezip(path, tmp_path / "lying.xlsx", {SHEET_XML: sheet.encode()})
    result = ustd_capped("profiles", "validate", str(lying), *T)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{lying}: valid" in result.stdout


def _corrupt(tmp_path: Path, kind: str) -> Path:
    good = _sheet(tmp_path, name="good.xlsx")
    data = good.read_bytes()
    with zipfile.ZipFile(good) as z:
        sheet = z.read(SHEET_XML)
    target = tmp_path / f"{kind}.xlsx"
    if kind == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif kind == "not-a-zip":
        target.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    elif kind == "no-workbook":
        with zipfile.ZipFile(target, "w") as z:
            z.writestr("hello.txt", "hi")
    elif kind == "cut-sheet-xml":
        _rezip(good, target, {SHEET_XML: sheet[: len(sheet) * 2 // 3]})
    elif kind == "xml-entity-bomb":
        entities = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
            f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi"))
        bomb = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>')
        _rezip(good, target, {SHEET_XML: bomb.encode()})
    elif kind == "directory":
        target.mkdir()
    return target


def test_openpyxl_reads_xml_without_entity_expansion() -> None:
    """defusedxml is a dependency so that openpyxl refuses XML entity declarations outright."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


@pytest.mark.parametrize("kind", ["truncated", "not-a-zip", "no-workbook", "cut-sheet-xml", "xml-entity-bomb",
                                  "directory"])
def test_a_corrupt_xlsx_is_one_clear_line(tmp_path: Path, kind: str) -> None:
    """Before: a corrupt sheet (cut XML, entity bomb) or a directory ended in a traceback."""
    path = _corrupt(tmp_path, kind)
    result = ustd_capped("profiles", "import", str(path), "--out", str(tmp_path / "out.yaml"), *T)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert f"{path}: error: (file): cannot be read as an .xlsx workbook" in output
    assert "save it from Excel or LibreOffice as .xlsx" in output
    assert not (tmp_path / "out.yaml").exists()


# --- point 10: spreadsheet values ---------------------------------------------------------------


def test_travel_date_as_a_date_cell_and_as_text_is_the_same_date(tmp_path: Path) -> None:
    """Before: a date cell compared with the text of the same day: "differs from the primary's"."""
    rows = group_to_rows(GROUP)
    assert isinstance(rows[0]["travel_date"], date)  # the primary's: an Excel date cell
    rows[1]["travel_date"] = "2028-05-10"  # a dependent's: the same day as text
    rows[2]["travel_date"] = "2028/5/10"  # as a Chinese-locale display shows it
    groups, problems = import_table(_sheet(tmp_path, rows), today=TODAY)
    assert groups == [GROUP], [p.render() for p in problems if p.is_error]


def test_travel_date_still_differs_or_is_not_a_date(tmp_path: Path) -> None:
    rows = group_to_rows(GROUP)
    rows[1]["travel_date"] = "2028-05-11"
    rows[2]["travel_date"] = "next May"
    rows[3]["travel_date"] = datetime(2028, 5, 10, 9, 30)  # a date-time cell of the same day
    groups, problems = import_table(_sheet(tmp_path, rows), today=TODAY)
    found = {(p.line, p.column, p.message) for p in problems if p.is_error}
    assert groups == [] and found == {
        (3, "travel_date", "differs from the primary's travel date"),
        (4, "travel_date", "is not a valid date"),
    }


@pytest.mark.parametrize(
    ("source", "value"),
    [("xlsx", float("110105197805140014")), ("xlsx", 110105197805140014),
     ("csv", "1.10105E+17"), ("csv", "1.10105197805140e+17"), ("csv", "110105197805140000")],
    ids=["xlsx-float", "xlsx-int", "csv-excel-display", "csv-e-notation", "csv-15-digits-then-zeros"],
)
def test_a_national_id_stored_as_a_number_says_format_as_text(
    tmp_path: Path, source: str, value: object
) -> None:
    """Before: "has a wrong check character" (the float kept 15 digits), or a type error."""
    rows = group_to_rows(GROUP)
    rows[0]["national_id"] = value
    path = _sheet(tmp_path, rows) if source == "xlsx" else _csv(tmp_path / "d.csv", rows)
    groups, problems = import_table(path, today=TODAY)
    errs = [p for p in problems if p.is_error]
    assert groups == [] and [(p.line, p.column, p.message) for p in errs] == [(2, "national_id", NUMBER_CELL_MESSAGE)]
    assert "format the column as Text" in errs[0].fix


def test_a_phone_typed_as_a_number_is_still_fine(tmp_path: Path) -> None:
    """Only numbers that lost digits are refused: an 11-digit mobile fits in 15 digits."""
    rows = group_to_rows(GROUP)
    rows[0]["mobile_phone"] = int(rows[0]["mobile_phone"])
    assert import_table(_sheet(tmp_path, rows), today=TODAY)[0] == [GROUP]


def test_import_of_a_number_id_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    rows = group_to_rows(GROUP)
    rows[1]["national_id"] = float(rows[1]["national_id"])
    _sheet(tmp_path, rows)
    code, output = ustd(capsys, "profiles", "import", "d.xlsx", "--out", "out.yaml", *T)
    text = one_line(output)
    assert code == 1 and "Traceback" not in output and not (tmp_path / "out.yaml").exists()
    assert f"d.xlsx, sheet Applicants, row 3: error: column national_id: {NUMBER_CELL_MESSAGE}" in text
    assert "check character" not in text


def test_the_template_formats_number_like_columns_as_text(tmp_path: Path) -> None:
    ws = load_workbook(write_template(tmp_path / "t.xlsx"))["Applicants"]
    for name in ("national_id", "passport_number", "home_phone", "mobile_phone", "mailing_postal_code",
                 "delivery_postal_code", "ds160_number"):
        assert ws.column_dimensions[get_column_letter(COLUMNS.index(name) + 1)].number_format == "@", name


# --- point 10: `ustd secrets delete` without a terminal ------------------------------------------


def _store(pid: str = "he-mingyuan") -> None:
    for entry in secrets.ENTRIES:
        secrets.set_secret(pid, entry, "Pa55-word!x")


def _kept(pid: str = "he-mingyuan") -> bool:
    return all(secrets.check_secrets(pid).values())


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Not deleted: no confirmation for he-mingyuan (standard input ended)"),
     ("n\n", "Not deleted: the keyring entries of he-mingyuan are kept (you answered no)")],
    ids=["end-of-input", "no"],
)
def test_secrets_delete_without_a_yes_deletes_nothing_and_is_not_an_interruption(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    typed: str, message: str,
) -> None:
    """Before: "Interrupted." and exit 130, as for Ctrl-C."""
    _store()
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code, output = ustd(capsys, "secrets", "delete", "he-mingyuan")
    assert code == 1, output
    assert message in one_line(output) and "Interrupted" not in output and "Traceback" not in output
    assert _kept()
    if not typed:
        assert "--yes" in output


def test_secrets_delete_with_a_typed_yes_deletes(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    _store()
    monkeypatch.setattr(sys, "stdin", io.StringIO("maybe\ny\n"))
    code, output = ustd(capsys, "secrets", "delete", "he-mingyuan")
    assert code == 0, output
    assert output.count(": deleted") == 4 and "Please answer y or n." in output
    assert not any(secrets.check_secrets("he-mingyuan").values())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_secrets_set_at_a_terminal_ctrl_d_stores_nothing_and_is_not_an_interruption(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: Ctrl-D at the hidden prompt was "Interrupted." and exit 130."""
    answers = iter(["Pa55-word!x", "Pa55-word!x", "Zhou Mei"])

    def typed(prompt: str = "") -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(getpass, "getpass", typed)
    code, output = ustd(capsys, "secrets", "set", "he-mingyuan")
    assert code == 1, output
    assert "input ended before security-answer-2; nothing was stored" in one_line(output)
    assert "Interrupted" not in output
    assert not any(secrets.check_secrets("he-mingyuan").values())


# --- general: text from the input is never read as rich markup -----------------------------------


def test_a_key_that_looks_like_markup_is_reported_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: rich.errors.MarkupError ("closing tag '[/x]' ... doesn't match") and a traceback."""
    monkeypatch.chdir(tmp_path)
    text = '"[/x]": 1\n' + DELEGATION.read_text(encoding="utf-8")
    (tmp_path / "markup.yaml").write_text(text, encoding="utf-8")
    code, output = ustd(capsys, "profiles", "validate", "markup.yaml", *T)
    assert code == 1 and "Traceback" not in output and "MarkupError" not in output
    assert "markup.yaml:1: error: [/x]: is not a known field" in one_line(output)


def test_show_prints_values_that_look_like_markup_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    """Before: a mailing street with "[/b]" ended `ustd profiles show` in a MarkupError traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")
    text = DELEGATION.read_text(encoding="utf-8")
    assert text.count("朝阳门外大街18号") >= 1
    (tmp_path / "markup.yaml").write_text(text.replace("朝阳门外大街18号", "朝阳门外大街[/b]18号", 1), encoding="utf-8")
    code, output = ustd(capsys, "profiles", "show", "markup.yaml", *T)
    assert code == 0, output
    assert "朝阳门外大街[/b]18号" in output
