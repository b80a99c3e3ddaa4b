"""The mock portal's category-specific pages (issue 9): the class's extra Additional Options
fields, the yes/no Interview Waiver questions, and the three delivery controls.

In-process (Starlette's TestClient), no server and no browser: each test signs in on a fresh
portal, posts the pages like the page scripts would and reads the stored account back.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from fixtures.app import create_app
from fixtures.config import MockConfig
from fixtures.pages.class_fields import classes_needing
from fixtures.reference_data import (
    CATEGORIES, COUNTRIES, DELIVERY_OPTIONS, GENDERS, LANGUAGES, NATIONALITIES, PHONE_CODES, PICKUP_LOCATIONS,
    POSTS, PREMIUM_LOCATIONS, PRIORITIES, RELATIONS, SECURITY_QUESTIONS, VISA_TYPES, class_field_ids, class_guid,
)
from fixtures.waiver import QUESTIONS, eligible
from flows import choices

PASSWORD = "Secret-2026x"
ANSWERS = ["Wang", "Heping Road", "Lucky"]
TOKEN_RE = re.compile(r'name="__RequestVerificationToken" value="([^"]+)"')
STUDENTS, WORKERS = "Students and Exchange Visitors", "Petition-Based Temporary Workers"
SEVIS, RECEIPT, PETITIONER = "N0012345678", "EAC2490012345", "Northwind Robotics, Inc."
# Answers that open the waiver path: resident, a same-class visa within 48 months, nothing adverse.
WAIVER_YES = {"atlas_iw_q1": "1", "atlas_iw_q2": "0", "atlas_iw_q3": "0", "atlas_iw_q4": "1",
              "atlas_iw_q5": "0", "atlas_iw_q6": "0"}


# ---------------------------------------------------------------- helpers


class Portal:
    """One signed-in person on a fresh in-process portal."""

    def __init__(self, client: TestClient, locale: str) -> None:
        self.c = client
        self.locale = locale

    def url(self, slug: str, contact: str | None = None) -> str:
        return f"/{self.locale}/{slug}/" + (f"?contact={contact}" if contact else "")

    def get(self, path: str) -> str:
        r = self.c.get(path)
        assert r.status_code == 200, (path, r.status_code, r.headers.get("location"))
        return r.text

    def post(self, path: str, data: dict[str, Any]) -> Any:
        """GET the page for its token, then POST like the page script would."""
        token = TOKEN_RE.search(self.get(path))
        assert token, path
        return self.c.post(path, data={"__RequestVerificationToken": token.group(1), **data})

    def step(self, path: str, data: dict[str, Any]) -> str:
        r = self.post(path, data)
        assert r.status_code == 303, (path, summary(r.text) or r.text[:2000])
        return str(r.headers["location"])

    def state(self) -> dict[str, Any]:
        return self.c.get("/__mock__/state/alice01").json()


def summary(html: str) -> dict[str, str]:
    """Validation summary: field id -> message."""
    return dict(re.findall(r'<li><a href="#([^"]+)_label"[^>]*>([^<]+)</a></li>', html))


def iso(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00.0000000Z"


def applicant_form(first: str = "LI", passport: str = "EA1234567", born: dt.date = dt.date(1998, 3, 7)) -> dict[str, str]:
    today = dt.date.today()
    return {
        "atlas_first_name": first, "atlas_last_name": "ZHAO", "atlas_pob_country": COUNTRIES.id_of("China"),
        "atlas_gender": GENDERS.value_of("Female"),
        "atlas_home_phone_country_code": PHONE_CODES.id_of("China (+86)"), "atlas_home_phone": "1065551234",
        "atlas_mobile_phone_country_code": PHONE_CODES.id_of("China (+86)"), "atlas_mobile_phone": "13800138000",
        "atlas_email": "alice01@example.org", "atlas_mailing_street": "北京市海淀区中关村大街1号",
        "atlas_mailing_city": "北京市", "atlas_mailing_state": "北京市", "atlas_mailing_postal_code": "100080",
        "atlas_passport_number": passport, "atlas_passport_issuance_date": iso(today.replace(year=today.year - 2)),
        "atlas_passport_place_of_issue": "BEIJING", "atlas_passport_expiration_date": iso(today.replace(year=today.year + 8)),
        "atlas_birthdate": iso(born), "atlas_nationality": NATIONALITIES.id_of("China"), "atlas_national_id": "",
    }


def visa_form(category: str, code: str) -> dict[str, str]:
    return {"atlas_visa_type": VISA_TYPES.id_of("Non-immigrant"), "atlas_post": POSTS.id_of("Beijing"),
            "atlas_post_visa_category": CATEGORIES.id_of(category),
            "atlas_visa_priority": PRIORITIES.id_of("Regular"), "atlas_visa_class": class_guid(category, code)}


def pick_up(city_index: int = 2) -> dict[str, str]:
    return {"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Pick Up"),
            "atlas_pickup_location": str(PICKUP_LOCATIONS.values()[city_index])}


def premium_location(name: str = "Chengdu") -> dict[str, str]:
    text = choices.shown("premium_locations", name, "en-US")
    return {"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Premium Location"),
            "atlas_premium_location": PREMIUM_LOCATIONS.value_of(text)}


Open = Callable[..., Portal]


@pytest.fixture()
def open_portal() -> Iterator[Open]:
    """``open_portal(variants, locale=, until=slug, category=, code=, extra=, waiver=)``: signed in
    on a fresh portal, the primary's steps before ``until`` done with that class and answers."""
    with ExitStack() as stack:

        def make(variants: tuple[str, ...] | str = (), *, locale: str = "en-US", until: str | None = None,
                 category: str = STUDENTS, code: str = "F-1", extra: dict[str, str] | None = None,
                 waiver: dict[str, str] | None = None) -> Portal:
            app = create_app(MockConfig(variants=variants, captcha=False, rate_limit_per_second=None))
            c = stack.enter_context(TestClient(app, follow_redirects=False))
            body = {"username": "alice01", "password": PASSWORD, "email": "alice01@example.org", "given_name": "LI",
                    "surname": "ZHAO", "questions": list(SECURITY_QUESTIONS[:3]), "answers": ANSWERS,
                    "profile_saved": True}
            assert c.post("/__mock__/accounts", json=body).status_code == 201
            assert c.post(f"/b2c/{locale}/signin", data={"signInName": "alice01", "password": PASSWORD}).status_code == 303
            shown = [int(n) for n in re.findall(r'id="kba(\d)_response"', c.get(f"/b2c/{locale}/verify").text)]
            c.post(f"/b2c/{locale}/verify", data={f"kba{n}_response": ANSWERS[n - 1] for n in shown})
            p = Portal(c, locale)
            if extra is None:
                extra = {"atlas_sevis_number": SEVIS} if code == "F-1" else {}
            steps = [("applicant_details", applicant_form()), ("visa_options", visa_form(category, code)),
                     ("additional_visa_options", {"atlas_ds_160_confirmation_number": "AA00STU001", **extra}),
                     ("interview_waiver", WAIVER_YES if waiver is None else waiver), ("manage_dependents", {})]
            for slug, data in steps:
                if slug == until:
                    break
                p.step(p.url(slug), data)
            return p

        yield make


