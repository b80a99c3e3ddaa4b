"""Drive one portal account by what the portal shows, page after page, up to payment.

After every load the runner recognises the page and runs that page's flow. So a redirect to
sign-in (an expired session), a waiting room, a 429, a one-off server error, a page out of
the expected order or an already-filled page are all just "the page the portal shows now":
sign in again, wait, skip what is there, go on. The run stops at the payment page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from assistant.gates import Gates
from assistant.interrupt import RunInterrupted
from assistant.pacing import Pacer
from assistant.portal_forms import AccountEntry, ApplicantEntry
from assistant.run_record import (
    REMAINING_AT_PAYMENT,
    AccountRecord,
    ApplicantRecord,
    PageRecord,
    RunStore,
)
from assistant.secrets import AccountSecrets
from flows._base import PortalPage, portal_path, query_value
from flows._xhr import XhrRetry
from flows.additional_options import AdditionalOptionsPage
from flows.applicant_details import ApplicantDetailsPage
from flows.dependents import (
    DependentApplicantPage,
    DependentContactPage,
    DependentRow,
    ManageDependentsPage,
)
from flows.document_delivery import DocumentDeliveryPage
from flows.errors import FlowError, PortalMessage, PortalRejected
from flows.home import HomePage
from flows.interstitials import interstitial, is_waiting_room, page_text
from flows.interview_waiver import InterviewWaiverPage
from flows.payment import PaymentPage
from flows.profile import ProfilePage
from flows.screenshot import empty_secret_boxes, secret_free_screenshot
from flows.security_questions import SecurityQuestionsPage
from flows.sign_in import SignInPage
from flows.sign_up import SignUpPage, username_taken
from flows.visa_options import VisaOptionsPage

PAST_PAYMENT_PATHS = {"receipt", "ofc-schedule", "schedule", "appointment_confirmation"}
MAX_SIGN_IN_ATTEMPTS = 3
MAX_SERVER_ERRORS = 3
WAITING_ROOM_PATIENCE_SECONDS = 30 * 60
FOUND_REGISTERED_NOTE = (
    "the account already existed on the portal (signed up in an interrupted run?): signed in instead"
)

# Which profile field a portal field id comes from, so the portal's messages name the fix.
PROFILE_FIELD_OF = {
    "atlas_first_name": "given_name",
    "atlas_last_name": "surname",
    "atlas_pob_country": "country_of_birth",
    "atlas_gender": "gender",
    "atlas_home_phone": "home_phone",
    "atlas_mobile_phone": "mobile_phone",
    "atlas_email": "email",
    "atlas_mailing_street": "mailing.street",
    "atlas_mailing_city": "mailing.city",
    "atlas_mailing_state": "mailing.state",
    "atlas_mailing_postal_code": "mailing.postal_code",
    "atlas_passport_number": "passport.number",
    "atlas_passport_issuance_date": "passport.issue_date",
    "atlas_passport_place_of_issue": "passport.place_of_issue",
    "atlas_passport_expiration_date": "passport.expiry_date",
    "atlas_birthdate": "birth_date",
    "atlas_nationality": "nationality",
    "atlas_national_id": "national_id",
    "atlas_relation_to_applicant": "relation",
    "atlas_post": "visa.post",
    "atlas_post_visa_category": "visa.category",
    "atlas_visa_class": "visa.visa_class",
    "atlas_visa_priority": "visa.priority",
    "atlas_ds_160_confirmation_number": "ds160_number",
    "atlas_emailaddress1": "contact_email",
    "firstname": "given_name",
    "lastname": "surname",
    "adx_preferredlanguageid": "preferred_language",
    "DDAddress": "delivery.address.street",
    "DDAddress2": "delivery.address.street2",
    "DDAddress3": "delivery.address.street3",
    "DDCity": "delivery.address.city",
    "DDState": "delivery.address.state",
    "DDPostalCode": "delivery.address.postal_code",
    "atlas_pickup_location": "delivery.pickup_location",
    "signInName": "account.username",
    "email": "account.email",
}

class ApplicantFailed(FlowError):
    """One applicant could not be completed; the others may still be."""


class _Stop(Exception):
    """Internal: the account reached the point where a person takes over."""


ProgressCallback = Callable[[str, str], None]


def _no_progress(applicant_id: str, page_name: str) -> None:
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
    _pending: ApplicantEntry | None = field(default=None, init=False)
    _status: int = field(default=200, init=False)
    _retry_after: float = field(default=0.0, init=False)
    _sign_in_attempts: int = field(default=0, init=False)
    _server_errors: int = field(default=0, init=False)
    _last_portal_url: str | None = field(default=None, init=False)
    _shot_count: int = field(default=0, init=False)
    _xhr: XhrRetry = field(init=False)

    def __post_init__(self) -> None:
        self._xhr = XhrRetry(back_off=self._xhr_back_off)

    def _check_stop(self, where: str = "") -> None:
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
        self._check_stop()

    def _answer_for(self, question: str) -> str:
        """The keyring answer to a question the portal shows, matched to the profile's list."""
        wanted = re.sub(r"\s+", " ", question).strip()
        for index, text in enumerate(self.entry.sign_up.questions, start=1):
            if re.sub(r"\s+", " ", text).strip() == wanted:
                return self.secrets.answer_to(index).get_secret_value()
        raise ApplicantFailed(f"The portal asked a security question the profile does not list: {wanted!r}")

    # --- the loop ---------------------------------------------------------------------

    def run(self) -> None:
        """Go from the portal's front door to the payment page, or fail with a clear reason."""
        self.page.on("response", self._watch_response)
        self._goto(f"{self.base_url}/{self.locale}/")
        budget = 40 + 20 * len(self.entry.dependents)
        for _ in range(budget):
            self._check_stop()
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
        screen = self.recognise()
        logger.debug("{account}: {screen} at {url}", account=self.entry.account_id, screen=screen, url=self.page.url)
        handler = getattr(self, f"_on_{screen}", None)
        if handler is None:
            raise FlowError(f"Unexpected page at {self.page.url}: the portal may have changed.")
        handler()

    def recognise(self) -> str:
        """Name the page the portal shows now, from its status, path and one look at its text."""
        shown = interstitial(page_text(self.page))
        if shown == "waiting_room":
            return shown
        if self._status == 429 or shown == "too_many_requests":
            return "too_many_requests"
        if self._status >= 500 or shown == "server_error":
            return "server_error"
        path = portal_path(self.page.url)
        if path in PAST_PAYMENT_PATHS:
            return "past_payment"
        for flow in _PORTAL_PAGES:
            if flow.path == path:
                return flow.name
        for flow in (SignInPage, SignUpPage, SecurityQuestionsPage):
            if flow.is_showing(self.page):
                return flow.name
        return "unknown"

    def _watch_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._status = response.status
            try:
                self._retry_after = float(response.headers.get("retry-after", "0") or 0)
            except ValueError:
                self._retry_after = 0.0

    def _goto(self, url: str) -> None:
        self.page.goto(url, wait_until="domcontentloaded")

    # --- bookkeeping ------------------------------------------------------------------

    def _applicant(self, entry: ApplicantEntry) -> ApplicantRecord:
        return self.record.applicants[entry.applicant_id]

    def _subject(self) -> ApplicantEntry:
        """Whose page this is: the primary, or the dependent named by ``?contact=``."""
        contact = query_value(self.page.url, "contact")
        if contact is None:
            return self.entry.primary
        known = self.record.applicant_by_contact(contact)
        if known is not None:
            return next(d for d in self.entry.dependents if d.applicant_id == known.applicant_id)
        if self._pending is not None:
            self._applicant(self._pending).contact_id = contact
            self.store.save()
            return self._pending
        raise FlowError(f"The portal shows a dependent ({contact}) this run did not add.")

    def _screenshot(self, entry: ApplicantEntry, page_name: str) -> str:
        """The report's picture of the page now, with every secret box emptied while it is taken
        (this account's password and answers are also looked for in any other box)."""
        self._shot_count += 1
        name = f"{entry.applicant_id}-{self._shot_count:02d}-{page_name}.jpg"
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        secret_free_screenshot(self.page, self.shots_dir / name, self._typed_secrets())
        return f"screenshots/{name}"

    def _typed_secrets(self) -> list[str]:
        """This account's password and answers: what the run may have typed into a page."""
        return [s.get_secret_value() for s in (self.secrets.password, *self.secrets.answers)]

    def _leave_secret_page(self) -> None:
        """Resume tracing only once no secret is left in the page: a failure, a decline or a
        stop leaves the boxes filled, and the trace and the failure screenshot would film them."""
        try:
            empty_secret_boxes(self.page, self._typed_secrets())
        except PlaywrightError:  # the page or browser is gone: nothing left to film
            pass
        self.on_secret_page(False)

    def _page_shot(self, entry: ApplicantEntry, page_name: str) -> str | None:
        """The report's picture of a filled page, unless the run asked for failures only."""
        return self._screenshot(entry, page_name) if self.every_page_shot else None

    def _note(self, entry: ApplicantEntry, record: PageRecord) -> None:
        applicant = self._applicant(entry)
        if applicant.status == "pending":
            applicant.status = "in_progress"
        applicant.pages.append(record)
        self.store.save()
        self.on_progress(entry.applicant_id, record.page)

    def _fill_and_submit(
        self, flow: PortalPage, entry: ApplicantEntry, fill: Callable[[], dict[str, str]], submit: Callable[[], None]
    ) -> None:
        """Fill, let the person confirm when asked, submit, and read what the portal said."""
        started = time.monotonic()
        url = self.page.url
        self._last_portal_url = url
        values = fill()
        shot = self._page_shot(entry, flow.name)
        if not self.gates.confirm_page(self.page, entry.display_name, flow.name, values):
            self._note(entry, PageRecord(page=flow.name, status="declined", values=values, screenshot=shot))
            self._applicant(entry).status = "declined"
            self._applicant(entry).error = f"The person declined the {flow.name} page."
            raise ApplicantFailed(self._applicant(entry).error or "")
        if self.page.url == url:  # the person may have pressed the page's own button
            self.pacer.wait_turn()
            self._check_stop(f"before submitting the {flow.name} page")
            submit()
        if self._interrupted():
            return  # not stored: the runner waits or retries, then the page is filled again
        if type(flow).is_showing(self.page) and query_value(self.page.url, "contact") == query_value(url, "contact"):
            messages = flow.errors()
            if messages:
                self._note(
                    entry,
                    PageRecord(
                        page=flow.name, status="rejected", values=values, screenshot=shot,
                        seconds=round(time.monotonic() - started, 3), errors=[m.text for m in messages],
                    ),
                )
                raise PortalRejected(flow.name, messages, PROFILE_FIELD_OF)
        if SignInPage.is_showing(self.page):
            logger.info("{account}: session ended during {page}; signing in again", account=self.entry.account_id, page=flow.name)
            return  # not stored: the page comes back after sign-in and is filled again
        self._note(
            entry,
            PageRecord(
                page=flow.name, status="submitted", values=values, screenshot=shot,
                seconds=round(time.monotonic() - started, 3),
            ),
        )

    def _interrupted(self) -> bool:
        """A submit answered by a server error, a 429 or the waiting room: nothing was saved."""
        return self.recognise() in ("server_error", "too_many_requests", "waiting_room")

    def record_failure_page(self, error: str) -> None:
        """Photograph the page where the account stopped, so the report shows what went wrong."""
        try:
            subject = self._pending or self.entry.primary
            shot = self._screenshot(subject, "failure")
            self._note(subject, PageRecord(page=self.recognise(), status="error", errors=[error], screenshot=shot))
        except Exception:  # noqa: BLE001 - the browser itself may be gone
            logger.debug("no failure screenshot for {account}", account=self.entry.account_id)

    def _applicant_rejected(self, rejected: PortalRejected) -> None:
        """A dependent's data refused: that dependent fails, the group goes on. The primary's:
        the whole account fails (its dependents hang off the primary's application)."""
        subject = self._pending if rejected.page_name in ("dependent_contact", "dependent_applicant") else None
        if subject is None:
            subject = self._subject() if query_value(self.page.url, "contact") else self.entry.primary
        record = self._applicant(subject)
        record.status = "failed"
        record.error = str(rejected)
        self.store.save()
        logger.warning("{who}: {error}", who=subject.display_name, error=str(rejected))
        if subject is self.entry.primary:
            for dependent in self.entry.dependents:
                other = self._applicant(dependent)
                if other.status in ("pending", "in_progress"):
                    other.status = "failed"
                    other.error = "Not completed: the primary applicant's data was refused."
            self.store.save()
            raise ApplicantFailed(str(rejected))
        self._pending = None
        self._goto(f"{self.base_url}/{self.locale}/manage_dependents/")

    # --- interstitials ----------------------------------------------------------------

    def _on_waiting_room(self) -> None:
        """Stay in line: the waiting room refreshes itself; wait for a page that is not it."""
        logger.info("{account}: in the portal's waiting room", account=self.entry.account_id)
        deadline = time.monotonic() + WAITING_ROOM_PATIENCE_SECONDS
        while is_waiting_room(self.page):
            if time.monotonic() > deadline:
                raise FlowError("Still in the portal's waiting room after 30 minutes; try again later.")
            self._check_stop("in the portal's waiting room")
            self.page.wait_for_event("load", timeout=WAITING_ROOM_PATIENCE_SECONDS * 1000)

    def _on_too_many_requests(self) -> None:
        wait = max(self._retry_after, self.pacer.pause, 1.0)
        logger.warning("{account}: the portal said 429 Too Many Requests; waiting {s:.0f} s", account=self.entry.account_id, s=wait)
        self._slow_down(wait)
        self._check_stop()
        self._status = 200
        self.page.reload(wait_until="domcontentloaded")

    def _slow_down(self, wait: float) -> None:
        """Wait out a 429 and keep a slower pace for the rest of the session."""
        pause = self.pacer.rate_limited(wait)
        logger.warning("{account}: slowing down: {s:g} s between submissions from now on",
                       account=self.entry.account_id, s=pause)

    def _on_server_error(self) -> None:
        self._server_errors += 1
        if self._server_errors > MAX_SERVER_ERRORS:
            raise FlowError(f"The portal keeps answering with server errors at {self.page.url}.")
        logger.warning("{account}: the portal answered with a server error; retrying the page", account=self.entry.account_id)
        self._status = 200
        self.pacer.back_off(self.pacer.pause)
        self._check_stop()
        self._goto(self._last_portal_url or f"{self.base_url}/{self.locale}/")

    # --- B2C ------------------------------------------------------------------------------

    def _on_sign_in(self) -> None:
        if not self.entry.account_exists and not self.record.registered:
            link = self.page.locator("#createAccount, a[href*='signup']").first
            with self.page.expect_navigation(wait_until="domcontentloaded"):
                link.click()
            return
        self._sign_in_attempts += 1
        flow = SignInPage(self.page)
        if self._sign_in_attempts > MAX_SIGN_IN_ATTEMPTS:
            messages = flow.errors()
            raise ApplicantFailed(
                f"Signing in failed {MAX_SIGN_IN_ATTEMPTS} times: "
                + ("; ".join(m.text for m in messages) or "no message from the portal")
                + self._found_registered_fix()
            )
        answer = None
        if flow.has_captcha():
            answer = self.gates.captcha(self.page, flow.captcha_png(), self.entry.account_id)
            if answer is None:
                return  # the person signed in in the browser
        self.on_secret_page(True)
        try:
            flow.fill(self.entry.username, self.secrets.password.get_secret_value(), answer)
            self.pacer.wait_turn()
            self._check_stop("before signing in")
            flow.submit()
        finally:
            self._leave_secret_page()
        if not SignInPage.is_showing(self.page):
            self._sign_in_attempts = 0

    def _on_sign_up(self) -> None:
        if self.record.registered or self.entry.account_exists:
            raise FlowError("The portal shows the sign-up page for an account that already exists.")
        flow = SignUpPage(self.page, self._xhr)
        primary = self.entry.primary
        started = time.monotonic()
        self.on_secret_page(True)
        try:
            flow.fill_identity(self.entry.sign_up, self.secrets.password.get_secret_value())
            flow.send_code()
            code = self.gates.email_code(self.page, self.entry.sign_up.email)
            if code:
                flow.enter_code(code)
            answers = tuple(self._answer_for(q) for q in self.entry.sign_up.questions)
            flow.fill_rest(self.entry.sign_up, (answers[0], answers[1], answers[2]))
            values = {
                "signInName": self.entry.sign_up.username,
                "email": self.entry.sign_up.email,
                "givenName": self.entry.sign_up.given_name,
                "surname": self.entry.sign_up.surname,
                **{f"extension_kbq{n}": q for n, q in enumerate(self.entry.sign_up.questions, start=1)},
            }
            shot = self._page_shot(primary, flow.name)
            if not self.gates.confirm_page(self.page, primary.display_name, flow.name, values):
                raise ApplicantFailed("The person declined the sign-up page.")
            self.pacer.wait_turn()
            self._check_stop("before submitting the sign-up page")
            flow.submit()
        finally:
            self._leave_secret_page()
        if SignUpPage.is_showing(self.page):
            messages = flow.errors() or [PortalMessage("The portal did not accept the sign-up.")]
            if username_taken(messages):
                self._found_registered(messages)
                return
            raise ApplicantFailed(
                "Sign-up refused: " + "; ".join(m.text + (f" ({m.field_id})" if m.field_id else "") for m in messages)
            )
        self.record.registered = True
        self._note(
            primary,
            PageRecord(
                page=flow.name, status="submitted", values=values, screenshot=shot,
                seconds=round(time.monotonic() - started, 3),
            ),
        )

    def _on_security_questions(self) -> None:
        flow = SecurityQuestionsPage(self.page)
        asked = flow.asked()
        if not asked:
            raise FlowError("The security-question page shows no question.")
        self.on_secret_page(True)
        try:
            for question, answer_css in asked:
                flow.answer(answer_css, self._answer_for(question))
            self.pacer.wait_turn()
            self._check_stop("before answering the security questions")
            flow.submit()
        finally:
            self._leave_secret_page()
        if SecurityQuestionsPage.is_showing(self.page):
            messages = flow.errors()
            raise ApplicantFailed(
                "Security answers refused: " + "; ".join(m.text for m in messages) + self._found_registered_fix()
            )

    def _found_registered(self, messages: list[PortalMessage]) -> None:
        """The portal says the username exists: most likely this run's own sign-up, whose POST
        went through just before the run was killed. Treat the account as registered and sign
        in (captcha gate and security questions); if that fails, the error says what to do."""
        self.record.registered = True
        if FOUND_REGISTERED_NOTE not in self.record.notes:
            self.record.notes.append(FOUND_REGISTERED_NOTE)
        self.store.save()
        logger.warning(
            "{account}: the portal says the username {user} exists ({said}): {note}",
            account=self.entry.account_id, user=self.entry.username,
            said="; ".join(m.text for m in messages), note=FOUND_REGISTERED_NOTE,
        )
        self._goto(f"{self.base_url}/{self.locale}/")

    def _found_registered_fix(self) -> str:
        """What to do when an account found registered at sign-up cannot be signed in to."""
        if FOUND_REGISTERED_NOTE not in self.record.notes:
            return ""
        return (
            f"\nThe username {self.entry.username!r} was already registered on the portal when this run "
            "tried to sign up, and signing in to it with the keyring's password and answers failed. If the "
            "account is yours, set `account.exists: true` in the profile and put its password and answers in "
            f"the keyring (`ustd secrets set {self.entry.account_id}`); otherwise choose another username "
            "(`account.username`)."
        )

    # --- Power Pages ----------------------------------------------------------------------

    def _on_profile(self) -> None:
        flow = ProfilePage(self.page)
        self._fill_and_submit(flow, self.entry.primary, lambda: flow.fill(self.entry.profile), flow.submit)

    def _on_home(self) -> None:
        flow = HomePage(self.page)
        started = bool(self._applicant(self.entry.primary).pages_done() - {"sign_up", "profile"})
        resume = self.page.locator("#continue_application")
        if started and resume.count() and resume.first.is_visible():
            flow.continue_application()
        else:
            flow.start_application()

    def _on_applicant_details(self) -> None:
        flow = ApplicantDetailsPage(self.page)
        subject = self._subject()
        self._fill_and_submit(flow, subject, lambda: flow.fill(subject.applicant, self.locale), flow.submit)

    def _on_visa_options(self) -> None:
        flow = VisaOptionsPage(self.page, self._xhr)
        subject = self._subject()
        self._fill_and_submit(flow, subject, lambda: flow.fill(subject.visa), flow.submit)

    def _on_additional_options(self) -> None:
        flow = AdditionalOptionsPage(self.page)
        subject = self._subject()
        self._fill_and_submit(flow, subject, lambda: flow.fill(subject.ds160), flow.submit)
        if subject is not self.entry.primary and not AdditionalOptionsPage.is_showing(self.page):
            self._pending = None

    def _on_interview_waiver(self) -> None:
        flow = InterviewWaiverPage(self.page)
        self._fill_and_submit(flow, self.entry.primary, flow.fill, flow.submit)

    def _on_manage_dependents(self) -> None:
        """Add or finish each dependent, give those with their own delivery theirs, then Next."""
        flow = ManageDependentsPage(self.page)
        rows = flow.rows()
        for dependent in self.entry.dependents:
            record = self._applicant(dependent)
            if record.status in ("failed", "declined"):
                continue
            row = self._row_of(dependent, rows)
            if row is None:
                self._pending = dependent
                flow.add_dependent()
                return
            if row.contact_id and record.contact_id != row.contact_id:
                record.contact_id = row.contact_id
                self.store.save()
            if not row.complete and row.contact_id:  # added before an interruption, not finished
                self._pending = dependent
                self._goto(self._dependent_url(row, "visa_options" if row.passport_number else "dep_applicant_add"))
                return
        if self._take_off_refused(flow, rows) or self._visit_own_delivery(rows):
            return
        self._fill_and_submit(flow, self.entry.primary, lambda: {"dependents": str(len(rows))}, flow.submit)

    def _row_of(self, dependent: ApplicantEntry, rows: list[DependentRow]) -> DependentRow | None:
        """The portal's row for a dependent: by passport, else (added, details not yet saved) by name."""
        by_passport = next((r for r in rows if r.passport_number == dependent.applicant.passport_number), None)
        if by_passport is not None or dependent.contact is None:
            return by_passport
        name = f"{dependent.contact.first_name} {dependent.contact.last_name}"
        return next((r for r in rows if not r.passport_number and r.name == name), None)

    def _dependent_url(self, row: DependentRow, path: str) -> str:
        return f"{self.base_url}/{self.locale}/{path}/?contact={row.contact_id}"

    def _visit_own_delivery(self, rows: list[DependentRow]) -> bool:
        """Open the delivery page of the next dependent whose own delivery differs from the
        primary's (the portal gives every dependent the primary's otherwise); True if opened."""
        for dependent in self.entry.dependents:
            record = self._applicant(dependent)
            if dependent.delivery is None or dependent.delivery == self.entry.primary.delivery:
                continue
            if record.status in ("failed", "declined") or "document_delivery" in record.pages_done():
                continue
            row = self._row_of(dependent, rows)
            if row is None or not row.contact_id:
                continue
            href = row.delivery_href or self._dependent_url(row, "document_delivery")
            self._goto(urljoin(self.page.url, href))
            return True
        return False

    def _take_off_refused(self, flow: ManageDependentsPage, rows: list[DependentRow]) -> bool:
        """A refused dependent left half-added blocks the portal's Next: take it off again (the
        row menu's Remove), so the others go on; True if a row was removed."""
        for dependent in self.entry.dependents:
            record = self._applicant(dependent)
            row = self._row_of(dependent, rows)
            if record.status != "failed" or row is None or row.complete:
                continue
            if not flow.remove(row):
                raise ApplicantFailed(
                    f"The portal holds {dependent.display_name} as an unfinished dependent (refused above) and "
                    "will not go on until that dependent is complete: correct the profile and run again with --resume."
                )
            record.contact_id = None
            record.error = (record.error or "") + (
                "\nThe half-added dependent was removed from the portal's application again; correct the "
                "profile and run again with --resume to add them."
            )
            self.store.save()
            logger.warning("{who}: removed from the application after the portal refused the data",
                           who=dependent.display_name)
            return True
        return False

    def _pending_dependent(self) -> ApplicantEntry:
        if self._pending is None:  # resumed on this page: the first dependent not yet added
            done = {a.applicant_id for a in self.record.applicants.values() if a.contact_id or a.status != "pending"}
            self._pending = next((d for d in self.entry.dependents if d.applicant_id not in done), None)
        if self._pending is None:
            raise FlowError("The portal offers to add a dependent, but every dependent is already added.")
        return self._pending

    def _on_dependent_contact(self) -> None:
        flow = DependentContactPage(self.page)
        dependent = self._pending_dependent()
        assert dependent.contact is not None
        contact = dependent.contact
        self._fill_and_submit(flow, dependent, lambda: flow.fill(contact), flow.submit)
        self._remember_contact(dependent)

    def _on_dependent_applicant(self) -> None:
        flow = DependentApplicantPage(self.page)
        dependent = self._pending_dependent()
        relation = dependent.relation or "Other"
        self._fill_and_submit(
            flow, dependent, lambda: flow.fill_dependent(relation, dependent.applicant, self.locale), flow.submit
        )
        self._remember_contact(dependent)

    def _remember_contact(self, dependent: ApplicantEntry) -> None:
        """The portal's id of the dependent it just created (the next page names it), saved at
        once: the record then says the dependent exists, whatever happens next."""
        contact = query_value(self.page.url, "contact")
        if contact and self._applicant(dependent).contact_id != contact:
            self._applicant(dependent).contact_id = contact
            self.store.save()

    def _on_document_delivery(self) -> None:
        flow = DocumentDeliveryPage(self.page)
        subject = self._subject()
        delivery = subject.delivery or self.entry.primary.delivery
        if delivery is None:
            raise FlowError("No document delivery in the profile.")
        self._fill_and_submit(flow, subject, lambda: flow.fill(delivery, self.locale), flow.submit)

    def _on_payment(self) -> None:
        """The stop: record the fee summary and what the person has left to do."""
        flow = PaymentPage(self.page)
        shot = self._screenshot(self.entry.primary, flow.name)
        self.record.gate = "payment"
        self.record.fee_summary = flow.fee_summary()
        for entry in self.entry.applicants:
            record = self._applicant(entry)
            if record.status in ("pending", "in_progress"):
                record.status = "ready"
                record.remaining = list(REMAINING_AT_PAYMENT)
        self._note(self.entry.primary, PageRecord(page=flow.name, status="gate", screenshot=shot))
        raise _Stop()

    def _on_past_payment(self) -> None:
        raise ApplicantFailed("The portal is already past the payment page: a person has paid for this account.")


_PORTAL_PAGES: tuple[type[PortalPage], ...] = (
    ProfilePage,
    HomePage,
    ApplicantDetailsPage,
    VisaOptionsPage,
    AdditionalOptionsPage,
    InterviewWaiverPage,
    ManageDependentsPage,
    DependentContactPage,
    DependentApplicantPage,
    DocumentDeliveryPage,
    PaymentPage,
)
