"""Students, petition-based workers, interview-waiver facts and Premium Location in the profile
model and rules: each rule good and bad, the message naming the field and the fix."""

from __future__ import annotations

import pytest
from profile_helpers import EXAMPLES, TODAY, example_data, fields, only, problems_of, set_path

from assistant.models import Group, TravelHistory
from assistant.problems import Problem
from assistant.profile_files import dump_group, load_group, parse_group_text


def errors_at(data: dict, field: str) -> list[Problem]:
    return [p for p in only(problems_of(data)) if p.field == field]


def the_error(data: dict, field: str) -> Problem:
    found = errors_at(data, field)
    assert found, [p.render() for p in only(problems_of(data))]
    return found[0]


# --- the examples -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["student-family", "petition-worker", "single"])
def test_new_examples_load_without_errors_or_warnings(name: str) -> None:
    problems = problems_of(example_data(name))
    assert only(problems) == [] and only(problems, "warning") == [], [p.render() for p in problems]
    group = load_group(EXAMPLES / f"{name}.yaml", today=TODAY)
    assert group.primary.travel_history is not None


def test_student_family_each_with_their_own_sevis_id() -> None:
    group = load_group(EXAMPLES / "student-family.yaml", today=TODAY)
    assert [a.visa.visa_class for a in group.applicants] == ["F-1", "F-2", "F-2"]
    assert [d.relation for d in group.dependents] == ["Spouse", "Child"]
    ids = [a.visa.sevis_id for a in group.applicants]
    assert all(ids) and len(set(ids)) == 3
    th = group.primary.travel_history
    assert th is not None and th.previous_visa_class == "B1/B2" and th.had_previous_visa is True
    assert group.dependents[0].travel_history is not None
    assert group.dependents[0].travel_history.had_previous_visa is False


def test_petition_worker_with_premium_location() -> None:
    group = load_group(EXAMPLES / "petition-worker.yaml", today=TODAY)
    v = group.primary.visa
    assert (v.visa_class, v.petition_receipt_number, v.petitioner_name) == ("H-1B", "EAC2490012345", "Example Analytics Inc.")
    spouse = group.dependents[0]
    assert spouse.visa.visa_class == "H-4" and spouse.visa.petition_receipt_number is None
    d = group.delivery_for(spouse)
    assert (d.option, d.premium_location, d.pickup_location) == ("Premium Location", "Shenzhen", None)


# --- fields a class requires (data: flows/choices.yaml) -------------------------------------


def test_a_student_without_a_sevis_id_is_refused_with_the_fix() -> None:
    data = set_path(example_data("student-family"), "dependents.1.visa.sevis_id", None)
    p = the_error(data, "dependents[1].visa.sevis_id")
    assert "required for visa class F-2" in p.message and "I-20" in p.fix and "own" in p.fix


def test_a_field_the_class_does_not_take_is_refused() -> None:
    data = set_path(example_data(), "primary.visa.sevis_id", "N0012345678")  # a B1 visitor
    p = the_error(data, "primary.visa.sevis_id")
    assert "not asked for visa class B1" in p.message and p.fix == "remove it, or check the visa class"
    data = set_path(example_data("petition-worker"), "dependents.0.visa.petitioner_name", "Example Analytics Inc.")
    assert "not asked for visa class H-4" in the_error(data, "dependents[0].visa.petitioner_name").message


def test_a_petition_worker_needs_both_petition_fields() -> None:
    data = set_path(example_data("petition-worker"), "primary.visa.petition_receipt_number", None)
    set_path(data, "primary.visa.petitioner_name", None)
    receipt = the_error(data, "primary.visa.petition_receipt_number")
    assert "required for visa class H-1B" in receipt.message and "I-797" in receipt.fix
    assert "I-797" in the_error(data, "primary.visa.petitioner_name").fix


@pytest.mark.parametrize(("value", "stored"), [
    ("N0045678123", "N0045678123"),
    ("n 004-567-8123", "N0045678123"),
    ("N0045678123 ", "N0045678123"),
    ("Ｎ００４５６７８１２３", "N0045678123"),  # full-width, as a Chinese IME types it
])  # fmt: skip
def test_sevis_ids_are_tidied(value: str, stored: str) -> None:
    data = set_path(example_data("student-family"), "primary.visa.sevis_id", value)
    group = Group.model_validate(data)
    assert group.primary.visa.sevis_id == stored
    assert only(problems_of(data)) == []


