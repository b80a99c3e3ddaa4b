"""Interview-waiver answers from the facts (assistant/waiver.py): every meaning yes, no and
undecided, the age and 48-month edges, the same-class wording; and the report shows them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant import waiver
from assistant.profile_files import load_group
from assistant.report import write_html
from assistant.run_record import AccountRecord, ApplicantRecord, RunRecord
from assistant.waiver import NO, YES, WaiverFacts, age_on, answer, birthday, facts_of, months_before
from flows.waiver_questions import NOT_RECOGNISED, QuestionOutcome

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 23)
STUDENT = WaiverFacts(
    birth_date=date(1995, 3, 12), nationality="China", visa_class="F-1", previous_visa_class="B1/B2",
    previous_visa_issue_date=date(2019, 7, 1), previous_visa_expiry_date=date(2024, 6, 30),
    ever_refused=False, visa_lost_stolen_revoked=False,
)
UNKNOWN = WaiverFacts(birth_date=date(1995, 3, 12), nationality="China", visa_class="F-1")
NEVER = replace(UNKNOWN, previous_visa_class="none")


def said(meaning: str, facts: WaiverFacts, today: date = TODAY) -> str | None:
    return answer(meaning, facts, today).answer


# --- citizen or resident of the country of application (mainland China) -------------------


def test_a_chinese_national_applying_in_china_is_a_citizen() -> None:
    assert answer("citizen_or_resident", STUDENT, TODAY) == waiver.WaiverAnswer(
        "citizen_or_resident", YES, "nationality China: applying in China")


@pytest.mark.parametrize("nationality", ["Hong Kong", "Macau", "Taiwan", "Japan"])
def test_other_nationalities_are_left_to_a_person(nationality: str) -> None:
    found = answer("citizen_or_resident", replace(STUDENT, nationality=nationality), TODAY)
    assert found.answer is None and nationality in found.why


# --- age -----------------------------------------------------------------------------------


def test_under_14_turns_no_on_the_14th_birthday() -> None:
    child = replace(STUDENT, birth_date=date(2012, 11, 24))
    assert answer("under_14", child, TODAY) == waiver.WaiverAnswer("under_14", YES, "born 2012-11-24: 13 on 2026-11-23")
    assert said("under_14", child, date(2026, 11, 24)) == NO
    assert said("under_14", STUDENT) == NO


def test_80_or_older_turns_yes_on_the_80th_birthday() -> None:
    elder = replace(STUDENT, birth_date=date(1946, 11, 24))
    assert said("age_80_or_older", elder) == NO
    assert said("age_80_or_older", elder, date(2026, 11, 24)) == YES


def test_a_29_february_birthday_counts_from_1_march() -> None:
    leap = date(2012, 2, 29)
    assert birthday(leap, 14) == date(2026, 3, 1)
    assert (age_on(leap, date(2026, 2, 28)), age_on(leap, date(2026, 3, 1))) == (13, 14)


# --- a previous visa that expired within 48 months ----------------------------------------


def test_the_48_month_window_includes_its_first_day() -> None:
    same = replace(STUDENT, previous_visa_class="F-1")
    assert said("previous_visa_same_class_48_months", replace(same, previous_visa_expiry_date=date(2022, 11, 23))) == YES
    assert said("previous_visa_same_class_48_months", replace(same, previous_visa_expiry_date=date(2022, 11, 22))) == NO
    assert said("previous_visa_48_months", replace(STUDENT, previous_visa_expiry_date=date(2022, 11, 23))) == YES
    assert said("previous_visa_48_months", replace(STUDENT, previous_visa_expiry_date=date(2022, 11, 22))) == NO


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_before(date(2026, 11, 23), 48) == date(2022, 11, 23)
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2028, 2, 29), 48) == date(2024, 2, 29)
    assert months_before(date(2029, 2, 28), 12) == date(2028, 2, 28)


def test_the_same_class_wording_needs_the_class_applied_for() -> None:
    found = answer("previous_visa_same_class_48_months", STUDENT, TODAY)
    assert (found.answer, found.why) == (NO, "previous visa B1/B2, applying for F-1: not the same class")
    assert said("previous_visa_48_months", STUDENT) == YES  # any class: the B1/B2 counts
    assert said("previous_visa_same_class_48_months", replace(STUDENT, previous_visa_class="F-1")) == YES


def test_a_visa_still_valid_is_left_to_a_person() -> None:
    valid = replace(STUDENT, previous_visa_expiry_date=date(2027, 1, 1))
    assert said("previous_visa_48_months", valid) is None
    assert said("previous_visa_48_months", replace(STUDENT, previous_visa_expiry_date=TODAY)) is None


def test_previous_visa_questions_without_the_facts_are_undecided() -> None:
    for meaning in ("previous_visa_48_months", "previous_visa_same_class_48_months", "previous_visa_issued_on_or_after_14"):
        assert said(meaning, UNKNOWN) is None, meaning
        assert said(meaning, NEVER) == NO, meaning
    no_dates = replace(STUDENT, previous_visa_issue_date=None, previous_visa_expiry_date=None)
    assert said("previous_visa_48_months", no_dates) is None
    assert said("previous_visa_issued_on_or_after_14", no_dates) is None


def test_issued_on_or_after_the_14th_birthday() -> None:
    teen = replace(STUDENT, birth_date=date(2005, 7, 1))
    assert said("previous_visa_issued_on_or_after_14", replace(teen, previous_visa_issue_date=date(2019, 7, 1))) == YES
    assert said("previous_visa_issued_on_or_after_14", replace(teen, previous_visa_issue_date=date(2019, 6, 30))) == NO


# --- refusals, lost or revoked visas ------------------------------------------------------


def test_ever_refused_is_the_fact_or_undecided() -> None:
    assert said("ever_refused", STUDENT) == NO
    assert said("ever_refused", replace(STUDENT, ever_refused=True)) == YES
    assert said("ever_refused", UNKNOWN) is None
    assert said("ever_refused", NEVER) is None  # refused without ever holding a visa is possible


def test_lost_stolen_or_revoked() -> None:
    assert said("visa_lost_stolen_revoked", STUDENT) == NO
    assert said("visa_lost_stolen_revoked", replace(STUDENT, visa_lost_stolen_revoked=True)) == YES
    assert said("visa_lost_stolen_revoked", UNKNOWN) is None
    assert said("visa_lost_stolen_revoked", NEVER) == NO  # no visa, none lost


def test_a_meaning_not_known_here_and_missing_facts_are_never_answered() -> None:
    assert said("ever_arrested", STUDENT) is None
    assert waiver.decider(None, TODAY)("under_14")[0] is None
    assert waiver.decider(STUDENT, TODAY)("under_14") == (NO, "born 1995-03-12: 31 on 2026-11-23")


def test_every_meaning_of_the_portal_map_is_answered_here() -> None:
    from flows._portal_map import load_portal_map

    assert [f.key for f in load_portal_map().page("interview_waiver").fields] == list(waiver.MEANINGS)


# --- from the profile, to the report ------------------------------------------------------


def test_the_student_familys_facts_answer_every_standard_question() -> None:
    group = load_group(ROOT / "profiles" / "examples" / "student-family.yaml", today=TODAY)
    facts = facts_of(group.primary)
    assert facts == replace(STUDENT, birth_date=group.primary.birth_date)
    got = {m: a.answer for m, a in waiver.answers(waiver.MEANINGS, facts, TODAY).items()}
    assert got == {
        "citizen_or_resident": YES, "under_14": NO, "age_80_or_older": NO, "previous_visa_48_months": YES,
        "previous_visa_same_class_48_months": NO, "previous_visa_issued_on_or_after_14": YES, "ever_refused": NO,
        "visa_lost_stolen_revoked": NO,
    }


def test_the_stop_message_and_the_report_name_each_question_and_why(tmp_path: Path) -> None:
    outcomes = [
        QuestionOutcome("Are you under 14 years of age?", "under_14", NO, "facts", "born 1995-03-12: 31 on 2026-11-23"),
        QuestionOutcome("Have you ever been arrested?", None, None, "nobody", NOT_RECOGNISED),
    ]
    message = waiver.stop_message([o for o in outcomes if o.open])
    assert "“Have you ever been arrested?” (not a question the assistant recognises" in message
    assert "add its wording to your portal map" in message and "fill it in the profile" not in message
    assert "Are you under 14" not in message
    undecided = QuestionOutcome("您是否曾被拒发美国签证？", "ever_refused", None, "nobody", "ever_refused_us_visa is empty")
    assert "fill it in the profile" in waiver.stop_message([undecided])
    assert "portal map" not in waiver.stop_message([undecided])
    primary = ApplicantRecord(applicant_id="lu", display_name="LU ZHIYUAN", role="primary", status="failed",
                              error=message, waiver=waiver.records(outcomes))
    record = RunRecord(run_key="k", mode="dry-run", portal_url="http://127.0.0.1:1", locale="en-US", inputs=["x.yaml"],
                       report_dir=str(tmp_path),
                       accounts={"lu": AccountRecord(account_id="lu", username="lu", applicants={"lu": primary})})
    html = write_html(record).read_text(encoding="utf-8")
    assert "1 left for a person" in html
    assert "Have you ever been arrested?" in html and "NOT ANSWERED" in html
    assert "born 1995-03-12: 31 on 2026-11-23" in html and "the profile&#39;s facts" in html
