"""What a page photograph costs, option by option, on the mock's real filled pages.

The report's picture of every page is the main cost of the default dry run over the floor
(bench/README.md). This drives the floor (bench/floor.py) through one generated group and, on
every filled page just before it is submitted, takes each candidate photograph ``--repeat``
times, in rotating order (so no option always runs first, on a cold page), and prints the median
milliseconds per option, the mean file size and the picture's height.

    .venv/bin/python -m bench.screenshot_options            # size 4 (one group of four)
    .venv/bin/python -m bench.screenshot_options --repeat 5 --keep /tmp/shots

Only timing: whether an option keeps the secrets out of the picture is the tests' job
(tests/test_screenshot_secrets.py runs on the product's function).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import CDPSession, Page, sync_playwright

from assistant.browser import launch_chromium
from assistant.portal_forms import account_entry
from assistant.profile_files import load_group
from bench import floor
from bench.make_groups import make_groups
from flows import screenshot

# Secrets no page holds: the probe must look and find nothing (sign-up's password boxes are
# still secret boxes by what they are, so that page takes the blank-and-restore path).
SECRETS = ["Absent-secret-1", "Absent-secret-2"]
FULL_PAGE = """() => ({width: Math.max(document.body.scrollWidth, document.documentElement.scrollWidth,
    document.body.offsetWidth, document.documentElement.offsetWidth, document.body.clientWidth,
    document.documentElement.clientWidth),
  height: Math.max(document.body.scrollHeight, document.documentElement.scrollHeight,
    document.body.offsetHeight, document.documentElement.offsetHeight, document.body.clientHeight,
    document.documentElement.clientHeight)})"""

# The largest visible form's box in page coordinates (a clip of the picture to what was filled).
FORM = """() => {
    const boxes = [...document.forms].map(f => f.getBoundingClientRect()).filter(r => r.width && r.height);
    const r = boxes.sort((a, b) => b.width * b.height - a.width * a.height)[0]
        || document.documentElement.getBoundingClientRect();
    return {x: Math.floor(r.left + scrollX), y: Math.floor(r.top + scrollY),
            width: Math.ceil(r.width), height: Math.ceil(r.height)};
}"""

# The page's main content (Power Pages' #mainContent): headings, messages and the form, without
# the site's banner, menus and footer.
MAIN = """() => {
    const el = document.querySelector('#mainContent, main, [role=main]') || document.documentElement;
    const r = el.getBoundingClientRect();
    return {x: Math.floor(r.left + scrollX), y: Math.floor(r.top + scrollY),
            width: Math.ceil(r.width), height: Math.ceil(r.height)};
}"""

VIEWPORT = "() => ({x: scrollX, y: scrollY, width: innerWidth, height: innerHeight})"

Shot = Callable[[Page, Path], None]
_sessions: dict[int, CDPSession] = {}


def _cdp(page: Page) -> CDPSession:
    key = id(page)
    if key not in _sessions:
        _sessions[key] = page.context.new_cdp_session(page)
    return _sessions[key]


def _cdp_shot(page: Page, path: Path, *, quality: int | None, fast: bool, scale: float = 1.0,
              size: dict[str, int] | None = None, beyond: bool | None = None) -> None:
    """One ``Page.captureScreenshot`` of the whole page (or of ``size``'s box): no size probe by
    Playwright, no fonts wait, no caret style, no mask."""
    size = size or page.evaluate(FULL_PAGE)
    if beyond is None:  # as Playwright does: only when the box does not fit the viewport
        viewport = page.viewport_size or {"width": 0, "height": 0}
        beyond = size["width"] > viewport["width"] or size["height"] > viewport["height"]
    params: dict[str, Any] = {
        "format": "png" if quality is None else "jpeg", "captureBeyondViewport": beyond,
        "clip": {"x": size.get("x", 0), "y": size.get("y", 0), "width": size["width"], "height": size["height"],
                 "scale": scale},
    }
    if quality is not None:
        params["quality"] = quality
    if fast:
        params["optimizeForSpeed"] = True
    path.write_bytes(base64.b64decode(_cdp(page).send("Page.captureScreenshot", params)["data"]))


def options() -> dict[str, Shot]:
    """The candidates, by name: the product's function first, then the parts and variants."""
    return {
        "product secret_free_screenshot": lambda p, out: screenshot.secret_free_screenshot(p, out, SECRETS),
        "before (dad2c5c): blank, pw full_page q70 + mask, restore": _before,
        "pw full_page jpeg q70 + mask": lambda p, out: p.screenshot(
            path=str(out), full_page=True, type="jpeg", quality=70, mask=[p.locator(screenshot.SECRET_INPUTS)]),
        "pw full_page jpeg q70": lambda p, out: p.screenshot(path=str(out), full_page=True, type="jpeg", quality=70),
        "pw full_page jpeg q50": lambda p, out: p.screenshot(path=str(out), full_page=True, type="jpeg", quality=50),
        "pw full_page q70 caret=initial": lambda p, out: p.screenshot(
            path=str(out), full_page=True, type="jpeg", quality=70, caret="initial"),
        "pw full_page q70 animations=disabled": lambda p, out: p.screenshot(
            path=str(out), full_page=True, type="jpeg", quality=70, animations="disabled"),
        "pw viewport only q70": lambda p, out: p.screenshot(path=str(out), type="jpeg", quality=70),
        "cdp full q70": lambda p, out: _cdp_shot(p, out, quality=70, fast=False),
        "cdp full q70 fast": lambda p, out: _cdp_shot(p, out, quality=70, fast=True),
        "cdp full q70 fast always beyond": lambda p, out: _cdp_shot(p, out, quality=70, fast=True, beyond=True),
        "cdp viewport q70 fast": lambda p, out: _cdp_shot(p, out, quality=70, fast=True, size=p.evaluate(VIEWPORT)),
        "cdp full q50 fast": lambda p, out: _cdp_shot(p, out, quality=50, fast=True),
        "cdp full q30 fast": lambda p, out: _cdp_shot(p, out, quality=30, fast=True),
        "cdp full scale .75 q70 fast": lambda p, out: _cdp_shot(p, out, quality=70, fast=True, scale=0.75),
        "cdp full scale .5 q80 fast": lambda p, out: _cdp_shot(p, out, quality=80, fast=True, scale=0.5),
        "cdp full png fast": lambda p, out: _cdp_shot(p, out, quality=None, fast=True),
        "cdp form clip q70 fast": lambda p, out: _cdp_shot(p, out, quality=70, fast=True, size=p.evaluate(FORM)),
        "cdp main clip q70 fast": lambda p, out: _cdp_shot(p, out, quality=70, fast=True, size=p.evaluate(MAIN)),
        "cdp form clip scale .75 q70 fast": lambda p, out: _cdp_shot(
            p, out, quality=70, fast=True, scale=0.75, size=p.evaluate(FORM)),
        "blank+restore round trips only": lambda p, out: _blank_restore_only(p),
        "probe evaluate only": lambda p, out: p.evaluate(FULL_PAGE),
    }


def _before(page: Page, path: Path) -> None:
    """flows/screenshot.py as of dad2c5c: the emptying round trips and Playwright's masked shot
    on every page."""
    taken = page.evaluate_handle(screenshot._BLANK, [screenshot.SECRET_INPUTS, SECRETS, screenshot._NOT_TEXT])
    try:
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=70,
                        mask=[page.locator(screenshot.SECRET_INPUTS)])
    finally:
        taken.evaluate(screenshot._RESTORE)
        taken.dispose()


