"""``ustd profiles ...``: validate, show, schema, spreadsheet template and import.

Heavy imports (pydantic models, openpyxl, keyring) happen inside the commands so that
``ustd --help`` stays fast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from assistant.models import Applicant, Delivery, Group
    from assistant.problems import Problem

app = typer.Typer(
    help="Applicant profiles: validate, show, JSON Schema, spreadsheet template and import.",
    no_args_is_help=True,
    add_completion=False,
)


def _console() -> Console:
    """Made per command, so the width follows the terminal (or COLUMNS) of this run."""
    return Console(highlight=False)


def _today(value: Optional[str]) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--today") from None


TODAY_OPTION = typer.Option(None, "--today", metavar="YYYY-MM-DD",
                            help="Check as if today were this date (default: today).")


def _print_problems(problems: list[Problem]) -> None:
    from assistant.problems import sort_problems

    styles = {"error": "red", "warning": "yellow", "note": "cyan"}
    for p in sort_problems(problems):
        _console().print(p.render(), style=styles[p.severity], markup=False)


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Group files (.yaml), directories of them, or spreadsheets (.xlsx/.csv)."),
    today: Optional[str] = TODAY_OPTION,
) -> None:
    """Check profiles against the portal's rules; exit 0 if valid, 1 with every problem."""
    from assistant.problems import profile_invalid
    from assistant.inputs import SPREADSHEET_SUFFIXES
    from assistant.problems import errors
    from assistant.profile_files import iter_profile_paths, validate_file
    from assistant.spreadsheet import import_table

    day = _today(today)
    all_errors: list[Problem] = []
    files = list(iter_profile_paths(paths))
    if not files:
        raise typer.BadParameter("no .yaml files found", param_hint="PATHS")
    for path in files:
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            _, problems = import_table(path, today=day)
        else:
            _, problems = validate_file(path, today=day)
        errs = errors(problems)
        others = [p for p in problems if not p.is_error]
        if errs:
            _console().print(f"✗ {path}: {len(errs)} error(s)", style="bold red", markup=False)
        else:
            _console().print(f"✓ {path}: valid", style="bold green", markup=False)
        _print_problems(others)
        all_errors.extend(errs)
    if all_errors:
        raise profile_invalid(all_errors)


def _secret_status(profile_id: str) -> dict[str, str]:
    from flows.errors import SecretsUnavailable
    from assistant.secrets import ENTRIES, check_secrets

    try:
        found = check_secrets(profile_id)
    except SecretsUnavailable:
        return dict.fromkeys(ENTRIES, "keyring unavailable")
    return {k: "present" if v else "MISSING" for k, v in found.items()}


CLASS_FIELD_ROWS = {
    "sevis_id": "SEVIS ID",
    "petition_receipt_number": "Petition receipt number",
    "petitioner_name": "Petitioner name",
}


def _yes_no(value: bool | None) -> str:
    return "not known" if value is None else ("yes" if value else "no")


def _travel_rows(a: Applicant) -> dict[str, str]:
    """The facts the Interview Waiver questions are answered from; "not known" where the profile
    leaves one empty (the run then stops at that question), none where the category asks none."""
    from assistant.choices import NO_PREVIOUS_VISA, waiver_offered
    from assistant.models import TravelHistory, portal_date

    th = a.travel_history
    if th is None and not waiver_offered(a.visa.category):
        return {}
    th = th or TravelHistory()
    if th.previous_visa_class is None:
        previous = "not known"
    elif th.previous_visa_class == NO_PREVIOUS_VISA:
        previous = "none"
    else:
        dates = [f"{label} {portal_date(day) if day else 'not known'}"
                 for label, day in (("issued", th.previous_visa_issue_date), ("expiry", th.previous_visa_expiry_date))]
        previous = f"{th.previous_visa_class}, {', '.join(dates)}"
    return {
        "Previous U.S. visa": previous,
        "Ever refused a U.S. visa": _yes_no(th.ever_refused_us_visa),
        "U.S. visa lost, stolen, cancelled or revoked": _yes_no(th.previous_visa_lost_or_stolen),
    }


