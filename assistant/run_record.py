"""What a run did, per account, applicant and page: the resume state and the report's data.

Saved after every change, atomically, so Ctrl-C or a killed process leaves a consistent file.
It holds the non-secret values that were filled; never a password or a security answer.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.private_files import write_private_text

PageStatus = Literal["filled", "submitted", "rejected", "gate", "declined", "error"]
ApplicantStatus = Literal["pending", "in_progress", "ready", "incomplete", "failed", "declined"]
ValueStatus = Literal["entered", "already", "missing"]

# What a person still has to do once the assistant has stopped at payment.
REMAINING_AT_PAYMENT = (
    "check the summary of charges and pay the visa fee (payment page)",
    "print the payment receipt",
    "book the interview or OFC appointment in the calendar",
    "print the appointment confirmation and bring it to the interview",
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class PageRecord(BaseModel):
    """One visit of one page for one applicant."""

    page: str
    status: PageStatus
    values: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0
    at: str = Field(default_factory=now_iso)
    errors: list[str] = Field(default_factory=list)
    screenshot: str | None = None


class ValueRecord(BaseModel):
    """One profile value that should reach the portal: whether it did, where, and how it was found.

    ``missing`` until a page entered it and read it back (or showed it already); ``detail``
    says why a value is still missing, for staff, in words they can act on."""

    key: str
    label: str  # what staff call it: "passport number", "own document delivery"
    value: str  # never a secret (secrets are not tracked here)
    profile: str = ""  # the profile path it comes from
    status: ValueStatus = "missing"
    page: str | None = None  # the page that entered it (or showed it)
    found_by: str | None = None  # id / name / label / aria / legend / question (+ map override)
    option: str | None = None  # the option text chosen, for choices
    option_match: str | None = None  # exact / normalised / synonym / close
    detail: str = ""


class DriftNote(BaseModel):
    """Where the portal differed from the shipped portal map: how staff learn what changed."""

    page: str
    key: str
    found_by: str
    option_match: str | None = None
    option: str | None = None
    wanted: str = ""

    def text(self) -> str:
        said = f"{self.page}: {self.key} found by {self.found_by}"
        if self.option_match in ("synonym", "close"):
            said += f"; option {self.wanted!r} matched {self.option!r} ({self.option_match})"
        return said


class WaiverAnswerRecord(BaseModel):
    """One Interview Waiver question as the page showed it, and what became of it, with why:
    answered from the facts, kept from the page, answered by a person, or left for one."""

    question: str  # the text shown
    meaning: str | None = None  # the portal map's key (assistant/waiver.py); None: not recognised
    answer: str | None = None  # "Yes" / "No" (or the option a person chose); None: not answered
    by: Literal["facts", "page", "person", "nobody"] = "nobody"
    why: str = ""


class ApplicantRecord(BaseModel):
    applicant_id: str
    display_name: str
    role: Literal["primary", "dependent"]
    status: ApplicantStatus = "pending"
    contact_id: str | None = None
    pages: list[PageRecord] = Field(default_factory=list)
    values: dict[str, ValueRecord] = Field(default_factory=dict)  # coverage: every value for the portal
    error: str | None = None
    remaining: list[str] = Field(default_factory=list)
    waiver: list[WaiverAnswerRecord] = Field(default_factory=list)  # the Interview Waiver questions (primary)

    def pages_done(self) -> set[str]:
        return {record.page for record in self.pages if record.status == "submitted"}

    def missing(self) -> list[ValueRecord]:
        """The values that did not reach the portal: the applicant is not ready while any is."""
        return [v for v in self.values.values() if v.status == "missing"]

    def mark(self, status: ApplicantStatus, error: str | None = None) -> None:
        """The one place an applicant's status changes (``error`` replaces the old one if given)."""
        self.status = status
        if error is not None:
            self.error = error

    def started(self) -> None:
        if self.status == "pending":
            self.mark("in_progress")

    def reached_payment(self, remaining: list[str]) -> None:
        """At the payment page: ready only if every value reached the portal, else incomplete."""
        if self.status not in ("pending", "in_progress"):
            return
        missing = self.missing()
        if missing:
            self.mark("incomplete", "Not entered on the portal: " + "; ".join(missing_line(v) for v in missing))
            self.remaining = [f"enter by hand: {missing_line(v)}" for v in missing] + remaining
        else:
            self.mark("ready")
            self.remaining = list(remaining)


