"""The portal map: the shipped page specs, corrected by the staff's own files, checked with lines.

Staff fix a renamed id, label or option text without a release: a file in the config folder
(every run) and ``--portal-map FILE`` (one run) are read after the shipped
``flows/portal_map.yaml`` and win over it. Single values replace; lists are put first (the
staff's wording is tried first) unless ``replace:`` names them. A typo must not silently do
nothing, so a page, field or option the map does not know is an error, reported like a
profile error: file, line, the entry's path, what is wrong and the fix.

The shipped map is read once per process (``lru_cache``): pages look it up for free. This
module imports nothing of ``assistant`` (``assistant`` imports ``flows``, not the reverse).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from flows import choices
from flows._specs import FieldSpec, OptionTexts, PageSpec, PortalMap, ValueFormat, WidgetKind
from flows.errors import PortalMapInvalid
from flows.safe_yaml import TextLoader, YamlRefused

__all__ = [
    "CONFIG_DIR_ENV",
    "CONFIG_FILE_NAME",
    "INTERSTITIAL_KINDS",
    "MapProblem",
    "PortalMapInvalid",
    "config_file",
    "default_config_dir",
    "load_interstitials",
    "load_portal_map",
    "portal_map_as_dict",
]

CONFIG_DIR_ENV = "USTD_CONFIG_DIR"
"""Overrides the platformdirs config folder (tests, or staff who keep the file elsewhere)."""
CONFIG_FILE_NAME = "portal-map.yaml"
PORTAL_MAP_BYTES = 500_000
"""The shipped map is about 25 kB; a staff file names only what it changes."""
MAX_YAML_DEPTH = 32
"""The map nests 8 levels; deeper input would only exhaust Python's recursion limit."""

INTERSTITIAL_KINDS = ("waiting_room", "too_many_requests", "server_error", "blocked", "challenge", "daily_cap")
SCALAR_ATTRIBUTES = ("id", "kind", "profile", "value_format", "loads", "optional")
FIELD_LIST_ATTRIBUTES = ("names", "labels", "options")
PAGE_LIST_ATTRIBUTES = ("paths", "titles", "landmarks")

_SHIPPED_PACKAGE = "flows"
_SHIPPED_NAME = "portal_map.yaml"

