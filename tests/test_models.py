"""Field-level formats of the model: good values pass, each bad one gets a precise message."""

from __future__ import annotations

import json
from datetime import date

import pytest
from profile_helpers import DELETE, EXAMPLES, example_data, fields, only, problems_of, set_path

from assistant.choices import CLASSES_BY_CATEGORY, VISA_CLASSES
from assistant.models import Group, portal_date
from assistant.schema import group_schema_json


def test_portal_date_has_no_zero_padding() -> None:
    assert portal_date(date(1985, 3, 7)) == "3/7/1985"
    assert portal_date(date(2034, 12, 31)) == "12/31/2034"


def test_examples_parse_and_expose_portal_values() -> None:
    group = Group.model_validate(example_data())
    assert group.primary.birth_date_portal == "5/14/1978"
    assert group.primary.passport.expiry_date_portal == "3/17/2034"
    assert group.travel_date_portal == "5/10/2028"
    assert [d.relation for d in group.dependents] == ["Spouse", "Child", "Parent"]
    assert group.primary.visa.visa_type == "Non-immigrant"
    # Dependents without delivery inherit the primary's; contact e-mail defaults to e-mail.
    spouse = group.dependents[0]
    assert group.delivery_for(spouse) is group.primary.delivery
    assert group.delivery_for(group.dependents[2]).pickup_location == "Beijing"
    assert spouse.effective_contact_email == spouse.email
    assert group.account_email == group.primary.email


def test_visa_class_literal_covers_every_category() -> None:
    all_classes = [c for classes in CLASSES_BY_CATEGORY.values() for c in classes]
    assert sorted(all_classes) == sorted(VISA_CLASSES)
    assert len(set(all_classes)) == len(all_classes)


GOOD = [
    ("primary.surname", "O'NEIL"),
    ("primary.given_name", "MING YUAN"),
    ("primary.given_name", "JEAN-LUC"),
    ("primary.home_phone", "02164000001"),
    ("primary.mobile_phone", 13800000001),  # a number typed without quotes
    ("primary.passport.number", "E12345678"),
    ("primary.country_of_birth", "United States"),
    ("primary.visa.priority", "Emergency"),
    ("primary.preferred_language", "en-US"),
    ("primary.mailing.postal_code", "010010"),
    ("primary.delivery.address.street2", "东门"),
    ("primary.account.exists", "yes"),
    ("primary.contact_email", "office@example.org"),
    # case and spacing aside, and the portal's own words (the model stores the canonical value)
    ("primary.gender", "male"),
    ("primary.nationality", " china "),
    ("primary.nationality", "Hong Kong SAR"),
    ("primary.preferred_language", "English"),
    ("dependents.0.relation", "配偶"),
]


@pytest.mark.parametrize(("path", "value"), GOOD)
def test_good_values_pass(path: str, value: object) -> None:
    assert only(problems_of(set_path(example_data(), path, value))) == []


