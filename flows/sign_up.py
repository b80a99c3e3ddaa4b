"""The B2C sign-up page: its e-mail code control (a human gate), its button, what its messages mean."""

from __future__ import annotations

import re

from flows._base import PortalPage
from flows.errors import PortalMessage

# What B2C says when the username is registered already. Beside the username box (as the
# mock shows it), any "already exists" wording; in the page-level box (where B2C's
# validation profile puts it), only a wording about the user/username.
# en-US: "A user with the specified ID already exists. Please choose a different one.";
# zh-CN: "具有指定 ID 的用户已存在。请选择其他 ID。", "该用户名已存在，请选择其他用户名。".
USERNAME_TAKEN = re.compile(
    r"already exists|already in use|already taken|already registered|已存在|已经存在|已被使用|已被占用|已被注册",
    re.IGNORECASE,
)
USER_TAKEN_ON_PAGE = re.compile(
    r"user with the specified ID already exists|username (?:already exists|is already (?:in use|taken))"
    r"|用户已存在|用户名已存在|用户名已被(?:使用|占用|注册)",
    re.IGNORECASE,
)

USERNAME_ID = "signInName"

# The e-mail control's requests: the mock's /send_code, B2C's .../emailVerificationControl/SendCode.
SEND_CODE_URL = re.compile(r"send_?code", re.IGNORECASE)
VERIFY_CODE_URL = re.compile(r"verify_?code", re.IGNORECASE)


def username_taken(messages: list[PortalMessage]) -> bool:
    """True if the portal refused the sign-up because the username is registered already.

    Recognised by the field the message belongs to (the username) and by its wording, so a
    taken e-mail address or a page-level summary ("please correct the fields") is not it.
    """
    return any(
        (m.field_id == USERNAME_ID and USERNAME_TAKEN.search(m.text))
        or (m.field_id is None and USER_TAKEN_ON_PAGE.search(m.text))
        for m in messages
    )


class SignUpPage(PortalPage):
    name = "sign_up"
    submit_button = ("continue", "Create", "创建")

    def send_code(self) -> None:
        """Ask the portal to e-mail a verification code: wait on the portal's answer to that
        request (retried on 429/5xx), then for the code box the page shows."""
        send = self.page.locator("#email_ver_but_send")
        self.xhr.call(self.page, "send verification code", SEND_CODE_URL, send.click)
        self.page.locator("#email_ver_input").wait_for(state="visible")

    def verify_code(self) -> None:
        """Have the portal check the typed code; XhrRefused if the portal says it is wrong."""
        verify = self.page.locator("#email_ver_but_verify")
        self.xhr.call(self.page, "verify e-mail code", VERIFY_CODE_URL, verify.click)
        self.page.locator("#email_ver_input").wait_for(state="hidden")