def add_dependent(p: Portal) -> str:
    """The dependent contact page; returns the dependent-applicant page the portal sends to."""
    return p.step(p.url("daddcontact"), {"firstname": "XIAOMING", "lastname": "ZHAO",
                                          "atlas_emailaddress1": "xm@example.org",
                                          "adx_preferredlanguageid": LANGUAGES.id_of("English")})


# ---------------------------------------------------------------- the lists come from choices.yaml


def test_the_mock_offers_the_lists_of_choices_yaml() -> None:
    assert PREMIUM_LOCATIONS.english == tuple(c.en for c in choices.choice_list("premium_locations"))
    assert len(PREMIUM_LOCATIONS.english) >= 12
    assert not set(PREMIUM_LOCATIONS.english) & set(PICKUP_LOCATIONS.english)
    assert classes_needing("atlas_sevis_number") == ("F-1", "F-2", "J-1", "J-2", "M-1", "M-2")
    assert classes_needing("atlas_petition_number") == classes_needing("atlas_petitioner_name")
    assert "H-4" not in classes_needing("atlas_petition_number") and "H-1B" in classes_needing("atlas_petition_number")
    for code in choices.values("classes"):
        assert len(class_field_ids(code)) == len(choices.required_fields(code)), code


# ---------------------------------------------------------------- Additional Options


