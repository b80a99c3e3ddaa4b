"""The Interview Waiver page: every yes/no question shown is read, recognised by its wording
(the portal map's ``interview_waiver`` fields) and answered only when the facts decide it.

Page-level tests on ``page.set_content`` snippets drawn like the mock's template
(fixtures/templates/interview_waiver.html) with the mock's own catalogue texts, so the standard
and reworded wordings of both locales are the ones the mock shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flows._portal_map import load_portal_map
from flows._specs import FieldSpec
from flows.waiver_questions import (
    NOT_RECOGNISED, answer_questions, read_again, recognise, shown_questions, wording_key,
)
from fixtures.waiver import EXTRA_QUESTION, QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = {locale: json.loads((ROOT / "fixtures" / "messages" / f"{locale}.json").read_text(encoding="utf-8"))
            for locale in ("en-US", "zh-CN")}
# The mock's meaning names (fixtures/waiver.py) are the portal map's keys, except "ever_arrested",
# which no fact answers and the map does not know.
FACTS = {"citizen_or_resident": "Yes", "under_14": "No", "age_80_or_older": "No",
         "previous_visa_same_class_48_months": "No", "ever_refused": "No", "visa_lost_stolen_revoked": "Yes"}


def specs() -> tuple[FieldSpec, ...]:
    return load_portal_map().page("interview_waiver").fields


def decide_all(meaning: str) -> tuple[str | None, str]:
    return FACTS.get(meaning), f"fact for {meaning}"


def group(name: str, text: str, locale: str, attrs: str = "") -> str:
    """One question as the mock draws it: a fieldset, its legend, radios valued 1 (Yes) and 0 (No)."""
    t = MESSAGES[locale]
    return f"""
  <fieldset class="waiver-question" id="{name}_group" role="radiogroup" aria-labelledby="{name}_label" {attrs}>
    <legend class="waiver-legend" id="{name}_label">{text}<span class="required-star"> *</span></legend>
    <div class="radio-list">
      <div class="radio"><input type="radio" id="{name}_1" name="{name}" value="1"><label for="{name}_1">{t['waiver.yes']}</label></div>
      <div class="radio"><input type="radio" id="{name}_0" name="{name}" value="0"><label for="{name}_0">{t['waiver.no']}</label></div>
    </div>
  </fieldset>"""


def waiver_page(locale: str, style: str = "q", extra: bool = False, honeypot: str = "") -> str:
    questions = list(QUESTIONS) + ([EXTRA_QUESTION] if extra else [])
    body = "".join(group(q.name, MESSAGES[locale][f"waiver.{style}.{q.meaning}"], locale) for q in questions)
    return f'<form id="content_form">{honeypot}{body}<input type="submit" id="NextButton" value="Next"></form>'


def checked(page: Any, name: str) -> str | None:
    return page.evaluate(f"() => {{ const r = document.querySelector('input[name={name}]:checked'); return r ? r.value : null; }}")


@pytest.fixture()
def page(shared_page: Any) -> Any:
    shared_page.goto("about:blank")
    return shared_page


# --- recognising a wording (no browser) -----------------------------------------------------


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("style", ["q", "alt"])
def test_the_mocks_standard_and_reworded_wordings_are_recognised_in_both_locales(locale: str, style: str) -> None:
    for question in QUESTIONS:
        text = MESSAGES[locale][f"waiver.{style}.{question.meaning}"]
        assert recognise(text, specs()) == question.meaning, text


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_question_no_fact_answers_is_not_recognised(locale: str) -> None:
    assert recognise(MESSAGES[locale]["waiver.q.ever_arrested"], specs()) is None


def test_spacing_width_and_punctuation_aside_nothing_looser_matches() -> None:
    assert recognise("您是否未满14周岁?", specs()) == "under_14"
    assert recognise("  ARE YOU UNDER 14 YEARS OF AGE  ", specs()) == "under_14"
    assert recognise("Are you not under 14 years of age?", specs()) is None
    assert recognise("Are you under 15 years of age?", specs()) is None
    assert recognise("", specs()) is None
    assert wording_key("Have you ever been refused a U.S. visa?") == wording_key("have you ever been refused a US visa")


def test_the_any_class_and_same_class_wordings_are_told_apart() -> None:
    assert recognise("Do you have a previous U.S. visa in any class that expired within the last 48 months?",
                     specs()) == "previous_visa_48_months"
    assert recognise("Do you have a previous U.S. visa in the same visa class that expired within the last 48 months?",
                     specs()) == "previous_visa_same_class_48_months"


def test_a_wording_listed_under_two_meanings_recognises_neither() -> None:
    text = "Are you under 14 years of age?"
    twice = (FieldSpec("under_14", labels=(text,)), FieldSpec("age_80_or_older", labels=(text,)))
    assert recognise(text, twice) is None


def test_staff_teach_a_new_wording_with_a_portal_map_override(tmp_path: Path) -> None:
    override = tmp_path / "map.yaml"
    override.write_text('version: 1\npages:\n  interview_waiver:\n    fields:\n      under_14:\n'
                        '        labels: ["Is the applicant below the age of fourteen?"]\n', encoding="utf-8")
    fields = load_portal_map(override, config_dir=tmp_path / "none").page("interview_waiver").fields
    assert recognise("Is the applicant below the age of fourteen?", fields) == "under_14"
    assert recognise("Is the applicant below the age of fourteen?", specs()) is None


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "style"), [("en-US", "q"), ("zh-CN", "q"), ("en-US", "alt"), ("zh-CN", "alt")])
def test_every_question_shown_is_answered_from_the_facts(page: Any, locale: str, style: str) -> None:
    page.set_content(waiver_page(locale, style))
    outcomes = answer_questions(page, specs(), decide_all)
    assert [(o.meaning, o.answer, o.by) for o in outcomes] == [(q.meaning, FACTS[q.meaning], "facts") for q in QUESTIONS]
    for question in QUESTIONS:
        assert checked(page, question.name) == ("1" if FACTS[question.meaning] == "Yes" else "0"), question.meaning
    assert all(not o.open for o in outcomes)


def test_an_unknown_question_is_never_answered_and_is_named(page: Any) -> None:
    page.set_content(waiver_page("zh-CN", extra=True))
    outcomes = answer_questions(page, specs(), decide_all)
    still = [o for o in outcomes if o.open]
    assert [(o.question, o.meaning, o.why) for o in still] == [
        (MESSAGES["zh-CN"]["waiver.q.ever_arrested"], None, NOT_RECOGNISED)]
    assert checked(page, EXTRA_QUESTION.name) is None
    assert checked(page, "atlas_iw_q1") == "1"  # the others are answered


def test_a_question_the_facts_do_not_decide_is_left_unanswered(page: Any) -> None:
    page.set_content(waiver_page("en-US"))

    def decide(meaning: str) -> tuple[str | None, str]:
        return (None, "ever_refused_us_visa is empty") if meaning == "ever_refused" else decide_all(meaning)

    outcomes = answer_questions(page, specs(), decide)
    refused = next(o for o in outcomes if o.meaning == "ever_refused")
    assert (refused.answer, refused.by, refused.why) == (None, "nobody", "ever_refused_us_visa is empty")
    assert checked(page, "atlas_iw_q5") is None


HONEYPOTS = {
    "off-screen": 'style="position:absolute;left:-10000px;top:0"',
    "aria-hidden": 'aria-hidden="true"',
    "display-none": 'style="display:none"',
    "opacity-0": 'style="opacity:0"',
}


@pytest.mark.parametrize("disguise", sorted(HONEYPOTS))
def test_a_hidden_group_is_never_read_nor_touched(page: Any, disguise: str) -> None:
    text = MESSAGES["en-US"]["waiver.q.under_14"]
    trap = group("iw_trap", text, "en-US", HONEYPOTS[disguise])
    page.set_content(waiver_page("en-US", honeypot=trap))
    assert "iw_trap" not in [q.name for q in shown_questions(page)]
    outcomes = answer_questions(page, specs(), decide_all)
    assert all(not o.open for o in outcomes)
    assert checked(page, "iw_trap") is None
    assert checked(page, "atlas_iw_q2") == "0"


def test_a_category_without_waivers_shows_no_question(page: Any) -> None:
    page.set_content('<form><p id="interview_waiver_message">This Visa Category does not support Interview Waivers.'
                     '</p><input type="submit" id="NextButton"></form>')
    assert answer_questions(page, specs(), decide_all) == []


def test_questions_labelled_by_aria_or_by_the_text_before_them_are_read(page: Any) -> None:
    page.set_content("""
      <span id="q_a">Are you under 14 years of age?</span>
      <div role="radiogroup" aria-labelledby="q_a">
        <label><input type="radio" name="a" value="1"> Yes</label><label><input type="radio" name="a" value="0"> No</label></div>
      <p>Have you ever been refused a U.S. visa?</p>
      <div><label><input type="radio" name="b" value="1"> Yes</label><label><input type="radio" name="b" value="0"> No</label></div>""")
    assert [q.text for q in shown_questions(page)] == ["Are you under 14 years of age?", "Have you ever been refused a U.S. visa?"]
    outcomes = answer_questions(page, specs(), decide_all)
    assert [(o.meaning, o.answer) for o in outcomes] == [("under_14", "No"), ("ever_refused", "No")]
    assert (checked(page, "a"), checked(page, "b")) == ("0", "0")


def test_what_a_person_answers_after_being_asked_counts_as_theirs(page: Any) -> None:
    page.set_content(waiver_page("zh-CN", extra=True))
    outcomes = answer_questions(page, specs(), decide_all)
    page.check(f"#{EXTRA_QUESTION.name}_0")  # the person answers in the browser
    again = read_again(page, outcomes, specs())
    arrested = next(o for o in again if o.meaning is None)
    assert (arrested.answer, arrested.by) == ("否", "person")
    assert all(not o.open for o in again)


def test_an_answer_already_on_the_page_is_kept_when_the_facts_do_not_decide(page: Any) -> None:
    page.set_content(waiver_page("en-US"))
    page.check("#atlas_iw_q5_0")  # given by a person in an earlier attempt
    outcomes = answer_questions(page, specs(), lambda m: (None, "unknown") if m == "ever_refused" else decide_all(m))
    refused = next(o for o in outcomes if o.meaning == "ever_refused")
    assert (refused.answer, refused.by) == ("No", "page")
