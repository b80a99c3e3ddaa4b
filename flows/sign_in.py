"""The B2C sign-in page: what is particular to it (the captcha a person reads, its button)."""

from __future__ import annotations

from flows._base import PortalPage


class SignInPage(PortalPage):
    name = "sign_in"

    def has_captcha(self) -> bool:
        """Several reports say the live page dropped its captcha: a page without one is normal."""
        image = self.page.locator("#captchaImage")
        return image.count() > 0 and image.first.is_visible()

    def captcha_png(self) -> bytes:
        """The captcha as a person sees it, to save beside the run for them to read."""
        return self.page.locator("#captchaImage").first.screenshot()

    def submit(self) -> None:
        """``#next`` on the live page, ``#continue`` on older copies (portal-dom.md)."""
        self.press_and_wait(self.button("next", "Sign in", "登录", also_ids=("continue",)))
