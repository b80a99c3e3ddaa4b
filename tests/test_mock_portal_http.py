"""HTTP-level tests of the mock portal: rules, flags, knobs and the backdoor, without a browser.

One server for the module, reset before every test; each test gets its own cookie jar.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.app import create_app
from fixtures.catalog import messages
from fixtures.config import MockConfig
from fixtures.server import MockPortalServer
from fixtures.reference_data import (
    CATEGORIES, COUNTRIES, DELIVERY_OPTIONS, GENDERS, LANGUAGES, NATIONALITIES, PAYMENT_TYPES, PHONE_CODES,
    PICKUP_LOCATIONS, POSTS, PREMIUM_LOCATIONS, PRIORITIES, RELATIONS, SECURITY_QUESTIONS, VISA_TYPES, class_guid,
)

LOCALES = ("zh-CN", "en-US")
PASSWORD = "Secret-2026x"
ANSWERS = ["Wang", "Heping Road", "Lucky"]
TOKEN_RE = re.compile(r'name="__RequestVerificationToken" value="([^"]+)"')
BASE_CONFIG = dict(rate_limit_per_second=None)


@pytest.fixture(scope="module")
def server() -> Iterator[MockPortalServer]:
    with MockPortalServer(MockConfig(**BASE_CONFIG)) as srv:
        yield srv


@pytest.fixture()
def portal(server: MockPortalServer) -> Iterator[MockPortalServer]:
    server.reset()
    yield server
    server.reset()


@pytest.fixture()
def client(portal: MockPortalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal.url, follow_redirects=False, timeout=10) as c:
        yield c


# ---------------------------------------------------------------- helpers

def token(html: str) -> str:
    m = TOKEN_RE.search(html)
    assert m, "no anti-forgery token on the page"
    return m.group(1)


def create_account(c: httpx.Client, username: str = "alice01", profile_saved: bool = True) -> dict[str, Any]:
    body = {"username": username, "password": PASSWORD, "email": f"{username}@example.org",
            "given_name": "LI", "surname": "WANG", "questions": list(SECURITY_QUESTIONS[:3]),
            "answers": ANSWERS, "profile_saved": profile_saved}
    r = c.post("/__mock__/accounts", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def captcha_answer(c: httpx.Client) -> str:
    return c.get("/__mock__/captcha").json()["answer"] or ""


def sign_in(c: httpx.Client, username: str = "alice01", locale: str = "en-US", return_url: str | None = None) -> httpx.Response:
    """Password + captcha (read through the backdoor) + the two security questions asked."""
    q = f"?returnUrl={return_url}" if return_url else ""
    c.get(f"/b2c/{locale}/signin{q}")
    r = c.post(f"/b2c/{locale}/signin{q}", data={"signInName": username, "password": PASSWORD,
                                                 "extension_atlasCaptchaResponse": captcha_answer(c)})
    assert r.status_code == 303, r.text
    page = c.get(f"/b2c/{locale}/verify").text
    shown = [int(n) for n in re.findall(r'id="kba(\d)_response"', page)]
    return c.post(f"/b2c/{locale}/verify", data={f"kba{n}_response": ANSWERS[n - 1] for n in shown})


def post_form(c: httpx.Client, path: str, data: dict[str, Any]) -> httpx.Response:
    """GET the page for its token, then POST like the page script would."""
    page = c.get(path)
    assert page.status_code == 200, (path, page.status_code, page.headers.get("location"))
    return c.post(path, data={"__RequestVerificationToken": token(page.text), **data})


def iso(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00.0000000Z"


def applicant_form(**over: str) -> dict[str, str]:
    today = dt.date.today()
    form = {
        "atlas_first_name": "LI", "atlas_last_name": "WANG", "atlas_pob_country": COUNTRIES.id_of("China"),
        "atlas_gender": GENDERS.value_of("Female"),
        "atlas_home_phone_country_code": PHONE_CODES.id_of("China (+86)"), "atlas_home_phone": "1065551234",
        "atlas_mobile_phone_country_code": PHONE_CODES.id_of("China (+86)"), "atlas_mobile_phone": "13800138000",
        "atlas_email": "alice01@example.org", "atlas_mailing_street": "北京市朝阳区朝阳门外大街18号",
        "atlas_mailing_city": "北京市", "atlas_mailing_state": "北京市", "atlas_mailing_postal_code": "100020",
        "atlas_passport_number": "EA1234567", "atlas_passport_issuance_date": iso(today.replace(year=today.year - 2)),
        "atlas_passport_place_of_issue": "BEIJING",
        "atlas_passport_expiration_date": iso(today.replace(year=today.year + 8)),
        "atlas_birthdate": "1985-03-07T00:00:00.0000000Z", "atlas_nationality": NATIONALITIES.id_of("China"),
        "atlas_national_id": "110105198503070000",
    }
    form.update(over)
    return form


def visa_form(post: str = "Beijing", category: str = "All Others", code: str = "B1/B2") -> dict[str, str]:
    return {"atlas_visa_type": VISA_TYPES.id_of("Non-immigrant"), "atlas_post": POSTS.id_of(post),
            "atlas_post_visa_category": CATEGORIES.id_of(category),
            "atlas_visa_priority": PRIORITIES.id_of("Regular"), "atlas_visa_class": class_guid(category, code)}


DELIVERY_FORM = {"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Premium Delivery"),
                 "DDAddress": "北京市朝阳区朝阳门外大街18号丰联广场B座11层", "DDCity": "北京市", "DDState": "北京市",
                 "DDPostalCode": "100020", "document_delivery_country": COUNTRIES.id_of("China")}


def walk(c: httpx.Client, locale: str, until: str) -> None:
    """Submit every step before ``until`` with valid data."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("applicant_details", applicant_form()), ("visa_options", visa_form()),
        ("additional_visa_options", {"atlas_ds_160_confirmation_number": "AA00ABC123"}),
        ("interview_waiver", {}), ("manage_dependents", {}), ("document_delivery", DELIVERY_FORM),
        ("payment", {"atlas_payment_type": PAYMENT_TYPES.value_of("Persons affected by PP9645")}),
    ]
    for slug, data in steps:
        if slug == until:
            return
        r = post_form(c, f"/{locale}/{slug}/", data)
        assert r.status_code == 303, (slug, r.text[:3000])