@pytest.mark.parametrize("locale, label", [("en-US", "SEVIS ID"), ("zh-CN", "SEVIS号码")])
def test_a_student_class_shows_the_sevis_box(locale: str, label: str, open_portal: Open) -> None:
    p = open_portal(locale=locale, until="additional_visa_options")
    html = p.get(p.url("additional_visa_options"))
    assert re.search(rf'<label for="atlas_sevis_number" id="atlas_sevis_number_label"[^>]*>{label}<span', html)
    assert 'id="atlas_ds_160_confirmation_number"' in html
    assert "atlas_petition_number" not in html and "atlas_petitioner_name" not in html
    where = p.step(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00STU001",
                                                      "atlas_sevis_number": SEVIS})
    assert where == p.url("interview_waiver")
    assert p.state()["additional_options"] == {"atlas_sevis_number": SEVIS}
    assert f'value="{SEVIS}"' in p.get(p.url("additional_visa_options"))  # shown again on a revisit


@pytest.mark.parametrize("value, message", [
    ("N001234567", "must be N followed by 10 digits"),  # 9 digits
    ("N00123456789", "must be N followed by 10 digits"),
    ("n0012345678", "must be N followed by 10 digits"),
    ("A0012345678", "must be N followed by 10 digits"),
    ("N００12345678", "must be N followed by 10 digits"),  # full-width digits are not digits here
    ("", "SEVIS ID is a required field."),
])
def test_a_malformed_or_missing_sevis_id_is_refused(value: str, message: str, open_portal: Open) -> None:
    p = open_portal(until="additional_visa_options")
    r = p.post(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00STU001",
                                                  "atlas_sevis_number": value})
    assert r.status_code == 200 and message in summary(r.text)["atlas_sevis_number"]
    assert p.state()["ds160"] is None and p.state()["additional_options"] == {}


def test_the_sevis_rule_is_localized(open_portal: Open) -> None:
    p = open_portal(locale="zh-CN", until="additional_visa_options")
    r = p.post(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00STU001",
                                                  "atlas_sevis_number": "N12"})
    assert summary(r.text)["atlas_sevis_number"] == "SEVIS号码必须为字母 N 加 10 位数字（例如 N0012345678）。"


def test_a_petition_class_shows_both_petition_boxes(open_portal: Open) -> None:
    p = open_portal(category=WORKERS, code="H-1B", until="additional_visa_options")
    html = p.get(p.url("additional_visa_options"))
    assert 'id="atlas_petition_number_label"' in html and 'id="atlas_petitioner_name_label"' in html
    assert ">Petition Receipt Number<" in html and ">Petitioner Name<" in html
    assert "atlas_sevis_number" not in html
    r = p.post(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00WRK001",
                                                  "atlas_petition_number": "EA2490012345",
                                                  "atlas_petitioner_name": "北京科技有限公司"})
    errors = summary(r.text)
    assert "3 letters followed by 10 digits" in errors["atlas_petition_number"]
    assert "English letters" in errors["atlas_petitioner_name"]
    r = p.post(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00WRK001"})
    assert set(summary(r.text)) == {"atlas_petition_number", "atlas_petitioner_name"}
    p.step(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00WRK001",
                                              "atlas_petition_number": RECEIPT, "atlas_petitioner_name": PETITIONER,
                                              "atlas_sevis_number": "ignored: not this class's field"})
    assert p.state()["additional_options"] == {"atlas_petition_number": RECEIPT, "atlas_petitioner_name": PETITIONER}


@pytest.mark.parametrize("category, code", [(WORKERS, "H-4"), ("All Others", "B1/B2"),
                                            ("Diplomats and Government Officials", "A-1")])
def test_classes_without_extra_fields_ask_only_the_ds160(category: str, code: str, open_portal: Open) -> None:
    p = open_portal(category=category, code=code, until="additional_visa_options")
    html = p.get(p.url("additional_visa_options"))
    assert "class_fields_section" not in html and "atlas_sevis_number" not in html
    p.step(p.url("additional_visa_options"), {"atlas_ds_160_confirmation_number": "AA00OTH001"})
    assert p.state()["additional_options"] == {}


def _f2_spouse_at_additional_options(p: Any) -> tuple[str, str]:
    """An F-2 spouse added through the contact, applicant and visa pages: their Additional
    Options page's address, and their contact id."""
    where = add_dependent(p)
    dep_id = where.split("contact=")[1]
    where = p.step(where, {**applicant_form("XIAOMING", "EB7654321", dt.date(2000, 1, 2)),
                           "atlas_relation_to_applicant": RELATIONS.value_of("Spouse")})
    return p.step(where, visa_form(STUDENTS, "F-2")), dep_id


