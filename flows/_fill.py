"""Fill a page's fields from a table of specs, and say for each what happened and why.

One routine for every page: probe all wanted fields at once, fill the visible ones in the
page's order (so cascades work: post, then category, then class; a list with no option yet
waits behind a field that loads options), look again for fields a choice reveals, then read
everything back at once. Each field ends with a status staff can act on; nothing is dropped
silently, and a loose option match is reported (drift).

Round trips: one probe, one action per field, one read-back. Only where the page changes
under us, more: a field whose choice loads options (``spec.loads``) adds its request's
answer, a wait for the page to draw it and one look at the fields after it; a list whose
options are still loading adds a wait and a re-probe; a choice that may have revealed
fields adds one probe of those still hidden or absent (at most ``EXTRA_PASSES``), which
carries the read-back: only when that probe finds more to fill is it read again.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from playwright.sync_api import Page

from flows._options import OptionMatch, is_placeholder, match_option, normalise, same_date
from flows._specs import FieldSpec
from flows._widgets import (
    CHOICE_KINDS,
    DATE_KINDS,
    Probe,
    probe,
    probe_and_read_back,
    probe_many,
    read_back,
    set_value,
    wait_drawn,
    wait_for_options,
)
from flows._xhr import XhrRetry

FieldStatus = Literal["entered", "already", "not_on_page", "hidden", "disabled", "no_option", "not_read_back"]

EXTRA_PASSES = 2
"""How many times fields a choice may reveal (hidden or absent at first) are looked for again."""
OFFERED_IN_DETAIL = 8

_TRUTHY = frozenset({"yes", "true", "1", "on", "y", "x", "✓", "是"})
_FALSY = frozenset({"no", "false", "0", "off", "n", "否", "不"})
_NO_LABELS: Mapping[str, Sequence[str]] = MappingProxyType({})


@dataclass(frozen=True)
class FieldOutcome:
    """What happened to one wanted value on this page (secrets: value and shown are "")."""

    key: str
    value: str  # the value wanted ("" for secrets)
    status: FieldStatus
    found_by: str | None = None  # id / name / label / aria / legend / question (+ " (map override)")
    kind: str | None = None
    shown: str = ""  # what the page shows after filling (read back); "" for secrets
    option_how: str | None = None  # exact / normalised / synonym / close
    option_text: str | None = None  # the option chosen
    detail: str = ""  # why, for not-ok outcomes: a sentence for staff

    @property
    def ok(self) -> bool:
        return self.status in ("entered", "already")


@dataclass(frozen=True)
class _Entered:
    """A value given to the page, to be read back: the text it should show."""

    expected: str
    found: Probe
    match: OptionMatch | None


def _found_by(spec: FieldSpec, found: Probe) -> str:
    """How it was found, marked when the attribute that found it came from the staff's map."""
    attribute = {"id": "id", "names": "names", "labels": "labels"}.get(found.via)
    overridden = getattr(spec, "overridden", frozenset())
    return f"{found.found_by} (map override)" if attribute and attribute in overridden else found.found_by


def _offered(found: Probe) -> list[str]:
    """The options that may be chosen, with the page's indices: hidden ones count as blank."""
    return ["" if index in found.hidden_options else text for index, text in enumerate(found.options)]


def _shown_options(found: Probe) -> str:
    real = [text for text in _offered(found) if not is_placeholder(text)]
    listed = ", ".join(repr(text) for text in real[:OFFERED_IN_DETAIL])
    more = f" and {len(real) - OFFERED_IN_DETAIL} more" if len(real) > OFFERED_IN_DETAIL else ""
    return f"it offers {listed}{more}" if real else "it offers no option yet"


def _may_still_load(found: Probe, after_loads: bool) -> bool:
    """A list whose options may not be there yet: empty, only a placeholder, or after a cascade."""
    if found.kind not in ("select", "combobox"):
        return False
    return after_loads or all(is_placeholder(text) for text in found.options)


def _same(kind: str, shown: str, wanted: str) -> bool:
    """Typed text must read back as typed (only white space may differ: a page that changes the
    case of a name changed the name); choices and dates compare as the page may show them."""
    if kind in DATE_KINDS:
        return same_date(shown, wanted)
    if kind in CHOICE_KINDS:
        return normalise(shown) == normalise(wanted)
    return " ".join(shown.split()) == " ".join(wanted.split())


