"""Sign-up refused because the username exists: the runner reads the portal's field-level
messages, recognises "username exists" (zh-CN and en-US), treats the account as registered and
signs in instead (captcha gate and security questions), and says so; when signing in fails, it
says to set ``account.exists: true`` or choose another username.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from run_helpers import Account, assert_clean, example_variant, mock_account, run_account, statuses

from assistant.sign_in_steps import FOUND_REGISTERED_NOTE
from flows.errors import PortalMessage
from flows.sign_up import SignUpPage, username_taken


def _signs_up(data: dict[str, Any]) -> None:
    data["primary"]["account"]["exists"] = False


@pytest.fixture()
def newcomer(tmp_path: Path) -> Account:
    return Account.from_file(example_variant(tmp_path, "single", _signs_up))


def _register(portal: Any, account: Account, password: str) -> None:
    """The username registered on the portal, with the given password and the profile's answers."""
    entry = account.entry
    portal.state.create_account(
        username=entry.username, password=password, email=entry.sign_up.email,
        given_name=entry.sign_up.given_name, surname=entry.sign_up.surname,
        questions=list(entry.sign_up.questions), answers=[a.get_secret_value() for a in account.secrets.answers],
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_errors_read_field_level_messages_with_their_field(page: Page, portal: Any, locale: str) -> None:
    """The portal's "username exists" is a field-level message beside the username box; the
    page object reads it (and the other field messages) with the field each belongs to."""
    portal.state.create_account(username="taken-user", password="Aa1!aaaa", email="t@example.com",
                                given_name="TAKEN", surname="USER", questions=["q1", "q2", "q3"],
                                answers=["a", "b", "c"])
    for username, taken in (("taken-user", True), ("free-user", False)):
        page.goto(f"{portal.url}/b2c/{locale}/signup")
        page.locator("#signInName").fill(username)
        with page.expect_navigation():
            page.locator("#continue").click()
        messages = SignUpPage(page).errors()
        fields = {m.field_id for m in messages}
        assert {"newPassword", "email", "givenName"} <= fields, messages
        assert ("signInName" in fields) is taken, messages
        assert username_taken(messages) is taken, messages


@pytest.mark.parametrize(
    ("message", "taken"),
    [
        (PortalMessage("A user with the specified ID already exists. Please choose a different one.", "signInName"), True),
        (PortalMessage("该用户名已存在，请选择其他用户名。", "signInName"), True),
        (PortalMessage("具有指定 ID 的用户已存在。请选择其他 ID。"), True),  # B2C's page-level box
        (PortalMessage("A user with the specified ID already exists. Please choose a different one."), True),
        (PortalMessage("This information is required.", "signInName"), False),
        (PortalMessage("该电子邮件地址已存在。", "email"), False),  # the e-mail, not the username
        (PortalMessage("请更正标出的字段。"), False),  # the summary line alone says nothing
    ],
)
def test_username_taken_is_recognised_by_field_and_wording(message: PortalMessage, taken: bool) -> None:
    assert username_taken([message]) is taken


def test_sign_up_finding_the_username_registered_signs_in_instead(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account
) -> None:
    """What a run killed right after the sign-up POST leaves: the account exists, the record
    does not say so. The run signs in with the same secrets and reaches payment, and says so."""
    _register(portal, newcomer, newcomer.secrets.password.get_secret_value())

    result = run_account(browser, portal, newcomer, tmp_path)

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert result.record.registered is True
    assert result.record.notes == [FOUND_REGISTERED_NOTE]
    assert FOUND_REGISTERED_NOTE in (tmp_path / "run" / "run.json").read_text(encoding="utf-8")
    state = mock_account(portal, newcomer.entry.username)
    assert state["flags"]["captcha_failures"] == 0
    assert_clean(newcomer.group, state)


def test_username_taken_by_someone_else_fails_with_what_to_do(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account
) -> None:
    """The username belongs to another account (another password): signing in fails, and the
    error says to set account.exists: true if it is theirs, or to choose another username."""
    _register(portal, newcomer, "Someone#Else9")
    portal.config.update({"captcha": False})

    result = run_account(browser, portal, newcomer, tmp_path, locale="en-US")

    assert result.error is not None
    record = result.record.applicants["song-jiahui"]
    assert record.status == "failed"
    error = record.error or ""
    assert "Signing in failed" in error and "Your password is incorrect." in error
    assert "account.exists: true" in error and "choose another username" in error
    assert "Sign-up refused" not in error
    assert result.record.notes == [FOUND_REGISTERED_NOTE]
    state = mock_account(portal, newcomer.entry.username)
    assert state["applicant"] == {} and state["steps_completed"] == []
