"""Mock portal variants: each draws its promised markup, and none changes what the mock stores.

Most tests run in-process (Starlette's TestClient, no server, no browser). A small HTML parser
plays the person: it fills whatever controls a page shows, choosing options by their visible
text, so the same walk goes through every variant and the stored accounts can be compared.
A few browser checks at the end run the page scripts against the variants that change them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html import unescape
from typing import Any, Union

import warnings

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from fixtures.app import create_app
from fixtures.config import MockConfig
from fixtures.reference_data import CATEGORIES, POSTS, SECURITY_QUESTIONS, class_guid
from fixtures.variants import (
    DEFAULT_VARIANTS, VARIANT_DOCS, VARIANT_GROUPS, ActiveVariants, effective, parse_variants,
    random_combination,
)

PASSWORD = "Secret-2026x"
ANSWERS = ["Wang", "Heping Road", "Lucky"]
NON_DEFAULT = [name for names in VARIANT_GROUPS.values() for name in names[1:]]
RANDOM_SEEDS = (1, 2, 3, 4)

# ---------------------------------------------------------------- a small HTML form reader


@dataclass
class Option:
    value: str
    text: str = ""
    group: str | None = None
    selected: bool = False


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[Option] = field(default_factory=list)
    text: str = ""  # a <button>'s text

    @property
    def type(self) -> str:
        return self.attrs.get("type", "text" if self.tag == "input" else self.tag)

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def disabled(self) -> bool:
        return "disabled" in self.attrs


_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|([^<]+)", re.S)
_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


class Parsed:
    """Controls of one form (or of a whole fragment), labels by ``for``, and every id in order.

    A regex tokenizer rather than html.parser: the pages carry long country lists and the
    stdlib parser would make this file slow. It reads only the mock's own well-formed HTML.
    """

    def __init__(self, html: str, form_id: str | None = "content_form") -> None:
        self.form_id = form_id
        self.controls: list[Control] = []
        self.labels: dict[str, str] = {}
        self.ids: list[str] = []
        self._in_form = form_id is None
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: Control | None = None
        self._option: Option | None = None
        self._group: str | None = None
        self._button: Control | None = None
        for m in _TOKEN.finditer(html):
            closing, tag, raw, data = m.groups()
            if data is not None:
                self.handle_data(unescape(data))
            elif tag is None:
                continue  # a comment
            elif closing:
                self.handle_endtag(tag.lower())
            else:
                attrs = {k.lower(): unescape(a if a is not None else b if b is not None else c or "")
                         for k, a, b, c in _ATTR.findall(raw.rstrip("/"))}
                self.handle_starttag(tag.lower(), attrs)

    def handle_starttag(self, tag: str, attrs: dict[str, str]) -> None:
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form" and self.form_id is not None:
            self._in_form = attrs.get("id") == self.form_id
        if tag == "label" and "for" in attrs:
            self._label_for, self._label_text = attrs["for"], []
        if not self._in_form:
            return
        if tag in ("input", "textarea"):
            self.controls.append(Control(tag, attrs))
        elif tag == "button":
            self._button = Control(tag, attrs)
            self.controls.append(self._button)
        elif tag == "select":
            self._select = Control(tag, attrs)
            self.controls.append(self._select)
        elif tag == "optgroup":
            self._group = attrs.get("label")
        elif tag == "option" and self._select is not None:
            self._option = Option(attrs.get("value", ""), group=self._group, selected="selected" in attrs)
            self._select.options.append(self._option)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_id is not None:
            self._in_form = False
        elif tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split()).rstrip(" *")
            self._label_for = None
        elif tag == "select":
            self._select = None
        elif tag == "optgroup":
            self._group = None
        elif tag == "option" and self._option is not None:
            self._option.text = self._option.text.strip()
            self._option = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)
        if self._option is not None:
            self._option.text += data
        if self._button is not None:
            self._button.text += data.strip()

    def named(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def by_id(self, cid: str) -> Control:
        found = [c for c in self.controls if c.id == cid]
        assert len(found) == 1, (cid, len(found))
        return found[0]


# A value the walker enters: text, a date, or a choice given as every text it may be shown as.
Wanted = Union[str, dt.date, tuple[str, ...]]


def option_value(select: Control, texts: tuple[str, ...]) -> str | None:
    return next((o.value for o in select.options if o.text in texts), None)


def selected_value(select: Control) -> str:
    chosen = [o for o in select.options if o.selected] or select.options[:1]
    return chosen[0].value if chosen else ""


def form_data(page: Parsed, data: dict[str, Wanted]) -> dict[str, list[str]]:
    """What the browser would post after a person entered ``data`` (by field name) on ``page``."""
    out: dict[str, list[str]] = {}
    hits: set[str] = set()
    for c in page.controls:
        if c.disabled or not c.name or c.type in ("button", "submit"):
            continue
        want = data.get(c.name)
        if c.tag == "select":
            value = selected_value(c)
            if isinstance(want, tuple):
                found = option_value(c, want)
                assert found is not None, f"{c.name}: none of {want} among {[o.text for o in c.options]}"
                value = found
            out.setdefault(c.name, []).append(value)
        elif c.type in ("radio", "checkbox"):
            if isinstance(want, tuple) and page.labels.get(c.id) in want:
                out.setdefault(c.name, []).append(c.attrs.get("value", "on"))
                hits.add(c.name)
        elif isinstance(want, dt.date):
            native = c.type == "date"
            out.setdefault(c.name, []).append(want.isoformat() if native else f"{want.isoformat()}T00:00:00.0000000Z")
        else:
            out.setdefault(c.name, []).append(want if isinstance(want, str) else c.attrs.get("value", ""))
    for name in {c.name for c in page.controls if c.type in ("radio", "checkbox")} & data.keys():
        assert name in hits, f"{name}: no radio/checkbox labelled {data[name]}"
    return out


# ---------------------------------------------------------------- the person, over HTTP

FEMALE = ("Female", "女", "female", "女性")
MALE = ("Male", "男", "male", "男性")
CHINA = ("China",)
CN_PHONE = ("China (+86)",)
PICK_UP = ("Pick Up", "免费自取", "Pick-up", "免费自取件")
SHANGHAI = ("Shanghai - Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai", "上海-上海市南京西路1168号中信泰富广场GF",
            "Shanghai \u2013 Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai", "上海-上海市南京西路1168号中信泰富广场 GF层")
CHILD = ("Child", "子女", "Son/Daughter", "孩子")


def applicant(first: str, passport: str, born: dt.date, gender: tuple[str, ...], email: str) -> dict[str, Wanted]:
    return {
        "atlas_first_name": first, "atlas_last_name": "WANG", "atlas_pob_country": CHINA, "atlas_gender": gender,
        "atlas_home_phone_country_code": CN_PHONE, "atlas_home_phone": "1065551234",
        "atlas_mobile_phone_country_code": CN_PHONE, "atlas_mobile_phone": "13800138000", "atlas_email": email,
        "atlas_mailing_street": "北京市朝阳区朝阳门外大街18号", "atlas_mailing_city": "北京市",
        "atlas_mailing_state": "北京市", "atlas_mailing_postal_code": "100020", "atlas_passport_number": passport,
        "atlas_passport_issuance_date": dt.date(2022, 3, 1), "atlas_passport_place_of_issue": "BEIJING",
        "atlas_passport_expiration_date": dt.date(2032, 2, 28), "atlas_birthdate": born,
        "atlas_nationality": CHINA, "atlas_national_id": "110105198503070000",
    }


def visa(code: str, ds160: str, category: str = "All Others") -> dict[str, Wanted]:
    return {"atlas_visa_type": ("Non-immigrant",), "atlas_post": ("Beijing",),
            "atlas_post_visa_category": (category,), "atlas_visa_priority": ("Regular",),
            "atlas_visa_class": (code,), "atlas_ds_160_confirmation_number": ds160}


PRIMARY = {**applicant("LI", "EA1234567", dt.date(1985, 3, 7), FEMALE, "alice01@example.org"),
           **visa("B1/B2", "AA00ABC123")}
CONTACT: dict[str, Wanted] = {"firstname": "XIAOYU", "lastname": "WANG", "atlas_emailaddress1": "xy@example.org",
                              "adx_preferredlanguageid": ("English",)}
DEPENDENT = {**applicant("XIAOYU", "EB7654321", dt.date(2015, 5, 9), MALE, "xy@example.org"),
             **visa("B2", "AA00DEP002"), "atlas_relation_to_applicant": CHILD}
DELIVERY: dict[str, Wanted] = {"atlas_delivery_option": PICK_UP, "atlas_pickup_location": SHANGHAI}
# A student family (issue 9): SEVIS IDs on the class's extra fields, the waiver questions answered,
# a premium CITIC branch for the delivery.
STUDENTS = "Students and Exchange Visitors"
YES, NO = ("Yes", "是"), ("No", "否")
STUDENT = {**PRIMARY, **visa("F-1", "AA00STU001", STUDENTS), "atlas_sevis_number": "N0012345678"}
STUDENT_DEPENDENT = {**DEPENDENT, **visa("F-2", "AA00STU002", STUDENTS), "atlas_sevis_number": "N0098765432"}
WAIVER: dict[str, Wanted] = {"atlas_iw_q1": YES, "atlas_iw_q2": NO, "atlas_iw_q3": NO, "atlas_iw_q4": YES,
                             "atlas_iw_q5": NO, "atlas_iw_q6": NO}
PREMIUM_LOCATION: dict[str, Wanted] = {
    "atlas_delivery_option": ("Premium Location", "付费网点取件", "Premium Pick-up Location", "付费网点自取"),
    "atlas_premium_location": ("Chengdu - CITIC Bank Chengdu Branch, GF, No 1 Tianfu Avenue North, High-tech Zone, Chengdu, Sichuan",
                               "成都-四川省成都市高新区天府大道北段1号中信银行成都分行一层")}
FAMILIES: dict[str, tuple[dict[str, Wanted], ...]] = {
    "tourist": (PRIMARY, DEPENDENT, {}, DELIVERY),
    "student": (STUDENT, STUDENT_DEPENDENT, WAIVER, PREMIUM_LOCATION),
}


def portal_app(variants: tuple[str, ...] | str = (), seed: int = 0) -> Any:
    return create_app(MockConfig(variants=variants, variant_seed=seed, captcha=False, rate_limit_per_second=None))


class Person:
    """Enters values into whatever a page shows and follows where the portal sends it."""

    def __init__(self, client: TestClient, locale: str = "en-US") -> None:
        self.c = client
        self.locale = locale

    def sign_in(self) -> None:
        body = {"username": "alice01", "password": PASSWORD, "email": "alice01@example.org", "given_name": "LI",
                "surname": "WANG", "questions": list(SECURITY_QUESTIONS[:3]), "answers": ANSWERS,
                "profile_saved": True}
        assert self.c.post("/__mock__/accounts", json=body).status_code == 201
        r = self.c.post(f"/b2c/{self.locale}/signin", data={"signInName": "alice01", "password": PASSWORD})
        assert r.status_code == 303, r.text[:2000]
        page = self.c.get(f"/b2c/{self.locale}/verify").text
        shown = [int(n) for n in re.findall(r'id="kba(\d)_response"', page)]
        r = self.c.post(f"/b2c/{self.locale}/verify", data={f"kba{n}_response": ANSWERS[n - 1] for n in shown})
        assert r.status_code == 303

    def url(self, slug: str) -> str:
        return f"/{self.locale}/{slug}/"

    def _cascade(self, page: Parsed, data: dict[str, Wanted]) -> None:
        """What the visa options script does: load categories for the post, classes for the category."""
        names = {c.name for c in page.controls}
        if "atlas_post_visa_category" not in names or "atlas_visa_class" not in data:
            return
        category = page.named("atlas_post_visa_category")[0]
        want_category = data["atlas_post_visa_category"]
        assert isinstance(want_category, tuple)
        if option_value(category, want_category) is None:
            post = page.named("atlas_post")[0]
            post_value = option_value(post, data["atlas_post"]) if not post.disabled else selected_value(post)  # type: ignore[arg-type]
            found = self.c.get(f"/{self.locale}/_api/visa_categories", params={"post": post_value}).json()["value"]
            category.options += [Option(rec["id"], rec["name"]) for rec in found]
        fragment = self.c.get(f"/{self.locale}/_api/visa_classes",
                              params={"category": option_value(category, want_category)})
        assert fragment.status_code == 200
        page.controls = [c for c in page.controls if c.name != "atlas_visa_class"]
        loaded = Parsed(fragment.text, form_id=None)
        page.controls += loaded.controls
        page.labels.update(loaded.labels)

    def submit(self, path: str, data: dict[str, Wanted]) -> Any:
        """GET the page, enter ``data`` in the controls it has, post it; the portal's answer."""
        r = self.c.get(path)
        assert r.status_code == 200, (path, r.status_code, r.headers.get("location"))
        page = Parsed(r.text)
        self._cascade(page, data)
        return self.c.post(path, data=form_data(page, data))

    def step(self, path: str, data: dict[str, Wanted]) -> str:
        r = self.submit(path, data)
        errors = re.findall(r'<li><a href="#([^"]+)_label"[^>]*>([^<]+)</a></li>', r.text)
        assert r.status_code == 303, (path, errors or r.text[:3000])
        return str(r.headers["location"])

    def walk_to_payment(self, family: str = "tourist") -> None:
        """The whole application: primary, one dependent through whatever pages the portal
        chains, the primary's delivery. The dependent gets no delivery of its own."""
        primary, dependent, waiver, delivery = FAMILIES[family]
        self.sign_in()
        where = self.step(self.url("applicant_details"), primary)
        where = self.step(where, primary)  # visa options
        where = self.step(where, primary)  # additional options
        where = self.step(where, waiver)  # interview waiver
        assert where == self.url("manage_dependents")
        where = self.step(self.url("daddcontact"), CONTACT)
        for _ in range(3):  # split or merged: follow the portal back to the list
            if where == self.url("manage_dependents"):
                break
            assert "?contact=" in where, where
            where = self.step(where, dependent)
        assert where == self.url("manage_dependents")
        where = self.step(where, {})
        assert where == self.url("document_delivery")
        assert self.step(where, delivery) == self.url("payment")