def test_a_dependents_own_additional_page_asks_its_sevis_id(open_portal: Open) -> None:
    p = open_portal(until="manage_dependents")
    where, dep_id = _f2_spouse_at_additional_options(p)
    assert where == p.url("additional_visa_options", dep_id)
    assert 'id="atlas_sevis_number"' in p.get(where)
    r = p.post(where, {"atlas_ds_160_confirmation_number": "AA00STU002"})
    assert "SEVIS ID is a required field." in summary(r.text)["atlas_sevis_number"]
    assert p.step(where, {"atlas_ds_160_confirmation_number": "AA00STU002",
                          "atlas_sevis_number": "N0098765432"}) == p.url("manage_dependents")
    (dep,) = p.state()["dependents"]
    assert dep["additional_options"] == {"atlas_sevis_number": "N0098765432"}
    # a class changed to one asking more leaves the dependent incomplete until it is given
    p.step(p.url("visa_options", dep_id), visa_form(WORKERS, "H-1B"))
    r = p.post(p.url("manage_dependents"), {})
    assert r.status_code == 200 and "XIAOMING ZHAO is incomplete" in r.text


def test_the_merged_dependent_page_draws_every_field_with_its_classes(open_portal: Open) -> None:
    p = open_portal("dependent-merged", until="manage_dependents")
    where = add_dependent(p)
    html = p.get(where)
    cells = re.findall(r'<div class="class-field" data-classes="([^"]+)">.*?<input type="text" id="(\w+)"', html, re.S)
    by_field = {fid: classes.split() for classes, fid in cells}
    assert set(by_field) == {"atlas_sevis_number", "atlas_petition_number", "atlas_petitioner_name"}
    assert by_field["atlas_sevis_number"] == list(classes_needing("atlas_sevis_number"))
    assert "H-1B" in by_field["atlas_petition_number"] and "H-1B" in by_field["atlas_petitioner_name"]
    assert '<script src="/static/class_fields.js">' in html
    fragment = p.c.get(f"/{p.locale}/_api/visa_classes", params={"category": CATEGORIES.id_of(STUDENTS)}).text
    assert 'value="%s" data-class-code="F-2"' % class_guid(STUDENTS, "F-2") in fragment
    base = {**applicant_form("XIAOMING", "EB7654321", dt.date(2000, 1, 2)),
            "atlas_relation_to_applicant": RELATIONS.value_of("Spouse"),
            "atlas_post_visa_category": CATEGORIES.id_of(STUDENTS), "atlas_visa_class": class_guid(STUDENTS, "F-2"),
            "atlas_ds_160_confirmation_number": "AA00STU002",
            "atlas_petition_number": "", "atlas_petitioner_name": ""}  # hidden boxes still post
    r = p.post(where, {**base, "atlas_sevis_number": ""})
    assert set(summary(r.text)) == {"atlas_sevis_number"}
    assert p.step(where, {**base, "atlas_sevis_number": "N0098765432"}) == p.url("manage_dependents")
    (dep,) = p.state()["dependents"]
    assert dep["additional_options"] == {"atlas_sevis_number": "N0098765432"}
    assert dep["visa_options"]["visa_class"] == "F-2"


# ---------------------------------------------------------------- Interview Waiver


def _questions(html: str) -> list[tuple[str, str]]:
    """(field name, legend text) of every yes/no group, in page order."""
    return re.findall(r'<legend class="waiver-legend" id="(atlas_iw_q\d)_label">([^<]+)<span', html)