def missing_line(value: ValueRecord) -> str:
    """'own document delivery (Pick Up) — the portal offered no page for it; ...'"""
    return f"{value.label} ({value.value})" + (f" — {value.detail}" if value.detail else "")


class AccountRecord(BaseModel):
    account_id: str
    username: str
    registered: bool = False
    gate: str | None = None  # the human gate the account stopped at (payment)
    fee_summary: str | None = None
    notes: list[str] = Field(default_factory=list)  # what the run found and did about it, for the report
    drift: list[DriftNote] = Field(default_factory=list)  # where the portal differed from the map
    applicants: dict[str, ApplicantRecord] = Field(default_factory=dict)

    def applicant_by_contact(self, contact_id: str) -> ApplicantRecord | None:
        return next((a for a in self.applicants.values() if a.contact_id == contact_id), None)


class Ds160CheckRecord(BaseModel):
    """One row of the DS-160 check a run was started with (``--ds160``): the report shows
    what was compared, so staff see the run was gated and which values OCR read."""

    status: str  # match / note (a run starts only when nothing else is left)
    applicant: str
    field: str
    profile: str = ""
    confirmation: str = ""
    fix: str = ""
    file: str = ""
    source: str = ""  # barcode / text / ocr
    applicant_id: str = ""
    uncertain: bool = False  # read by OCR


class RunRecord(BaseModel):
    """The whole run: written to the state directory (for --resume) and to run.json."""

    run_key: str
    mode: Literal["dry-run", "prefill"]
    portal_url: str
    locale: str
    inputs: list[str]
    report_dir: str
    started_at: str = Field(default_factory=now_iso)
    finished_at: str | None = None
    interrupted: bool = False
    accounts: dict[str, AccountRecord] = Field(default_factory=dict)
    ds160_check: list[Ds160CheckRecord] | None = None  # None: the run was started without --ds160

    def applicants(self) -> list[ApplicantRecord]:
        return [a for account in self.accounts.values() for a in account.applicants.values()]

    def exit_code(self) -> int:
        """0 everyone reached human confirmation with every value entered; 3 someone did not
        (failed, declined, or a value missing); 130 interrupted."""
        if self.interrupted:
            return 130
        return 0 if all(a.status == "ready" for a in self.applicants()) else 3


def run_key(mode: str, portal_url: str, inputs: list[Path]) -> str:
    """The same inputs against the same portal resume the same run."""
    material = json.dumps([mode, portal_url.rstrip("/"), sorted(str(p.resolve()) for p in inputs)])
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def write_json_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file; private (0600)."""
    write_private_text(path, text)


class RunStore:
    """Keeps a RunRecord on disk in two places: the state directory and the run's report folder.

    Without a state directory (a dry run against the embedded mock, which cannot be resumed)
    only the report's run.json is written.
    """

    def __init__(self, record: RunRecord, state_dir: Path | None) -> None:
        self.record = record
        self.state_path = state_dir / "runs" / f"{record.run_key}.json" if state_dir is not None else None
        self._lock = threading.Lock()  # parallel workers share one record

    @classmethod
    def load(cls, state_dir: Path, key: str) -> RunRecord | None:
        path = state_dir / "runs" / f"{key}.json"
        if not path.is_file():
            return None
        return RunRecord.model_validate_json(path.read_text(encoding="utf-8"))

    def save(self) -> None:
        with self._lock:
            text = self.record.model_dump_json(indent=2)
            if self.state_path is not None:
                write_json_atomically(self.state_path, text)
            write_json_atomically(Path(self.record.report_dir) / "run.json", text)
