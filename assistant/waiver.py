"""Interview-waiver answers from an applicant's facts, each with its reason, never guessed.

The portal's waiver questions decide whether an applicant may skip the interview: a wrong
"yes" is a false statement to a consulate, so an answer is given only when the profile's facts
decide it. A fact left empty (unknown), a nationality whose standing in the country of
application is not clear, a previous visa still valid when the question asks about one that
expired: the answer is ``None`` (undecided) with the reason, and the run stops for a person.

Pure (no Playwright): the runner, the mock's checks and the tests share it. ``today`` is a
parameter so that age and the 48-month window are decided for a given day and tested at their
edges. The page side (which question is which meaning) is flows/waiver_questions.py and the
portal map's ``interview_waiver`` block.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from assistant.choices import APPLICATION_COUNTRY, NO_PREVIOUS_VISA
from assistant.models import Applicant
from assistant.run_record import WaiverAnswerRecord

if TYPE_CHECKING:  # the page side imports Playwright; this module stays pure
    from flows.waiver_questions import QuestionOutcome

YES, NO = "Yes", "No"
"""The values the portal map's ``interview_waiver`` fields take (their option texts say how each
is shown: Yes / 是, No / 否)."""

MONTHS_SINCE_EXPIRY = 48
"""The 2024 rule: a previous visa that expired within the last 48 months."""

UNCLEAR_NATIONALITIES = frozenset({"Hong Kong", "Macau", "Taiwan"})
"""Nationalities whose standing as "a citizen or lawful resident" of the country of application
(mainland China) the portal does not settle: a person decides (the profile has no residence fact)."""

@dataclass(frozen=True)
class WaiverFacts:
    """What the waiver questions are answered from: one applicant's profile facts.

    ``previous_visa_class``: a class code, ``"none"`` (never had a U.S. visa) or None (not
    known); the yes/no facts and dates are None when not known."""

    birth_date: date
    nationality: str
    visa_class: str  # the class applied for
    previous_visa_class: str | None = None
    previous_visa_issue_date: date | None = None
    previous_visa_expiry_date: date | None = None
    ever_refused: bool | None = None
    visa_lost_stolen_revoked: bool | None = None

    @property
    def had_previous_visa(self) -> bool | None:
        if self.previous_visa_class is None:
            return None
        return self.previous_visa_class != NO_PREVIOUS_VISA


@dataclass(frozen=True)
class WaiverAnswer:
    """One meaning answered: ``answer`` is YES, NO or None (the facts do not decide it)."""

    meaning: str
    answer: str | None
    why: str

    @property
    def decided(self) -> bool:
        return self.answer is not None


def facts_of(applicant: Applicant) -> WaiverFacts:
    """The waiver facts of a profile applicant (an empty ``travel_history``: nothing known)."""
    history = applicant.travel_history
    return WaiverFacts(
        birth_date=applicant.birth_date,
        nationality=applicant.nationality,
        visa_class=applicant.visa.visa_class,
        previous_visa_class=history.previous_visa_class if history else None,
        previous_visa_issue_date=history.previous_visa_issue_date if history else None,
        previous_visa_expiry_date=history.previous_visa_expiry_date if history else None,
        ever_refused=history.ever_refused_us_visa if history else None,
        visa_lost_stolen_revoked=history.previous_visa_lost_or_stolen if history else None,
    )


# --- dates ---------------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier; the month's last day when it has no such day (31st, 29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def birthday(birth_date: date, years: int) -> date:
    """The day ``years`` after birth (a 29 February birthday falls on 1 March in other years)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return date(birth_date.year + years, 3, 1)


def _yes_no(value: bool) -> str:
    return YES if value else NO


# --- one function per meaning ------------------------------------------------------------


def _citizen_or_resident(facts: WaiverFacts, today: date) -> WaiverAnswer:
    meaning = "citizen_or_resident"
    if facts.nationality == APPLICATION_COUNTRY:
        return WaiverAnswer(meaning, YES, f"nationality {facts.nationality}: applying in {APPLICATION_COUNTRY}")
    if facts.nationality in UNCLEAR_NATIONALITIES:
        return WaiverAnswer(meaning, None, f"nationality {facts.nationality}, applying in mainland {APPLICATION_COUNTRY}: "
                                           "whether that counts as citizen or lawful resident is for a person to say")
    return WaiverAnswer(meaning, None, f"nationality {facts.nationality}: lawful residence in {APPLICATION_COUNTRY} "
                                       "is not a fact the profile holds")