@pytest.mark.parametrize("locale, yes, no, first", [
    ("en-US", "Yes", "No", "Are you a citizen or a lawful resident of the country in which you are applying?"),
    ("zh-CN", "是", "否", "您是否为申请所在国家的公民或合法居民？"),
])
@pytest.mark.parametrize("category, code", [(STUDENTS, "F-1"), (WORKERS, "H-1B")])
def test_waiver_categories_show_yes_no_groups(locale: str, yes: str, no: str, first: str, category: str, code: str,
                                              open_portal: Open) -> None:
    extra = {"atlas_petition_number": RECEIPT, "atlas_petitioner_name": PETITIONER} if code == "H-1B" else None
    p = open_portal(locale=locale, category=category, code=code, extra=extra, until="interview_waiver")
    html = p.get(p.url("interview_waiver"))
    questions = _questions(html)
    assert [name for name, _ in questions] == [q.name for q in QUESTIONS]
    assert questions[0][1] == first.replace("'", "&#39;")
    assert 'id="interview_waiver_message"' not in html
    for name, _ in questions:
        assert f'<fieldset class="waiver-question" id="{name}_group" role="radiogroup" aria-labelledby="{name}_label">' in html
        assert f'<input type="radio" id="{name}_1" name="{name}" value="1"><label for="{name}_1">{yes}</label>' in html
        assert f'<input type="radio" id="{name}_0" name="{name}" value="0"><label for="{name}_0">{no}</label>' in html


@pytest.mark.parametrize("category, code", [("All Others", "B1/B2"), ("Diplomats and Government Officials", "A-2")])
def test_other_categories_keep_the_single_sentence(category: str, code: str, open_portal: Open) -> None:
    p = open_portal(category=category, code=code, until="interview_waiver")
    html = p.get(p.url("interview_waiver"))
    assert "This Visa Category does not support Interview Waivers." in html and not _questions(html)
    assert p.step(p.url("interview_waiver"), {}) == p.url("manage_dependents")
    state = p.state()
    assert state["interview_waiver_answers"] == {} and state["interview_waiver_eligible"] is None
    assert 'id="interview_waiver_path"' not in p.get(p.url("manage_dependents"))


def test_every_waiver_question_must_be_answered(open_portal: Open) -> None:
    p = open_portal(until="interview_waiver")
    answers = {k: v for k, v in WAIVER_YES.items() if k not in ("atlas_iw_q3", "atlas_iw_q6")}
    r = p.post(p.url("interview_waiver"), {**answers, "atlas_iw_q2": "maybe"})
    errors = summary(r.text)
    assert set(errors) == {"atlas_iw_q2", "atlas_iw_q3", "atlas_iw_q6"}
    assert errors["atlas_iw_q3"] == "Please answer Yes or No: Are you 80 years of age or older?"
    assert 'id="atlas_iw_q1_1" name="atlas_iw_q1" value="1" checked' in r.text  # the answers given are kept
    state = p.state()
    assert state["interview_waiver_answers"] == {} and "interview_waiver" not in state["steps_completed"]


def _answers(**over: str) -> dict[str, str]:
    return {**WAIVER_YES, **over}


@pytest.mark.parametrize("answers, expected", [
    (_answers(), True),  # a same-class visa within 48 months
    (_answers(atlas_iw_q4="0", atlas_iw_q2="1"), True),  # under 14
    (_answers(atlas_iw_q4="0", atlas_iw_q3="1"), True),  # 80 or older
    (_answers(atlas_iw_q4="0"), False),  # no basis for a waiver
    (_answers(atlas_iw_q1="0"), False),  # not applying where a citizen or resident
    (_answers(atlas_iw_q5="1"), False),  # refused before
    (_answers(atlas_iw_q6="1"), False),  # a visa lost, stolen, cancelled or revoked
])
def test_the_answers_decide_eligibility(answers: dict[str, str], expected: bool, open_portal: Open) -> None:
    p = open_portal(until="interview_waiver")
    assert p.step(p.url("interview_waiver"), answers) == p.url("manage_dependents")
    state = p.state()
    assert state["interview_waiver_answers"] == {k: "Yes" if v == "1" else "No" for k, v in answers.items()}
    assert state["interview_waiver_eligible"] is expected and state["interview_waiver_done"] is True
    path = p.get(p.url("manage_dependents"))
    assert ("you may apply without an interview" in path) is expected
    assert ("an interview is required" in path) is not expected
    revisit = p.get(p.url("interview_waiver"))
    assert all(f'id="{k}_{v}" name="{k}" value="{v}" checked' in revisit for k, v in answers.items())