def comparable(state: dict[str, Any]) -> dict[str, Any]:
    """Account state without what differs by nature between two accounts (random ids)."""
    out = copy.deepcopy(state)
    out.pop("uid")
    for dep in out["dependents"]:
        dep.pop("id")
    return out


@contextmanager
def opened(variants: tuple[str, ...] | str = (), seed: int = 0) -> Iterator[TestClient]:
    """A client on a fresh portal; entered, so all its requests share one event loop thread."""
    with TestClient(portal_app(variants, seed), follow_redirects=False) as c:
        yield c


@pytest.fixture()
def client() -> Iterator[TestClient]:
    with opened() as c:
        yield c


PersonAt = Callable[..., Person]


@pytest.fixture()
def person_at() -> Iterator[PersonAt]:
    """``person_at(variants, until=slug, locale=, seed=)``: signed in on a fresh portal with
    ``variants``, every step before ``until`` done (``None``: only signed in)."""
    with ExitStack() as stack:

        def make(variants: tuple[str, ...] | str = (), until: str | None = None, locale: str = "en-US",
                 seed: int = 0, sign_in: bool = True) -> Person:
            person = Person(stack.enter_context(opened(variants, seed)), locale)
            if not sign_in:
                return person
            person.sign_in()
            steps = [("applicant_details", PRIMARY), ("visa_options", PRIMARY), ("additional_visa_options", PRIMARY),
                     ("interview_waiver", {}), ("manage_dependents", {}), ("document_delivery", DELIVERY)]
            for slug, data in steps:
                if slug == until:
                    break
                person.step(person.url(slug), data)
            return person

        yield make


