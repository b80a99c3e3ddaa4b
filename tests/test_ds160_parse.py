"""The DS-160 confirmation page's text read into fields, and each value normalised (no files).

The reader keys on the page's labels, not on a layout, and normalises values the way profiles
store them; these are the rules one by one: every date form, names, locations, classes, the
barcode and printed numbers agreeing or not, and a missing label reported for its own field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ds160 import Confirmation, ReadValue
from assistant.ds160._text import (
    OCR_NOTE, agree, application_id, country, iso_date, labelled_values, parse_fields, person_name, post,
    split_name, visa_class,
)  # fmt: skip

PAGE = """U.S. Department of State
Nonimmigrant Visa - DS-160 Confirmation
Please print this confirmation page. You will need your passport and its nationality page.
Location Selected to Submit Application: CHINA, BEIJING
Confirmation No: AA00EXM001
Name Provided: HE, MINGYUAN
Date of Birth: 14 MAY 1978
Place of Birth: BEIJING, CHINA
Gender: MALE
Nationality: CHINA
Passport Number: EA0000001
Purpose of Trip: TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)
Application Submitted: 02 FEB 2028 09:41:12 (GMT+8)
"""


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("14 AUG 1982", "1982-08-14"),
        ("14-AUG-1982", "1982-08-14"),
        ("1982-08-14", "1982-08-14"),
        ("08/14/1982", "1982-08-14"),
        ("4 aug 1982", "1982-08-04"),
        ("14 AUGUST 1982", "1982-08-14"),
        ("AUG 14, 1982", "1982-08-14"),
        ("02 SEP 1980 (dd mmm yyyy)", "1980-09-02"),
    ],
)
def test_every_date_form_becomes_iso(raw: str, iso: str) -> None:
    assert iso_date(raw) == iso


@pytest.mark.parametrize("raw", ["14/08/1982", "31 FEB 1982", "14 XYZ 1982", "1982", "", "MAY 1978"])
def test_dates_that_are_not_dates_are_not_guessed(raw: str) -> None:
    assert iso_date(raw) is None


def test_names_split_at_the_comma_upper_case_single_spaced() -> None:
    assert split_name("He,  Ming Yuan ") == ("HE", "MING YUAN")
    assert split_name("O'NEIL-SMITH, MARY ANN") == ("O'NEIL-SMITH", "MARY ANN")
    assert split_name("HE MINGYUAN") is None  # which part is the surname would be a guess
    assert person_name("  tang   xiao.wen ") == "TANG XIAO WEN"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CHINA, BEIJING", "Beijing"),
        ("BEIJING", "Beijing"),
        ("SHANGHAI, CHINA", "Shanghai"),
        ("CHINA,  GUANGZHOU", "Guangzhou"),
        ("CHINA, BEIJING OFC", "Beijing"),
        ("北京", "Beijing"),
        ("CHINA, PARIS", None),
        ("CHINA", None),
    ],
)
def test_location_is_the_post_without_the_country(raw: str, expected: str | None) -> None:
    assert post(raw) == expected


def test_ocr_slips_in_a_city_are_forgiven_only_for_ocr_text() -> None:
    assert post("CHINA, BELJING") is None
    assert post("CHINA, BELJING", ocr=True) == "Beijing"
    assert post("CHINA, SHANGHA1", ocr=True) == "Shanghai"
    assert post("CHINA, XYZ", ocr=True) is None


def test_nationality_is_the_canonical_country() -> None:
    assert country("CHINA") == "China"
    assert country("china ") == "China"
    assert country("NARNIA") is None
    assert country("CHlNA", ocr=True) == "China"


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)", "B1/B2"),
        ("STUDENT (F1)", "F-1"),
        ("TEMPORARY WORKER (H1B)", "H-1B"),
        ("EXCHANGE VISITOR (J1)", "J-1"),
        ("STUDENT (F-1)", "F-1"),
        ("BUSINESS (B1)", "B1"),
    ],
)
def test_visa_class_from_the_purpose_parentheses(purpose: str, expected: str) -> None:
    assert visa_class(purpose) == (expected, "")


def test_visa_class_not_stated_or_unknown_says_why() -> None:
    assert visa_class("TEMP. BUSINESS OR PLEASURE VISITOR") == (None, "the purpose of trip states no visa class")
    value, note = visa_class("TEMP. BUSINESS OR PLEASURE VISITOR (B)")
    assert value is None and "(B) is not a visa class" in note
    assert visa_class("VISITOR (61/82)")[0] is None  # OCR's B/6 and B/8 slips: only for OCR text
    assert visa_class("VISITOR (61/82)", ocr=True)[0] == "B1/B2"


def test_application_id() -> None:
    assert application_id("aa00exm001") == "AA00EXM001"
    assert application_id("AA00 EXM001") is None
    assert application_id("AA00 EXM001", ocr=True) == "AA00EXM001"
    assert application_id("AA00EXM01") is None  # nine characters: not an ID


def test_a_full_page_of_text() -> None:
    fields = parse_fields(PAGE, "text")
    read = {k: v.value for k, v in vars(fields).items() if isinstance(v, ReadValue)}
    assert read == {
        "text_id": "AA00EXM001", "surname": "HE", "given_names": "MINGYUAN", "birth_date": "1978-05-14",
        "passport_number": "EA0000001", "nationality": "China", "location": "Beijing", "visa_class": "B1/B2",
    }  # fmt: skip
    assert all(v.source == "text" and not v.uncertain for v in vars(fields).values() if isinstance(v, ReadValue))
    assert fields.surname.raw == "HE, MINGYUAN" and fields.birth_date.raw == "14 MAY 1978"
    # "nationality" inside a sentence is no label: the labelled line's value is the one read
    assert fields.nationality.raw == "CHINA"


def test_values_in_the_next_cell_two_line_names_and_other_number_labels() -> None:
    text = """Location Selected to Submit Application:
