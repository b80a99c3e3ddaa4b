"""Cross-field and group rules: each one good and bad, with severities distinguished."""

from __future__ import annotations

from datetime import date

import pytest
from profile_helpers import TODAY, example_data, fields, only, problems_of, set_path

from assistant.models import Group
from assistant.rules import _add_months, check_group, china_id_check_char


def by_field(problems, severity="error"):
    return {p.field: p for p in only(problems, severity)}


def test_examples_have_no_errors_or_warnings_only_notes() -> None:
    for name in ("delegation", "single"):
        problems = problems_of(example_data(name))
        assert only(problems) == [] and only(problems, "warning") == []
    notes = by_field(problems_of(example_data()), "note")
    assert set(notes) == {"dependents[1].birth_date", "dependents[2].birth_date"}
    assert "under 14" in notes["dependents[1].birth_date"].message
    assert "80 and over" in notes["dependents[2].birth_date"].message


@pytest.mark.parametrize(("birth", "note"), [
    ("2012-11-23", True),   # 13 on TODAY
    ("2012-11-22", False),  # 14 today
    ("1946-11-23", False),  # 79
    ("1946-11-22", True),   # 80 today
])
def test_age_notes_at_14_and_80(birth: str, note: bool) -> None:
    data = set_path(example_data(), "dependents.0.birth_date", birth)
    set_path(data, "dependents.0.nationality", "Japan")  # skip the national ID birth-date check
    notes = by_field(problems_of(data), "note")
    assert ("dependents[0].birth_date" in notes) is note


def test_passport_expiring_before_travel_is_an_error() -> None:
    data = set_path(example_data(), "primary.passport.expiry_date", "2028-05-01")
    p = by_field(problems_of(data))["primary.passport.expiry_date"]
    assert "before the travel date (2028-05-10)" in p.message and "renew" in p.fix


def test_passport_expiring_on_travel_date_is_an_error() -> None:
    data = set_path(example_data(), "primary.passport.expiry_date", "2028-05-10")
    assert "primary.passport.expiry_date" in fields(problems_of(data))


def test_passport_valid_under_six_months_after_travel_is_a_warning() -> None:
    data = set_path(example_data(), "dependents.1.passport.expiry_date", "2028-09-01")
    problems = problems_of(data)
    assert "dependents[1].passport.expiry_date" not in fields(problems)
    assert "six months" in by_field(problems, "warning")["dependents[1].passport.expiry_date"].message
    data = set_path(example_data(), "dependents.1.passport.expiry_date", "2028-11-10")
    assert only(problems_of(data), "warning") == []


def test_expired_passport_and_impossible_passport_dates() -> None:
    data = set_path(example_data(), "primary.passport.expiry_date", "2026-01-01")
    set_path(data, "primary.passport.issue_date", "2016-01-02")
    assert "expired" in by_field(problems_of(data))["primary.passport.expiry_date"].message
    data = set_path(example_data(), "primary.passport.issue_date", "2035-01-01")
    errs = by_field(problems_of(data))
    assert "in the future" in errs["primary.passport.issue_date"].message
    assert "not after the issue date" in errs["primary.passport.expiry_date"].message
    data = set_path(example_data(), "primary.passport.issue_date", "1970-01-01")
    assert "before the birth date" in by_field(problems_of(data))["primary.passport.issue_date"].message


def test_birth_date_in_the_future() -> None:
    data = set_path(example_data(), "primary.birth_date", "2027-01-01")
    assert "in the future" in by_field(problems_of(data))["primary.birth_date"].message


def test_travel_date_must_be_in_the_future() -> None:
    data = set_path(example_data(), "travel_date", "2026-11-22")
    assert "not in the future" in by_field(problems_of(data))["travel_date"].message


def test_visa_class_must_belong_to_its_category() -> None:
    data = set_path(example_data(), "primary.visa.visa_class", "F-1")
    p = by_field(problems_of(data))["primary.visa.visa_class"]
    assert "not a class of the category All Others" in p.message
    assert "Students and Exchange Visitors" in p.fix


@pytest.mark.parametrize(("value", "expect"), [
    ("11010519780514001", "18-character"),
    ("110105197805140015", "check character"),
    ("110105197805150011", "birth date 19780515"),
])
def test_chinese_national_id(value: str, expect: str) -> None:
    if len(value) == 18 and expect != "check character":
        value = value[:17] + china_id_check_char(value[:17])
    data = set_path(example_data(), "primary.national_id", value)
    assert expect in by_field(problems_of(data))["primary.national_id"].message


def test_national_id_gender_digit_must_match() -> None:
    nid = "11010519780514002"
    data = set_path(example_data(), "primary.national_id", nid + china_id_check_char(nid))
    assert "female's" in by_field(problems_of(data))["primary.gender"].message


def test_lowercase_x_check_character_is_accepted() -> None:
    nid = "11010519780514003"  # check character X for this one?
    check = china_id_check_char(nid)
    data = set_path(example_data(), "primary.national_id", (nid + check).lower())
    assert "primary.national_id" not in fields(problems_of(data))


