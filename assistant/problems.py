"""Problems found in profile data: where they are, what is wrong and how to fix it.

Every check (pydantic field checks, cross-field rules, spreadsheet cells) reports a
:class:`Problem`, so a file's problems are all shown at once in one consistent format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from flows.errors import ProfileInvalid

Severity = Literal["error", "warning", "note"]
Path = tuple[str | int, ...]

_ORDER = {"error": 0, "warning": 1, "note": 2}


def format_path(path: Path) -> str:
    """Render ('dependents', 0, 'passport') as 'dependents[0].passport'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error), risky (warning) or worth knowing (note) in a profile."""

    message: str
    fix: str = ""
    path: Path = ()
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    column: str | None = None
    """For spreadsheets: the column name (the field path then names the model field)."""
    sheet: str | None = None

    @property
    def field(self) -> str:
        """The field path as a person reads it, e.g. ``dependents[1].passport.expiry_date``."""
        return self.column if self.column else format_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def located(self, **changes: object) -> Problem:
        """A copy with location fields (file, line, column, sheet) filled in."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def where(self) -> str:
        """'file:line' or 'file, sheet S, row N' — the place to look."""
        parts = [self.file or "<input>"]
        if self.sheet is not None or self.column is not None:
            if self.sheet:
                parts.append(f"sheet {self.sheet}")
            if self.line is not None:
                parts.append(f"row {self.line}")
            return ", ".join(parts)
        return f"{parts[0]}:{self.line}" if self.line is not None else parts[0]

    def render(self) -> str:
        """One or two lines: location, severity, field, message, then the fix."""
        field = f"column {self.column}" if self.column else self.field
        text = f"{self.where()}: {self.severity}: {field}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then by file and line, so the output reads top to bottom."""
    return sorted(
        problems,
        key=lambda p: (p.file or "", _ORDER[p.severity], p.line or 0, p.field),
    )


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def render_problems(problems: Sequence[Problem]) -> str:
    """All problems as text, with a count line at the end."""
    ordered = sort_problems(problems)
    lines = [p.render() for p in ordered]
    n_err = sum(p.is_error for p in ordered)
    n_warn = sum(p.severity == "warning" for p in ordered)
    lines.append(f"{n_err} error(s), {n_warn} warning(s)")
    return "\n".join(lines)


def profile_invalid(problems: Sequence[Problem], *, hint: str | None = None) -> ProfileInvalid:
    """The error that carries every problem found, rendered for a person."""
    return ProfileInvalid(problems, render_problems(problems), hint=hint)
