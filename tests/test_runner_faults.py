"""The runner against the portal's failure modes (mock knobs): it recovers and ends with exactly
the profile's data, or it fails the right applicant with the portal's own words.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from run_helpers import (
    EXAMPLES,
    Account,
    assert_clean,
    example_variant,
    mock_account,
    run_account,
    statuses,
)

from assistant.gates import MockBackdoorGates
from assistant.portal_forms import AccountEntry, ApplicantEntry
from flows.interstitials import is_server_error, is_too_many_requests, is_waiting_room


def _two_dependents(data: dict[str, Any]) -> None:
    data["dependents"] = data["dependents"][:2]


def _one_dependent(data: dict[str, Any]) -> None:
    data["dependents"] = [d for d in data["dependents"] if d["id"] == "he-zhenbang"]


@pytest.fixture()
def single(portal: Any) -> Account:
    """The existing-account example, registered on the mock: sign-in, no sign-up."""
    account = Account.from_file(EXAMPLES / "single.yaml")
    account.pre_register(portal)
    return account


def _with_dependent(entry: AccountEntry, index: int, **applicant: str) -> AccountEntry:
    """The entry with one dependent's portal data changed behind the profile model's back."""
    dependents = list(entry.dependents)
    changed = dependents[index]
    dependents[index] = dataclasses.replace(changed, applicant=dataclasses.replace(changed.applicant, **applicant))
    return dataclasses.replace(entry, dependents=tuple(dependents))


def _with_primary(entry: AccountEntry, **applicant: str) -> AccountEntry:
    primary: ApplicantEntry = dataclasses.replace(entry.primary, applicant=dataclasses.replace(entry.primary.applicant, **applicant))
    return dataclasses.replace(entry, primary=primary)


# Every Nth page load ends the session again, so the expiry lands on many different pages
# (GETs and POSTs, the primary's and the dependent's) in one run.
@pytest.mark.parametrize("expire_after", [6, 11])
def test_session_expiry_signs_in_again_and_finishes_identically(
    browser: Any, portal: Any, tmp_path: Path, expire_after: int
) -> None:
    account = Account.from_file(example_variant(tmp_path, "delegation", _one_dependent))
    portal.config.update({"session_expiry_after": expire_after})

    result = run_account(browser, portal, account, tmp_path)

    assert result.error is None, result.error
    assert set(statuses(result.record).values()) == {"ready"}
    state = mock_account(portal, account.entry.username)
    assert state["flags"]["sessions_expired"] >= 1
    assert_clean(account.group, state)
    assert len(state["dependents"]) == 1


@pytest.mark.parametrize(
    ("knob", "group"), [("POST applicant_details", "single"), ("visa_options", "single"), ("POST dep_applicant_add", "small")]
)
def test_one_server_error_is_retried(browser: Any, portal: Any, tmp_path: Path, knob: str, group: str) -> None:
    if group == "single":
        account = Account.from_file(EXAMPLES / "single.yaml")
        account.pre_register(portal)
    else:
        account = Account.from_file(example_variant(tmp_path, "delegation", _one_dependent))
    portal.config.update({"fail_once": knob})

    result = run_account(browser, portal, account, tmp_path)

    assert result.error is None, result.error
    assert set(statuses(result.record).values()) == {"ready"}
    state = mock_account(portal, account.entry.username)
    assert state["flags"]["server_errors_served"] == 1
    assert portal.config.fail_once is None
    assert_clean(account.group, state)
    for applicant in result.record.applicants.values():  # a page that got a 500 is not counted as done
        submitted = [p.page for p in applicant.pages if p.status == "submitted"]
        assert len(submitted) == len(set(submitted)), submitted


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_server_error_page_is_recognised_by_its_text(page: Page, portal: Any, locale: str) -> None:
    """Power Pages' "Sorry, but there's been an error." page, whatever status it came with."""
    portal.config.update({"fail_once": "GET profile"})
    page.goto(f"{portal.url}/{locale}/profile/")
    assert is_server_error(page)
    assert not is_waiting_room(page) and not is_too_many_requests(page)
    page.goto(f"{portal.url}/b2c/{locale}/signin")
    assert not is_server_error(page)


def test_waiting_room_is_waited_out(browser: Any, portal: Any, tmp_path: Path, single: Account) -> None:
    portal.config.update({"waiting_room_seconds": 1.5})

    result = run_account(browser, portal, single, tmp_path)

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert_clean(single.group, mock_account(portal, single.entry.username))


