"""The live bars (assistant/progress.py): they count values that reached the portal, not pages.

Rendered into a plain console (no terminal, no colour), as rich's own tests do, so what a
person sees at the end of a run is compared as text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console
from run_helpers import EXAMPLES, load_group, new_store

from assistant.batch import BatchOptions, _run_one
from assistant.photographer import DirectPhotographer
from assistant.portal_forms import account_entry
from assistant.progress import RunProgress
from assistant.run_record import ApplicantRecord, PageRecord, ValueRecord


def _record(applicant_id: str, name: str, entered: int, missing: int, pages: list[str]) -> ApplicantRecord:
    record = ApplicantRecord(applicant_id=applicant_id, display_name=name, role="dependent")
    for n in range(entered + missing):
        record.values[f"v{n}"] = ValueRecord(key=f"v{n}", label=f"value {n}", value=str(n),
                                             status="entered" if n < entered else "missing")
    record.pages = [PageRecord(page=page, status="submitted") for page in pages]
    return record


def _bars(updates: list[ApplicantRecord]) -> dict[str, str]:
    """The example delegation's bars after ``updates``, one line of text per applicant."""
    entry = account_entry(load_group(EXAMPLES / "delegation.yaml"))
    out = io.StringIO()
    console = Console(file=out, width=140, force_terminal=False, color_system=None)
    with RunProgress(console, [entry]) as progress:
        for record in updates:
            progress.applicant_changed(record)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    names = [a.display_name for a in entry.applicants]
    return {name: " ".join(next(line for line in lines if line.startswith(name)).split()) for name in names}


def test_a_bar_counts_the_values_that_reached_the_portal_and_ends_with_how_the_applicant_ended() -> None:
    primary = _record("he-mingyuan", "HE MINGYUAN", 35, 0, ["profile", "applicant_details", "payment"])
    primary.mark("ready")
    short = _record("he-zhenbang", "HE ZHENBANG", 31, 2, ["dependent_contact", "dependent_applicant"])
    short.reached_payment([])
    failed = _record("tang-xiaowen", "TANG XIAOWEN", 4, 27, ["dependent_contact"])
    failed.mark("failed", "The portal refused the passport number.")

    bars = _bars([primary, short, failed])

    assert re.search(r"35/35 values ready for payment: a person pays \d+:\d\d:\d\d$", bars["HE MINGYUAN"])
    assert "31/33 values NOT ready: 2 values not entered" in bars["HE ZHENBANG"]
    assert "4/31 values failed: see the summary" in bars["TANG XIAOWEN"]
    assert "values" not in bars["HE YUTONG"] and "waiting" in bars["HE YUTONG"]  # never started: no count


def test_on_the_way_a_bar_shows_the_page_and_never_counts_past_its_total() -> None:
    """More pages than a wizard usually has (an own delivery page, a merged step): the count is
    of values, so it cannot run past the total as a page count did (5/4)."""
    pages = ["dependent_contact", "dependent_applicant", "visa_options", "additional_options", "document_delivery"]
    record = _record("he-zhenbang", "HE ZHENBANG", 33, 0, pages)
    record.mark("in_progress")

    bars = _bars([record])

    assert "33/33 values document_delivery" in bars["HE ZHENBANG"]


def test_one_value_is_said_in_the_singular() -> None:
    record = _record("he-yutong", "HE YUTONG", 30, 1, ["dependent_contact"])
    record.reached_payment([])

    assert "30/31 values NOT ready: 1 value not entered" in _bars([record])["HE YUTONG"]


def test_an_account_finished_in_an_earlier_attempt_is_drawn_as_it_ended(tmp_path: Path) -> None:
    """A resumed run skips an account that reached payment before; its bars still show that."""
    entry = account_entry(load_group(EXAMPLES / "delegation.yaml"))
    store = new_store(tmp_path, entry, "http://127.0.0.1:1", "zh-CN")
    record = store.record.accounts[entry.account_id]
    record.gate = "payment"
    for applicant in record.applicants.values():
        applicant.mark("ready")
    drawn: list[ApplicantRecord] = []

    def no_browser_needed(*args: object) -> object:
        raise AssertionError("a finished account needs no secrets, gates or browser")

    _run_one(None, entry, BatchOptions(portal_url="http://127.0.0.1:1"), store, no_browser_needed,
             no_browser_needed, drawn.append, DirectPhotographer())

    assert [a.applicant_id for a in drawn] == [a.applicant_id for a in entry.applicants]
    assert "ready for payment" in _bars(drawn)["HE ZHENBANG"]
