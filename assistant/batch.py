"""Run several accounts: one browser context each, one after another or in parallel workers.

Parallel workers are only for a local replica of the portal: against the real one a single
session runs at a time (the portal bans parallel clients).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from flows.errors import RunRefused, UstdError
from assistant.gates import Gates
from assistant.portal_address import is_loopback
from assistant.interrupt import CTRL_C, ctrl_c_requests_stop
from flows.errors import RunInterrupted
from assistant.pacing import Pacer
from assistant.photographer import BackgroundPhotographer, DirectPhotographer, Photographer
from assistant.playwright_thread import PlaywrightThread
from assistant.portal_forms import AccountEntry
from assistant.run_record import AccountRecord, ApplicantRecord, RunStore
from assistant.secrets import AccountSecrets
from flows._portal_map import load_portal_map
from flows._specs import PortalMap
from flows.errors import FlowError

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

SecretsFor = Callable[[AccountEntry], AccountSecrets]
GatesFor = Callable[[], Gates]
Progress = Callable[[ApplicantRecord], None]  # redraws one applicant's bar


@dataclass(frozen=True)
class BatchOptions:
    portal_url: str
    locale: str = "zh-CN"
    headless: bool = True
    parallel: int = 1
    pause: float | None = None
    trace: bool = False
    every_page_shot: bool = True
    portal_map: PortalMap | None = None  # the shipped map corrected by the staff's files; None: shipped only


def new_account_record(entry: AccountEntry) -> AccountRecord:
    record = AccountRecord(account_id=entry.account_id, username=entry.username)
    for index, applicant in enumerate(entry.applicants):
        record.applicants[applicant.applicant_id] = ApplicantRecord(
            applicant_id=applicant.applicant_id,
            display_name=applicant.display_name,
            role="primary" if index == 0 else "dependent",
        )
    return record


def _scrub_trace(path: Path) -> None:
    """Mask every known secret in a saved trace, member by member.

    Pausing at secret pages is not enough: Playwright writes a request's entry (with its
    form body) when the request finishes, which can be after tracing has resumed on the next
    page, so the sign-up or sign-in POST would land in the following chunk.
    """
    import zipfile

    from assistant.logging import mask

    if not path.is_file():
        return
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    changed = False
    cleaned = []
    for info, data in members:
        text = data.decode("utf-8", "surrogateescape")  # round-trips any bytes, binary or not
        masked = mask(text)
        if masked != text:
            changed = True
            data = masked.encode("utf-8", "surrogateescape")
        cleaned.append((info, data))
    if not changed:
        return
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in cleaned:
            archive.writestr(info, data)
    temporary.replace(path)


class _Tracing:
    """Playwright tracing paused while secrets are typed, each saved chunk scrubbed of known secrets."""

    def __init__(self, context: object, folder: Path, label: str, enabled: bool) -> None:
        self.context = context
        self.folder = folder
        self.label = label
        self.enabled = enabled
        self.chunk = 0
        if enabled:
            context.tracing.start(screenshots=True, snapshots=True)  # type: ignore[attr-defined]
            context.tracing.start_chunk()  # type: ignore[attr-defined]

    def secret_page(self, entering: bool) -> None:
        if not self.enabled:
            return
        if entering:
            self._save_chunk()
        else:
            self.context.tracing.start_chunk()  # type: ignore[attr-defined]

    def _save_chunk(self) -> None:
        self.chunk += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"trace-{self.label}-{self.chunk}.zip"
        self.context.tracing.stop_chunk(path=str(path))  # type: ignore[attr-defined]
        _scrub_trace(path)

    def close(self) -> None:
        if self.enabled:
            try:
                self._save_chunk()
            except Exception:  # noqa: BLE001 - a chunk may already be stopped at a secret page
                pass
            self.context.tracing.stop()  # type: ignore[attr-defined]


def fail_unfinished(record: AccountRecord, reason: str) -> None:
    """Every applicant of the account not yet finished failed for ``reason`` (theirs, if set)."""
    for applicant in record.applicants.values():
        if applicant.status in ("pending", "in_progress"):
            applicant.mark("failed", applicant.error or reason)


def _run_one(
    browser: object,
    entry: AccountEntry,
    options: BatchOptions,
    store: RunStore,
    secrets_for: SecretsFor,
    gates_for: GatesFor,
    progress: Progress,
    photographer: Photographer,
) -> None:
    from assistant.runner import AccountRunner
    from flows.errors import ApplicantFailed

    record = store.record.accounts[entry.account_id]
    if all(a.status in ("ready", "incomplete", "failed", "declined") for a in record.applicants.values()) and record.gate:
        _show(record, progress)
        return  # finished in an earlier attempt of this run
    for applicant in record.applicants.values():  # a resumed run tries failed ones again
        if applicant.status in ("failed", "declined"):
            applicant.mark("pending")
            applicant.error = None
        if applicant.status != "ready":
            applicant.remaining = []  # what an interrupted attempt left: this attempt says anew
    pacer = Pacer.for_portal(options.portal_url, options.pause)
    stop_waiting = CTRL_C.on_request(pacer.interrupt)
    context = browser.new_context(locale=options.locale, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    report_dir = Path(store.record.report_dir)
    tracing = _Tracing(context, report_dir / "traces", entry.account_id, options.trace)
    try:
        page = context.new_page()
        runner = AccountRunner(
            page=page,
            entry=entry,
            secrets=secrets_for(entry),
            gates=gates_for(),
            pacer=pacer,
            store=store,
            record=record,
            base_url=options.portal_url.rstrip("/"),
            locale=options.locale,
            shots_dir=report_dir / "screenshots",
            on_progress=progress,
            on_secret_page=tracing.secret_page,
            every_page_shot=options.every_page_shot,
            should_stop=CTRL_C.requested,
            portal_map=options.portal_map or load_portal_map(),
            photographer=photographer,
        )
        try:
            runner.run()
        except RunInterrupted:
            logger.info("{account}: stopped by Ctrl-C at {url}", account=entry.account_id, url=page.url)
        except (ApplicantFailed, FlowError, UstdError) as failure:
            logger.error("{account}: {error}", account=entry.account_id, error=str(failure))
            runner.record_failure_page(str(failure))
            fail_unfinished(record, str(failure))
        except PlaywrightError as failure:  # the browser gave up on the page: say where and what
            reason = browser_failure(failure, page.url)
            logger.error("{account}: {error}", account=entry.account_id, error=reason)
            logger.debug("{account}: the browser's own report: {said}", account=entry.account_id, said=failure.message)
            runner.record_failure_page(reason)
            fail_unfinished(record, reason)
        except Exception as failure:  # noqa: BLE001 - one account's surprise must not stop the batch
            reason = f"Unexpected error ({type(failure).__name__}): {failure}"
            logger.error("{account}: {error} (details in run.log)", account=entry.account_id, error=reason)
            logger.opt(exception=failure).debug("{account}: unexpected failure", account=entry.account_id)
            runner.record_failure_page(reason)
            fail_unfinished(record, reason)
        store.save()
    finally:
        stop_waiting()
        tracing.close()
        context.close()
        _show(record, progress)


def _show(record: AccountRecord, progress: Progress) -> None:
    """Every applicant's bar as the account ended (the dependents' too: payment settles them)."""
    for applicant in record.applicants.values():
        progress(applicant)


def browser_failure(failure: PlaywrightError, url: str) -> str:
    """A browser error as one line a person can act on: where, what, and what to do."""
    text = (failure.message or str(failure)).strip()
    said = text.splitlines()[0] if text else type(failure).__name__
    if isinstance(failure, PlaywrightTimeout):
        return (
            f"The portal did not finish answering in time at {url} ({said}). It may be slow or unreachable: "
            "run again later with --resume."
        )
    return f"The browser could not go on at {url}: {said}. Run again with --resume; nothing was lost."


def run_batch(
    entries: list[AccountEntry],
    options: BatchOptions,
    store: RunStore,
    secrets_for: SecretsFor,
    gates_for: GatesFor,
    progress: Progress,
    started: PlaywrightThread | None = None,
) -> None:
    """Run every account; failures are recorded per applicant, the batch goes on.

    Ctrl-C stops the run at the next safe point (KeyboardInterrupt is raised at the end, after
    the browser is closed); a second Ctrl-C stops at once. ``started``: Playwright started
    early by the caller, for the first worker.
    """
    from playwright.sync_api import sync_playwright

    from assistant.browser import launch_chromium

    if options.parallel > 1 and not is_loopback(options.portal_url):  # the CLI refuses it earlier; a library caller
        raise RunRefused(
            "--parallel is only for a local mock portal: the real portal bans parallel sessions.",
            hint="Run without --parallel; the assistant paces one session politely.",
        )
    work: queue.Queue[AccountEntry] = queue.Queue()
    for entry in entries:
        work.put(entry)
    errors: list[BaseException] = []
    # Every page's picture: drawn beside the run from copies. Only the stop's: not worth a browser.
    photographer: Photographer = (
        BackgroundPhotographer(options.locale).start() if options.every_page_shot else DirectPhotographer()
    )

    def serve(playwright: Playwright) -> None:
        browser = launch_chromium(playwright, headless=options.headless)
        try:
            while not CTRL_C.requested():
                try:
                    entry = work.get_nowait()
                except queue.Empty:
                    return
                _run_one(browser, entry, options, store, secrets_for, gates_for, progress, photographer)
        finally:
            browser.close()

    def worker(first: bool = True) -> None:
        try:
            if first and started is not None:
                started.run(serve)
            else:
                with sync_playwright() as playwright:
                    serve(playwright)
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            errors.append(error)

    workers = max(1, min(options.parallel, len(entries)))
    CTRL_C.reset()
    try:
        with ctrl_c_requests_stop(CTRL_C):
            if workers == 1:
                worker()
            else:
                threads = [threading.Thread(target=worker, args=(n == 0,), name=f"worker-{n}", daemon=True)
                           for n in range(workers)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
    finally:
        photographer.close()  # every picture saved before the report names it
    if CTRL_C.requested():
        raise KeyboardInterrupt  # the first Ctrl-C, after the browser was closed in order
    if errors:
        raise errors[0]
