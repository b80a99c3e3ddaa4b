"""After a dry run: did the mock portal receive exactly the profile's data, field by field?

Deliberately written from the profile model, not from the forms the flows typed, so a
mistake in converting the profile for the portal shows up here as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.choices import (
    APPLICATION_COUNTRY,
    LANGUAGE_LABELS,
    PHONE_COUNTRY,
    PICKUP_LOCATIONS,
    VISA_TYPE,
)
from assistant.models import Applicant, Delivery, Group


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
    else:
        fields["pickup_location"] = PICKUP_LOCATIONS[delivery.pickup_location or ""]
    return fields


def _compare(applicant_id: str, prefix: str, expected: dict[str, str], received: dict[str, Any] | None) -> list[Mismatch]:
    received = received or {}
    out = []
    for name, value in expected.items():
        got = received.get(name)
        got_text = "" if got is None else str(got)
        if got_text != value:
            out.append(Mismatch(applicant_id, f"{prefix}{name}", value, got_text))
    return out


def compare_account(group: Group, account: dict[str, Any]) -> dict[str, list[Mismatch]]:
    """Per applicant id, every field where the mock's recorded state differs from the profile."""
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
