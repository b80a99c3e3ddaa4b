"""The DS-160 check on hand-made confirmations: pairing, each kind of difference and its fix.

No files and no browser: what the check decides from values already read (reading the pages
is tested in the reader's own tests, and end to end in test_ds160_cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from run_helpers import EXAMPLES, load_group

from assistant.ds160._model import Confirmation, ReadValue, not_read
from assistant.ds160.check import CheckResult, check, class_covered, same_city_post
from assistant.models import Applicant

GROUP_FILE = EXAMPLES / "delegation.yaml"
GROUP = load_group(GROUP_FILE)
GROUPS = [(GROUP_FILE, GROUP)]
HE, TANG, YUTONG, ZHENBANG = GROUP.applicants


def page_of(a: Applicant, source: str = "text", **values: Any) -> Confirmation:
    """The confirmation a correct DS-160 of ``a`` gives, with ``values`` changed (None: not read)."""
    fields = {
        "application_id": a.ds160_number,
        "barcode_id": a.ds160_number,
        "text_id": a.ds160_number,
        "surname": a.surname,
        "given_names": a.given_name,
        "birth_date": a.birth_date.isoformat(),
        "passport_number": a.passport.number,
        "nationality": "China",
        "location": "Beijing",
        "visa_class": "B1/B2",
    }
    fields.update(values)
    read = {
        name: (not_read("too blurred to read") if value is None
               else ReadValue(value, "barcode" if name == "barcode_id" else source, raw=value))  # type: ignore[arg-type]
        for name, value in fields.items()
    }
    return Confirmation(path=Path(f"/pages/{a.id}.pdf"), **read)


def all_pages(**changed: Confirmation) -> list[Confirmation]:
    return [changed.get(a.id, page_of(a)) for a in GROUP.applicants]


def problems(result: CheckResult) -> list[tuple[str, str, str]]:
    return [(r.status, r.applicant_id, r.field) for r in result.problems]


def test_every_page_matching_passes_and_every_field_is_compared() -> None:
    result = check(GROUPS, all_pages())
    assert result.ok, result.problems
    compared = {(r.applicant_id, r.field) for r in result.rows if r.status == "match"}
    fields = {"application ID", "surname", "given names", "date of birth", "passport number", "location", "visa class"}
    assert compared == {(a.id, f) for a in GROUP.applicants for f in fields}


@pytest.mark.parametrize(
    ("changes", "field", "profile", "shown"),
    [
        ({"application_id": "AA00EXM00Z"}, "application ID", "AA00EXM002", "AA00EXM00Z"),
        ({"birth_date": "1980-02-09"}, "date of birth", "1980-09-02", "1980-02-09"),  # day and month swapped
        ({"surname": "TANGG"}, "surname", "TANG", "TANGG"),
        ({"given_names": "XIAO WEN"}, "given names", "XIAOWEN", "XIAO WEN"),
        ({"visa_class": "F-1"}, "visa class", "B2", "F-1"),
    ],
    ids=["ds160-number", "transposed-date", "surname", "given-names", "visa-class"],
)
def test_one_difference_names_that_applicant_and_field(
    changes: dict[str, str], field: str, profile: str, shown: str
) -> None:
    result = check(GROUPS, all_pages(**{TANG.id: page_of(TANG, **changes)}))
    assert problems(result) == [("mismatch", TANG.id, field)]
    row = result.problems[0]
    assert (row.profile, row.confirmation, row.file) == (profile, shown, f"/pages/{TANG.id}.pdf")
    assert str(GROUP_FILE) in row.fix


def test_a_wrong_passport_number_is_still_paired_by_name_and_birth_date() -> None:
    result = check(GROUPS, all_pages(**{YUTONG.id: page_of(YUTONG, passport_number="EA0000030")}))
    assert problems(result) == [("mismatch", YUTONG.id, "passport number")]
    assert "passport.number" in result.problems[0].fix


def test_passport_and_name_both_wrong_still_pairs_by_ds160_number() -> None:
    page = page_of(ZHENBANG, passport_number="EA0000044", surname="HO")
    assert problems(check(GROUPS, all_pages(**{ZHENBANG.id: page}))) == [
        ("mismatch", ZHENBANG.id, "surname"), ("mismatch", ZHENBANG.id, "passport number")]


def test_a_shanghai_ds160_for_a_beijing_appointment_needs_a_new_ds160() -> None:
    result = check(GROUPS, all_pages(**{HE.id: page_of(HE, location="Shanghai")}))
    assert problems(result) == [("mismatch", HE.id, "location")]
    row = result.problems[0]
    assert (row.profile, row.confirmation) == ("Beijing", "Shanghai")
    assert row.fix.startswith("fill a new DS-160 for Beijing: the location cannot be changed")


def test_beijing_ofc_is_the_beijing_post() -> None:
    ofc = GROUP.model_copy(update={"post": "Beijing OFC"}, deep=True)
    for a in ofc.applicants:
        a.visa.post = "Beijing OFC"  # type: ignore[misc]  # a copy: the module's GROUP keeps Beijing
    assert check([(GROUP_FILE, ofc)], all_pages()).ok
    assert same_city_post("Shanghai OFC") == "Shanghai"


@pytest.mark.parametrize(
    ("profile", "page", "covered"),
    [("B1", "B1/B2", True), ("B2", "B1/B2", True), ("B1/B2", "B1/B2", True), ("F-1", "F1", True),
     ("B2", "B1", False), ("F-1", "B1/B2", False), ("J-1", "J1", True)],
)
def test_class_covered(profile: str, page: str, covered: bool) -> None:
    assert class_covered(profile, page) is covered


def test_a_missing_page_and_a_stray_one_are_listed() -> None:
    stranger = page_of(TANG, passport_number="EB9999999", surname="LI", given_names="WEI",
                       birth_date="1990-01-01", application_id="AA00EXM999")
    pages = [page_of(HE), page_of(YUTONG), page_of(ZHENBANG), stranger]
    result = check(GROUPS, pages)
    assert sorted(problems(result)) == [("missing", TANG.id, "DS-160 confirmation"), ("stray", "", "DS-160 confirmation")]
    stray = next(r for r in result.problems if r.status == "stray")
    assert "LI WEI" in stray.confirmation and "EB9999999" in stray.confirmation


def test_two_pages_for_one_applicant_are_refused() -> None:
    result = check(GROUPS, [*all_pages(), page_of(HE, application_id="AA00EXM111")])
    assert problems(result) == [("duplicate", HE.id, "DS-160 confirmation")]


def test_a_field_not_read_fails_the_check_with_the_reason() -> None:
    result = check(GROUPS, all_pages(**{HE.id: page_of(HE, application_id=None)}))
    assert problems(result) == [("unread", HE.id, "application ID")]
    assert "too blurred to read" in result.problems[0].fix


def test_a_page_without_a_purpose_of_trip_compares_no_class() -> None:
    result = check(GROUPS, all_pages(**{HE.id: page_of(HE, visa_class=None)}))
    assert problems(result) == []  # not_read without raw text: the page states no purpose
    assert not any(r.applicant_id == HE.id and r.field == "visa class" for r in result.rows)


def test_values_read_by_ocr_are_flagged_uncertain() -> None:
    result = check(GROUPS, all_pages(**{TANG.id: page_of(TANG, source="ocr", passport_number="EA0000002")}))
    assert result.ok
    assert {r.uncertain for r in result.rows if r.applicant_id == TANG.id and r.field != "application ID"} == {True}
    wrong = check(GROUPS, all_pages(**{TANG.id: page_of(TANG, source="ocr", birth_date="1980-09-03")}))
    assert problems(wrong) == [("mismatch", TANG.id, "date of birth")]
    assert wrong.problems[0].uncertain and "read by OCR" in wrong.problems[0].fix


@pytest.mark.parametrize("width", [80, 120])
def test_the_mismatch_table_folds_in_a_narrow_terminal_and_loses_no_word(width: int) -> None:
    """Staff read the fix in whatever terminal they have: a row is folded, never cut off."""
    from rich.console import Console

    from assistant.cli.ds160 import check_table

    result = check(GROUPS, [page_of(HE, location="Shanghai")])
    console = Console(width=width, record=True, highlight=False)
    console.print(check_table(result))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= width
    cells = " ".join(" ".join(part.strip() for part in line.split("│")[1:-1]) for line in lines)
    for row in result.problems:
        for word in row.fix.split():
            assert word in cells or any(word.startswith(piece) for piece in cells.split() if len(piece) > 3), word