def summary_items(html: str) -> list[tuple[str, str]]:
    block = re.search(r'id="ValidationSummaryEntityFormView".*?</ul>', html, re.S)
    assert block, "no validation summary"
    return re.findall(r'<li><a href="#([^"]+)_label"[^>]*>([^<]+)</a></li>', block.group(0))


def state_of(c: httpx.Client, username: str = "alice01") -> dict[str, Any]:
    return c.get(f"/__mock__/state/{username}").json()


def signed_in(c: httpx.Client, locale: str = "en-US", until: str | None = None) -> None:
    create_account(c)
    assert sign_in(c, locale=locale).status_code == 303
    if until:
        walk(c, locale, until)


# ---------------------------------------------------------------- sign-up

def _signup_data(**over: str) -> dict[str, str]:
    data = {"signInName": "newbie01", "newPassword": PASSWORD, "reenterPassword": PASSWORD,
            "email": "newbie@example.org", "givenName": "MEI", "surname": "ZHANG",
            "extension_kbq1": SECURITY_QUESTIONS[0], "extension_kba1": "a",
            "extension_kbq2": SECURITY_QUESTIONS[1], "extension_kba2": "b",
            "extension_kbq3": SECURITY_QUESTIONS[2], "extension_kba3": "c"}
    data.update(over)
    return data


def _verify_email(c: httpx.Client, email: str = "newbie@example.org") -> None:
    assert c.post("/b2c/en-US/signup/send_code", data={"email": email}).json()["status"] == "ok"
    code = c.get("/__mock__/outbox", params={"email": email}).json()["messages"][-1]["code"]
    assert re.fullmatch(r"\d{6}", code)
    assert c.post("/b2c/en-US/signup/verify_code", data={"email": email, "code": "000000" if code != "000000" else "111111"}).status_code == 400
    assert c.post("/b2c/en-US/signup/verify_code", data={"email": email, "code": code}).json()["status"] == "ok"


def test_sign_up_creates_an_account_and_lands_on_the_profile(client: httpx.Client) -> None:
    client.get("/b2c/en-US/signup")
    _verify_email(client)
    r = client.post("/b2c/en-US/signup", data=_signup_data())
    assert r.status_code == 303 and r.headers["location"] == "/en-US/profile/"
    state = state_of(client, "newbie01")
    assert state["given_name"] == "MEI" and state["profile"]["saved"] is False
    assert "password" not in json.dumps(state).lower().replace("change_password", "")
    assert ANSWERS[0] not in json.dumps(state)
    assert client.get("/en-US/profile/").status_code == 200


