"""Files only their owner can read: a run's report and state hold passport and national ID numbers.

Made private at the cause: a restrictive umask for the whole run (so whatever writes a file
during it — this process, Playwright's client, its node driver started as a child — creates it
0600), folders created 0700, our own writes created 0600 whatever the umask, and folders left
by an earlier, looser run tightened when the run opens them again.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from loguru import logger

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


@contextmanager
def private_umask() -> Iterator[None]:
    """Every file and folder created meanwhile, by this process or its children, is private.

    The umask is process-wide: set it before Playwright's driver starts (it inherits it), and
    restore it afterwards (tests run commands in-process).
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; tighten it if it already existed.

    An existing shared folder (sticky, like /tmp) or one another user owns is left as it is:
    it is not ours to close; the files written into it are still private.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by a concurrent run
            pass
    info = path.stat()
    if not info.st_mode & stat.S_ISVTX and info.st_uid == _euid():
        _chmod(path, DIR_MODE)
    return path


def tighten(folder: Path) -> None:
    """Make ``folder`` and everything below it private (folders 0700, files 0600).

    Only for folders wholly the run's own (``runs/``, ``screenshots/``, ``traces/``), written by
    an earlier run of an older version or under another umask. Symbolic links are left alone:
    their targets are not ours to change.
    """
    if not folder.is_dir() or folder.is_symlink():
        return
    _chmod(folder, DIR_MODE)
    for root, folders, files in os.walk(folder):
        for name in folders:
            _chmod(Path(root, name), DIR_MODE)
        for name in files:
            _chmod(Path(root, name), FILE_MODE)


def tighten_files(paths: Iterable[Path]) -> None:
    """Make these files private (0600), skipping any that are not regular files."""
    for path in paths:
        if path.is_file() and not path.is_symlink():
            _chmod(path, FILE_MODE)


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def _chmod(path: Path, mode: int) -> None:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
            return
        path.chmod(mode)
    except OSError as error:  # e.g. a file another user owns: say so, don't stop the run
        logger.warning("Could not make {path} private ({error}); only its owner should read it.",
                       path=path, error=error.strerror or error)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` 0600 via a temporary file and a rename, so a reader never sees half a file."""
    private_dir(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private_text(path: Path, text: str) -> None:
    """:func:`write_private_bytes` for UTF-8 text."""
    write_private_bytes(path, text.encode("utf-8"))


def open_private_append(path: Path) -> IO[str]:
    """Open a UTF-8 text file for appending, created 0600 (and made 0600 if it was looser)."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # an existing, looser log of an earlier run
    except (OSError, AttributeError):  # AttributeError: no fchmod (Windows)
        pass
    return os.fdopen(descriptor, "a", encoding="utf-8")
