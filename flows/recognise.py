"""Which portal page is showing: by what it shows (landmarks, headings), the URL one signal.

A portal that renames a path, merges two wizard steps or serves an error page with status
200 is still read right, because no single signal decides. Everything is read in one round
trip: the interstitial text, the document title and headings, which of every page's landmark
elements are present, and the text and passport number that tell whose page it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from playwright.sync_api import Page

from flows._base import portal_path
from flows._specs import PageSpec, PortalMap
from flows.interstitials import interstitial

_LOOK = """([landmarks, passportId]) => {
    const text = sel => Array.from(document.querySelectorAll(sel)).slice(0, 3).map(el => el.innerText).join(' ');
    const present = landmarks.filter(css => { try { return !!document.querySelector(css); } catch (e) { return false; } });
    const headings = Array.from(document.querySelectorAll('h1, h2, .page-heading, legend'))
        .slice(0, 12).map(el => el.innerText);
    const main = document.querySelector('main, #content, .page-copy, body') || document.body;
    const box = passportId ? document.getElementById(passportId) : null;
    return {
        interstitial: [document.title, text('h1'), text('[role=alert], .alert-danger'),
                       text('div.dialog[role=main]'), text('#cf-waiting-room')].join(' '),
        title: document.title, headings, present,
        text: main ? (main.innerText || '').slice(0, 20000) : '', passport: box ? (box.value || '') : '',
    };
}"""

LANDMARK_WEIGHT = 3  # per landmark, counted only when all of a page's landmarks are present
TITLE_WEIGHT = 3
PATH_WEIGHT = 2


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("*", " ").split())


@dataclass(frozen=True)
class Look:
    """What one look at the page saw."""

    interstitial: str | None
    path: str
    title: str
    headings: tuple[str, ...]
    present: frozenset[str]
    text: str = ""  # the main content's text, as a person reads it (whose page this is)
    passport: str = ""  # the value of the passport-number box, if the page has one

    def score(self, spec: PageSpec) -> int:
        """How strongly the page shows ``spec``: landmarks, a title or heading, the path."""
        score = 0
        if spec.landmarks and all(css in self.present for css in spec.landmarks):
            score += LANDMARK_WEIGHT * len(spec.landmarks)
        shown = [_norm(self.title), *(_norm(h) for h in self.headings)]
        if any(_norm(t) and any(_norm(t) == s or s.startswith(_norm(t) + " ") for s in shown) for t in spec.titles):
            score += TITLE_WEIGHT
        if self.path in spec.paths:
            score += PATH_WEIGHT
        return score


def look(page: Page, portal_map: PortalMap, passport_id: str | None = None) -> Look:
    """One look at the page: enough to name it and to tell whose page it is (``passport_id``:
    the box whose value names the applicant)."""
    landmarks = sorted({css for spec in portal_map.pages.values() for css in spec.landmarks})
    seen = page.evaluate(_LOOK, [landmarks, passport_id])
    return Look(
        interstitial=interstitial(seen["interstitial"]),
        path=portal_path(page.url),
        title=seen["title"] or "",
        headings=tuple(seen["headings"]),
        present=frozenset(seen["present"]),
        text=str(seen.get("text") or ""),
        passport=str(seen.get("passport") or ""),
    )


def best_page(seen: Look, portal_map: PortalMap) -> str | None:
    """The page the look shows most strongly; None when nothing of any page is there.

    A page seen only by its path (no landmark, no title) still counts: the portal's own
    markup may have moved, and the fill then reports each field it could not find."""
    scored = sorted(((seen.score(spec), name) for name, spec in portal_map.pages.items()), reverse=True)
    if not scored or scored[0][0] == 0:
        return None
    return scored[0][1]
