"""``ustd ds160 read/check``, the ``--ds160`` gate of dry-run and prefill, ``profiles import
--ds160`` and the report's table, on confirmation pages generated here (tests/ds160_pages.py).

The pages are made once per module with the session's browser (a PDF costs about 0.3 s, a
photo or scan about 1 s and an OCR read 1-3 s), so most tests use text PDFs; one test reads
every kind (Code 128 and Code 39, PDF, photo, scan) end to end.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ds160_pages import confirmation_pdf, confirmation_photo, corrupt_pdf, noise_image, scanned_pdf
from ocr import require_tesseract
from run_helpers import EXAMPLES, load_group

from assistant.cli import main

DELEGATION = EXAMPLES / "delegation.yaml"
GROUP = load_group(DELEGATION)
HE, TANG, YUTONG, ZHENBANG = GROUP.applicants


@pytest.fixture(scope="module")
def pages(shared_page: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page the tests use, by name: one correct text PDF per applicant, one PDF per kind
    of mismatch, a photo and a scan, and two files that are no confirmation at all."""
    folder = tmp_path_factory.mktemp("ds160")
    pdf = lambda name, a, **kw: confirmation_pdf(shared_page, folder / f"{name}.pdf", a, GROUP, **kw)  # noqa: E731
    made = {
        "he": pdf("he", HE),
        "tang": pdf("tang", TANG, barcode="code39", layout="inline", date_style="dash", names_on_two_lines=True),
        "yutong": pdf("yutong", YUTONG, date_style="us", number_label="Application ID"),
        "zhenbang": pdf("zhenbang", ZHENBANG, barcode="code39", date_style="iso"),
        "tang-number": pdf("tang-number", TANG, application_id="AA00EXM00Z"),
        "tang-date": pdf("tang-date", TANG, birth_date="1980-02-09"),
        "yutong-passport": pdf("yutong-passport", YUTONG, passport_number="EA0000030"),
        "he-shanghai": pdf("he-shanghai", HE, post="Shanghai"),
        "stranger": pdf("stranger", HE, surname="LI", given_names="WEI", birth_date="1990-01-01",
                        passport_number="EB9999999", application_id="AA00EXM999"),
        "yutong-photo": confirmation_photo(shared_page, folder / "yutong-photo.png", YUTONG, GROUP),
        "zhenbang-scan": scanned_pdf(shared_page, folder / "zhenbang-scan.pdf", ZHENBANG, GROUP, barcode="code39"),
        "corrupt": corrupt_pdf(folder / "corrupt.pdf"),
        "noise": noise_image(folder / "noise.png"),
    }
    return made


def ustd(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """Run the CLI in-process: exit code and everything it printed (wide, so lines stay whole)."""
    from assistant.cli import run as run_cli

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "250")
        patch.setattr(run_cli.console, "width", 250)  # made at import, before COLUMNS was set here
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    return code, said.out + said.err


def confirmations(*paths: Path) -> list[str | Path]:
    return [x for p in paths for x in ("--confirmations", p)]


def correct(pages: dict[str, Path], **instead: str) -> list[Path]:
    """The four correct pages, some replaced: ``tang="tang-date"``; ``tang=""`` leaves it out."""
    chosen = {name: instead.get(name, name) for name in ("he", "tang", "yutong", "zhenbang")}
    return [pages[name] for name in chosen.values() if name]


def problem_rows(output: str) -> list[str]:
    """The check table's lines that name a problem status (rich draws one row per line here)."""
    return [line for line in output.splitlines()
            if any(s in line for s in ("DIFFERS", "NOT READ", "NO PAGE", "NOBODY'S", "TWO PAGES"))]


def test_check_all_match_exit_0(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*correct(pages)))
    assert code == 0, out
    assert problem_rows(out) == []
    assert all(f"({a.id}): its DS-160 page matches" in out for a in GROUP.applicants)


