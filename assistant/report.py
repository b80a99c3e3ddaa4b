"""The run's report folder: run.json (written as the run goes) and report.html for staff.

The HTML is rendered from the same RunRecord as run.json, so the two never disagree. It
holds only non-secret values; screenshots were taken with the secret boxes emptied.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from jinja2.bccache import Bucket

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


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs (compiling report.html took ~30 ms at the end of
    every run). Jinja checks each entry against the template's source and its own version;
    a folder that cannot be read or written only means compiling anew, never a lost report."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache() -> _TemplateCache | None:
    """The cache in the user's cache folder, or None unless that folder is ours alone (what
    is loaded from it is code)."""
    from platformdirs import user_cache_path

    folder = user_cache_path("ustd-assistant", appauthor=False) / "templates"
    try:
        info = private_dir(folder).lstat()
    except OSError:
        return None
    others = info.st_mode & 0o077 or (hasattr(os, "geteuid") and info.st_uid != os.geteuid())
    if not stat.S_ISDIR(info.st_mode) or others:
        return None
    return _TemplateCache(str(folder))


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("assistant", "templates"), autoescape=select_autoescape(),
                       bytecode_cache=_template_cache())


def write_html(record: RunRecord, verification: dict[str, list[str]] | None = None) -> Path:
    """Render report.html beside run.json and return its path."""
    template = _environment().get_template("report.html")
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
