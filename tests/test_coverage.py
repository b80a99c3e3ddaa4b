"""Coverage without a browser: which values must reach the portal, and when an applicant is ready.

The runner's verdict rests on these rules, so they are tested on plain records: a value is
only done when a page the portal took entered it (or showed it), and an applicant with any
value missing is "incomplete" at payment, with each value named and the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from run_helpers import EXAMPLES, Account

from assistant import coverage
from assistant.batch import new_account_record
from assistant.report import write_html
from assistant.run_record import REMAINING_AT_PAYMENT, RunRecord
from flows._fill import FieldOutcome
from flows._portal_map import load_portal_map

OWN = "he-zhenbang"


def _seeded(example: str) -> tuple[Account, object]:
    """The example's account and a run record seeded with every value meant for the portal."""
    account = Account.from_file(EXAMPLES / f"{example}.yaml")
    record = new_account_record(account.entry)
    portal_map = load_portal_map()
    for applicant in account.entry.applicants:
        coverage.seed(record.applicants[applicant.applicant_id],
                      coverage.expected_values(account.entry, applicant, portal_map))
    return account, record


def _account() -> tuple[Account, object]:
    return _seeded("delegation")


def test_every_profile_value_for_the_portal_is_listed_missing_at_first() -> None:
    account, record = _account()
    primary = record.applicants["he-mingyuan"].values
    assert primary["passport_number"].value == account.entry.primary.applicant.passport_number
    assert primary["passport_number"].profile == "passport.number"
    assert {"profile_email", "visa_class", "ds160", "delivery_option", "delivery_street"} <= set(primary)
    assert "national_id" in primary or not account.entry.primary.applicant.national_id  # blank: not expected
    assert {v.status for v in primary.values()} == {"missing"}
    same_delivery = record.applicants["tang-xiaowen"].values
    assert "delivery_option" not in same_delivery  # the group's delivery is the portal's for them
    own = record.applicants[OWN].values
    assert own["delivery_option"].value == "Pick Up" and own["delivery_option"].label.startswith("own document delivery")
    assert {"relation", "contact_email"} <= set(own)


def test_only_outcomes_of_a_taken_page_count_and_not_on_page_says_nothing() -> None:
    _, record = _account()
    applicant = record.applicants["he-mingyuan"]
    coverage.record_outcomes(record, applicant, "applicant_details", [
        FieldOutcome(key="passport_number", value="EA0000001", status="entered", found_by="id", kind="text"),
        FieldOutcome(key="gender", value="Male", status="entered", found_by="label", kind="select",
                     option_how="synonym", option_text="男性"),
        FieldOutcome(key="ds160", value="AA00X", status="not_on_page"),
        FieldOutcome(key="birth_date", value="1/2/1980", status="hidden", detail="hidden by the page"),
    ])
    values = applicant.values
    assert values["passport_number"].status == "entered" and values["passport_number"].page == "applicant_details"
    assert values["gender"].option == "男性" and values["gender"].option_match == "synonym"
    assert values["ds160"].status == "missing" and values["ds160"].detail == ""
    assert values["birth_date"].status == "missing" and "hidden by the page" in values["birth_date"].detail
    assert [(d.key, d.found_by, d.option_match) for d in record.drift] == [("gender", "label", "synonym")]


def test_an_applicant_with_a_value_missing_is_incomplete_with_the_value_named() -> None:
    _, record = _account()
    own = record.applicants[OWN]
    for value in own.values.values():
        value.status = "entered"
    own.values["delivery_option"].status = "missing"
    own.values["pickup_location"].status = "missing"
    coverage.no_page_for(own, coverage.DELIVERY_KEYS, coverage.NO_OWN_DELIVERY_PAGE)

    own.reached_payment(list(REMAINING_AT_PAYMENT))

    assert own.status == "incomplete"
    assert "own document delivery" in (own.error or "") and "Pick Up" in (own.error or "")
    assert "offered no document delivery page" in (own.error or "")
    assert own.remaining[0].startswith("enter by hand: own document delivery")
    run = RunRecord(run_key="k", mode="dry-run", portal_url="http://127.0.0.1", locale="zh-CN", inputs=[],
                    report_dir="/tmp/x", accounts={record.account_id: record})
    for other in record.applicants.values():
        if other is not own:
            for value in other.values.values():
                value.status = "already"
            other.reached_payment(list(REMAINING_AT_PAYMENT))
    assert [a.status for a in run.applicants()].count("ready") == 3
    assert run.exit_code() == 3