@pytest.mark.parametrize(("value", "in_message", "in_fix"), [
    ("N004567812", "not a SEVIS ID", "I-20"),
    ("X0045678123", "not a SEVIS ID", "DS-2019"),
    ("0045678123", "leading N", "N0045678123"),
    ("N00456781234", "not a SEVIS ID", "I-20"),
])  # fmt: skip
def test_malformed_sevis_ids(value: str, in_message: str, in_fix: str) -> None:
    p = the_error(set_path(example_data("student-family"), "primary.visa.sevis_id", value), "primary.visa.sevis_id")
    assert in_message in p.message and in_fix in p.fix


@pytest.mark.parametrize(("value", "good"), [
    ("EAC2490012345", True),
    ("eac-249-001-2345", True),
    ("WAC 24 900 12345", True),
    ("EA2490012345", False),
    ("EAC249001234", False),
    ("EAC24900123456", False),
    ("1232490012345", False),
])  # fmt: skip
def test_petition_receipt_numbers(value: str, good: bool) -> None:
    data = set_path(example_data("petition-worker"), "primary.visa.petition_receipt_number", value)
    found = errors_at(data, "primary.visa.petition_receipt_number")
    if good:
        assert found == []
    else:
        assert found and "3 letters and 10 digits" in found[0].message and "I-797" in found[0].fix


def test_petitioner_name_in_english() -> None:
    data = set_path(example_data("petition-worker"), "primary.visa.petitioner_name", "示例分析公司")
    p = the_error(data, "primary.visa.petitioner_name")
    assert "Chinese" in p.message and "English" in p.fix


def test_two_applicants_never_share_a_sevis_id() -> None:
    data = set_path(example_data("student-family"), "dependents.1.visa.sevis_id", "N0045678124")
    p = the_error(data, "dependents[1].visa.sevis_id")
    assert "also used by dependents[0]" in p.message


# --- the portal's own words in a file --------------------------------------------------------


def test_portal_words_are_read_as_canonical_values_and_written_back_canonical() -> None:
    data = example_data("student-family")
    set_path(data, "post", "上海")
    set_path(data, "primary.visa.post", "shanghai")
    set_path(data, "primary.visa.category", "学生和交流访问者")
    set_path(data, "primary.visa.visa_class", "f-1")
    set_path(data, "primary.preferred_language", "中文(中国)")
    set_path(data, "primary.country_of_birth", "Hong Kong SAR")
    set_path(data, "dependents.0.relation", "配偶")
    set_path(data, "primary.delivery.option", "免费自取")
    set_path(data, "primary.delivery.pickup_location", "上海-上海市南京西路1168号中信泰富广场GF")
    set_path(data, "primary.travel_history.previous_visa_class", "b1/b2")
    set_path(data, "primary.travel_history.ever_refused_us_visa", "否")
    assert only(problems_of(data)) == []
    group = Group.model_validate(data)
    p = group.primary
    assert (group.post, p.visa.post, p.visa.category, p.visa.visa_class) == (
        "Shanghai", "Shanghai", "Students and Exchange Visitors", "F-1")
    assert (p.preferred_language, p.country_of_birth, group.dependents[0].relation) == ("zh-CN", "Hong Kong", "Spouse")
    assert p.delivery is not None and (p.delivery.option, p.delivery.pickup_location) == ("Pick Up", "Shanghai")
    assert p.travel_history is not None and p.travel_history.ever_refused_us_visa is False
    text = dump_group(group)
    assert "中文(中国)" not in text and "preferred_language: zh-CN" in text and "Hong Kong SAR" not in text
    again, problems = parse_group_text(text, today=TODAY)
    assert again == group and only(problems) == []


# --- travel history (interview-waiver facts) --------------------------------------------------


def _th(name: str = "student-family", **facts: object) -> dict:
    data = example_data(name)
    for k, v in facts.items():
        set_path(data, f"primary.travel_history.{k}", v)
    return data


def test_previous_visa_expiry_must_follow_its_issue() -> None:
    p = the_error(_th(previous_visa_expiry_date="2019-06-30"), "primary.travel_history.previous_visa_expiry_date")
    assert "not after the issue date (2019-07-01)" in p.message and "previous visa" in p.fix


def test_previous_visa_issued_in_the_future_or_before_birth() -> None:
    data = _th(previous_visa_issue_date="2027-01-01", previous_visa_expiry_date="2037-01-01")
    assert "in the future" in the_error(data, "primary.travel_history.previous_visa_issue_date").message
    data = _th(previous_visa_issue_date="1990-01-01")
    assert "before the birth date" in the_error(data, "primary.travel_history.previous_visa_issue_date").message


