"""Keyring secrets: naming, SecretStr, CLI, no-backend message; against memory and a real
Secret Service (gnome-keyring on a private D-Bus)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import typer
from keyring.backends import fail
from pydantic import SecretStr
from typer.testing import CliRunner

from assistant import secrets
from assistant.cli import secrets as secrets_cli
from flows.errors import SecretsMissing, SecretsUnavailable, UstdError
from assistant.logging import forget_secrets
from keyring_service import MemoryKeyring

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Pa55-word!x"
ANSWERS = ("Zhou Mei", "Dongsi Road", "Xiaobai")
runner = CliRunner()


@pytest.fixture()
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(secrets_cli.app, name="secrets")
    return app


def _store_all(pid: str = "he-mingyuan") -> None:
    secrets.set_secret(pid, "portal-password", PASSWORD)
    for i, a in enumerate(ANSWERS, start=1):
        secrets.set_secret(pid, f"security-answer-{i}", a)


def test_public_entry_naming(memory_keyring: MemoryKeyring) -> None:
    _store_all()
    assert set(memory_keyring.store) == {
        ("ustd-assistant", "he-mingyuan/portal-password"),
        ("ustd-assistant", "he-mingyuan/security-answer-1"),
        ("ustd-assistant", "he-mingyuan/security-answer-2"),
        ("ustd-assistant", "he-mingyuan/security-answer-3"),
    }
    # Set with keyring's own API/CLI naming, read by ours.
    keyring.set_password("ustd-assistant", "song-jiahui/portal-password", "Other-Pa55")
    assert secrets.get_secret("song-jiahui", "portal-password").get_secret_value() == "Other-Pa55"


def test_secrets_are_secretstr_and_hidden_in_repr(memory_keyring: MemoryKeyring) -> None:
    _store_all()
    loaded = secrets.load_account_secrets("he-mingyuan")
    assert isinstance(loaded.password, SecretStr)
    assert PASSWORD not in repr(loaded) and PASSWORD not in str(loaded)
    assert loaded.answer_to(2).get_secret_value() == ANSWERS[1]


def test_missing_entries_are_named(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("he-mingyuan", "portal-password", PASSWORD)
    with pytest.raises(SecretsMissing) as info:
        secrets.load_account_secrets("he-mingyuan")
    assert "he-mingyuan/security-answer-1" in str(info.value) and "ustd secrets set he-mingyuan" in str(info.value)
    assert secrets.check_secrets("he-mingyuan") == {
        "portal-password": True, "security-answer-1": False, "security-answer-2": False, "security-answer-3": False,
    }


def test_memory_keyring_is_never_chosen_automatically() -> None:
    assert not MemoryKeyring.viable
    assert not any(isinstance(k, MemoryKeyring) for k in keyring.backend.get_all_keyring())


def test_no_backend_gives_a_clear_error_with_options(no_keyring: None) -> None:
    with pytest.raises(SecretsUnavailable) as info:
        secrets.get_secret("he-mingyuan", "portal-password")
    err = info.value
    assert err.exit_code == 2
    text = str(err)
    assert "GNOME Keyring" in text and "Secret Service" in text
    assert "PYTHON_KEYRING_BACKEND" in text and "keyrings.cryptfile" in text


def test_dbus_failure_is_secrets_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from keyring.backends import SecretService

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    try:
        with pytest.raises(SecretsUnavailable) as info:
            secrets.check_secrets("he-mingyuan")
        assert info.value.exit_code == 2
    finally:
        keyring.set_keyring(previous)


def test_cli_no_backend_exit_2_without_traceback(tmp_path: Path) -> None:
    """Through the real `ustd` entry point, as a user runs it."""
    script = (
        "from assistant.cli import app, main\n"
        "from assistant.cli import profiles, secrets\n"
        "names = {g.name for g in app.registered_groups}\n"
        "if 'secrets' not in names: app.add_typer(secrets.app, name='secrets')\n"
        "main(['secrets', 'check', 'he-mingyuan'])\n"
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "PYTHON_KEYRING_BACKEND" in result.stderr and "GNOME Keyring" in result.stderr


def test_cli_set_from_stdin_check_and_delete(memory_keyring: MemoryKeyring) -> None:
    stdin = "\n".join([PASSWORD, *ANSWERS]) + "\n"
    result = runner.invoke(_app(), ["secrets", "set", "he-mingyuan"], input=stdin)
    assert result.exit_code == 0, result.output
    assert secrets.load_account_secrets("he-mingyuan").answer_to(3).get_secret_value() == ANSWERS[2]
    for value in (PASSWORD, *ANSWERS):
        assert value not in result.output

    result = runner.invoke(_app(), ["secrets", "check", "he-mingyuan"])
    assert result.exit_code == 0 and result.output.count("present") == 4
    for value in (PASSWORD, *ANSWERS):
        assert value not in result.output

    result = runner.invoke(_app(), ["secrets", "delete", "he-mingyuan", "--yes"])
    assert result.exit_code == 0 and result.output.count("deleted") == 4
    result = runner.invoke(_app(), ["secrets", "check", "he-mingyuan", "song-jiahui"])
    assert isinstance(result.exception, SecretsMissing) and result.output.count("missing") == 8


def test_cli_set_one_entry_and_from_a_profile_file(memory_keyring: MemoryKeyring) -> None:
    profile = str(ROOT / "profiles/examples/single.yaml")
    result = runner.invoke(_app(), ["secrets", "set", profile, "--entry", "security-answer-2"], input="Dune\n")
    assert result.exit_code == 0, result.output
    assert secrets.get_secret("song-jiahui", "security-answer-2").get_secret_value() == "Dune"


@pytest.mark.parametrize(("stdin", "expect"), [
    ("short\nA\nB\nC\n", "8 to 16"),
    ("alllowercase\nA\nB\nC\n", "3 of"),
    (f"{PASSWORD}\nA\n", "stdin ended"),
    (f"{PASSWORD}\n\nB\nC\n", "empty"),
])
def test_cli_set_refuses_bad_input_and_stores_nothing(memory_keyring: MemoryKeyring, stdin: str, expect: str) -> None:
    result = runner.invoke(_app(), ["secrets", "set", "he-mingyuan"], input=stdin)
    assert isinstance(result.exception, UstdError) and expect in str(result.exception)
    assert memory_keyring.store == {}


def test_cli_rejects_bad_ids(memory_keyring: MemoryKeyring) -> None:
    result = runner.invoke(_app(), ["secrets", "check", "He Mingyuan"])
    assert isinstance(result.exception, UstdError) and "not a profile id" in str(result.exception)


# --- a real Secret Service ----------------------------------------------------------------

@pytest.fixture()
def real_keyring(secret_service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from keyring.backends import SecretService

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretService.Keyring())
    yield
    keyring.set_keyring(previous)
    forget_secrets()


@pytest.mark.keyring_backend
def test_real_secret_service_set_load_delete(real_keyring: None) -> None:
    _store_all("wang-test")
    loaded = secrets.load_account_secrets("wang-test")
    assert loaded.password.get_secret_value() == PASSWORD
    assert [a.get_secret_value() for a in loaded.answers] == list(ANSWERS)
    assert all(secrets.delete_secret("wang-test", e) for e in secrets.ENTRIES)
    assert secrets.check_secrets("wang-test") == dict.fromkeys(secrets.ENTRIES, False)
    assert secrets.delete_secret("wang-test", "portal-password") is False


@pytest.mark.keyring_backend
def test_real_secret_service_entries_are_visible_to_other_tools(real_keyring: None, secret_service_env: dict[str, str]) -> None:
    import shutil

    secrets.set_secret("li-test", "portal-password", PASSWORD)
    assert keyring.get_password("ustd-assistant", "li-test/portal-password") == PASSWORD
    if shutil.which("secret-tool"):
        out = subprocess.run(["secret-tool", "lookup", "service", "ustd-assistant", "username", "li-test/portal-password"],
                             env=secret_service_env, capture_output=True, text=True, timeout=20)
        assert out.stdout == PASSWORD
    secrets.delete_secret("li-test", "portal-password")


@pytest.mark.keyring_backend
def test_real_secret_service_cli_round_trip(real_keyring: None) -> None:
    stdin = "\n".join([PASSWORD, *ANSWERS]) + "\n"
    assert runner.invoke(_app(), ["secrets", "set", "zhao-test"], input=stdin).exit_code == 0
    result = runner.invoke(_app(), ["secrets", "check", "zhao-test"])
    assert result.exit_code == 0 and PASSWORD not in result.output
    assert runner.invoke(_app(), ["secrets", "delete", "zhao-test", "--yes"]).exit_code == 0
