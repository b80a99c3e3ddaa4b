"""A page's copy (flows/page_copy.py) draws like the page, holds no secret, runs nothing, and
is refused where it would differ.

Pages are served by routes on made-up origins (``http://portal.test``; another site is
``http://other.test``), so same-site and other-site stylesheets and images are real. Each copy
is drawn as the product draws it: in a context with scripts off and no network.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from picture_compare import differing_pixels, picture
from playwright.sync_api import Page, Route

from assistant.photographer import drawing_context, show_copy
from flows.page_copy import PageCopy, copy_page

PORTAL = "http://portal.test"
OTHER = "http://other.test"
SECRET = "Tigerlantern42!"



def _red_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(out, format="PNG")
    return out.getvalue()


RED_PNG = _red_png()

FORM = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="/site.css"><style>.note { color: rgb(0, 90, 0); }</style>
<style media="print">body { background: rgb(255, 0, 0); }</style></head>
<body><h1>申请人信息 Applicant</h1><p class="note">Fill every box.</p>
<label for="name">Name</label><input id="name" type="text" value="from the server">
<label for="post">Post</label><select id="post"><option value="">--</option><option>Beijing</option>
  <option>Shanghai</option></select>
<fieldset><legend>Class</legend><label><input type="radio" name="cls" value="B1"> B1</label>
  <label><input type="radio" name="cls" value="B2"> B2</label></fieldset>
<label><input id="agree" type="checkbox"> I agree</label>
<label for="addr">Address</label><textarea id="addr"></textarea>
<label for="born">Born</label><input id="born" type="date">
<img id="flag" src="/flag.png" width="40" height="40" alt="">
<noscript><p id="noscript">Scripts are off</p></noscript>
<script>document.title = 'ran';</script>
</body></html>"""

SITE_CSS = "body { font-family: sans-serif; margin: 24px; } input, select, textarea { display: block; margin: 8px 0; }"


@pytest.fixture()
def site(shared_page: Page) -> Iterator[dict[str, tuple[str, bytes]]]:
    """Routes of the made-up sites: path -> (content type, body); tests add their own pages."""
    files: dict[str, tuple[str, bytes]] = {
        f"{PORTAL}/form": ("text/html", FORM.encode()),
        f"{PORTAL}/site.css": ("text/css", SITE_CSS.encode()),
        f"{PORTAL}/flag.png": ("image/png", RED_PNG),
        f"{OTHER}/flag.png": ("image/png", RED_PNG),
        f"{OTHER}/site.css": ("text/css", SITE_CSS.encode()),
        f"{PORTAL}/font.woff2": ("font/woff2", b"not really a font"),
    }

    def serve(route: Route) -> None:
        url = route.request.url.split("?")[0]
        if url in files:
            kind, body = files[url]
            route.fulfill(status=200, content_type=kind, body=body)
        else:
            route.fulfill(status=404, body=b"")

    shared_page.context.route("http://*.test/**", serve)
    yield files
    shared_page.context.unroute("http://*.test/**")


@pytest.fixture(scope="module")
def drawing_page(browser: Any) -> Iterator[Page]:
    """Where copies are drawn, as the product draws them (scripts off, no network)."""
    context = drawing_context(browser, "zh-CN")
    yield context.new_page()
    context.close()


def _draw(drawing_page: Page, copy: PageCopy) -> Page:
    assert copy.usable, copy.why_not
    show_copy(drawing_page, copy)
    return drawing_page


def _picture(page: Page) -> Image.Image:
    page.mouse.move(0, 0)  # no hover state on the live page
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return picture(page.screenshot(full_page=True, type="png", caret="hide"))


def _fill_form(page: Page) -> None:
    page.goto(f"{PORTAL}/form")
    page.fill("#name", "ZHAO ANPING")
    page.select_option("#post", "Shanghai")
    page.check("input[value=B2]")
    page.check("#agree")
    page.fill("#addr", "1 Example Road\nChaoyang")
    page.fill("#born", "1980-05-17")


def test_copy_holds_every_value_entered_and_draws_like_the_page(
    shared_page: Page, site: Any, drawing_page: Page
) -> None:
    _fill_form(shared_page)
    copy = copy_page(shared_page, [SECRET])

    drawn = _draw(drawing_page, copy)
    assert drawn.locator("#name").input_value() == "ZHAO ANPING"
    assert drawn.locator("#post").input_value() == "Shanghai"
    assert drawn.locator("input[value=B2]").is_checked() and not drawn.locator("input[value=B1]").is_checked()
    assert drawn.locator("#agree").is_checked()
    assert drawn.locator("#addr").input_value() == "1 Example Road\nChaoyang"
    assert drawn.locator("#born").input_value() == "1980-05-17"
    assert differing_pixels(_picture(shared_page), _picture(drawn)) == 0


