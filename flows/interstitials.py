"""Pages between the portal's pages: a waiting room, a 429, a server error.

The runner waits these out politely; it never retries hard.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

WAITING_ROOM_TEXT = re.compile(r"You are now in line|您正在排队|waiting room", re.IGNORECASE)
TOO_MANY_TEXT = re.compile(r"Too Many Requests|请求过多|\b429\b", re.IGNORECASE)
# Power Pages' own error page says "Sorry, but there's been an error." under a bare "Error"
# heading, so the alert's text is read as well as the title and heading.
SERVER_ERROR_TEXT = re.compile(
    r"Sorry, but there['’]s been an error|something went wrong|An error has occurred|抱歉，出现了错误|服务器错误",
    re.IGNORECASE,
)


def _title_and_heading(page: Page) -> str:
    heading = page.locator("h1")
    return page.title() + " " + (heading.first.inner_text() if heading.count() else "")


def _alert_text(page: Page) -> str:
    """The first alert box's text: where Power Pages puts its error-page sentence."""
    alert = page.locator("[role=alert], .alert-danger")
    return alert.first.inner_text() if alert.count() else ""


def is_waiting_room(page: Page) -> bool:
    return bool(WAITING_ROOM_TEXT.search(_title_and_heading(page)))


def is_too_many_requests(page: Page) -> bool:
    return bool(TOO_MANY_TEXT.search(_title_and_heading(page)))


def is_server_error(page: Page) -> bool:
    return bool(SERVER_ERROR_TEXT.search(_title_and_heading(page) + " " + _alert_text(page)))
