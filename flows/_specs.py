"""What a portal page asks for, as data: the types the portal map is read into.

A page is recognised by its landmarks and filled from a table of fields; each field says how
a person finds it (the portal's own id, other names, visible labels in both locales and
known synonyms), what kind of control it is (``auto``: detect it on the page) and which
profile field its value comes from (for messages that name the fix). Nothing here imports
Playwright: the map is loaded, validated and printed without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

WidgetKind = Literal[
    "auto", "text", "textarea", "select", "radio", "checkbox", "date_pair", "date", "combobox", "secret"
]
"""``auto`` detects the kind on the page; the others force it (a portal map override)."""

WIDGET_KINDS: tuple[str, ...] = WidgetKind.__args__  # type: ignore[attr-defined]

ValueFormat = Literal["text", "date"]
"""``date``: the value is M/D/YYYY; a plain ``type=date`` input is given YYYY-MM-DD."""


@dataclass(frozen=True)
class OptionTexts:
    """How one value of a choice may be shown: its texts in both locales, then synonyms
    (other wordings seen or expected; a match on one is reported as drift)."""

    texts: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    """One field of a page: how to find it, what kind it is, where its value comes from."""

    key: str  # the value's name in the flow's values (``first_name``, ``visa_class``)
    id: str | None = None  # the portal's own id (Dataverse column or B2C id)
    names: tuple[str, ...] = ()  # other ids or ``name`` attributes it is known by
    labels: tuple[str, ...] = ()  # visible labels / question texts, zh-CN and en-US, and synonyms
    kind: WidgetKind = "auto"
    profile: str = ""  # the profile path its value comes from, for messages (``passport.number``)
    options: Mapping[str, OptionTexts] = field(default_factory=dict)  # value -> how it is shown
    value_format: ValueFormat = "text"
    loads: str | None = None  # regex of the in-page request a change of this field sends (cascades)
    optional: bool = False  # a blank value is not expected on the portal
    overridden: frozenset[str] = frozenset()  # attributes the staff's portal map changed (drift report)

    def texts_for(self, value: str) -> OptionTexts:
        """The option texts ``value`` may be shown as: the map's entry, else the value itself."""
        known = self.options.get(value)
        if known is None:
            return OptionTexts(texts=(value,))
        return known if value in known.texts else OptionTexts((value, *known.texts), known.synonyms)


@dataclass(frozen=True)
class PageSpec:
    """One portal page: what shows it is this page, and the fields it may ask for."""

    name: str
    paths: tuple[str, ...] = ()  # URL segments after the locale: one signal among several
    titles: tuple[str, ...] = ()  # headings / document titles in both locales
    landmarks: tuple[str, ...] = ()  # CSS of elements only this page has (real ids, form ids)
    fields: tuple[FieldSpec, ...] = ()

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(f"{self.name} has no field {key!r}")


@dataclass(frozen=True)
class PortalMap:
    """Every page the assistant knows, as shipped and corrected by the staff's own map file."""

    pages: Mapping[str, PageSpec]
    sources: tuple[str, ...] = ()  # the files it was read from, shipped first

    def page(self, name: str) -> PageSpec:
        return self.pages[name]

    def profile_field_of(self) -> dict[str, str]:
        """Portal field id (and other names) -> profile path: the portal's messages name the fix."""
        found: dict[str, str] = {}
        for page in self.pages.values():
            for spec in page.fields:
                if spec.profile:
                    for name in (spec.id, *spec.names):
                        if name:
                            found.setdefault(name, spec.profile)
        return found