def _blank_restore_only(page: Page) -> None:
    """The old secret-emptying round trips (evaluate_handle, restore, dispose), no picture."""
    taken = page.evaluate_handle(screenshot._BLANK, [screenshot.SECRET_INPUTS, SECRETS, screenshot._NOT_TEXT])
    taken.evaluate(screenshot._RESTORE)
    taken.dispose()


def measure(size: int, repeat: int, keep: Path | None, viewport_height: int = 900) -> dict[str, dict[str, float]]:
    work = Path(tempfile.mkdtemp(prefix="ustd-shots-"))
    out_dir = keep or work / "shots"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = make_groups(size, work / "groups")
    chosen = options()
    times: dict[str, list[float]] = {name: [] for name in chosen}
    sizes: dict[str, list[int]] = {name: [] for name in chosen}
    heights: list[int] = []
    original_submit = floor.Filler.submit
    turn = [0]

    def photographing_submit(self: floor.Filler, css: str, expect: str) -> None:
        page = self.page
        heights.append(int(page.evaluate(FULL_PAGE)["height"]))
        names = list(chosen)
        for n in range(repeat):
            start = (turn[0] + n) % len(names)
            for name in names[start:] + names[:start]:
                out = out_dir / f"{len(heights):02d}-{name.replace(' ', '_').replace('=', '-')}.jpg"
                t0 = time.perf_counter()
                chosen[name](page, out)
                times[name].append((time.perf_counter() - t0) * 1000)
                if out.exists():
                    sizes[name].append(out.stat().st_size)
        turn[0] += 1
        original_submit(self, css, expect)

    from fixtures import MockConfig, MockPortalServer

    floor.Filler.submit = photographing_submit  # type: ignore[method-assign]
    try:
        with MockPortalServer(MockConfig(default_locale=floor.LOCALE)) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                for path in files:
                    context = browser.new_context(locale=floor.LOCALE, viewport={"width": 1280, "height": viewport_height})
                    try:
                        floor.Filler(context.new_page(), str(server.url), account_entry(load_group(path))).run()
                    finally:
                        context.close()
            finally:
                browser.close()
    finally:
        floor.Filler.submit = original_submit  # type: ignore[method-assign]
    print(f"{len(heights)} pages, height px min/median/max {min(heights)}/{statistics.median(heights):.0f}/"
          f"{max(heights)}; pictures in {out_dir}", file=sys.stderr)
    return {
        name: {"median_ms": statistics.median(times[name]), "mean_ms": statistics.fmean(times[name]),
               "kb": statistics.fmean(sizes[name]) / 1024 if sizes[name] else 0.0}
        for name in chosen
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=4, help="applicants (default 4: one group)")
    parser.add_argument("--repeat", type=int, default=3, help="shots per option per page")
    parser.add_argument("--viewport-height", type=int, default=900,
                        help="the browser window's height (default 900, the dry run's)")
    parser.add_argument("--keep", type=Path, default=None, help="write the pictures here to look at them")
    args = parser.parse_args(argv)
    results = measure(args.size, args.repeat, args.keep, args.viewport_height)
    print("| option | median ms | mean ms | mean KB |\n|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['median_ms']:.1f} | {r['mean_ms']:.1f} | {r['kb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
