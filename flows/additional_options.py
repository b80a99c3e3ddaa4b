"""Additional Options: the DS-160 confirmation number, which must match the DS-160 exactly."""

from __future__ import annotations

from flows import _fields as f
from flows._base import PortalPage
from flows._locate import type_text


class AdditionalOptionsPage(PortalPage):
    name = "additional_options"
    path = "additional_visa_options"

    def fill(self, ds160: str) -> dict[str, str]:
        type_text(self.page, f.DS160, ds160)
        return {f.DS160.id: ds160}

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
