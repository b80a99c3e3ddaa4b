"""What each portal page receives, already in the portal's own terms.

The flows fill pages from these plain records, not from the profile model: dates are already
M/D/YYYY, choices are the option texts the portal shows. That keeps the flows free of
profile rules and the model free of page details. Nothing here imports Playwright.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.choices import (
    APPLICATION_COUNTRY,
    LANGUAGE_LABELS,
    PHONE_COUNTRY,
    PICK_UP,
    PICKUP_LOCATIONS,
    PREMIUM_DELIVERY,
    PREMIUM_LOCATION,
    PREMIUM_LOCATIONS,
    required_fields,
)
from assistant.models import Applicant, Delivery, Dependent, Group, VisaOptions
from assistant.waiver import WaiverFacts, facts_of


@dataclass(frozen=True)
class SignUpForm:
    """The B2C sign-up page, minus the secrets (password and answers come from the keyring)."""

    username: str
    email: str
    given_name: str
    surname: str
    questions: tuple[str, str, str]


@dataclass(frozen=True)
class ProfileForm:
    """The portal's profile page, saved once before the home page."""

    contact_email: str
    preferred_language: str  # the option text: 中文(中国) or English
    country: str


@dataclass(frozen=True)
class ApplicantForm:
    """The Applicant Details page (also the dependent applicant page, with a relation)."""

    first_name: str
    last_name: str
    country_of_birth: str
    gender: str  # Male or Female; the page shows it in its own language
    home_phone_country: str
    home_phone: str
    mobile_phone_country: str
    mobile_phone: str
    email: str
    mailing_street: str
    mailing_city: str
    mailing_state: str
    mailing_postal_code: str
    passport_number: str
    passport_issue_date: str  # M/D/YYYY
    passport_place_of_issue: str
    passport_expiry_date: str  # M/D/YYYY
    birth_date: str  # M/D/YYYY
    nationality: str
    national_id: str


@dataclass(frozen=True)
class VisaForm:
    """The Visa Options page: the post, then its category, then a class of that category."""

    visa_type: str
    post: str
    category: str
    visa_class: str
    priority: str


@dataclass(frozen=True)
class ClassFieldsForm:
    """The Additional Options fields the visa class asks besides the DS-160 number (which class
    asks which is data: flows/choices.yaml). Blank where the class does not ask it, so the page
    engine never types a value the class's page has no box for."""

    sevis_id: str = ""
    petition_receipt_number: str = ""
    petitioner_name: str = ""


@dataclass(frozen=True)
class ContactForm:
    """The contact page a dependent is added through."""

    first_name: str
    last_name: str
    email: str
    preferred_language: str  # option text


@dataclass(frozen=True)
class DeliveryForm:
    """The Document Delivery page: an address (Premium Delivery), one of the five free locations
    (Pick Up: ``pickup_location``) or another CITIC branch (Premium Location: ``premium_location``);
    location texts are the en-US option texts, the others blank."""

    option: str  # Premium Delivery, Premium Location or Pick Up
    street: str = ""
    street2: str = ""
    street3: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = "China"
    pickup_location: str = ""
    premium_location: str = ""


@dataclass(frozen=True)
class ApplicantEntry:
    """Everything the portal needs for one applicant, primary or dependent."""

    applicant_id: str
    display_name: str
    applicant: ApplicantForm
    visa: VisaForm
    ds160: str
    delivery: DeliveryForm | None
    class_fields: ClassFieldsForm = ClassFieldsForm()
    waiver_facts: WaiverFacts | None = None  # what the Interview Waiver questions are answered from
    relation: str | None = None  # set for dependents: Spouse, Child, Parent, Other
    contact: ContactForm | None = None  # set for dependents


@dataclass(frozen=True)
class AccountEntry:
    """One portal account and the application it carries: a primary plus dependents."""

    account_id: str  # the primary's profile id; keyring entries hang off it
    username: str
    account_exists: bool
    sign_up: SignUpForm
    profile: ProfileForm
    primary: ApplicantEntry
    dependents: tuple[ApplicantEntry, ...]

    @property
    def applicants(self) -> tuple[ApplicantEntry, ...]:
        return (self.primary, *self.dependents)