def _age(facts: WaiverFacts, today: date) -> str:
    return f"born {facts.birth_date.isoformat()}: {age_on(facts.birth_date, today)} on {today.isoformat()}"


def _under_14(facts: WaiverFacts, today: date) -> WaiverAnswer:
    return WaiverAnswer("under_14", _yes_no(age_on(facts.birth_date, today) < 14), _age(facts, today))


def _age_80_or_older(facts: WaiverFacts, today: date) -> WaiverAnswer:
    return WaiverAnswer("age_80_or_older", _yes_no(age_on(facts.birth_date, today) >= 80), _age(facts, today))


def _previous_within(meaning: str, facts: WaiverFacts, today: date, *, same_class: bool) -> WaiverAnswer:
    """A previous visa (of the class applied for, if ``same_class``) that expired within 48 months.

    The window is inclusive: a visa that expired exactly 48 months ago (same calendar day) counts.
    A visa not yet expired is undecided: the wording asks about one that expired."""
    had = facts.had_previous_visa
    if had is None:
        return WaiverAnswer(meaning, None, "previous_visa_class is empty: not known whether there was a previous U.S. visa")
    if not had:
        return WaiverAnswer(meaning, NO, "never had a U.S. visa (previous_visa_class: none)")
    held = f"previous visa {facts.previous_visa_class}"
    if same_class and facts.previous_visa_class != facts.visa_class:
        return WaiverAnswer(meaning, NO, f"{held}, applying for {facts.visa_class}: not the same class")
    expiry = facts.previous_visa_expiry_date
    if expiry is None:
        return WaiverAnswer(meaning, None, f"{held}: previous_visa_expiry_date is empty")
    if expiry >= today:
        return WaiverAnswer(meaning, None, f"{held} is still valid (expires {expiry.isoformat()}): the question asks "
                                           "about one that expired; a person decides")
    cutoff = months_before(today, MONTHS_SINCE_EXPIRY)
    within = expiry >= cutoff
    said = "within" if within else "more than"
    return WaiverAnswer(meaning, _yes_no(within), f"{held} expired {expiry.isoformat()}: {said} {MONTHS_SINCE_EXPIRY} "
                                                  f"months before {today.isoformat()} (since {cutoff.isoformat()})")


def _previous_visa_48_months(facts: WaiverFacts, today: date) -> WaiverAnswer:
    return _previous_within("previous_visa_48_months", facts, today, same_class=False)


def _previous_visa_same_class(facts: WaiverFacts, today: date) -> WaiverAnswer:
    return _previous_within("previous_visa_same_class_48_months", facts, today, same_class=True)


def _issued_on_or_after_14(facts: WaiverFacts, today: date) -> WaiverAnswer:
    meaning = "previous_visa_issued_on_or_after_14"
    had = facts.had_previous_visa
    if had is None:
        return WaiverAnswer(meaning, None, "previous_visa_class is empty: not known whether there was a previous U.S. visa")
    if not had:
        return WaiverAnswer(meaning, NO, "never had a U.S. visa (previous_visa_class: none)")
    issued = facts.previous_visa_issue_date
    if issued is None:
        return WaiverAnswer(meaning, None, f"previous visa {facts.previous_visa_class}: previous_visa_issue_date is empty")
    fourteenth = birthday(facts.birth_date, 14)
    return WaiverAnswer(meaning, _yes_no(issued >= fourteenth),
                        f"issued {issued.isoformat()}, 14th birthday {fourteenth.isoformat()}")


def _ever_refused(facts: WaiverFacts, today: date) -> WaiverAnswer:
    if facts.ever_refused is None:
        return WaiverAnswer("ever_refused", None, "ever_refused_us_visa is empty")
    return WaiverAnswer("ever_refused", _yes_no(facts.ever_refused),
                        f"ever_refused_us_visa: {'yes' if facts.ever_refused else 'no'}")