YamlPath = tuple[str | int, ...]


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapProblem:
    """One thing wrong in a portal map file: where, what and how to fix it."""

    file: str
    message: str
    fix: str = ""
    path: YamlPath = ()
    line: int | None = None

    @property
    def entry(self) -> str:
        """The entry's path as a person reads it: ``pages.visa_options.fields.visa_class.kind``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(file)"

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: error: {self.entry}: {self.message}"
        return text + (f"\n    fix: {self.fix}" if self.fix else "")


def _invalid(problems: Iterable[MapProblem]) -> PortalMapInvalid:
    ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.entry))
    return PortalMapInvalid([p.render() for p in ordered])


def _did_you_mean(word: object, known: Sequence[str]) -> str:
    if not isinstance(word, str):
        return ""
    by_case = {k.lower(): k for k in known}
    guess = by_case.get(word.strip().lower()) or next(iter(difflib.get_close_matches(word, known, 1, 0.6)), None)
    return f"did you mean {guess}? " if guess else ""


# --- the file's shape -----------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A label, name, title or pattern: never blank (a blank label would match the empty labels of
the real security-question page)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _OptionIn(_Strict):
    texts: list[Text] = Field(default_factory=list)
    synonyms: list[Text] = Field(default_factory=list)
    replace: list[Literal["texts", "synonyms"]] = Field(default_factory=list)


class _FieldIn(_Strict):
    id: Text | None = None
    names: list[Text] = Field(default_factory=list)
    labels: list[Text] = Field(default_factory=list)
    kind: WidgetKind = "auto"
    profile: str = ""
    value_format: ValueFormat = "text"
    loads: Text | None = None
    optional: bool = False
    options: dict[str, _OptionIn] = Field(default_factory=dict)
    choices: Text | None = None  # the shipped map only: options from a list of flows/choices.yaml
    replace: list[Literal["names", "labels", "options"]] = Field(default_factory=list)

    @field_validator("choices")
    @classmethod
    def _choice_list(cls, value: str | None) -> str | None:
        if value is not None and value not in choices.LISTS:
            raise ValueError(f"no choice list {value!r}{_did_you_mean(value, choices.LISTS)}")
        return value

    @field_validator("loads")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression: {exc}") from None
        return value


class _PageIn(_Strict):
    paths: list[str] = Field(default_factory=list)
    titles: list[Text] = Field(default_factory=list)
    landmarks: list[Text] = Field(default_factory=list)
    include: Text | None = None
    fields: dict[str, _FieldIn] = Field(default_factory=dict)
    replace: list[Literal["paths", "titles", "landmarks"]] = Field(default_factory=list)

    @field_validator("paths")
    @classmethod
    def _segment(cls, value: list[str]) -> list[str]:
        return [path.strip().strip("/") for path in value]


class _InterstitialsIn(_Strict):
    waiting_room: list[Text] = Field(default_factory=list)
    too_many_requests: list[Text] = Field(default_factory=list)
    server_error: list[Text] = Field(default_factory=list)
    blocked: list[Text] = Field(default_factory=list)
    challenge: list[Text] = Field(default_factory=list)
    daily_cap: list[Text] = Field(default_factory=list)
    replace: list[Literal[INTERSTITIAL_KINDS]] = Field(default_factory=list)  # type: ignore[valid-type]


class _FileIn(_Strict):
    version: int
    pages: dict[str, _PageIn] = Field(default_factory=dict)
    interstitials: _InterstitialsIn | None = None

    @field_validator("version")
    @classmethod
    def _known(cls, value: int) -> int:
        if value != 1:
            raise ValueError(f"version {value} is not one this release reads")
        return value


_ATTRIBUTES_OF: dict[str, tuple[str, ...]] = {
    "field": tuple(_FieldIn.model_fields),
    "page": tuple(_PageIn.model_fields),
    "option": tuple(_OptionIn.model_fields),
    "interstitials": tuple(_InterstitialsIn.model_fields),
    "file": tuple(_FileIn.model_fields),
}


def _level(path: YamlPath) -> str:
    """Which mapping an error path points into, from the shape of the file."""
    if len(path) <= 1:
        return "file"
    if path[0] == "interstitials":
        return "interstitials"
    if path[0] == "pages" and len(path) <= 3:
        return "page"
    if len(path) >= 6 and path[4] == "options":
        return "option"
    return "field"


# --- reading YAML with lines ----------------------------------------------------------------


class _TextLoader(TextLoader):
    """Portal maps: labels stay text (``No`` is a label, not a boolean); no anchors; bounded nesting."""

    anchor_fix = "write each value out in full; a portal map does not use YAML anchors (&) or aliases (*)"
    max_depth = MAX_YAML_DEPTH


def _line_of(lines: Mapping[YamlPath, int], path: YamlPath) -> int | None:
    """The line of ``path``, else of its nearest parent (a missing attribute: its mapping)."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


@dataclass(frozen=True)
class _Parsed:
    """One file read and checked: its model and the line of every entry."""

    file: str
    model: _FileIn
    lines: Mapping[YamlPath, int]

    def problem(self, path: YamlPath, message: str, fix: str) -> MapProblem:
        return MapProblem(file=self.file, message=message, fix=fix, path=path, line=_line_of(self.lines, path))


