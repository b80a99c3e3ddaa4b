"""Applicant Details, and the same block on the dependent applicant page."""

from __future__ import annotations

from assistant.portal_forms import ApplicantForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import Field, choose, type_date, type_text

# Gender is an option set: the portal shows it in the page's language.
GENDER_LABELS = {"zh-CN": {"Male": "男", "Female": "女"}, "en-US": {"Male": "Male", "Female": "Female"}}


def applicant_values(form: ApplicantForm) -> list[tuple[Field, str, str]]:
    """(field, kind, value) in the order a person fills the page; kind: text, date or select."""
    return [
        (f.APPLICANT_FIRST_NAME, "text", form.first_name),
        (f.APPLICANT_LAST_NAME, "text", form.last_name),
        (f.BIRTH_COUNTRY, "select", form.country_of_birth),
        (f.GENDER, "gender", form.gender),
        (f.HOME_PHONE_COUNTRY, "select", form.home_phone_country),
        (f.HOME_PHONE, "text", form.home_phone),
        (f.MOBILE_PHONE_COUNTRY, "select", form.mobile_phone_country),
        (f.MOBILE_PHONE, "text", form.mobile_phone),
        (f.APPLICANT_EMAIL, "text", form.email),
        (f.MAILING_STREET, "text", form.mailing_street),
        (f.MAILING_CITY, "text", form.mailing_city),
        (f.MAILING_STATE, "text", form.mailing_state),
        (f.MAILING_POSTAL_CODE, "text", form.mailing_postal_code),
        (f.PASSPORT_NUMBER, "text", form.passport_number),
        (f.PASSPORT_ISSUED, "date", form.passport_issue_date),
        (f.PASSPORT_PLACE, "text", form.passport_place_of_issue),
        (f.PASSPORT_EXPIRES, "date", form.passport_expiry_date),
        (f.BIRTH_DATE, "date", form.birth_date),
        (f.NATIONALITY, "select", form.nationality),
        (f.NATIONAL_ID, "text", form.national_id),
    ]


class ApplicantDetailsPage(PortalPage):
    name = "applicant_details"
    path = "applicant_details"

    def fill(self, form: ApplicantForm, locale: str) -> dict[str, str]:
        """Fill every applicant field a person sees; return {field id: value filled}."""
        filled: dict[str, str] = {}
        for field, kind, value in applicant_values(form):
            if kind == "date":
                type_date(self.page, field, value)
            elif kind == "select":
                choose(self.page, field, value)
            elif kind == "gender":
                choose(self.page, field, GENDER_LABELS.get(locale, GENDER_LABELS["en-US"])[value])
            else:
                type_text(self.page, field, value)
            filled[field.id] = value
        return filled

    def submit(self) -> None:
        self.press_and_wait(self.button("InsertButton", "Submit", "提交"))