def _lost_stolen_revoked(facts: WaiverFacts, today: date) -> WaiverAnswer:
    meaning = "visa_lost_stolen_revoked"
    if facts.had_previous_visa is False:
        return WaiverAnswer(meaning, NO, "never had a U.S. visa (previous_visa_class: none)")
    if facts.visa_lost_stolen_revoked is None:
        return WaiverAnswer(meaning, None, "previous_visa_lost_or_stolen is empty")
    return WaiverAnswer(meaning, _yes_no(facts.visa_lost_stolen_revoked),
                        f"previous_visa_lost_or_stolen: {'yes' if facts.visa_lost_stolen_revoked else 'no'}")


_RULES: dict[str, Callable[[WaiverFacts, date], WaiverAnswer]] = {
    "citizen_or_resident": _citizen_or_resident,
    "under_14": _under_14,
    "age_80_or_older": _age_80_or_older,
    "previous_visa_48_months": _previous_visa_48_months,
    "previous_visa_same_class_48_months": _previous_visa_same_class,
    "previous_visa_issued_on_or_after_14": _issued_on_or_after_14,
    "ever_refused": _ever_refused,
    "visa_lost_stolen_revoked": _lost_stolen_revoked,
}
MEANINGS: tuple[str, ...] = tuple(_RULES)
"""Every question meaning answered here; the portal map's ``interview_waiver`` fields use these keys."""


def answer(meaning: str, facts: WaiverFacts, today: date) -> WaiverAnswer:
    """The answer to one question meaning on ``today``; a meaning not known here is undecided."""
    rule = _RULES.get(meaning)
    if rule is None:
        return WaiverAnswer(meaning, None, f"{meaning!r} is not a question the assistant answers")
    return rule(facts, today)


def answers(meanings: Iterable[str], facts: WaiverFacts, today: date) -> dict[str, WaiverAnswer]:
    """Every meaning answered (the mock's check and the report compare these with the page)."""
    return {meaning: answer(meaning, facts, today) for meaning in meanings}


# --- for the runner and the report ---------------------------------------------------------


def decider(facts: WaiverFacts | None, today: date | None = None) -> Callable[[str], tuple[str | None, str]]:
    """The page side's ``decide`` (meaning -> answer, why) for one applicant on ``today``
    (default: the local date, the day the portal records the answers)."""
    day = today or date.today()

    def decide(meaning: str) -> tuple[str | None, str]:
        if facts is None:
            return None, "the applicant's waiver facts are not known to this run"
        said = answer(meaning, facts, day)
        return said.answer, said.why

    return decide


def records(outcomes: Iterable[QuestionOutcome]) -> list[WaiverAnswerRecord]:
    """The run record's (and the report's) copy of what became of each question."""
    return [WaiverAnswerRecord(question=o.question, meaning=o.meaning, answer=o.answer, by=o.by, why=o.why)
            for o in outcomes]


def shown_values(outcomes: Iterable[QuestionOutcome]) -> dict[str, str]:
    """Question -> answer and why, for the person confirming the page and the page's record."""
    return {o.question or "(a question without text)":
            f"{o.answer} ({o.why})" if o.answer is not None else f"[NOT ANSWERED: answer it in the browser — {o.why}]"
            for o in outcomes}


def stop_message(still_open: Iterable[QuestionOutcome]) -> str:
    """Why the applicant stopped at the Interview Waiver page: each question as shown, why it is
    open, and the fixes that apply (a wording to teach the portal map, a fact to fill in)."""
    still = list(still_open)
    lines = "; ".join(f"“{o.question or '(a question without text)'}” ({o.why})" for o in still)
    fixes = ["answer it on the portal and press Next there"]
    if any(o.meaning is None for o in still):
        fixes.append("if it asks what a known question asks, add its wording to your portal map's "
                     "interview_waiver fields (`ustd portal-map show`)")
    if any(o.meaning is not None for o in still):
        fixes.append("if the fact is known, fill it in the profile (travel_history, nationality)")
    return (f"Interview Waiver: left for a person, never guessed: {lines}. Fix: " + "; or ".join(fixes)
            + "; then run again with --resume.")


def answered_in_browser(outcomes: Iterable[QuestionOutcome]) -> list[QuestionOutcome]:
    """The person answered the open questions and submitted the page themselves."""
    return [replace(o, answer="(answered in the browser)", by="person", why=f"answered by a person ({o.why})")
            if o.open else o for o in outcomes]