@pytest.mark.parametrize("override, field, fragment", [
    ({"newPassword": "short1A", "reenterPassword": "short1A"}, "newPassword", "between 8 and 16"),
    ({"newPassword": "alllowercase", "reenterPassword": "alllowercase"}, "newPassword", "between 8 and 16"),
    ({"reenterPassword": "Different-2026"}, "reenterPassword", "do not match"),
    ({"signInName": "me@example.org"}, "signInName", "cannot be an email"),
    ({"givenName": "Mei"}, "givenName", "upper-case"),
    ({"extension_kbq2": SECURITY_QUESTIONS[0]}, "extension_kbq2", "three different"),
    ({"extension_kba3": " "}, "extension_kba3", "required"),
])
def test_sign_up_rules(client: httpx.Client, override: dict[str, str], field: str, fragment: str) -> None:
    client.get("/b2c/en-US/signup")
    _verify_email(client)
    r = client.post("/b2c/en-US/signup", data=_signup_data(**override))
    assert r.status_code == 200
    m = re.search(rf'id="{field}_error"[^>]*><p>([^<]+)</p>', r.text)
    assert m and fragment in m.group(1), r.text[:200]
    assert 'id="claimVerificationServerError"' in r.text
    assert client.get("/__mock__/state").json()["accounts"] == {}


def test_sign_up_needs_the_email_code_of_this_session(client: httpx.Client, portal: MockPortalServer) -> None:
    r = client.post("/b2c/en-US/signup", data=_signup_data())
    assert "Verification is necessary" in r.text and portal.state.find("newbie01") is None
    with httpx.Client(base_url=portal.url) as other:
        _verify_email(other)  # verified in another session does not count
    r = client.post("/b2c/en-US/signup", data=_signup_data())
    assert r.status_code == 200 and portal.state.find("newbie01") is None


# ---------------------------------------------------------------- sign-in

def test_wrong_captcha_shows_the_error_and_a_new_captcha(client: httpx.Client) -> None:
    create_account(client)
    page = client.get("/b2c/en-US/signin").text
    first = captcha_answer(client)
    assert 'id="captchaImage"' in page and 'id="captchaRefreshImage"' in page
    assert re.fullmatch(r"[A-Z0-9]{5}", first)
    r = client.post("/b2c/en-US/signin", data={"signInName": "alice01", "password": PASSWORD,
                                               "extension_atlasCaptchaResponse": "WRONG"})
    assert r.status_code == 200 and "Validation is not Successful." in r.text
    assert captcha_answer(client) != first or "data:image/svg+xml" in r.text
    assert state_of(client)["flags"]["captcha_failures"] == 1


@pytest.mark.parametrize("username, password, message", [
    ("nobody", PASSWORD, "find your account"), ("alice01", "Wrong-pass-1", "password is incorrect")])
def test_sign_in_errors(client: httpx.Client, username: str, password: str, message: str) -> None:
    create_account(client)
    client.get("/b2c/en-US/signin")
    r = client.post("/b2c/en-US/signin", data={"signInName": username, "password": password,
                                               "extension_atlasCaptchaResponse": captcha_answer(client)})
    assert r.status_code == 200 and message in r.text


def test_security_questions_ask_two_of_three_and_vary(portal: MockPortalServer) -> None:
    seen: set[tuple[int, ...]] = set()
    with httpx.Client(base_url=portal.url) as c:
        create_account(c)
    for _ in range(30):
        with httpx.Client(base_url=portal.url, follow_redirects=False) as c:
            c.get("/b2c/en-US/signin")
            c.post("/b2c/en-US/signin", data={"signInName": "alice01", "password": PASSWORD,
                                              "extension_atlasCaptchaResponse": captcha_answer(c)})
            page = c.get("/b2c/en-US/verify").text
            shown = tuple(int(n) for n in re.findall(r'id="kba(\d)_response"', page))
            assert len(shown) == 2 and 'id="signInNameReadOnly"' in page
            assert 'type="password" id="kba' in page
            seen.add(shown)
            if len(seen) == 3:
                wrong = c.post("/b2c/en-US/verify", data={f"kba{n}_response": "nope" for n in shown})
                assert wrong.status_code == 200 and 'id="claimVerificationServerError"' in wrong.text
                break
    assert seen == {(1, 2), (1, 3), (2, 3)}


def test_return_url_and_first_sign_in_goes_to_profile(client: httpx.Client) -> None:
    r = client.get("/en-US/visa_options/")
    assert r.status_code == 302 and r.headers["location"] == "/b2c/en-US/signin?returnUrl=%2Fen-US%2Fvisa_options%2F"
    create_account(client, profile_saved=False)
    r = sign_in(client, return_url="%2Fen-US%2Fvisa_options%2F")
    assert r.headers["location"] == "/en-US/profile/"


