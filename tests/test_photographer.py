"""The report's pictures drawn from page copies (assistant/photographer.py).

- On the mock's real pages, filled by a whole run of the example group (the default markup
  and a seeded random mix of variants), every picture drawn from a copy matches a direct
  photograph of the page pixel for pixel, and every page could be copied.
- The background photographer saves every picture before ``close()`` returns, never
  touches the page, photographs directly what cannot be copied, and goes on directly when
  its own browser fails.
Secret pages drawn from copies are read with OCR in tests/test_screenshot_secrets.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from loguru import logger
from picture_compare import differing_pixels, picture
from playwright.sync_api import Browser, Page
from run_helpers import EXAMPLES, Account, assert_clean, mock_account, run_account

from assistant.photographer import BackgroundPhotographer, drawing_context, show_copy
from fixtures.variants import random_combination
from flows.page_copy import copy_page
from flows.screenshot import _NOT_TEXT, _SECRET_BOXES, SECRET_INPUTS

MOST_DIFFERING_PIXELS = 40  # anti-aliasing at most; a missing value or style is thousands
SEED = random.Random(2026_11_23).randrange(10_000)


class ComparingPhotographer:
    """Photographs each page directly and from its copy (drawn in ``drawing``), and keeps how
    far the two differ. Pages holding a secret are left out: their copy is meant to differ."""

    def __init__(self, drawing: Page) -> None:
        self.drawing = drawing
        self.compared: dict[str, int] = {}
        self.not_copied: dict[str, str] = {}
        self.holding_secrets: list[str] = []

    def photograph(self, page: Page, path: Path, secrets: Iterable[str], *, wait: bool = False) -> None:
        secrets = list(secrets)
        holding = page.evaluate(f"([s, w, n]) => ({_SECRET_BOXES})(s, w, n).length", [SECRET_INPUTS, secrets, _NOT_TEXT])
        copy = copy_page(page, secrets)
        if not copy.usable:
            self.not_copied[path.name] = copy.why_not
            return
        if holding:
            self.holding_secrets.append(path.name)
            return
        page.mouse.move(0, 0)  # a hovered radio is drawn lighter
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring
        direct = picture(page.screenshot(full_page=True, type="png", caret="hide"))
        show_copy(self.drawing, copy)
        drawn = picture(self.drawing.screenshot(full_page=True, type="png", caret="hide", animations="disabled"))
        self.compared[path.name] = differing_pixels(direct, drawn)

    def close(self) -> None:
        return None


@pytest.fixture()
def drawing(browser: Browser) -> Iterator[Page]:
    context = drawing_context(browser, "zh-CN")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("variants", [(), random_combination(SEED)], ids=["default", f"mix-seed={SEED}"])
def test_pictures_drawn_from_copies_match_the_pages(
    browser: Browser, portal: Any, tmp_path: Path, drawing: Page, variants: tuple[str, ...]
) -> None:
    portal.config.update({"variants": list(variants)})
    account = Account.from_file(EXAMPLES / "delegation.yaml")
    comparing = ComparingPhotographer(drawing)

    result = run_account(browser, portal, account, tmp_path, every_page_shot=True, photographer=comparing)

    assert result.error is None and result.record.gate == "payment", result.error
    if not variants:  # a mix may offer no way to enter a value (tests/test_variants_e2e.py checks which)
        assert_clean(account.group, mock_account(portal, account.entry.username))
    assert comparing.not_copied == {}, "mock pages a copy could not reproduce"
    assert comparing.holding_secrets and all("sign_up" in name for name in comparing.holding_secrets)
    assert len(comparing.compared) >= 12, comparing.compared  # every other filled page, and the stop
    differing = {name: n for name, n in comparing.compared.items() if n > MOST_DIFFERING_PIXELS}
    assert differing == {}, f"pictures differ from their pages (variants {variants}): {differing}"


PAGES = {
    "form": """<!DOCTYPE html><html><body style="margin:20px"><h1>Page {n}</h1>
        <label for=name>Name</label><input id=name value="">
        <select id=post><option>Beijing</option><option>Shanghai</option></select></body></html>""",
    "frame": """<!DOCTYPE html><html><body><h1>Framed</h1><iframe srcdoc="<p>in</p>"></iframe></body></html>""",
}


@pytest.fixture()
def background() -> Iterator[BackgroundPhotographer]:
    taking = BackgroundPhotographer("zh-CN").start()
    yield taking
    taking.close()


def test_every_picture_is_saved_when_close_returns_and_the_page_is_untouched(
    shared_page: Page, background: BackgroundPhotographer, tmp_path: Path
) -> None:
    paths = []
    for n in range(4):
        shared_page.set_content(PAGES["form"].format(n=n))
        shared_page.fill("#name", f"NAME {n}")
        shared_page.select_option("#post", "Shanghai")
        paths.append(tmp_path / f"page-{n}.jpg")
        background.photograph(shared_page, paths[-1], ["Absent-secret"])
        assert shared_page.locator("#name").input_value() == f"NAME {n}"

    background.close()

    assert background.drawn == 4 and background.direct_count == 0
    for n, path in enumerate(paths):
        shot = picture(path.read_bytes())
        assert shot.size[0] == shared_page.viewport_size["width"], shot.size  # type: ignore[index]


def test_a_page_that_cannot_be_copied_is_photographed_directly(
    shared_page: Page, background: BackgroundPhotographer, tmp_path: Path
) -> None:
    shared_page.set_content(PAGES["frame"])
    path = tmp_path / "framed.jpg"

    background.photograph(shared_page, path, ["Absent-secret"])

    assert path.is_file() and background.direct_count == 1  # saved before photograph() returned
    background.close()
    assert background.drawn == 0


def test_a_failure_picture_waits_for_nothing(
    shared_page: Page, background: BackgroundPhotographer, tmp_path: Path
) -> None:
    shared_page.set_content(PAGES["form"].format(n=1))
    path = tmp_path / "failure.jpg"

    background.photograph(shared_page, path, ["Absent-secret"], wait=True)

    assert path.is_file() and background.direct_count == 1


def test_when_the_pictures_browser_fails_the_run_photographs_directly(
    shared_page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.browser

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no browser for the pictures")

    monkeypatch.setattr(assistant.browser, "launch_chromium", broken)
    said: list[str] = []
    sink = logger.add(said.append, level="WARNING", format="{message}")
    taking = BackgroundPhotographer("zh-CN").start()
    try:
        assert taking.stopped.wait(30), "the pictures' thread should stop when its browser fails"
        shared_page.set_content(PAGES["form"].format(n=2))
        path = tmp_path / "after.jpg"

        taking.photograph(shared_page, path, ["Absent-secret"])

        assert path.is_file() and taking.direct_count == 1
    finally:
        taking.close()
        logger.remove(sink)
    assert any("no browser for the pictures" in line and "taken directly" in line for line in said), said
