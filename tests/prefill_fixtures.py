"""The private Secret Service fixtures of the prefill tests (loaded with ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from keyring_service import missing_programs, secret_service


@pytest.fixture(scope="module")
def keyring_env() -> Iterator[dict[str, str]]:
    """A private, unlocked gnome-keyring on its own D-Bus (one per test module)."""
    missing = missing_programs()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install dbus gnome-keyring)")
    with secret_service() as env:
        yield env


@pytest.fixture()
def real_keyring(keyring_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """This process uses the private Secret Service too (to set the secrets the run reads)."""
    import keyring
    from keyring.backends import SecretService

    from assistant.logging import forget_secrets

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", keyring_env["DBUS_SESSION_BUS_ADDRESS"])
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    yield keyring_env
    keyring.set_keyring(previous)
    forget_secrets()