def test_profile_save_goes_home_with_message_and_honeypot_is_flagged(client: httpx.Client) -> None:
    create_account(client, profile_saved=False)
    sign_in(client)
    page = client.get("/en-US/profile/").text
    assert re.search(r'<input type="button" id="UpdateButton"[^>]*value="Submit"', page)
    assert 'href="mailto:alice01@example.org"' in page
    hp = re.search(r'<input type="text" id="(frm_pref_\w+)" name="frm_pref_\w+"[^>]*tabindex="-1"', page)
    assert hp and 'aria-hidden="true"' in page
    r = post_form(client, "/en-US/profile/", {"atlas_emailaddress1": "alice01@example.org",
                                             "adx_preferredlanguageid": LANGUAGES.id_of("English"),
                                             "atlas_country": COUNTRIES.id_of("China"), hp.group(1): "x"})
    assert r.status_code == 303 and r.headers["location"] == "/en-US/"
    home = client.get("/en-US/").text
    assert 'id="MessagePanel"' in home and 'class="username">LI WANG (' in home
    state = state_of(client)
    assert state["flags"]["honeypot_filled"] is True
    assert state["profile"] == {"contact_email": "alice01@example.org", "preferred_language": "English",
                                "country": "China", "saved": True}


# ---------------------------------------------------------------- application rules

def test_out_of_order_request_redirects_to_first_incomplete_step(client: httpx.Client) -> None:
    signed_in(client)
    r = client.get("/en-US/payment/")
    assert r.status_code == 302 and r.headers["location"] == "/en-US/applicant_details/"
    assert state_of(client)["flags"]["out_of_order"] == 1
    home = client.get("/en-US/").text
    assert 'id="continue_application" class="btn btn-default btn-lg" href="/en-US/applicant_details/"' in home


def test_a_full_walk_records_readable_values(client: httpx.Client) -> None:
    signed_in(client, until="payment")
    s = state_of(client)
    assert s["applicant"]["atlas_gender"] == "Female"
    assert s["applicant"]["atlas_pob_country"] == "China"
    assert s["applicant"]["atlas_birthdate"] == "1985-03-07"
    assert s["visa_options"] == {"visa_type": "Non-immigrant", "post": "Beijing", "category": "All Others",
                                 "visa_class": "B1/B2", "priority": "Regular"}
    assert s["ds160"] == "AA00ABC123" and s["delivery"]["option"] == "Premium Delivery"
    assert s["steps_completed"][:7] == ["profile", "applicant_details", "visa_options", "additional_visa_options",
                                       "interview_waiver", "manage_dependents", "document_delivery"]
    page = client.get("/en-US/payment/").text
    assert "1369.00 CNY (185.00 USD)" in page
    revisit = client.get("/en-US/applicant_details/").text
    assert 'value="1985-03-07T00:00:00.0000000Z"' in revisit and 'value="3/7/1985"' in revisit


TODAY = dt.date.today()
APPLICANT_CASES = [
    ({"atlas_first_name": ""}, "atlas_first_name", "First Name is a required field."),
    ({"atlas_first_name": "Li"}, "atlas_first_name", "First Name must contain only upper-case"),
    ({"atlas_home_phone": "+861065551234"}, "atlas_home_phone", "Home Phone: please do not include a country code"),
    ({"atlas_mobile_phone": "8613800138000"}, "atlas_mobile_phone", "Mobile Phone: please do not include a country code"),
    ({"atlas_mobile_phone": "138-0013-8000"}, "atlas_mobile_phone", "Mobile Phone must contain 6 to 15 digits"),
    ({"atlas_email": "not-an-email"}, "atlas_email", "Email must be a valid email address."),
    ({"atlas_birthdate": ""}, "atlas_birthdate", "Birthdate (MM/DD/YYYY) is a required field."),
    ({"atlas_birthdate": "1985-02-30T00:00:00.0000000Z"}, "atlas_birthdate", "must be a valid date"),
    ({"atlas_birthdate": iso(TODAY + dt.timedelta(days=1))}, "atlas_birthdate", "must be in the past"),
    ({"atlas_passport_expiration_date": iso(TODAY - dt.timedelta(days=1))}, "atlas_passport_expiration_date", "must be in the future"),
    ({"atlas_passport_expiration_date": iso(TODAY.replace(year=TODAY.year - 3))}, "atlas_passport_expiration_date", "after the Passport Issuance Date"),
    ({"atlas_nationality": "00000000-0000-0000-0000-000000000000"}, "atlas_nationality", "select a value from the list"),
    ({"atlas_gender": "5"}, "atlas_gender", "Gender: please select a value"),
]


@pytest.mark.parametrize("override, field, message", APPLICANT_CASES)
def test_applicant_details_rules(client: httpx.Client, override: dict[str, str], field: str, message: str) -> None:
    signed_in(client)
    r = post_form(client, "/en-US/applicant_details/", applicant_form(**override))
    assert r.status_code == 200
    items = summary_items(r.text)
    assert any(f == field and message in m for f, m in items), items
    assert state_of(client)["applicant"] == {}
    kept = next(iter(v for k, v in override.items()))
    if kept and field not in ("atlas_nationality", "atlas_gender"):
        assert f'value="{kept}"' in r.text  # re-rendered with the submitted values


