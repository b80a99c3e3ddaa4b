"""One run of the same inputs at a time: an exclusive OS lock, held from before the run's record is
read until its report is written.

Two runs of the same inputs would both write the saved state, the second overwriting the first's
progress (then ``--resume`` signs up again). The lock is the kernel's (``flock``; a byte-range lock
on Windows): it is released when its process ends in any way, SIGKILL included, so a lock left by
a killed run is simply free. Its file still names the dead holder (pid, start time, command): that
is how the next run notices it takes the lock over, and says so. A run that ends cleanly removes
its lock file, so the state folder keeps nothing of finished runs but their records.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from loguru import logger

from flows.errors import RunRefused
from assistant.private_files import FILE_MODE, private_dir

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

_WINDOWS_LOCK_OFFSET = 1 << 30  # far beyond the holder's text, which stays readable
_HOLDER_WRITE_GRACE_SECONDS = 1.0  # between a holder's lock and its writing of who it is


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a lock."""

    pid: int
    started_at: str
    command: str

    def describe(self) -> str:
        return f"process {self.pid}, started {self.started_at}"


def _now() -> str:
    return datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")


def _try_lock(descriptor: int) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(descriptor, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError (EWOULDBLOCK) on POSIX, PermissionError on Windows
        return False
    return True


def _unlock(descriptor: int) -> None:
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    else:
        os.lseek(descriptor, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)


def _read_holder(descriptor: int) -> LockHolder | None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 64 * 1024).decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        data = json.loads(text)
        return LockHolder(pid=int(data["pid"]), started_at=str(data["started_at"]), command=str(data["command"]))
    except (ValueError, KeyError, TypeError):
        return None


class RunLock:
    """``with RunLock(path, what=..., command=...):`` holds the lock or raises :class:`RunRefused`.

    ``what`` names the thing locked in the refusal ("A run of these inputs"); ``taken_over`` is
    the holder a killed run left in the file, if any.
    """

    def __init__(self, path: Path, *, what: str, command: str) -> None:
        self.path = path
        self.what = what
        self.command = command
        self.started_at = _now()
        self.taken_over: LockHolder | None = None
        self._descriptor: int | None = None

    def __enter__(self) -> RunLock:
        while True:
            descriptor = self._open()
            if not _try_lock(descriptor):
                holder = self._holder_of_a_held_lock(descriptor)
                os.close(descriptor)
                who = holder.describe() if holder else "another process"
                raise RunRefused(
                    f"{self.what} is already in progress ({who}): wait for it to end or stop it, then run again "
                    f"(lock: {self.path})."
                )
            if self._still_at_its_path(descriptor):
                break
            os.close(descriptor)  # its holder ended and removed it meanwhile: lock the file now there
        self.taken_over = _read_holder(descriptor)  # written by a run that died holding the lock
        me = {"pid": os.getpid(), "started_at": self.started_at, "command": self.command}
        os.ftruncate(descriptor, 0)
        os.lseek(descriptor, 0, os.SEEK_SET)
        os.write(descriptor, json.dumps(me).encode("utf-8"))
        self._descriptor = descriptor
        if self.taken_over is not None:
            logger.warning(
                "{what} by {holder} ended without finishing (killed?); this run takes over its lock.",
                what=self.what, holder=self.taken_over.describe(),
            )
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        try:
            if fcntl is not None:
                self.path.unlink(missing_ok=True)  # while still held: a clean end leaves nothing behind
            else:
                os.ftruncate(descriptor, 0)  # Windows cannot remove an open file: leave it empty
            _unlock(descriptor)
        finally:
            os.close(descriptor)

    def _still_at_its_path(self, descriptor: int) -> bool:
        """The locked file is the one at ``path``, not one a finishing holder just removed."""
        if fcntl is None:
            return True
        try:
            return os.path.samestat(os.fstat(descriptor), os.stat(self.path))
        except FileNotFoundError:
            return False

    def _open(self) -> int:
        try:
            private_dir(self.path.parent)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise RunRefused(
                f"Cannot create the run's lock {self.path} ({error.strerror or error}): "
                "make its folder writable, or point USTD_STATE_DIR at a folder you can write to."
            ) from None

    @staticmethod
    def _holder_of_a_held_lock(descriptor: int) -> LockHolder | None:
        """Who holds it; they may be between taking the lock and writing their name, so wait a moment."""
        pause = threading.Event()
        waited = 0.0
        while True:
            holder = _read_holder(descriptor)
            if holder is not None or waited >= _HOLDER_WRITE_GRACE_SECONDS:
                return holder
            pause.wait(0.05)
            waited += 0.05
