"""A private, unlocked GNOME Keyring (Secret Service) on a private D-Bus session bus, for tests.

Runs in a temporary HOME so it never touches the developer's keyring. Used by the
``secret_service`` fixture in test_secrets.py; needs dbus-daemon and gnome-keyring-daemon.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jaraco.classes.properties import classproperty as _classproperty  # keyring's own dependency
from keyring.backend import KeyringBackend as _KeyringBackend

PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")


def missing_programs() -> list[str]:
    return [p for p in PROGRAMS if shutil.which(p) is None]


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def secret_service(password: str = "test-keyring-password") -> Iterator[dict[str, str]]:
    """Start dbus-daemon and an unlocked gnome-keyring; yield the environment to use.

    Both run as our children in the foreground, so teardown terminates and reaps them.
    """
    with tempfile.TemporaryDirectory(prefix="ustd-keyring-") as tmp:
        home = Path(tmp, "home")
        runtime = Path(tmp, "run")
        home.mkdir()
        runtime.mkdir(mode=0o700)
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        daemon: subprocess.Popen[str] | None = None
        try:
            assert bus.stdout is not None
            env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()  # printed once listening
            if shutil.which("gdbus"):
                daemon = subprocess.Popen(
                    ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                    env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    text=True,
                )
                assert daemon.stdin is not None
                daemon.stdin.write(password)
                daemon.stdin.close()
                # Blocks until the daemon owns its bus name (no polling, no sleep).
                subprocess.run(["gdbus", "wait", "--session", "--timeout", "20", "org.freedesktop.secrets"],
                               env=env, check=True, timeout=30, capture_output=True)
            else:
                # --daemonize returns once the daemon is up; it exits when the bus goes away.
                subprocess.run(
                    ["gnome-keyring-daemon", "--daemonize", "--unlock", "--components=secrets"],
                    input=password, env=env, capture_output=True, text=True, timeout=20, check=True,
                )
            yield env
        finally:
            if daemon is not None:
                _stop(daemon)
            _stop(bus)


class MemoryKeyring(_KeyringBackend):  # type: ignore[misc,valid-type]
    """A process-local keyring for tests; never chosen automatically (the product never
    imports it: a dry run uses no keyring and does not pay for importing one)."""

    @_classproperty
    def priority(cls) -> float:  # noqa: N805 - keyring's class property
        """Raising makes keyring's auto-detection skip this backend."""
        raise RuntimeError("MemoryKeyring is only used when set explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)
