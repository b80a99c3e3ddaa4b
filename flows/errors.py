"""Every error ustd expects, in one tree, so the CLI turns any of them into a clear message.

Each carries the process exit code the CLI uses and a hint that says what to do. Anything
that is not a :class:`UstdError` is a bug and may show a traceback. The tree::

    UstdError                      exit 1 unless said otherwise
    ├── BrowserNotFound            2  no Chromium-family browser to drive
    ├── SecretsUnavailable         2  the OS keyring has no usable backend
    ├── SecretsMissing             1  keyring entries a run needs are not set
    ├── ProfileInvalid             1  a profile file or spreadsheet has errors (all of them)
    ├── RunRefused                 2  a run cannot start here and now; nothing was written
    ├── PortalMapInvalid           2  the staff's portal map file is wrong (file, line, fix)
    ├── RunInterrupted           130  Ctrl-C stopped the run at a safe point
    └── FlowError                  3  a page could not be filled or misbehaved
        ├── InvisibleField            a field a person cannot see (a honeypot) was left alone
        ├── PortalRejected            the portal refused a page, in its own words
        ├── UnexpectedPage            the portal showed a page nobody knows
        ├── XhrFailed                 an in-page request kept getting 429 or 5xx
        ├── XhrRefused                an in-page request was refused (4xx)
        ├── XhrUnheard                a choice sent no request, even made twice
        └── ApplicantFailed           one applicant could not be completed; others may be

This module is at the bottom of the package graph (``assistant`` imports ``flows``, never the
other way), so both use it; it imports nothing of either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class UstdError(Exception):
    """An expected failure with a message meant for a person, not a traceback."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class BrowserNotFound(UstdError):
    """No Chromium-family browser could be found to drive."""

    exit_code = 2


class SecretsUnavailable(UstdError):
    """The OS keyring has no usable backend (typical on headless Linux)."""

    exit_code = 2


class SecretsMissing(UstdError):
    """Some keyring entries a run needs are not set."""

    exit_code = 1


class ProfileInvalid(UstdError):
    """A profile file or spreadsheet has errors; carries every problem found, not just the first.

    ``rendered`` is the problems as text (``assistant.problems.profile_invalid`` builds both)."""

    exit_code = 1

    def __init__(self, problems: Sequence[Any], rendered: str, *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(rendered, hint=hint or "Fix the errors above and run `ustd profiles validate` again.")


class RunRefused(UstdError):
    """A run cannot start here and now: a bad path, an unreachable portal, an unsafe option for
    a real portal, or another run of the same inputs in progress. Nothing was started or written."""

    exit_code = 2


class PortalMapInvalid(UstdError):
    """The portal map file (shipped, config dir or ``--portal-map``) has errors; each names the
    file, the line, the entry and the fix. Nothing was started."""

    exit_code = 2

    def __init__(self, problems: Sequence[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(
            "The portal map is not valid:\n" + "\n".join(f"  {p}" for p in self.problems),
            hint=hint or "Correct the file (see `ustd portal-map show`) and run again.",
        )


class RunInterrupted(UstdError):
    """The run stopped at a safe point because a person pressed Ctrl-C."""

    exit_code = 130

    def __init__(self, where: str = "") -> None:
        super().__init__(
            "Interrupted (Ctrl-C)" + (f" {where}" if where else "") + ".",
            hint="Progress is saved; run again with --resume to continue.",
        )


class FlowError(UstdError):
    """A page could not be filled or did not behave as the portal normally does."""

    exit_code = 3


class InvisibleField(FlowError):
    """A field a person cannot see; filling it would mark the client as a bot."""

    def __init__(self, field_id: str) -> None:
        super().__init__(f"The field {field_id!r} is not visible to a person, so it is left alone.")
        self.field_id = field_id


@dataclass(frozen=True)
class PortalMessage:
    """One error the portal showed, with the field it points at when it names one."""

    text: str
    field_id: str | None = None


class PortalRejected(FlowError):
    """The portal refused what was submitted; its own words, mapped to profile fields."""

    def __init__(self, page_name: str, messages: list[PortalMessage], profile_fields: dict[str, str]) -> None:
        self.page_name = page_name
        self.messages = messages
        self.profile_fields = profile_fields
        lines = []
        for message in messages:
            where = profile_fields.get(message.field_id or "", message.field_id or "")
            lines.append(f"  - {message.text}" + (f"  (profile field: {where})" if where else ""))
        super().__init__(f"The portal rejected the {page_name} page:\n" + "\n".join(lines))


class UnexpectedPage(FlowError):
    """The portal showed a page the runner does not know."""


class XhrFailed(FlowError):
    """The portal kept answering an in-page request with 429 or a server error."""

    def __init__(self, what: str, status: int, reason: str, attempts: int, url: str) -> None:
        self.what, self.status, self.reason = what, status, reason
        super().__init__(
            f"The portal answered the {what} request with HTTP {status}"
            + (f" ({reason})" if reason else "")
            + f" {attempts} times in a row, at {url}.",
            hint="The portal is busy or failing: run again later with --resume; nothing was lost.",
        )


class XhrRefused(FlowError):
    """The portal refused an in-page request (a 4xx other than 429), with its own message."""

    def __init__(self, what: str, status: int, reason: str) -> None:
        self.what, self.status, self.reason = what, status, reason
        super().__init__(f"The portal refused the {what} request (HTTP {status}): {reason or 'no message'}")


class XhrUnheard(FlowError):
    """A choice that should load the next list sent no request, even when made a second time."""

    def __init__(self, what: str, url: str) -> None:
        self.what = what
        super().__init__(
            f"The page sent no {what} request after the choice, made twice, at {url}.",
            hint="The portal's page may work differently now: make this choice by hand in the browser, "
                 "and tell whoever keeps the portal map.",
        )


class ApplicantFailed(FlowError):
    """One applicant could not be completed; the others may still be."""