def walked_state(variants: tuple[str, ...] | str = (), locale: str = "en-US", seed: int = 0,
                 family: str = "tourist") -> dict[str, Any]:
    with opened(variants, seed) as c:
        person = Person(c, locale)
        person.walk_to_payment(family)
        return comparable(c.get("/__mock__/state/alice01").json())


@pytest.fixture(scope="module")
def default_state() -> dict[str, Any]:
    return walked_state()


# ---------------------------------------------------------------- the list itself


def test_groups_names_defaults_and_docs() -> None:
    assert VARIANT_GROUPS == {
        "visa-class": ("class-radio", "class-checkbox", "class-select"),
        "questions": ("questions-unlabelled", "questions-labelled"),
        "dependent-steps": ("dependent-split", "dependent-merged"),
        "dependent-delivery": ("dependent-delivery-page", "no-dependent-delivery"),
        "wording": ("wording-standard", "wording-synonyms"),
        "buttons": ("buttons-input", "buttons-element"),
        "errors": ("error-500", "error-200"),
        "order": ("order-standard", "order-shuffled"),
        "dates": ("dates-pair", "dates-input"),
        "waiver": ("waiver-standard", "waiver-reworded", "waiver-extra"),
    }
    names = [n for group in VARIANT_GROUPS.values() for n in group]
    assert len(names) == len(set(names)) and set(VARIANT_DOCS) == set(names)
    assert DEFAULT_VARIANTS == tuple(group[0] for group in VARIANT_GROUPS.values())
    assert effective(()) == DEFAULT_VARIANTS
    assert effective(("dates-input",)) == tuple("dates-input" if n == "dates-pair" else n for n in DEFAULT_VARIANTS)


