"""End to end against the mock portal with a real headless browser: what the portal received
is compared with the profile field by field, and the careless-client flags must stay clean.

Most tests drive AccountRunner in-process (one shared browser, a context per run); one goes
through the ``ustd dry-run`` command as a person would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from run_helpers import (
    EXAMPLES,
    ROOT,
    Account,
    assert_clean,
    example_variant,
    mock_account,
    run_account,
    statuses,
)

from assistant.run_record import REMAINING_AT_PAYMENT


def _primary_and_own_delivery_dependent(data: dict[str, Any]) -> None:
    """The delegation cut to its primary and HE ZHENBANG, who picks up his own passport."""
    data["dependents"] = [d for d in data["dependents"] if d["id"] == "he-zhenbang"]


@pytest.fixture()
def small_group(tmp_path: Path) -> Account:
    return Account.from_file(example_variant(tmp_path, "delegation", _primary_and_own_delivery_dependent))


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_example_delegation_reaches_payment_with_exact_data(browser: Any, portal: Any, tmp_path: Path, locale: str) -> None:
    account = Account.from_file(EXAMPLES / "delegation.yaml")
    assert not account.entry.account_exists  # the example signs up through the e-mail code gate

    result = run_account(browser, portal, account, tmp_path, locale=locale, every_page_shot=True)

    assert result.error is None
    assert set(statuses(result.record).values()) == {"ready"}
    shots = [p.screenshot for a in result.record.applicants.values() for p in a.pages if p.status == "submitted"]
    assert shots and all(shots) and all((tmp_path / "run" / shot).is_file() for shot in shots)
    assert result.run.exit_code() == 0
    assert result.record.registered and result.record.gate == "payment"
    assert result.record.fee_summary
    for applicant in result.record.applicants.values():
        assert applicant.remaining == list(REMAINING_AT_PAYMENT)
    state = mock_account(portal, account.entry.username)
    assert_clean(account.group, state)  # includes: honeypot untouched, payment not submitted, no 429
    assert len(state["dependents"]) == 3
    own = next(d for d in state["dependents"] if d["applicant"]["atlas_passport_number"] == "EA0000004")
    assert own["delivery"]["option"] == "Pick Up"  # his own choice, not the primary's premium delivery
    assert all(d["delivery"] is None for d in state["dependents"] if d is not own)
    assert state["flags"]["sessions_expired"] == 0 and state["flags"]["server_errors_served"] == 0
    primary_pages = [p.page for p in result.record.applicants["he-mingyuan"].pages]
    assert primary_pages[0] == "sign_up" and primary_pages[-1] == "payment"
    assert result.record.applicants["he-mingyuan"].pages[0].seconds > 0
    assert [m["code"] for m in portal.state.mails_to(account.entry.sign_up.email)]  # the e-mail code gate was used
    assert "document_delivery" in result.record.applicants["he-zhenbang"].pages_done()


def test_existing_account_signs_in_with_captcha_and_security_questions(browser: Any, portal: Any, tmp_path: Path) -> None:
    account = Account.from_file(EXAMPLES / "single.yaml")
    assert account.entry.account_exists
    account.pre_register(portal)
    assert portal.config.captcha

    result = run_account(browser, portal, account, tmp_path, locale="en-US")

    assert result.error is None
    assert statuses(result.record) == {"song-jiahui": "ready"}
    state = mock_account(portal, account.entry.username)
    assert_clean(account.group, state)
    assert state["flags"]["captcha_failures"] == 0
    assert "sign_up" not in result.record.applicants["song-jiahui"].pages_done()
    assert portal.state.mails_to(account.entry.sign_up.email) == []  # no sign-up code was asked for


def test_second_run_on_filled_portal_adds_no_dependent_twice(
    browser: Any, portal: Any, tmp_path: Path, small_group: Account
) -> None:
    first = run_account(browser, portal, small_group, tmp_path, label="first")
    assert first.error is None and set(statuses(first.record).values()) == {"ready"}
    before = mock_account(portal, small_group.entry.username)

    second = run_account(browser, portal, small_group, tmp_path, label="second", registered=True)

    assert second.error is None and set(statuses(second.record).values()) == {"ready"}
    after = mock_account(portal, small_group.entry.username)
    assert_clean(small_group.group, after)
    assert len(after["dependents"]) == 1
    for key in ("profile", "applicant", "visa_options", "ds160", "dependents", "delivery", "steps_completed"):
        assert after[key] == before[key], key
    dependent = second.record.applicants["he-zhenbang"]
    assert "dependent_contact" not in dependent.pages_done()  # not added again: its pages re-read and kept
    assert "dependent_applicant" in dependent.pages_done() and dependent.missing() == []
    assert {v.status for v in dependent.values.values()} == {"already"}  # the portal held every value
    assert "contact_email" not in dependent.values  # never shown again: taken off with a note, not "entered"
    assert any("HE ZHENBANG was on the portal already" in note for note in second.record.notes)
    assert any("profile was saved before this run" in note for note in second.record.notes)


def test_cli_dry_run_of_single_profile(tmp_path: Path) -> None:
    """The command a person runs: embedded mock, its own browser, report and exit code 0; its bar
    ends full, counting every value the run record tracks."""
    report = tmp_path / "report"
    env = {**os.environ, "USTD_STATE_DIR": str(tmp_path / "state"), "COLUMNS": "160"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "dry-run", str(EXAMPLES / "single.yaml"), "--locale", "en-US",
         "--report", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    run = json.loads((report / "run.json").read_text(encoding="utf-8"))
    applicant = run["accounts"]["song-jiahui"]["applicants"]["song-jiahui"]
    assert applicant["status"] == "ready"
    tracked = len(applicant["values"])
    assert tracked > 20 and all(v["status"] != "missing" for v in applicant["values"].values())
    assert f"{tracked}/{tracked} values ready for payment" in done.stdout, done.stdout
    assert run["accounts"]["song-jiahui"]["gate"] == "payment"
    assert (report / "report.html").is_file()
    assert list((report / "screenshots").glob("*.jpg"))


def test_cli_dry_run_photographing_only_the_stop(tmp_path: Path) -> None:
    """--screenshots failures: the faster dry run keeps just the payment page's picture."""
    report = tmp_path / "report"
    env = {**os.environ, "USTD_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "dry-run", str(EXAMPLES / "single.yaml"), "--report", str(report),
         "--quiet", "--screenshots", "failures"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [p.name.split("-")[-1] for p in (report / "screenshots").glob("*.jpg")] == ["payment.jpg"]
    run = json.loads((report / "run.json").read_text(encoding="utf-8"))
    pages = run["accounts"]["song-jiahui"]["applicants"]["song-jiahui"]["pages"]
    assert [p["page"] for p in pages if p["screenshot"]] == ["payment"]
    assert len(pages) > 5


def test_resuming_a_dry_run_needs_a_running_mock(capsys: pytest.CaptureFixture[str]) -> None:
    """The embedded mock starts empty, so --resume alone would sign in to accounts it lacks."""
    from assistant.cli import main

    with pytest.raises(SystemExit) as done:
        main(["dry-run", str(EXAMPLES / "single.yaml"), "--resume"])
    assert done.value.code == 2
    assert "--portal-url" in capsys.readouterr().err
