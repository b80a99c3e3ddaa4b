"""Photograph a portal page with no secret on it.

A mask drawn over the picture is not enough: Playwright places it by the boxes' positions,
and a full-page shot of a scrolled page put it beside the boxes, so the answers stayed
legible. So the secret never is on the page when it is photographed: one script call empties
every secret box (any password box, the portal's known answer and password ids, and any box
whose value holds one of the account's secrets, so a secret typed into an unexpected box is
caught too) and scrolls to the top; the shot is taken; a second call puts back exactly the
values and scroll position it took away. The values are set as properties, dispatching no
input/change event, so the portal's scripts see nothing happen. The mask stays as a second
layer and, with the page at the top, lands on the boxes.

Most pages hold no secret at all, and for them that dance is pure cost: on 2 cores a shot took
205-224 ms with it and 135 ms without (bench/screenshot_options.py; the round trips, the mask and
Playwright's screenshot bookkeeping). So one probe first counts the secret boxes, chosen exactly
as the emptying script chooses them, and measures the page: with none, the page is photographed
as it is, in one Chromium ``Page.captureScreenshot`` call (what ``page.screenshot(full_page=True)``
ends in, without its size probe, fonts wait, caret style and mask steps); with any, the full
dance above. Nothing is emptied on a page the probe found clean, so there is nothing to hide.
"""

from __future__ import annotations

import base64
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError


# Boxes that hold a secret by what they are (portal-dom.md): any password input, the sign-in
# and sign-up password ids, the sign-up answers (plain text boxes) and the security-question
# answers after sign-in.
SECRET_INPUTS = ", ".join(
    [
        "input[type=password]",
        *(f"#{box}" for box in ("password", "newPassword", "reenterPassword",
                                "extension_kba1", "extension_kba2", "extension_kba3")),
        "input[id^=extension_kba]",
        "input[id^=kba][id$=_response]",
    ]
)

# Input types whose value is never drawn as text, so never blanked by value.
_NOT_TEXT = ["hidden", "checkbox", "radio", "file", "submit", "button", "image", "reset", "range", "color"]

# The boxes holding a secret, by what they are or by their value.
_SECRET_BOXES = """(selector, secrets, notText) => [...document.querySelectorAll('input, textarea')].filter(
    el => el.value && !notText.includes(el.type)
        && (el.matches(selector) || secrets.some(secret => el.value.includes(secret))))"""

# How many secret boxes hold a value, and the page's full size as Playwright measures it for a
# full-page shot (0 x 0 with no body yet: then Playwright's own screenshot, which waits for one).
# One round trip decides whether the page needs emptying at all.
_PROBE = f"""([selector, secrets, notText]) => {{
    const secretBoxes = ({_SECRET_BOXES})(selector, secrets, notText).length;
    const body = document.body, root = document.documentElement;
    if (!body || !root) return {{secretBoxes, width: 0, height: 0}};
    return {{
        secretBoxes,
        width: Math.max(body.scrollWidth, root.scrollWidth, body.offsetWidth, root.offsetWidth,
            body.clientWidth, root.clientWidth),
        height: Math.max(body.scrollHeight, root.scrollHeight, body.offsetHeight, root.offsetHeight,
            body.clientHeight, root.clientHeight),
    }};
}}"""

# Empties the secret boxes and scrolls to the top; returns what it took, to put back.
_BLANK = f"""([selector, secrets, notText]) => {{
    const saved = [];
    for (const el of ({_SECRET_BOXES})(selector, secrets, notText)) {{
        saved.push([el, el.value]);
        el.value = '';
    }}
    const scroller = document.scrollingElement || document.documentElement;
    const scroll = [scroller.scrollLeft, scroller.scrollTop];
    scroller.scrollTo({{left: 0, top: 0, behavior: 'instant'}});
    return {{saved, scroll}};
}}"""

# Puts back exactly what _BLANK took, then forgets it.
_RESTORE = """(taken) => {
    for (const [el, value] of taken.saved) el.value = value;
    taken.saved.length = 0;
    const scroller = document.scrollingElement || document.documentElement;
    scroller.scrollTo({left: taken.scroll[0], top: taken.scroll[1], behavior: 'instant'});
}"""

