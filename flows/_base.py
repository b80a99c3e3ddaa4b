"""The page-object base: recognise a page, read its errors, press its buttons like a person.

Every portal page is a full page load (Power Pages), so pressing Submit/Next waits for the
next document; what that document is, the runner decides by recognising it again.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page

from flows._xhr import XhrRetry
from flows.errors import PortalMessage

LOCALE_PATH = re.compile(r"^/(?P<locale>[a-z]{2}-[A-Z]{2})(?P<rest>/.*)?$")


def portal_path(url: str) -> str:
    """The page's path after the locale, without slashes: '' for home, 'applicant_details'."""
    path = urlparse(url).path
    match = LOCALE_PATH.match(path)
    rest = match.group("rest") if match else path
    return (rest or "").strip("/")


def query_value(url: str, name: str) -> str | None:
    values = parse_qs(urlparse(url).query).get(name)
    return values[0] if values else None


# Visible field-level messages with the id of the field each belongs to: from the message's
# own id (``signInName_error``), else the input in the same entry (B2C's markup has no id on
# the message), else the label's ``for``.
_FIELD_MESSAGES = """() => {
    const seen = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
        && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[aria-hidden="true"]');
    const found = [];
    for (const el of document.querySelectorAll('.error.itemLevel, .validator-text, span.field-validation-error')) {
        const text = (el.innerText || '').replace(/\\s+/g, ' ').trim();
        if (!text || !seen(el)) continue;
        let id = el.id && el.id.endsWith('_error') ? el.id.slice(0, -'_error'.length) : '';
        const entry = el.closest('.entry-item, .attrEntry, li, .form-group, td, .cell');
        if (!id && entry) {
            const input = entry.querySelector('input:not([type=hidden]), select, textarea');
            const label = entry.querySelector('label[for]');
            id = input && input.id ? input.id : (label ? label.getAttribute('for') : '');
        }
        found.push([text, id || '']);
    }
    return found;
}"""


def _exactly_one_of(texts: tuple[str, ...]) -> re.Pattern[str]:
    """A name equal to one of ``texts``, as ``exact=True`` compares it (white space normalised):
    only what a JavaScript regex treats specially is escaped."""
    words = (re.sub(r"[\\^$.*+?()[\]{}|/]", r"\\\g<0>", " ".join(text.split())) for text in texts)
    return re.compile("^(?:" + "|".join(words) + ")$")


class PortalPage:
    """One page of the portal: what is particular to it (its buttons, what its messages mean).

    Which page is showing is decided by ``flows.recognise`` from the portal map, and its
    fields are filled by ``flows._fill`` from the same map: neither is a page object's job."""

    name: ClassVar[str] = "page"
    submit_button: ClassVar[tuple[str, ...]] = ("NextButton", "Next", "下一步")  # id, then texts

    def __init__(self, page: Page, xhr: XhrRetry | None = None) -> None:
        self.page = page
        self.xhr = xhr or XhrRetry()  # how this page's in-page requests are retried

    def errors(self) -> list[PortalMessage]:
        """The portal's own error messages on this page, each tied to a field where it names one:
        the validation summary, the page-level panels and every visible field-level message
        (B2C's ``div.error.itemLevel`` beside its input, Power Pages' field validators)."""
        messages: list[PortalMessage] = []
        summary_links = self.page.locator(".validation-summary li")
        for index in range(summary_links.count()):
            item = summary_links.nth(index)
            link = item.locator("a")
            field_id = None
            if link.count():
                href = link.first.get_attribute("href") or ""
                field_id = re.sub(r"_label$", "", href.lstrip("#")) or None
            messages.append(PortalMessage(item.inner_text().strip(), field_id))
        for css in ("#MessagePanel.alert-danger", "#MessagePanel .alert-danger", "#claimVerificationServerError"):
            panel = self.page.locator(css)
            if panel.count() and panel.first.is_visible():
                text = panel.first.inner_text().strip()
                if text:
                    messages.append(PortalMessage(text))
        for text, field_id in self.page.evaluate(_FIELD_MESSAGES):
            message = PortalMessage(text, field_id or None)
            if message in messages:
                continue
            bare = next((i for i, m in enumerate(messages) if m.text == text and m.field_id is None), None)
            if bare is not None and field_id:  # a field-less line of the summary: now with its field
                messages[bare] = message
            else:
                messages.append(message)
        return messages

    def button(self, button_id: str, *texts: str, also_ids: tuple[str, ...] = ()) -> Locator:
        """A button by its Power Pages id, else by its visible value/text (resolved at click):
        an ``<input type=button>`` or a ``<button>`` alike.

        The first in the page of: the ids, the inputs with one of the values, the buttons whose
        accessible name is exactly one of the texts. One role query for all the texts: the page
        computes every element's role for each, the costly part of pressing a button."""
        css = [f"#{name}" for name in (button_id, *also_ids)]
        css += [f"input[type={kind}][value='{text}']" for text in texts for kind in ("button", "submit")]
        candidates = self.page.locator(", ".join(css))
        if texts:
            candidates = candidates.or_(self.page.get_by_role("button", name=_exactly_one_of(texts)))
        return candidates.first

    def submit(self) -> None:
        """Press the page's Submit/Next and wait for the next document."""
        button_id, *texts = self.submit_button
        self.press_and_wait(self.button(button_id, *texts))

    def press_and_wait(self, button: Locator) -> None:
        """Click a button whose script posts the form, and wait for the next document."""
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            button.click()