def test_none_means_no_previous_visa_so_no_dates_and_nothing_lost() -> None:
    data = _th(previous_visa_class="none")
    p = the_error(data, "primary.travel_history.previous_visa_issue_date")
    assert "no previous U.S. visa" in p.message and "remove the date" in p.fix
    assert errors_at(data, "primary.travel_history.previous_visa_expiry_date")
    data = set_path(example_data("student-family"), "dependents.0.travel_history.previous_visa_lost_or_stolen", "yes")
    p = the_error(data, "dependents[0].travel_history.previous_visa_lost_or_stolen")
    assert "no previous U.S. visa" in p.message and "write its class" in p.fix


@pytest.mark.parametrize("word", ["none", "None", "NONE", "无"])
def test_none_in_any_case_or_chinese(word: str) -> None:
    data = set_path(example_data("student-family"), "dependents.0.travel_history.previous_visa_class", word)
    assert only(problems_of(data)) == []
    assert Group.model_validate(data).dependents[0].travel_history.previous_visa_class == "none"  # type: ignore[union-attr]


def test_dates_without_a_class() -> None:
    p = the_error(_th(previous_visa_class=None), "primary.travel_history.previous_visa_class")
    assert "dates are given" in p.message and "class printed on that visa" in p.fix


def test_a_previous_class_the_portal_does_not_list() -> None:
    p = the_error(_th(previous_visa_class="B-1/B-2"), "primary.travel_history.previous_visa_class")
    assert "not a visa class" in p.message and "none if there was none" in p.fix


def test_yes_no_facts() -> None:
    data = _th(ever_refused_us_visa="是", previous_visa_lost_or_stolen="no")
    th = Group.model_validate(data).primary.travel_history
    assert th is not None and th.ever_refused_us_visa is True and th.previous_visa_lost_or_stolen is False
    assert "primary.travel_history.ever_refused_us_visa" in fields(problems_of(_th(ever_refused_us_visa="perhaps")))


def test_unknown_facts_are_warned_about_for_waiver_categories_only() -> None:
    data = _th(ever_refused_us_visa=None)
    (w,) = [p for p in only(problems_of(data), "warning") if p.field == "primary.travel_history"]
    assert "not given: ever_refused_us_visa" in w.message and "stops" in w.message and "travel_history" in w.fix
    data = set_path(example_data("petition-worker"), "dependents.0.travel_history", None)
    (w,) = only(problems_of(data), "warning")
    assert w.field == "dependents[0].travel_history"
    assert "previous_visa_class, ever_refused_us_visa, previous_visa_lost_or_stolen" in w.message
    assert only(problems_of(data)) == []  # a warning, not an error: a person answers at the page
    # "All Others" shows no waiver questions: nothing to warn about.
    assert only(problems_of(example_data()), "warning") == []


def test_travel_history_knows_what_it_does_not_know() -> None:
    assert TravelHistory().had_previous_visa is None
    assert TravelHistory(previous_visa_class="none").had_previous_visa is False
    th = TravelHistory.model_validate({"previous_visa_class": "B1/B2", "ever_refused_us_visa": "no"})
    assert th.had_previous_visa is True
    assert th.unknown_facts() == ["previous_visa_lost_or_stolen", "previous_visa_issue_date", "previous_visa_expiry_date"]


# --- delivery: Pick Up (free) and Premium Location (a branch, for a fee) -------------------------


def test_premium_location_needs_a_branch() -> None:
    data = set_path(example_data("petition-worker"), "primary.delivery.premium_location", None)
    p = the_error(data, "primary.delivery.premium_location")
    assert "needs the CITIC branch" in p.message and "Chengdu" in p.fix and "Pick Up" in p.fix


def test_premium_location_with_a_free_location_says_choose_pick_up() -> None:
    data = example_data("petition-worker")
    set_path(data, "primary.delivery", {"option": "Premium Location", "pickup_location": "Beijing"})
    p = the_error(data, "primary.delivery.pickup_location")
    assert "free Pick Up locations" in p.message and "set option: Pick Up" in p.fix and "premium_location" in p.fix


@pytest.mark.parametrize(("option", "extra"), [("Pick Up", {"pickup_location": "Shanghai"}),
                                               ("Premium Delivery", None)])
def test_a_premium_branch_only_with_premium_location(option: str, extra: dict | None) -> None:
    data = example_data("student-family" if extra else "delegation")
    delivery = data["primary"]["delivery"]
    delivery["option"] = option
    delivery["premium_location"] = "Chengdu"
    p = the_error(data, "primary.delivery.premium_location")
    assert f"only for Premium Location, not {option}" in p.message and "remove it" in p.fix


def test_a_premium_branch_must_be_listed() -> None:
    data = set_path(example_data("petition-worker"), "primary.delivery.premium_location", "Beijing")
    assert "primary.delivery.premium_location" in fields(problems_of(data))
    data = set_path(example_data("petition-worker"), "primary.delivery.premium_location", "成都")
    assert only(problems_of(data)) == []