BAD = [
    # (path, value, expected words in message, expected words in fix)
    ("primary.surname", "he", "upper case", "HE"),
    ("primary.surname", "何", "Chinese characters", "pinyin"),
    ("primary.given_name", "MING2", "Latin capitals", "passport"),
    ("primary.home_phone", "+86 10 6500 0001", "country code", "digits only"),
    ("primary.mobile_phone", "138-0000-0001", "6 to 15 digits", "13800000001"),
    ("primary.mobile_phone", "8613800000001", "country code", "13800000001"),
    ("primary.mobile_phone", "12345", "6 to 15 digits", "digits"),
    ("primary.email", "he.example.com", "e-mail", "name@example.com"),
    ("primary.ds160_number", "aa00exm001", "capitals", "AA00EXM001"),
    ("primary.ds160_number", "AB12345678", "DS-160", "confirmation page"),
    ("primary.ds160_number", "AA00EXM00", "DS-160", "confirmation page"),
    ("primary.passport.number", "ea0000001", "capitals", "EA0000001"),
    ("primary.passport.number", "EA 0000001", "5-20", "EA0000001"),
    ("primary.birth_date", "5/14/1978", "ISO", "1978-05-14"),
    ("primary.birth_date", "1978-02-30", "real calendar date", "day and month"),
    ("primary.birth_date", "14.05.1978", "YYYY-MM-DD", "YYYY-MM-DD"),
    ("primary.birth_date", 19780514, "YYYY-MM-DD", "YYYY-MM-DD"),
    ("primary.nationality", "Chna", "country name", "China"),
    ("primary.nationality", "PRC", "country name", "English"),
    ("primary.gender", "Mal", "'Male' or 'Female'", "Male"),
    ("primary.gender", "M", "'Male' or 'Female'", "listed"),
    ("primary.visa.post", "Chengdu", "Beijing", "listed"),
    ("primary.visa.visa_class", "B-1", "B1", ""),
    ("primary.delivery.option", "EMS", "Premium Delivery", ""),
    ("primary.delivery.address.street", "北京市朝阳区朝阳门外大街18号 Room 1101", "English (Room)", "Chinese"),
    ("primary.delivery.address.street", "18 Chaoyangmen Street", "English", "Chinese"),
    ("primary.delivery.address.city", "123", "Chinese", "Chinese"),
    ("primary.delivery.address.street", "北京市朝阳区@大街", "characters", "Chinese"),
    ("primary.delivery.address.state", "北京", "province", "北京市"),
    ("primary.delivery.address.state", "香港", "mainland", "Pick Up"),
    ("primary.delivery.address.postal_code", "10002", "6-digit", "100020"),
    ("primary.delivery.pickup_location", "Chengdu", "Beijing", ""),
    ("primary.account.username", "he@example.com", "e-mail", "without @"),
    ("primary.account.username", "h e", "letters", "user name"),
    ("primary.account.security_questions", ["In what city were you born?"] * 3, "different", "three"),
    ("primary.account.security_questions.1", "What is your pet's name? Fluffy", "not one of", "keyring"),
    ("primary.account.security_questions", ["In what city were you born?"], "at least 3", ""),
    ("primary.account.exists", "maybe", "boolean", "yes or no"),
    ("primary.id", "He Mingyuan", "slug", "wang-lei"),
    ("primary.preferred_language", "Chinese", "zh-CN", ""),
    ("dependents.0.relation", "Wife", "Spouse", ""),
    ("primary.mailing.postal_code", "", "postal code", ""),
    ("name", "", "is empty", "fill it in"),
    ("primary.national_id", "", "is empty", "fill it in"),
]


@pytest.mark.parametrize(("path", "value", "in_message", "in_fix"), BAD)
def test_bad_values_give_a_precise_error(path: str, value: object, in_message: str, in_fix: str) -> None:
    problems = only(problems_of(set_path(example_data(), path, value)))
    expected_field = path.replace(".0.", "[0].").replace(".1", "[1]") if path[-1].isdigit() else path
    expected_field = expected_field.replace("dependents.0", "dependents[0]")
    assert problems, f"{path}={value!r} was accepted"
    mine = [p for p in problems if p.field.startswith(expected_field.split("[")[0].rstrip("."))]
    assert mine, [p.render() for p in problems]
    p = mine[0]
    assert in_message in p.message, p.render()
    assert in_fix in p.fix, p.render()


def test_security_question_errors_never_echo_the_text() -> None:
    data = set_path(example_data(), "primary.account.security_questions.0", "Mother's maiden name: Zhou-Secret")
    text = "\n".join(p.render() for p in problems_of(data))
    assert "Zhou-Secret" not in text


def test_missing_and_unknown_fields_are_named() -> None:
    data = set_path(example_data(), "primary.passport.expiry_date", DELETE)
    set_path(data, "dependents.1.nickname", "YOYO")
    problems = only(problems_of(data))
    by_field = {p.field: p for p in problems}
    assert by_field["primary.passport.expiry_date"].message == "is required"
    assert by_field["dependents[1].nickname"].message == "is not a known field"


def test_primary_needs_an_account_and_a_delivery_but_dependents_do_not() -> None:
    data = set_path(example_data(), "primary.account", DELETE)
    set_path(data, "primary.delivery", DELETE)
    assert {"primary.account", "primary.delivery"} <= set(fields(problems_of(data)))
    data = set_path(example_data(), "dependents.1.account", {"username": "abcd"})
    assert "dependents[1].account" in fields(problems_of(data))


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((EXAMPLES / "group.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(group_schema_json()), "regenerate: ustd profiles schema -o profiles/examples/group.schema.json"


def test_schema_lists_the_fixed_choices_for_editors() -> None:
    text = group_schema_json()
    for value in ("Beijing OFC", "B1/B2", "Premium Location", "What is your favorite book?", "China", "广东省"):
        assert json.dumps(value, ensure_ascii=False) in text