def test_eligibility_rule_ignores_unknown_names_and_needs_every_clean_answer() -> None:
    yes = {k: "Yes" if v == "1" else "No" for k, v in WAIVER_YES.items()}
    assert eligible(yes) and not eligible({**yes, "atlas_iw_q7": "Yes"})  # arrested, when asked
    assert eligible({**yes, "not_a_question": "Yes"})
    assert not eligible({k: v for k, v in yes.items() if k != "atlas_iw_q5"})  # refusal unknown


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_reworded_waiver_questions_store_what_the_standard_ones_store(locale: str, open_portal: Open) -> None:
    standard = open_portal(locale=locale, until="interview_waiver")
    reworded = open_portal("waiver-reworded", locale=locale, until="interview_waiver")
    std_q = _questions(standard.get(standard.url("interview_waiver")))
    alt_q = _questions(reworded.get(reworded.url("interview_waiver")))
    assert sorted(n for n, _ in alt_q) == sorted(n for n, _ in std_q)
    assert [n for n, _ in alt_q] != [n for n, _ in std_q] and alt_q[0][0] == "atlas_iw_q5"  # one moved
    assert not set(text for _, text in alt_q) & set(text for _, text in std_q)  # every one reworded
    if locale == "en-US":
        assert ("atlas_iw_q1", "Are you applying in the country where you are a citizen or resident?") in alt_q
    for portal in (standard, reworded):
        portal.step(portal.url("interview_waiver"), WAIVER_YES)
    keep = ("interview_waiver_answers", "interview_waiver_eligible")
    assert {k: reworded.state()[k] for k in keep} == {k: standard.state()[k] for k in keep}


def test_the_extra_waiver_question_is_asked_and_required(open_portal: Open) -> None:
    p = open_portal("waiver-extra", until="interview_waiver")
    questions = _questions(p.get(p.url("interview_waiver")))
    names = [n for n, _ in questions]
    assert len(names) == 7 and names[5] == "atlas_iw_q7"  # among the others, not last
    assert dict(questions)["atlas_iw_q7"] == "Have you ever been arrested or convicted of any offense or crime?"
    r = p.post(p.url("interview_waiver"), WAIVER_YES)
    assert set(summary(r.text)) == {"atlas_iw_q7"}
    p.step(p.url("interview_waiver"), {**WAIVER_YES, "atlas_iw_q7": "0"})
    assert p.state()["interview_waiver_answers"]["atlas_iw_q7"] == "No"
    zh = open_portal("waiver-extra", locale="zh-CN", until="interview_waiver")
    assert "您是否曾因任何违法或犯罪行为被逮捕或定罪？" in zh.get(zh.url("interview_waiver"))


# ---------------------------------------------------------------- Document Delivery


@pytest.mark.parametrize("locale, label, chengdu", [
    ("en-US", "Premium Location", choices.shown("premium_locations", "Chengdu", "en-US")),
    ("zh-CN", "付费取件地点", choices.shown("premium_locations", "Chengdu", "zh-CN")),
])
def test_pick_up_and_premium_location_are_separate_controls(locale: str, label: str, chengdu: str,
                                                            open_portal: Open) -> None:
    p = open_portal(locale=locale, until="document_delivery")
    p.step(p.url("manage_dependents"), {})
    html = p.get(p.url("document_delivery"))
    pick_up_value, premium_value = DELIVERY_OPTIONS.value_of("Pick Up"), DELIVERY_OPTIONS.value_of("Premium Location")
    assert f'<fieldset id="pickup_section" data-option-values="{pick_up_value}">' in html
    assert f'<fieldset id="premium_location_section" data-option-values="{premium_value}">' in html
    premium = re.search(r'<select id="atlas_premium_location".*?</select>', html, re.S)
    pickup = re.search(r'<select id="atlas_pickup_location".*?</select>', html, re.S)
    assert premium and pickup
    assert chengdu.replace("'", "&#39;") in premium.group(0) and chengdu not in pickup.group(0)
    assert len(re.findall("<option value=\"1", premium.group(0))) == len(PREMIUM_LOCATIONS.english)
    assert len(re.findall("<option value=\"1", pickup.group(0))) == 5
    assert re.search(rf'<label for="atlas_premium_location" id="atlas_premium_location_label"[^>]*>{label}<', html)


