"""The private Secret Service fixtures of the prefill tests (loaded with ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture()
def real_keyring(secret_service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """This process uses the private Secret Service too (to set the secrets the run reads)."""
    import keyring
    from keyring.backends import SecretService

    from assistant.logging import forget_secrets

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    yield secret_service_env
    keyring.set_keyring(previous)
    forget_secrets()
