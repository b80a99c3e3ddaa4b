"""Pages between the portal's pages: a waiting room, a 429, a server error, a block.

Recognised by their text in both locales, not only by the HTTP status: the site's own error
page ("We're sorry, but something went wrong … Error ID") is also served with status 200.
The runner waits these out politely; it never retries hard.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

WAITING_ROOM_TEXT = re.compile(r"You are now in line|您正在排队|waiting room", re.IGNORECASE)
TOO_MANY_TEXT = re.compile(r"Too Many Requests|请求过多|请求过于频繁|\b429\b|Error 1015|错误 1015", re.IGNORECASE)
SERVER_ERROR_TEXT = re.compile(
    r"Sorry, but there['’]s been an error|We['’]re sorry, but something went wrong|something went wrong"
    r"|An error has occurred|抱歉，出现了错误|很抱歉，出现了问题|处理您的请求时出错|服务器错误",
    re.IGNORECASE,
)
BLOCKED_TEXT = re.compile(
    r"Sorry, you have been blocked|You have exceeded the limit for viewing this page|您已被阻止", re.IGNORECASE
)

# Title, main heading, the alert boxes and the site error dialog: all an interstitial shows.
_TEXT_OF_PAGE = """() => {
    const text = sel => Array.from(document.querySelectorAll(sel)).slice(0, 3).map(el => el.innerText).join(' ');
    return [document.title, text('h1'), text('[role=alert], .alert-danger'), text('div.dialog[role=main]'),
            text('#cf-waiting-room')].join(' ');
}"""


def page_text(page: Page) -> str:
    """What an interstitial shows, in one round trip (Power Pages' error page says "Sorry, but
    there's been an error." in its alert under a bare "Error" heading; the site's own error page
    is a ``div.dialog[role=main]``)."""
    return str(page.evaluate(_TEXT_OF_PAGE))


def interstitial(text: str) -> str | None:
    """Which interstitial ``text`` shows: waiting_room, too_many_requests, blocked, server_error."""
    if WAITING_ROOM_TEXT.search(text):
        return "waiting_room"
    if TOO_MANY_TEXT.search(text):
        return "too_many_requests"
    if BLOCKED_TEXT.search(text):
        return "blocked"
    if SERVER_ERROR_TEXT.search(text):
        return "server_error"
    return None


def is_waiting_room(page: Page) -> bool:
    return interstitial(page_text(page)) == "waiting_room"


def is_too_many_requests(page: Page) -> bool:
    return interstitial(page_text(page)) == "too_many_requests"


def is_server_error(page: Page) -> bool:
    return interstitial(page_text(page)) == "server_error"
