"""Spreadsheet template and import: round trips through openpyxl, LibreOffice and CSV."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from profile_helpers import DELEGATION, EXAMPLES, SINGLE, TODAY

from flows.errors import ProfileInvalid, UstdError
from assistant.profile_files import load_group
from assistant.spreadsheet import COLUMNS, group_to_rows, import_table, import_to_yaml, write_template

GROUP = load_group(DELEGATION, today=TODAY)
SINGLE_GROUP = load_group(SINGLE, today=TODAY)

PUBLIC_COLUMNS = (
    "group, role, relation, id, surname, given_name, gender, birth_date, country_of_birth, nationality, "
    "national_id, passport_number, passport_issue_date, passport_expiry_date, passport_place_of_issue, "
    "email, home_phone, mobile_phone, mailing_street, mailing_city, mailing_state, mailing_postal_code, "
    "post, visa_category, visa_class, visa_priority, ds160_number, sevis_id, petition_receipt_number, "
    "petitioner_name, delivery_option, delivery_street, delivery_street2, delivery_street3, delivery_city, "
    "delivery_state, delivery_postal_code, delivery_premium_location, username, security_question_1, "
    "security_question_2, security_question_3, preferred_language, travel_date, account_exists, "
    "previous_visa_class, previous_visa_issue_date, previous_visa_expiry_date, ever_refused_us_visa, "
    "previous_visa_lost_or_stolen"
)


def test_columns_are_the_public_interface() -> None:
    assert ", ".join(COLUMNS) == PUBLIC_COLUMNS


def test_template_has_header_dropdowns_and_notes(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["Applicants"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.max_row == 1
    validated = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            validated[COLUMNS[rng.min_col - 1]] = dv.formula1
    for column in ("gender", "post", "visa_class", "relation", "delivery_option", "role",
                   "visa_category", "account_exists", "security_question_1"):
        assert column in validated, column
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    col = re.search(r"\$([A-Z]+)\$2", validated["post"]).group(1)
    posts = [c.value for c in lists[col][1:] if c.value]
    assert posts[:2] == ["Beijing", "Beijing OFC"] and len(posts) == 10
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True) if r[0]}
    assert set(COLUMNS) <= set(notes)
    assert "delivery_city" in notes and "pickup" in notes["delivery_city"].lower()
    assert "secrets" in notes


def _fill(path: Path, rows: list[dict], *, dates_as_text: bool = False) -> None:
    """What staff do: open the template and type one row per applicant."""
    wb = load_workbook(path)
    ws = wb["Applicants"]
    for row in rows:
        values = []
        for c in COLUMNS:
            v = row[c]
            if isinstance(v, date) and dates_as_text:
                v = v.isoformat()
            elif isinstance(v, date):
                v = datetime(v.year, v.month, v.day)
            values.append(v)
        ws.append(values)
    wb.save(path)


@pytest.mark.parametrize("dates_as_text", [False, True])
def test_round_trip_template_fill_import_validate(tmp_path: Path, dates_as_text: bool) -> None:
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, group_to_rows(GROUP) + group_to_rows(SINGLE_GROUP), dates_as_text=dates_as_text)
    written, problems = import_to_yaml(sheet, tmp_path / "out", today=TODAY)
    assert not [p for p in problems if p.is_error]
    assert sorted(p.name for p in written) == ["example-student.yaml", "example-trade-delegation.yaml"]
    assert load_group(tmp_path / "out" / "example-trade-delegation.yaml", today=TODAY) == GROUP
    assert load_group(tmp_path / "out" / "example-student.yaml", today=TODAY) == SINGLE_GROUP


def test_template_from_a_profile_round_trips(tmp_path: Path) -> None:
    sheet = write_template(tmp_path / "t.xlsx", GROUP)
    groups, problems = import_table(sheet, today=TODAY)
    assert groups == [GROUP]
    assert {p.severity for p in problems} == {"note"}
    assert all(p.sheet == "Applicants" and p.line in (4, 5) and p.column == "birth_date" for p in problems)


def _write_csv(path: Path, rows: list[dict], *, bom: bool, delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(COLUMNS)
        for row in rows:
            w.writerow(["" if row[c] is None else (row[c].isoformat() if isinstance(row[c], date) else row[c]) for c in COLUMNS])


@pytest.mark.parametrize(("bom", "delimiter"), [(True, ","), (False, ","), (False, ";")])
def test_csv_import_with_or_without_bom(tmp_path: Path, bom: bool, delimiter: str) -> None:
    path = tmp_path / "d.csv"
    _write_csv(path, group_to_rows(GROUP), bom=bom, delimiter=delimiter)
    groups, _ = import_table(path, today=TODAY)
    assert groups == [GROUP]


def test_csv_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(",".join(COLUMNS).encode() + "\n组,primary\n".encode("gbk"))
    _, problems = import_table(path)
    assert "UTF-8" in problems[0].message + problems[0].fix


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(tmp_path: Path, source: Path, target: str) -> Path:
    out = tmp_path / "lo-out"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", target, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    return next(out.iterdir())


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("target", ["xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1"])
def test_libreoffice_saved_files_import(tmp_path: Path, target: str) -> None:
    sheet = write_template(tmp_path / "src" / "t.xlsx")
    _fill(sheet, group_to_rows(GROUP))
    saved = _convert(tmp_path, sheet, target)
    groups, problems = import_table(saved, today=TODAY)
    assert not [p for p in problems if p.is_error], [p.render() for p in problems]
    assert groups == [GROUP]


def _as_libreoffice_writes_it(src: Path, dst: Path) -> None:
    """Rewrite an openpyxl file (inline strings) the way LibreOffice stores cells: strings in a
    shared-strings part (t="s"), dates as serial numbers with a date number format."""
    strings: list[str] = []

    def shared(m: re.Match[str]) -> str:
        strings.append(m.group(2))
        return f'<c{m.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                data = re.sub(r'<c([^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, data.decode()).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            zout.writestr(item, data)
        items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in strings)
        zout.writestr("xl/sharedStrings.xml",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                      f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')


def test_libreoffice_style_shared_strings_and_date_cells_import(tmp_path: Path) -> None:
    """Runs everywhere (no LibreOffice needed): the file layout LibreOffice writes."""
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, group_to_rows(GROUP))
    mimic = tmp_path / "lo.xlsx"
    _as_libreoffice_writes_it(sheet, mimic)
    xml = zipfile.ZipFile(mimic).read("xl/worksheets/sheet1.xml")
    assert b't="s"' in xml and b"inlineStr" not in xml
    groups, _ = import_table(mimic, today=TODAY)
    assert groups == [GROUP]


def _bad_sheet(tmp_path: Path, edits: dict[tuple[int, str], object]) -> Path:
    rows = group_to_rows(GROUP)
    for (i, column), value in edits.items():
        rows[i][column] = value
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, rows)
    return sheet


def test_import_reports_every_bad_cell_and_writes_nothing(tmp_path: Path) -> None:
    sheet = _bad_sheet(tmp_path, {
        (0, "passport_expiry_date"): "3/17/2034",
        (1, "gender"): "F",
        (2, "ds160_number"): "AA00EXM002",
        (3, "delivery_city"): "Chengdu",
        (1, "username"): "tangxw",
        (3, "mobile_phone"): "+86 13800000004",
    })
    out = tmp_path / "out.yaml"
    with pytest.raises(ProfileInvalid) as info:
        import_to_yaml(sheet, out, today=TODAY)
    assert not out.exists()
    cells = {(p.line, p.column) for p in info.value.problems if p.is_error}
    assert cells == {
        (2, "passport_expiry_date"), (3, "gender"), (4, "ds160_number"), (5, "delivery_city"),
        (3, "username"), (5, "mobile_phone"),
    }
    text = str(info.value)
    assert "sheet Applicants, row 3: error: column gender" in text
    assert "Nothing was written" in info.value.hint


def test_secret_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    _write_csv(path, group_to_rows(GROUP), bom=False)
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] += ",password"
    text[1] += ",Hunter2-Secret!"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ProfileInvalid) as info:
        import_to_yaml(path, tmp_path / "o.yaml")
    (p,) = info.value.problems
    assert p.column == "password" and "keyring" in p.fix and "ustd secrets set" in p.fix
    assert "Hunter2" not in str(info.value)
    assert not (tmp_path / "o.yaml").exists()


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("group,role,nickname\nx,primary,y\n", encoding="utf-8")
    _, problems = import_table(path)
    cols = {p.column for p in problems}
    assert "nickname" in cols and "surname" in cols and "account_exists" in cols


def test_group_structure_errors(tmp_path: Path) -> None:
    rows = group_to_rows(GROUP)
    rows[1]["role"] = "primary"
    rows[2]["role"] = "kid"
    rows[3]["travel_date"] = date(2028, 6, 1)
    rows[0]["relation"] = "Spouse"
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, rows)
    _, problems = import_table(sheet, today=TODAY)
    cells = {(p.line, p.column) for p in problems if p.is_error}
    assert {(3, "role"), (4, "role"), (5, "travel_date"), (2, "relation")} <= cells


def test_pickup_city_goes_in_delivery_city_and_numbers_become_text(tmp_path: Path) -> None:
    rows = group_to_rows(SINGLE_GROUP)
    assert rows[0]["delivery_city"] == "Shanghai" and rows[0]["delivery_street"] is None
    rows[0]["mobile_phone"] = 13900000001  # typed as a number
    rows[0]["national_id"] = "310104200307090048"
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, rows)
    groups, _ = import_table(sheet, today=TODAY)
    assert groups == [SINGLE_GROUP]
    assert groups[0].primary.delivery.pickup_location == "Shanghai"


def test_out_file_with_several_groups_needs_group_option(tmp_path: Path) -> None:
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, group_to_rows(GROUP) + group_to_rows(SINGLE_GROUP))
    with pytest.raises(UstdError, match="2 groups"):
        import_to_yaml(sheet, tmp_path / "one.yaml", today=TODAY)
    written, _ = import_to_yaml(sheet, tmp_path / "one.yaml", group_name="Example student", today=TODAY)
    assert load_group(written[0], today=TODAY) == SINGLE_GROUP
    with pytest.raises(UstdError, match="already exists"):
        import_to_yaml(sheet, tmp_path / "one.yaml", group_name="Example student", today=TODAY)


def test_cross_group_duplicates(tmp_path: Path) -> None:
    other = group_to_rows(SINGLE_GROUP)
    other[0]["passport_number"] = "EA0000001"
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, group_to_rows(GROUP) + other)
    _, problems = import_table(sheet, today=TODAY)
    p = next(p for p in problems if p.column == "passport_number")
    assert p.line == 6 and "row 2" in p.message


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(UstdError):
        import_table(tmp_path / "x.txt")
    (tmp_path / "x.xlsx").write_text("not a zip")
    _, problems = import_table(tmp_path / "x.xlsx")
    assert "cannot be read" in problems[0].message


def test_empty_workbook(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(list(COLUMNS))
    wb.save(tmp_path / "e.xlsx")
    _, problems = import_table(tmp_path / "e.xlsx")
    assert "no applicant rows" in problems[0].message


cell_garbage = st.one_of(st.text(max_size=30), st.integers().map(str), st.sampled_from(["", " ", "yes", "=1+1", "1985-13-01"]))


@settings(max_examples=50, deadline=None)
@given(column=st.sampled_from(COLUMNS), row=st.integers(0, 3), value=cell_garbage)
def test_garbage_in_any_cell_never_crashes(tmp_path_factory: pytest.TempPathFactory, column: str, row: int, value: str) -> None:
    rows = group_to_rows(GROUP)
    rows[row][column] = value
    path = tmp_path_factory.mktemp("g") / "d.csv"
    _write_csv(path, rows, bom=True)
    groups, problems = import_table(path, today=TODAY)
    assert groups or any(p.is_error for p in problems)
    for p in problems:
        p.render()


def test_control_characters_and_nul_bytes_are_clean_errors(tmp_path: Path) -> None:
    rows = group_to_rows(GROUP)
    rows[0]["mailing_street"] = "line one\nline two"
    rows[1]["surname"] = "TA\x00NG"
    path = tmp_path / "d.csv"
    _write_csv(path, rows, bom=False)
    groups, problems = import_table(path, today=TODAY)
    assert groups == []
    assert {(p.line, p.column) for p in problems if p.is_error} >= {(2, "mailing_street")}


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    rows = group_to_rows(GROUP)
    rows[0]["mailing_street"] = "line one\nline two"   # a quoted cell with a line break
    rows[2]["gender"] = "X"
    path = tmp_path / "d.csv"
    _write_csv(path, rows, bom=False)
    _, problems = import_table(path, today=TODAY)
    assert {(p.line, p.column) for p in problems if p.is_error} == {(2, "mailing_street"), (4, "gender")}


# --- students, petition workers, waiver facts, Premium Location (issue 9) ---------------------

STUDENTS = load_group(EXAMPLES / "student-family.yaml", today=TODAY)
WORKER = load_group(EXAMPLES / "petition-worker.yaml", today=TODAY)


@pytest.mark.parametrize("group", [STUDENTS, WORKER], ids=["student-family", "petition-worker"])
def test_new_columns_round_trip_through_the_template(tmp_path: Path, group) -> None:
    rows = group_to_rows(group)
    for row, a in zip(rows, group.applicants, strict=True):
        assert row["sevis_id"] == a.visa.sevis_id and row["petitioner_name"] == a.visa.petitioner_name
        assert row["ever_refused_us_visa"] == "no"
    sheet = write_template(tmp_path / "from.xlsx", group)
    groups, problems = import_table(sheet, today=TODAY)
    assert not [p for p in problems if p.is_error], [p.render() for p in problems]
    assert groups == [group]
    typed = write_template(tmp_path / "typed.xlsx")
    _fill(typed, rows, dates_as_text=True)
    written, _ = import_to_yaml(typed, tmp_path / "g.yaml", today=TODAY)
    assert load_group(written[0], today=TODAY) == group


def test_premium_location_goes_in_its_own_column(tmp_path: Path) -> None:
    (row, _) = group_to_rows(WORKER)
    assert row["delivery_option"] == "Premium Location"
    assert row["delivery_premium_location"] == "Shenzhen" and row["delivery_city"] is None


def test_a_csv_with_the_portals_own_labels_imports_as_canonical_values(tmp_path: Path) -> None:
    rows = group_to_rows(WORKER)
    labels = {
        "gender": ["男", "女"], "preferred_language": ["English", "中文(中国)"], "relation": [None, "配偶"],
        "post": ["广州", "Guangzhou"], "visa_category": ["基于申请的临时工作者"] * 2, "visa_class": ["h-1b", "h-4"],
        "visa_priority": ["常规", None], "country_of_birth": ["中国", "china"], "delivery_option": ["付费网点取件", None],
        "delivery_premium_location": ["深圳", None], "ever_refused_us_visa": ["否", "否"],
        "previous_visa_lost_or_stolen": ["否", "No"], "previous_visa_class": ["f-1", "B1/B2"],
        "security_question_1": ["您出生在哪个城市？", None],
    }
    for column, values in labels.items():
        for row, value in zip(rows, values, strict=True):
            row[column] = value
    path = tmp_path / "labels.csv"
    _write_csv(path, rows, bom=True)
    written, problems = import_to_yaml(path, tmp_path / "w.yaml", today=TODAY)
    assert not [p for p in problems if p.is_error], [p.render() for p in problems]
    assert load_group(written[0], today=TODAY) == WORKER
    text = written[0].read_text(encoding="utf-8")
    assert "付费网点取件" not in text and "option: Premium Location" in text and "premium_location: Shenzhen" in text


def test_a_sheet_made_before_the_new_columns_still_imports(tmp_path: Path) -> None:
    from assistant.spreadsheet import LATER_COLUMNS

    old = [c for c in COLUMNS if c not in LATER_COLUMNS]
    path = tmp_path / "old.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(old)
        for row in group_to_rows(GROUP):
            w.writerow(["" if row[c] is None else (row[c].isoformat() if isinstance(row[c], date) else row[c]) for c in old])
    groups, problems = import_table(path, today=TODAY)
    assert groups == [GROUP], [p.render() for p in problems]


def test_bad_new_cells_are_reported_by_row_and_column(tmp_path: Path) -> None:
    rows = group_to_rows(STUDENTS)
    rows[1]["sevis_id"] = "N12345"
    rows[2]["sevis_id"] = None
    rows[0]["previous_visa_expiry_date"] = date(2019, 1, 1)
    rows[0]["petitioner_name"] = "Example Analytics Inc."
    sheet = write_template(tmp_path / "t.xlsx")
    _fill(sheet, rows)
    groups, problems = import_table(sheet, today=TODAY)
    assert groups == []
    by_cell = {(p.line, p.column): p for p in problems if p.is_error}
    assert "SEVIS ID" in by_cell[(3, "sevis_id")].message
    assert "required for visa class F-2" in by_cell[(4, "sevis_id")].message
    assert "not after the issue date" in by_cell[(2, "previous_visa_expiry_date")].message
    assert by_cell[(2, "petitioner_name")].fix == "remove it, or check the visa class"


def test_template_offers_the_new_lists_and_explains_the_new_columns(tmp_path: Path) -> None:
    from assistant.spreadsheet import LATER_COLUMNS

    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    ws, lists = wb["Applicants"], wb["Lists"]
    validated = {COLUMNS[r.min_col - 1]: dv.formula1 for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}

    def options(column: str) -> list[str]:
        col = re.search(r"\$([A-Z]+)\$2", validated[column]).group(1)
        return [c.value for c in lists[col][1:] if c.value]

    assert "Chengdu" in options("delivery_premium_location") and "Beijing" not in options("delivery_premium_location")
    assert options("previous_visa_class")[:2] == ["none", "G5"] and "H-1B" in options("previous_visa_class")
    assert options("ever_refused_us_visa") == ["yes", "no"] == options("previous_visa_lost_or_stolen")
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True) if r[0]}
    for column in LATER_COLUMNS:
        assert column in notes, column
    assert "N0012345678" in notes["sevis_id"] and "EAC2490012345" in notes["petition_receipt_number"]
    assert "not known" in notes["previous_visa_class"] and "none" in notes["previous_visa_class"]