def _walk(node: yaml.Node, path: YamlPath, lines: dict[YamlPath, int], file: str,
          problems: list[MapProblem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(MapProblem(file, "appears twice in the same mapping (the later one would silently win)",
                                           "keep one of them", path + (key,), line))
            seen.add(key)
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines, file, problems)


def _read(path: Path, file: str) -> str:
    """The file's text, at most PORTAL_MAP_BYTES; PortalMapInvalid names what is wrong."""
    try:
        if path.exists() and not path.is_file():
            raise _invalid([MapProblem(file, "is not a file", "give the path of a portal map .yaml file")])
        with path.open("rb") as handle:
            data = handle.read(PORTAL_MAP_BYTES + 1)
    except FileNotFoundError:
        raise _invalid([MapProblem(file, "file not found", "check the path")]) from None
    except OSError as exc:
        raise _invalid([MapProblem(file, f"cannot be read: {exc.strerror or exc.__class__.__name__}",
                                   "check that the file exists and that you may read it")]) from None
    if len(data) > PORTAL_MAP_BYTES:
        raise _invalid([MapProblem(file, f"is more than the {PORTAL_MAP_BYTES // 1000} kB a portal map may have",
                                   "a portal map names only what it changes; check that this is the right file")])
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise _invalid([MapProblem(file, "is not UTF-8 text", "save it as UTF-8 text")]) from None


def _parse(text: str, file: str, *, shipped_file: bool = False) -> tuple[Any, dict[YamlPath, int]]:
    problems: list[MapProblem] = []
    lines: dict[YamlPath, int] = {}
    try:
        node, data = _TextLoader.read_shipped(text) if shipped_file else _TextLoader.read(text)
    except YamlRefused as exc:
        raise _invalid([MapProblem(file, exc.message, exc.fix, line=exc.mark.line + 1)]) from None
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if "<stream end>" in reason and getattr(exc, "context_mark", None) is not None:
            mark = exc.context_mark  # an unclosed bracket or quote: the line that opened it
        raise _invalid([MapProblem(file, f"is not valid YAML: {reason}",
                                   "check the indentation and quoting around this line",
                                   line=mark.line + 1 if mark else None)]) from None
    if node is not None:
        _walk(node, (), lines, file, problems)
    if problems:
        raise _invalid(problems)
    return data, lines


_GENERIC_FIX = {
    "string_type": "write it as text (in quotes if it looks like something else)",
    "list_type": "write a list: [first, second]",
    "dict_type": "write a mapping of names to entries",
    "model_type": "write a mapping of attributes",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "int_parsing": "write version: 1",
    "string_too_short": "fill it in, or leave the entry out",
}


def _pydantic_problems(exc: ValidationError, file: str, lines: Mapping[YamlPath, int]) -> list[MapProblem]:
    """pydantic's errors as problems a person can act on: the entry, its line and the fix."""
    out: list[MapProblem] = []
    for err in exc.errors(include_url=False):
        path: YamlPath = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        kind, message, value = err["type"], err["msg"], err.get("input")
        attribute = next((p for p in reversed(path) if isinstance(p, str)), "")
        fix = _GENERIC_FIX.get(kind, "")
        if kind == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            message = f"{attribute} {value!r} is not one of {', '.join(allowed)}"
            fix = (_did_you_mean(value, allowed) or "").strip() or "use one of those"
        elif kind == "extra_forbidden":
            known = _ATTRIBUTES_OF[_level(path[:-1])]
            message = f"{attribute!r} is not a known attribute here"
            fix = f"{_did_you_mean(attribute, known)}use one of: {', '.join(known)}"
        elif kind == "missing":
            message = "is required"
            fix = "start the file with `version: 1`" if path == ("version",) else "add it"
        elif kind in ("model_type", "dict_type") and value is None:
            message = "is empty"
            fix = "give the attributes to change, or remove the entry"
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
            if attribute == "loads":
                fix = "write a Python regular expression (e.g. categor); put \\ before ( ) [ ] . * + ?"
            elif attribute == "version":
                fix = "write version: 1"
        out.append(MapProblem(file, message, fix, path, _line_of(lines, path)))
    return out


def _load_file(path: Path, file: str, shipped: _FileIn | None = None, *, shipped_file: bool = False) -> _Parsed:
    """Read, parse and check one file; every problem in it at once (PortalMapInvalid).
    ``shipped``: the file is an override, whose page, field and option names must exist.
    ``shipped_file``: the package's own map, read at every start (see TextLoader.read_shipped)."""
    text = _read(path, file)
    data, lines = _parse(text, file, shipped_file=shipped_file)
    if not isinstance(data, dict):
        raise _invalid([MapProblem(file, "must be a mapping that starts with `version: 1` and `pages:`",
                                   "see the comments at the top of the shipped map (`ustd portal-map show` names it)",
                                   line=1)])
    problems = _check_names(data, file, lines, shipped) if shipped is not None else []
    try:
        parsed = _Parsed(file, _FileIn.model_validate(data), lines)
    except ValidationError as exc:
        raise _invalid(problems + _pydantic_problems(exc, file, lines)) from None
    problems += _check_override(parsed, shipped) if shipped is not None else _check_shipped(parsed)
    if problems:
        raise _invalid(problems)
    return parsed


# --- checks that need more than one entry ---------------------------------------------------


def _given(model: BaseModel) -> set[str]:
    return set(model.model_fields_set) - {"replace"}


def _check_replace(parsed: _Parsed, model: BaseModel, path: YamlPath, problems: list[MapProblem]) -> None:
    for name in getattr(model, "replace", []):
        if name not in model.model_fields_set:
            problems.append(parsed.problem(path + ("replace",), f"names {name}, but {name} is not given",
                                           f"add {name}: [...] or take it out of replace"))


def _findable(spec: _FieldIn | FieldSpec) -> bool:
    return bool(spec.id or spec.names or spec.labels)


def _check_shipped(parsed: _Parsed) -> list[MapProblem]:
    problems: list[MapProblem] = []
    pages = parsed.model.pages
    for name, page in pages.items():
        base: YamlPath = ("pages", name)
        if page.replace or any(f.replace or any(o.replace for o in f.options.values()) for f in page.fields.values()):
            problems.append(parsed.problem(base, "uses replace: in the shipped map", "list the values themselves"))
        if page.include is not None:
            included = pages.get(page.include)
            if included is None or included.include is not None:
                problems.append(parsed.problem(base + ("include",), f"names {page.include!r}, not a page without include",
                                               f"{_did_you_mean(page.include, list(pages))}name a page of this map"))
            else:
                for key in page.fields.keys() & included.fields.keys():
                    problems.append(parsed.problem(base + ("fields", key), f"repeats a field of {page.include}",
                                                   "keep it on one of the two pages"))
        for key, spec in page.fields.items():
            if not _findable(spec):
                problems.append(parsed.problem(base + ("fields", key), "cannot be found on a page: no id, names or labels",
                                               "give its id or its labels"))
    return problems


def _check_names(data: dict[str, Any], file: str, lines: Mapping[YamlPath, int], shipped: _FileIn) -> list[MapProblem]:
    """Every page, field and option value an override names must exist: a typo must not
    silently do nothing. Read from the raw data, so these show with any other error."""
    problems: list[MapProblem] = []

    def unknown(path: YamlPath, what: str, known: Sequence[str], listed: str) -> None:
        name = path[-1]
        fix = f"{_did_you_mean(name, known)}{listed}: {', '.join(known) or '(none)'}"
        problems.append(MapProblem(file, f"is not {what}", fix, path, _line_of(lines, path)))

    pages = data.get("pages")
    for name, page in pages.items() if isinstance(pages, dict) else ():
        if name not in shipped.pages:
            unknown(("pages", name), "a page of the portal map", list(shipped.pages), "pages")
            continue
        fields = page.get("fields") if isinstance(page, dict) else None
        known = _keys_of(shipped, name)
        for key, change in fields.items() if isinstance(fields, dict) else ():
            if key not in known:
                unknown(("pages", name, "fields", key), f"a field of page {name}", known, "fields")
                continue
            options = change.get("options") if isinstance(change, dict) else None
            replaced = isinstance(change, dict) and "options" in (change.get("replace") or ())
            shipped_field = _field_of(shipped, name, key)
            values = list(dict.fromkeys([*_listed_options(shipped_field.choices), *shipped_field.options]))
            for value in options if isinstance(options, dict) and values and not replaced else ():
                if value not in values:
                    unknown(("pages", name, "fields", key, "options", value), f"a value of {key}", values, "values")
    return problems


def _check_override(parsed: _Parsed, shipped: _FileIn) -> list[MapProblem]:
    """What an override may not do, once its shape is right: change nothing, or name in
    ``replace:`` a list it does not give, or move a page's ``include``."""
    problems: list[MapProblem] = []
    for name, page in parsed.model.pages.items():
        base: YamlPath = ("pages", name)
        if name not in shipped.pages:
            continue  # reported by _check_names
        if not _given(page):
            problems.append(parsed.problem(base, "changes nothing", "give the attributes or fields to change"))
        if page.include is not None:
            problems.append(parsed.problem(base + ("include",), "cannot be changed by an override",
                                           "remove it; correct the fields themselves"))
        _check_replace(parsed, page, base, problems)
        known = _keys_of(shipped, name)
        for key, change in page.fields.items():
            where = base + ("fields", key)
            if key not in known:
                continue
            if not _given(change):
                problems.append(parsed.problem(where, "changes nothing", "give at least one attribute to change: "
                                               + ", ".join(SCALAR_ATTRIBUTES + FIELD_LIST_ATTRIBUTES)))
            _check_replace(parsed, change, where, problems)
            if change.choices is not None:
                problems.append(parsed.problem(where + ("choices",), "cannot be changed by an override",
                                               "give the options' texts or synonyms instead"))
            for value, option in change.options.items():
                if not _given(option):
                    problems.append(parsed.problem(where + ("options", value), "changes nothing", "give texts or synonyms"))
                _check_replace(parsed, option, where + ("options", value), problems)
    if parsed.model.interstitials is not None:
        _check_replace(parsed, parsed.model.interstitials, ("interstitials",), problems)
    return problems


def _keys_of(shipped: _FileIn, page_name: str) -> list[str]:
    page = shipped.pages[page_name]
    included = list(shipped.pages[page.include].fields) if page.include else []
    return included + list(page.fields)


def _field_of(shipped: _FileIn, page_name: str, key: str) -> _FieldIn:
    page = shipped.pages[page_name]
    if key in page.fields or page.include is None:
        return page.fields[key]
    return shipped.pages[page.include].fields[key]


# --- merging ------------------------------------------------------------------------------


def _first(*groups: Iterable[str]) -> tuple[str, ...]:
    """The groups in order, each text once (the first occurrence wins)."""
    seen: dict[str, None] = {}
    for group in groups:
        for text in group:
            seen.setdefault(text, None)
    return tuple(seen)


def _merged_list(change: BaseModel, attribute: str, current: Sequence[str]) -> tuple[str, ...]:
    given = tuple(getattr(change, attribute))
    return _first(given) if attribute in getattr(change, "replace", ()) else _first(given, current)


def _option(texts: _OptionIn, current: OptionTexts) -> OptionTexts:
    given = _given(texts)
    return OptionTexts(
        texts=_merged_list(texts, "texts", current.texts) if "texts" in given else current.texts,
        synonyms=_merged_list(texts, "synonyms", current.synonyms) if "synonyms" in given else current.synonyms,
    )


def _options(change: _FieldIn, current: Mapping[str, OptionTexts]) -> Mapping[str, OptionTexts]:
    merged = {} if "options" in change.replace else dict(current)
    for value, texts in change.options.items():
        before = merged.get(value)
        after = _option(texts, before or OptionTexts())
        for key in [k for k, v in merged.items() if before is not None and v is before] or [value]:
            merged[key] = after  # an option from a choice list is one entry under two keys
    return MappingProxyType(merged)


def _listed_options(list_name: str | None) -> dict[str, OptionTexts]:
    """A field's options from the shared choice lists: the portal's texts in both locales, and
    the list's other wordings as synonyms. Keyed by the canonical value and by the en-US text
    (a flow passes one or the other), so the lists live in one file only."""
    out: dict[str, OptionTexts] = {}
    for item in choices.choice_list(list_name) if list_name else ():
        texts = tuple(dict.fromkeys((item.en, item.zh)))
        synonyms = tuple(t for t in dict.fromkeys((item.value, *item.aliases)) if t not in texts)
        out[item.value] = out[item.en] = OptionTexts(texts=texts, synonyms=synonyms)
    return out


def _spec(key: str, field: _FieldIn) -> FieldSpec:
    return FieldSpec(
        key=key, id=field.id, names=_first(field.names), labels=_first(field.labels), kind=field.kind,
        profile=field.profile, options=_options(field, _listed_options(field.choices)), value_format=field.value_format,
        loads=field.loads, optional=field.optional,
    )


def _changed(spec: FieldSpec, change: _FieldIn) -> FieldSpec:
    """``spec`` with an override applied; ``overridden`` gains every attribute whose value changed."""
    updates: dict[str, Any] = {}
    for attribute in _given(change) - {"choices"}:  # refused in an override (_check_override)
        if attribute in SCALAR_ATTRIBUTES:
            value: Any = getattr(change, attribute)
        elif attribute == "options":
            value = _options(change, spec.options)
        else:
            value = _merged_list(change, attribute, getattr(spec, attribute))
        if value != getattr(spec, attribute):
            updates[attribute] = value
    if not updates:
        return spec
    return replace(spec, **updates, overridden=spec.overridden | frozenset(updates))


def _page(name: str, shipped: _PageIn, fields: Sequence[FieldSpec], overrides: Sequence[_Parsed],
          problems: list[MapProblem]) -> PageSpec:
    """One page: the shipped entry (and included fields), then each override in turn."""
    lists = {attribute: _first(getattr(shipped, attribute)) for attribute in PAGE_LIST_ATTRIBUTES}
    by_key = {spec.key: spec for spec in fields}
    for parsed in overrides:
        change = parsed.model.pages.get(name)
        if change is None:
            continue
        for attribute in PAGE_LIST_ATTRIBUTES:
            if attribute in change.model_fields_set:
                lists[attribute] = _merged_list(change, attribute, lists[attribute])
        for key, field_change in change.fields.items():
            by_key[key] = _changed(by_key[key], field_change)
            if not _findable(by_key[key]):
                problems.append(parsed.problem(("pages", name, "fields", key),
                                               "cannot be found on a page any more: no id, names or labels",
                                               "keep its id, or give names or labels"))
    return PageSpec(name=name, fields=tuple(by_key.values()), **lists)


def _build(shipped: _Parsed, overrides: Sequence[_Parsed]) -> PortalMap:
    """The effective map. A page that includes another gets that page's fields as corrected
    by every file, then its own corrections (a page-specific one beats a general one)."""
    pages: dict[str, PageSpec] = {}
    problems: list[MapProblem] = []
    models = shipped.model.pages
    for name in sorted(models, key=lambda name: models[name].include is not None):  # included pages first
        page = models[name]
        own = [_spec(key, field) for key, field in page.fields.items()]
        fields = [*pages[page.include].fields, *own] if page.include else own
        pages[name] = _page(name, page, fields, overrides, problems)
    if problems:
        raise _invalid(problems)
    ordered = {name: pages[name] for name in models}  # the shipped file's order
    return PortalMap(pages=MappingProxyType(ordered), sources=(shipped.file, *(o.file for o in overrides)))


def _interstitials(shipped: _Parsed, overrides: Sequence[_Parsed]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {kind: () for kind in INTERSTITIAL_KINDS}
    for parsed in (shipped, *overrides):
        block = parsed.model.interstitials
        if block is None:
            continue
        for kind in INTERSTITIAL_KINDS:
            if kind in block.model_fields_set:
                found[kind] = _merged_list(block, kind, found[kind])
    return found


# --- where the files are -----------------------------------------------------------------


def default_config_dir() -> Path:
    """The staff's config folder: ``$USTD_CONFIG_DIR``, else platformdirs (``~/.config/ustd-assistant``)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("ustd-assistant", appauthor=False)


def config_file(config_dir: Path | None = None) -> Path:
    """Where the staff's every-run portal map lives (it need not exist)."""
    return (config_dir if config_dir is not None else default_config_dir()) / CONFIG_FILE_NAME


def _shipped_path() -> Path:
    return Path(str(resources.files(_SHIPPED_PACKAGE).joinpath(_SHIPPED_NAME)))


@lru_cache(maxsize=1)
def _shipped() -> _Parsed:
    path = _shipped_path()
    return _load_file(path, str(path), shipped_file=True)


_Stamp = tuple[str, int, int]  # (path, mtime_ns, size): a file edited since is read again


def _stamps(override: Path | None, config_dir: Path | None) -> tuple[_Stamp, ...]:
    stamps: list[_Stamp] = []
    in_config = config_file(config_dir)
    candidates = [(in_config, False)] + ([(Path(override), True)] if override is not None else [])
    for path, required in candidates:
        try:
            stat = path.stat()
        except FileNotFoundError:
            if required:
                raise _invalid([MapProblem(str(path), "file not found", "check the path given to --portal-map")]) from None
            continue
        except OSError as exc:
            raise _invalid([MapProblem(str(path), f"cannot be read: {exc.strerror or exc.__class__.__name__}",
                                       "check that you may read it")]) from None
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


@lru_cache(maxsize=16)
def _loaded(stamps: tuple[_Stamp, ...]) -> tuple[PortalMap, tuple[tuple[str, tuple[str, ...]], ...]]:
    shipped = _shipped()
    overrides: list[_Parsed] = []
    problems: list[str] = []
    for path, _, _ in stamps:  # every file's problems at once, not only the first file's
        try:
            overrides.append(_load_file(Path(path), path, shipped.model))
        except PortalMapInvalid as error:
            problems.extend(error.problems)
    if problems:
        raise PortalMapInvalid(problems)
    portal_map = _build(shipped, overrides)
    return portal_map, tuple(_interstitials(shipped, overrides).items())


def load_portal_map(override: Path | None = None, *, config_dir: Path | None = None) -> PortalMap:
    """The map a run uses: shipped, then ``<config dir>/portal-map.yaml``, then ``override``
    (``--portal-map``); later files win. Raises PortalMapInvalid naming file, line and fix."""
    return _loaded(_stamps(override, config_dir))[0]


def load_interstitials(override: Path | None = None, *, config_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Text patterns (plain substrings, both locales) of the pages between the portal's pages:
    waiting_room, too_many_requests, server_error, blocked, challenge, daily_cap."""
    return dict(_loaded(_stamps(override, config_dir))[1])


# --- printing -----------------------------------------------------------------------------


def _field_as_dict(spec: FieldSpec) -> dict[str, Any]:
    return {
        "key": spec.key, "id": spec.id, "names": list(spec.names), "labels": list(spec.labels),
        "kind": spec.kind, "profile": spec.profile, "value_format": spec.value_format,
        "loads": spec.loads, "optional": spec.optional,
        "options": {value: {"texts": list(o.texts), "synonyms": list(o.synonyms)} for value, o in spec.options.items()},
        "overridden": sorted(spec.overridden),
    }


def portal_map_as_dict(portal_map: PortalMap, interstitials: Mapping[str, Sequence[str]] | None = None,
                       *, pages: Sequence[str] | None = None) -> dict[str, Any]:
    """Plain data in the map's own order (JSON-ready, deterministic); ``pages`` limits the pages."""
    names = list(portal_map.pages) if pages is None else list(pages)
    data: dict[str, Any] = {
        "sources": list(portal_map.sources),
        "pages": {
            name: {
                "paths": list(spec.paths), "titles": list(spec.titles), "landmarks": list(spec.landmarks),
                "fields": [_field_as_dict(field) for field in spec.fields],
            }
            for name, spec in ((name, portal_map.pages[name]) for name in names)
        },
    }
    if interstitials is not None:
        data["interstitials"] = {kind: list(patterns) for kind, patterns in interstitials.items()}
    return data

