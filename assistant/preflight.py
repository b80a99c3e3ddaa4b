"""Checks a run passes before any browser opens and before anything is written.

A typo in ``--report`` or ``--portal-url``, a state folder that is a file, or a portal that is
down should cost one line and exit 2 at once, not a traceback after the browser started.
Each refusal names the option, path or address, what is wrong and what to do.
"""

from __future__ import annotations

import os
import socket
import tempfile
import urllib.request
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from flows.errors import RunRefused
from assistant.pacing import REAL_PORTAL_FLOOR_SECONDS, Pacer, PacingTooFast
from assistant.portal_address import forget_addresses, host_of, is_loopback, resolve

CONNECT_TIMEOUT_SECONDS = 5.0
MOCK_HINT = "start one with `ustd mock-portal`, then use --portal-url http://127.0.0.1:8765"


def check_options(
    mode: Literal["dry-run", "prefill"], portal_url: str | None, *, parallel: int = 1, pause: float | None = None
) -> None:
    """The portal's address, and what it allows: a dry run only on this machine; against any
    other portal one session at a time, at least the floor's pause between submissions.

    Starts the run's cache of resolved names, so every later decision agrees with this one.
    """
    forget_addresses()
    if portal_url is None:  # a dry run's embedded mock
        return
    _check_web_address(portal_url)
    if is_loopback(portal_url):
        return
    if mode == "dry-run":
        addresses = resolve(host_of(portal_url))
        if addresses is None:
            raise RunRefused(f"--portal-url {portal_url}: the name {host_of(portal_url)} does not resolve; "
                             f"a dry run only uses a mock portal on this machine: {MOCK_HINT}.")
        raise RunRefused(
            f"--portal-url {portal_url} is not on this machine (it resolves to "
            f"{', '.join(map(str, addresses))}); a dry run only uses a mock portal on this machine: {MOCK_HINT}."
        )
    if parallel > 1:
        raise RunRefused(
            f"--parallel {parallel} is only for a mock portal on this machine, and {portal_url} is not one "
            "(the real portal bans parallel sessions): leave --parallel out."
        )
    try:
        Pacer.for_portal(portal_url, pause)
    except PacingTooFast:
        raise RunRefused(
            f"--pause {pause:g} is below the floor of {REAL_PORTAL_FLOOR_SECONDS:g} s for {portal_url}, which is not "
            f"on this machine: use --pause {REAL_PORTAL_FLOOR_SECONDS:g} or more, or leave it out (5 s)."
        ) from None


def _check_web_address(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise RunRefused(f"--portal-url {url} is not a valid address ({error}): "
                         "give it as https://www.usvisascheduling.com or http://127.0.0.1:8765.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RunRefused(f"--portal-url {url} is not an http(s) address: "
                         "give it as https://www.usvisascheduling.com or http://127.0.0.1:8765.")


def check_places(report: Path | None, state: Path, *, resuming: bool = False) -> None:
    """The report folder and the state folder can be created and written.

    A resumed run without ``--report`` writes to its saved folder, checked when the record is read.
    """
    if report is not None or not resuming:
        check_report_dir(report)
    check_state_dir(state)


def check_report_dir(report: Path | None) -> None:
    """``--report`` names a folder that exists and is writable, or that can be created in an
    existing, writable folder; without it, ``reports/`` here can be made or written."""
    if report is None:
        base = Path("reports")
        if base.exists() and not base.is_dir():
            raise RunRefused(f"The default report folder {base.resolve()} is a file: move it, or give --report DIR.")
        place = base if base.is_dir() else Path.cwd()
        _require_writable(place, f"The default report folder {base.resolve()}", "give --report DIR")
        return
    option = f"--report {report}"
    if report.exists() and not report.is_dir():
        raise RunRefused(f"{option} is a file, not a folder: name a folder (a new one is created) "
                         "or move the file away.")
    if report.is_dir():
        _require_writable(report, option, "choose a folder you can write to")
        return
    parent = report.absolute().parent
    if not parent.exists():
        raise RunRefused(f"{option}: the folder {parent} does not exist: create it first, "
                         "or choose a --report inside an existing folder.")
    if not parent.is_dir():
        raise RunRefused(f"{option}: {parent} is a file, not a folder: choose another --report.")
    _require_writable(parent, option, "choose a folder you can write to")


def check_state_dir(state: Path) -> None:
    """Where resume state and run locks live: a folder (or creatable) and writable."""
    name = f"USTD_STATE_DIR={state}" if os.environ.get("USTD_STATE_DIR") else f"The state folder {state}"
    fix = "point USTD_STATE_DIR at a folder you can write to (it is created if missing)"
    runs = state / "runs"
    for place in (state, runs):
        if place.exists() and not place.is_dir():
            raise RunRefused(f"{name}: {place} is a file, not a folder: move it away, or {fix}.")
    existing = next(p for p in (runs, state, *state.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise RunRefused(f"{name}: {existing} is a file, not a folder: {fix}.")
    _require_writable(existing, name, fix)


def _require_writable(folder: Path, what: str, fix: str) -> None:
    """Probe by creating (and at once removing) a nameless file: the only test that tells the
    truth for root, ACLs and read-only file systems alike."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise RunRefused(f"{what}: cannot write in {folder} ({error.strerror or error}): {fix}.") from None


def check_portal_reachable(url: str, timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
    """The portal's name resolves and its port accepts a connection (one TCP connect, no request).

    Skipped for a portal reached through a proxy (HTTPS_PROXY and the like): the browser goes
    through the proxy, and a direct connection would fail for no reason.
    """
    parts = urlsplit(url)
    host = host_of(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not is_loopback(url) and _through_proxy(parts.scheme, host):
        return
    addresses = resolve(host)
    if addresses is None:
        raise RunRefused(f"--portal-url {url}: the name {host} does not resolve (misspelt, or no network): "
                         "check the address and the connection.")
    fix = "start it (`ustd mock-portal --port N`) or check the port" if is_loopback(url) else \
        "check the address and the port; the portal may be down"
    last: OSError | None = None
    for address in addresses:
        try:
            with socket.create_connection((str(address), port), timeout=timeout):
                return
        except OSError as error:
            last = error
    if isinstance(last, ConnectionRefusedError):
        raise RunRefused(f"--portal-url {url}: nothing answers at {host}:{port} (connection refused): {fix}.")
    if isinstance(last, TimeoutError):
        raise RunRefused(f"--portal-url {url}: {host}:{port} did not answer within {timeout:g} s: "
                         "check the network, a firewall or a proxy (HTTPS_PROXY).")
    reason = (last.strerror if last else None) or str(last)
    raise RunRefused(f"--portal-url {url}: cannot connect to {host}:{port} ({reason}): check the network.")


def _through_proxy(scheme: str, host: str) -> bool:
    proxies = urllib.request.getproxies()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(host)