def _delivery_text(d: Delivery) -> str:
    from assistant.choices import PICK_UP, PICKUP_LOCATIONS, PREMIUM_LOCATION, PREMIUM_LOCATIONS

    if d.address is not None:
        addr = d.address
        text = f"{d.option}: {addr.street} {addr.street2 or ''} {addr.street3 or ''}".strip()
        return text + f", {addr.city}, {addr.state} {addr.postal_code}, China"
    if d.option == PREMIUM_LOCATION:
        return f"{d.option} (fee): {PREMIUM_LOCATIONS.get(d.premium_location or '', '?')}"
    if d.option == PICK_UP:
        return f"{d.option}: {PICKUP_LOCATIONS.get(d.pickup_location or '', '?')}"
    return f"{d.option}: ?"


def _rows(group: Group) -> tuple[list[str], list[list[str]]]:
    from assistant.choices import LANGUAGE_LABELS, PHONE_COUNTRY

    headers = ["Field"]
    columns: list[dict[str, str]] = []
    for a in group.applicants:
        primary = a is group.primary
        headers.append(a.id + (" (primary)" if primary else f" ({a.relation})"))  # type: ignore[attr-defined]
        d = group.delivery_for(a)
        inherited = " (primary's)" if a.delivery is None else ""
        col = {
            "Last name": a.surname,
            "First name": a.given_name,
            "Gender": a.gender,
            "Birthdate": a.birth_date_portal,
            "Country of birth": a.country_of_birth,
            "Nationality": a.nationality,
            "National ID": a.national_id,
            "Home phone": f"{PHONE_COUNTRY} {a.home_phone}",
            "Mobile phone": f"{PHONE_COUNTRY} {a.mobile_phone}",
            "Email": a.email,
            "Contact email": a.effective_contact_email,
            "Preferred language": LANGUAGE_LABELS[a.preferred_language],
            "Mailing address": f"{a.mailing.street}, {a.mailing.city}, {a.mailing.state} {a.mailing.postal_code}",
            "Passport number": a.passport.number,
            "Passport issued": a.passport.issue_date_portal,
            "Place of issue": a.passport.place_of_issue,
            "Passport expires": a.passport.expiry_date_portal,
            "Visa type": a.visa.visa_type,
            "Post": a.visa.post,
            "Visa category": a.visa.category,
            "Visa class": a.visa.visa_class,
            "Visa priority": a.visa.priority,
            **{label: str(getattr(a.visa, name)) for name, label in CLASS_FIELD_ROWS.items()
               if getattr(a.visa, name) is not None},
            "DS-160 number": a.ds160_number,
            **_travel_rows(a),
            "Document delivery": _delivery_text(d) + inherited,
        }
        if primary:
            acc = group.primary.account
            col["Account username"] = acc.username
            col["Account e-mail"] = group.account_email
            col["Account"] = "exists: sign in" if acc.exists else "new: sign up first"
            for i, q in enumerate(acc.security_questions, start=1):
                col[f"Security question {i}"] = q
            status = _secret_status(a.id)
            for entry, state in status.items():
                col[f"Secret {entry}"] = state
        columns.append(col)
    names: list[str] = []
    for col in columns:
        names += [n for n in col if n not in names]
    rows = [[n, *(c.get(n, "") for c in columns)] for n in names]
    return headers, rows


@app.command()
def show(
    path: Path = typer.Argument(..., help="A group file (.yaml)."),
    today: Optional[str] = TODAY_OPTION,
) -> None:
    """Show what would be filled on the portal, as a table (secrets only as present/missing)."""
    from rich.table import Table
    from rich.text import Text

    from assistant.profile_files import load_group, validate_file

    day = _today(today)
    group = load_group(path, today=day)
    _, problems = validate_file(path, today=day)
    # Text, not str: profile values such as "[/b]" are shown as typed, never read as rich markup.
    table = Table(title=Text(f"{group.name} — {group.post}, travel {group.travel_date_portal}"), show_lines=False)
    headers, rows = _rows(group)
    for h in headers:
        table.add_column(Text(h), overflow="fold")
    for r in rows:
        table.add_row(*(Text(cell) for cell in r))
    _console().print(table)
    _print_problems(problems)


