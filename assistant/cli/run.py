"""``ustd dry-run`` and ``ustd prefill``: the product's main job, up to human confirmation."""

from __future__ import annotations

from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional, overload

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from assistant.models import Group
    from assistant.problems import Problem
    from assistant.run_record import AccountRecord, Ds160CheckRecord, RunRecord

console = Console()

EXIT_CODES_HELP = (
    "Exit codes: 0 every applicant reached human confirmation; 1 invalid input (nothing started); "
    "2 no browser or keyring, a bad option, folder or portal address, or these inputs already being run; "
    "3 some applicants failed (the report says which and why); 130 interrupted."
)


class Shots(str, Enum):
    every_page = "every-page"
    failures = "failures"


class Confirm(str, Enum):
    each_page = "each-page"
    final = "final"


def _summary(record: RunRecord, report: Path) -> None:
    """One row per applicant: where they stand and what is next; then the run's notes."""
    from assistant.report import STATUS_TEXT

    table = Table(title="What is left for a person", show_lines=False)
    table.add_column("applicant")
    table.add_column("status")
    table.add_column("next")
    for account in record.accounts.values():
        for applicant in account.applicants.values():
            if applicant.status == "ready":
                status, follow = "[green]ready for payment[/]", "; ".join(applicant.remaining[:1])
            elif applicant.status == "incomplete":
                status = "[red]NOT ready: values not entered[/]"
                follow = "; ".join(step for step in applicant.remaining if step.startswith("enter by hand"))
            elif applicant.status in ("pending", "in_progress"):
                status, follow = f"[yellow]{STATUS_TEXT[applicant.status]}[/]", "; ".join(applicant.remaining)
            else:
                status, follow = f"[red]{applicant.status}[/]", (applicant.error or "").split("\n", 1)[0]
            table.add_row(f"{applicant.display_name} ({applicant.applicant_id})", status, follow)
    console.print(table)
    for account in record.accounts.values():
        for note in account.notes:
            console.print(f"Note ({account.username}): {note}", soft_wrap=True, highlight=False)
        _drift_summary(account)
    console.print(f"Report: {report}", soft_wrap=True, highlight=False)


def _drift_summary(account: AccountRecord) -> None:
    """Where the portal differed from the portal map: what staff may put in their own map."""
    if not account.drift:
        return
    console.print(f"Portal drift ({account.username}): {len(account.drift)} field(s) found other than by their id "
                  "or by a looser option match (details in the report):", soft_wrap=True, highlight=False)
    for note in account.drift[:8]:
        console.print(f"  - {note.text()}", soft_wrap=True, highlight=False)
    if len(account.drift) > 8:
        console.print(f"  … and {len(account.drift) - 8} more", highlight=False)


def _show_problems(problems: list[Problem]) -> None:
    """Warnings and notes of valid profiles: worth reading, not worth stopping for."""
    for problem in problems:
        colour = "yellow" if problem.severity == "warning" else "cyan"
        console.print(Text(problem.render(), style=colour), highlight=False, soft_wrap=True)


@overload
def _portal_and_locale(portal_url: str, locale: str | None) -> tuple[str, str]: ...


@overload
def _portal_and_locale(portal_url: None, locale: str | None) -> tuple[None, str]: ...


def _portal_and_locale(portal_url: str | None, locale: str | None) -> tuple[str | None, str]:
    """The portal's origin and the language to use: ``--locale``, else the locale in a pasted
    address's path (``https://host/en-US/...``), else zh-CN."""
    from assistant.portal_address import DEFAULT_LOCALE, PORTAL_LOCALES, pasted_portal

    if locale is not None and locale not in PORTAL_LOCALES:
        raise typer.BadParameter(f"use {' or '.join(PORTAL_LOCALES)}", param_hint="--locale")
    if portal_url is None:
        return None, locale or DEFAULT_LOCALE
    origin, in_path = pasted_portal(portal_url)
    if locale is None and in_path is not None and in_path not in PORTAL_LOCALES:
        raise typer.BadParameter(f"its path names the language {in_path}; this assistant fills the portal in "
                                 f"{' or '.join(PORTAL_LOCALES)}: give --locale", param_hint="--portal-url")
    return origin, locale or in_path or DEFAULT_LOCALE


def _node_compile_cache() -> None:
    """Let Playwright's driver (Node.js) keep its compiled code between runs, in our cache
    folder: it starts in ~0.25 s instead of ~0.35 s. A folder the user chose, or turning the
    cache off (``NODE_DISABLE_COMPILE_CACHE``), is left alone; Node skips a folder it cannot write."""
    import os

    if "NODE_COMPILE_CACHE" in os.environ or "NODE_DISABLE_COMPILE_CACHE" in os.environ:
        return
    from platformdirs import user_cache_path

    os.environ["NODE_COMPILE_CACHE"] = str(user_cache_path("ustd-assistant", appauthor=False) / "node-compile-cache")


