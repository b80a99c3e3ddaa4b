"""The runner's steps for dependents: the My Dependents list, adding one, their own pages.

The portal's list is the truth (a dependent is never added twice); which dependent a page
is about is told by what the page shows or by the step the run is in (``runner.pending``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from loguru import logger

from assistant import coverage
from assistant.portal_forms import ApplicantEntry
from flows._base import query_value
from flows.dependents import DependentRow, ManageDependentsPage
from flows.errors import ApplicantFailed, FlowError
from flows.pages import page_object

if TYPE_CHECKING:
    from assistant.runner import AccountRunner


def on_manage_dependents(runner: AccountRunner) -> None:
    """Add or finish each dependent, give those with their own delivery theirs, then Next."""
    runner.pending = None  # back at the list: no dependent's step is under way
    flow = page_object("manage_dependents", runner.page, runner.xhr)
    assert isinstance(flow, ManageDependentsPage)
    rows = flow.rows()
    for dependent in runner.entry.dependents:
        record = runner.applicant(dependent)
        if record.status in ("failed", "declined"):
            continue
        row = row_of(dependent, rows)
        if row is None:
            runner.pending = dependent
            flow.add_dependent()
            return
        if row.contact_id and record.contact_id != row.contact_id:
            record.contact_id = row.contact_id
            runner.store.save()
        if not row.complete and row.contact_id:  # added before an interruption, not finished
            runner.pending = dependent
            runner.goto(_dependent_url(runner, row, "visa_options" if row.passport_number else "dep_applicant_add"))
            return
        if row.contact_id and _unchecked(runner, dependent, row):  # held from an earlier run: read it back
            runner.pending = dependent
            runner.revisited.add(dependent.applicant_id)
            runner.goto(_dependent_url(runner, row, "dep_applicant_add"))
            return
    if _take_off_refused(runner, flow, rows) or _visit_own_delivery(runner, rows):
        return
    runner.fill_and_submit(flow, runner.entry.primary, lambda: [], extra={"dependents": str(len(rows))})


CONTACT_NOT_SHOWN_AGAIN = ("contact_email", "contact_language")
"""Contact values the portal never shows again once the dependent is added."""


def _unchecked(runner: AccountRunner, dependent: ApplicantEntry, row: DependentRow) -> bool:
    """A dependent the portal held before this run (added by an earlier one): its values are
    confirmed from the list (name) and, once, by opening its pages again; the contact values
    the portal never shows again are taken off the list with a note, not called entered."""
    record = runner.applicant(dependent)
    if "dependent_contact" in record.pages_done() or not record.missing():
        return False
    if dependent.contact is not None and row.name == f"{dependent.contact.first_name} {dependent.contact.last_name}":
        for key in ("contact_first_name", "contact_last_name"):
            if key in record.values and record.values[key].status == "missing":
                record.values[key].status, record.values[key].page = "already", "manage_dependents"
    dropped = [record.values.pop(key).label for key in CONTACT_NOT_SHOWN_AGAIN
               if key in record.values and record.values[key].status == "missing"]
    if dropped:
        note = (f"{dependent.display_name} was on the portal already (added in an earlier run): "
                f"{', '.join(dropped)} not checked, the portal does not show them again")
        if note not in runner.record.notes:
            runner.record.notes.append(note)
    runner.store.save()
    return dependent.applicant_id not in runner.revisited and bool(record.missing())


def row_of(dependent: ApplicantEntry, rows: list[DependentRow]) -> DependentRow | None:
    """The portal's row for a dependent: by passport, else (added, details not yet saved) by name."""
    by_passport = next((r for r in rows if r.passport_number == dependent.applicant.passport_number), None)
    if by_passport is not None or dependent.contact is None:
        return by_passport
    name = f"{dependent.contact.first_name} {dependent.contact.last_name}"
    return next((r for r in rows if not r.passport_number and r.name == name), None)


