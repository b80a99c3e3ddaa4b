"""Playwright's driver started at once, on a thread of its own, while the run checks its inputs.

The driver is a Node.js process that takes ~0.3 s to start, nearly all of it in that process,
and a dry run spends ~0.5 s in Python before it needs a browser (imports, validation, the mock):
started first, the two overlap on a second core. Playwright's sync API belongs to the thread
that started it, so the browser work is handed to that thread (:meth:`PlaywrightThread.run`),
and its errors (no driver, no browser) are raised in the caller's thread when the work is
handed over: an invalid input is still reported first, and exits 1.

The driver takes the process's umask when it starts: start the thread inside ``private_umask()``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

T = TypeVar("T")


class _Job(Generic[T]):
    """One piece of browser work and its outcome, handed between the two threads."""

    def __init__(self, work: Callable[[Playwright], T]) -> None:
        self.work = work
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def settle(self, call: Callable[[Callable[[Playwright], T]], T]) -> None:
        try:
            self.value = call(self.work)
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            self.error = error
        finally:
            self.done.set()

    def result(self) -> T:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class PlaywrightThread:
    """``with PlaywrightThread() as playwright: ... playwright.run(lambda p: p.chromium...)``."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="playwright", daemon=True)

    def __enter__(self) -> PlaywrightThread:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the driver. After an error (bad input, Ctrl-C) the thread closes it on its
        own: waiting for a driver still starting would only delay the message."""
        self._jobs.put(None)
        if exc_type is None:
            self._thread.join()

    def run(self, work: Callable[[Playwright], T]) -> T:
        """``work(playwright)`` on the Playwright thread: its result, or its exception raised here."""
        job = _Job(work)
        self._jobs.put(job)
        return job.result()

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        try:
            playwright = manager.__enter__()
        except BaseException as error:  # noqa: BLE001 - every job gets it, where the browser is needed
            failure = error
            self._answer(lambda work: _raise(failure))
            return
        try:
            self._answer(lambda work: work(playwright))
        finally:
            manager.__exit__(None, None, None)

    def _answer(self, call: Callable[[Callable[[Playwright], Any]], Any]) -> None:
        while (job := self._jobs.get()) is not None:
            job.settle(call)


def _raise(error: BaseException) -> Any:
    raise error
