"""A student family and a petition-based worker on the mock portal, in both locales (issue 9).

Every run starts from a spreadsheet (the example written into the staff template and read
back), as agencies do. Each dry run must reach payment with every value exact: the mock's stored state compared with
the profile field by field (SEVIS ids, petition numbers and the Premium Location included, by
assistant/verify.py and again here by name), the run's own coverage saying each class field
was entered, and the Interview Waiver answers those the profile's facts give. A waiver question
no fact answers (``waiver-extra``) stops the primary applicant there, named, and is never answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from run_helpers import EXAMPLES, Account, assert_clean, load_group, mock_account, run_account, statuses

from assistant.choices import PREMIUM_LOCATIONS
from assistant.portal_forms import account_entry
from assistant.spreadsheet import import_table, write_template

# What each applicant's Additional Options must hold (box id -> value), from the example files.
CLASS_FIELDS = {
    "lu-zhiyuan": {"atlas_sevis_number": "N0045678123"},
    "zhao-xinyi": {"atlas_sevis_number": "N0045678124"},
    "lu-anran": {"atlas_sevis_number": "N0045678125"},
    "qin-haoran": {"atlas_petition_number": "EAC2490012345", "atlas_petitioner_name": "Example Analytics Inc."},
    "fang-yuqing": {},  # H-4: the principal's petition covers her
}
# The primary's waiver answers as the facts decide them (fixtures/waiver.py names the questions):
# a Chinese citizen applying in China (q1 yes), an adult under 80 (q2, q3 no), the previous visa
# of another class than the one applied for (q4 no: B1/B2 before an F-1, F-1 before an H-1B),
# never refused (q5 no), no visa lost or revoked (q6 no).
WAIVER_ANSWERS = {"atlas_iw_q1": "Yes", "atlas_iw_q2": "No", "atlas_iw_q3": "No", "atlas_iw_q4": "No",
                  "atlas_iw_q5": "No", "atlas_iw_q6": "No"}
RUNS = [  # each example in both locales, from a sheet; the second run of each adds markup variants
    ("student-family", "zh-CN", ()),
    ("student-family", "en-US", ("dependent-merged", "waiver-reworded")),
    ("petition-worker", "en-US", ()),
    ("petition-worker", "zh-CN", ("dependent-merged",)),
]


def _from_sheet(tmp_path: Path, example: str) -> Account:
    """The example as staff would send it: the template filled in, then imported."""
    group = load_group(EXAMPLES / f"{example}.yaml")
    groups, problems = import_table(write_template(tmp_path / f"{example}.xlsx", group))
    assert [p.render() for p in problems if p.severity == "error"] == []
    assert groups == [group]  # the new columns round-trip (SEVIS ids, petition, premium location, history)
    return Account(group=groups[0], entry=account_entry(groups[0]))


def _dry_run(browser: Any, portal: Any, tmp_path: Path, example: str, locale: str,
             variants: tuple[str, ...]) -> tuple[Account, Any, dict[str, Any]]:
    portal.config.update({"variants": list(variants)})
    account = _from_sheet(tmp_path, example)
    result = run_account(browser, portal, account, tmp_path, locale=locale)
    return account, result, mock_account(portal, account.entry.username)


def _additional_options(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each applicant's stored Additional Options boxes, by passport number."""
    found = {state["applicant"]["atlas_passport_number"]: state["additional_options"]}
    for dependent in state["dependents"]:
        found[dependent["applicant"]["atlas_passport_number"]] = dependent.get("additional_options") or {}
    return found


@pytest.mark.parametrize(("example", "locale", "variants"), RUNS,
                         ids=[f"{e}-{loc}{'+' if v else ''}{'+'.join(v)}" for e, loc, v in RUNS])
def test_category_example_reaches_payment_with_exact_data(
    browser: Any, portal: Any, tmp_path: Path, example: str, locale: str, variants: tuple[str, ...]
) -> None:
    account, result, state = _dry_run(browser, portal, tmp_path, example, locale, variants)

    assert result.error is None, result.error
    assert result.record.gate == "payment"
    assert set(statuses(result.record).values()) == {"ready"}, {
        a.applicant_id: a.error for a in result.record.applicants.values()}
    assert result.run.exit_code() == 0
    assert_clean(account.group, state)  # every field, the class fields and the delivery included
    # the class fields once more, by name: a verify.py that compared nothing would pass above
    by_passport = _additional_options(state)
    for applicant in account.group.applicants:
        assert by_passport[applicant.passport.number] == CLASS_FIELDS[applicant.id], applicant.id
        values = result.record.applicants[applicant.id].values
        for key in ("sevis_id", "petition_receipt_number", "petitioner_name"):
            if key in values:
                assert values[key].status == "entered", (applicant.id, key, values[key].detail)
                merged = "dependent-merged" in variants and applicant is not account.group.primary
                assert values[key].page == ("dependent_applicant" if merged else "additional_options")
    primary = account.group.primary
    if example == "petition-worker":  # Premium Location: its own list, the free list left alone
        assert state["delivery"]["option"] == "Premium Location"
        assert state["delivery"]["premium_location"] == PREMIUM_LOCATIONS["Shenzhen"]
        assert state["delivery"]["pickup_location"] is None
        assert result.record.applicants[primary.id].values["premium_location"].status == "entered"
    else:
        assert state["delivery"]["option"] == "Pick Up" and state["delivery"]["premium_location"] is None
    assert state["interview_waiver_answers"] == WAIVER_ANSWERS
    assert state["interview_waiver_eligible"] is False


def test_a_waiver_question_no_fact_answers_stops_the_primary_with_it_named(
    browser: Any, portal: Any, tmp_path: Path
) -> None:
    account, result, state = _dry_run(browser, portal, tmp_path, "student-family", "zh-CN", ("waiver-extra",))

    assert result.run.exit_code() == 3
    primary = result.record.applicants[account.group.primary.id]
    assert primary.status != "ready"
    said = " ".join(filter(None, [primary.error, *result.record.notes,
                                  *(e for p in primary.pages for e in p.errors)]))
    assert "逮捕" in said or "arrested" in said.lower(), said  # the question, as the page words it
    # never guessed: nothing was answered, the page was not submitted
    assert state["interview_waiver_answers"] == {} and state["interview_waiver_done"] is False
    assert state["flags"]["payment_submitted"] is False and state["payment"] is None
    # what came before the waiver page is exact, the class fields included
    assert state["additional_options"] == CLASS_FIELDS[account.group.primary.id]