def test_non_chinese_national_id_is_free_form() -> None:
    data = set_path(example_data(), "dependents.0.nationality", "Japan")
    set_path(data, "dependents.0.national_id", "JP-123456")
    set_path(data, "dependents.0.passport.number", "TZ1234567")
    assert only(problems_of(data)) == [] and only(problems_of(data), "warning") == []


def test_unusual_chinese_passport_number_is_a_warning() -> None:
    data = set_path(example_data(), "primary.passport.number", "G123456")
    assert "primary.passport.number" in fields(problems_of(data), "warning")


@pytest.mark.parametrize(("path", "what"), [
    ("passport.number", "passport number EA0000001"),
    ("ds160_number", "DS-160 number AA00EXM001"),
    ("id", "id he-mingyuan"),
    ("national_id", "national ID"),
])
def test_no_duplicates_in_a_group(path: str, what: str) -> None:
    data = example_data()
    value = data["primary"]
    for part in path.split("."):
        value = value[part]
    set_path(data, f"dependents.2.{path}", value)
    p = by_field(problems_of(data))[f"dependents[2].{path}"]
    assert what in p.message and "primary" in p.message


def test_dependent_post_must_equal_primary_post() -> None:
    data = set_path(example_data(), "dependents.0.visa.post", "Shanghai")
    p = by_field(problems_of(data))["dependents[0].visa.post"]
    assert "primary's post (Beijing)" in p.message and "Beijing" in p.fix
    data = set_path(example_data(), "primary.visa.post", "Beijing OFC")
    assert "group's post" in by_field(problems_of(data))["primary.visa.post"].message


def test_premium_delivery_needs_an_address_and_a_mainland_mobile() -> None:
    data = set_path(example_data(), "primary.delivery", {"option": "Premium Delivery"})
    assert "Chinese delivery address" in by_field(problems_of(data))["primary.delivery.address"].message
    data = set_path(example_data(), "primary.mobile_phone", "02164000001")
    assert "mainland China mobile" in by_field(problems_of(data))["primary.mobile_phone"].message


def test_pickup_needs_a_location_and_no_address() -> None:
    data = set_path(example_data(), "primary.delivery.option", "Pick Up")
    errs = by_field(problems_of(data))
    assert "needs one of the free CITIC pickup locations" in errs["primary.delivery.pickup_location"].message
    assert "only used with Premium Delivery" in errs["primary.delivery.address"].message
    data = set_path(example_data(), "dependents.2.delivery.option", "Premium Delivery")
    errs = by_field(problems_of(data))
    assert "only for Pick Up, not Premium Delivery" in errs["dependents[2].delivery.pickup_location"].message


@pytest.mark.parametrize(("street", "city", "state", "expect"), [
    ("朝阳区朝阳门外大街18号北京市", "北京市", "北京市", "must start with the province"),
    ("广东省天河区天河北路233号", "广州市", "广东省", "must name the city (广州市)"),
])
def test_delivery_address_order(street: str, city: str, state: str, expect: str) -> None:
    data = set_path(example_data(), "primary.delivery.address",
                    {"street": street, "city": city, "state": state, "postal_code": "510000"})
    p = by_field(problems_of(data))["primary.delivery.address.street"]
    assert expect in p.message and "province - city - street - building - room" in p.message


@pytest.mark.parametrize("street", ["广东省广州市天河区天河北路233号中信广场3层", "北京朝阳区朝阳门外大街18号"])
def test_delivery_address_good_orders(street: str) -> None:
    city, state = ("广州市", "广东省") if street.startswith("广东") else ("北京市", "北京市")
    data = set_path(example_data(), "primary.delivery.address",
                    {"street": street, "city": city, "state": state, "postal_code": "510000"})
    assert only(problems_of(data)) == []


def test_delivery_without_building_or_room_is_a_warning() -> None:
    data = set_path(example_data(), "primary.delivery.address.street", "北京市朝阳区朝阳门外大街")
    assert "primary.delivery.address.street" in fields(problems_of(data), "warning")


def test_relation_plausibility_warnings() -> None:
    data = set_path(example_data(), "dependents.1.relation", "Spouse")
    set_path(data, "dependents.2.relation", "Child")
    warnings = by_field(problems_of(data), "warning")
    assert "second spouse" in warnings["dependents[1].relation"].message
    assert "child born before" in warnings["dependents[2].relation"].message
    data = set_path(example_data(), "dependents.1.relation", "Parent")
    assert "parent born after" in by_field(problems_of(data), "warning")["dependents[1].relation"].message


def test_rules_run_on_valid_applicants_even_when_another_part_fails() -> None:
    data = set_path(example_data(), "dependents.0.gender", "Femme")           # model error
    set_path(data, "primary.passport.expiry_date", "2028-05-01")              # rule error
    assert {"dependents[0].gender", "primary.passport.expiry_date"} <= set(fields(problems_of(data)))


def test_check_group_defaults_to_today() -> None:
    group = Group.model_validate(example_data())
    assert check_group(group, TODAY) == check_group(group, TODAY)
    assert all(p.severity in ("error", "warning", "note") for p in check_group(group))


def test_add_months_clamps_month_ends() -> None:
    assert _add_months(date(2028, 8, 31), 6) == date(2029, 2, 28)
    assert _add_months(date(2028, 5, 10), 6) == date(2028, 11, 10)
