"""Shared fixtures: one browser for the whole session, one mock portal, artifacts on disk.

Follows playwright-python's own tests: a local server fixture, the browser launched once,
per-test artifacts written where a person can look at them afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring_service import missing_programs, secret_service

from assistant import secrets
from assistant.browser import find_browser, launch_options
from assistant.logging import forget_secrets

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(scope="session")
def browser_type_launch_args(playwright: Any) -> dict[str, Any]:
    """Launch the browser the product itself would choose (see assistant.browser)."""
    return launch_options(find_browser(playwright), headless=True)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[Any]:
    """One mock portal for the session; tests reset it (see ``portal``)."""
    from fixtures import MockConfig, MockPortalServer

    with MockPortalServer(MockConfig()) as server:
        yield server


@pytest.fixture()
def portal(mock_server: Any) -> Iterator[Any]:
    """The shared mock portal, reset to a clean state and default knobs for this test."""
    mock_server.reset()
    yield mock_server
    mock_server.reset()


@pytest.fixture()
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """A folder under test-results/ named after the test, for screenshots a person can open."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    folder = ARTIFACTS / "pages" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def secret_service_env() -> Iterator[dict[str, str]]:
    """One private, unlocked gnome-keyring on its own D-Bus for the whole session."""
    missing = missing_programs()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install dbus gnome-keyring libsecret-tools)")
    with secret_service() as env:
        yield env


@pytest.fixture()
def memory_keyring() -> Iterator[secrets.MemoryKeyring]:
    """An in-memory keyring for the test, the real one put back after (and secrets forgotten)."""
    previous = keyring.get_keyring()
    ring = secrets.MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
    forget_secrets()


@pytest.fixture()
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if a browser or the embedded mock portal is started."""
    import assistant.browser
    import assistant.dry_run

    started: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        started.append("browser")
        raise AssertionError("a browser was launched")

    monkeypatch.setattr(assistant.browser, "launch_chromium", refuse)
    monkeypatch.setattr(assistant.dry_run, "start_mock", lambda *a, **k: refuse())
    return started