class _Filler:
    """One call of fill_fields: the page, its options and the outcomes so far."""

    def __init__(
        self,
        page: Page,
        specs: Sequence[FieldSpec],
        values: Mapping[str, str],
        xhr: XhrRetry | None,
        secret_keys: Collection[str],
        timeout_ms: float,
        labels: Mapping[str, Sequence[str]],
    ) -> None:
        self.page, self.values, self.xhr = page, values, xhr
        self.specs = {spec.key: spec for spec in specs}
        self.secret_keys, self.timeout_ms, self.labels = secret_keys, timeout_ms, labels
        self.outcomes: dict[str, FieldOutcome] = {}
        self.entered: dict[str, _Entered] = {}
        self.actions = 0  # how many times the page was acted on: a read-back taken before one is stale

    def secret(self, spec: FieldSpec, found: Probe | None = None) -> bool:
        return spec.kind == "secret" or spec.key in self.secret_keys or (found is not None and found.kind == "secret")

    def outcome(self, spec: FieldSpec, status: FieldStatus, found: Probe | None = None, **more: str | None) -> None:
        secret = self.secret(spec, found)
        self.outcomes[spec.key] = FieldOutcome(
            key=spec.key,
            value="" if secret else self.values[spec.key].strip(),
            status=status,
            found_by=_found_by(spec, found) if found else None,
            kind=found.kind if found else None,
            **more,  # type: ignore[arg-type]
        )

    def fill_pass(self, specs: list[FieldSpec], probes: dict[str, Probe | None]) -> tuple[list[FieldSpec], bool]:
        """Fill the visible fields in page order; return those still hidden or absent, and
        whether looking again may find more: a hidden field after any action, an absent one
        only after a choice (a cascade draws the next list; typing text draws nothing).

        Page order is the cascade order on the portal, but not on every page (a shuffled
        form): a list with no option yet waits behind a field whose choice loads options.
        """
        later = [spec for spec in specs if (found := probes[spec.key]) is None or found.hidden]
        queue = deque(sorted((spec for spec in specs if spec not in later), key=lambda spec: probes[spec.key].order))  # type: ignore[union-attr]
        acted = chose = after_loads = stale = False
        deferred = 0  # fields put back since the last action: a guard against waiting in circles
        while queue:
            spec = queue.popleft()
            if stale:  # a cascade may have redrawn what follows: look at it again, once
                probes.update(probe_many(self.page, [spec, *queue], labels=self.labels))
                stale = False
            found = probes[spec.key]
            if found is None or found.hidden:
                later.append(spec)
                continue
            if deferred <= len(queue) and self.behind_a_cascade(spec, found, queue):
                queue.append(spec)
                deferred += 1
                continue
            did = self.fill_one(spec, found, after_loads)
            acted, chose = acted or did, chose or (did and found.kind in CHOICE_KINDS)
            after_loads = stale = did and spec.loads is not None
            deferred = 0 if did else deferred
        hidden_left = any(probes[spec.key] is not None for spec in later)
        return later, chose or (acted and hidden_left)

    def behind_a_cascade(self, spec: FieldSpec, found: Probe, queue: deque[FieldSpec]) -> bool:
        """A list with no option yet, while a field still to fill loads options when chosen."""
        return (
            found.kind in ("select", "combobox")
            and all(is_placeholder(text) for text in found.options)
            and any(other.loads for other in queue)
        )

    def fill_one(self, spec: FieldSpec, found: Probe, after_loads: bool) -> bool:
        """Fill one visible field; True if the page was acted on."""
        value = self.values[spec.key].strip()
        if found.kind in CHOICE_KINDS:
            return self.choose(spec, found, value, after_loads)
        secret = self.secret(spec, found)
        if not secret and _same(found.kind, found.value, value):
            self.outcome(spec, "already", found, shown=found.value)
            return False
        if found.disabled:
            fixed = "" if secret else f" to {found.value!r}"
            self.outcome(spec, "disabled", found, shown="" if secret else found.value,
                         detail=f"The portal shows this field fixed{fixed}; it cannot be changed here.")
            return False
        self.act(spec, found, value, None)
        self.entered[spec.key] = _Entered(value, found, None)
        return True

    def choose(self, spec: FieldSpec, found: Probe, value: str, after_loads: bool) -> bool:
        """Match the value to an offered option (waiting for a list still loading), then pick it."""
        wanted = spec.texts_for(value)
        match = match_option(wanted, _offered(found))
        if match is None and not found.disabled and _may_still_load(found, after_loads):
            if found.kind == "combobox" and not found.options:
                self.actions += 1
                self.page.locator(found.selector).click(timeout=self.timeout_ms)  # its list fills when opened
            wait_for_options(self.page, found, (*wanted.texts, *wanted.synonyms), timeout_ms=self.timeout_ms)
            again = probe(self.page, spec, labels=self.labels.get(spec.key, ()))
            if again is None or again.hidden:
                self.outcome(spec, "hidden" if again else "not_on_page", again,
                             detail="It went away while its options were loading.")
                return False
            found = again
            match = match_option(wanted, _offered(found))
        single = found.kind == "checkbox" and len(found.options) == 1
        if match is None and single and normalise(value) in _TRUTHY | _FALSY:
            match = OptionMatch(0, found.options[0], "exact", 1.0) if normalise(value) in _TRUTHY else None
            return self.tick_single(spec, found, value, match)
        if match is None:
            self.outcome(spec, "no_option", found, shown=found.value,
                         detail=f"None of the options matches {value!r}: {_shown_options(found)}.")
            return False
        how = {"option_how": match.how, "option_text": match.text}
        if match.index in found.selected and (found.kind != "checkbox" or len(found.selected) == 1):
            self.outcome(spec, "already", found, shown=found.value, **how)
            return False
        if found.disabled:
            self.outcome(spec, "disabled", found, shown=found.value, **how,
                         detail=f"The portal shows this field fixed to {found.value!r}; it cannot be changed here.")
            return False
        self.act(spec, found, match.text, match.index)
        self.entered[spec.key] = _Entered(match.text, found, match)
        return True

    def tick_single(self, spec: FieldSpec, found: Probe, value: str, match: OptionMatch | None) -> bool:
        """A lone checkbox given yes / no: tick or untick it."""
        want = match is not None
        if (0 in found.selected) == want:
            self.outcome(spec, "already", found, shown=found.value)
            return False
        if found.disabled:
            self.outcome(spec, "disabled", found, shown=found.value,
                         detail="The portal shows this box fixed; it cannot be changed here.")
            return False
        self.act(spec, found, value, 0 if want else None)
        self.entered[spec.key] = _Entered(found.options[0] if want else "", found, match)
        return True

    def act(self, spec: FieldSpec, found: Probe, text: str, index: int | None) -> None:
        def action() -> None:
            set_value(self.page, found, text, option_index=index, timeout_ms=self.timeout_ms)

        self.actions += 1
        if not spec.loads:
            action()
            return
        response = (self.xhr or XhrRetry()).call(self.page, f"{spec.key} options", re.compile(spec.loads, re.I), action)
        # The answer is in; the page draws it in a task or two (the next list, the class
        # boxes): let it, or the next look would find the old page.
        response.finished()
        wait_drawn(self.page, response.url)

    def readable(self) -> list[str]:
        """The keys entered so far whose values may be read back (not secrets)."""
        return [key for key, entered in self.entered.items() if not self.secret(self.specs[key], entered.found)]

    def check_read_back(self, shown: Mapping[str, str] | None) -> None:
        """One read-back of everything entered: a page that rewrote a value is caught here.
        ``shown``: a read-back taken since the last action, else None (read now)."""
        if shown is None:
            shown = read_back(self.page, self.readable())
        for key, entered in self.entered.items():
            spec, found, match = self.specs[key], entered.found, entered.match
            how = {"option_how": match.how, "option_text": match.text} if match else {}
            if key not in shown:  # a secret: typed, never read back nor reported
                self.outcome(spec, "entered", found)
            elif _same(found.kind, shown[key], entered.expected):
                self.outcome(spec, "entered", found, shown=shown[key], **how)
            else:
                verb = "chose" if found.kind in CHOICE_KINDS else "typed"
                self.outcome(spec, "not_read_back", found, shown=shown[key], **how,
                             detail=f"{verb} {entered.expected!r}, the page shows {shown[key]!r}.")