# Empties the secret boxes for good and waits until the page has painted itself without them
# (two animation frames, or 200 ms if the page is not painting); returns how many it emptied.
_EMPTY = f"""async ([selector, secrets, notText]) => {{
    const boxes = ({_SECRET_BOXES})(selector, secrets, notText);
    for (const el of boxes) el.value = '';
    if (boxes.length) await Promise.race([
        new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))),
        new Promise(done => setTimeout(done, 200)),
    ]);
    return boxes.length;
}}"""

MIN_SECRET_LENGTH = 4  # shorter values would match ordinary text; real secrets are longer


def _wanted(secrets: Iterable[str]) -> list[str]:
    return sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH})


def secret_free_screenshot(page: Page, path: Path, secrets: Iterable[str], *, quality: int = 70) -> None:
    """A full-page JPEG of ``page`` at ``path`` with every secret box empty while it is taken.

    ``secrets`` are the values this run typed into this page's portal (the account's own:
    they are already in the page, so passing them to its script reveals nothing new).
    """
    wanted = _wanted(secrets)
    probe: dict[str, int] = page.evaluate(_PROBE, [SECRET_INPUTS, wanted, _NOT_TEXT])
    if probe["secretBoxes"] == 0 and probe["width"] > 0 and probe["height"] > 0:
        data = capture_whole_page(page, probe["width"], probe["height"], quality)
        if data is not None:
            path.write_bytes(data)
            return
    _emptied_screenshot(page, path, wanted, quality)


def _emptied_screenshot(page: Page, path: Path, wanted: list[str], quality: int) -> None:
    """The shot with the secret boxes emptied, the page at the top and the boxes masked."""
    taken = page.evaluate_handle(_BLANK, [SECRET_INPUTS, wanted, _NOT_TEXT])
    try:
        # JPEG: half the time of a full-page PNG (about 130 ms against 285 ms) and still readable.
        page.screenshot(
            path=str(path), full_page=True, type="jpeg", quality=quality,
            mask=[page.locator(SECRET_INPUTS)],
        )
    finally:
        try:
            taken.evaluate(_RESTORE)
        finally:
            taken.dispose()


# One DevTools session per page, opened at its first shot (opening one is a round trip); the
# entry goes with the page.
_SESSIONS: weakref.WeakKeyDictionary[Page, CDPSession | None] = weakref.WeakKeyDictionary()


def capture_whole_page(page: Page, width: int, height: int, quality: int) -> bytes | None:
    """The whole page (``width`` x ``height`` CSS pixels from its top left) as a JPEG, from one
    DevTools call; None where there is no DevTools session (not Chromium) or it has gone, and
    the caller takes Playwright's own screenshot instead."""
    if page not in _SESSIONS:
        try:
            _SESSIONS[page] = page.context.new_cdp_session(page)
        except PlaywrightError:  # not Chromium: Playwright's screenshot serves
            _SESSIONS[page] = None
    session = _SESSIONS[page]
    if session is None:
        return None
    viewport = page.viewport_size
    params: dict[str, Any] = {
        "format": "jpeg", "quality": quality, "optimizeForSpeed": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        # Enlarging the view costs a relayout: only when the page does not fit (as Playwright does).
        "captureBeyondViewport": viewport is None or width > viewport["width"] or height > viewport["height"],
    }
    try:
        return base64.b64decode(session.send("Page.captureScreenshot", params)["data"])
    except PlaywrightError:  # the session was detached (e.g. the target swapped): start over next time
        del _SESSIONS[page]
        return None


def empty_secret_boxes(page: Page, secrets: Iterable[str]) -> int:
    """Empty every secret box for good (same choice of boxes as the screenshot): for leaving
    a secret page unsubmitted (a failure, a decline, a stop), so the trace, which resumes
    then, and the failure screenshot film no secret. Returns how many boxes were emptied."""
    return int(page.evaluate(_EMPTY, [SECRET_INPUTS, _wanted(secrets), _NOT_TEXT]))
