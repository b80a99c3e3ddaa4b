"""After a dry run: did the mock portal receive exactly the profile's data, field by field?

Deliberately written from the profile model, not from the forms the flows typed, so a
mistake in converting the profile for the portal shows up here as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.choices import (
    APPLICATION_COUNTRY,
    LANGUAGE_LABELS,
    PHONE_COUNTRY,
    PICK_UP,
    PICKUP_LOCATIONS,
    PREMIUM_LOCATION,
    PREMIUM_LOCATIONS,
    VISA_TYPE,
    required_fields,
    waiver_offered,
)
from assistant.models import Applicant, Delivery, Group
from assistant.waiver import answer, facts_of

CLASS_FIELD_IDS: dict[str, str] = {
    "sevis_id": "atlas_sevis_number",
    "petition_receipt_number": "atlas_petition_number",
    "petitioner_name": "atlas_petitioner_name",
}
"""The Additional Options box of each class field, as the mock stores them (``additional_options``)."""


@dataclass(frozen=True)
class Mismatch:
    applicant_id: str
    field: str
    expected: str
    received: str

    def __str__(self) -> str:
        return f"{self.field}: the portal received {self.received!r}, the profile says {self.expected!r}"


def _applicant_fields(applicant: Applicant) -> dict[str, str]:
    return {
        "atlas_first_name": applicant.given_name,
        "atlas_last_name": applicant.surname,
        "atlas_pob_country": applicant.country_of_birth,
        "atlas_gender": applicant.gender,
        "atlas_home_phone_country_code": PHONE_COUNTRY,
        "atlas_home_phone": applicant.home_phone,
        "atlas_mobile_phone_country_code": PHONE_COUNTRY,
        "atlas_mobile_phone": applicant.mobile_phone,
        "atlas_email": applicant.email,
        "atlas_mailing_street": applicant.mailing.street,
        "atlas_mailing_city": applicant.mailing.city,
        "atlas_mailing_state": applicant.mailing.state,
        "atlas_mailing_postal_code": applicant.mailing.postal_code,
        "atlas_passport_number": applicant.passport.number,
        "atlas_passport_issuance_date": applicant.passport.issue_date.isoformat(),
        "atlas_passport_place_of_issue": applicant.passport.place_of_issue,
        "atlas_passport_expiration_date": applicant.passport.expiry_date.isoformat(),
        "atlas_birthdate": applicant.birth_date.isoformat(),
        "atlas_nationality": applicant.nationality,
        "atlas_national_id": applicant.national_id,
    }


def _visa_fields(applicant: Applicant) -> dict[str, str]:
    return {
        "visa_type": VISA_TYPE,
        "post": applicant.visa.post,
        "category": applicant.visa.category,
        "visa_class": applicant.visa.visa_class,
        "priority": applicant.visa.priority,
    }


def _delivery_fields(delivery: Delivery) -> dict[str, str]:
    fields = {"option": delivery.option}
    if delivery.address is not None:
        address = delivery.address
        fields.update(
            {
                "DDAddress": address.street,
                "DDAddress2": address.street2 or "",
                "DDAddress3": address.street3 or "",
                "DDCity": address.city,
                "DDState": address.state,
                "DDPostalCode": address.postal_code,
                "country": APPLICATION_COUNTRY,
            }
        )
    else:  # a location: the chosen option's list holds it, the other list nothing
        pickup = PICKUP_LOCATIONS[delivery.pickup_location or ""] if delivery.option == PICK_UP else ""
        premium = PREMIUM_LOCATIONS[delivery.premium_location or ""] if delivery.option == PREMIUM_LOCATION else ""
        fields.update({"pickup_location": pickup, "premium_location": premium})
    return fields


def _class_fields(applicant: Applicant, received: dict[str, Any] | None) -> dict[str, str]:
    """The class's Additional Options fields, and blank for every other box the portal stored
    (a value the class does not ask must not reach the portal)."""
    expected = {CLASS_FIELD_IDS[name]: str(getattr(applicant.visa, name) or "")
                for name in required_fields(applicant.visa.visa_class)}
    for box in received or {}:
        expected.setdefault(box, "")
    return expected


def _waiver_answers(primary: Applicant, received: dict[str, Any] | None, today: date) -> dict[str, str]:
    """The primary's Interview Waiver answers as the profile's facts decide them, by the mock's
    question names; blank for a question the facts do not decide (it must never be answered)
    and for every question of a category that asks none."""
    from fixtures.waiver import BY_NAME, QUESTIONS  # the mock's names of the meanings (dry runs only)

    offered = waiver_offered(primary.visa.category)
    names = dict.fromkeys([*(q.name for q in QUESTIONS if offered), *(received or {})])
    facts = facts_of(primary)
    expected: dict[str, str] = {}
    for name in names:
        question = BY_NAME.get(name)
        said = answer(question.meaning, facts, today) if question is not None and offered else None
        expected[name] = (said.answer or "") if said is not None else ""
    return expected


def _compare(applicant_id: str, prefix: str, expected: dict[str, str], received: dict[str, Any] | None) -> list[Mismatch]:
    received = received or {}
    out = []
    for name, value in expected.items():
        got = received.get(name)
        got_text = "" if got is None else str(got)
        if got_text != value:
            out.append(Mismatch(applicant_id, f"{prefix}{name}", value, got_text))
    return out


def compare_account(group: Group, account: dict[str, Any], today: date | None = None) -> dict[str, list[Mismatch]]:
    """Per applicant id, every field where the mock's recorded state differs from the profile
    (the waiver answers as decided on ``today``, by default the day the run answered them)."""
    primary = group.primary
    result: dict[str, list[Mismatch]] = {a.id: [] for a in group.applicants}
    found = result[primary.id]
    found += _compare(
        primary.id,
        "profile.",
        {
            "contact_email": primary.effective_contact_email,
            "preferred_language": LANGUAGE_LABELS[primary.preferred_language],
            "country": APPLICATION_COUNTRY,
        },
        account.get("profile"),
    )
    found += _compare(primary.id, "applicant.", _applicant_fields(primary), account.get("applicant"))
    found += _compare(primary.id, "visa_options.", _visa_fields(primary), account.get("visa_options"))
    found += _compare(primary.id, "", {"ds160": primary.ds160_number}, account)
    received = account.get("additional_options")
    found += _compare(primary.id, "additional_options.", _class_fields(primary, received), received)
    received = account.get("interview_waiver_answers")
    expected_answers = _waiver_answers(primary, received, today or date.today())
    found += _compare(primary.id, "interview_waiver_answers.", expected_answers, received)
    found += _compare(primary.id, "delivery.", _delivery_fields(primary.delivery), account.get("delivery"))
    received_dependents = {
        str((d.get("applicant") or {}).get("atlas_passport_number")): d for d in account.get("dependents") or []
    }
    for dependent in group.dependents:
        mismatches = result[dependent.id]
        got = received_dependents.pop(dependent.passport.number, None)
        if got is None:
            mismatches.append(Mismatch(dependent.id, "dependents", dependent.passport.number, "(not added)"))
            continue
        mismatches += _compare(dependent.id, "", {"relation": dependent.relation, "ds160": dependent.ds160_number}, got)
        mismatches += _compare(
            dependent.id,
            "contact.",
            {
                "firstname": dependent.given_name,
                "lastname": dependent.surname,
                "atlas_emailaddress1": dependent.effective_contact_email,
                "adx_preferredlanguageid": LANGUAGE_LABELS[dependent.preferred_language],
            },
            got.get("contact"),
        )
        mismatches += _compare(dependent.id, "applicant.", _applicant_fields(dependent), got.get("applicant"))
        mismatches += _compare(dependent.id, "visa_options.", _visa_fields(dependent), got.get("visa_options"))
        received = got.get("additional_options")
        mismatches += _compare(dependent.id, "additional_options.", _class_fields(dependent, received), received)
        if dependent.delivery is not None and dependent.delivery != primary.delivery:  # else the primary's applies
            mismatches += _compare(dependent.id, "delivery.", _delivery_fields(dependent.delivery), got.get("delivery"))
    for passport, extra in received_dependents.items():
        result[primary.id].append(Mismatch(primary.id, "dependents", "(none)", f"an extra dependent {passport}"))
    return result


def careless_flags(account: dict[str, Any]) -> list[str]:
    """What a careful client must never have done, as the mock recorded it."""
    flags = account.get("flags") or {}
    found = []
    for name in ("honeypot_filled", "payment_submitted", "appointment_booked"):
        if flags.get(name):
            found.append(name)
    for name in ("rate_limited", "out_of_order", "duplicate_dependent_attempts"):
        if flags.get(name):
            found.append(f"{name}={flags[name]}")
    return found