def test_applicant_rules_are_localized(client: httpx.Client) -> None:
    signed_in(client, locale="zh-CN")
    r = post_form(client, "/zh-CN/applicant_details/", applicant_form(atlas_first_name=""))
    assert ("atlas_first_name", "名字为必填字段。") in summary_items(r.text)


@pytest.mark.parametrize("form, field, message", [
    (visa_form(code="F-1"), "atlas_visa_class", "does not belong"),
    ({**visa_form(), "atlas_visa_class": ""}, "atlas_visa_class", "please select one visa class"),
    ({**visa_form(), "atlas_post": ""}, "atlas_post", "Embassy/Consulate/OFC is a required field."),
    ({**visa_form(), "atlas_visa_priority": POSTS.id_of("Beijing")}, "atlas_visa_priority", "select a value"),
])
def test_visa_options_rules(client: httpx.Client, form: dict[str, str], field: str, message: str) -> None:
    signed_in(client, until="visa_options")
    r = post_form(client, "/en-US/visa_options/", form)
    assert any(f == field and message in m for f, m in summary_items(r.text))


def test_visa_options_one_class_only_and_cascade_endpoints(client: httpx.Client) -> None:
    signed_in(client, until="visa_options")
    page = client.get("/en-US/visa_options/").text
    assert re.search(r'<select id="atlas_post_visa_category"[^>]*>\s*<option value="">Select</option>\s*</select>', page)
    cats = client.get("/en-US/_api/visa_categories", params={"post": POSTS.id_of("Shanghai OFC")}).json()["value"]
    assert [c["name"] for c in cats] == list(CATEGORIES.names)
    frag = client.get("/en-US/_api/visa_classes", params={"category": CATEGORIES.id_of("All Others")}).text
    codes = re.findall(r'<label for="atlas_visa_class_\w+">([^<]+)</label>', frag)
    assert codes == ["G5", "A3", "J", "E1", "E2", "T-2", "T-3", "T-4", "T-5", "B1", "B1/B2", "B2", "TD", "TN",
                     "C-1", "E3", "E-2C", "CW-1", "CW-2", "U-1", "U-2", "U-3", "U-4", "U-5"]
    data = visa_form()
    token_ = token(page)
    data["atlas_visa_class"] = [data["atlas_visa_class"], class_guid("All Others", "B2")]  # type: ignore[assignment]
    r = client.post("/en-US/visa_options/", data={"__RequestVerificationToken": token_, **data})
    assert any(f == "atlas_visa_class" and "only one" in m for f, m in summary_items(r.text))


@pytest.mark.parametrize("value", ["AA0ABC123", "aa00abc123", "AB00ABC123", "AA00ABC12!"])
def test_ds160_rule(client: httpx.Client, value: str) -> None:
    signed_in(client, until="additional_visa_options")
    r = post_form(client, "/en-US/additional_visa_options/", {"atlas_ds_160_confirmation_number": value})
    assert any(f == "atlas_ds_160_confirmation_number" and "DS 160 Confirmation Number must be AA" in m
               for f, m in summary_items(r.text))


@pytest.mark.parametrize("override, field, message", [
    ({"DDAddress": "Chaoyang Road 18"}, "DDAddress", "Chinese only"),
    ({"DDCity": "Beijing"}, "DDCity", "Chinese only"),
    ({"DDPostalCode": "1000"}, "DDPostalCode", "6-digit"),
    ({"document_delivery_country": COUNTRIES.id_of("Japan")}, "document_delivery_country", "only select China"),
    ({"DDState": ""}, "DDState", "required"),
    ({"atlas_delivery_option": ""}, "atlas_delivery_option", "required"),
    ({"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Pick Up")}, "atlas_pickup_location", "required"),
])
def test_document_delivery_rules(client: httpx.Client, override: dict[str, str], field: str, message: str) -> None:
    signed_in(client, until="document_delivery")
    r = post_form(client, "/en-US/document_delivery/", {**DELIVERY_FORM, **override})
    assert any(f == field and message in m for f, m in summary_items(r.text)), summary_items(r.text)


def test_pick_up_delivery_is_accepted(client: httpx.Client) -> None:
    signed_in(client, until="document_delivery")
    r = post_form(client, "/en-US/document_delivery/", {"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Pick Up"),
                                                       "atlas_pickup_location": PICKUP_LOCATIONS.values()[2]})
    assert r.status_code == 303
    assert state_of(client)["delivery"]["pickup_location"].startswith("Shanghai - Pacific Plaza")