@app.command()
def schema(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Print the JSON Schema of group files, for editor autocompletion."""
    from assistant.schema import group_schema_json

    text = group_schema_json()
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        _console().print(f"Wrote {out}", markup=False)


@app.command()
def template(
    out: Path = typer.Argument(..., help="The .xlsx file to write."),
    from_profile: Optional[Path] = typer.Option(None, "--from", help="Fill the rows from this group file."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT if it exists."),
) -> None:
    """Write a spreadsheet template: one row per applicant, dropdowns, and a Notes sheet."""
    from flows.errors import UstdError
    from assistant.spreadsheet import write_template

    if out.suffix.lower() != ".xlsx":
        raise UstdError(f"{out}: the template is an .xlsx file", hint="Give a name ending in .xlsx.")
    if out.exists() and not force:
        raise UstdError(f"{out} already exists", hint="Pass --force to overwrite it.")
    group = None
    if from_profile is not None:
        from assistant.profile_files import load_group

        group = load_group(from_profile)
    write_template(out, group)
    _console().print(f"Wrote {out}", markup=False)


@app.command("import")
def import_(
    source: Path = typer.Argument(..., help="A filled template (.xlsx) or CSV (UTF-8, with or without BOM)."),
    out: Path = typer.Option(..., "--out", "-o", help="profiles/NAME.yaml, or a directory for one file per group."),
    group: Optional[str] = typer.Option(None, "--group", help="Import only this group of the sheet."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    today: Optional[str] = TODAY_OPTION,
    ds160: Optional[list[Path]] = typer.Option(
        None, "--ds160", help="DS-160 confirmation pages (PDF, PNG, JPG) or folders: fill the DS-160 numbers the "
        "sheet left empty from the matching pages; refuse a number that contradicts its page. Repeat for more."
    ),
) -> None:
    """Import a spreadsheet into group files; writes nothing if any row is invalid."""
    from assistant.spreadsheet import import_to_yaml

    extra = {"table": _with_ds160_numbers(source, ds160)} if ds160 else {}
    written, problems = import_to_yaml(source, out, group_name=group, force=force, today=_today(today), **extra)
    _print_problems(problems)
    for path in written:
        _console().print(f"Wrote {path}", style="green", markup=False)


def _with_ds160_numbers(source: Path, pages: list[Path]) -> object:
    """The sheet as read, its empty DS-160 cells filled from the matching confirmation pages.

    Raises (nothing written) when a page cannot be read, a filled cell contradicts its page, or
    a number could be read by OCR only: a wrong DS-160 number cancels the appointment."""
    from flows.errors import UstdError
    from assistant.ds160.check import SheetRow, sheet_numbers
    from assistant.ds160.read import read_confirmations
    from assistant.spreadsheet import read_table

    table = read_table(source)
    if table.problems:
        return table  # the import reports them
    confirmations, refused = read_confirmations(pages)
    rows = [SheetRow(row=r.number, passport_number=_cell_text(r.cells.get("passport_number")),
                     surname=_cell_text(r.cells.get("surname")), given_name=_cell_text(r.cells.get("given_name")),
                     birth_date=_iso(r.cells.get("birth_date")), ds160_number=_cell_text(r.cells.get("ds160_number")))
            for r in table.rows]
    numbers = sheet_numbers(rows, confirmations)
    console = _console()
    for line in [*refused, *numbers.refused]:
        console.print(f"✗ {line}", style="red", markup=False, soft_wrap=True)
    if refused or numbers.refused:
        raise UstdError(f"{source}: {len(refused) + len(numbers.refused)} DS-160 problem(s), listed above; "
                        "nothing was written", hint="Correct the sheet or the pages, then import again.")
    for row in table.rows:
        if row.number in numbers.filled:
            number, page = numbers.filled[row.number]
            row.cells["ds160_number"] = number
            console.print(f"Row {row.number}: DS-160 number {number} from {page.path}", markup=False, soft_wrap=True)
    for page in numbers.unpaired:
        console.print(f"Note: {page.path} matches no row of the sheet (passport {page.passport_number.value or '?'})",
                      style="cyan", markup=False, soft_wrap=True)
    return table


def _cell_text(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None
