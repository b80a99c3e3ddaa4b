"""Find and fill the portal's fields the way they stay stable, and only the ones a person sees.

Order of preference: the real portal's own field id (a Dataverse column name from
portal-dom.md), then the visible ``<label>`` text in zh-CN or en-US. A field that is not
visible to a person (the portal's honeypot, a hidden date input) is never filled: the
portal treats such clients as bots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from flows.errors import FieldNotFound, InvisibleField


@dataclass(frozen=True)
class Field:
    """A portal field: its real id and the label a person reads in each locale."""

    id: str
    en: str
    zh: str

    @property
    def labels(self) -> tuple[str, str]:
        return (self.zh, self.en)


def _css_id(field_id: str) -> str:
    return "#" + re.sub(r"([^A-Za-z0-9_-])", r"\\\1", field_id)


def locate(page: Page, field: Field) -> Locator:
    """The field's input: by its real id first, else by its visible label in either locale."""
    by_id = page.locator(_css_id(field.id))
    if by_id.count() == 1:
        return by_id
    for text in field.labels:
        by_label = page.get_by_label(label_text(text))
        if by_label.count() == 1:
            return by_label
    raise FieldNotFound(field.id, page.url)


def ensure_visible_to_person(locator: Locator, name: str) -> None:
    """Refuse a field a person cannot see: hidden, zero-sized, off-screen or aria-hidden."""
    if not locator.is_visible():
        raise InvisibleField(name)
    hidden_by_page = locator.evaluate(
        """el => {
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            // Page coordinates, not viewport ones: a field scrolled out of view is still visible.
            const left = box.left + window.scrollX, top = box.top + window.scrollY;
            const offscreen = left + box.width <= 0 || top + box.height <= 0
                || left >= document.documentElement.scrollWidth;
            const tiny = box.width < 2 || box.height < 2;
            const transparent = parseFloat(style.opacity) === 0;
            return offscreen || tiny || transparent || !!el.closest('[aria-hidden="true"]');
        }"""
    )
    if hidden_by_page:
        raise InvisibleField(name)


def type_text(page: Page, field: Field, value: str) -> bool:
    """Type ``value`` into a visible text box unless it already holds it; True if typed."""
    box = locate(page, field)
    ensure_visible_to_person(box, field.id)
    if box.input_value() == value:
        return False
    box.fill(value)
    return True


def type_date(page: Page, field: Field, portal_date: str) -> bool:
    """Type M/D/YYYY into the visible date box, as a person does; the page syncs the hidden input.

    Power Pages' ``<label for>`` points at the hidden input, so the visible box is found by
    the ``<id>_datepicker_description`` convention, never through the label.
    """
    box = page.locator(_css_id(f"{field.id}_datepicker_description"))
    if box.count() != 1:
        raise FieldNotFound(f"{field.id}_datepicker_description", page.url)
    ensure_visible_to_person(box, field.id)
    if box.input_value() == portal_date:
        return False
    box.fill("")
    box.press_sequentially(portal_date)
    box.dispatch_event("change")
    box.blur()
    return True


def label_text(text: str) -> re.Pattern[str]:
    """A label's text exactly, allowing the " *" Power Pages adds to required fields."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def exact_text(text: str) -> re.Pattern[str]:
    """A pattern matching exactly ``text`` modulo surrounding white space."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def choose(page: Page, field: Field, option_text: str, *, timeout_ms: float = 15_000) -> bool:
    """Pick an option by its visible text, waiting for a cascading select to offer it.

    Lookup selects post record GUIDs, so the text is the only stable handle.
    """
    select = locate(page, field)
    ensure_visible_to_person(select, field.id)
    option = select.locator("option").filter(has_text=exact_text(option_text))
    option.first.wait_for(state="attached", timeout=timeout_ms)
    current = select.evaluate("s => s.selectedIndex >= 0 ? s.options[s.selectedIndex].text.trim() : ''")
    if current == option_text:
        return False
    label = option.first.inner_text().strip()
    select.select_option(label=label)
    return True


def tick(page: Page, field: Field, *, timeout_ms: float = 15_000) -> bool:
    """Tick a checkbox or radio found by its label, waiting for it to be rendered."""
    target = page.get_by_label(label_text(field.zh)).or_(page.get_by_label(label_text(field.en)))
    target.first.wait_for(state="visible", timeout=timeout_ms)
    box = target.first
    ensure_visible_to_person(box, field.id)
    if box.is_checked():
        return False
    box.check()
    return True
