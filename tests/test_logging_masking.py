"""Every secret loaded in the process is masked in every sink: console and log file."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import keyring
import pytest
from keyring_service import MemoryKeyring
from loguru import logger

from assistant import secrets
from assistant.logging import MASK, forget_secrets, mask, register_secret, setup_logging

VALUES = {
    "portal-password": 'Pa55"word!&x',
    "security-answer-1": "周美玲",
    "security-answer-2": "Dongsi Road",
    "security-answer-3": "Xiaobai",
}


@pytest.fixture()
def loaded() -> Iterator[dict[str, str]]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    for entry, value in VALUES.items():
        ring.set_password(secrets.SERVICE, f"he-mingyuan/{entry}", value)
    keyring.set_keyring(ring)
    forget_secrets()
    secrets.load_account_secrets("he-mingyuan")  # loading registers them for masking
    yield VALUES
    keyring.set_keyring(previous)
    forget_secrets()
    logger.remove()


def _log_everything(values: dict[str, str]) -> None:
    pw = values["portal-password"]
    logger.info("signing in with password {}", pw)
    logger.info(f"answers: {values['security-answer-1']}, {values['security-answer-2']}")
    logger.bind(answer=values["security-answer-3"]).debug("context in extra")
    logger.warning("form data: {}", json.dumps({"password": pw}))
    logger.warning("url: https://example.invalid/login?password={}", quote(pw, safe=""))
    try:
        raise RuntimeError(f"portal refused {pw} / {values['security-answer-3']}")
    except RuntimeError:
        logger.exception("sign-in failed")


def test_console_and_file_never_contain_a_secret(loaded: dict[str, str], tmp_path: Path) -> None:
    console = io.StringIO()
    log_file = tmp_path / "run" / "run.log"
    setup_logging(level="DEBUG", log_file=log_file, stream=console)
    _log_everything(loaded)
    logger.remove()  # flush and close the file sink
    outputs = {"console": console.getvalue(), "file": log_file.read_text(encoding="utf-8")}
    for name, text in outputs.items():
        assert "signing in with password" in text and MASK in text and "sign-in failed" in text, name
        assert "RuntimeError" in text  # the traceback is kept, only the secret is masked
        for value in loaded.values():
            assert value not in text, f"{value!r} leaked into {name}"
        assert quote(loaded["portal-password"], safe="") not in text
        assert json.dumps(loaded["portal-password"])[1:-1] not in text


def test_a_sink_added_elsewhere_is_masked_too(loaded: dict[str, str]) -> None:
    setup_logging(console=False)
    captured: list[str] = []
    logger.add(lambda m: captured.append(m.record["message"]), format="{message}")
    logger.info("pw={}", loaded["portal-password"])
    assert captured == [f"pw={MASK}"]


def test_secret_set_later_is_masked_in_existing_sinks(tmp_path: Path) -> None:
    console = io.StringIO()
    setup_logging(stream=console)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        secrets.set_secret("song-jiahui", "portal-password", "Late-Pa55word")
        logger.info("now: Late-Pa55word")
    finally:
        keyring.set_keyring(previous)
        forget_secrets()
        logger.remove()
    assert "Late-Pa55word" not in console.getvalue() and MASK in console.getvalue()


def test_mask_prefers_longest_and_ignores_empty() -> None:
    forget_secrets()
    register_secret("abc")
    register_secret("abcdef")
    register_secret("")
    register_secret(None)
    assert mask("xx abcdef yy abc") == f"xx {MASK} yy {MASK}"
    forget_secrets()
    assert mask("abc") == "abc"
