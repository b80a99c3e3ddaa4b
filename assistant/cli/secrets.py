"""``ustd secrets ...``: set, check and delete the keyring entries of a profile.

Values are never printed. ``set`` asks with hidden input on a terminal; when stdin is piped it
reads one line per entry in the documented order: portal-password, security-answer-1, -2, -3.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from assistant.cli import ask

app = typer.Typer(
    help="Portal password and security answers in the OS keyring (service ustd-assistant).",
    no_args_is_help=True,
    add_completion=False,
)


def _console() -> Console:
    """Made per command, so the width follows the terminal (or COLUMNS) of this run."""
    return Console(highlight=False)

_LABELS = {
    "portal-password": "Portal password",
    "security-answer-1": "Answer to security question 1",
    "security-answer-2": "Answer to security question 2",
    "security-answer-3": "Answer to security question 3",
}


def _profile_id(value: str) -> str:
    """An applicant id, or a group file whose primary's id is meant."""
    from assistant.secrets import check_profile_id

    if value.endswith((".yaml", ".yml")) and Path(value).is_file():
        from assistant.profile_files import load_group

        return load_group(value).primary.id
    return check_profile_id(value)


def _questions(profile: str) -> list[str] | None:
    if profile.endswith((".yaml", ".yml")) and Path(profile).is_file():
        from assistant.profile_files import load_group

        return list(load_group(profile).primary.account.security_questions)
    return None


@app.command("set")
def set_(
    profile: str = typer.Argument(..., help="Applicant id (e.g. wang-lei) or the group file."),
    entry: Optional[list[str]] = typer.Option(
        None, "--entry", "-e", help="Only these entries (portal-password, security-answer-1..3)."),
) -> None:
    """Store the portal password and the three security answers (hidden input)."""
    from flows.errors import UstdError
    from assistant.logging import register_secret
    from assistant.secrets import ENTRIES, backend_name, password_problem, set_secret

    profile_id = _profile_id(profile)
    questions = _questions(profile)
    entries = list(entry or ENTRIES)
    unknown = [e for e in entries if e not in ENTRIES]
    if unknown:
        raise UstdError(f"unknown entries: {', '.join(unknown)}", hint="Choose from: " + ", ".join(ENTRIES))
    backend_name()  # fail early, before asking for anything, if there is no keyring
    stdin = sys.stdin
    interactive = stdin is not None and stdin.isatty()
    values: dict[str, str] = {}
    for e in entries:
        label = _LABELS[e]
        if e != "portal-password" and questions:
            label += f" ({questions[int(e[-1]) - 1]})"
        if interactive:
            typed = ask.hidden(label, twice=e == "portal-password")
            if typed is None:  # Ctrl-D: nothing more is coming, which is not an interruption
                raise UstdError(f"input ended before {e}; nothing was stored",
                                hint=f"Run `ustd secrets set {profile_id}` again and type every entry.")
            value = typed
        else:
            line = stdin.readline() if stdin is not None else ""
            if not line:
                raise UstdError(f"stdin ended before {e}",
                                hint="Pipe one line per entry, in this order: " + ", ".join(entries))
            value = line.rstrip("\r\n")
        register_secret(value)
        if not value.strip():
            raise UstdError(f"{e} is empty; nothing was stored")
        if e == "portal-password" and (why := password_problem(value)):
            raise UstdError(f"the portal password {why}; nothing was stored",
                            hint="The portal requires 8-16 characters with 3 of: lower, upper, digit, symbol.")
        values[e] = value
    for e, value in values.items():
        set_secret(profile_id, e, value)
    _console().print(f"Stored {len(values)} entr{'y' if len(values) == 1 else 'ies'} for {profile_id} "
                  f"in {backend_name()}.", markup=False)


@app.command()
def check(
    profiles: list[str] = typer.Argument(..., help="Applicant ids or group files."),
) -> None:
    """Say present/missing for each entry; never prints a value. Exit 1 if any is missing."""
    from rich.table import Table

    from flows.errors import SecretsMissing
    from assistant.secrets import SERVICE, check_secrets, entry_key

    table = Table(title=f"keyring service {SERVICE}")
    table.add_column("entry")
    table.add_column("status")
    missing: list[str] = []
    for profile in profiles:
        pid = _profile_id(profile)
        for e, present in check_secrets(pid).items():
            table.add_row(entry_key(pid, e), "present" if present else "missing",
                          style=None if present else "red")
            if not present:
                missing.append(entry_key(pid, e))
    _console().print(table)
    if missing:
        raise SecretsMissing(f"{len(missing)} keyring entr{'y is' if len(missing) == 1 else 'ies are'} missing: "
                             + ", ".join(missing), hint="Set them with `ustd secrets set ID`.")


@app.command()
def delete(
    profile: str = typer.Argument(..., help="Applicant id or group file."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete the profile's four keyring entries (asks first, unless --yes)."""
    from flows.errors import UstdError
    from assistant.secrets import ENTRIES, backend_name, delete_secret, entry_key

    pid = _profile_id(profile)
    backend_name()
    if not yes:
        # No answer (no terminal, an empty pipe, Ctrl-D) counts as no: deleting needs a yes.
        answer = ask.confirm(f"Delete the keyring entries of {pid}?")
        if answer is None:
            raise UstdError(f"Not deleted: no confirmation for {pid} (standard input ended)",
                            hint=f"To delete without a question, pass --yes: `ustd secrets delete {pid} --yes`.")
        if not answer:
            raise UstdError(f"Not deleted: the keyring entries of {pid} are kept (you answered no)")
    for e in ENTRIES:
        done = delete_secret(pid, e)
        _console().print(f"{entry_key(pid, e)}: {'deleted' if done else 'was not set'}", markup=False)
