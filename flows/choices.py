"""The portal's choice lists (flows/choices.yaml) as data, with the portal's own words accepted.

One source for the profile model, the spreadsheet's dropdowns, the mock portal and the page
engine: a value valid in a profile is a value the portal offers, and whatever wording the portal
(or a person copying from it) uses maps back to one canonical value. Pure Python and PyYAML, no
Playwright, so ``assistant`` and ``fixtures`` can import it. The file is checked as it loads: a
slip in the data (a duplicate wording, a class in two categories, an unknown required field)
fails at import, not halfway through a run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flows.safe_yaml import TextLoader

DATA_FILE = Path(__file__).with_name("choices.yaml")

LISTS: tuple[str, ...] = (
    "countries", "categories", "classes", "posts", "priorities", "security_questions",
    "relations", "languages", "genders", "delivery_options", "pickup_locations", "premium_locations",
)  # fmt: skip
"""Every list name choice_list() knows ("classes" is built from the categories' classes)."""

CLASS_FIELDS: tuple[str, ...] = ("sevis_id", "petition_receipt_number", "petitioner_name")
"""The fields a class may require (in a profile's ``visa:`` block), in the order the portal asks."""

LOCALES: tuple[str, ...] = ("en-US", "zh-CN")


class ChoicesDataError(ValueError):
    """choices.yaml is malformed; the message names the list and item."""


@dataclass(frozen=True)
class Choice:
    """One option of a portal list: the value profiles store and every way it may be shown."""

    value: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def texts(self) -> tuple[str, ...]:
        """Every accepted wording, the portal's own first, without repeats."""
        return tuple(dict.fromkeys((self.en, self.zh, self.value, *self.aliases)))


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The matching key of a wording: NFKC (full-width forms, ideographic space), curly quotes
    straightened, case folded, spaces collapsed. People copy from the portal, Word and WeChat."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACES.sub(" ", text).strip()


# --- loading ------------------------------------------------------------------------------


def _flag(value: object, where: str) -> bool:
    if isinstance(value, str) and value.lower() in ("yes", "true"):
        return True
    if isinstance(value, str) and value.lower() in ("no", "false"):
        return False
    raise ChoicesDataError(f"{where}: write yes or no, not {value!r}")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ChoicesDataError(f"{where}: expected text, got {value!r}")
    return value.strip()


def _choice(item: object, where: str, extra: dict[str, Any] | None = None) -> Choice:
    if isinstance(item, str):
        value = _text(item, where)
        return Choice(value, value, value, (), MappingProxyType(dict(extra or {})))
    if not isinstance(item, dict) or "value" not in item:
        raise ChoicesDataError(f"{where}: an item is a text or a mapping with `value`")
    value = _text(item["value"], where)
    en = _text(item.get("en", value), f"{where} ({value}).en")
    zh = _text(item.get("zh", en), f"{where} ({value}).zh")
    raw_aliases = item.get("aliases", [])
    if not isinstance(raw_aliases, list):
        raise ChoicesDataError(f"{where} ({value}).aliases: write a list")
    aliases = tuple(_text(a, f"{where} ({value}).aliases") for a in raw_aliases)
    rest = {k: v for k, v in item.items() if k not in ("value", "en", "zh", "aliases")}
    return Choice(value, en, zh, aliases, MappingProxyType({**rest, **(extra or {})}))


def _class_choice(item: object, category: str, where: str) -> Choice:
    base = _choice(item, where)
    unknown = set(base.extra) - {"requires"}
    if unknown:
        raise ChoicesDataError(f"{where} ({base.value}): unknown keys {sorted(unknown)}")
    requires = base.extra.get("requires", [])
    if not isinstance(requires, list) or any(r not in CLASS_FIELDS for r in requires):
        raise ChoicesDataError(f"{where} ({base.value}).requires: a list of {', '.join(CLASS_FIELDS)}")
    extra = {"category": category, "required_fields": tuple(f for f in CLASS_FIELDS if f in requires)}
    return Choice(base.value, base.en, base.zh, base.aliases, MappingProxyType(extra))


def _build(data: object) -> dict[str, tuple[Choice, ...]]:
    if not isinstance(data, dict):
        raise ChoicesDataError(f"{DATA_FILE.name}: expected a mapping of lists")
    expected = set(LISTS) - {"classes"}
    if set(data) != expected:
        raise ChoicesDataError(f"{DATA_FILE.name}: lists {sorted(set(data) ^ expected)} missing or unknown")
    lists: dict[str, tuple[Choice, ...]] = {}
    classes: list[Choice] = []
    for name, items in data.items():
        if not isinstance(items, list) or not items:
            raise ChoicesDataError(f"{name}: expected a non-empty list")
        if name != "categories":
            lists[name] = tuple(_choice(item, f"{name}[{i}]") for i, item in enumerate(items))
            continue
        cats: list[Choice] = []
        for i, item in enumerate(items):
            where = f"categories[{i}]"
            cat = _choice(item, where)
            raw_classes = cat.extra.get("classes")
            if not isinstance(raw_classes, list) or not raw_classes:
                raise ChoicesDataError(f"{where} ({cat.value}).classes: list the category's classes")
            own = [_class_choice(c, cat.value, f"{where}.classes[{j}]") for j, c in enumerate(raw_classes)]
            classes += own
            extra = {"waiver_offered": _flag(cat.extra.get("waiver_offered"), f"{where}.waiver_offered"),
                     "classes": tuple(c.value for c in own)}
            cats.append(Choice(cat.value, cat.en, cat.zh, cat.aliases, MappingProxyType(extra)))
        lists[name] = tuple(cats)
    lists["classes"] = tuple(classes)
    for name, choices in lists.items():
        _index(name, choices)  # refuses duplicates and ambiguous wordings
    overlap = {c.value for c in lists["pickup_locations"]} & {c.value for c in lists["premium_locations"]}
    if overlap:
        raise ChoicesDataError(f"premium_locations: {sorted(overlap)} are free pickup locations already")
    return {name: lists[name] for name in LISTS}


def _index(name: str, choices: tuple[Choice, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    values = [c.value for c in choices]
    if len(set(values)) != len(values):
        raise ChoicesDataError(f"{name}: a value is listed twice")
    for c in choices:
        for text in c.texts:
            key = normalise(text)
            if out.setdefault(key, c.value) != c.value:
                raise ChoicesDataError(f"{name}: {text!r} would mean both {out[key]} and {c.value}")
    return out


@cache
def _lists() -> dict[str, tuple[Choice, ...]]:
    _, data = TextLoader.read_shipped(DATA_FILE.read_text(encoding="utf-8"))
    return _build(data)


@cache
def _lookup(name: str) -> dict[str, str]:
    return _index(name, choice_list(name))


@cache
def _by_value(name: str) -> dict[str, Choice]:
    return {c.value: c for c in choice_list(name)}


# --- the interface ------------------------------------------------------------------------


def choice_list(name: str) -> tuple[Choice, ...]:
    """The choices of one list, in the portal's order."""
    lists = _lists()
    if name not in lists:
        raise KeyError(f"no choice list {name!r}; known lists: {', '.join(LISTS)}")
    return lists[name]


def values(name: str) -> tuple[str, ...]:
    """The canonical values of one list, in order."""
    return tuple(c.value for c in choice_list(name))


def choice(name: str, value: str) -> Choice:
    """The choice with this canonical value (KeyError names the list)."""
    try:
        return _by_value(name)[value]
    except KeyError:
        raise KeyError(f"{value!r} is not a value of the list {name}") from None


def canonical(name: str, text: str) -> str | None:
    """The canonical value a wording means (value, en, zh or an alias; case, width and spacing
    aside), or None when the list has no such wording."""
    if not isinstance(text, str):
        return None
    return _lookup(name).get(normalise(text))


def shown(name: str, value: str, locale: str) -> str:
    """The text the portal shows for ``value`` in ``locale`` (en-US or zh-CN)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; use one of {', '.join(LOCALES)}")
    c = choice(name, value)
    return c.zh if locale == "zh-CN" else c.en


def classes_of(category: str) -> tuple[str, ...]:
    """The visa classes of a category (empty for an unknown category)."""
    found = _by_value("categories").get(category)
    return tuple(found.extra["classes"]) if found else ()


def category_of(visa_class: str) -> str | None:
    """The category a class belongs to, or None for an unknown class."""
    found = _by_value("classes").get(visa_class)
    return str(found.extra["category"]) if found else None


def required_fields(visa_class: str) -> tuple[str, ...]:
    """The extra fields (of CLASS_FIELDS) the Additional Options page asks for this class."""
    found = _by_value("classes").get(visa_class)
    return tuple(found.extra["required_fields"]) if found else ()


def waiver_offered(category: str) -> bool:
    """Whether this category's Interview Waiver page asks yes/no questions."""
    found = _by_value("categories").get(category)
    return bool(found and found.extra["waiver_offered"])


__all__ = [
    "CLASS_FIELDS", "Choice", "ChoicesDataError", "LISTS", "LOCALES", "canonical", "category_of",
    "choice", "choice_list", "classes_of", "normalise", "required_fields", "shown", "values",
    "waiver_offered",
]  # fmt: skip
