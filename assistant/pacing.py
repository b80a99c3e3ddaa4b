"""Politeness towards the portal: pauses between submissions and patience with its limits.

The real portal sits behind Cloudflare; clients that hammer it get 403s and day-long bans,
while a few requests a minute are tolerated. These pauses are the product's behaviour, not
a way of waiting for a page: pages are always waited on by their state.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from assistant.portal_address import is_loopback

REAL_PORTAL_FLOOR_SECONDS = 3.0
"""The shortest pause between two submissions to a portal that is not a local replica."""

DEFAULT_REAL_PAUSE_SECONDS = 5.0
MAX_RETRY_AFTER_SECONDS = 15 * 60
SLOWED_PAUSE_MIN_SECONDS = 1.0
SLOWED_PAUSE_MAX_SECONDS = 60.0
"""After a 429 the pause doubles, within these bounds (see :meth:`Pacer.rate_limited`)."""


class PacingTooFast(ValueError):
    """A pause below the floor was asked for a real portal."""


@dataclass
class Pacer:
    """Spaces submissions at least ``pause`` seconds apart; shared by one session's pages."""

    pause: float
    _last: float = field(default=0.0, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)

    @classmethod
    def for_portal(cls, portal_url: str, pause: float | None) -> Pacer:
        """No pause for a local replica by default; never below the floor for anything else."""
        if is_loopback(portal_url):
            return cls(pause or 0.0)
        chosen = DEFAULT_REAL_PAUSE_SECONDS if pause is None else pause
        if chosen < REAL_PORTAL_FLOOR_SECONDS:
            raise PacingTooFast(
                f"--pause {chosen:g} is below the floor of {REAL_PORTAL_FLOOR_SECONDS:g} s for a real portal"
            )
        return cls(chosen)

    def wait_turn(self) -> float:
        """Block until this session may submit again; return the seconds waited."""
        if self.pause <= 0:
            return 0.0
        due = self._last + self.pause - time.monotonic()
        waited = 0.0
        if due > 0:
            self._stop.wait(due)  # an interruptible pause: the politeness itself
            waited = due
        self._last = time.monotonic()
        return waited

    def interrupt(self) -> None:
        """Cut every pause short from now on (Ctrl-C): the runner then stops, it does not submit."""
        self._stop.set()

    def rate_limited(self, retry_after: float) -> float:
        """The portal said 429: wait it out, and from now on leave twice as long between
        submissions (at least 1 s, at most a minute). Cloudflare keeps a limited client limited
        for minutes, so going back to the old pace would only earn the next 429. Returns the new pause."""
        self.back_off(retry_after)
        self.pause = min(max(self.pause * 2, SLOWED_PAUSE_MIN_SECONDS), SLOWED_PAUSE_MAX_SECONDS)
        return self.pause

    def back_off(self, seconds: float) -> None:
        """Wait out a 429's Retry-After (bounded), then count it as the last submission."""
        self._stop.wait(min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS))
        self._last = time.monotonic()
