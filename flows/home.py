"""The portal's home page: start (or continue) the application."""

from __future__ import annotations

from flows._base import PortalPage


class HomePage(PortalPage):
    name = "home"
    path = ""

    def start_application(self) -> None:
        self.press_and_wait(self.page.locator("#start_application"))

    def continue_application(self) -> None:
        self.press_and_wait(self.page.locator("#continue_application"))
