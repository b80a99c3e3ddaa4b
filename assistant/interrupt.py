"""Ctrl-C as a request to stop: the page in hand finishes, then the run stops, quietly.

Raising KeyboardInterrupt in the middle of a Playwright call leaves its connection half-way
(closing the browser afterwards fails with driver errors), and a page whose POST had reached
the portal would be missing from the record, so the summary would say "pending" for a
dependent the portal already holds. So the first Ctrl-C only asks to stop: the runner stops
at its next safe point (before the next page or submission; at once in a pause or a prompt),
the browser is closed in order, and the record says what exists. A second Ctrl-C stops at once.

The browser and Playwright's driver must not die with the same Ctrl-C: the driver ignores
SIGINT by itself unless a browser is launched with ``handle_sigint`` (see
``assistant.browser.launch_chromium``), and the browser runs in its own process group.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flows.errors import RunInterrupted

STOPPING_MESSAGE = (
    "\nCtrl-C: stopping after the current page; progress is saved. Press Ctrl-C again to stop at once.\n"
)


class StopRequest:
    """A stop asked for by Ctrl-C, seen by every worker; hooks cut their waits short."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.RLock()  # taken in the signal handler too, maybe by the same thread
        self._hooks: list[Callable[[], None]] = []

    def requested(self) -> bool:
        return self._event.is_set()

    def request(self) -> None:
        """Ask every worker to stop at its next safe point, and end their pauses now."""
        self._event.set()
        with self._lock:
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    def on_request(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call ``hook`` when a stop is requested (at once if it already is); returns a remover."""
        with self._lock:
            self._hooks.append(hook)
        if self.requested():
            hook()

        def remove() -> None:
            with self._lock:
                if hook in self._hooks:
                    self._hooks.remove(hook)

        return remove

    def check(self, where: str = "") -> None:
        """Raise RunInterrupted if a stop was requested: call it where stopping is safe."""
        if self.requested():
            raise RunInterrupted(where)

    def reset(self) -> None:
        self._event.clear()
        with self._lock:
            self._hooks.clear()


CTRL_C = StopRequest()
"""The process's one stop request: SIGINT is process-wide, and so is this."""


@contextmanager
def ctrl_c_requests_stop(stop: StopRequest = CTRL_C) -> Iterator[None]:
    """While inside, the first Ctrl-C requests a stop and the second raises KeyboardInterrupt.

    Only the main thread can install a signal handler; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum: int, frame: object) -> None:
        if stop.requested():
            raise KeyboardInterrupt
        stop.request()
        try:  # no logging here: a handler may run while the logger holds its lock
            os.write(2, STOPPING_MESSAGE.encode())
        except OSError:
            pass

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
