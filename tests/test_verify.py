"""assistant/verify.py without a browser: the class fields and the delivery location are compared
with the profile, so a dry run that typed a wrong SEVIS id or the wrong location list fails."""

from __future__ import annotations

from datetime import date
from typing import Any

from run_helpers import EXAMPLES, load_group

from assistant.choices import PICKUP_LOCATIONS, PREMIUM_LOCATIONS
from assistant.verify import compare_account


def _mismatches(example: str, state: dict[str, Any], prefix: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Per applicant, the mismatches of fields under ``prefix``: field -> (expected, received)."""
    found = compare_account(load_group(EXAMPLES / f"{example}.yaml"), state)
    return {who: {m.field: (m.expected, m.received) for m in ms if m.field.startswith(prefix)}
            for who, ms in found.items()}


def _student_state(**primary_boxes: str) -> dict[str, Any]:
    dependents = [
        {"applicant": {"atlas_passport_number": "EC0000012"}, "additional_options": {"atlas_sevis_number": "N0045678124"}},
        {"applicant": {"atlas_passport_number": "EC0000013"}, "additional_options": {"atlas_sevis_number": "N0045678999"}},
    ]
    return {"additional_options": primary_boxes, "dependents": dependents}


def test_sevis_ids_are_compared_for_the_principal_and_each_dependent() -> None:
    found = _mismatches("student-family", _student_state(atlas_sevis_number="N0045678123"), "additional_options.")
    assert found["lu-zhiyuan"] == {} and found["zhao-xinyi"] == {}
    assert found["lu-anran"] == {"additional_options.atlas_sevis_number": ("N0045678125", "N0045678999")}


def test_a_missing_class_field_and_one_the_class_does_not_ask_are_both_mismatches() -> None:
    found = _mismatches("student-family", _student_state(atlas_petition_number="EAC2490012345"), "additional_options.")
    assert found["lu-zhiyuan"] == {
        "additional_options.atlas_sevis_number": ("N0045678123", ""),
        "additional_options.atlas_petition_number": ("", "EAC2490012345"),
    }


def test_petition_fields_of_the_principal_and_none_for_the_h4_spouse() -> None:
    state = {
        "additional_options": {"atlas_petition_number": "EAC2490012345", "atlas_petitioner_name": "Example Analytics"},
        "dependents": [{"applicant": {"atlas_passport_number": "ED0000022"}, "additional_options": {}}],
    }
    found = _mismatches("petition-worker", state, "additional_options.")
    assert found == {"qin-haoran": {"additional_options.atlas_petitioner_name": ("Example Analytics Inc.",
                                                                                  "Example Analytics")},
                     "fang-yuqing": {}}


def test_premium_location_is_compared_and_the_free_list_must_stay_empty() -> None:
    shenzhen = PREMIUM_LOCATIONS["Shenzhen"]
    right = {"delivery": {"option": "Premium Location", "premium_location": shenzhen, "pickup_location": None}}
    assert _mismatches("petition-worker", right, "delivery.")["qin-haoran"] == {}
    wrong = {"delivery": {"option": "Premium Location", "premium_location": None,
                          "pickup_location": PICKUP_LOCATIONS["Guangzhou"]}}
    assert _mismatches("petition-worker", wrong, "delivery.")["qin-haoran"] == {
        "delivery.premium_location": (shenzhen, ""),
        "delivery.pickup_location": ("", PICKUP_LOCATIONS["Guangzhou"]),
    }


def test_pick_up_leaves_the_premium_list_empty() -> None:
    shanghai = PICKUP_LOCATIONS["Shanghai"]
    state = {"delivery": {"option": "Pick Up", "pickup_location": shanghai, "premium_location": PREMIUM_LOCATIONS["Suzhou"]}}
    assert _mismatches("student-family", state, "delivery.")["lu-zhiyuan"] == {
        "delivery.premium_location": ("", PREMIUM_LOCATIONS["Suzhou"])}


STUDENT_ANSWERS = {"atlas_iw_q1": "Yes", "atlas_iw_q2": "No", "atlas_iw_q3": "No", "atlas_iw_q4": "No",
                   "atlas_iw_q5": "No", "atlas_iw_q6": "No"}


def _waiver(example: str, answers: dict[str, str] | None) -> dict[str, tuple[str, str]]:
    state = {} if answers is None else {"interview_waiver_answers": answers}
    group = load_group(EXAMPLES / f"{example}.yaml")
    found = compare_account(group, state, today=date(2026, 11, 23))[group.primary.id]
    return {m.field.removeprefix("interview_waiver_answers."): (m.expected, m.received)
            for m in found if m.field.startswith("interview_waiver_answers.")}


def test_waiver_answers_are_compared_with_what_the_facts_decide() -> None:
    assert _waiver("student-family", STUDENT_ANSWERS) == {}
    assert _waiver("student-family", {**STUDENT_ANSWERS, "atlas_iw_q4": "Yes"}) == {"atlas_iw_q4": ("No", "Yes")}
    assert _waiver("student-family", {}) == {name: (word, "") for name, word in STUDENT_ANSWERS.items()}


def test_a_waiver_question_no_fact_decides_must_stay_unanswered() -> None:
    assert _waiver("student-family", {**STUDENT_ANSWERS, "atlas_iw_q7": "No"}) == {"atlas_iw_q7": ("", "No")}


def test_no_waiver_answers_for_a_category_without_waivers() -> None:
    assert _waiver("delegation", {}) == {}
    assert _waiver("delegation", {"atlas_iw_q1": "Yes"}) == {"atlas_iw_q1": ("", "Yes")}