def _setup_logging(report_dir: Path) -> None:
    from assistant.logging import setup_logging

    setup_logging(level="WARNING", log_file=report_dir / "run.log")


def _mock_variants(text: str | None, portal_url: str | None) -> tuple[str, ...]:
    """The embedded mock's variants, checked before anything starts (exit 2 on a bad name)."""
    if not text:
        return ()
    if portal_url:
        raise typer.BadParameter("variants are for the embedded mock; start `ustd mock-portal --variant ...` "
                                 "for a running one", param_hint="--variant")
    from fixtures.variants import parse_variants

    try:
        return parse_variants(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--variant") from None


DS160_HELP = ("DS-160 confirmation pages (PDF, PNG, JPG) or folders of them, checked against the profiles before "
              "anything starts: any mismatch stops the run (exit 1). Repeat for more.")


def _ds160_gate(groups: list[tuple[Path, Group]], pages: list[Path] | None) -> list[Ds160CheckRecord] | None:
    """The DS-160 check, before any browser: raises Ds160CheckFailed (exit 1) on a mismatch;
    the rows, for the report, when every page matches; None without ``--ds160``."""
    if not pages:
        return None
    from assistant.cli.ds160 import gate
    from assistant.run_record import Ds160CheckRecord

    result = gate(groups, pages, console)
    return [Ds160CheckRecord.model_validate(row) for row in result.as_dicts()]


def dry_run(
    paths: list[Path] = typer.Argument(..., help="Group files (.yaml), folders of them, or spreadsheets."),
    parallel: int = typer.Option(1, "--parallel", min=1, max=8, help="Browser contexts working at once."),
    locale: Optional[str] = typer.Option(
        None, "--locale", help="Portal language: zh-CN or en-US (default: the one in --portal-url's path, else zh-CN)."
    ),
    trace: bool = typer.Option(False, "--trace", help="Save Playwright traces (secrets pages are left out)."),
    screenshots: Shots = typer.Option(
        Shots.every_page, "--screenshots", help="every-page: the report shows each page; failures: faster, only "
        "the stop and failures are photographed."
    ),
    report: Optional[Path] = typer.Option(None, "--report", help="Report folder (default: reports/<time>)."),
    portal_url: Optional[str] = typer.Option(
        None, "--portal-url", help="Use an already running mock portal (ustd mock-portal) instead of an embedded one."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue the last run of these inputs."),
    headed: bool = typer.Option(False, "--headed", help="Show the browser."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress display."),
    portal_map: Optional[Path] = typer.Option(
        None, "--portal-map", help="Corrections to the portal map for this run (see `ustd portal-map show`).",
        dir_okay=False,
    ),
    variant: Optional[str] = typer.Option(
        None, "--variant", help="Render the embedded mock portal's pages in other plausible markups, "
        "e.g. class-select,dates-input (see `ustd mock-portal --help`)."
    ),
    ds160: Optional[list[Path]] = typer.Option(None, "--ds160", help=DS160_HELP),
) -> None:
    """Fill every page of the mock portal from the profiles, and check what it received.

    Runs offline against the mock portal: no keyring and no real site needed.
    """
    from assistant.playwright_thread import PlaywrightThread
    from assistant.private_files import private_umask

    _node_compile_cache()
    # The driver starts now, beside the imports and checks below (it takes the private umask).
    with private_umask(), PlaywrightThread() as started:
        from assistant.batch import BatchOptions
        from assistant.dry_run import Backdoor, start_mock, throwaway_secrets, verify_run
        from assistant.gates import MockBackdoorGates
        from assistant.preflight import check_options
        from assistant.run import RunRequest, check_environment, execute, hold_run, open_record, prepare

        portal_url, locale = _portal_and_locale(portal_url, locale)
        if resume and not portal_url:
            raise typer.BadParameter(
                "the embedded mock portal starts empty each time; resume against a running one: "
                "`ustd mock-portal`, then `ustd dry-run ... --portal-url http://127.0.0.1:8765 --resume`",
                param_hint="--resume",
            )
        check_options("dry-run", portal_url, parallel=parallel)
        variants = _mock_variants(variant, portal_url)
        request = RunRequest(paths=paths, mode="dry-run", portal_url=portal_url or "http://127.0.0.1/embedded-mock",
                             locale=locale, report_dir=report, resume=resume, show_progress=not quiet,
                             embedded_mock=portal_url is None, portal_map_file=portal_map)
        groups, entries, problems = prepare(request)  # every input error is reported here, before anything starts
        _show_problems(problems)
        ds160_rows = _ds160_gate(groups, ds160)  # a DS-160 mismatch would cancel the appointment: stop here
        check_environment(request)  # folders and the portal, still before any browser
        with ExitStack() as stack:
            hold_run(request, stack)
            url = portal_url or start_mock(stack, locale, variants)
            request.batch = BatchOptions(portal_url=url, locale=locale, headless=not headed, parallel=parallel, trace=trace,
                                         every_page_shot=screenshots is Shots.every_page, portal_map=request.portal_map)
            backdoor = Backdoor(url)
            store = open_record(request, entries, stack)
            report_dir = Path(store.record.report_dir)
            _setup_logging(report_dir)
            store.record.portal_url = url
            if ds160_rows is not None:
                store.record.ds160_check = ds160_rows
            secrets = {entry.account_id: throwaway_secrets() for entry in entries}
            by_account = {entry.account_id: group for entry, (_, group) in zip(entries, groups)}
            for entry in entries:
                if entry.account_exists and not store.record.accounts[entry.account_id].registered:
                    backdoor.create_account(entry, secrets[entry.account_id], by_account[entry.account_id])
            record, html = execute(
                request,
                entries,
                store,
                console,
                secrets_for=lambda entry: secrets[entry.account_id],
                gates_for=lambda: MockBackdoorGates(url),
                after=lambda rec: verify_run(rec, by_account, backdoor),
                started=started,
            )
    _summary(record, html)
    raise typer.Exit(record.exit_code())


def prefill(
    paths: list[Path] = typer.Argument(..., help="Group files (.yaml), folders of them, or spreadsheets."),
    portal_url: str = typer.Option(..., "--portal-url", help="The portal's address, e.g. https://www.usvisascheduling.com"),
    confirm: Confirm = typer.Option(
        Confirm.final, "--confirm", help="each-page: a person confirms every page; final: stop at payment."
    ),
    headed: bool = typer.Option(False, "--headed", help="Show the browser (a person may act in it)."),
    pause: Optional[float] = typer.Option(
        None, "--pause", help="Seconds between submissions (real portal: default 5, at least 3; local: 0)."
    ),
    parallel: int = typer.Option(1, "--parallel", min=1, max=8, help="Only for a local replica of the portal."),
    locale: Optional[str] = typer.Option(
        None, "--locale", help="Portal language: zh-CN or en-US (default: the one in --portal-url's path, else zh-CN)."
    ),
    report: Optional[Path] = typer.Option(None, "--report", help="Report folder (default: reports/<time>)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the last run of these inputs."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress display."),
    portal_map: Optional[Path] = typer.Option(
        None, "--portal-map", help="Corrections to the portal map for this run (see `ustd portal-map show`).",
        dir_okay=False,
    ),
    ds160: Optional[list[Path]] = typer.Option(None, "--ds160", help=DS160_HELP),
) -> None:
    """Fill the portal's pages from the profiles and stop where a person must confirm.

    Captcha, e-mail code, payment and booking stay with the person: the run asks, or waits
    for them to act in the browser, and never pays or books.
    """
    from assistant.batch import BatchOptions
    from assistant.gates import TerminalGates
    from assistant.preflight import check_options
    from assistant.run import RunRequest, check_environment, execute, hold_run, open_record, prepare
    from assistant.secrets import load_account_secrets

    portal_url, locale = _portal_and_locale(portal_url, locale)
    check_options("prefill", portal_url, parallel=parallel, pause=pause)  # the real portal: one session, paced
    request = RunRequest(paths=paths, mode="prefill", portal_url=portal_url, locale=locale,
                         report_dir=report, resume=resume, show_progress=not quiet and confirm is Confirm.final,
                         portal_map_file=portal_map)
    groups, entries, problems = prepare(request)
    _show_problems(problems)
    ds160_rows = _ds160_gate(groups, ds160)  # before the portal, the keyring and any browser
    check_environment(request)  # folders and the portal, before the keyring and any browser
    _node_compile_cache()
    with ExitStack() as stack:
        hold_run(request, stack)  # refuses at once when these inputs are being run
        secrets = {entry.account_id: load_account_secrets(entry.account_id) for entry in entries}  # before any browser
        request.batch = BatchOptions(portal_url=request.portal_url, locale=locale, headless=not headed,
                                     parallel=parallel, pause=pause, portal_map=request.portal_map)
        store = open_record(request, entries, stack)
        if ds160_rows is not None:
            store.record.ds160_check = ds160_rows
        report_dir = Path(store.record.report_dir)
        _setup_logging(report_dir)
        gates = TerminalGates(console, report_dir, confirm_each_page=confirm is Confirm.each_page)
        record, html = execute(
            request, entries, store, console,
            secrets_for=lambda entry: secrets[entry.account_id],
            gates_for=lambda: gates,
        )
    _summary(record, html)
    raise typer.Exit(record.exit_code())
