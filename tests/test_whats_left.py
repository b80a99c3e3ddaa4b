"""After Ctrl-C the summary says, per applicant, what the portal holds and what is left."""

from __future__ import annotations

from assistant.run_record import AccountRecord, ApplicantRecord, PageRecord, RunRecord
from assistant.whats_left import settle_interrupted


def _record(*, registered: bool) -> RunRecord:
    account = AccountRecord(account_id="a", username="user", registered=registered)
    primary = ApplicantRecord(applicant_id="p", display_name="P", role="primary", status="in_progress",
                              pages=[PageRecord(page="profile", status="submitted"),
                                     PageRecord(page="applicant_details", status="submitted")])
    added = ApplicantRecord(applicant_id="d1", display_name="D1", role="dependent", contact_id="c-1")
    waiting = ApplicantRecord(applicant_id="d2", display_name="D2", role="dependent")
    done = ApplicantRecord(applicant_id="d3", display_name="D3", role="dependent", status="failed", error="x")
    account.applicants = {a.applicant_id: a for a in (primary, added, waiting, done)}
    run = RunRecord(run_key="k", mode="prefill", portal_url="http://127.0.0.1:1", locale="zh-CN", inputs=[],
                    report_dir="/tmp/unused")
    run.accounts["a"] = account
    return run


def test_a_dependent_the_portal_holds_is_in_progress_and_every_row_says_what_is_left() -> None:
    run = _record(registered=False)

    settle_interrupted(run, signs_up=set())

    applicants = run.accounts["a"].applicants
    assert applicants["d1"].status == "in_progress"  # its contact exists on the portal
    assert applicants["d1"].remaining[0] == "on the portal already: added as a dependent (contact)"
    assert applicants["d2"].status == "pending"
    assert applicants["d2"].remaining[0] == "nothing on the portal yet"
    primary = applicants["p"].remaining
    assert primary[0] == "on the portal already: profile, applicant details"
    assert "sign-up" not in primary[1] and "visa options" in primary[1] and primary[1].endswith("--resume")
    assert applicants["d3"].remaining == []  # failed: its error says what to do


def test_an_account_still_to_sign_up_lists_the_sign_up_and_a_dry_run_says_to_run_again() -> None:
    run = _record(registered=False)
    run.accounts["a"].applicants["p"].pages = []

    settle_interrupted(run, signs_up={"a"}, resumable=False)

    left = run.accounts["a"].applicants["p"].remaining[1]
    assert left.startswith("left: sign-up, profile") and "run the dry run again" in left
