"""Turn the paths a user gives into validated groups, before any browser opens.

Group files (YAML), folders of them, and spreadsheets imported on the fly are all accepted;
every problem of every file is collected and reported at once, and nothing starts if one
of them is an error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.models import Group
from assistant.problems import Problem, errors, profile_invalid

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".csv"}


def load_groups(paths: list[Path], *, today: date | None = None) -> tuple[list[tuple[Path, Group]], list[Problem]]:
    """All groups of ``paths`` plus the warnings and notes; raise ProfileInvalid on any error."""
    from assistant.profile_files import iter_profile_paths, validate_file

    found: list[tuple[Path, Group]] = []
    problems: list[Problem] = []
    for path in iter_profile_paths(paths):
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            from assistant.spreadsheet import import_table  # only for spreadsheets: most runs read YAML

            groups, sheet_problems = import_table(path, today=today)
            problems += sheet_problems
            found += [(path, group) for group in groups]
        else:
            group, file_problems = validate_file(path, today=today)
            problems += file_problems
            if group is not None:
                found.append((path, group))
    if errors(problems):
        raise profile_invalid(problems)
    if not found:
        raise profile_invalid(
            [Problem(message="no profile found", fix="give a group file (.yaml), a folder of them or a spreadsheet",
                     file=", ".join(str(p) for p in paths))]
        )
    _refuse_duplicate_accounts(found)
    return found, problems


def _refuse_duplicate_accounts(found: list[tuple[Path, Group]]) -> None:
    """Two groups on one portal account would overwrite each other's application."""
    seen: dict[str, Path] = {}
    problems = []
    for path, group in found:
        username = group.primary.account.username
        if username in seen:
            problems.append(
                Problem(
                    message=f"uses the portal account {username!r}, like {seen[username]}",
                    fix="give each group its own account (one application per account)",
                    file=str(path),
                    path=("primary", "account", "username"),
                )
            )
        seen.setdefault(username, path)
    if problems:
        raise profile_invalid(problems)
