"""The run's report folder: run.json (written as the run goes) and report.html for staff.

The HTML is rendered from the same RunRecord as run.json, so the two never disagree. It
holds only non-secret values; screenshots were taken with the secret boxes emptied.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from assistant.private_files import DIR_MODE, private_dir, tighten, tighten_files, write_private_text
from assistant.run_record import RunRecord

STATUS_TEXT = {
    "ready": "reached human confirmation (payment)",
    "incomplete": "reached payment, but values were not entered (see below)",
    "failed": "failed",
    "declined": "stopped by the person",
    "in_progress": "not finished",
    "pending": "not started",
}

WAIVER_BY_TEXT = {
    "facts": "the profile's facts",
    "page": "already on the page",
    "person": "a person",
    "nobody": "nobody: left for a person",
}
"""Who answered an Interview Waiver question, as the report says it."""


REPORT_FILES = ("run.json", "report.html", "run.log")
REPORT_FOLDERS = ("screenshots", "traces")
CAPTCHA_IMAGES = "captcha-*.png"  # saved by TerminalGates for the person


def default_report_dir(base: Path = Path("reports")) -> Path:
    """Create a new timestamped folder, e.g. reports/2026-11-22_14-03-09, and return it.

    Created here (0700, failing if it exists) rather than only named, so two runs started in
    the same second never share a folder.
    """
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    base.mkdir(parents=True, exist_ok=True)
    suffix = 1
    while True:
        folder = base / (stamp if suffix == 1 else f"{stamp}-{suffix}")
        try:
            folder.mkdir(mode=DIR_MODE)
            return folder
        except FileExistsError:
            suffix += 1


def open_report_dir(folder: Path) -> Path:
    """The run's report folder, private: created 0700, or an earlier run's files tightened.

    Only what a run writes there is tightened, never other files someone keeps in that folder.
    """
    private_dir(folder)
    tighten_files([folder / name for name in REPORT_FILES] + sorted(folder.glob(CAPTCHA_IMAGES))
                  + sorted(folder.glob(".*.tmp")))
    for name in REPORT_FOLDERS:
        tighten(folder / name)
    return folder


def write_html(record: RunRecord, verification: dict[str, list[str]] | None = None) -> Path:
    """Render report.html beside run.json and return its path."""
    environment = Environment(loader=PackageLoader("assistant", "templates"), autoescape=select_autoescape())
    template = environment.get_template("report.html")
    html = template.render(
        run=record,
        status_text=STATUS_TEXT,
        waiver_by=WAIVER_BY_TEXT,
        verification=verification or {},
        exit_code=record.exit_code(),
    )
    path = Path(record.report_dir) / "report.html"
    write_private_text(path, html)
    return path
