"""What an interrupted run leaves behind, per applicant: what the portal holds, what is left.

Said from the record (saved after every page), so it is what the portal received: a
dependent whose contact page went through is on the portal ("in progress", not "pending").
"""

from __future__ import annotations

from collections.abc import Collection

from assistant.run_record import AccountRecord, ApplicantRecord, RunRecord

PRIMARY_PAGES = (
    "sign_up", "profile", "applicant_details", "visa_options", "additional_options", "interview_waiver",
    "manage_dependents", "document_delivery",
)
DEPENDENT_PAGES = ("dependent_contact", "dependent_applicant", "visa_options", "additional_options")

PAGE_TEXT = {
    "sign_up": "sign-up",
    "profile": "profile",
    "applicant_details": "applicant details",
    "visa_options": "visa options",
    "additional_options": "DS-160 number",
    "interview_waiver": "interview waiver",
    "manage_dependents": "dependents",
    "document_delivery": "document delivery",
    "dependent_contact": "added as a dependent (contact)",
    "dependent_applicant": "applicant details",
}
# How a page is named when it is still to do, where that differs from its name when done.
TODO_TEXT = {"dependent_contact": "contact (add as a dependent)"}
RESUME = "run again with --resume"
NOT_RESUMABLE = "run the dry run again (the embedded mock portal ended with this run)"


def _pages(account: AccountRecord, applicant: ApplicantRecord, signs_up: bool) -> tuple[str, ...]:
    if applicant.role == "dependent":
        return DEPENDENT_PAGES
    if "sign_up" in applicant.pages_done() or (signs_up and not account.registered):
        return PRIMARY_PAGES
    return PRIMARY_PAGES[1:]  # an existing account (or one found registered): no sign-up


def left_after_interrupt(
    account: AccountRecord, applicant: ApplicantRecord, signs_up: bool = False, resumable: bool = True
) -> list[str]:
    """Two lines for a person: what is on the portal already, and what is left to do.
    ``signs_up``: the profile says the account does not exist yet (the run signs up);
    ``resumable``: the run can be resumed (not a dry run against the embedded mock)."""
    done = applicant.pages_done()
    if applicant.role == "dependent" and applicant.contact_id:
        done = done | {"dependent_contact"}  # the portal lists it: its contact exists
    steps = _pages(account, applicant, signs_up)
    created = [PAGE_TEXT.get(p, p) for p in steps if p in done]
    todo = [TODO_TEXT.get(p, PAGE_TEXT.get(p, p)) for p in steps if p not in done]
    if applicant.role == "primary":
        todo.append("then stop at payment")
    on_portal = "on the portal already: " + ", ".join(created) if created else "nothing on the portal yet"
    return [on_portal, f"left: {', '.join(todo) or 'nothing'}; {RESUME if resumable else NOT_RESUMABLE}"]


def settle_interrupted(record: RunRecord, signs_up: Collection[str] = (), resumable: bool = True) -> None:
    """After Ctrl-C: every unfinished applicant says what exists and what is left.
    ``signs_up``: the ids of the accounts the run signs up (not existing ones)."""
    for account_id, account in record.accounts.items():
        for applicant in account.applicants.values():
            if applicant.status not in ("pending", "in_progress"):
                continue
            if applicant.status == "pending" and (applicant.pages_done() or applicant.contact_id):
                applicant.mark("in_progress")  # the portal holds part of it
            applicant.remaining = left_after_interrupt(account, applicant, account_id in signs_up, resumable)
