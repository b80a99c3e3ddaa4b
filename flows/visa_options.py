"""Visa Options: post, then the category its XHR offers, then a class of that category."""

from __future__ import annotations

import re

from assistant.portal_forms import VisaForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import Field, choose, ensure_visible_to_person, locate, tick

# The cascades' requests: post -> categories, category -> classes (the mock's /_api/visa_*).
CATEGORIES_URL = re.compile(r"categor", re.IGNORECASE)
CLASSES_URL = re.compile(r"class", re.IGNORECASE)
CASCADE_TIMEOUT_MS = 15_000


class VisaOptionsPage(PortalPage):
    name = "visa_options"
    path = "visa_options"

    def fill(self, form: VisaForm) -> dict[str, str]:
        post = self.page.locator("#atlas_post")
        if post.count() == 0 or post.is_enabled():  # a dependent's post is fixed to the primary's
            self._cascade(f.POST, form.post, "visa categories", CATEGORIES_URL)
        choose(self.page, f.VISA_TYPE, form.visa_type)
        self._cascade(f.CATEGORY, form.category, "visa classes", CLASSES_URL)
        tick(self.page, Field("atlas_visa_class", form.visa_class, form.visa_class))
        choose(self.page, f.PRIORITY, form.priority)
        return {
            "atlas_visa_type": form.visa_type,
            "atlas_post": form.post,
            "atlas_post_visa_category": form.category,
            "atlas_visa_class": form.visa_class,
            "atlas_visa_priority": form.priority,
        }

    def _cascade(self, field: Field, option_text: str, what: str, url: re.Pattern[str]) -> None:
        """Choose an option whose change makes the page ask the portal for the next select's
        options, and wait on the portal's answer (retried on 429/5xx). Choosing it again on a
        retry fires the change again, so the page asks again."""
        select = locate(self.page, field)
        ensure_visible_to_person(select, field.id)
        shown = select.evaluate("el => el.selectedIndex >= 0 ? el.options[el.selectedIndex].text.trim() : ''")
        if shown == option_text:
            return  # already chosen (a page shown again): its options are on the page
        self.xhr.call(self.page, what, url, lambda: select.select_option(label=option_text, timeout=CASCADE_TIMEOUT_MS))

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))