def test_missing_or_wrong_token_is_forbidden(client: httpx.Client) -> None:
    signed_in(client)
    r = client.post("/en-US/applicant_details/", data=applicant_form())
    assert r.status_code == 403
    r = client.post("/en-US/applicant_details/", data={**applicant_form(), "__RequestVerificationToken": "x"})
    assert r.status_code == 403 and state_of(client)["applicant"] == {}


# ---------------------------------------------------------------- dependents, payment

def _add_dependent(c: httpx.Client, passport: str, post: str = "Beijing") -> httpx.Response:
    r = post_form(c, "/en-US/daddcontact/", {"firstname": "XIAOYU", "lastname": "WANG",
                                             "atlas_emailaddress1": "xy@example.org",
                                             "adx_preferredlanguageid": LANGUAGES.id_of("English")})
    assert r.status_code == 303
    url = r.headers["location"]
    assert url.startswith("/en-US/dep_applicant_add/?contact=")
    return post_form(c, url, {**applicant_form(atlas_first_name="XIAOYU", atlas_passport_number=passport),
                              "atlas_relation_to_applicant": RELATIONS.value_of("Child")})


def test_dependent_flow_and_duplicate_passport_flag(client: httpx.Client) -> None:
    signed_in(client, until="manage_dependents")
    r = _add_dependent(client, "ea1234567")  # the primary's passport, other case
    assert any(f == "atlas_passport_number" and "already part" in m for f, m in summary_items(r.text))
    assert state_of(client)["flags"]["duplicate_dependent_attempts"] == 1
    dep_id = state_of(client)["dependents"][0]["id"]
    r = post_form(client, f"/en-US/dep_applicant_add/?contact={dep_id}",
                  {**applicant_form(atlas_first_name="XIAOYU", atlas_passport_number="EB7654321"),
                   "atlas_relation_to_applicant": RELATIONS.value_of("Child")})
    assert r.headers["location"] == f"/en-US/visa_options/?contact={dep_id}"
    r = post_form(client, r.headers["location"], visa_form(post="Shanghai"))
    assert any(f == "atlas_post" and "same as the primary" in m for f, m in summary_items(r.text))
    r = post_form(client, f"/en-US/visa_options/?contact={dep_id}", visa_form(code="B2"))
    assert r.headers["location"] == f"/en-US/additional_visa_options/?contact={dep_id}"
    r = post_form(client, r.headers["location"], {"atlas_ds_160_confirmation_number": "AA00DEP002"})
    assert r.headers["location"] == "/en-US/manage_dependents/"
    table = client.get("/en-US/manage_dependents/").text
    assert "XIAOYU WANG" in table and "EB7654321" in table and "AA00DEP002" in table
    dep = state_of(client)["dependents"][0]
    assert dep["relation"] == "Child" and dep["contact"]["atlas_emailaddress1"] == "xy@example.org"
    assert dep["visa_options"]["visa_class"] == "B2" and dep["delivery"] is None
    # a second dependent with the first dependent's passport is refused too
    r = _add_dependent(client, "EB7654321")
    assert any(f == "atlas_passport_number" for f, _ in summary_items(r.text))
    assert state_of(client)["flags"]["duplicate_dependent_attempts"] == 2


def test_payment_counts_applicants_and_sets_the_flag(client: httpx.Client) -> None:
    signed_in(client, until="payment")
    page = client.get("/en-US/payment/").text
    assert re.search(r'<input type="button" id="SubmitButton"[^>]*value="Submit"', page)
    assert "(1 @ 185.00 USD) x 7.40 CNY/USD = 1369.00" in page
    assert state_of(client)["flags"]["payment_submitted"] is False
    walk(client, "en-US", until="nothing")
    assert state_of(client)["flags"]["payment_submitted"] is True
    assert "1369.00" in client.get("/en-US/receipt/").text


def test_booking_sets_the_flag_and_fills_the_confirmation(client: httpx.Client) -> None:
    signed_in(client)
    walk(client, "en-US", until="nothing")
    from fixtures.pages.payment import slots_for
    for slug, post in (("ofc-schedule", "Beijing OFC"), ("schedule", "Beijing")):
        day = next(TODAY + dt.timedelta(days=i) for i in range(3, 60) if slots_for(post, TODAY + dt.timedelta(days=i)))
        slots = client.get("/en-US/_api/schedule_slots", params={"post": POSTS.id_of(post), "date": day.isoformat()}).json()["slots"]
        r = post_form(client, f"/en-US/{slug}/", {"post_select": POSTS.id_of(post), "appointment_date": day.isoformat(),
                                                 "schedule-entries": slots[0]})
        assert r.status_code == 303, r.text[:2000]
    assert r.headers["location"] == "/en-US/appointment_confirmation/"
    assert state_of(client)["flags"]["appointment_booked"] is True
    assert "AA00ABC123" in client.get("/en-US/appointment_confirmation/").text