def test_slow_portal_cascades_are_waited_on(browser: Any, portal: Any, tmp_path: Path, single: Account) -> None:
    portal.config.update({"latency_ms": 150})

    result = run_account(browser, portal, single, tmp_path, locale="en-US")

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert_clean(single.group, mock_account(portal, single.entry.username))


class WrongCaptchaOnce(MockBackdoorGates):
    """A person who misreads the first captcha."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.asked = 0

    def captcha(self, page: Page, image_png: bytes, label: str) -> str | None:
        self.asked += 1
        answer = super().captcha(page, image_png, label)
        return "WRONG" if self.asked == 1 else answer


def test_wrong_captcha_once_then_signed_in(browser: Any, portal: Any, tmp_path: Path, single: Account) -> None:
    gates = WrongCaptchaOnce(portal.url)

    result = run_account(browser, portal, single, tmp_path, gates=gates)

    assert result.error is None, result.error
    assert gates.asked == 2
    state = mock_account(portal, single.entry.username)
    assert state["flags"]["captcha_failures"] == 1
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert_clean(single.group, state)


def test_dependent_refused_at_contact_fails_alone(browser: Any, portal: Any, tmp_path: Path) -> None:
    """The portal refuses one dependent's contact e-mail: that one fails, the others reach payment."""
    account = Account.from_file(example_variant(tmp_path, "delegation", _two_dependents))
    bad = account.entry.dependents[0]
    assert bad.contact is not None
    dependents = (dataclasses.replace(bad, contact=dataclasses.replace(bad.contact, email="not-an-address")),
                  *account.entry.dependents[1:])
    account.entry = dataclasses.replace(account.entry, dependents=dependents)

    result = run_account(browser, portal, account, tmp_path, locale="en-US")

    assert result.error is None, result.error
    assert statuses(result.record) == {"he-mingyuan": "ready", "tang-xiaowen": "failed", "he-yutong": "ready"}
    error = result.record.applicants["tang-xiaowen"].error or ""
    assert "dependent_contact" in error and "profile field: contact_email" in error
    assert result.run.exit_code() == 3
    state = mock_account(portal, account.entry.username)
    assert_clean(account.group, state, skip={"tang-xiaowen"})
    assert [d["applicant"]["atlas_passport_number"] for d in state["dependents"]] == ["EA0000003"]


def test_dependent_refused_at_applicant_page_is_taken_off_and_the_others_finish(
    browser: Any, portal: Any, tmp_path: Path
) -> None:
    """A dependent's phone is refused after the portal created the dependent: that dependent
    fails with the field to fix, is removed again through the row menu, and the others reach
    payment; nothing is left half-added on the portal."""
    account = Account.from_file(example_variant(tmp_path, "delegation", _two_dependents))
    account.entry = _with_dependent(account.entry, 0, mobile_phone="1380000000A")

    result = run_account(browser, portal, account, tmp_path, locale="en-US")

    assert result.error is None, result.error
    assert statuses(result.record) == {"he-mingyuan": "ready", "tang-xiaowen": "failed", "he-yutong": "ready"}
    error = result.record.applicants["tang-xiaowen"].error or ""
    assert "dependent_applicant" in error and "profile field: mobile_phone" in error
    assert "removed from the portal's application" in error and "--resume" in error
    assert result.run.exit_code() == 3
    state = mock_account(portal, account.entry.username)
    assert [d["applicant"]["atlas_passport_number"] for d in state["dependents"]] == ["EA0000003"]
    assert_clean(account.group, state, skip={"tang-xiaowen"})


def test_primary_refused_fails_the_whole_account(browser: Any, portal: Any, tmp_path: Path, single: Account) -> None:
    single.entry = _with_primary(single.entry, passport_expiry_date="1/1/2020")

    result = run_account(browser, portal, single, tmp_path, locale="en-US")

    assert result.error is not None
    record = result.record.applicants["song-jiahui"]
    assert record.status == "failed"
    assert "applicant_details" in (record.error or "") and "profile field: passport.expiry_date" in (record.error or "")
    assert result.run.exit_code() == 3
    state = mock_account(portal, single.entry.username)
    assert state["applicant"] == {} and "applicant_details" not in state["steps_completed"]
    assert state["flags"]["payment_submitted"] is False
