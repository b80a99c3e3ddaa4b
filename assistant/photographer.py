"""The report's pictures of the pages, taken without making the run wait for them.

Photographing a filled page where it is costs 75-80 ms before the run may submit it (a
relayout, a raster, a JPEG: bench/README.md), about a fifth of a page's time. So a picture
is taken in two halves: the run copies the page (flows/page_copy.py: one script call, the
markup with its current values and styles) and goes on at once, while a second, headless
browser in a thread of its own draws each copy, with scripts off and no network, and saves
its photograph. The second browser sees nothing but the copies: never the portal, never a
secret (the copies hold none).

Whatever cannot wait or cannot be copied is photographed directly, as before: a page the
copy would not reproduce (it says why), a failure, and every picture once the second browser
is gone. ``close()`` waits for the pictures still being drawn, so the report is only written
once every picture it names exists or has been reported missing in the log.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Page

from flows.page_copy import PageCopy, copy_page
from flows.screenshot import capture_whole_page, secret_free_screenshot

JPEG_QUALITY = 70  # as secret_free_screenshot's: readable, half the time of a PNG
CLOSE_PATIENCE_SECONDS = 60.0
NICENESS = 10  # how much lower the drawing's priority is than the run's


def drawing_context(browser: Browser, locale: str) -> BrowserContext:
    """Where copies are drawn: scripts off and no network, so a copy can do nothing and ask
    nothing of any site; the same locale as the run (dates and fonts are drawn by it)."""
    return browser.new_context(locale=locale, java_script_enabled=False, offline=True,
                               viewport={"width": 1280, "height": 900}, device_scale_factor=1)


def show_copy(page: Page, copy: PageCopy) -> None:
    """Draw ``copy`` in ``page`` (of a drawing context) in a window as large as the whole page,
    as a full-page shot lays the page out: so the shot is of the window, with no second layout."""
    width, height = copy.size if min(copy.size) > 0 else copy.viewport
    if page.viewport_size != {"width": width, "height": height}:
        page.set_viewport_size({"width": width, "height": height})
    page.set_content(copy.html, wait_until="load")


def _yield_to_the_run() -> None:
    """Give this thread, and the driver and browser it starts, a lower CPU priority than the run:
    pictures can wait, the portal's pages cannot. Linux only, where a thread has its own nice
    value and the processes it starts inherit it (elsewhere it would slow the whole run)."""
    if sys.platform.startswith("linux"):
        try:
            os.nice(NICENESS)
        except OSError:
            pass


class Photographer(Protocol):
    """Takes the report's picture of a page into a file."""

    def photograph(self, page: Page, path: Path, secrets: Iterable[str], *, wait: bool = False) -> None:
        """A picture of ``page`` now, at ``path``; ``wait``: saved before this returns."""

    def close(self) -> None:
        """Every picture asked for is saved (or its failure logged)."""


class DirectPhotographer:
    """Every picture taken where the page is, while the run waits (tests, and the fallback)."""

    def photograph(self, page: Page, path: Path, secrets: Iterable[str], *, wait: bool = False) -> None:
        secret_free_screenshot(page, path, secrets, quality=JPEG_QUALITY)

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class _Job:
    copy: PageCopy
    path: Path


_DONE = None  # the queue's last item


class BackgroundPhotographer:
    """Pictures drawn from page copies by a headless browser in a thread of its own.

    One for the whole run, shared by every worker (the queue is thread-safe). Start it before
    the first page, close it before the report is written.
    """

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.direct = DirectPhotographer()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._draw_all, name="page-pictures", daemon=True)
        self.stopped = threading.Event()  # the drawing browser stopped, or never started
        self.drawn = 0
        self.direct_count = 0

    def start(self) -> BackgroundPhotographer:
        self._thread.start()
        return self

    def photograph(self, page: Page, path: Path, secrets: Iterable[str], *, wait: bool = False) -> None:
        if wait or self.stopped.is_set():
            self._direct(page, path, secrets)
            return
        copy = copy_page(page, secrets)
        if not copy.usable:
            logger.debug("{path}: photographed directly, a copy would differ: {why}", path=path.name, why=copy.why_not)
            self._direct(page, path, secrets)
            return
        self._jobs.put(_Job(copy, path))

    def _direct(self, page: Page, path: Path, secrets: Iterable[str]) -> None:
        self.direct_count += 1
        self.direct.photograph(page, path, secrets)

    def close(self) -> None:
        self._jobs.put(_DONE)
        self._thread.join(CLOSE_PATIENCE_SECONDS)
        self._lose_the_rest()  # asked for while the browser was stopping
        if self._thread.is_alive():
            logger.warning("The page pictures were still being drawn after {s:.0f} s; the report may lack some.",
                           s=CLOSE_PATIENCE_SECONDS)

    # --- the drawing thread --------------------------------------------------------------

    def _draw_all(self) -> None:
        """Draw every job until the last; if the browser fails, say which pictures are lost."""
        from playwright.sync_api import sync_playwright

        from assistant.browser import launch_chromium

        _yield_to_the_run()
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, headless=True)
                try:
                    page = drawing_context(browser, self.locale).new_page()
                    while (job := self._jobs.get()) is not _DONE:
                        self._draw(page, job)
                finally:
                    browser.close()
        except Exception as error:  # noqa: BLE001 - the run goes on with direct pictures
            logger.warning("The page pictures' browser stopped ({error}); pictures are taken directly from now on.",
                           error=str(error).splitlines()[0] if str(error) else type(error).__name__)
        finally:
            self.stopped.set()
            self._lose_the_rest()

    def _draw(self, page: Page, job: _Job) -> None:
        try:
            show_copy(page, job.copy)
            size = page.viewport_size or {"width": 0, "height": 0}
            data = capture_whole_page(page, size["width"], size["height"], JPEG_QUALITY)  # the window: the whole page
            if data is None:
                page.screenshot(path=str(job.path), full_page=True, type="jpeg", quality=JPEG_QUALITY)
            else:
                job.path.write_bytes(data)
            self.drawn += 1
        except Exception as error:  # noqa: BLE001 - one picture lost, not the run
            logger.warning("No picture {name}: drawing the page's copy failed ({error}).",
                           name=job.path.name, error=str(error).splitlines()[0] if str(error) else type(error).__name__)

    def _lose_the_rest(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not _DONE:
                logger.warning("No picture {name}: the pictures' browser had stopped.", name=job.path.name)
