"""The B2C sign-in page: username, password and, when shown, a captcha a person reads."""

from __future__ import annotations

from flows import _fields as f
from flows._base import PortalPage
from flows._locate import type_secret


class SignInPage(PortalPage):
    name = "sign_in"
    markers = ("#signInName", "#password")

    def has_captcha(self) -> bool:
        image = self.page.locator("#captchaImage")
        return image.count() > 0 and image.first.is_visible()

    def captcha_png(self) -> bytes:
        """The captcha as a person sees it, to save beside the run for them to read."""
        return self.page.locator("#captchaImage").first.screenshot()

    def fill(self, username: str, password: str, captcha_answer: str | None) -> None:
        """Fill the form; the password is typed, never logged (the caller masks secrets)."""
        type_secret(self.page, f.SIGN_IN_NAME, username)  # typed even if the box kept it
        type_secret(self.page, f.PASSWORD, password)
        if captcha_answer is not None:
            type_secret(self.page, f.CAPTCHA, captcha_answer)

    def submit(self) -> None:
        self.press_and_wait(self.button("continue", "Sign in", "登录"))
