"""Browser discovery: the order of preference and the message when nothing is found."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assistant import browser
from assistant.browser import BROWSER_ENV, OFFLINE_FLAGS, BrowserChoice, find_browser, launch_options
from flows.errors import BrowserNotFound


class _FakeChromium:
    def __init__(self, path: Path) -> None:
        self.executable_path = str(path)


class _FakePlaywright:
    def __init__(self, path: Path) -> None:
        self.chromium = _FakeChromium(path)


def _executable(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_explicit_env_wins_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = _executable(tmp_path, "my-chrome")
    own = _executable(tmp_path, "playwright-chrome")
    monkeypatch.setenv(BROWSER_ENV, str(chosen))
    choice = find_browser(_FakePlaywright(own))  # type: ignore[arg-type]
    assert choice == BrowserChoice(chosen, BROWSER_ENV)


def test_explicit_env_pointing_nowhere_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "missing"))
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(None)
    assert "missing" in str(caught.value) and "apt-get install -y chromium" in str(caught.value)


def test_playwrights_own_chromium_when_downloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    own = _executable(tmp_path, "chrome")
    choice = find_browser(_FakePlaywright(own))  # type: ignore[arg-type]
    assert choice.source == "playwright" and choice.executable is None
    assert "executable_path" not in launch_options(choice)


def test_system_browser_when_playwright_has_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    system = _executable(tmp_path, "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(browser, "_SYSTEM_PATHS", ())
    choice = find_browser(_FakePlaywright(tmp_path / "not-downloaded"))  # type: ignore[arg-type]
    assert choice == BrowserChoice(system, "system")
    options = launch_options(choice)
    assert options["executable_path"] == str(system)
    assert set(OFFLINE_FLAGS) <= set(options["args"])


def test_a_headless_run_prefers_the_systems_headless_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    system = _executable(tmp_path, "chromium")
    shell = _executable(tmp_path, "chromium-headless-shell")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(browser, "_SYSTEM_PATHS", ())
    choice = find_browser(_FakePlaywright(tmp_path / "not-downloaded"))  # type: ignore[arg-type]
    assert launch_options(choice, headless=True)["executable_path"] == str(shell)
    assert launch_options(choice, headless=False)["executable_path"] == str(system)  # a person watches: the full browser


def test_an_explicit_browser_is_used_headless_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = _executable(tmp_path, "my-chrome")
    _executable(tmp_path, "chromium-headless-shell")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(BROWSER_ENV, str(chosen))
    assert launch_options(find_browser(None), headless=True)["executable_path"] == str(chosen)


def test_nothing_found_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(browser, "_SYSTEM_PATHS", ())
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(None)
    message = str(caught.value)
    assert "playwright install chromium" in message and BROWSER_ENV in message
    assert caught.value.exit_code == 2


def test_this_machine_has_a_browser_that_launches(playwright: object) -> None:
    """The launch helper used by the CLI and every browser test really starts a browser."""
    from assistant.browser import launch_chromium

    chromium = launch_chromium(playwright)  # type: ignore[arg-type]
    try:
        page = chromium.new_page()
        page.set_content("<p id=ok>启动成功</p>")
        assert page.locator("#ok").inner_text() == "启动成功"
    finally:
        chromium.close()
