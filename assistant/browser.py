"""Find a Chromium to drive and launch it the same way for the CLI and the tests.

Machines differ: a user's laptop has Playwright's own browsers, a server has Debian's
Chromium, an office PC has Google Chrome. The order is: an explicit ``USTD_BROWSER`` path,
then Playwright's installed Chromium, then a system Chromium/Chrome. Nothing is hard-coded
beyond the usual install locations of those system browsers.

A headless run (a dry run, a batch) prefers Chromium's "headless shell" when the system has one
(Debian's ``chromium-headless-shell``), as Playwright does with its own browsers: the same
engine without the desktop browser's display pipeline, about a fifth less CPU a run (measured on
the example group: 11.5 s of CPU with the full browser, 8-9.5 s with the shell).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.errors import BrowserNotFound

if TYPE_CHECKING:  # Playwright is imported lazily so `ustd --help` stays fast.
    from playwright.sync_api import Browser, Playwright

BROWSER_ENV = "USTD_BROWSER"

# Flags that let Chromium start quickly and quietly with no network but the portal's.
OFFLINE_FLAGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_SYSTEM_COMMANDS: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)

_HEADLESS_SHELL_COMMANDS: tuple[str, ...] = ("chromium-headless-shell", "chrome-headless-shell")

_SYSTEM_PATHS: tuple[str, ...] = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)

INSTALL_HINT = (
    "Install one of:\n"
    "  - Playwright's Chromium:   .venv/bin/playwright install chromium\n"
    "  - Debian/Ubuntu Chromium:  sudo apt-get install -y chromium\n"
    "  - Google Chrome from google.com/chrome\n"
    f"or point {BROWSER_ENV} at a Chromium-family executable."
)


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser will be launched and why, so a run can say what it used."""

    executable: Path | None
    source: str  # "USTD_BROWSER", "playwright" or "system"

    def describe(self) -> str:
        where = str(self.executable) if self.executable else "Playwright's bundled Chromium"
        return f"{where} (from {self.source})"


def _playwright_chromium(playwright: Playwright | None) -> Path | None:
    """Playwright's own Chromium, if its files are actually downloaded."""
    if playwright is None:
        return None
    try:
        path = Path(playwright.chromium.executable_path)
    except Exception:  # noqa: BLE001 - a missing registry entry is simply "not installed"
        return None
    return path if path.is_file() else None


def _system_chromium() -> Path | None:
    for command in _SYSTEM_COMMANDS:
        found = shutil.which(command)
        if found:
            return Path(found)
    for candidate in _SYSTEM_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def _headless_shell() -> Path | None:
    for command in _HEADLESS_SHELL_COMMANDS:
        found = shutil.which(command)
        if found:
            return Path(found)
    return None


def find_browser(playwright: Playwright | None = None) -> BrowserChoice:
    """Choose the browser to drive, or raise :class:`BrowserNotFound` with how to get one."""
    explicit = os.environ.get(BROWSER_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise BrowserNotFound(f"{BROWSER_ENV} is set to {explicit!r}, but no file is there.", hint=INSTALL_HINT)
        return BrowserChoice(path, BROWSER_ENV)
    own = _playwright_chromium(playwright)
    if own is not None:
        return BrowserChoice(None, "playwright")
    system = _system_chromium()
    if system is not None:
        return BrowserChoice(system, "system")
    raise BrowserNotFound("No Chromium or Chrome browser was found on this machine.", hint=INSTALL_HINT)


def for_headless(choice: BrowserChoice) -> BrowserChoice:
    """The browser for a headless run: a system Chromium's headless shell when there is one
    (an explicit ``USTD_BROWSER`` and Playwright's own browsers are left as they are)."""
    if choice.source != "system":
        return choice
    shell = _headless_shell()
    return BrowserChoice(shell, "system headless shell") if shell is not None else choice


def launch_options(choice: BrowserChoice, *, headless: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``browser_type.launch`` (also used by pytest-playwright)."""
    if headless:
        choice = for_headless(choice)
    options: dict[str, Any] = {"headless": headless, "args": list(OFFLINE_FLAGS)}
    if choice.executable is not None:
        options["executable_path"] = str(choice.executable)
    return options


def launch_chromium(playwright: Playwright, *, headless: bool = True, slow_mo: float | None = None) -> Browser:
    """Launch the chosen Chromium with the offline-friendly flags."""
    options = launch_options(find_browser(playwright), headless=headless)
    if slow_mo:
        options["slow_mo"] = slow_mo
    # handle_sigint=False: Ctrl-C must not make Playwright's driver close the browser and exit
    # under the run (its connection would die mid-call); the run stops and closes them itself.
    return playwright.chromium.launch(**options, handle_sigint=False)

