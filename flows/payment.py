"""The payment page: where every run stops. Nothing here presses Submit."""

from __future__ import annotations

import re

from flows._base import PortalPage


class PaymentPage(PortalPage):
    name = "payment"

    def fee_summary(self) -> str:
        """The portal's summary of charges, for the person who will pay."""
        summary = self.page.locator("#fee_summary, .fee-summary, table").first
        text = summary.inner_text() if summary.count() else self.page.locator("body").inner_text()
        return re.sub(r"[ \t]+", " ", text).strip()