CHINA, SHANGHAI
Application ID:
AA00EXM002
Surnames:
TANG
Given Names:
XIAO WEN
Date of Birth:
02-SEP-1980
Passport Number:
EA0000002
Nationality:
CHINA
Purpose of Trip: STUDENT
(F1)
"""
    fields = parse_fields(text, "text")
    assert (fields.text_id.value, fields.surname.value, fields.given_names.value) == ("AA00EXM002", "TANG", "XIAO WEN")
    assert (fields.birth_date.value, fields.passport_number.value) == ("1980-09-02", "EA0000002")
    assert (fields.location.value, fields.nationality.value, fields.visa_class.value) == ("Shanghai", "China", "F-1")


def test_two_labels_on_one_line_and_confirmation_number_label() -> None:
    found = labelled_values("Confirmation Number: AA00EXM003   Date of Birth: 08/14/1982\nGender: FEMALE")
    assert found == {"application_id": "AA00EXM003", "birth_date": "08/14/1982", "gender": "FEMALE"}


def test_ocr_text_without_colons_and_the_number_before_its_label() -> None:
    text = """Nonimmigrant Visa - DS-160 Confirmation
Location Selected to Submit Application CHINA, BEIJING
AA00EXM001
Confirmation No
Name Provided HE, MINGYUAN
Date of Birth 14 MAY 1978
Nationality CHINA
Passport Number EA0000001
"""
    fields = parse_fields(text, "ocr")
    assert fields.text_id.value == "AA00EXM001"
    assert (fields.surname.value, fields.birth_date.value, fields.location.value) == ("HE", "1978-05-14", "Beijing")
    assert fields.surname.uncertain and fields.surname.note == OCR_NOTE
    assert fields.visa_class.value is None and not fields.visa_class.raw  # no purpose line: not stated


def _confirmation(fields_text: str, barcode: ReadValue) -> Confirmation:
    fields = parse_fields(fields_text, "text")
    return Confirmation(
        path=Path("page.pdf"), application_id=agree(barcode, fields.text_id), barcode_id=barcode,
        text_id=fields.text_id, surname=fields.surname, given_names=fields.given_names,
        birth_date=fields.birth_date, passport_number=fields.passport_number, nationality=fields.nationality,
        location=fields.location, visa_class=fields.visa_class,
    )  # fmt: skip


def test_missing_labels_are_reported_per_field() -> None:
    text = PAGE.replace("Date of Birth: 14 MAY 1978\n", "").replace("Passport Number: EA0000001", "Passport Number:")
    text = text.replace("Purpose of Trip: TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)", "Purpose of Trip: VISITOR (ZZ9)")
    confirmation = _confirmation(text, ReadValue("AA00EXM001", "barcode", "AA00EXM001"))
    assert confirmation.problems() == [
        "date of birth: no 'Date of Birth' label in the page's text",
        "passport number: nothing after 'Passport Number'",
        "visa class: (ZZ9) is not a visa class the portal offers",
    ]


def test_a_page_without_purpose_of_trip_has_no_class_problem() -> None:
    text = PAGE.replace("Purpose of Trip: TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)\n", "")
    confirmation = _confirmation(text, ReadValue("AA00EXM001", "barcode", "AA00EXM001"))
    assert confirmation.visa_class.value is None and confirmation.problems() == []


def test_nothing_readable_reports_every_field() -> None:
    confirmation = _confirmation("just some words", ReadValue(None, None, "", "no Code 128 or Code 39 barcode read"))
    assert [line.split(":")[0] for line in confirmation.problems()] == [
        "application ID", "surname", "given names", "date of birth", "passport number", "nationality", "location",
    ]  # fmt: skip


BARCODE = ReadValue("AA00EXM001", "barcode", "AA00EXM001")
PRINTED = ReadValue("AA00EXM001", "text", "AA00EXM001")
NONE = ReadValue(None, None, "", "no Code 128 or Code 39 barcode read")


def test_barcode_and_printed_number_agree() -> None:
    assert agree(BARCODE, PRINTED) == ReadValue("AA00EXM001", "barcode", "AA00EXM001")


def test_barcode_and_printed_number_disagree() -> None:
    got = agree(BARCODE, ReadValue("AA00EXM00Z", "text", "AA00EXM00Z"))
    assert got.value is None and "AA00EXM001" in got.note and "AA00EXM00Z" in got.note


def test_only_one_number_read_says_which() -> None:
    only_barcode = agree(BARCODE, ReadValue(None, None, "", "no application ID in the text"))
    assert only_barcode.value == "AA00EXM001" and only_barcode.note.startswith("from the barcode only")
    only_text = agree(NONE, PRINTED)
    assert only_text.value == "AA00EXM001" and only_text.source == "text"
    assert only_text.note == "from the text only (no Code 128 or Code 39 barcode read)"
    assert agree(NONE, ReadValue(None, None)).value is None


def test_ocr_confusions_yield_to_the_barcode_but_a_text_layer_does_not() -> None:
    ocr = ReadValue("AAOOEXMOO1", "ocr", "AAOOEXMOO1", OCR_NOTE)
    got = agree(BARCODE, ocr)
    assert got.value == "AA00EXM001" and got.source == "barcode" and "AAOOEXMOO1" in got.note
    assert agree(BARCODE, ReadValue("AAOOEXMOO1", "text", "AAOOEXMOO1")).value is None
