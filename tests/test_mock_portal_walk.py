"""A person's walk through every page of the mock portal, in a real browser, in both locales.

The "person" here is raw Playwright typing into visible fields by the real portal's ids, the
way someone at the keyboard would; it is deliberately not the product's flows, so the mock is
checked on its own. Every page is screenshotted into test-results/pages/ for people to look at.
At the payment page the mock's recorded state must equal what was typed, field by field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

LOCALES = ["zh-CN", "en-US"]

ACCOUNT = {
    "username": "walker01",
    "password": "Walk-2026-pass",
    "email": "walker01@example.org",
    "given_name": "MEILIN",
    "surname": "QIAO",
}
QUESTION_ANSWERS = ["Fenglin", "Heping Road", "Dumpling"]

PRIMARY = {
    "atlas_first_name": "MEILIN",
    "atlas_last_name": "QIAO",
    "atlas_home_phone": "1065551234",
    "atlas_mobile_phone": "13800138000",
    "atlas_email": "walker01@example.org",
    "atlas_mailing_street": "北京市朝阳区朝阳门外大街18号丰联广场B座11层",
    "atlas_mailing_city": "北京市",
    "atlas_mailing_state": "北京市",
    "atlas_mailing_postal_code": "100020",
    "atlas_passport_number": "EA0000001",
    "atlas_passport_place_of_issue": "BEIJING",
    "atlas_national_id": "110105198503070000",
}
PRIMARY_DATES = {
    "atlas_passport_issuance_date": ("3/1/2024", "2024-03-01"),
    "atlas_passport_expiration_date": ("2/28/2034", "2034-02-28"),
    "atlas_birthdate": ("3/7/1985", "1985-03-07"),
}
DEPENDENT = {
    "atlas_first_name": "XIAOYU",
    "atlas_last_name": "QIAO",
    "atlas_home_phone": "1065551234",
    "atlas_mobile_phone": "13900139000",
    "atlas_email": "xiaoyu@example.org",
    "atlas_mailing_street": "北京市朝阳区朝阳门外大街18号丰联广场B座11层",
    "atlas_mailing_city": "北京市",
    "atlas_mailing_state": "北京市",
    "atlas_mailing_postal_code": "100020",
    "atlas_passport_number": "EA0000002",
    "atlas_passport_place_of_issue": "BEIJING",
    "atlas_national_id": "110105201503070000",
}
DEPENDENT_DATES = {
    "atlas_passport_issuance_date": ("5/9/2023", "2023-05-09"),
    "atlas_passport_expiration_date": ("5/8/2028", "2028-05-08"),
    "atlas_birthdate": ("3/7/2015", "2015-03-07"),
}
DELIVERY = {
    "DDAddress": "北京市朝阳区朝阳门外大街18号丰联广场B座11层",
    "DDCity": "北京市",
    "DDState": "北京市",
    "DDPostalCode": "100020",
}


class Walker:
    """Types and clicks like a person and photographs each page it leaves."""

    def __init__(self, page: Page, base_url: str, shots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.count = 0

    def shoot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.shots / f"{self.count:02d}-{name}.png"), full_page=True)

    def type_into(self, selector: str, text: str) -> None:
        box = self.page.locator(selector)
        expect(box).to_be_visible()
        box.fill(text)

    def type_date(self, field_id: str, text: str) -> None:
        box = self.page.locator(f"#{field_id}_datepicker_description")
        expect(box).to_be_visible()
        box.click()
        box.press_sequentially(text)
        box.press("Tab")

    def choose(self, selector: str, label: str) -> None:
        self.page.locator(selector).select_option(label=label)

    def backdoor(self, path: str) -> Any:
        response = self.page.context.request.get(f"{self.base_url}/__mock__/{path}")
        assert response.ok, response.status
        return response.json()

    def fill_applicant(self, fields: dict[str, str], dates: dict[str, tuple[str, str]], gender_index: int) -> None:
        for field_id, value in fields.items():
            self.type_into(f"#{field_id}", value)
        for field_id, (typed, _) in dates.items():
            self.type_date(field_id, typed)
        self.choose("#atlas_pob_country", "China")
        self.choose("#atlas_nationality", "China")
        self.page.locator("#atlas_gender").select_option(index=gender_index)
        self.choose("#atlas_home_phone_country_code", "China (+86)")
        self.choose("#atlas_mobile_phone_country_code", "China (+86)")

    def choose_visa(self, post: str, category: str, visa_class: str) -> None:
        # The cascade's script runs at the end of the document: a person cannot choose before it is
        # there, but a test could (the select is visible while the rest of the page still parses).
        self.page.wait_for_load_state("domcontentloaded")
        post_select = self.page.locator("#atlas_post")
        if post_select.is_enabled():
            self.choose("#atlas_post", post)
        category_option = self.page.locator("#atlas_post_visa_category option", has_text=category)
        expect(category_option).to_have_count(1, timeout=15_000)  # the cascade filled it after the post
        self.choose("#atlas_post_visa_category", category)
        box = self.page.get_by_label(visa_class, exact=True)
        expect(box).to_be_visible()
        box.check()
        self.choose("#atlas_visa_priority", "Regular")
        self.choose("#atlas_visa_type", "Non-immigrant")


def _sign_up(walker: Walker, locale: str) -> None:
    page = walker.page
    page.goto(f"{walker.base_url}/{locale}/")
    expect(page.locator("#signInName")).to_be_visible()
    walker.shoot("signin")
    page.locator(f"a[href*='/b2c/{locale}/signup']").first.click()
    expect(page.locator("#newPassword")).to_be_visible()
    walker.type_into("#signInName", ACCOUNT["username"])
    walker.type_into("#newPassword", ACCOUNT["password"])
    walker.type_into("#reenterPassword", ACCOUNT["password"])
    walker.type_into("#email", ACCOUNT["email"])
    page.locator("#email_ver_but_send").click()
    expect(page.locator("#email_ver_input")).to_be_visible()
    outbox = walker.backdoor(f"outbox?email={ACCOUNT['email']}")
    code = outbox[-1]["code"] if isinstance(outbox, list) else outbox["messages"][-1]["code"]
    walker.type_into("#email_ver_input", code)
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_input")).to_be_hidden()
    walker.type_into("#givenName", ACCOUNT["given_name"])
    walker.type_into("#surname", ACCOUNT["surname"])
    for number in (1, 2, 3):
        page.locator(f"#extension_kbq{number}").select_option(index=number)
        walker.type_into(f"#extension_kba{number}", QUESTION_ANSWERS[number - 1])
    walker.shoot("signup")
    page.locator("#continue").click()
    expect(page.locator("#atlas_emailaddress1")).to_be_visible()


def _walk_to_payment(walker: Walker, locale: str) -> None:
    page = walker.page
    _sign_up(walker, locale)
    walker.type_into("#atlas_emailaddress1", ACCOUNT["email"])
    walker.choose("#adx_preferredlanguageid", "中文(中国)" if locale == "zh-CN" else "English")
    walker.choose("#atlas_country", "China")
    walker.shoot("profile")
    page.locator("#UpdateButton").click()

    expect(page.locator("#start_application")).to_be_visible()
    expect(page.locator("#MessagePanel")).to_be_visible()
    walker.shoot("home")
    page.locator("#start_application").click()

    expect(page.locator("#atlas_passport_number")).to_be_visible()
    walker.fill_applicant(PRIMARY, PRIMARY_DATES, gender_index=2)
    walker.shoot("applicant-details")
    page.locator("#InsertButton").click()

    expect(page.locator("#atlas_post")).to_be_visible()
    walker.choose_visa("Beijing", "All Others", "B1/B2")
    walker.shoot("visa-options")
    page.locator("#NextButton").click()

    expect(page.locator("#atlas_ds_160_confirmation_number")).to_be_visible()
    walker.type_into("#atlas_ds_160_confirmation_number", "AA00WALK01")
    walker.shoot("additional-options")
    page.locator("#NextButton").click()

    expect(page).to_have_url(f"{walker.base_url}/{locale}/interview_waiver/")
    walker.shoot("interview-waiver")
    page.locator("#NextButton").click()

    expect(page.locator("#find_add_dependent")).to_be_visible()
    walker.shoot("manage-dependents-empty")
    page.locator("#find_add_dependent").click()
    expect(page.locator("#firstname")).to_be_visible()
    walker.type_into("#firstname", DEPENDENT["atlas_first_name"])
    walker.type_into("#lastname", DEPENDENT["atlas_last_name"])
    walker.type_into("#atlas_emailaddress1", DEPENDENT["atlas_email"])
    walker.choose("#adx_preferredlanguageid", "English")
    walker.shoot("dependent-contact")
    page.locator("#InsertButton").click()

    expect(page.locator("#atlas_relation_to_applicant")).to_be_visible()
    page.locator("#atlas_relation_to_applicant").select_option(index=2)  # Child
    walker.fill_applicant(DEPENDENT, DEPENDENT_DATES, gender_index=1)
    walker.shoot("dependent-applicant")
    page.locator("#InsertButton").click()

    expect(page.locator("#atlas_visa_type")).to_be_visible()
    walker.choose_visa("Beijing", "All Others", "B2")
    walker.shoot("dependent-visa-options")
    page.locator("#NextButton").click()
    expect(page.locator("#atlas_ds_160_confirmation_number")).to_be_visible()
    walker.type_into("#atlas_ds_160_confirmation_number", "AA00WALK02")
    page.locator("#NextButton").click()

    expect(page.locator("table")).to_contain_text("EA0000002")
    expect(page.locator("table")).to_contain_text("AA00WALK02")
    walker.shoot("manage-dependents")
    page.locator("#NextButton").click()

    expect(page.locator("#DDAddress")).to_be_visible()
    page.locator("input[name=atlas_delivery_option]").first.check()  # Premium Delivery
    for field_id, value in DELIVERY.items():
        walker.type_into(f"#{field_id}", value)
    walker.choose("#document_delivery_country", "China")
    walker.shoot("document-delivery")
    page.locator("#NextButton").click()

    expect(page.locator("#atlas_payment_type")).to_be_visible()
    expect(page.locator("body")).to_contain_text("2738.00")
    walker.shoot("payment")


def _expected_applicant(fields: dict[str, str], dates: dict[str, tuple[str, str]]) -> dict[str, str]:
    expected = dict(fields)
    expected.update({field_id: iso for field_id, (_, iso) in dates.items()})
    expected.update(
        {
            "atlas_pob_country": "China",
            "atlas_nationality": "China",
            "atlas_home_phone_country_code": "China (+86)",
            "atlas_mobile_phone_country_code": "China (+86)",
        }
    )
    return expected


@pytest.mark.parametrize("locale", LOCALES)
def test_a_person_walks_every_page_to_payment(page: Page, portal: Any, artifacts_dir: Path, locale: str) -> None:
    walker = Walker(page, portal.url, artifacts_dir)
    _walk_to_payment(walker, locale)

    account = walker.backdoor(f"state/{ACCOUNT['username']}")
    assert account["email"] == ACCOUNT["email"]
    assert (account["given_name"], account["surname"]) == (ACCOUNT["given_name"], ACCOUNT["surname"])
    assert account["profile"]["contact_email"] == ACCOUNT["email"]
    assert account["profile"]["country"] == "China"
    recorded = account["applicant"]
    for field_id, value in _expected_applicant(PRIMARY, PRIMARY_DATES).items():
        assert recorded[field_id] == value, field_id
    assert recorded["atlas_gender"] == "Female"
    assert account["visa_options"] == {
        "visa_type": "Non-immigrant",
        "post": "Beijing",
        "category": "All Others",
        "visa_class": "B1/B2",
        "priority": "Regular",
    }
    assert account["ds160"] == "AA00WALK01"
    assert len(account["dependents"]) == 1
    dependent = account["dependents"][0]
    assert dependent["relation"] == "Child"
    assert dependent["contact"]["atlas_emailaddress1"] == DEPENDENT["atlas_email"]
    for field_id, value in _expected_applicant(DEPENDENT, DEPENDENT_DATES).items():
        assert dependent["applicant"][field_id] == value, field_id
    assert dependent["applicant"]["atlas_gender"] == "Male"
    assert dependent["visa_options"]["visa_class"] == "B2"
    assert dependent["ds160"] == "AA00WALK02"
    delivery = account["delivery"]
    assert delivery["option"] == "Premium Delivery"
    for field_id, value in DELIVERY.items():
        assert delivery[field_id] == value, field_id
    assert delivery["country"] == "China"
    flags = account["flags"]
    assert flags["honeypot_filled"] is False
    assert flags["payment_submitted"] is False
    assert flags["appointment_booked"] is False
    assert flags["out_of_order"] == 0
    assert flags["rate_limited"] == 0
    assert walker.count >= 15


def test_both_locales_show_the_same_fields_with_translated_labels(page: Page, portal: Any) -> None:
    """One template per page: the ids are identical, the label text is not."""
    labels: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        page.goto(f"{portal.url}/b2c/{locale}/signup")
        expect(page.locator("#newPassword")).to_be_visible()
        labels[locale] = {
            field_id: page.locator(f"label[for={field_id}]").inner_text()
            for field_id in ("signInName", "newPassword", "email", "givenName", "surname")
        }
    assert labels["zh-CN"].keys() == labels["en-US"].keys()
    assert all(labels["zh-CN"][key] != labels["en-US"][key] for key in labels["en-US"])
    assert labels["en-US"]["surname"].startswith("Surname")


def test_a_careless_client_that_fills_the_honeypot_is_flagged(page: Page, portal: Any, tmp_path: Path) -> None:
    """A bot fills every input it finds; the hidden one gives it away."""
    walker = Walker(page, portal.url, tmp_path)
    _sign_up(walker, "en-US")
    honeypot = page.locator("input[name^=frm_pref_]")
    expect(honeypot).to_have_count(1)
    box = honeypot.bounding_box()
    assert not honeypot.is_visible() or box is None or box["x"] + box["width"] <= 0 or box["y"] + box["height"] <= 0
    honeypot.fill("bot was here", force=True)
    walker.type_into("#atlas_emailaddress1", ACCOUNT["email"])
    walker.choose("#adx_preferredlanguageid", "English")
    walker.choose("#atlas_country", "China")
    page.locator("#UpdateButton").click()
    expect(page.locator("#start_application")).to_be_visible()
    assert walker.backdoor(f"state/{ACCOUNT['username']}")["flags"]["honeypot_filled"] is True


def test_a_careless_client_that_pays_is_flagged_and_sees_the_later_pages(
    page: Page, portal: Any, artifacts_dir: Path
) -> None:
    """Payment and booking are a person's decisions; the mock records when a client makes them."""
    walker = Walker(page, portal.url, artifacts_dir)
    _walk_to_payment(walker, "zh-CN")
    page.locator("#atlas_payment_type").select_option(index=1)
    page.locator("#SubmitButton").click()
    expect(page).to_have_url(f"{portal.url}/zh-CN/receipt/")
    walker.shoot("receipt")
    assert walker.backdoor(f"state/{ACCOUNT['username']}")["flags"]["payment_submitted"] is True
    page.goto(f"{portal.url}/zh-CN/schedule/")
    expect(page.locator("#post_select")).to_be_visible()
    walker.shoot("calendar")
