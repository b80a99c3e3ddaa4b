"""Questions at the terminal, where the end of input is no answer rather than an interruption.

Click's prompts turn end of input (no terminal, an empty pipe, Ctrl-D) into ``Abort``, the same
as Ctrl-C, so a script without a terminal was told "Interrupted." and exit 130. Here end of
input returns ``None`` and the caller decides; Ctrl-C still raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import getpass
import sys

import typer

_YES = ("y", "yes")
_NO = ("", "n", "no")


def _line(prompt: str) -> str | None:
    """One line typed after ``prompt``, or None at the end of input (or with no input at all)."""
    if sys.stdin is None:
        return None
    typer.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        typer.echo()
        return None
    return line.rstrip("\r\n")


def confirm(question: str) -> bool | None:
    """Yes (True), no (False, also the default on Enter) or no answer at all (None)."""
    while True:
        line = _line(f"{question} [y/N]: ")
        if line is None:
            return None
        answer = line.strip().lower()
        if answer in _YES or answer in _NO:
            return answer in _YES
        typer.echo("Please answer y or n.", err=True)


def hidden(label: str, *, twice: bool = False) -> str | None:
    """A value typed without echo at a terminal (asked again until not empty, and typed the same
    twice if ``twice``), or None at the end of input (Ctrl-D)."""
    while True:
        try:
            value = getpass.getpass(f"{label}: ")
            if not value:
                continue
            if twice and getpass.getpass("Repeat for confirmation: ") != value:
                typer.echo("Error: The two entered values do not match.", err=True)
                continue
        except EOFError:
            typer.echo()
            return None
        return value
