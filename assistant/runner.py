"""Drive one portal account by what the portal shows, page after page, up to payment.

A small state machine: after every load the runner recognises the page (by its landmarks,
headings and path, never the path alone) and runs that page's handler from ``HANDLERS``. So
a redirect to sign-in (an expired session), a waiting room, a 429, a one-off server error, a
page out of the expected order, two wizard steps merged into one page or an already-filled
page are all just "the page the portal shows now". The run stops at the payment page.

Every per-applicant page is filled from one table of fields (the portal map) with whatever
of the applicant's values it shows; the run record tracks each value until a page entered
and read it back, so an applicant with a value missing is never called ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from assistant import coverage, dependent_steps, sign_in_steps, waiver
from assistant.gates import Gates
from assistant.pacing import Pacer
from assistant.photographer import DirectPhotographer, Photographer
from assistant.portal_forms import AccountEntry, ApplicantEntry
from assistant.run_record import REMAINING_AT_PAYMENT, AccountRecord, ApplicantRecord, PageRecord, RunStore
from assistant.secrets import AccountSecrets
from flows._base import PortalPage, portal_path, query_value
from flows._fill import FieldOutcome, fill_fields
from flows._portal_map import load_portal_map
from flows._specs import FieldSpec, PortalMap
from flows._xhr import XhrRetry
from flows.errors import ApplicantFailed, FlowError, PortalRejected, RunInterrupted, UnexpectedPage
from flows.interstitials import is_waiting_room
from flows.pages import page_object
from flows.recognise import Look, best_page, look
from flows.screenshot import empty_secret_boxes
from flows.waiver_questions import answer_questions, read_again

PAST_PAYMENT_PATHS = {"receipt", "ofc-schedule", "schedule", "appointment_confirmation"}
MAX_SERVER_ERRORS = 3
WAITING_ROOM_PATIENCE_SECONDS = 30 * 60
INTERRUPTIONS = ("server_error", "too_many_requests", "waiting_room")

class _Stop(Exception):
    """Internal: the account reached the point where a person takes over."""


ProgressCallback = Callable[[ApplicantRecord], None]


def _no_progress(applicant: ApplicantRecord) -> None:
    return None


@dataclass
class AccountRunner:
    """Runs one account (a primary and their dependents) in one browser page."""

    page: Page
    entry: AccountEntry
    secrets: AccountSecrets
    gates: Gates
    pacer: Pacer
    store: RunStore
    record: AccountRecord
    base_url: str
    locale: str
    shots_dir: Path
    on_progress: ProgressCallback = _no_progress
    on_secret_page: Callable[[bool], None] = lambda entering: None
    every_page_shot: bool = True  # False: only the stop (payment) and failures are photographed
    should_stop: Callable[[], bool] = lambda: False  # Ctrl-C asked the run to stop
    portal_map: PortalMap = field(default_factory=load_portal_map)
    photographer: Photographer = field(default_factory=DirectPhotographer)
    pending: ApplicantEntry | None = field(default=None, init=False)  # the dependent being added or visited
    status: int = field(default=200, init=False)  # of the last document load
    retry_after: float = field(default=0.0, init=False)
    sign_in_attempts: int = field(default=0, init=False)
    screen: str = field(default="", init=False)  # the page recognised for the step under way
    revisited: set[str] = field(default_factory=set, init=False)  # dependents re-read from an earlier run
    _server_errors: int = field(default=0, init=False)
    _last_portal_url: str | None = field(default=None, init=False)
    _shot_count: int = field(default=0, init=False)
    _navigations: int = field(default=0, init=False)  # documents loaded in the main frame so far
    _seen: tuple[int, Look] | None = field(default=None, init=False)  # the last look, and when
    _next_screen: tuple[int, str] | None = field(default=None, init=False)  # named after a submit
    xhr: XhrRetry = field(init=False)

    def __post_init__(self) -> None:
        self.xhr = XhrRetry(back_off=self._xhr_back_off)
        self.page.on("framenavigated", self._count_navigation)  # a look is good for one document
        for applicant in self.entry.applicants:
            coverage.seed(self.applicant(applicant), coverage.expected_values(self.entry, applicant, self.portal_map))
            self.on_progress(self.applicant(applicant))  # the values to enter are known: the bars get their totals
        self.applicant_fields = tuple(
            _unique(spec for name in coverage.APPLICANT_PAGES if name in self.portal_map.pages
                    for spec in self.portal_map.page(name).fields)
        )

    # --- the loop ---------------------------------------------------------------------

    def run(self) -> None:
        """Go from the portal's front door to the payment page, or fail with a clear reason."""
        self.page.on("response", self._watch_response)
        self.goto(f"{self.base_url}/{self.locale}/")
        budget = 40 + 20 * len(self.entry.dependents)
        for _ in range(budget):
            self.check_stop()
            try:
                self._step()
            except _Stop:
                return
            except ApplicantFailed:
                raise
            except PortalRejected as rejected:
                self._applicant_rejected(rejected)
        raise FlowError(f"{self.entry.username}: the portal kept showing pages without reaching payment.")

    def _step(self) -> None:
        screen = self._screen_named_after_submit() or self.recognise()
        logger.debug("{account}: {screen} at {url}", account=self.entry.account_id, screen=screen, url=self.page.url)
        self.screen = screen
        handler = HANDLERS.get(screen)
        if handler is None:
            raise UnexpectedPage(f"Unexpected page at {self.page.url}: the portal may have changed.")
        handler(self)

    def recognise(self) -> str:
        """Name the page the portal shows now: an interstitial by its text or status, else the
        portal page whose landmarks, headings and path it shows most strongly."""
        seen = self.look()
        if seen.interstitial == "waiting_room":
            return "waiting_room"
        if self.status == 429 or seen.interstitial == "too_many_requests":
            return "too_many_requests"
        if seen.interstitial == "blocked":
            return "blocked"
        if self.status >= 500 or seen.interstitial == "server_error":
            return "server_error"
        if seen.path in PAST_PAYMENT_PATHS:
            return "past_payment"
        return best_page(seen, self.portal_map) or "unknown"

    def look(self) -> Look:
        """What the page shows now (one round trip), kept for whose-page-is-it until the next load."""
        passport = self._spec("passport_number")
        seen = look(self.page, self.portal_map, passport.id if passport else None)
        self._seen = (self._navigations, seen)
        return seen

    def _last_look(self) -> Look:
        """The look taken on this document, else a new one. The values a page shows change as
        it is filled, but not the name or passport number it shows on loading."""
        if self._seen is not None and self._seen[0] == self._navigations:
            return self._seen[1]
        return self.look()

    def _screen_named_after_submit(self) -> str | None:
        """The page a submission landed on, named right after it loaded: looking again at the
        same document before doing anything on it would only repeat the round trip."""
        named, self._next_screen = self._next_screen, None
        if named is not None and named[0] == self._navigations:
            return named[1]
        return None

    def _count_navigation(self, frame: object) -> None:
        if frame == self.page.main_frame:
            self._navigations += 1

    def _watch_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.status = response.status
            try:
                self.retry_after = float(response.headers.get("retry-after", "0") or 0)
            except ValueError:
                self.retry_after = 0.0

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="domcontentloaded")

    def home_url(self, path: str = "") -> str:
        return f"{self.base_url}/{self.locale}/{path + '/' if path else ''}"

    def check_stop(self, where: str = "") -> None:
        """Stop here if Ctrl-C asked to: only called where nothing is half-submitted."""
        if self.should_stop():
            raise RunInterrupted(where or f"at {self.page.url}")

    def _xhr_back_off(self, seconds: float, status: int, why: str) -> None:
        """An in-page request got a 429 or 5xx: wait politely (interruptible), then retry."""
        wait = max(seconds, self.pacer.pause)
        logger.warning("{account}: {why}; waiting {s:.0f} s", account=self.entry.account_id, why=why, s=wait)
        if status == 429:
            self._slow_down(wait)
        else:
            self.pacer.back_off(wait)
        self.check_stop()

    # --- bookkeeping ------------------------------------------------------------------

    def applicant(self, entry: ApplicantEntry) -> ApplicantRecord:
        return self.record.applicants[entry.applicant_id]

    def subject(self) -> ApplicantEntry:
        """Whose page this is: a dependent the page names (name or passport number), else the
        dependent the run is adding or visiting, else the one the address names, else the primary."""
        shown = self._dependent_shown()
        if shown is not None:
            return shown
        if self.pending is not None:
            return self.pending
        contact = query_value(self.page.url, "contact")
        if contact is not None:
            known = self.record.applicant_by_contact(contact)
            if known is not None:
                return next(d for d in self.entry.dependents if d.applicant_id == known.applicant_id)
            raise FlowError(f"The portal shows a dependent ({contact}) this run did not add.")
        return self.entry.primary

    def _dependent_shown(self) -> ApplicantEntry | None:
        if not self.entry.dependents:
            return None
        seen = self._last_look()
        text = " ".join(seen.text.casefold().split())
        for dependent in self.entry.dependents:
            if seen.passport and seen.passport.strip().casefold() == dependent.applicant.passport_number.casefold():
                return dependent
        for dependent in self.entry.dependents:
            first, last = dependent.applicant.first_name.casefold(), dependent.applicant.last_name.casefold()
            if f"{first} {last}" in text or f"{last} {first}" in text:
                return dependent
        return None

    def _spec(self, key: str) -> FieldSpec | None:
        return next((s for s in self.applicant_fields if s.key == key), None)

    def screenshot(self, entry: ApplicantEntry, page_name: str, *, wait: bool = False) -> str:
        """The report's picture of the page now, with every secret box empty on it (this
        account's password and answers are also looked for in any other box). ``wait``: saved
        before this returns, not drawn from a copy later (a failure: the page may be going)."""
        self._shot_count += 1
        name = f"{entry.applicant_id}-{self._shot_count:02d}-{page_name}.jpg"
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        self.photographer.photograph(self.page, self.shots_dir / name, self.typed_secrets(), wait=wait)
        return f"screenshots/{name}"

    def typed_secrets(self) -> list[str]:
        """This account's password and answers: what the run may have typed into a page."""
        return [s.get_secret_value() for s in (self.secrets.password, *self.secrets.answers)]

    def leave_secret_page(self) -> None:
        """Resume tracing only once no secret is left in the page: a failure, a decline or a
        stop leaves the boxes filled, and the trace and the failure screenshot would film them."""
        try:
            empty_secret_boxes(self.page, self.typed_secrets())
        except PlaywrightError:  # the page or browser is gone: nothing left to film
            pass
        self.on_secret_page(False)

    def page_shot(self, entry: ApplicantEntry, page_name: str) -> str | None:
        """The report's picture of a filled page, unless the run asked for failures only."""
        return self.screenshot(entry, page_name) if self.every_page_shot else None

    def note(self, entry: ApplicantEntry, record: PageRecord) -> None:
        applicant = self.applicant(entry)
        applicant.started()
        applicant.pages.append(record)
        self.store.save()
        self.on_progress(applicant)

    def fill(self, specs: tuple[FieldSpec, ...], values: Mapping[str, str], **options: object) -> list[FieldOutcome]:
        """Fill whatever of ``specs`` the page shows with ``values`` (the generic routine)."""
        return fill_fields(self.page, specs, values, xhr=self.xhr, **options)  # type: ignore[arg-type]

    def fill_and_submit(
        self, flow: PortalPage, entry: ApplicantEntry, fill: Callable[[], list[FieldOutcome]],
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """Fill, let the person confirm when asked, submit, and read what the portal said.

        The values count as entered (coverage) only once the portal took the page."""
        started = time.monotonic()
        url = self.page.url
        self._last_portal_url = url
        outcomes = fill()
        values = dict(extra or {})
        values.update(_shown_values(outcomes))
        shot = self.page_shot(entry, flow.name)
        if not self.gates.confirm_page(self.page, entry.display_name, flow.name, values):
            self.note(entry, PageRecord(page=flow.name, status="declined", values=values, screenshot=shot))
            self.applicant(entry).mark("declined", f"The person declined the {flow.name} page.")
            raise ApplicantFailed(self.applicant(entry).error or "")
        if self.page.url == url:  # the person may have pressed the page's own button
            self.pacer.wait_turn()
            self.check_stop(f"before submitting the {flow.name} page")
            flow.submit()
        after = self.recognise()
        self._next_screen = (self._navigations, after)
        if after in INTERRUPTIONS and not _moved_on(url, self.page.url):
            return  # not stored: the runner waits or retries, then the page is filled again
        # (an interstitial at another address: the portal took the page and failed the next one)
        if after == flow.name and query_value(self.page.url, "contact") == query_value(url, "contact"):
            messages = flow.errors()
            if messages:
                self.note(entry, PageRecord(
                    page=flow.name, status="rejected", values=values, screenshot=shot,
                    seconds=round(time.monotonic() - started, 3), errors=[m.text for m in messages],
                ))
                raise PortalRejected(flow.name, messages, self.portal_map.profile_field_of())
        if after == "sign_in" and not _went_on(url, self.page.url):
            logger.info("{account}: session ended during {page}; signing in again",
                        account=self.entry.account_id, page=flow.name)
            return  # not stored: the page comes back after sign-in and is filled again
        coverage.record_outcomes(self.record, self.applicant(entry), flow.name, outcomes)
        self.note(entry, PageRecord(
            page=flow.name, status="submitted", values=values, screenshot=shot,
            seconds=round(time.monotonic() - started, 3),
            errors=[f"{o.key}: {o.detail or o.status}" for o in outcomes if not o.ok and o.status != "not_on_page"],
        ))

    def record_failure_page(self, error: str) -> None:
        """Photograph the page where the account stopped, so the report shows what went wrong."""
        try:
            subject = self.pending or self.entry.primary
            shot = self.screenshot(subject, "failure", wait=True)
            self.note(subject, PageRecord(page=self.recognise(), status="error", errors=[error], screenshot=shot))
        except Exception:  # noqa: BLE001 - the browser itself may be gone
            logger.debug("no failure screenshot for {account}", account=self.entry.account_id)

    def _applicant_rejected(self, rejected: PortalRejected) -> None:
        """A dependent's data refused: that dependent fails, the group goes on. The primary's:
        the whole account fails (its dependents hang off the primary's application)."""
        subject = self.pending if rejected.page_name in ("dependent_contact", "dependent_applicant") else None
        if subject is None:
            subject = self.subject()
        self.applicant(subject).mark("failed", str(rejected))
        self.store.save()
        logger.warning("{who}: {error}", who=subject.display_name, error=str(rejected))
        if subject is self.entry.primary:
            for dependent in self.entry.dependents:
                other = self.applicant(dependent)
                if other.status in ("pending", "in_progress"):
                    other.mark("failed", "Not completed: the primary applicant's data was refused.")
            self.store.save()
            raise ApplicantFailed(str(rejected))
        self.pending = None
        self.goto(self.home_url("manage_dependents"))

    # --- interstitials ----------------------------------------------------------------

    def on_waiting_room(self) -> None:
        """Stay in line: the waiting room refreshes itself; wait for a page that is not it."""
        logger.info("{account}: in the portal's waiting room", account=self.entry.account_id)
        deadline = time.monotonic() + WAITING_ROOM_PATIENCE_SECONDS
        while is_waiting_room(self.page):
            if time.monotonic() > deadline:
                raise FlowError("Still in the portal's waiting room after 30 minutes; try again later.")
            self.check_stop("in the portal's waiting room")
            self.page.wait_for_event("load", timeout=WAITING_ROOM_PATIENCE_SECONDS * 1000)

    def on_too_many_requests(self) -> None:
        wait = max(self.retry_after, self.pacer.pause, 1.0)
        logger.warning("{account}: the portal said 429 Too Many Requests; waiting {s:.0f} s",
                       account=self.entry.account_id, s=wait)
        self._slow_down(wait)
        self.check_stop()
        self.status = 200
        self.page.reload(wait_until="domcontentloaded")

    def _slow_down(self, wait: float) -> None:
        """Wait out a 429 and keep a slower pace for the rest of the session."""
        pause = self.pacer.rate_limited(wait)
        logger.warning("{account}: slowing down: {s:g} s between submissions from now on",
                       account=self.entry.account_id, s=pause)

    def on_blocked(self) -> None:
        raise FlowError(
            f"The portal blocked this client or its daily page limit is reached ({self.page.url}).",
            hint="Stop for today; a person can check the portal in a normal browser. Nothing more is sent.",
        )

    def on_server_error(self) -> None:
        self._server_errors += 1
        if self._server_errors > MAX_SERVER_ERRORS:
            raise FlowError(f"The portal keeps answering with server errors at {self.page.url}.")
        logger.warning("{account}: the portal answered with a server error; retrying the page",
                       account=self.entry.account_id)
        self.status = 200
        self.pacer.back_off(self.pacer.pause)
        self.check_stop()
        self.goto(self._retry_url())

    def _retry_url(self) -> str:
        """Where to try again: the page that failed if its address is a page of the portal (an
        error served after the portal took a submission), else the last page filled."""
        known = {path for spec in self.portal_map.pages.values() for path in spec.paths}
        if self.page.url.startswith(self.base_url) and portal_path(self.page.url) in known:
            return self.page.url
        return self._last_portal_url or self.home_url()

    # --- Power Pages ----------------------------------------------------------------------

    def on_profile(self) -> None:
        flow = page_object("profile", self.page, self.xhr)
        specs = self.portal_map.page("profile").fields
        values = coverage.profile_values(self.entry)
        self.fill_and_submit(flow, self.entry.primary, lambda: self.fill(specs, values))

    def on_home(self) -> None:
        flow = page_object("home", self.page, self.xhr)
        started = bool(self.applicant(self.entry.primary).pages_done() - {"sign_up", "profile"})
        flow.open_application(resume=started)  # type: ignore[attr-defined]

    def on_applicant_page(self) -> None:
        """Any page of one applicant's data (details, visa options, DS-160, delivery): fill every
        field it shows for which the applicant has a value, whichever step asks for it."""
        name = self.screen
        flow = page_object(name, self.page, self.xhr)
        subject = self.subject()
        values = coverage.applicant_values(self.entry, subject)
        if name == "document_delivery" and "delivery_option" not in values and self.entry.primary.delivery:
            values.update(coverage.applicant_values(self.entry, self.entry.primary))  # the group's delivery
        self.fill_and_submit(flow, subject, lambda: self.fill(self.applicant_fields, values))

    def on_interview_waiver(self) -> None:
        """Answer each yes/no question the page shows from the primary's facts; a question not
        recognised or not decided is never answered. The person is asked (a supervised run shows
        the open questions; they answer in the browser); still open after that, the applicant
        stops here naming each question (exit 3). No question ("does not support"): just Next."""
        flow = page_object("interview_waiver", self.page, self.xhr)
        primary, specs = self.entry.primary, self.portal_map.page("interview_waiver").fields
        record = self.applicant(primary)
        outcomes = answer_questions(self.page, specs, waiver.decider(primary.waiver_facts), xhr=self.xhr)
        if any(o.open for o in outcomes):
            url = self.page.url
            if not self.gates.confirm_page(self.page, primary.display_name, flow.name, waiver.shown_values(outcomes)):
                record.mark("declined", f"The person declined the {flow.name} page.")
                raise ApplicantFailed(record.error or "")
            if self.page.url != url:  # the person answered and pressed Next in the browser
                record.waiver = waiver.records(waiver.answered_in_browser(outcomes))
                self.note(primary, PageRecord(page=flow.name, status="submitted", values=waiver.shown_values(outcomes)))
                return
            outcomes = read_again(self.page, outcomes, specs)
        record.waiver = waiver.records(outcomes)
        still = [o for o in outcomes if o.open]
        if still:
            record.mark("failed", waiver.stop_message(still))
            for dependent in self.entry.dependents:
                self.applicant(dependent).mark("failed", "Not completed: the primary applicant's Interview Waiver page "
                                                         "needs a person.")
            self.store.save()
            raise ApplicantFailed(record.error or "")
        self.fill_and_submit(flow, primary, lambda: [], extra=waiver.shown_values(outcomes))

    def on_payment(self) -> None:
        """The stop: record the fee summary and what the person has left to do. An applicant
        with a value the portal never took is not ready: the record names it."""
        flow = page_object("payment", self.page, self.xhr)
        shot = self.screenshot(self.entry.primary, flow.name)
        self.record.gate = "payment"
        self.record.fee_summary = flow.fee_summary()  # type: ignore[attr-defined]
        primary = self.applicant(self.entry.primary)
        if "profile" not in primary.pages_done():
            coverage.profile_not_shown(self.record, primary)
        for dependent in self.entry.dependents:
            coverage.inherit_from_primary(self.applicant(self.entry.primary), self.applicant(dependent))
        for entry in self.entry.applicants:
            self.applicant(entry).reached_payment(list(REMAINING_AT_PAYMENT))
        self.note(self.entry.primary, PageRecord(page=flow.name, status="gate", screenshot=shot))
        raise _Stop()

    def on_past_payment(self) -> None:
        raise ApplicantFailed("The portal is already past the payment page: a person has paid for this account.")


def _moved_on(submitted_url: str, now_url: str) -> bool:
    """The browser is at another page than the one submitted: the portal took the submission
    (its redirect went through) even if the next page answered with a 429 or an error."""
    before, now = urlparse(submitted_url), urlparse(now_url)
    return (portal_path(before.path), before.query) != (portal_path(now.path), now.query)


def _went_on(submitted_url: str, sign_in_url: str) -> bool:
    """The session ended just after the portal took the page: sign-in returns to another page."""
    back_to = query_value(sign_in_url, "returnUrl")
    if not back_to:
        return False
    back = urlparse(unquote(back_to))
    before = urlparse(submitted_url)
    return (portal_path(back.path), back.query) != (portal_path(before.path), before.query)


def _shown_values(outcomes: list[FieldOutcome]) -> dict[str, str]:
    """What the person confirming the page (and the report) sees per field; never a secret."""
    shown: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.status == "not_on_page" or not outcome.value:
            continue
        shown[outcome.key] = outcome.value if outcome.ok else f"{outcome.value} [NOT ENTERED: {outcome.detail or outcome.status}]"
    return shown


def _unique(specs: object) -> list[FieldSpec]:
    """Fields by key, first page first (the dependent page repeats the applicant fields)."""
    seen: dict[str, FieldSpec] = {}
    for spec in specs:  # type: ignore[attr-defined]
        seen.setdefault(spec.key, spec)
    return list(seen.values())


HANDLERS: dict[str, Callable[[AccountRunner], None]] = {
    "waiting_room": AccountRunner.on_waiting_room,
    "too_many_requests": AccountRunner.on_too_many_requests,
    "server_error": AccountRunner.on_server_error,
    "blocked": AccountRunner.on_blocked,
    "sign_in": sign_in_steps.on_sign_in,
    "sign_up": sign_in_steps.on_sign_up,
    "security_questions": sign_in_steps.on_security_questions,
    "profile": AccountRunner.on_profile,
    "home": AccountRunner.on_home,
    "applicant_details": AccountRunner.on_applicant_page,
    "visa_options": AccountRunner.on_applicant_page,
    "additional_options": AccountRunner.on_applicant_page,
    "document_delivery": AccountRunner.on_applicant_page,
    "interview_waiver": AccountRunner.on_interview_waiver,
    "manage_dependents": dependent_steps.on_manage_dependents,
    "dependent_contact": dependent_steps.on_dependent_contact,
    "dependent_applicant": dependent_steps.on_dependent_applicant,
    "payment": AccountRunner.on_payment,
    "past_payment": AccountRunner.on_past_payment,
}
"""Recognised page -> what the runner does there. A page not in the table is unexpected."""
