"""One run from start to report, shared by ``dry-run`` and ``prefill``.

Order matters: options, inputs, folders and the portal are checked (and secrets loaded)
before any browser opens; the run holds its lock, with every file private, from before its
record is read until its report is written; the record is saved after every page so an
interrupted run can be resumed; the report is written whatever happened, including Ctrl-C.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from loguru import logger
from rich.console import Console

from assistant.batch import BatchOptions, GatesFor, SecretsFor, new_account_record, run_batch
from flows.errors import RunRefused
from assistant.inputs import load_groups
from assistant.models import Group
from assistant.playwright_thread import PlaywrightThread
from assistant.portal_forms import AccountEntry, account_entry
from assistant.portal_address import is_loopback, portal_origin
from assistant.preflight import check_places, check_portal_reachable
from assistant.private_files import private_dir, private_umask, tighten
from assistant.problems import Problem
from assistant.progress import RunProgress
from assistant.report import default_report_dir, open_report_dir, write_html
from assistant.run_lock import RunLock
from assistant.run_record import RunRecord, RunStore, now_iso, run_key
from assistant.whats_left import settle_interrupted
from flows._portal_map import load_portal_map
from flows._specs import PortalMap


def state_dir() -> Path:
    """Where resume state lives (platformdirs), e.g. ~/.local/state/ustd-assistant."""
    import os

    from platformdirs import user_state_path

    override = os.environ.get("USTD_STATE_DIR")
    return Path(override) if override else user_state_path("ustd-assistant", appauthor=False)


@dataclass
class RunRequest:
    """One run as the command line asked for it: inputs, portal and options."""

    paths: list[Path]
    mode: Literal["dry-run", "prefill"]
    portal_url: str
    locale: str = "zh-CN"
    report_dir: Path | None = None
    resume: bool = False
    batch: BatchOptions | None = None
    show_progress: bool = True
    groups: list[tuple[Path, Group]] = field(default_factory=list)
    embedded_mock: bool = False  # a dry run's own mock: empty each time, so never resumed nor saved
    portal_map_file: Path | None = None  # --portal-map: the staff's corrections for this run
    portal_map: PortalMap | None = None  # loaded and validated by check_environment

    def key(self) -> str:
        """The same inputs against the same portal are the same run (resumed, and locked)."""
        return run_key(self.mode, self.portal_url, self.paths)

    def command(self) -> str:
        """What the run is, for a person reading another run's refusal."""
        portal = [] if self.embedded_mock else ["--portal-url", self.portal_url]
        return " ".join(["ustd", self.mode, *map(str, self.paths), *portal])


def prepare(request: RunRequest) -> tuple[list[tuple[Path, Group]], list[AccountEntry], list[Problem]]:
    """Validate every input (raises ProfileInvalid with all errors) and build the entries.

    Returns the warnings and notes too, for the caller to show before the run starts.
    """
    groups, problems = load_groups(request.paths)
    request.groups = groups
    return groups, [account_entry(group) for _, group in groups], problems


def check_environment(request: RunRequest) -> None:
    """Before any browser opens and anything is written: the report and state folders can be
    written, and the portal (unless it is the dry run's own) answers. Raises RunRefused (exit 2)."""
    check_places(request.report_dir, state_dir(), resuming=request.resume)
    request.portal_map = load_portal_map(request.portal_map_file)  # PortalMapInvalid (exit 2) names file and line
    if not request.embedded_mock:
        check_portal_reachable(request.portal_url)


def hold_run(request: RunRequest, stack: ExitStack) -> None:
    """Until ``stack`` closes: every file the run makes is private, and no other run of these
    inputs against this portal can start (their saved state would overwrite each other's).

    Taken before the record is read. A dry run's embedded mock keeps no state to protect: two
    of them run side by side, each with its own mock and report folder.
    """
    stack.enter_context(private_umask())
    if request.embedded_mock:
        return
    stack.enter_context(RunLock(state_dir() / "runs" / f"{request.key()}.lock",
                                what="A run of these inputs against this portal", command=request.command()))
    if not is_loopback(request.portal_url):  # the real portal bans parallel sessions, whatever the inputs
        origin = portal_origin(request.portal_url)
        stack.enter_context(RunLock(state_dir() / "runs" / f"portal-{_digest(origin)}.lock",
                                    what=f"A run against {origin} (one session at a time)",
                                    command=request.command()))


def open_record(request: RunRequest, entries: list[AccountEntry], stack: ExitStack) -> RunStore:
    """A fresh record, or with --resume the saved one for the same inputs and portal.

    Call within :func:`hold_run`. Also locks the report folder until ``stack`` closes (two runs
    writing one folder would mix their reports) and makes it, and the state folder, private.
    """
    key = request.key()
    state = None if request.embedded_mock else state_dir()
    saved = RunStore.load(state, key) if request.resume and state is not None else None
    if saved is not None:
        report_dir = Path(saved.report_dir) if request.report_dir is None else request.report_dir
        saved.interrupted = False
        saved.finished_at = None
        record = saved
        logger.info("Resuming run {key} into {dir}", key=key, dir=report_dir)
    else:
        report_dir = request.report_dir or _new_report_dir()
        record = RunRecord(
            run_key=key,
            mode=request.mode,
            portal_url=request.portal_url,
            locale=request.locale,
            inputs=[str(p) for p in request.paths],
            report_dir="",
        )
    record.report_dir = str(report_dir.resolve())
    folder = Path(record.report_dir)
    stack.enter_context(RunLock(state_dir() / "runs" / f"report-{_digest(record.report_dir)}.lock",
                                what=f"A run writing its report to {folder}", command=request.command()))
    for entry in entries:
        record.accounts.setdefault(entry.account_id, new_account_record(entry))
    try:
        open_report_dir(folder)
    except OSError as error:
        raise RunRefused(f"Cannot create the report folder {folder} ({error.strerror or error}): "
                         "give --report a folder you can write to.") from None
    if state is not None:
        private_dir(state)
        tighten(state / "runs")
    store = RunStore(record, state)
    store.save()
    return store


def _new_report_dir() -> Path:
    try:
        return default_report_dir()
    except OSError as error:
        raise RunRefused(f"Cannot create a report folder under {Path('reports').resolve()} "
                         f"({error.strerror or error}): give --report a folder you can write to.") from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def execute(
    request: RunRequest,
    entries: list[AccountEntry],
    store: RunStore,
    console: Console,
    secrets_for: SecretsFor,
    gates_for: GatesFor,
    after: Callable[[RunRecord], dict[str, list[str]]] | None = None,
    started: PlaywrightThread | None = None,
) -> tuple[RunRecord, Path]:
    """Run the batch with a progress display; always finish the record and the report."""
    assert request.batch is not None
    verification: dict[str, list[str]] = {}
    try:
        with RunProgress(console, entries, enabled=request.show_progress) as progress:
            run_batch(entries, request.batch, store, secrets_for, gates_for, progress.applicant_changed, started)
        if after is not None:
            verification = after(store.record)
    except KeyboardInterrupt:
        store.record.interrupted = True
        resumable = not request.embedded_mock  # the dry run's own mock ended with the run
        settle_interrupted(store.record, {e.account_id for e in entries if not e.account_exists}, resumable)
        if resumable:
            logger.warning("Interrupted: progress is saved; run again with --resume to continue.")
        else:
            logger.warning("Interrupted: the embedded mock portal ended with this run; run the dry run again.")
    finally:
        store.record.finished_at = now_iso()
        store.save()
        html = write_html(store.record, verification)
    return store.record, html
