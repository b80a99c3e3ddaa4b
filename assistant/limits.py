"""Size limits for input files, and a bounded read, so hostile or broken input cannot exhaust memory.

A group of 31 applicants (the most a group may have) is a few tens of kB of YAML, CSV or
.xlsx; the limits leave a wide margin above that (a sheet may hold many groups) and stay far
below what could hurt the machine. Files are measured, or read at most one byte past the
limit, before being parsed.
"""

from __future__ import annotations

from pathlib import Path

from rich.filesize import decimal

from assistant.problems import Problem

GROUP_FILE_BYTES = 200_000
"""A group file: 31 applicants are about 25 kB (40 kB with comments)."""
CSV_BYTES = 2_000_000
XLSX_BYTES = 5_000_000
XLSX_UNPACKED_BYTES = 20_000_000
"""What an .xlsx (a zip archive) unpacks to: guards against zip bombs."""
MAX_ROWS = 1_000
"""Applicant rows in one spreadsheet."""
MAX_COLUMNS = 100
MAX_YAML_DEPTH = 32
"""Nesting in a group file (it needs 6); deeper input would exhaust Python's recursion limit."""

SPLIT_FIX = "split it into several files (one delegation per file), or check that this is the right file"


def size_of(path: Path) -> int | None:
    """The size of a regular file; None for devices, pipes and unreadable paths."""
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def too_big(file: str, size: int | None, limit: int, what: str, *, fix: str = SPLIT_FIX,
            measured: str = "is") -> Problem:
    """The problem for a file over its limit: its size, the limit (``what`` may have), the fix."""
    amount = f"{measured} {decimal(size)}, " if size is not None else f"{measured} "
    return Problem(message=f"{amount}more than the {decimal(limit, precision=0)} a {what}", fix=fix, file=file)


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None if it holds more than ``limit``. Reads at most ``limit + 1``
    bytes, so a huge file, a device or a pipe cannot fill memory."""
    with path.open("rb") as f:
        data = f.read(limit + 1)
    return data if len(data) <= limit else None
