"""Visa Options: post, then the category its XHR offers, then a class of that category."""

from __future__ import annotations

from assistant.portal_forms import VisaForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import Field, choose, tick


class VisaOptionsPage(PortalPage):
    name = "visa_options"
    path = "visa_options"

    def fill(self, form: VisaForm) -> dict[str, str]:
        post = self.page.locator("#atlas_post")
        if post.count() == 0 or post.is_enabled():  # a dependent's post is fixed to the primary's
            choose(self.page, f.POST, form.post)
        choose(self.page, f.VISA_TYPE, form.visa_type)
        choose(self.page, f.CATEGORY, form.category)  # waits for the cascade to offer it
        tick(self.page, Field("atlas_visa_class", form.visa_class, form.visa_class))
        choose(self.page, f.PRIORITY, form.priority)
        return {
            "atlas_visa_type": form.visa_type,
            "atlas_post": form.post,
            "atlas_post_visa_category": form.category,
            "atlas_visa_class": form.visa_class,
            "atlas_visa_priority": form.priority,
        }

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