def test_the_reports_summary_counts_each_applicants_values_entered(tmp_path: Path) -> None:
    _, record = _account()
    for applicant in record.applicants.values():
        for value in applicant.values.values():
            value.status = "entered"
    own = record.applicants[OWN]
    own.values["delivery_option"].status = own.values["pickup_location"].status = "missing"
    run = RunRecord(run_key="k", mode="dry-run", portal_url="http://127.0.0.1", locale="zh-CN", inputs=[],
                    report_dir=str(tmp_path), accounts={record.account_id: record})

    html = write_html(run).read_text(encoding="utf-8")

    counts = re.findall(r'<td class="values-entered">(\d+) of (\d+)</td>', html)
    expected = [(len(a.values) - len(a.missing()), len(a.values)) for a in record.applicants.values()]
    assert [(int(m), int(n)) for m, n in counts] == expected
    assert (len(own.values) - 2, len(own.values)) in expected


def test_a_dependent_takes_visa_type_and_priority_from_the_primary_only_when_the_same() -> None:
    _, record = _account()
    primary, dependent = record.applicants["he-mingyuan"], record.applicants["tang-xiaowen"]
    primary.values["visa_type"].status = primary.values["priority"].status = "entered"
    dependent.values["priority"].value = "Something else"

    coverage.inherit_from_primary(primary, dependent)

    assert dependent.values["visa_type"].status == "already"
    assert dependent.values["priority"].status == "missing"
    assert "primary applicant's" in dependent.values["priority"].detail


def test_an_earlier_profile_is_noted_not_called_entered() -> None:
    _, record = _account()
    primary = record.applicants["he-mingyuan"]
    coverage.profile_not_shown(record, primary)
    assert not set(coverage.PROFILE_KEYS) & set(primary.values)
    assert any("profile was saved before this run" in note for note in record.notes)


def test_a_students_sevis_id_is_listed_for_the_principal_and_each_dependent() -> None:
    _, record = _seeded("student-family")
    for applicant_id, sevis in (("lu-zhiyuan", "N0045678123"), ("zhao-xinyi", "N0045678124"),
                                ("lu-anran", "N0045678125")):
        values = record.applicants[applicant_id].values
        assert values["sevis_id"].value == sevis and values["sevis_id"].status == "missing"
        assert values["sevis_id"].profile == "visa.sevis_id" and values["sevis_id"].label == "SEVIS ID"
        assert not {"petition_receipt_number", "petitioner_name", "premium_location"} & set(values)


def test_petition_fields_for_the_principal_only_and_premium_location_not_pickup() -> None:
    _, record = _seeded("petition-worker")
    principal = record.applicants["qin-haoran"].values
    assert principal["petition_receipt_number"].value == "EAC2490012345"
    assert principal["petitioner_name"].value == "Example Analytics Inc."
    assert principal["premium_location"].value.startswith("Shenzhen - CITIC Bank Shenzhen Branch")
    assert principal["premium_location"].profile == "delivery.premium_location"
    assert principal["delivery_option"].value == "Premium Location"
    assert "pickup_location" not in principal and "sevis_id" not in principal
    spouse = record.applicants["fang-yuqing"].values  # H-4: the principal's petition covers her
    assert not {"petition_receipt_number", "petitioner_name", "sevis_id"} & set(spouse)


def test_a_sevis_id_no_page_took_leaves_the_student_incomplete_with_it_named() -> None:
    _, record = _seeded("student-family")
    child = record.applicants["lu-anran"]
    for value in child.values.values():
        value.status = "entered"
    child.values["sevis_id"].status = "missing"
    child.reached_payment(list(REMAINING_AT_PAYMENT))
    assert child.status == "incomplete"
    assert "SEVIS ID" in (child.error or "") and "N0045678125" in (child.error or "")


def test_a_value_the_class_does_not_ask_is_never_sent() -> None:
    """A class field given for a class that does not ask it (the rules refuse such a profile) is
    not typed either: the forms carry only the class's required fields."""
    from assistant.portal_forms import account_entry

    account = Account.from_file(EXAMPLES / "petition-worker.yaml")
    group = account.group
    spouse = group.dependents[0]
    odd = group.model_copy(update={"dependents": [spouse.model_copy(update={
        "visa": spouse.visa.model_copy(update={"petition_receipt_number": "EAC2490099999"})})]})
    entry = account_entry(odd)
    values = coverage.applicant_values(entry, entry.dependents[0])
    assert values["petition_receipt_number"] == "" and values["sevis_id"] == ""
    assert "petition_receipt_number" not in coverage.expected_values(entry, entry.dependents[0], load_portal_map())
