"""The portal's in-page requests (XHR): wait on their answer, not on what the page draws after.

A button that sends the e-mail code or a select whose options come from the portal fires a
request; when that request gets a 429 or a 5xx the page draws nothing a flow could wait for,
so waiting on an element ends in a bare 30 s timeout. Here the flow waits on the request's
own answer instead: a 429 is waited out (its ``Retry-After``, bounded by the caller's
back-off), a 5xx is retried a few times, and then the flow fails with the portal's answer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from playwright.sync_api import Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from flows.errors import FlowError, XhrFailed, XhrRefused, XhrUnheard

XHR_ATTEMPTS = 4
"""One request and three retries: a rate limit of a few requests a second clears in one wait."""
XHR_TIMEOUT_MS = 30_000
UNHEARD_MS = 3_000
"""A choice the page's script did not hear (it was not listening yet: some pages wire their
lists up after the page has loaded) sends no request at all. After this long without one the
choice is made again, once, as a person would; a request goes out within milliseconds when heard."""
DEFAULT_RETRY_AFTER_SECONDS = 1.0
MAX_REASON_CHARS = 200

BackOff = Callable[[float, int, str], None]
"""Wait ``seconds`` before retrying after the HTTP ``status``; the text says why (for the run's log)."""


def _wait_quietly(seconds: float, status: int, why: str) -> None:
    threading.Event().wait(min(seconds, 60.0))


_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextOfHtml(HTMLParser):
    """What an HTML error page says: its first alert box (Power Pages' "Sorry, but there's
    been an error."), else its main heading, else its title (Cloudflare's "Error 1015")."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {"alert": "", "h1": "", "title": ""}
        self._open: list[tuple[str, str | None]] = []  # (tag, which text it collects)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        attributes = dict(attrs)
        kind: str | None = None
        if attributes.get("role") == "alert" or "alert-danger" in (attributes.get("class") or "").split():
            kind = "alert"
        elif tag in ("h1", "title"):
            kind = tag
        if kind is not None and self.found[kind]:
            kind = None  # only the first of each
        self._open.append((tag, kind))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(tag in ("script", "style") for tag, _ in self._open):
            return
        for _, kind in self._open:
            if kind is not None:
                self.found[kind] += data + " "

    def said(self) -> str:
        for kind in ("alert", "h1", "title"):
            text = re.sub(r"\s+", " ", self.found[kind]).strip()
            if text:
                return text
        return ""


def reason_of(response: Response) -> str:
    """The portal's own words for an answer: a JSON ``message``, an HTML page's title, or text."""
    try:
        body = response.text()
    except Exception:  # noqa: BLE001 - a body that cannot be read leaves the status text
        body = ""
    reason = ""
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        reason = str(data.get("message") or data.get("error") or "")
    elif "<" in body:
        parser = _TextOfHtml()
        parser.feed(body)
        reason = parser.said()
    else:
        reason = body
    reason = re.sub(r"\s+", " ", reason).strip()
    status = f"{response.status_text}: " if response.status_text else ""
    return (status + reason if reason else response.status_text)[:MAX_REASON_CHARS]


def retry_after_of(response: Response) -> float:
    """Seconds the portal asked to wait (``Retry-After`` in seconds), else a default."""
    try:
        return max(float(response.headers.get("retry-after", "") or DEFAULT_RETRY_AFTER_SECONDS), 0.0)
    except ValueError:  # an HTTP date: rare; the caller's politeness pause still applies
        return DEFAULT_RETRY_AFTER_SECONDS


@dataclass
class XhrRetry:
    """How a page's in-page requests are retried: the runner passes its polite back-off."""

    back_off: BackOff = field(default=_wait_quietly)
    attempts: int = XHR_ATTEMPTS
    timeout_ms: float = XHR_TIMEOUT_MS
    unheard_ms: float = UNHEARD_MS

    def call(self, page: Page, what: str, url: re.Pattern[str], action: Callable[[], None]) -> Response:
        """Do ``action`` (which fires an XHR/fetch whose URL matches ``url``) until the portal
        answers it with success; raise XhrFailed / XhrRefused with its answer otherwise, and
        XhrUnheard when the page sends no request even after the action is done twice."""

        def fired(response: Response) -> bool:
            return response.request.resource_type in ("xhr", "fetch") and bool(url.search(response.url))

        def sent(request: Request) -> bool:
            return request.resource_type in ("xhr", "fetch") and bool(url.search(request.url))

        status, reason = 0, ""
        for attempt in range(1, self.attempts + 1):
            acted = False
            try:
                with page.expect_response(fired, timeout=self.timeout_ms) as answer:
                    self._until_heard(page, what, sent, action)
                    acted = True
                response = answer.value
            except PlaywrightTimeout:
                if not acted:
                    raise  # the button or select itself: the runner says where
                raise FlowError(
                    f"The portal did not answer the {what} request within {self.timeout_ms / 1000:g} s, at {page.url}.",
                    hint="The portal is slow or unreachable: run again later with --resume.",
                ) from None
            if response.ok:
                return response
            status, reason = response.status, reason_of(response)
            if status != 429 and status < 500:
                raise XhrRefused(what, status, reason)
            if attempt == self.attempts:
                break
            wait = retry_after_of(response) if status == 429 else float(attempt)
            self.back_off(wait, status, f"the portal answered the {what} request with HTTP {status} ({reason})")
        raise XhrFailed(what, status, reason, self.attempts, page.url)

    def _until_heard(self, page: Page, what: str, sent: Callable[[Request], bool], action: Callable[[], None]) -> None:
        """Do ``action``; if no request goes out within ``unheard_ms`` of it being done (however
        long the action itself took), do it once more; XhrUnheard if still none. A timeout of
        the action itself (its control never became usable) is raised as is."""
        heard: list[Request] = []

        def listen(request: Request) -> None:
            if sent(request):
                heard.append(request)

        page.on("request", listen)
        try:
            for _ in range(2):
                action()
                if heard:
                    return
                try:
                    page.wait_for_event("request", predicate=sent, timeout=self.unheard_ms)
                    return
                except PlaywrightTimeout:
                    if heard:
                        return
        finally:
            page.remove_listener("request", listen)
        raise XhrUnheard(what, page.url)
