"""The run's report folder: run.json (written as the run goes) and report.html for staff.

The HTML is rendered from the same RunRecord as run.json, so the two never disagree. It
holds only non-secret values; screenshots were taken with secret inputs masked.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from assistant.run_record import RunRecord

STATUS_TEXT = {
    "ready": "reached human confirmation (payment)",
    "failed": "failed",
    "declined": "stopped by the person",
    "in_progress": "not finished",
    "pending": "not started",
}


def default_report_dir(base: Path = Path("reports")) -> Path:
    """A new timestamped folder, e.g. reports/2026-11-22_14-03-09."""
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    folder = base / stamp
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = base / f"{stamp}-{suffix}"
    return folder


def write_html(record: RunRecord, verification: dict[str, list[str]] | None = None) -> Path:
    """Render report.html beside run.json and return its path."""
    environment = Environment(loader=PackageLoader("assistant", "templates"), autoescape=select_autoescape())
    template = environment.get_template("report.html")
    html = template.render(
        run=record,
        status_text=STATUS_TEXT,
        verification=verification or {},
        exit_code=record.exit_code(),
    )
    path = Path(record.report_dir) / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
