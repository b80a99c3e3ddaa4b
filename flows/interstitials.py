"""Pages between the portal's pages: a waiting room, a 429, a server error.

The runner waits these out politely; it never retries hard.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

WAITING_ROOM_TEXT = re.compile(r"You are now in line|您正在排队|waiting room", re.IGNORECASE)
TOO_MANY_TEXT = re.compile(r"Too Many Requests|请求过多|\b429\b", re.IGNORECASE)
SERVER_ERROR_TEXT = re.compile(r"something went wrong|An error has occurred|出错|服务器错误", re.IGNORECASE)


def _title_and_heading(page: Page) -> str:
    heading = page.locator("h1")
    return page.title() + " " + (heading.first.inner_text() if heading.count() else "")


def is_waiting_room(page: Page) -> bool:
    return bool(WAITING_ROOM_TEXT.search(_title_and_heading(page)))


def is_too_many_requests(page: Page) -> bool:
    return bool(TOO_MANY_TEXT.search(_title_and_heading(page)))


def is_server_error(page: Page) -> bool:
    return bool(SERVER_ERROR_TEXT.search(_title_and_heading(page)))
