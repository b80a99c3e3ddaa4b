"""Which offered option means the value we want, when the portal's wording drifts.

The portal's option texts change without notice (a full-width bracket, a required ``*``, a
reworded Chinese label). Matching goes from strict to loose and says how it matched, so a
loose match is reported as drift instead of passing silently: exact text, then the same text
normalised, then a known synonym from the portal map, then (option lists only, never free
text) a clearly-best close match. Also here: how dates compare, whichever way they are
written (M/D/YYYY as the portal's boxes show them, ISO as a ``type=date`` input holds them).
No Playwright: pure functions, tested without a browser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from flows._specs import OptionTexts

CLOSE_MIN_RATIO = 0.75
"""A close match must be at least this similar (difflib ratio of the normalised texts)..."""
CLOSE_MIN_MARGIN = 0.08
"""...and this much better than the best match of any other option, or it is ambiguous."""

_SPACES = re.compile(r"\s+")
_PLACEHOLDER_WORDS = frozenset({"", "select", "选择", "请选择", "please select", "select one", "none selected"})
_PLACEHOLDER_PUNCTUATION = re.compile(r"[-–—_.·…:：()（）\[\]<>\s]+")


def normalise(text: str) -> str:
    """Text as compared: half-width (NFKC), case-folded, single spaces, no required ``*``."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()
    if folded.endswith("*"):
        folded = folded[:-1].strip()
    return folded


def is_placeholder(text: str) -> bool:
    """An option that stands for "nothing chosen": empty, dashes, "-- Select --", "--请选择--"."""
    return _PLACEHOLDER_PUNCTUATION.sub(" ", normalise(text)).strip() in _PLACEHOLDER_WORDS


@dataclass(frozen=True)
class OptionMatch:
    """The offered option chosen for a value, and how loosely it matched (drift if not exact)."""

    index: int
    text: str
    how: Literal["exact", "normalised", "synonym", "close"]
    score: float


def match_option(wanted: OptionTexts, offered: Sequence[str], *, close: bool = True) -> OptionMatch | None:
    """The option of ``offered`` that shows ``wanted``, or None when none does (or two could).

    ``offered`` keeps the page's indices (placeholders included; pass "" for an option that
    must not be chosen, e.g. a hidden radio). ``close`` only for option lists: free text is
    never guessed.
    """
    real = [(index, text) for index, text in enumerate(offered) if not is_placeholder(text)]
    stripped = {text.strip() for text in wanted.texts}
    for index, text in real:
        if text.strip() in stripped:
            return OptionMatch(index, text, "exact", 1.0)
    texts = {normalise(text) for text in wanted.texts} - {""}
    synonyms = {normalise(text) for text in wanted.synonyms} - {""}
    for how, accepted in (("normalised", texts), ("synonym", synonyms)):
        for index, text in real:
            if normalise(text) in accepted:
                return OptionMatch(index, text, how, 1.0)  # type: ignore[arg-type]
    if not close:
        return None
    return _closest(texts | synonyms, real)


def _closest(accepted: set[str], real: list[tuple[int, str]]) -> OptionMatch | None:
    """The clearly best close match: similar enough, and not nearly as similar as another option."""
    scored = sorted(
        ((max((SequenceMatcher(None, want, normalise(text)).ratio() for want in accepted), default=0.0), index, text)
         for index, text in real),
        reverse=True,
    )
    if not scored or scored[0][0] < CLOSE_MIN_RATIO:
        return None
    best, index, text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best - runner_up < CLOSE_MIN_MARGIN:
        return None
    return OptionMatch(index, text, "close", round(best, 3))


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")
_PORTAL = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of an M/D/YYYY or ISO (YYYY-MM-DD[T...]) date, else None."""
    iso = _ISO.match(text or "")
    if iso:
        return int(iso[1]), int(iso[2]), int(iso[3])
    portal = _PORTAL.match(text or "")
    if portal:
        return int(portal[3]), int(portal[1]), int(portal[2])
    return None


def portal_date(text: str) -> str:
    """The date as the portal's visible box takes it (M/D/YYYY); other text unchanged."""
    if _PORTAL.match(text or ""):
        return text.strip()
    parts = date_parts(text)
    return f"{parts[1]}/{parts[2]}/{parts[0]}" if parts else text


def iso_date(text: str) -> str:
    """The date as a ``type=date`` input takes it (YYYY-MM-DD); other text unchanged."""
    parts = date_parts(text)
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}" if parts else text


def same_date(a: str, b: str) -> bool:
    """Whether two texts name the same day, each in either format."""
    parts = date_parts(a)
    return parts is not None and parts == date_parts(b)
