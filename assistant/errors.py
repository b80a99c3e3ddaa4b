"""One exception hierarchy, so the CLI can turn any expected failure into a clear message.

Every error the user can cause or fix derives from :class:`UstdError` and carries the process
exit code the CLI should use. Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


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


class ProfileInvalid(UstdError):
    """A profile file or spreadsheet has errors; carries every problem found, not just the first."""

    exit_code = 1

    def __init__(self, problems: list, *, hint: str | None = None) -> None:  # list[Problem]
        from assistant.problems import render_problems

        self.problems = list(problems)
        super().__init__(
            render_problems(self.problems),
            hint=hint or "Fix the errors above and run `ustd profiles validate` again.",
        )


class SecretsMissing(UstdError):
    """Some keyring entries a run needs are not set."""

    exit_code = 1


class RunRefused(UstdError):
    """A run cannot start here and now: a bad path, an unreachable portal, an unsafe option for
    a real portal, or another run of the same inputs in progress. Nothing was started or written."""

    exit_code = 2
