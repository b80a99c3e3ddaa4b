"""Portal password and security answers, kept in the OS keyring and in memory as ``SecretStr``.

Naming is public, so people can also use keyring's own CLI: service ``ustd-assistant``, user
names ``<profile-id>/portal-password`` and ``<profile-id>/security-answer-1`` (``-2``, ``-3``).
Every value read or stored is registered with :mod:`assistant.logging` so logs mask it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from flows.errors import SecretsMissing, SecretsUnavailable
from assistant.logging import register_secret

SERVICE = "ustd-assistant"
PASSWORD = "portal-password"
ANSWERS: tuple[str, str, str] = ("security-answer-1", "security-answer-2", "security-answer-3")
ENTRIES: tuple[str, ...] = (PASSWORD, *ANSWERS)
"""In this order ``ustd secrets set`` asks for them (and reads them from piped stdin)."""

_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

UNAVAILABLE_HINT = (
    "Options:\n"
    "  - Desktop Linux: unlock GNOME Keyring (the Secret Service), e.g. log in to the desktop "
    "session, or in a terminal run `dbus-run-session -- bash` then "
    "`echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets`.\n"
    "  - Headless Linux: use an encrypted file backend: `pip install keyrings.cryptfile` and "
    "`export PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring`.\n"
    "  - See which backends exist with `keyring --list-backends`."
)


def entry_key(profile_id: str, entry: str) -> str:
    """The keyring user name of one entry, e.g. ``wang-lei/security-answer-2``."""
    return f"{profile_id}/{entry}"


def check_profile_id(profile_id: str) -> str:
    if not _ID.match(profile_id):
        from flows.errors import UstdError

        raise UstdError(
            f"{profile_id!r} is not a profile id",
            hint="Use the applicant's id from the profile file (lower-case letters, digits, hyphens).",
        )
    return profile_id


@dataclass(frozen=True)
class AccountSecrets:
    """What signing up / signing in needs besides the profile file."""

    password: SecretStr
    answers: tuple[SecretStr, SecretStr, SecretStr]

    def answer_to(self, index: int) -> SecretStr:
        """Answer to security question ``index`` (1-3), as the profile lists the questions."""
        return self.answers[index - 1]


@contextmanager
def _keyring_errors() -> Iterator[None]:
    """Turn every 'no usable backend' failure into :class:`SecretsUnavailable`."""
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    dbus_errors: tuple[type[BaseException], ...] = ()
    try:
        from secretstorage.exceptions import SecretStorageException

        dbus_errors += (SecretStorageException,)
    except ImportError:  # pragma: no cover - secretstorage is a keyring dependency on Linux
        pass
    try:
        from jeepney.wrappers import DBusErrorResponse

        dbus_errors += (DBusErrorResponse,)
    except ImportError:  # pragma: no cover
        pass
    try:
        yield
    except KeyringLocked as exc:
        raise SecretsUnavailable(f"The keyring is locked: {exc}", hint=UNAVAILABLE_HINT) from None
    except (NoKeyringError, InitError) as exc:
        raise SecretsUnavailable(
            f"No usable keyring backend for the portal secrets ({exc or 'none found'}).",
            hint=UNAVAILABLE_HINT,
        ) from None
    except (*dbus_errors, OSError, EOFError) as exc:  # OSError: no D-Bus socket, refused, ...
        raise SecretsUnavailable(
            f"The keyring backend (Secret Service over D-Bus?) failed: {exc.__class__.__name__}: {exc}",
            hint=UNAVAILABLE_HINT,
        ) from None


def _backend():  # -> keyring.backend.KeyringBackend
    import keyring
    from keyring.backends import fail

    with _keyring_errors():
        try:
            ring = keyring.get_keyring()
        except (ImportError, AttributeError, ValueError) as exc:  # bad PYTHON_KEYRING_BACKEND
            raise SecretsUnavailable(
                f"The keyring backend could not be loaded: {exc}", hint=UNAVAILABLE_HINT
            ) from None
    if isinstance(ring, fail.Keyring):
        raise SecretsUnavailable(
            "No usable keyring backend for the portal secrets (this is common on headless Linux).",
            hint=UNAVAILABLE_HINT,
        )
    return ring


def backend_name() -> str:
    ring = _backend()
    return f"{type(ring).__module__}.{type(ring).__name__}"


def get_secret(profile_id: str, entry: str) -> SecretStr | None:
    """One entry, or None if it is not set. The value is registered for log masking."""
    if entry not in ENTRIES:
        raise ValueError(f"unknown secret entry {entry!r}")
    ring = _backend()
    with _keyring_errors():
        value = ring.get_password(SERVICE, entry_key(profile_id, entry))
    if value is None:
        return None
    register_secret(value)
    return SecretStr(value)


def set_secret(profile_id: str, entry: str, value: str | SecretStr) -> None:
    if entry not in ENTRIES:
        raise ValueError(f"unknown secret entry {entry!r}")
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    register_secret(raw)
    ring = _backend()
    with _keyring_errors():
        ring.set_password(SERVICE, entry_key(profile_id, entry), raw)


def delete_secret(profile_id: str, entry: str) -> bool:
    """Remove one entry; False if it was not there."""
    from keyring.errors import PasswordDeleteError

    ring = _backend()
    with _keyring_errors():
        try:
            ring.delete_password(SERVICE, entry_key(profile_id, entry))
        except PasswordDeleteError:
            return False
    return True


def check_secrets(profile_id: str) -> dict[str, bool]:
    """Which entries are present; values are read (to know) but never returned."""
    return {entry: get_secret(profile_id, entry) is not None for entry in ENTRIES}


def load_account_secrets(profile_id: str) -> AccountSecrets:
    """All four entries, or :class:`SecretsMissing` naming those that are not set."""
    values = {entry: get_secret(profile_id, entry) for entry in ENTRIES}
    missing = [entry_key(profile_id, e) for e, v in values.items() if v is None]
    if missing:
        raise SecretsMissing(
            f"Missing keyring entries (service {SERVICE}): {', '.join(missing)}",
            hint=f"Set them with `ustd secrets set {profile_id}`.",
        )
    password, a1, a2, a3 = (values[e] for e in ENTRIES)
    return AccountSecrets(password=password, answers=(a1, a2, a3))  # type: ignore[arg-type]


def password_problem(value: str) -> str | None:
    """The portal's password rule (8-16 characters, 3 of: lower, upper, digit, symbol)."""
    if not 8 <= len(value) <= 16:
        return "must be 8 to 16 characters long"
    kinds = [
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
        any(not c.isalnum() for c in value),
    ]
    if sum(kinds) < 3:
        return "must contain at least 3 of: lower-case letter, upper-case letter, digit, symbol"
    return None
