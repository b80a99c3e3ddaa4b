"""Shared fixtures: one browser for the whole session, one mock portal, artifacts on disk.

Follows playwright-python's own tests: a local server fixture, the browser launched once,
per-test artifacts written where a person can look at them afterwards.

The suite runs in parallel (pytest-xdist, ``-n`` in pyproject's addopts): every "session"
fixture here is one per worker process (its own browser, mock portal on its own free port,
keyring on its own D-Bus, state folder), so workers share no port, file or keyring item. Tests
are handed out slowest first, by the durations the last run left in pytest's cache, so no long
test starts last and keeps one worker busy alone at the end.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring_service import MemoryKeyring, missing_programs, secret_service

from assistant.browser import find_browser, launch_options
from assistant.logging import forget_secrets

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-results"
DURATIONS_KEY = "ustd/durations"  # pytest cache entry: seconds per test id, from the last run
SLOW_SECONDS = 1.0  # tests at least this long are handed out first
MAX_WORKERS = 8
_durations: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Empty pytest-playwright's output folder (test-results/) once, in the controller, before
    any worker starts: its own session fixture does it in every worker, and a worker starting
    late would delete what an earlier one had already written there."""
    output = config.getoption("--output", default=None)
    if output and not hasattr(config, "workerinput") and not config.option.collectonly:
        shutil.rmtree(output, ignore_errors=True)


@pytest.fixture(scope="session")
def delete_output_dir() -> None:
    """pytest-playwright's per-process emptying of test-results/, replaced by pytest_configure."""


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What ``-n auto`` means here: two workers a core, at most 8. A browser test keeps under a
    core busy (0.7 measured; the rest of its time it waits on the browser, the Playwright driver
    or the mock portal), so on 2 cores 4 workers finished the suite first: 384 s, against 406 s
    with 3 and 494 s with 2. At most 8: each worker has a browser of its own (about 0.5 GB)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2 * cores, MAX_WORKERS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests first, slowest first (new tests count as slow): under xdist's load balancing
    a long test handed out last would run alone at the end. Quick tests keep the file order, so
    a module's tests stay together and its module-scoped fixtures are set up once per worker.
    Every worker reads the same cache entry, so all collect the same order, as xdist requires."""
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    known: dict[str, float] = cache.get(DURATIONS_KEY, {}) if cache is not None else {}
    if not known:
        return
    unknown = max(known.values())
    seconds = {item.nodeid: known.get(item.nodeid, unknown) for item in items}
    slow = sorted((item for item in items if seconds[item.nodeid] >= SLOW_SECONDS), key=lambda i: -seconds[i.nodeid])
    items[:] = slow + [item for item in items if seconds[item.nodeid] < SLOW_SECONDS]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up setup, call and teardown of each test (in the controller, workers' reports too)."""
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep this run's durations for the next run's order (the controller only: a worker's
    share is partial). Tests not run this time keep their old figure."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _durations:
        return
    known: dict[str, float] = cache.get(DURATIONS_KEY, {})
    known.update({nodeid: round(seconds, 2) for nodeid, seconds in _durations.items()})
    cache.set(DURATIONS_KEY, known)


@pytest.fixture(scope="session")
def browser_type_launch_args(playwright: Any) -> dict[str, Any]:
    """Launch the browser the product itself would choose (see assistant.browser)."""
    return launch_options(find_browser(playwright), headless=True)


@pytest.fixture(scope="session", autouse=True)
def _own_state_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Runs a test starts without USTD_STATE_DIR keep their records and run locks in this
    worker's own folder: never the developer's, and never another worker's (two workers running
    the same example would otherwise refuse each other's run lock). Tests that set the variable
    themselves still win. The same for the portal map's config folder: a developer's own
    corrections never change what a test sees."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("USTD_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        patch.setenv("USTD_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))  # Node's and the report's caches
        yield


@pytest.fixture(scope="module")
def shared_page(browser: Any) -> Iterator[Any]:
    """One page for a module's HTML snippets (page-level tests override ``page`` with it):
    a new browser context per test costs about a second."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


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
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring for the test, the real one put back after (and secrets forgotten)."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
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
