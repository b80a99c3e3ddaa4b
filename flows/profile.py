"""The profile page the portal requires to be saved once before its home page."""

from __future__ import annotations

from assistant.portal_forms import ProfileForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import choose, type_text


class ProfilePage(PortalPage):
    name = "profile"
    path = "profile"

    def fill(self, form: ProfileForm) -> dict[str, str]:
        """Fill the visible fields only (never the honeypot); return what was filled."""
        type_text(self.page, f.CONTACT_EMAIL, form.contact_email)
        choose(self.page, f.PREFERRED_LANGUAGE, form.preferred_language)
        choose(self.page, f.PROFILE_COUNTRY, form.country)
        return {
            f.CONTACT_EMAIL.id: form.contact_email,
            f.PREFERRED_LANGUAGE.id: form.preferred_language,
            f.PROFILE_COUNTRY.id: form.country,
        }

    def submit(self) -> None:
        self.press_and_wait(self.button("UpdateButton", "Submit", "提交"))
