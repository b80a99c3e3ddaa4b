"""The Interview Waiver page's yes/no questions: read every one shown, recognise, answer.

The questions vary by country, category and year, and a wrong answer is a false statement,
so the page is read whole: every yes/no radio group a person can see, with its question text.
A question is recognised only when its text is one of a meaning's wordings in the portal map
(``interview_waiver`` fields; case, width, spacing and punctuation aside; staff add wordings
with a portal-map override). A question not recognised, or one ``decide`` leaves undecided, is
never answered: it comes back open for a person. Hidden groups (a honeypot) are not read.

The answers themselves come from the caller (``decide``: meaning -> answer and why), so this
module does not import ``assistant``; the radios are set by the page engine (``fill_fields``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from playwright.sync_api import Page

from flows._fill import FieldOutcome, fill_fields
from flows._options import normalise
from flows._specs import FieldSpec
from flows._widgets import _JS_HELPERS, VISIBILITY_JS
from flows._xhr import XhrRetry

AnsweredBy = Literal["facts", "page", "person", "nobody"]
Decide = Callable[[str], tuple[str | None, str]]
"""meaning -> (``"Yes"`` / ``"No"``, or None when the facts do not decide it; why)."""

NOT_RECOGNISED = ("not a question the assistant recognises: its wording is not in the portal map's "
                  "interview_waiver fields")

# Every radio group on the page a person can see, in document order, with its question text:
# the fieldset's legend, else the radiogroup's aria label, else the text just before the group.
_READ_JS = (
    "() => {\n"
    + _JS_HELPERS
    + VISIBILITY_JS
    + r"""
const idsText = (ids) => ids.split(/\s+/).filter(Boolean)
    .map((id) => { const el = document.getElementById(id); return el ? textOf(el) : ''; }).join(' ');