# ---------------------------------------------------------------- knobs

def test_latency_knob_delays_pages_and_xhr(client: httpx.Client, portal: MockPortalServer) -> None:
    signed_in(client)
    portal.config.latency_ms = 150
    for path in ("/en-US/", "/en-US/_api/visa_categories"):
        start = time.perf_counter()
        client.get(path)
        assert time.perf_counter() - start >= 0.15


def test_session_expires_after_n_page_loads(client: httpx.Client, portal: MockPortalServer) -> None:
    signed_in(client)
    portal.config.session_expiry_after = 2
    assert client.get("/en-US/").status_code == 200
    assert client.get("/en-US/profile/").status_code == 200
    r = client.get("/en-US/profile/")
    assert r.status_code == 302 and r.headers["location"] == "/b2c/en-US/signin?returnUrl=%2Fen-US%2Fprofile%2F"
    assert state_of(client)["flags"]["sessions_expired"] == 1
    assert sign_in(client, return_url="%2Fen-US%2Fprofile%2F").headers["location"] == "/en-US/profile/"


@pytest.mark.parametrize("knob", ["applicant_details", "POST applicant_details"])
def test_fail_once_serves_one_500_then_recovers(client: httpx.Client, portal: MockPortalServer, knob: str) -> None:
    signed_in(client)
    page = client.get("/en-US/applicant_details/").text
    portal.config.fail_once = knob
    r = client.post("/en-US/applicant_details/", data={"__RequestVerificationToken": token(page), **applicant_form()})
    assert r.status_code == 500 and 'id="error_page"' in r.text
    assert portal.config.fail_once is None
    assert state_of(client)["applicant"] == {} and state_of(client)["flags"]["server_errors_served"] == 1
    r = client.post("/en-US/applicant_details/", data={"__RequestVerificationToken": token(page), **applicant_form()})
    assert r.status_code == 303


def test_fail_once_with_a_method_ignores_other_methods(client: httpx.Client, portal: MockPortalServer) -> None:
    signed_in(client)
    portal.config.fail_once = "POST visa_options"
    assert client.get("/en-US/applicant_details/").status_code == 200
    assert portal.config.fail_once == "POST visa_options"


def test_waiting_room_then_admitted(client: httpx.Client, portal: MockPortalServer) -> None:
    portal.config.waiting_room_seconds = 0.3
    r = client.get("/b2c/en-US/signin")
    assert r.status_code == 200 and "You are now in line" in r.text and 'http-equiv="refresh" content="1"' in r.text
    assert "signInName" not in r.text
    deadline = time.monotonic() + 5
    while "You are now in line" in r.text:  # what the meta refresh does, without a fixed sleep
        assert time.monotonic() < deadline
        r = client.get("/b2c/en-US/signin")
    assert 'id="signInName"' in r.text
    zh = httpx.get(f"{portal.url}/b2c/zh-CN/signin")
    assert "您正在排队" in zh.text


def test_captcha_off(client: httpx.Client, portal: MockPortalServer) -> None:
    portal.config.captcha = False
    create_account(client)
    page = client.get("/b2c/en-US/signin").text
    assert "captchaImage" not in page and "extension_atlasCaptchaResponse" not in page
    r = client.post("/b2c/en-US/signin", data={"signInName": "alice01", "password": PASSWORD})
    assert r.status_code == 303 and client.get("/__mock__/captcha").json() == {"enabled": False, "answer": None}


def test_default_locale(client: httpx.Client, portal: MockPortalServer) -> None:
    assert client.get("/").headers["location"] == "/zh-CN/"
    portal.config.default_locale = "en-US"
    assert client.get("/").headers["location"] == "/en-US/"
    with pytest.raises(ValueError):
        portal.config.update({"default_locale": "fr-FR"})


def test_rate_limit_429_and_flag(client: httpx.Client, portal: MockPortalServer) -> None:
    signed_in(client)
    portal.config.rate_limit_per_second = 3
    codes = [client.get("/en-US/").status_code for _ in range(6)]
    assert 429 in codes
    r = next(client.get("/en-US/") for _ in range(1))
    assert r.status_code == 429 and r.headers["Retry-After"] == "1" and "Too Many Requests" in r.text
    assert state_of(client)["flags"]["rate_limited"] >= 1
    assert all(client.get("/__mock__/state").status_code == 200 for _ in range(10))  # backdoor never counts


