"""Which profile values must reach the portal, and whether each did: no silent drops.

Every value an applicant's pages take is listed before the run starts (``missing``); each
filled page turns the values it entered and read back into ``entered`` (or ``already`` when
the page showed them). At payment an applicant with a value still missing is not "ready":
the record names each value and why. Nothing here imports Playwright.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields as dataclass_fields

from assistant.portal_forms import AccountEntry, ApplicantEntry, DeliveryForm
from assistant.run_record import AccountRecord, ApplicantRecord, DriftNote, ValueRecord
from flows._fill import FieldOutcome
from flows._specs import FieldSpec, PortalMap

# The pages whose fields carry one applicant's data; a page may ask for any of them (a portal
# that merges two wizard steps shows the second step's fields on the first one).
APPLICANT_PAGES = ("applicant_details", "dependent_applicant", "visa_options", "additional_options", "document_delivery")
DELIVERY_KEYS = (
    "delivery_option", "delivery_street", "delivery_street2", "delivery_street3", "delivery_city",
    "delivery_state", "delivery_postal_code", "delivery_country", "pickup_location", "premium_location",
)
STABLE_LOOKUPS = ("id", "name")  # found as the map says: not drift (a radio group is found by its name)
NO_OWN_DELIVERY_PAGE = (
    "the portal offered no document delivery page for this dependent; do it by hand on the portal, "
    "or give the group one delivery"
)


def _delivery_values(delivery: DeliveryForm) -> dict[str, str]:
    if delivery.option == "Premium Delivery":
        return {
            "delivery_option": delivery.option, "delivery_street": delivery.street,
            "delivery_street2": delivery.street2, "delivery_street3": delivery.street3,
            "delivery_city": delivery.city, "delivery_state": delivery.state,
            "delivery_postal_code": delivery.postal_code, "delivery_country": delivery.country,
        }
    if delivery.option == "Premium Location":  # its own list; the free locations' list stays alone
        return {"delivery_option": delivery.option, "premium_location": delivery.premium_location}
    return {"delivery_option": delivery.option, "pickup_location": delivery.pickup_location}


def profile_values(entry: AccountEntry) -> dict[str, str]:
    """The profile page's values (the account's, recorded on the primary)."""
    profile = entry.profile
    return {
        "profile_email": profile.contact_email,
        "profile_language": profile.preferred_language,
        "profile_country": profile.country,
    }


def own_delivery(entry: AccountEntry, applicant: ApplicantEntry) -> DeliveryForm | None:
    """The delivery this applicant's own delivery page must take: the group's for the primary,
    a dependent's only where it differs from the group's (else the portal copies the group's)."""
    if applicant is entry.primary:
        return applicant.delivery
    if applicant.delivery is None or applicant.delivery == entry.primary.delivery:
        return None
    return applicant.delivery


def applicant_values(entry: AccountEntry, applicant: ApplicantEntry) -> dict[str, str]:
    """Every value one applicant's pages may take, keyed as the portal map's fields."""
    values = {f.name: str(getattr(applicant.applicant, f.name)) for f in dataclass_fields(applicant.applicant)}
    values.update({f.name: str(getattr(applicant.visa, f.name)) for f in dataclass_fields(applicant.visa)})
    values["ds160"] = applicant.ds160
    # the class's Additional Options fields (blank, so neither typed nor tracked, where it asks none)
    values.update({f.name: getattr(applicant.class_fields, f.name) for f in dataclass_fields(applicant.class_fields)})
    if applicant.relation is not None:
        values["relation"] = applicant.relation
    if applicant.contact is not None:
        values.update({
            "contact_first_name": applicant.contact.first_name,
            "contact_last_name": applicant.contact.last_name,
            "contact_email": applicant.contact.email,
            "contact_language": applicant.contact.preferred_language,
        })
    delivery = own_delivery(entry, applicant)
    if delivery is not None:
        values.update(_delivery_values(delivery))
    if applicant is entry.primary:
        values.update(profile_values(entry))
    return values


def _label(spec: FieldSpec | None, key: str) -> str:
    """What staff call a field: its English label, else the key in words."""
    if spec is not None:
        for text in spec.labels:
            if text.isascii():
                return text
    return key.replace("_", " ")


def field_specs(portal_map: PortalMap) -> dict[str, FieldSpec]:
    """Every field of the map by key (the first page naming a key wins)."""
    found: dict[str, FieldSpec] = {}
    for page in portal_map.pages.values():
        for spec in page.fields:
            found.setdefault(spec.key, spec)
    return found


def expected_values(entry: AccountEntry, applicant: ApplicantEntry, portal_map: PortalMap) -> dict[str, ValueRecord]:
    """The coverage list of one applicant: every non-blank value, each ``missing`` for now."""
    specs = field_specs(portal_map)
    found: dict[str, ValueRecord] = {}
    for key, value in applicant_values(entry, applicant).items():
        spec = specs.get(key)
        if not value or spec is None:
            continue
        label = _label(spec, key)
        if key in DELIVERY_KEYS and applicant is not entry.primary:
            label = f"own document delivery: {label}"
        found[key] = ValueRecord(key=key, label=label, value=value, profile=spec.profile)
    return found


def seed(record: ApplicantRecord, expected: Mapping[str, ValueRecord]) -> None:
    """Add the values not tracked yet (a resumed run keeps what earlier runs entered)."""
    for key, value in expected.items():
        known = record.values.get(key)
        if known is None or known.value != value.value:  # new, or the profile changed since
            record.values[key] = value


def record_outcomes(
    account: AccountRecord, applicant: ApplicantRecord, page: str, outcomes: Iterable[FieldOutcome]
) -> None:
    """What a page did with each value: entered/already, or why not; drift noted per field."""
    for outcome in outcomes:
        value = applicant.values.get(outcome.key)
        loose = outcome.option_how in ("synonym", "close")
        if outcome.found_by and (outcome.found_by not in STABLE_LOOKUPS or loose):
            note = DriftNote(
                page=page, key=outcome.key, found_by=outcome.found_by, option_match=outcome.option_how if loose else None,
                option=outcome.option_text if loose else None, wanted=outcome.value if loose else "",
            )
            if note not in account.drift:
                account.drift.append(note)
        if value is None or value.status != "missing" and not outcome.ok:
            continue  # not tracked (secrets, sign-up), or entered already on an earlier page
        if outcome.ok:
            value.status = outcome.status  # type: ignore[assignment]
            value.page, value.found_by, value.detail = page, outcome.found_by, ""
            value.option, value.option_match = outcome.option_text, outcome.option_how
        elif outcome.status != "not_on_page":  # a page that does not ask for it says nothing
            value.detail = f"{page}: {outcome.detail or outcome.status}"


INHERITED_KEYS = ("visa_type", "post", "priority")
"""Values a portal may take for a dependent from the primary's application without asking."""


def inherit_from_primary(primary: ApplicantRecord, dependent: ApplicantRecord) -> None:
    """A dependent's visa type, post or priority that no page asked for: covered if the primary's
    same value reached the portal (the portal applies the primary's to the whole application);
    still missing, with the reason, if the dependent's differs."""
    for key in INHERITED_KEYS:
        value, own = dependent.values.get(key), primary.values.get(key)
        if value is None or value.status != "missing" or own is None or own.status == "missing":
            continue
        if value.value == own.value:
            value.status, value.page = "already", own.page
            value.detail = "no page asked for it: the portal applies the primary applicant's, which is the same"
        else:
            value.detail = (f"no page asked for it, and the portal applies the primary applicant's ({own.value}); "
                            "correct it on the portal by hand or give the dependent the same")


PROFILE_KEYS = ("profile_email", "profile_language", "profile_country")


def profile_not_shown(account: AccountRecord, primary: ApplicantRecord) -> None:
    """An account whose profile was saved before this run: the portal does not show the profile
    page again, so its values are taken off the list with a note (not called entered)."""
    dropped = [primary.values.pop(key).label for key in PROFILE_KEYS
               if key in primary.values and primary.values[key].status == "missing"]
    if dropped:
        note = (f"the account's profile was saved before this run, and the portal did not show it again: "
                f"{', '.join(dropped)} not checked")
        if note not in account.notes:
            account.notes.append(note)


def no_page_for(applicant: ApplicantRecord, keys: Iterable[str], why: str) -> None:
    """Values no page of the portal asked for: say so, so the report does not call them done."""
    for key in keys:
        value = applicant.values.get(key)
        if value is not None and value.status == "missing":
            value.detail = why
