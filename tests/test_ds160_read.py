"""read_confirmation on the files applicants hand in, made by tests/ds160_pages.py: the
consular site's PDF (text layer and a Code 128 or Code 39 barcode), a phone photo (barcode
and OCR, marked uncertain), a scanned PDF (OCR), and files that are no confirmation (one
clear line each). The pages are generated once for the module, in tmp_path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
import pytest
from ds160_pages import confirmation_pdf, confirmation_photo, corrupt_pdf, noise_image, scanned_pdf
from ocr import require_tesseract
from run_helpers import EXAMPLES, load_group

from assistant.ds160 import Confirmation, NotAConfirmation, OcrUnavailable, read_confirmation, read_confirmations
from assistant.ds160._ocr import tesseract_problem

GROUP = load_group(EXAMPLES / "delegation.yaml")
HE, TANG, YUTONG, ZHENBANG = GROUP.applicants
FIELDS = ("surname", "given_names", "birth_date", "passport_number", "nationality", "location", "visa_class")


@pytest.fixture(scope="module")
def pages(shared_page: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ds160-read")
    page = shared_page
    return {
        "code128": confirmation_pdf(page, folder / "he.pdf", HE, GROUP),
        "code39": confirmation_pdf(page, folder / "tang.pdf", TANG, GROUP, barcode="code39", layout="inline",
                                   date_style="dash", names_on_two_lines=True),
        "disagree": confirmation_pdf(page, folder / "odd" / "yutong.pdf", YUTONG, GROUP, barcode_id="AA00EXM00Z"),
        "photo": confirmation_photo(page, folder / "he-photo.png", HE, GROUP),
        "scan": scanned_pdf(page, folder / "zhenbang-scan.pdf", ZHENBANG, GROUP),
        "corrupt": corrupt_pdf(folder / "bad" / "corrupt.pdf"),
        "noise": noise_image(folder / "bad" / "noise.png"),
    }  # fmt: skip


def _values(c: Confirmation) -> dict[str, str | None]:
    return {name: getattr(c, name).value for name in ("application_id", *FIELDS)}


def _expected(applicant: Any, number: str | None = None) -> dict[str, str | None]:
    return {
        "application_id": number or applicant.ds160_number, "surname": applicant.surname,
        "given_names": applicant.given_name, "birth_date": str(applicant.birth_date),
        "passport_number": applicant.passport.number, "nationality": "China", "location": "Beijing",
        "visa_class": "B1/B2",
    }  # fmt: skip


@pytest.mark.parametrize(("kind", "who"), [("code128", 0), ("code39", 1)])
def test_pdf_read_fully_from_text_and_barcode(pages: dict[str, Path], kind: str, who: int) -> None:
    applicant = GROUP.applicants[who]
    c = read_confirmation(pages[kind])
    assert _values(c) == _expected(applicant)
    assert c.barcode_id.value == c.text_id.value == applicant.ds160_number
    assert (c.barcode_id.source, c.text_id.source, c.application_id.source) == ("barcode", "text", "barcode")
    assert all(getattr(c, f).source == "text" for f in FIELDS)
    assert c.problems() == [] and c.uncertain_fields == []


def test_barcode_and_printed_number_disagree_on_a_page(pages: dict[str, Path]) -> None:
    c = read_confirmation(pages["disagree"])
    assert (c.barcode_id.value, c.text_id.value) == ("AA00EXM00Z", YUTONG.ds160_number)
    assert c.application_id.value is None
    assert c.problems() == [f"application ID: the barcode says AA00EXM00Z but the printed number is {YUTONG.ds160_number}"]


def test_photo_read_by_barcode_and_ocr_marked_uncertain(pages: dict[str, Path]) -> None:
    require_tesseract()
    c = read_confirmation(pages["photo"])
    assert _values(c) == _expected(HE)
    assert c.barcode_id.value == HE.ds160_number and c.application_id.source == "barcode"
    assert not c.application_id.uncertain  # the barcode is exact, whatever OCR made of the digits
    assert all(getattr(c, f).source == "ocr" and getattr(c, f).uncertain for f in FIELDS)
    assert c.uncertain_fields == ["surname", "given names", "date of birth", "passport number", "nationality",
                                  "location", "visa class"]  # fmt: skip


def test_scanned_pdf_read_by_ocr(pages: dict[str, Path]) -> None:
    require_tesseract()
    c = read_confirmation(pages["scan"])
    assert _values(c) == _expected(ZHENBANG)
    assert c.barcode_id.value == ZHENBANG.ds160_number
    assert all(getattr(c, f).uncertain for f in FIELDS)


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("corrupt", "not a DS-160 confirmation page (the PDF cannot be read: "),
        ("noise", "not a DS-160 confirmation page (no application ID, in a barcode or in the text, and none of"),
    ],
)
def test_no_confirmation_gives_one_clear_line(pages: dict[str, Path], kind: str, why: str) -> None:
    if kind == "noise":
        require_tesseract()
    with pytest.raises(NotAConfirmation) as refused:
        read_confirmation(pages[kind])
    line = str(refused.value)
    assert line.startswith(f"{pages[kind]}: {why}") and "\n" not in line


def test_other_refusals(tmp_path: Path, shared_page: Any) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Confirmation No: AA00EXM001", encoding="utf-8")
    locked = tmp_path / "locked.pdf"
    writer = pypdf.PdfWriter(clone_from=confirmation_pdf(shared_page, tmp_path / "plain.pdf", HE, GROUP))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(locked)
    shared_page.set_content("<p>Dear applicant, your interview is on Monday.</p>")
    letter = tmp_path / "letter.pdf"
    shared_page.pdf(path=str(letter))
    lines = {}
    for path in (text, locked, letter, tmp_path / "missing.pdf"):
        with pytest.raises(NotAConfirmation) as refused:
            read_confirmation(path)
        lines[path.name] = str(refused.value)
    assert lines == {
        "notes.txt": f"{text}: not a DS-160 confirmation page (.txt: give a PDF, PNG or JPG file)",
        "locked.pdf": f"{locked}: not a DS-160 confirmation page (the PDF is password-protected: save it again"
                      " without a password)",
        "letter.pdf": f"{letter}: not a DS-160 confirmation page (no application ID, in a barcode or in the text,"
                      " and none of the page's labels)",
        "missing.pdf": f"{tmp_path / 'missing.pdf'}: no such file",
    }  # fmt: skip


def test_without_tesseract_a_photo_is_refused_saying_what_to_install(
    pages: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    tesseract_problem.cache_clear()
    try:
        for kind in ("photo", "scan"):
            with pytest.raises(OcrUnavailable) as refused:
                read_confirmation(pages[kind])
            assert str(refused.value) == (
                f"{pages[kind]}: needs OCR (no text layer), but tesseract is not installed: install tesseract-ocr"
                " (Debian/Ubuntu: apt-get install tesseract-ocr; macOS: brew install tesseract)"
            )
        assert read_confirmation(pages["code128"]).problems() == []  # a text PDF needs no OCR
    finally:
        tesseract_problem.cache_clear()


def test_files_and_folders(pages: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    odd = pages["disagree"].parent
    read, refused = read_confirmations([pages["code39"], odd, pages["code39"], pages["corrupt"], empty,
                                        tmp_path / "nowhere"])  # fmt: skip
    assert [c.path for c in read] == [pages["code39"], pages["disagree"]]  # each file once, in order
    assert refused == [
        f"{empty}: no PDF, PNG or JPG file in this folder",
        f"{tmp_path / 'nowhere'}: no such file or folder",
        f"{pages['corrupt']}: not a DS-160 confirmation page (the PDF cannot be read: Stream has ended unexpectedly)",
    ]
