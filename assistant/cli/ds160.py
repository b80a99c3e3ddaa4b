"""``ustd ds160 read`` and ``ustd ds160 check``, and the DS-160 gate of runs and imports.

A DS-160 that does not match the appointment cancels it (walkthrough, 注意事项 一), so the
same check answers a person at the terminal (``check``), stops a run before any browser
(``dry-run`` / ``prefill --ds160``) and guards a spreadsheet import (``profiles import
--ds160``). Exit codes: ``read`` 0 when every file was read as a confirmation (fields it could
not read are shown, not fatal), 1 when any file was refused; ``check`` 0 when every applicant
has one matching page, 1 otherwise (mismatches, fields not read, missing or stray pages, or a
file refused: what cannot be read cannot be vouched for).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.errors import UstdError

if TYPE_CHECKING:
    from assistant.ds160._model import Confirmation
    from assistant.ds160.check import CheckResult
    from assistant.models import Group

app = typer.Typer(
    help="DS-160 confirmation pages: read them, and check them against the profiles before a run.",
    no_args_is_help=True,
    add_completion=False,
)

SOURCE_TEXT = {"barcode": "barcode", "text": "PDF text", "ocr": "OCR (check it)"}
STATUS_TEXT = {"mismatch": "DIFFERS", "unread": "NOT READ", "missing": "NO PAGE", "stray": "NOBODY'S",
               "duplicate": "TWO PAGES", "note": "look", "match": "matches"}


class Ds160CheckFailed(UstdError):
    """The DS-160 pages do not match the profiles (the table is printed before): exit 1."""

    exit_code = 1


def _console() -> Console:
    return Console(highlight=False)


def confirmation_table(page: Confirmation) -> Table:
    """One page as read: each field, its value, where it was read, and what is doubtful."""
    from assistant.ds160._model import FIELD_LABELS

    table = Table(title=Text(str(page.path)), title_justify="left")
    for column in ("field", "value", "read from", "as printed / note"):
        table.add_column(column, overflow="fold")
    names = ["application_id", "barcode_id", "text_id", *[n for n in FIELD_LABELS if n != "application_id"]]
    labels = {**FIELD_LABELS, "barcode_id": "  from the barcode", "text_id": "  from the text"}
    for name in names:
        read = getattr(page, name)
        value = Text(read.value) if read.value is not None else Text("not read", style="red")
        source = Text(SOURCE_TEXT.get(read.source or "", ""), style="yellow" if read.uncertain else "")
        table.add_row(Text(labels[name]), value, source, Text(" / ".join(p for p in (read.raw, read.note) if p)))
    return table


def check_table(result: CheckResult, *, everything: bool = False) -> Table:
    """The check's problems (or every row): applicant, field, both values and the fix."""
    table = Table(title="DS-160 check", title_justify="left", show_lines=True)
    table.add_column("applicant", overflow="fold")
    table.add_column("field", overflow="fold")
    table.add_column("", no_wrap=True)
    table.add_column("profile", overflow="fold")
    table.add_column("DS-160 page", overflow="fold", ratio=1)
    table.add_column("fix", overflow="fold", ratio=2)  # no min width: a narrow terminal folds, never crops
    for row in result.rows if everything else result.problems:
        shown = Text(row.confirmation)
        if row.uncertain:
            shown.append(" (OCR: check)", style="yellow")
        style = "green" if row.status == "match" else "yellow" if row.status == "note" else "red"
        table.add_row(Text(row.applicant or "—"), Text(row.field), Text(STATUS_TEXT[row.status], style=style),
                      Text(row.profile), shown, Text(f"{row.fix}\n{row.file}" if row.file else row.fix))
    return table


def show_check(console: Console, result: CheckResult, refused: Sequence[str]) -> None:
    """The problems' table, a line per applicant whose page matches, then refused files."""
    if result.problems:
        console.print(check_table(result))
    for applicant, rows in _matched(result).items():
        ocr = [r.field for r in rows if r.uncertain]
        line = Text(f"✓ {applicant}: its DS-160 page matches ({rows[0].file})", style="green")
        if ocr:
            line.append(f"; read by OCR, worth a look: {', '.join(ocr)}", style="yellow")
        console.print(line, soft_wrap=True)
    for note in (r for r in result.rows if r.status == "note"):
        console.print(Text(f"! {note.applicant}: {note.fix}", style="yellow"), soft_wrap=True)
    for line in refused:
        console.print(Text(f"✗ {line}", style="red"), soft_wrap=True)


def _matched(result: CheckResult) -> dict[str, list]:
    """Applicants whose every compared field matches, with their rows."""
    by_applicant: dict[str, list] = {}
    for row in result.rows:
        if row.applicant and row.status in ("match", "note"):
            by_applicant.setdefault(row.applicant, []).append(row)
    failing = {r.applicant for r in result.problems}
    return {a: rows for a, rows in by_applicant.items() if a not in failing}


def gate(groups: Sequence[tuple[Path, Group]], paths: Sequence[Path], console: Console) -> CheckResult:
    """Read the pages and check them against ``groups``; print the outcome. Raises
    :class:`Ds160CheckFailed` (exit 1) on any problem or refused file: nothing may start."""
    from assistant.ds160.check import check
    from assistant.ds160.read import read_confirmations

    pages, refused = read_confirmations(paths)
    result = check(groups, pages)
    show_check(console, result, refused)
    if result.problems or refused:
        count = len(result.problems) + len(refused)
        raise Ds160CheckFailed(f"The DS-160 pages do not match the profiles: {count} problem(s), listed above.",
                               hint="Fix them (a location mismatch needs a new DS-160), then run again.")
    return result


@app.command()
def read(
    paths: list[Path] = typer.Argument(..., help="Confirmation pages (PDF, PNG, JPG) or folders of them."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Show what each DS-160 confirmation page says: number (barcode and text), name, birth
    date, passport, nationality, location, visa class. Exit 1 if any file is not a confirmation."""
    from assistant.ds160.read import read_confirmations

    pages, refused = read_confirmations(paths)
    console = _console()
    if as_json:
        typer.echo(json.dumps({"confirmations": [p.as_dict() for p in pages], "refused": refused},
                              ensure_ascii=False, indent=2))
    else:
        for page in pages:
            console.print(confirmation_table(page))
            for problem in page.problems():
                console.print(Text(f"  not read: {problem}", style="red"), soft_wrap=True)
        for line in refused:
            console.print(Text(f"✗ {line}", style="red"), soft_wrap=True)
    if refused:
        raise typer.Exit(1)


@app.command()
def check(
    paths: list[Path] = typer.Argument(..., help="Group files (.yaml), folders of them, or spreadsheets."),
    confirmations: list[Path] = typer.Option(
        ..., "--confirmations", "-c", help="A confirmation page or a folder of them; repeat for more."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Compare each applicant's DS-160 confirmation page with their profile: DS-160 number,
    name, birth date, passport, location (post) and visa class. Exit 0 when all match."""
    from assistant.ds160.check import check as run_check
    from assistant.ds160.read import read_confirmations
    from assistant.inputs import load_groups

    groups, _ = load_groups(paths)
    if not as_json:
        gate(groups, confirmations, _console())
        return
    pages, refused = read_confirmations(confirmations)
    result = run_check(groups, pages)
    typer.echo(json.dumps({"ok": result.ok and not refused, "rows": result.as_dicts(), "refused": refused},
                          ensure_ascii=False, indent=2))
    if result.problems or refused:
        raise typer.Exit(1)