# --- from the profile model ---------------------------------------------------------------

def _applicant_form(applicant: Applicant) -> ApplicantForm:
    return ApplicantForm(
        first_name=applicant.given_name,
        last_name=applicant.surname,
        country_of_birth=applicant.country_of_birth,
        gender=applicant.gender,
        home_phone_country=PHONE_COUNTRY,
        home_phone=applicant.home_phone,
        mobile_phone_country=PHONE_COUNTRY,
        mobile_phone=applicant.mobile_phone,
        email=applicant.email,
        mailing_street=applicant.mailing.street,
        mailing_city=applicant.mailing.city,
        mailing_state=applicant.mailing.state,
        mailing_postal_code=applicant.mailing.postal_code,
        passport_number=applicant.passport.number,
        passport_issue_date=applicant.passport.issue_date_portal,
        passport_place_of_issue=applicant.passport.place_of_issue,
        passport_expiry_date=applicant.passport.expiry_date_portal,
        birth_date=applicant.birth_date_portal,
        nationality=applicant.nationality,
        national_id=applicant.national_id,
    )


def _delivery_form(delivery: Delivery) -> DeliveryForm:
    if delivery.option == PREMIUM_DELIVERY and delivery.address is not None:
        address = delivery.address
        return DeliveryForm(
            option=delivery.option,
            street=address.street,
            street2=address.street2 or "",
            street3=address.street3 or "",
            city=address.city,
            state=address.state,
            postal_code=address.postal_code,
            country=APPLICATION_COUNTRY,
        )
    if delivery.option == PREMIUM_LOCATION:
        return DeliveryForm(option=delivery.option,
                            premium_location=PREMIUM_LOCATIONS.get(delivery.premium_location or "", ""))
    if delivery.option == PICK_UP:
        return DeliveryForm(option=delivery.option, pickup_location=PICKUP_LOCATIONS.get(delivery.pickup_location or "", ""))
    return DeliveryForm(option=delivery.option)  # Premium Delivery without an address: refused by the rules


def _class_fields(visa: VisaOptions) -> ClassFieldsForm:
    """Only the fields the class requires: a value the class does not ask is never typed."""
    needed = required_fields(visa.visa_class)
    return ClassFieldsForm(**{name: str(getattr(visa, name) or "") for name in needed})


def _entry(applicant: Applicant, group: Group, *, dependent: Dependent | None = None) -> ApplicantEntry:
    visa = applicant.visa
    contact = None
    if dependent is not None:
        contact = ContactForm(
            first_name=dependent.given_name,
            last_name=dependent.surname,
            email=dependent.effective_contact_email,
            preferred_language=LANGUAGE_LABELS[dependent.preferred_language],
        )
    own_delivery = applicant.delivery if dependent is not None else group.primary.delivery
    return ApplicantEntry(
        applicant_id=applicant.id,
        display_name=applicant.full_name,
        applicant=_applicant_form(applicant),
        visa=VisaForm(
            visa_type=visa.visa_type,
            post=visa.post,
            category=visa.category,
            visa_class=visa.visa_class,
            priority=visa.priority,
        ),
        ds160=applicant.ds160_number,
        class_fields=_class_fields(visa),
        waiver_facts=facts_of(applicant),
        delivery=_delivery_form(own_delivery) if own_delivery is not None else None,
        relation=dependent.relation if dependent is not None else None,
        contact=contact,
    )


def account_entry(group: Group) -> AccountEntry:
    """Everything one run types into the portal for ``group``, in the portal's terms."""
    primary = group.primary
    account = primary.account
    return AccountEntry(
        account_id=primary.id,
        username=account.username,
        account_exists=account.exists,
        sign_up=SignUpForm(
            username=account.username,
            email=group.account_email,
            given_name=primary.given_name,
            surname=primary.surname,
            questions=(account.security_questions[0], account.security_questions[1], account.security_questions[2]),
        ),
        profile=ProfileForm(
            contact_email=primary.effective_contact_email,
            preferred_language=LANGUAGE_LABELS[primary.preferred_language],
            country=APPLICATION_COUNTRY,
        ),
        primary=_entry(primary, group),
        dependents=tuple(_entry(d, group, dependent=d) for d in group.dependents),
    )