def test_backdoor_config_and_off(client: httpx.Client, portal: MockPortalServer) -> None:
    r = client.post("/__mock__/config", json={"latency_ms": 5, "captcha": False})
    assert r.json()["latency_ms"] == 5 and portal.config.captcha is False
    assert client.post("/__mock__/config", json={"nope": 1}).status_code == 400
    assert client.post("/__mock__/reset").json() == {"status": "ok"}
    assert portal.config.latency_ms == 0 and portal.config.captcha is True
    portal.config.backdoor = False
    for path in ("/__mock__/state", "/__mock__/captcha", "/__mock__/outbox", "/__mock__/config"):
        assert client.get(path).status_code == 404
    assert client.post("/__mock__/accounts", json={}).status_code == 404


def test_backdoor_state_shape(client: httpx.Client) -> None:
    create_account(client)
    assert client.post("/__mock__/accounts", json={"username": "ALICE01", "password": "x", "email": "e@x.org",
                                                   "given_name": "A", "surname": "B", "answers": ["1", "2", "3"]}).status_code == 409
    s = client.get("/__mock__/state").json()
    assert set(s) == {"accounts", "global_flags"}
    acct = s["accounts"]["alice01"]
    assert set(acct) == {"username", "email", "given_name", "surname", "uid", "security_questions", "profile",
                         "applicant", "visa_options", "ds160", "additional_options", "interview_waiver_done",
                         "interview_waiver_answers", "interview_waiver_eligible", "dependents", "delivery",
                         "payment", "appointments", "steps_completed", "flags"}
    assert set(acct["flags"]) == {"honeypot_filled", "payment_submitted", "appointment_booked", "rate_limited",
                                  "out_of_order", "duplicate_dependent_attempts", "sessions_expired",
                                  "captcha_failures", "server_errors_served"}
    assert client.get("/__mock__/state/nobody").status_code == 404


# ---------------------------------------------------------------- both locales, same ids

PAGES = ["", "profile/", "applicant_details/", "visa_options/", "additional_visa_options/", "interview_waiver/",
         "manage_dependents/", "daddcontact/", "document_delivery/", "payment/"]


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html)) - {"error_id"}


def test_both_locales_render_every_page_with_the_same_ids(portal: MockPortalServer) -> None:
    ids: dict[str, dict[str, set[str]]] = {}
    for locale in LOCALES:
        with httpx.Client(base_url=portal.url, follow_redirects=False) as c:
            create_account(c, username=f"user{locale[:2]}")
            c.get(f"/b2c/{locale}/signin")
            for b2c in ("signin", "signup"):
                page = c.get(f"/b2c/{locale}/{b2c}")
                ids.setdefault(b2c, {})[locale] = _ids(page.text)
            sign_in(c, username=f"user{locale[:2]}", locale=locale)
            walk(c, locale, until="payment")
            for slug in PAGES:
                r = c.get(f"/{locale}/{slug}")
                assert r.status_code == 200, (locale, slug, r.headers.get("location"))
                assert "field." not in r.text and "val." not in r.text
                ids.setdefault(slug, {})[locale] = _ids(r.text)
    for slug, per_locale in ids.items():
        assert per_locale["zh-CN"] == per_locale["en-US"], slug
    assert {"atlas_passport_issuance_date", "atlas_passport_issuance_date_datepicker_description",
            "atlas_gender", "InsertButton", "atlas_national_id"} <= ids["applicant_details/"]["en-US"]
    assert {"DDAddress", "DDPostalCode", "document_delivery_country", "atlas_pickup_location",
            "NextButton", "PreviousButton"} <= ids["document_delivery/"]["zh-CN"]


def test_every_catalogue_key_used_exists_in_both_locales() -> None:
    root = Path(__file__).resolve().parent.parent / "fixtures"
    zh, en = messages("zh-CN"), messages("en-US")  # the JSON files plus the option labels of choices.yaml
    assert zh.keys() == en.keys()
    used = set()
    for path in list((root / "templates").glob("*.html")) + list(root.rglob("*.py")):
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z0-9_\-]+\.[A-Za-z0-9_.\-]+)['"]\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used and used <= en.keys(), sorted(used - en.keys())
    for oset in (GENDERS, RELATIONS, DELIVERY_OPTIONS, PICKUP_LOCATIONS, PREMIUM_LOCATIONS, PAYMENT_TYPES):
        assert [en[oset.label_key(v)] for v in oset.values()] == list(oset.english)
    assert zh[GENDERS.label_key(100000001)] == "女" and zh[PICKUP_LOCATIONS.label_key(100000002)].startswith("上海-")


def test_create_app_gives_each_app_its_own_live_config_and_state() -> None:
    config = MockConfig(default_locale="en-US")
    one, two = create_app(config), create_app()
    assert one.state.runtime.config is config and two.state.runtime.config is not config
    assert one.state.runtime.state is not two.state.runtime.state