def fill_fields(
    page: Page,
    specs: Sequence[FieldSpec],
    values: Mapping[str, str],
    *,
    xhr: XhrRetry | None = None,
    secret_keys: Collection[str] = (),
    timeout_ms: float = 15_000,
    labels: Mapping[str, Sequence[str]] = _NO_LABELS,
) -> list[FieldOutcome]:
    """Fill every field of ``specs`` that has a non-blank value, and say what became of each.

    Outcomes follow the order of ``specs``. A field not on the page is "not_on_page" (normal
    on a page that does not ask for it: the caller decides); a hidden one is looked for
    again after the others were set (a choice can reveal a section). ``labels`` adds runtime
    label texts per key (a security question's text). Secrets are typed, never read back,
    never put into an outcome.
    """
    wanted = [spec for spec in specs if str(values.get(spec.key) or "").strip()]
    if not wanted:
        return []
    filler = _Filler(page, wanted, values, xhr, secret_keys, timeout_ms, labels)
    todo, probes = wanted, probe_many(page, wanted, labels=labels, absent=())
    shown: dict[str, str] | None = None  # read back with the last look, while nothing was done since
    for extra in range(EXTRA_PASSES + 1):
        actions = filler.actions
        todo, look_again = filler.fill_pass(todo, probes)
        if filler.actions != actions:
            shown = None
        if not todo or not look_again or extra == EXTRA_PASSES:
            break
        absent = {spec.key for spec in todo if probes.get(spec.key) is None}
        probes, shown = probe_and_read_back(page, todo, filler.readable(), labels=labels, absent=absent)
    for spec in todo:
        if spec.key in filler.outcomes:
            continue
        found = probes.get(spec.key)
        if found is None:
            filler.outcome(spec, "not_on_page", detail="This page has no such field (by id, name or label).")
        else:
            filler.outcome(spec, "hidden", found,
                           detail="The page has this field but does not show it to a person, so it was left alone.")
    filler.check_read_back(shown)
    return [filler.outcomes[spec.key] for spec in wanted]