def _dependent_url(runner: AccountRunner, row: DependentRow, path: str) -> str:
    return f"{runner.home_url(path)}?contact={row.contact_id}"


def _visit_own_delivery(runner: AccountRunner, rows: list[DependentRow]) -> bool:
    """Open the delivery page of the next dependent whose own delivery differs from the
    primary's (the portal gives every dependent the primary's otherwise); True if opened.

    Only a link the portal offers is followed: where it offers none, the dependent's delivery
    values stay missing with the reason, and the dependent is not called ready."""
    for dependent in runner.entry.dependents:
        record = runner.applicant(dependent)
        if coverage.own_delivery(runner.entry, dependent) is None:
            continue
        if record.status in ("failed", "declined") or "document_delivery" in record.pages_done():
            continue
        row = row_of(dependent, rows)
        if row is None:
            continue
        if not row.delivery_href:
            coverage.no_page_for(record, coverage.DELIVERY_KEYS, coverage.NO_OWN_DELIVERY_PAGE)
            continue
        runner.pending = dependent
        runner.goto(urljoin(runner.page.url, row.delivery_href))
        if runner.recognise() != "document_delivery":  # the link led elsewhere (back to the list)
            coverage.no_page_for(record, coverage.DELIVERY_KEYS, coverage.NO_OWN_DELIVERY_PAGE)
            runner.pending = None
            runner.store.save()
            continue
        return True
    return False


def _take_off_refused(runner: AccountRunner, flow: ManageDependentsPage, rows: list[DependentRow]) -> bool:
    """A refused dependent left half-added blocks the portal's Next: take it off again (the
    row menu's Remove), so the others go on; True if a row was removed."""
    for dependent in runner.entry.dependents:
        record = runner.applicant(dependent)
        row = row_of(dependent, rows)
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
        runner.store.save()
        logger.warning("{who}: removed from the application after the portal refused the data",
                       who=dependent.display_name)
        return True
    return False


def _pending_dependent(runner: AccountRunner) -> ApplicantEntry:
    """The dependent being added: the run's own step, else (resumed on this page) the first
    dependent the portal does not hold yet."""
    if runner.pending is None:
        done = {a.applicant_id for a in runner.record.applicants.values() if a.contact_id or a.status != "pending"}
        runner.pending = next((d for d in runner.entry.dependents if d.applicant_id not in done), None)
    if runner.pending is None:
        raise FlowError("The portal offers to add a dependent, but every dependent is already added.")
    return runner.pending


def on_dependent_contact(runner: AccountRunner) -> None:
    flow = page_object("dependent_contact", runner.page, runner.xhr)
    dependent = _pending_dependent(runner)
    specs = runner.portal_map.page("dependent_contact").fields
    values = coverage.applicant_values(runner.entry, dependent)
    runner.fill_and_submit(flow, dependent, lambda: runner.fill(specs, values))
    _remember_contact(runner, dependent)


def on_dependent_applicant(runner: AccountRunner) -> None:
    """The dependent's applicant page: every field it shows (some portals also ask the visa
    class and the DS-160 number here), filled from the dependent's values."""
    flow = page_object("dependent_applicant", runner.page, runner.xhr)
    dependent = _pending_dependent(runner)
    values = coverage.applicant_values(runner.entry, dependent)
    values.setdefault("relation", "Other")
    specs = runner.applicant_fields
    runner.fill_and_submit(flow, dependent, lambda: runner.fill(specs, values))
    _remember_contact(runner, dependent)


def _remember_contact(runner: AccountRunner, dependent: ApplicantEntry) -> None:
    """The portal's id of the dependent it just created (the next page's address names it),
    saved at once: the record then says the dependent exists, whatever happens next."""
    contact = query_value(runner.page.url, "contact")
    if contact and runner.applicant(dependent).contact_id != contact:
        runner.applicant(dependent).contact_id = contact
        runner.store.save()