def test_check_reads_every_kind_of_page(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Code 128 and Code 39, text PDF, phone photo and scanned PDF: all read, all match, and
    what OCR read is said to be worth a look."""
    require_tesseract()
    files = correct(pages, yutong="yutong-photo", zhenbang="zhenbang-scan")
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*files))
    assert code == 0, out
    assert f"({YUTONG.id}): its DS-160 page matches" in out and "read by OCR, worth a look" in out


@pytest.mark.parametrize(
    ("instead", "applicant", "field"),
    [
        ({"tang": "tang-number"}, TANG, "application ID"),
        ({"tang": "tang-date"}, TANG, "date of birth"),
        ({"yutong": "yutong-passport"}, YUTONG, "passport number"),
        ({"he": "he-shanghai"}, HE, "location"),
        ({"zhenbang": ""}, ZHENBANG, "DS-160 confirmation"),
    ],
    ids=["ds160-number", "transposed-date", "passport", "location", "missing"],
)
def test_check_one_mismatch_exit_1_naming_it(
    pages: dict[str, Path], capsys: pytest.CaptureFixture[str], instead: dict[str, str], applicant: Any, field: str
) -> None:
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*correct(pages, **instead)))
    assert code == 1, out
    rows = problem_rows(out)
    assert len(rows) == 1, out
    assert f"({applicant.id})" in rows[0] and field in rows[0]
    assert f"({applicant.id}): its DS-160 page matches" not in out
    assert all(f"({a.id}): its DS-160 page matches" in out for a in GROUP.applicants if a is not applicant)


def test_location_mismatch_says_a_new_ds160_is_needed(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*correct(pages, he="he-shanghai")))
    assert code == 1
    assert "fill a new DS-160 for Beijing: the location cannot be changed" in " ".join(out.split())


def test_check_a_stray_page_exit_1(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*correct(pages), pages["stranger"]))
    assert code == 1, out
    rows = problem_rows(out)
    assert len(rows) == 1 and "NOBODY'S" in rows[0] and "LI WEI" in rows[0]


def test_check_json(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ustd(capsys, "ds160", "check", DELEGATION, "--json", *confirmations(*correct(pages, tang="tang-date")))
    assert code == 1
    data = json.loads(out)
    wrong = [(r["applicant_id"], r["field"]) for r in data["rows"] if r["status"] != "match"]
    assert data["ok"] is False and wrong == [(TANG.id, "date of birth")]


@pytest.mark.parametrize("bad", ["corrupt", "noise"])
def test_not_a_confirmation_is_one_clear_line(
    pages: dict[str, Path], capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    code, out = ustd(capsys, "ds160", "read", pages["he"], pages[bad])
    assert code == 1
    refusals = [line for line in out.splitlines() if str(pages[bad]) in line]
    assert len(refusals) == 1 and "not a DS-160 confirmation" in refusals[0], out
    assert "AA00EXM001" in out  # the good page is still shown
    code, out = ustd(capsys, "ds160", "check", DELEGATION, *confirmations(*correct(pages), pages[bad]))
    assert code == 1 and len([line for line in out.splitlines() if str(pages[bad]) in line]) == 1


def test_read_json(pages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ustd(capsys, "ds160", "read", "--json", pages["tang"])
    assert code == 0, out
    (page,) = json.loads(out)["confirmations"]
    assert page["application_id"]["value"] == "AA00EXM002" and page["birth_date"]["value"] == "1980-09-02"
    assert page["barcode_id"]["source"] == "barcode" and page["surname"]["source"] == "text"


@pytest.mark.parametrize("command", ["dry-run", "prefill"])
def test_gate_refuses_before_any_browser(
    pages: dict[str, Path], capsys: pytest.CaptureFixture[str], no_browser: list[str], tmp_path: Path, command: str
) -> None:
    portal = [] if command == "dry-run" else ["--portal-url", "http://127.0.0.1:9"]  # nothing listens: never reached
    code, out = ustd(capsys, command, DELEGATION, *portal, "--report", tmp_path / "r",
                     *[x for p in correct(pages, tang="tang-number") for x in ("--ds160", p)])
    assert code == 1, out
    rows = problem_rows(out)
    assert len(rows) == 1 and f"({TANG.id})" in rows[0] and "application ID" in rows[0]
    assert no_browser == [] and not (tmp_path / "r").exists()


def test_report_shows_the_check(pages: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A run made with --ds160 keeps the check in its record, and report.html shows it."""
    from rich.console import Console

    from assistant.cli.ds160 import gate
    from assistant.report import write_html
    from assistant.run_record import Ds160CheckRecord, RunRecord

    result = gate([(DELEGATION, GROUP)], correct(pages), Console(file=None, quiet=True))
    record = RunRecord(run_key="k", mode="dry-run", portal_url="http://127.0.0.1", locale="zh-CN", inputs=["d"],
                       report_dir=str(tmp_path), ds160_check=[Ds160CheckRecord.model_validate(r) for r in result.as_dicts()])
    html = write_html(record).read_text(encoding="utf-8")
    assert "DS-160 check" in html and "AA00EXM003" in html and str(pages["zhenbang"]) in html
    assert RunRecord.model_validate_json(record.model_dump_json()).ds160_check == record.ds160_check


def test_a_gated_dry_run_keeps_the_check_for_its_report(
    pages: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring of ``dry-run --ds160``: the pages match, the run starts (its browser work
    replaced: the run itself is tested elsewhere) and its record and report carry the check."""
    import assistant.run
    from assistant.report import write_html

    def no_batch(request: Any, entries: Any, store: Any, *args: Any, **kwargs: Any) -> tuple[Any, Path]:
        store.record.finished_at = "now"
        return store.record, write_html(store.record)

    monkeypatch.setattr(assistant.run, "execute", no_batch)
    code, out = ustd(capsys, "dry-run", DELEGATION, "--quiet", "--report", tmp_path / "r",
                     *[x for p in correct(pages) for x in ("--ds160", p)])
    assert problem_rows(out) == [] and f"({TANG.id}): its DS-160 page matches" in out
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<h2>DS-160 check</h2>" in html and str(pages["tang"]) in html and "AA00EXM002" in html


def _sheet(tmp_path: Path, **ds160: str) -> Path:
    """The delegation as a CSV sheet, with some DS-160 cells changed (applicant id -> value)."""
    from assistant.spreadsheet import COLUMNS, group_to_rows

    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in group_to_rows(GROUP):
            row["ds160_number"] = ds160.get(row["id"], row["ds160_number"])
            writer.writerow(["" if row[c] is None else row[c].isoformat() if isinstance(row[c], date) else row[c]
                             for c in COLUMNS])
    return path


def test_import_fills_an_empty_ds160_number(pages: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, **{TANG.id: ""})
    out_file = tmp_path / "out.yaml"
    code, out = ustd(capsys, "profiles", "import", sheet, "--out", out_file, "--today", "2026-11-22",
                     "--ds160", pages["tang"], "--ds160", pages["he"])
    assert code == 0, out
    assert f"DS-160 number AA00EXM002 from {pages['tang']}" in " ".join(out.split())
    assert load_group(out_file).applicant(TANG.id).ds160_number == "AA00EXM002"


def test_import_refuses_a_contradicting_ds160_number(
    pages: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path, **{TANG.id: "AA00EXM0Z2"})
    out_file = tmp_path / "out.yaml"
    code, out = ustd(capsys, "profiles", "import", sheet, "--out", out_file, "--today", "2026-11-22",
                     "--ds160", pages["tang"])
    assert code == 1, out
    flat = " ".join(out.split())
    assert "the sheet says AA00EXM0Z2, the page AA00EXM002" in flat and "TANG XIAOWEN" in flat
    assert not out_file.exists()
