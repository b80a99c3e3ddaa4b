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


# What a person can see of one element, and its current value, in a single round trip.
_STATE_OF = """el => {
    if (!el) return null;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Page coordinates, not viewport ones: a field scrolled out of view is still visible.
    const left = box.left + window.scrollX, top = box.top + window.scrollY;
    const hidden = el.type === 'hidden' || style.visibility === 'hidden' || style.display === 'none'
        || box.width < 2 || box.height < 2 || parseFloat(style.opacity) === 0
        || left + box.width <= 0 || top + box.height <= 0
        || left >= document.documentElement.scrollWidth
        || !!el.closest('[aria-hidden="true"]');
    const option = el.tagName === 'SELECT' && el.selectedIndex >= 0 ? el.options[el.selectedIndex] : null;
    return {hidden, value: el.value, selected: option ? option.text.trim() : null};
}"""

_STATE_BY_ID = f"""([id]) => {{
    const found = document.querySelectorAll('#' + CSS.escape(id));
    return found.length === 1 ? ({_STATE_OF})(found[0]) : null;
}}"""


@dataclass(frozen=True)
class _Found:
    locator: Locator
    hidden: bool
    value: str
    selected: str | None


def _find(page: Page, element_id: str, labels: tuple[str, ...] = ()) -> _Found:
    """The element by its real id (one round trip), else by a visible label in either locale."""
    state = page.evaluate(_STATE_BY_ID, [element_id])
    if state is not None:
        return _Found(page.locator(_css_id(element_id)), state["hidden"], state["value"] or "", state["selected"])
    for text in labels:
        by_label = page.get_by_label(label_text(text))
        if by_label.count() == 1:
            state = by_label.evaluate(_STATE_OF)
            return _Found(by_label, state["hidden"], state["value"] or "", state["selected"])
    raise FieldNotFound(element_id, page.url)


def _visible(found: _Found, name: str) -> Locator:
    """Refuse a field a person cannot see: hidden, zero-sized, off-screen or aria-hidden."""
    if found.hidden:
        raise InvisibleField(name)
    return found.locator


def locate(page: Page, field: Field) -> Locator:
    """The field's input: by its real id first, else by its visible label in either locale."""
    return _find(page, field.id, field.labels).locator


def ensure_visible_to_person(locator: Locator, name: str) -> None:
    """Refuse an element a person cannot see (the portal's honeypot is such an input)."""
    state = locator.evaluate(_STATE_OF)
    if state is None or state["hidden"]:
        raise InvisibleField(name)


def type_text(page: Page, field: Field, value: str) -> bool:
    """Type ``value`` into a visible text box unless it already holds it; True if typed."""
    found = _find(page, field.id, field.labels)
    box = _visible(found, field.id)
    if found.value == value:
        return False
    box.fill(value)
    return True


def type_secret(page: Page, field: Field, value: str) -> None:
    """Type a password or answer into a visible box; never compared, never returned."""
    _visible(_find(page, field.id, field.labels), field.id).fill(value)


def type_date(page: Page, field: Field, portal_date: str) -> bool:
    """Type M/D/YYYY into the visible date box, as a person does; the page syncs the hidden input.

    Power Pages' ``<label for>`` points at the hidden input, so the visible box is found by
    the ``<id>_datepicker_description`` convention, never through the label.
    """
    found = _find(page, f"{field.id}_datepicker_description")
    box = _visible(found, field.id)
    if found.value == portal_date:
        return False
    box.fill(portal_date)  # input events: the page's script fills the hidden ISO value
    box.dispatch_event("change")
    return True


def label_text(text: str) -> re.Pattern[str]:
    """A label's text exactly, allowing the " *" Power Pages adds to required fields."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def exact_text(text: str) -> re.Pattern[str]:
    """A pattern matching exactly ``text`` modulo surrounding white space."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def choose(page: Page, field: Field, option_text: str, *, timeout_ms: float = 15_000) -> bool:
    """Pick an option by its visible text, waiting for a cascading select to offer it.

    Lookup selects post record GUIDs, so the text is the only stable handle; Playwright's
    select_option waits until the option is present.
    """
    found = _find(page, field.id, field.labels)
    select = _visible(found, field.id)
    if found.selected == option_text:
        return False
    select.select_option(label=option_text, timeout=timeout_ms)
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
