"""Interview Waiver: for most categories only a notice and Next."""

from __future__ import annotations

from flows._base import PortalPage


class InterviewWaiverPage(PortalPage):
    name = "interview_waiver"
    path = "interview_waiver"

    def fill(self) -> dict[str, str]:
        """Nothing to fill when the category has no waiver; the page's own notice says so."""
        return {}

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