@pytest.mark.parametrize("given, expected", [
    ("", ()),
    ("dates-input, class-select", ("class-select", "dates-input")),
    (["error-200", "error-200", "class-radio"], ("class-radio", "error-200")),
    (None, ()),
])
def test_parse_variants_normalises(given: Any, expected: tuple[str, ...]) -> None:
    assert parse_variants(given) == expected


@pytest.mark.parametrize("given, fragment", [
    ("class-select,nope", "unknown variant 'nope'"),
    ("class-select,class-radio", "alternatives of the group 'visa-class'"),
    ([3], "variant names are strings"),
    (7, "comma-separated string or a list"),
])
def test_parse_variants_refuses_with_the_valid_names(given: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_variants(given)
    message = str(info.value)
    assert fragment in message
    if "alternatives" not in message:
        assert all(name in message for group in VARIANT_GROUPS.values() for name in group)


def test_random_combination_is_deterministic_and_one_per_group() -> None:
    combos = {seed: random_combination(seed) for seed in range(60)}
    assert all(random_combination(seed) == combo for seed, combo in combos.items())
    for combo in combos.values():
        assert parse_variants(combo) == combo and len(combo) == len(VARIANT_GROUPS)
    seen = {name for combo in combos.values() for name in combo}
    assert seen == {n for group in VARIANT_GROUPS.values() for n in group}  # every variant is drawn


def test_config_and_backdoor_take_variants(client: TestClient) -> None:
    assert MockConfig(variants="dates-input,class-select").variants == ("class-select", "dates-input")
    with pytest.raises(ValueError, match="unknown variant"):
        MockConfig(variants=("class-table",))
    with pytest.raises(ValueError, match="variant_seed"):
        MockConfig(variant_seed="1")  # type: ignore[arg-type]
    r = client.post("/__mock__/config", json={"variants": ["error-200", "class-select"], "variant_seed": 3})
    assert r.status_code == 200 and r.json()["variants"] == ["class-select", "error-200"]
    bad = client.post("/__mock__/config", json={"variants": "class-select,class-radio", "latency_ms": 1})
    assert bad.status_code == 400 and "visa-class" in bad.json()["error"]
    assert client.get("/__mock__/config").json()["variants"] == ["class-select", "error-200"]  # rolled back
    assert client.get("/__mock__/config").json()["latency_ms"] == 0
    client.post("/__mock__/reset")
    assert client.get("/__mock__/config").json()["variants"] == []


def test_active_variants_refuse_a_misspelt_name_in_a_template() -> None:
    with pytest.raises(KeyError):
        ActiveVariants().has("class-radios")


# ---------------------------------------------------------------- the default markup


def test_default_markup_follows_the_further_evidence(person_at: PersonAt) -> None:
    person = person_at((), until="visa_options")
    c = person.c
    signin = c.get("/b2c/en-US/signin").text
    assert re.search(r'<button type="submit" id="next"', signin) and 'id="continue"' not in signin
    fragment = c.get("/en-US/_api/visa_classes", params={"category": CATEGORIES.id_of("All Others")}).text
    radios = Parsed(fragment, form_id=None)
    b1b2 = radios.by_id("atlas_visa_class_B1_B2")
    assert (b1b2.type, b1b2.name, b1b2.attrs["value"]) == ("radio", "atlas_visa_class", class_guid("All Others", "B1/B2"))
    assert radios.labels["atlas_visa_class_B1_B2"] == "B1/B2"
    assert all(ctl.type == "radio" for ctl in radios.controls) and len(radios.controls) == 24
    assert '<h3 class="visa-class-tag"><span class="tag-label">Visa Class Tag</span> Visitor Visas for Business and Pleasure</h3>' in fragment
    page = c.get("/en-US/visa_options/").text
    assert 'role="radiogroup" aria-labelledby="atlas_visa_class_label"' in page
    assert re.search(r'<input type="button" id="NextButton" name="NextButton" value="Next"', page)
    applicant_page = c.get("/en-US/applicant_details/").text
    assert 'id="atlas_birthdate_datepicker_description"' in applicant_page


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_default_security_questions_are_paragraphs_before_unlabelled_answers(locale: str, person_at: PersonAt) -> None:
    person = person_at(locale=locale, sign_in=False)
    body = {"username": "alice01", "password": PASSWORD, "email": "a@example.org", "given_name": "LI",
            "surname": "WANG", "answers": ANSWERS}
    person.c.post("/__mock__/accounts", json=body)
    person.c.post(f"/b2c/{locale}/signin", data={"signInName": "alice01", "password": PASSWORD})
    page = person.c.get(f"/b2c/{locale}/verify").text
    items = re.findall(r'<li class="([^"]+)">(.*?)</li>', page, re.S)
    classes = [cls for cls, _ in items]
    assert classes[0] == "TextBox signInNameReadOnly_li" and len(classes) == 5
    for (q_cls, q_html), (a_cls, a_html) in zip(items[1::2], items[2::2]):
        pid = re.search(r'<p class="textInParagraph" id="(kbq\w+ReadOnly)" aria-label="([^"]+)">([^<]+)</p>', q_html)
        assert pid and q_cls == f"Paragraph {pid.group(1)}_li"
        assert pid.group(2).replace("&#39;", "'") in SECURITY_QUESTIONS
        n = re.search(r'id="kba(\d)_response"', a_html)
        assert n and a_cls == f"Password kba{n.group(1)}_response_li"
        assert f'<label for="kba{n.group(1)}_response"></label>' in a_html  # empty: no label finds it
        assert 'type="password"' in a_html and 'autocomplete="new-password"' in a_html
        assert "aria-describedby" not in a_html
        expected_pid = {"1": "kbq1ReadOnly", "3": "kbq3ReadOnly"}.get(n.group(1), pid.group(1))
        assert pid.group(1) == expected_pid
    assert 'id="attributeList"' in page


# ---------------------------------------------------------------- each variant's markup


@pytest.mark.parametrize("variant, kind", [("class-checkbox", "checkbox"), ("class-radio", "radio")])
def test_class_lists_under_the_class_tags(variant: str, kind: str, person_at: PersonAt) -> None:
    person = person_at(variant, until="visa_options")
    fragment = person.c.get("/en-US/_api/visa_classes", params={"category": CATEGORIES.id_of("All Others")}).text
    parsed = Parsed(fragment, form_id=None)
    assert {ctl.type for ctl in parsed.controls} == {kind}
    assert [parsed.labels[ctl.id] for ctl in parsed.controls][:3] == ["G5", "A3", "J"]


def test_class_select_has_one_optgroup_per_class_tag(person_at: PersonAt) -> None:
    person = person_at("class-select", until="visa_options")
    page = person.c.get("/en-US/visa_options/").text
    assert '<label for="atlas_visa_class" id="atlas_visa_class_label">Visa Class' in page
    empty = Parsed(page).by_id("atlas_visa_class")
    assert [o.value for o in empty.options] == [""]  # nothing to choose before a category
    fragment = person.c.get("/en-US/_api/visa_classes", params={"category": CATEGORIES.id_of("All Others")}).text
    select = Parsed(fragment, form_id=None).by_id("atlas_visa_class")
    assert select.tag == "select" and select.name == "atlas_visa_class"
    groups = [o.group for o in select.options[1:]]
    assert list(dict.fromkeys(groups))[:2] == ["Diplomats and Foreign Government Officials", "Journalist"]
    b1b2 = next(o for o in select.options if o.text == "B1/B2")
    assert b1b2.group == "Visitor Visas for Business and Pleasure"
    assert b1b2.value == class_guid("All Others", "B1/B2")


def test_security_questions_labelled_by_their_question(person_at: PersonAt) -> None:
    person = person_at("questions-labelled", sign_in=False)
    body = {"username": "alice01", "password": PASSWORD, "email": "a@example.org", "given_name": "LI",
            "surname": "WANG", "answers": ANSWERS}
    person.c.post("/__mock__/accounts", json=body)
    person.c.post("/b2c/en-US/signin", data={"signInName": "alice01", "password": PASSWORD})
    parsed = Parsed(person.c.get("/b2c/en-US/verify").text, form_id="attributeVerification")
    boxes = [ctl for ctl in parsed.controls if ctl.id.startswith("kba")]
    assert len(boxes) == 2
    for box in boxes:
        n = int(box.id[3])
        assert parsed.labels[box.id] == SECURITY_QUESTIONS[n - 1]
        assert box.type == "password"


@pytest.mark.parametrize("classes", ["class-radio", "class-checkbox", "class-select"])
def test_merged_dependent_page_asks_visa_class_and_ds160(classes: str, person_at: PersonAt) -> None:
    person = person_at(("dependent-merged", classes), until="manage_dependents")
    where = person.step(person.url("daddcontact"), CONTACT)
    assert where.startswith("/en-US/dep_applicant_add/?contact=")
    page = Parsed(person.c.get(where).text)
    post = page.by_id("atlas_post")
    assert post.disabled and selected_value(post) == POSTS.id_of("Beijing")
    assert "All Others" in [o.text for o in page.by_id("atlas_post_visa_category").options]
    assert page.by_id("atlas_ds_160_confirmation_number").type == "text"
    assert page.labels["atlas_ds_160_confirmation_number"] == "DS 160 Confirmation Number"
    class_controls = page.named("atlas_visa_class")
    if classes == "class-select":
        assert [ctl.tag for ctl in class_controls] == ["select"]
    else:
        assert class_controls == []  # the cascade fills it once a category is chosen
    assert person.step(where, DEPENDENT) == person.url("manage_dependents")  # straight back
    table = person.c.get(person.url("manage_dependents")).text
    assert "AA00DEP002" in table and "/visa_options/?contact=" not in table


def test_merged_dependent_page_keeps_the_same_rules(person_at: PersonAt) -> None:
    person = person_at("dependent-merged", until="manage_dependents")
    where = person.step(person.url("daddcontact"), CONTACT)
    page = Parsed(person.c.get(where).text)
    posted = form_data(page, {k: v for k, v in DEPENDENT.items() if k != "atlas_visa_class"})
    posted.update(atlas_ds_160_confirmation_number=["AB00"], atlas_visa_class=[class_guid("Students and Exchange Visitors", "F-1")])
    r = person.c.post(where, data=posted)
    assert r.status_code == 200
    errors = dict(re.findall(r'<li><a href="#([^"]+)_label"[^>]*>([^<]+)</a></li>', r.text))
    assert "DS 160 Confirmation Number must be AA" in errors["atlas_ds_160_confirmation_number"]
    assert "does not belong" in errors["atlas_visa_class"]
    page = Parsed(r.text)
    assert selected_value(page.by_id("atlas_post")) == POSTS.id_of("Beijing")  # still shown after the error
    dep = person.c.get("/__mock__/state/alice01").json()["dependents"][0]
    assert dep["visa_options"] == {} and dep["ds160"] is None


def test_dependent_delivery_page_or_none(person_at: PersonAt) -> None:
    for variant, expect_page in (("dependent-delivery-page", True), ("no-dependent-delivery", False)):
        person = person_at(variant, until="manage_dependents")
        where = person.step(person.url("daddcontact"), CONTACT)
        for _ in range(3):
            if where == person.url("manage_dependents"):
                break
            where = person.step(where, DEPENDENT)
        dep_id = person.c.get("/__mock__/state/alice01").json()["dependents"][0]["id"]
        table = person.c.get(person.url("manage_dependents")).text
        assert (f"/document_delivery/?contact={dep_id}" in table) is expect_page, variant
        r = person.c.get(f"/en-US/document_delivery/?contact={dep_id}")
        if expect_page:
            assert r.status_code == 200 and 'id="editing_contact"' in r.text
        else:
            assert r.status_code == 302 and r.headers["location"] == "/en-US/manage_dependents/"


@pytest.mark.parametrize("locale, texts", [
    ("zh-CN", {"delivery": ["付费快递送件上门", "付费网点自取", "免费自取件"], "gender": ["男性", "女性"],
               "relation": ["配偶/伴侣", "孩子"], "shanghai": "上海-上海市南京西路1168号中信泰富广场 GF层",
               "standard_shanghai": "上海-上海市南京西路1168号中信泰富广场GF"}),
    ("en-US", {"delivery": ["Premium Courier Delivery", "Premium Pick-up Location", "Pick-up"],
               "gender": ["male", "female"], "relation": ["Spouse/Partner", "Son/Daughter"],
               "shanghai": "Shanghai \u2013 Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai",
               "standard_shanghai": "Shanghai - Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai"}),
])
def test_synonym_wording_in_both_locales(locale: str, texts: dict[str, Any], person_at: PersonAt) -> None:
    standard = person_at((), until="document_delivery", locale=locale)
    other = person_at("wording-synonyms", until="document_delivery", locale=locale)
    pages = {}
    for name, person in (("standard", standard), ("synonyms", other)):
        pages[name] = {slug: Parsed(person.c.get(person.url(slug)).text)
                       for slug in ("applicant_details", "document_delivery")}
    syn_delivery, std_delivery = pages["synonyms"]["document_delivery"], pages["standard"]["document_delivery"]
    radios = syn_delivery.named("atlas_delivery_option")
    assert [syn_delivery.labels[r.id] for r in radios] == texts["delivery"]
    assert [r.attrs["value"] for r in radios] == [r.attrs["value"] for r in std_delivery.named("atlas_delivery_option")]
    gender = pages["synonyms"]["applicant_details"].by_id("atlas_gender")
    std_gender = pages["standard"]["applicant_details"].by_id("atlas_gender")
    assert [o.text for o in gender.options[1:]] == texts["gender"]
    assert [o.value for o in gender.options] == [o.value for o in std_gender.options]
    locations = [o.text for o in syn_delivery.by_id("atlas_pickup_location").options]
    assert texts["shanghai"] in locations and texts["standard_shanghai"] not in locations
    assert [o.text for o in std_delivery.by_id("atlas_pickup_location").options][3] == texts["standard_shanghai"]
    # field labels stay as they are
    assert syn_delivery.labels["atlas_pickup_location"] == std_delivery.labels["atlas_pickup_location"]
    other.step(other.url("daddcontact"), CONTACT)
    dep_id = other.c.get("/__mock__/state/alice01").json()["dependents"][0]["id"]
    relation = Parsed(other.c.get(f"/{locale}/dep_applicant_add/?contact={dep_id}").text).by_id("atlas_relation_to_applicant")
    assert [o.text for o in relation.options[1:3]] == texts["relation"]


def test_buttons_as_elements_keep_ids_and_texts(person_at: PersonAt) -> None:
    person = person_at("buttons-element", until="manage_dependents")
    person.step(person.url("daddcontact"), CONTACT)
    for slug, bid, text in (("applicant_details", "InsertButton", "Submit"), ("visa_options", "NextButton", "Next"),
                            ("additional_visa_options", "PreviousButton", "Back"),
                            ("manage_dependents", "NextButton", "Next")):
        html = person.c.get(person.url(slug)).text
        assert 'type="button" value=' not in html and '<input type="button"' not in html, slug
        button = Parsed(html).by_id(bid)
        assert (button.tag, button.type, button.text) == ("button", "button", text), slug
    default = person_at((), until="visa_options").c.get("/en-US/applicant_details/").text
    assert re.search(r'<input type="button" id="InsertButton" name="InsertButton" value="Submit"', default)


@pytest.mark.parametrize("locale, texts", [
    ("en-US", ("We're sorry, but something went wrong.", "Error ID #")),
    ("zh-CN", ("很抱歉，出现了问题。", "错误 ID #", "抱歉，出现了错误。")),
])
def test_error_200_is_the_site_error_page_with_status_200(locale: str, texts: tuple[str, ...], person_at: PersonAt) -> None:
    person = person_at("error-200", until="visa_options", locale=locale)
    person.c.post("/__mock__/config", json={"fail_once": "visa_options"})
    r = person.c.get(person.url("visa_options"))
    assert r.status_code == 200
    html = r.text.replace("&#39;", "'")
    assert '<div class="dialog" role="main">' in html and 'id="error_page"' not in html
    assert all(text in html for text in texts), html
    assert re.search(re.escape(texts[1]) + r"\d+", html)
    assert person.c.get(person.url("visa_options")).status_code == 200  # one-shot, then the page
    person.c.post("/__mock__/config", json={"fail_always": "visa_classes"})
    xhr = person.c.get(f"/{locale}/_api/visa_classes", params={"category": CATEGORIES.id_of("All Others")})
    assert xhr.status_code == 200 and 'class="dialog"' in xhr.text
    assert person.c.get("/__mock__/state/alice01").json()["flags"]["server_errors_served"] == 2


def test_error_500_stays_the_default(person_at: PersonAt) -> None:
    person = person_at((), until="visa_options")
    person.c.post("/__mock__/config", json={"fail_once": "visa_options"})
    r = person.c.get(person.url("visa_options"))
    assert r.status_code == 500 and 'id="error_page"' in r.text


def _cell_ids(html: str) -> list[str]:
    return [c.id for c in Parsed(html).controls if c.id and c.type not in ("hidden", "button")]


def test_order_shuffled_is_deterministic_per_page_and_seed(person_at: PersonAt) -> None:
    slugs = ("applicant_details", "profile", "visa_options")
    standard = person_at((), until="visa_options")
    shuffled = {seed: person_at("order-shuffled", until="visa_options", seed=seed) for seed in (0, 1)}
    html = {(seed, slug): person.c.get(person.url(slug)).text for seed, person in shuffled.items() for slug in slugs}
    for slug in slugs:
        order = _cell_ids(html[(0, slug)])
        assert _cell_ids(shuffled[0].c.get(shuffled[0].url(slug)).text) == order  # stable
        std = _cell_ids(standard.c.get(standard.url(slug)).text)
        assert sorted(order) == sorted(std) and order != std, slug
    assert _cell_ids(html[(0, "applicant_details")]) != _cell_ids(html[(1, "applicant_details")])
    # the same page in the other locale is in the same order
    zh = person_at("order-shuffled", until="visa_options", locale="zh-CN")
    assert _cell_ids(zh.c.get(zh.url("applicant_details")).text) == _cell_ids(html[(0, "applicant_details")])
    # cells move within their section: the passport fields stay under the passport heading
    sections = html[(0, "applicant_details")].split("<fieldset")
    passport = next(part for part in sections if 'id="atlas_passport_number"' in part)
    assert all(f'id="{fid}"' in passport for fid in ("atlas_birthdate", "atlas_nationality", "atlas_national_id"))


def test_dates_input_posts_and_shows_iso_dates(person_at: PersonAt) -> None:
    person = person_at("dates-input", until="visa_options")
    html = person.c.get(person.url("applicant_details")).text
    assert "_datepicker_description" not in html
    page = Parsed(html)
    for fid in ("atlas_passport_issuance_date", "atlas_passport_expiration_date", "atlas_birthdate"):
        box = page.by_id(fid)
        assert (box.type, box.name) == ("date", fid)
        assert page.labels[fid]
    assert page.by_id("atlas_birthdate").attrs["value"] == "1985-03-07"
    r = person.submit(person.url("applicant_details"), {**PRIMARY, "atlas_birthdate": "7/3/1985"})
    assert r.status_code == 200 and "Birthdate (MM/DD/YYYY) must be a valid date" in r.text  # same rule


# ---------------------------------------------------------------- same values, same state


@pytest.mark.parametrize("variant", NON_DEFAULT)
def test_each_variant_stores_what_the_default_stores(variant: str, default_state: dict[str, Any]) -> None:
    assert walked_state(variant) == default_state


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_random_combinations_store_what_the_default_stores(seed: int, default_state: dict[str, Any]) -> None:
    variants = random_combination(seed)
    locale = ("zh-CN", "en-US")[seed % 2]
    try:
        assert walked_state(variants, locale, seed) == default_state
    except AssertionError as exc:
        raise AssertionError(f"seed {seed}, variants {','.join(variants)}, {locale}: {exc}") from exc


@pytest.fixture(scope="module")
def student_state() -> dict[str, Any]:
    return walked_state(family="student")


@pytest.mark.parametrize("variant", [name for name in NON_DEFAULT if name != "waiver-extra"])
def test_each_variant_stores_the_student_family_as_the_default_does(variant: str, student_state: dict[str, Any]) -> None:
    """The new pages too (class fields, waiver questions, premium location) store the same state
    in every markup. waiver-extra asks one more question, so it stores one more answer."""
    locale = "zh-CN" if variant in ("waiver-reworded", "wording-synonyms", "order-shuffled") else "en-US"
    assert walked_state(variant, locale, family="student") == student_state


def test_student_state_has_the_values_entered(student_state: dict[str, Any]) -> None:
    assert student_state["additional_options"] == {"atlas_sevis_number": "N0012345678"}
    assert student_state["interview_waiver_eligible"] is True
    assert student_state["interview_waiver_answers"] == {"atlas_iw_q1": "Yes", "atlas_iw_q2": "No", "atlas_iw_q3": "No",
                                                         "atlas_iw_q4": "Yes", "atlas_iw_q5": "No", "atlas_iw_q6": "No"}
    (dep,) = student_state["dependents"]
    assert dep["visa_options"]["visa_class"] == "F-2" and dep["additional_options"] == {"atlas_sevis_number": "N0098765432"}
    assert student_state["delivery"]["option"] == "Premium Location" and student_state["delivery"]["pickup_location"] is None
    assert student_state["delivery"]["premium_location"].startswith("Chengdu - CITIC Bank")


def test_default_state_has_the_values_entered(default_state: dict[str, Any]) -> None:
    """The baseline itself is right, so 'the same as the default' means 'right'."""
    assert default_state["applicant"]["atlas_birthdate"] == "1985-03-07"
    assert default_state["applicant"]["atlas_gender"] == "Female"
    assert default_state["visa_options"]["visa_class"] == "B1/B2" and default_state["ds160"] == "AA00ABC123"
    (dep,) = default_state["dependents"]
    assert dep["relation"] == "Child" and dep["ds160"] == "AA00DEP002" and dep["delivery"] is None
    assert dep["visa_options"] == {"visa_type": "Non-immigrant", "post": "Beijing", "category": "All Others",
                                   "visa_class": "B2", "priority": "Regular"}
    assert dep["applicant"]["atlas_gender"] == "Male" and dep["applicant"]["atlas_birthdate"] == "2015-05-09"
    assert default_state["delivery"]["option"] == "Pick Up"
    assert default_state["delivery"]["pickup_location"].startswith("Shanghai - Pacific Plaza")


# ---------------------------------------------------------------- CLI


def test_cli_variant_option_reaches_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli import app

    seen: list[MockConfig] = []
    monkeypatch.setattr("fixtures.server.serve", lambda config, port: seen.append(config))
    result = CliRunner().invoke(app, ["mock-portal", "--variant", "dates-input,class-select",
                                      "--variant", "error-200", "--variant-seed", "4"])
    assert result.exit_code == 0, result.output
    assert seen[0].variants == ("class-select", "error-200", "dates-input") and seen[0].variant_seed == 4


def test_cli_refuses_an_unknown_variant_listing_the_valid_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli import app

    monkeypatch.setattr("fixtures.server.serve", lambda config, port: pytest.fail("must not serve"))
    result = CliRunner().invoke(app, ["mock-portal", "--variant", "class-table"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "class-table" in output and "class-radio" in output and "dates-input" in output


# ---------------------------------------------------------------- in a browser


def _browser_signed_in(page: Page, portal: Any, variants: list[str], until: str) -> None:
    """Sign in and submit the steps before ``until`` through the browser context's own
    requests (they share its cookies), then let the test use the page itself."""
    portal.config.update({"variants": variants, "captcha": False})  # the portal fixture restores it
    request = page.context.request
    body = {"username": "alice01", "password": PASSWORD, "email": "alice01@example.org", "given_name": "LI",
            "surname": "WANG", "questions": list(SECURITY_QUESTIONS[:3]), "answers": ANSWERS, "profile_saved": True}
    assert request.post(f"{portal.url}/__mock__/accounts", data=body).status == 201
    request.post(f"{portal.url}/b2c/en-US/signin", form={"signInName": "alice01", "password": PASSWORD})
    verify = request.get(f"{portal.url}/b2c/en-US/verify").text()
    shown = [int(n) for n in re.findall(r'id="kba(\d)_response"', verify)]
    request.post(f"{portal.url}/b2c/en-US/verify", form={f"kba{n}_response": ANSWERS[n - 1] for n in shown})
    for slug, data in (("applicant_details", PRIMARY), ("visa_options", PRIMARY)):
        if slug == until:
            return
        html = request.get(f"{portal.url}/en-US/{slug}/").text()
        token = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        fields = {k: v[0] for k, v in form_data(Parsed(html), data).items()}
        fields["__RequestVerificationToken"] = token
        r = request.post(f"{portal.url}/en-US/{slug}/", form=fields, max_redirects=0)
        assert r.status == 303, slug


def test_browser_class_select_cascade_and_native_dates(page: Page, portal: Any) -> None:
    _browser_signed_in(page, portal, ["class-select", "order-shuffled", "dates-input", "buttons-element"],
                       until="applicant_details")
    page.goto(f"{portal.url}/en-US/applicant_details/")
    for fid, value in PRIMARY.items():
        if isinstance(value, dt.date):
            page.locator(f"#{fid}").fill(value.isoformat())
        elif isinstance(value, tuple):
            if page.locator(f"select#{fid}").count():
                page.locator(f"#{fid}").select_option(label=value[0])
        elif page.locator(f"#{fid}").count():
            page.locator(f"#{fid}").fill(value)
    page.get_by_role("button", name="Submit").click()
    expect(page).to_have_url(f"{portal.url}/en-US/visa_options/")
    page.wait_for_load_state("domcontentloaded")  # the cascade listens from DOMContentLoaded on
    page.locator("#atlas_post").select_option(label="Beijing")
    expect(page.locator("#atlas_post_visa_category option", has_text="All Others")).to_have_count(1)
    page.locator("#atlas_post_visa_category").select_option(label="All Others")
    expect(page.locator("#atlas_visa_class optgroup[label='Visitor Visas for Business and Pleasure']")).to_have_count(1)
    page.get_by_label("Visa Class").select_option(label="B1/B2")
    page.locator("#atlas_visa_priority").select_option(label="Regular")
    page.locator("#atlas_visa_type").select_option(label="Non-immigrant")
    page.locator("button#NextButton").click()
    expect(page).to_have_url(f"{portal.url}/en-US/additional_visa_options/")
    state = page.context.request.get(f"{portal.url}/__mock__/state/alice01").json()
    assert state["applicant"]["atlas_birthdate"] == "1985-03-07"
    assert state["visa_options"]["visa_class"] == "B1/B2"


def test_browser_error_200_in_the_class_cascade_shows_the_cascade_error(page: Page, portal: Any) -> None:
    _browser_signed_in(page, portal, ["error-200"], until="visa_options")
    page.goto(f"{portal.url}/en-US/visa_options/")
    page.locator("#atlas_post").select_option(label="Beijing")
    expect(page.locator("#atlas_post_visa_category option", has_text="All Others")).to_have_count(1)
    portal.config.update({"fail_once": "visa_classes"})
    page.locator("#atlas_post_visa_category").select_option(label="All Others")
    expect(page.locator("#cascade_error")).to_be_visible()
    expect(page.locator("#visa_class_container .dialog")).to_have_count(0)
    page.locator("#atlas_post_visa_category").select_option(index=0)
    page.locator("#atlas_post_visa_category").select_option(label="All Others")  # asks again
    expect(page.get_by_label("B1/B2", exact=True)).to_have_attribute("type", "radio")
