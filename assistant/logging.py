"""Loguru configured in one place, with every secret loaded in the process masked in every sink.

:mod:`assistant.secrets` registers each secret it reads or stores; the sinks added here mask the
final formatted text (message, extra fields and tracebacks) just before writing it, so a secret
cannot reach the console or the run's log file even inside an exception message.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, quote_plus

from loguru import logger
from pydantic import SecretStr

MASK = "********"
_secrets: set[str] = set()
_pattern_cache: list[str] | None = None
_lock = threading.Lock()


def register_secret(value: str | SecretStr | None) -> None:
    """Mask this value (and its escaped/URL-encoded forms) in all log output from now on."""
    global _pattern_cache
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not raw:
        return
    variants = {
        raw,
        json.dumps(raw, ensure_ascii=False)[1:-1],
        json.dumps(raw)[1:-1],
        repr(raw)[1:-1],
        quote(raw, safe=""),
        quote_plus(raw, safe=""),
    }
    with _lock:
        _secrets.update(v for v in variants if v)
        _pattern_cache = None


def forget_secrets() -> None:
    """Clear the registry (tests; a long-lived process switching profiles)."""
    global _pattern_cache
    with _lock:
        _secrets.clear()
        _pattern_cache = None


def mask(text: str) -> str:
    """Replace every registered secret in ``text`` by ``********`` (longest first)."""
    global _pattern_cache
    with _lock:
        if _pattern_cache is None:
            _pattern_cache = sorted(_secrets, key=len, reverse=True)
        patterns = _pattern_cache
    for secret in patterns:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _patch(record: dict[str, Any]) -> None:
    """Mask the record itself too, for any sink added elsewhere (e.g. by a test harness)."""
    record["message"] = mask(record["message"])
    for key, value in list(record["extra"].items()):
        if isinstance(value, str):
            record["extra"][key] = mask(value)


class MaskedStream:
    """A loguru sink writing masked text to a stream looked up at write time (so pytest's
    capture and redirected stderr both see it)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    def write(self, message: str) -> None:
        stream = self._stream or sys.stderr
        stream.write(mask(str(message)))
        stream.flush()


class MaskedFile:
    """A loguru sink appending masked text to a UTF-8 log file only its owner can read (0600):
    even masked, a run's log names applicants and their passports."""

    def __init__(self, path: Path) -> None:
        from assistant.private_files import open_private_append

        self.path = path
        self._file = open_private_append(path)

    def write(self, message: str) -> None:
        self._file.write(mask(str(message)))
        self._file.flush()

    def stop(self) -> None:
        self._file.close()


CONSOLE_FORMAT = "<level>{level: <8}</level> {message}"
FILE_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {name}:{line} | {message} | {extra}"


def setup_logging(
    *,
    level: str = "INFO",
    log_file: str | Path | None = None,
    file_level: str = "DEBUG",
    console: bool = True,
    stream: IO[str] | None = None,
) -> None:
    """Replace loguru's handlers: a masked console sink and, if given, a masked log file.

    Call once at start-up (the CLI does); calling again reconfigures cleanly.
    """
    logger.remove()
    logger.configure(patcher=_patch)  # type: ignore[arg-type]
    if console:
        logger.add(MaskedStream(stream), level=level, format=CONSOLE_FORMAT, colorize=False,
                   backtrace=False, diagnose=False)
    if log_file is not None:
        # diagnose=False: variable values in tracebacks could hold secrets in other encodings.
        logger.add(MaskedFile(Path(log_file)), level=file_level, format=FILE_FORMAT,
                   colorize=False, backtrace=False, diagnose=False)


__all__ = ["MASK", "forget_secrets", "logger", "mask", "register_secret", "setup_logging"]