def test_copy_runs_nothing_and_keeps_each_stylesheets_media(shared_page: Page, site: Any, drawing_page: Page) -> None:
    _fill_form(shared_page)
    copy = copy_page(shared_page, [SECRET])

    assert "<script" not in copy.html and "noscript" not in copy.html
    drawn = _draw(drawing_page, copy)
    assert drawn.locator("#noscript").count() == 0  # with scripts off it would show
    assert drawn.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert drawn.evaluate("() => getComputedStyle(document.querySelector('.note')).color") == "rgb(0, 90, 0)"
    assert drawn.evaluate("() => getComputedStyle(document.body).marginTop") == "24px"  # the site's sheet, inlined


def test_an_image_of_the_site_is_carried_in_the_copy(shared_page: Page, site: Any, drawing_page: Page) -> None:
    _fill_form(shared_page)
    drawn = _draw(drawing_page, copy_page(shared_page, [SECRET]))

    assert drawn.evaluate("() => document.querySelector('#flag').src.startsWith('data:image/png')")
    assert drawn.evaluate("() => document.querySelector('#flag').naturalWidth") == 4


SECRET_PAGE = """<!DOCTYPE html><html><body>
<label for="password">Password</label><input id="password" type="password">
<label for="extension_kba1">Answer</label><input id="extension_kba1" type="text">
<label for="other">User name</label><input id="other" type="text">
<input id="carried" type="hidden">
</body></html>"""


def test_secret_boxes_are_copied_empty_and_the_page_is_untouched(shared_page: Page, site: Any) -> None:
    site[f"{PORTAL}/secret"] = ("text/html", SECRET_PAGE.encode())
    shared_page.goto(f"{PORTAL}/secret")
    for box in ("#password", "#extension_kba1", "#other"):  # the last: a secret in an unexpected box
        shared_page.fill(box, SECRET)
    shared_page.evaluate(f"() => document.querySelector('#carried').value = {SECRET!r}")

    copy = copy_page(shared_page, [SECRET])

    assert copy.usable and SECRET not in copy.html
    assert [shared_page.locator(box).input_value() for box in ("#password", "#extension_kba1", "#other", "#carried")] \
        == [SECRET] * 4


def test_a_secret_anywhere_in_the_markup_refuses_the_copy(shared_page: Page, site: Any) -> None:
    page = SECRET_PAGE.replace('<input id="carried" type="hidden">', f'<div data-answer="{SECRET}"></div>')
    site[f"{PORTAL}/secret"] = ("text/html", page.encode())
    shared_page.goto(f"{PORTAL}/secret")

    copy = copy_page(shared_page, [SECRET])

    assert not copy.usable and copy.html == ""
    assert copy.why_not == "a secret is in the page's markup"


UNCOPYABLE = {
    "a frame": ('<iframe srcdoc="<p>inside</p>"></iframe>', "it draws a <iframe>"),
    "a canvas": ("<canvas width=10 height=10></canvas>", "it draws a <canvas>"),
    "a web component": ("<portal-card>text</portal-card>", "it has a web component <portal-card>"),
    "another site's stylesheet": (f'<link rel="stylesheet" href="{OTHER}/site.css">', "a stylesheet that cannot be read"),
    "styles loading a font": (
        "<style>@font-face { font-family: P; src: url(/font.woff2); } body { font-family: P; }</style>",
        "styles that load files"),
    "an element styled with a file": ('<div style="background: url(/flag.png)">x</div>', "an element styled with a file"),
    "another site's image": (f'<img src="{OTHER}/flag.png" width=4 height=4>', "an image of another site"),
}


@pytest.mark.parametrize("markup", list(UNCOPYABLE), ids=list(UNCOPYABLE))
def test_a_page_a_copy_would_not_reproduce_gets_no_copy(shared_page: Page, site: Any, markup: str) -> None:
    html, why = UNCOPYABLE[markup]
    site[f"{PORTAL}/odd"] = ("text/html", f"<!DOCTYPE html><html><head></head><body><p>Page</p>{html}</body></html>".encode())
    shared_page.goto(f"{PORTAL}/odd")
    shared_page.wait_for_load_state("load")

    copy = copy_page(shared_page, [SECRET])

    assert not copy.usable
    assert copy.why_not.startswith(why), copy.why_not


def test_a_page_with_scripted_styles_gets_no_copy(shared_page: Page, site: Any) -> None:
    site[f"{PORTAL}/adopted"] = ("text/html", b"<!DOCTYPE html><html><body><p>Page</p></body></html>")
    shared_page.goto(f"{PORTAL}/adopted")
    shared_page.evaluate("""() => { const sheet = new CSSStyleSheet(); sheet.replaceSync('p { color: red }');
                                    document.adoptedStyleSheets = [sheet]; }""")

    assert copy_page(shared_page, [SECRET]).why_not == "styles made by a script"
