"""Which way flows/screenshot.py photographs a page, and that the quick way shows the whole page.

A page with no secret box holding a value is photographed as it is, in one DevTools call; any
secret box with a value (by what it is, or by holding one of the account's secrets) sends the
page through the emptying path that tests/test_screenshot_secrets.py reads back with OCR. These
tests use small ``set_content`` pages: what they pin is the choice and the picture's geometry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from flows import screenshot

SECRET = "Tigerlantern42!"
VIEWPORT = {"width": 800, "height": 400}
# A page taller than the viewport, a red block near its bottom and an ordinary text box.
TALL = """<body style="margin:0">
  <input id="name" value="ZHAO ANPING">
  <div style="height:1500px"></div>
  <div id="red" style="height:100px;background:rgb(255,0,0)"></div>
  <div style="height:100px"></div>
</body>"""


@pytest.fixture()
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture()
def quick_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the emptying path is taken."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the emptying path was taken")

    monkeypatch.setattr(screenshot, "_emptied_screenshot", refuse)


@pytest.fixture()
def emptying_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the quick path is taken."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the quick path was taken")

    monkeypatch.setattr(screenshot, "capture_whole_page", refuse)


def _geometry(page: Page) -> tuple[tuple[int, int], int]:
    """The page's full size and the red block's top, as the page itself measures them."""
    width, height, red = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " document.getElementById('red').getBoundingClientRect().top + scrollY]"
    )
    return (int(width), int(height)), int(red)


def _red_rows(path: Path) -> tuple[int, int]:
    """The first and last rows of the picture whose middle pixel is (near) pure red."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        x = rgb.width // 2
        rows = [y for y in range(rgb.height) if _is_red(rgb.getpixel((x, y)))]
    assert rows, f"no red block in {path}"
    return rows[0], rows[-1]


def _is_red(pixel: Any) -> bool:
    r, g, b = pixel
    return r > 200 and g < 60 and b < 60


def test_page_without_secrets_is_photographed_whole_without_being_touched(
    page: Page, tmp_path: Path, quick_only: None
) -> None:
    page.set_content(TALL)
    page.evaluate("window.scrollTo(0, 700)")
    size, red = _geometry(page)
    assert size[1] > VIEWPORT["height"] * 4
    shot = tmp_path / "page.jpg"

    screenshot.secret_free_screenshot(page, shot, [SECRET])

    with Image.open(shot) as image:
        assert image.size == size, "the whole page, not the viewport"
    top, bottom = _red_rows(shot)
    assert abs(top - red) <= 2 and abs(bottom - (red + 99)) <= 2, (top, bottom, red)
    assert page.evaluate("scrollY") == 700, "the quick path does not scroll"
    assert page.locator("#name").input_value() == "ZHAO ANPING"


def test_page_fitting_the_viewport_is_photographed_at_its_size(page: Page, tmp_path: Path, quick_only: None) -> None:
    page.set_content('<body style="margin:0"><div id="red" style="height:100px;background:rgb(255,0,0)"></div></body>')
    shot = tmp_path / "page.jpg"

    screenshot.secret_free_screenshot(page, shot, [SECRET])

    with Image.open(shot) as image:
        assert image.size == (800, 400)
    assert _red_rows(shot)[0] <= 1


def test_an_empty_password_box_needs_no_emptying(page: Page, tmp_path: Path, quick_only: None) -> None:
    page.set_content(TALL.replace("<input id", '<input type="password" id="pw"><input id'))
    screenshot.secret_free_screenshot(page, tmp_path / "page.jpg", [SECRET])
    assert (tmp_path / "page.jpg").stat().st_size > 0


@pytest.mark.parametrize(
    "box",
    [
        f'<input type="password" value="{SECRET}">',  # a secret box by what it is
        '<input id="extension_kba1" value="COPPERWILLOW">',  # a known answer id, any value
        f'<input id="city" value="x{SECRET}x">',  # an ordinary box holding a secret
        f"<textarea>{SECRET}</textarea>",
    ],
)
def test_a_page_with_a_secret_takes_the_emptying_path(
    page: Page, tmp_path: Path, emptying_only: None, box: str
) -> None:
    page.set_content(TALL.replace("<input id", f"{box}<input id"))
    page.evaluate("window.scrollTo(0, 700)")
    before = page.evaluate("[...document.querySelectorAll('input, textarea')].map(el => el.value)")
    size, _red = _geometry(page)
    shot = tmp_path / "page.jpg"

    screenshot.secret_free_screenshot(page, shot, [SECRET])

    with Image.open(shot) as image:
        assert image.size == size
    assert page.evaluate("[...document.querySelectorAll('input, textarea')].map(el => el.value)") == before
    assert page.evaluate("scrollY") == 700


def test_without_a_devtools_session_playwright_takes_the_picture(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not Chromium (no DevTools session): the same whole-page picture, by Playwright."""
    def no_session(*args: object, **kwargs: object) -> None:
        raise PlaywrightError("CDP session is only available in Chromium")

    monkeypatch.setattr(page.context, "new_cdp_session", no_session)
    page.set_content(TALL)
    size, red = _geometry(page)
    shot = tmp_path / "page.jpg"

    screenshot.secret_free_screenshot(page, shot, [SECRET])

    with Image.open(shot) as image:
        assert image.size == size
    assert abs(_red_rows(shot)[0] - red) <= 2


def test_a_detached_session_is_replaced_at_the_next_shot(page: Page, tmp_path: Path) -> None:
    page.set_content(TALL)
    size, _red = _geometry(page)
    screenshot.secret_free_screenshot(page, tmp_path / "one.jpg", [SECRET])
    session = screenshot._SESSIONS[page]
    assert session is not None
    session.detach()

    screenshot.secret_free_screenshot(page, tmp_path / "two.jpg", [SECRET])  # falls back, forgets it
    screenshot.secret_free_screenshot(page, tmp_path / "three.jpg", [SECRET])  # a new session

    assert screenshot._SESSIONS[page] not in (None, session)
    for name in ("two.jpg", "three.jpg"):
        with Image.open(tmp_path / name) as image:
            assert image.size == size
