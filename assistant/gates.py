"""Human gates: the steps a person does (captcha, e-mail code, confirming a page).

On a real portal the runner asks the person, and saves what they need (the captcha image,
the address the code went to). In a headed browser the person may act in the page instead;
the runner notices the page moving on. In a dry run the mock portal's backdoor answers, and
only the mock's: :class:`MockBackdoorGates` refuses any portal that is not on a loopback address.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from rich.console import Console
from rich.table import Table

from flows.errors import UstdError
from assistant.portal_address import is_loopback
from assistant.interrupt import CTRL_C


class Gates(Protocol):
    def captcha(self, page: Page, image_png: bytes, label: str) -> str | None:
        """The captcha text, or None when the person solved it in the page themselves."""

    def email_code(self, page: Page, email: str) -> str | None:
        """The e-mail verification code, or None when the person entered it in the page."""

    def confirm_page(self, page: Page, applicant: str, page_name: str, filled: dict[str, str]) -> bool:
        """True to submit the filled page; False when the person declines it. The page may
        also have been submitted by the person's own click: the caller checks the page."""


class MockBackdoorGates:
    """Dry runs only: read the captcha and the e-mail code from the mock portal's backdoor."""

    def __init__(self, base_url: str) -> None:
        if not is_loopback(base_url):
            raise UstdError("The mock backdoor is only used against a local mock portal.")
        self.base_url = base_url.rstrip("/")

    def _get(self, page: Page, path: str) -> object:
        response = page.context.request.get(f"{self.base_url}/__mock__/{path}")
        if not response.ok:
            raise UstdError(f"The mock portal's backdoor answered {response.status} for {path}.")
        return response.json()

    def captcha(self, page: Page, image_png: bytes, label: str) -> str | None:
        answer = self._get(page, "captcha")
        return str(answer["answer"] if isinstance(answer, dict) else answer)

    def email_code(self, page: Page, email: str) -> str | None:
        outbox = self._get(page, f"outbox?email={quote(email)}")
        messages = outbox["messages"] if isinstance(outbox, dict) else outbox
        if not messages:
            raise UstdError(f"The mock portal sent no code to {email}.")
        return str(messages[-1]["code"])

    def confirm_page(self, page: Page, applicant: str, page_name: str, filled: dict[str, str]) -> bool:
        return True


@dataclass
class _Answer:
    text: str | None  # None: the page moved on by the person's own hand


class TerminalGates:
    """Ask the person at the terminal; in a headed browser, also watch the page for their click."""

    def __init__(self, console: Console, run_dir: Path, *, confirm_each_page: bool) -> None:
        self.console = console
        self.run_dir = run_dir
        self.confirm_each_page = confirm_each_page
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None
        self._captchas = 0

    def _read_lines(self) -> None:
        for line in sys.stdin:
            self._lines.put(line.rstrip("\r\n"))
        self._lines.put(None)  # end of input

    def _ask(self, page: Page, prompt: str, moved_on: Callable[[], bool]) -> _Answer:
        """Wait for a line at the terminal or for the page to move on, whichever comes first."""
        self.console.print(prompt)
        if self._reader is None:
            self._reader = threading.Thread(target=self._read_lines, name="stdin-reader", daemon=True)
            self._reader.start()
        while True:
            try:
                line = self._lines.get(timeout=0.3)
            except queue.Empty:
                line = ""
                CTRL_C.check("while waiting for a person's answer")
                if moved_on():
                    return _Answer(None)
                try:  # let the page process events (a person may be typing in it)
                    page.wait_for_load_state("load", timeout=200)
                except PlaywrightTimeout:
                    pass
                continue
            if line is None:
                raise UstdError("Standard input closed while waiting for a person's answer.")
            return _Answer(line.strip())

    def captcha(self, page: Page, image_png: bytes, label: str) -> str | None:
        self._captchas += 1
        path = self.run_dir / f"captcha-{label}-{self._captchas}.png"
        path.write_bytes(image_png)
        url = page.url
        answer = self._ask(
            page,
            f"[bold yellow]Captcha[/] for {label}: open [link=file://{path}]{path}[/link] and type the "
            "characters here (or type them in the browser and sign in there).",
            lambda: page.url != url,
        )
        return answer.text

    def email_code(self, page: Page, email: str) -> str | None:
        answer = self._ask(
            page,
            f"[bold yellow]E-mail code[/]: the portal sent a 6-digit code to {email}. Type it here "
            "(or enter and verify it in the browser, then press Enter here).",
            lambda: False,
        )
        return answer.text or None

    def confirm_page(self, page: Page, applicant: str, page_name: str, filled: dict[str, str]) -> bool:
        if not self.confirm_each_page:
            return True
        table = Table(title=f"{applicant}: {page_name}", show_header=True, header_style="bold")
        table.add_column("field")
        table.add_column("value filled")
        for field_id, value in filled.items():
            table.add_row(field_id, value)
        self.console.print(table)
        url = page.url
        answer = self._ask(
            page,
            "Press [bold]Enter[/] to submit this page (or click its button in the browser); "
            "type [bold]n[/] to stop this applicant here.",
            lambda: page.url != url,
        )
        if answer.text is None:
            return True
        return answer.text.lower() not in ("n", "no", "q", "quit", "stop")
