"""The ``ustd`` command line: a thin layer that parses options and reports errors.

Commands import their heavy dependencies (Playwright, the web stack, openpyxl) inside the
command function, so ``ustd --help`` starts fast.
"""

from __future__ import annotations

import atexit
import gc
import sys

import typer
from rich.console import Console
from rich.markup import escape

from assistant._version import __version__
from assistant.cli import ds160, mock_portal, portal_map, profiles, run, secrets
from flows.errors import UstdError

app = typer.Typer(
    name="ustd",
    help="Prefill U.S. visa appointment applications on usvisascheduling.com, up to human confirmation.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
app.command("dry-run", epilog=run.EXIT_CODES_HELP)(run.dry_run)
app.command("prefill", epilog=run.EXIT_CODES_HELP)(run.prefill)
app.command("mock-portal")(mock_portal.mock_portal)
app.add_typer(profiles.app, name="profiles")
app.add_typer(secrets.app, name="secrets")
app.add_typer(portal_map.app, name="portal-map")
app.add_typer(ds160.app, name="ds160")

_stderr = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ustd-assistant {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Prefill U.S. visa appointment applications, up to human confirmation."""


def _quick_exit_gc() -> None:
    """At exit, leave the objects of the run to the OS instead of collecting their cycles one
    by one: the interpreter's final collection took about 0.15 s at the end of every dry run.
    Nothing is lost: files are written and closed by then, loguru and logging close their
    sinks in their own exit handlers, and the standard streams are flushed after this."""
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn expected failures into a message and an exit code."""
    from assistant.logging import setup_logging

    atexit.unregister(_quick_exit_gc)  # once per process, however often tests call main()
    atexit.register(_quick_exit_gc)

    setup_logging(level="WARNING")  # masked console sink; runs add their own log file
    try:
        code = app(args=argv, prog_name="ustd", standalone_mode=False)
        if isinstance(code, int) and code:  # non-standalone mode returns typer.Exit's code
            sys.exit(code)
    except UstdError as error:
        # Messages quote input (a YAML key, a cell): escaped, so "[/x]" is text, not rich markup.
        # soft_wrap: the message stays one line whatever the width (the terminal wraps it, not rich).
        _stderr.print(f"[bold red]Error:[/] {escape(error.message)}", highlight=False, soft_wrap=True)
        if error.hint:
            _stderr.print(escape(error.hint), highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        _stderr.print("Interrupted.")
        sys.exit(130)
    except KeyboardInterrupt:
        _stderr.print("Interrupted.")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:  # usage errors (bad option values) in non-standalone mode
        show = getattr(error, "show", None)
        if callable(show):
            show()
        sys.exit(getattr(error, "exit_code", 2))