def test_premium_location_and_pick_up_are_stored_apart(open_portal: Open) -> None:
    p = open_portal(until="manage_dependents")
    p.step(p.url("manage_dependents"), {})
    # a hidden select of the other option still posts: only the chosen option's counts
    where = p.step(p.url("document_delivery"), {**premium_location("Xi'an"), "atlas_pickup_location": pick_up()["atlas_pickup_location"]})
    assert where == p.url("payment")
    delivery = p.state()["delivery"]
    assert delivery["option"] == "Premium Location" and delivery["pickup_location"] is None
    assert delivery["premium_location"] == choices.shown("premium_locations", "Xi'an", "en-US")
    assert delivery["DDAddress"] is None
    revisit = p.get(p.url("document_delivery"))
    xian = premium_location("Xi'an")["atlas_premium_location"]
    assert f'<option value="{xian}" selected="selected">' in revisit
    p.step(p.url("document_delivery"), {**pick_up(2), "atlas_premium_location": premium_location()["atlas_premium_location"]})
    delivery = p.state()["delivery"]
    assert delivery["option"] == "Pick Up" and delivery["premium_location"] is None
    assert delivery["pickup_location"] == PICKUP_LOCATIONS.english[2]


@pytest.mark.parametrize("posted, field, message", [
    ({"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Premium Location"),
      "atlas_pickup_location": str(PICKUP_LOCATIONS.values()[0])}, "atlas_premium_location", "Premium Location is a required field."),
    ({"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Pick Up"),
      "atlas_premium_location": str(PREMIUM_LOCATIONS.values()[0])}, "atlas_pickup_location", "Pick Up Location is a required field."),
    ({"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Premium Location"),
      "atlas_premium_location": str(PREMIUM_LOCATIONS.values()[-1] + 1)}, "atlas_premium_location", "select a value from the list"),
    ({"atlas_delivery_option": DELIVERY_OPTIONS.value_of("Pick Up"),
      "atlas_pickup_location": str(PICKUP_LOCATIONS.values()[-1] + 1)}, "atlas_pickup_location", "select a value from the list"),
])
def test_an_inconsistent_delivery_post_is_refused(posted: dict[str, str], field: str, message: str,
                                                  open_portal: Open) -> None:
    p = open_portal(until="manage_dependents")
    p.step(p.url("manage_dependents"), {})
    r = p.post(p.url("document_delivery"), posted)
    assert r.status_code == 200 and message in summary(r.text)[field]
    assert p.state()["delivery"] is None


def test_a_dependent_delivery_page_offers_premium_locations_too(open_portal: Open) -> None:
    p = open_portal(until="manage_dependents")
    where, dep_id = _f2_spouse_at_additional_options(p)
    p.step(where, {"atlas_ds_160_confirmation_number": "AA00STU002", "atlas_sevis_number": "N0098765432"})
    assert 'id="atlas_premium_location"' in p.get(p.url("document_delivery", dep_id))
    assert p.step(p.url("document_delivery", dep_id), premium_location("Hangzhou")) == p.url("manage_dependents")
    (dep,) = p.state()["dependents"]
    assert dep["delivery"]["premium_location"].startswith("Hangzhou - ")


# ---------------------------------------------------------------- a whole walk


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_student_family_walks_to_payment(locale: str, open_portal: Open) -> None:
    """F-1 principal, F-2 spouse with their own SEVIS ID, waiver answered, Premium Location."""
    p = open_portal(locale=locale, until="manage_dependents")
    where = add_dependent(p)
    for _ in range(3):
        if where == p.url("manage_dependents"):
            break
        data = {**applicant_form("XIAOMING", "EB7654321", dt.date(2000, 1, 2)),
                "atlas_relation_to_applicant": RELATIONS.value_of("Spouse"),
                **visa_form(STUDENTS, "F-2"), "atlas_ds_160_confirmation_number": "AA00STU002",
                "atlas_sevis_number": "N0098765432"}
        where = p.step(where, data)
    assert p.step(where, {}) == p.url("document_delivery")
    assert p.step(where.replace("manage_dependents", "document_delivery"), premium_location()) == p.url("payment")
    state = p.state()
    assert state["visa_options"]["visa_class"] == "F-1" and state["ds160"] == "AA00STU001"
    assert state["additional_options"] == {"atlas_sevis_number": SEVIS}
    assert state["interview_waiver_eligible"] is True and len(state["interview_waiver_answers"]) == 6
    (dep,) = state["dependents"]
    assert dep["visa_options"]["visa_class"] == "F-2" and dep["additional_options"] == {"atlas_sevis_number": "N0098765432"}
    assert state["delivery"]["premium_location"] == choices.shown("premium_locations", "Chengdu", "en-US")
    assert "(2 @ 185.00 USD)" in p.get(p.url("payment"))