const groups = new Map();
for (const input of document.querySelectorAll('input[type=radio]')) {
    const holder = input.closest('fieldset,[role=radiogroup]');
    const key = input.name || (holder && holder.id) || `#${groups.size}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(input);
}
const questionOf = (members) => {
    const first = members[0];
    const fieldset = first.closest('fieldset');
    const legend = fieldset && fieldset.querySelector(':scope > legend');
    if (legend && textOf(legend)) return textOf(legend);
    const group = first.closest('[role=radiogroup],[role=group]');
    if (group) {
        const text = group.getAttribute('aria-labelledby') ? idsText(group.getAttribute('aria-labelledby'))
            : (group.getAttribute('aria-label') || '');
        if (text.trim()) return text;
    }
    let box = first.parentElement;  // the smallest element holding every option
    while (box && box !== document.body && !members.every((m) => box.contains(m))) box = box.parentElement;
    for (let up = box; up && up !== document.body; up = up.parentElement) {
        const before = up.previousElementSibling;
        if (before) return before.querySelector('input,select,textarea') ? '' : textOf(before);
    }
    return '';
};
const out = [];
for (const [name, members] of groups) {
    const seen = members.filter((m) => {
        const label = labelOf(m);
        return !isHidden(m) || (label && !isHidden(label));
    });
    if (!seen.length) continue;  // nobody can see it: a honeypot, or a section not shown
    const text = questionOf(members).replace(/\s*\*\s*$/, '').replace(/\s+/g, ' ').trim();
    const checked = members.filter((m) => m.checked).map(optionText);
    out.push({name, text, options: members.map(optionText), checked: checked[0] || ''});
}
return out;
}"""
)


@dataclass(frozen=True)
class ShownQuestion:
    """One visible yes/no radio group: its question as shown and the option checked now."""

    name: str  # the radios' name (or their group's id)
    text: str  # the question text as shown ("" if the page gives none)
    options: tuple[str, ...]
    checked: str  # the checked option's text, "" when unanswered


@dataclass(frozen=True)
class QuestionOutcome:
    """What became of one question: answered from the facts, left open, or answered by a person."""

    question: str  # as shown
    meaning: str | None  # None: not recognised
    answer: str | None  # "Yes" / "No" (or the option text a person chose); None: not answered
    by: AnsweredBy
    why: str

    @property
    def open(self) -> bool:
        return self.answer is None


_IGNORED = re.compile(r"[\s*?.,:;!'\"“”‘’()\[\]、。]+")


def wording_key(text: str) -> str:
    """The text a wording is compared by: normalised (NFKC, case), without spaces and punctuation,
    so "您是否未满 14 周岁？" and "您是否未满14周岁?" are the same wording; nothing looser."""
    return _IGNORED.sub("", normalise(text))


def shown_questions(page: Page) -> list[ShownQuestion]:
    """Every yes/no group a person can see on the page, in the page's order."""
    raw = page.evaluate(_READ_JS)
    return [ShownQuestion(q["name"], q["text"], tuple(q["options"]), q["checked"]) for q in raw]


def recognise(text: str, specs: Sequence[FieldSpec]) -> str | None:
    """The meaning (field key) whose wordings include ``text``; None when none does, or more
    than one does (an ambiguous map is not a licence to pick one)."""
    key = wording_key(text)
    if not key:
        return None
    hits = [spec.key for spec in specs if any(wording_key(label) == key for label in spec.labels)]
    return hits[0] if len(hits) == 1 else None


def option_value(text: str, spec: FieldSpec | None) -> str:
    """The value ("Yes" / "No") an option text shows, by the field's option texts; else the text."""
    key = normalise(text)
    for value, texts in (spec.options.items() if spec is not None else ()):
        if key in {normalise(t) for t in (value, *texts.texts, *texts.synonyms)}:
            return value
    return text


def answer_questions(
    page: Page, specs: Sequence[FieldSpec], decide: Decide, *, xhr: XhrRetry | None = None,
    timeout_ms: float = 15_000,
) -> list[QuestionOutcome]:
    """Answer every question shown that is recognised and decided; the rest stay open.

    A question already answered on the page that the facts do not decide keeps its answer
    (a person gave it, e.g. before a resume): it is reported as the page's, not the facts'."""
    by_key = {spec.key: spec for spec in specs}
    shown = shown_questions(page)
    meanings = [recognise(q.text, specs) for q in shown]
    outcomes: list[QuestionOutcome] = []
    values: dict[str, str] = {}
    for question, meaning in zip(shown, meanings, strict=True):
        if meaning is not None and meanings.count(meaning) > 1:
            outcomes.append(QuestionOutcome(question.text, meaning, None, "nobody",
                                            f"the page asks {meaning} more than once: a person checks which is meant"))
            continue
        if meaning is None:
            outcomes.append(QuestionOutcome(question.text, None, None, "nobody", NOT_RECOGNISED))
            continue
        answer, why = decide(meaning)
        if answer is None:
            if question.checked:
                outcomes.append(QuestionOutcome(question.text, meaning, option_value(question.checked, by_key[meaning]),
                                                "page", f"answered on the page already; the facts do not decide it ({why})"))
            else:
                outcomes.append(QuestionOutcome(question.text, meaning, None, "nobody", why))
            continue
        values[meaning] = answer
        outcomes.append(QuestionOutcome(question.text, meaning, answer, "facts", why))
    if values:
        labels = {q_meaning: [q.text] for q, q_meaning in zip(shown, meanings, strict=True) if q_meaning in values}
        filled = fill_fields(page, [by_key[key] for key in values], values, xhr=xhr, timeout_ms=timeout_ms, labels=labels)
        outcomes = _unless_entered(outcomes, {f.key: f for f in filled})
    return outcomes


def _unless_entered(outcomes: list[QuestionOutcome], filled: Mapping[str, FieldOutcome]) -> list[QuestionOutcome]:
    """A decided answer the page did not take (not found, no such option, not read back) is open."""
    out: list[QuestionOutcome] = []
    for outcome in outcomes:
        done = filled.get(outcome.meaning or "")
        if outcome.by == "facts" and (done is None or not done.ok):
            said = done.detail or done.status if done is not None else "not filled"
            outcome = replace(outcome, answer=None, by="nobody",
                              why=f"the facts say {outcome.answer} ({outcome.why}), but the page did not take it: {said}")
        out.append(outcome)
    return out


def read_again(page: Page, outcomes: Sequence[QuestionOutcome], specs: Sequence[FieldSpec]) -> list[QuestionOutcome]:
    """After a person was asked: the open questions they answered on the page count as theirs."""
    by_key = {spec.key: spec for spec in specs}
    checked: dict[str, str] = {}
    for question in shown_questions(page):
        checked.setdefault(question.text, question.checked)
    out: list[QuestionOutcome] = []
    for outcome in outcomes:
        now = checked.get(outcome.question, "")
        if outcome.open and now:
            outcome = replace(outcome, answer=option_value(now, by_key.get(outcome.meaning or "")), by="person",
                              why=f"answered by a person on the page ({outcome.why})")
        out.append(outcome)
    return out
