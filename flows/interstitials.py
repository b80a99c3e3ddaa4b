"""Pages between the portal's pages: a waiting room, a 429, a server error.

The runner waits these out politely; it never retries hard.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

WAITING_ROOM_TEXT = re.compile(r"You are now in line|您正在排队|waiting room", re.IGNORECASE)
TOO_MANY_TEXT = re.compile(r"Too Many Requests|请求过多|\b429\b", re.IGNORECASE)
SERVER_ERROR_TEXT = re.compile(
    r"Sorry, but there['’]s been an error|something went wrong|An error has occurred|抱歉，出现了错误|服务器错误",
    re.IGNORECASE,
)


_TEXT_OF_PAGE = """() => {
    const text = sel => { const el = document.querySelector(sel); return el ? el.innerText : ''; };
    return document.title + ' ' + text('h1') + ' ' + text('[role=alert], .alert-danger');
}"""


def page_text(page: Page) -> str:
    """Title, main heading and first alert box in one round trip: all an interstitial shows.

    Power Pages' error page says "Sorry, but there's been an error." in its alert box under a
    bare "Error" heading, so the alert is read as well.
    """
    return str(page.evaluate(_TEXT_OF_PAGE))


def interstitial(text: str) -> str | None:
    """Which interstitial ``page_text`` shows: waiting_room, too_many_requests, server_error."""
    if WAITING_ROOM_TEXT.search(text):
        return "waiting_room"
    if TOO_MANY_TEXT.search(text):
        return "too_many_requests"
    if SERVER_ERROR_TEXT.search(text):
        return "server_error"
    return None


def is_waiting_room(page: Page) -> bool:
    return interstitial(page_text(page)) == "waiting_room"


def is_too_many_requests(page: Page) -> bool:
    return interstitial(page_text(page)) == "too_many_requests"


def is_server_error(page: Page) -> bool:
    return interstitial(page_text(page)) == "server_error"
