"""Dry runs: the whole job against the mock portal, then a field-by-field check of what it got.

A dry run needs no keyring and touches no real site: each account gets throwaway secrets
made for this run (masked in every log like real ones), the mock's gates are answered
through its backdoor, and at the end the mock's recorded state is compared with the profile.
"""

from __future__ import annotations

import json
import secrets as random_secrets
import urllib.request
from contextlib import ExitStack
from typing import Any
from urllib.parse import quote

from pydantic import SecretStr

from flows.errors import UstdError
from assistant.portal_address import is_loopback
from assistant.logging import register_secret
from assistant.models import Group
from assistant.portal_forms import AccountEntry
from assistant.run_record import RunRecord
from assistant.secrets import AccountSecrets
from assistant.verify import careless_flags, compare_account


def throwaway_secrets() -> AccountSecrets:
    """A password that meets the portal's rule and three answers, valid for this run only."""
    password = SecretStr(f"Dr{random_secrets.token_hex(4)}!9")
    answers = tuple(SecretStr(f"answer-{random_secrets.token_hex(5)}") for _ in range(3))
    for value in (password, *answers):
        register_secret(value)
    return AccountSecrets(password=password, answers=(answers[0], answers[1], answers[2]))


class Backdoor:
    """The mock portal's test-only API, used by dry runs and nowhere else."""

    def __init__(self, base_url: str) -> None:
        if not is_loopback(base_url):
            raise UstdError(f"{base_url} is not a local mock portal; dry runs only use the mock.")
        self.base_url = base_url.rstrip("/")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}/__mock__/{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                return json.loads(response.read() or b"null")
        except OSError as error:
            raise UstdError(
                f"The mock portal at {self.base_url} does not answer its backdoor ({error}).",
                hint="Start it with `ustd mock-portal` (the backdoor is on by default).",
            ) from None

    def create_account(self, entry: AccountEntry, secrets: AccountSecrets, group: Group) -> None:
        self._call(
            "POST",
            "accounts",
            {
                "username": entry.username,
                "password": secrets.password.get_secret_value(),
                "email": entry.sign_up.email,
                "given_name": entry.sign_up.given_name,
                "surname": entry.sign_up.surname,
                "questions": list(entry.sign_up.questions),
                "answers": [a.get_secret_value() for a in secrets.answers],
                "profile_saved": False,
            },
        )

    def account_state(self, username: str) -> dict[str, Any] | None:
        try:
            return self._call("GET", f"state/{quote(username)}")  # type: ignore[no-any-return]
        except UstdError:
            return None


def verify_run(record: RunRecord, groups: dict[str, Group], backdoor: Backdoor) -> dict[str, list[str]]:
    """Compare the mock's state with each profile; an applicant with a mismatch fails."""
    findings: dict[str, list[str]] = {}
    for account_id, account in record.accounts.items():
        group = groups[account_id]
        state = backdoor.account_state(account.username)
        if state is None:
            for applicant in account.applicants.values():
                if applicant.status == "ready":
                    applicant.mark("failed", "The mock portal has no record of this account.")
            continue
        for applicant_id, mismatches in compare_account(group, state).items():
            applicant = account.applicants[applicant_id]
            if mismatches and applicant.status == "ready":
                findings[applicant_id] = [str(m) for m in mismatches]
                applicant.mark("failed", "The mock portal received data that differs from the profile.")
        flags = careless_flags(state)
        if flags:
            primary = next(iter(account.applicants.values()))
            findings.setdefault(primary.applicant_id, []).append("careless client: " + ", ".join(flags))
            primary.mark("failed", "The mock portal recorded something a careful client never does: " + ", ".join(flags))
    return findings


def start_mock(stack: ExitStack, locale: str, variants: tuple[str, ...] = ()) -> str:
    """Start the embedded mock portal for this run (in the markup ``variants`` ask for); return its URL."""
    from fixtures import MockConfig, MockPortalServer

    server = stack.enter_context(MockPortalServer(MockConfig(default_locale=locale, variants=variants)))
    return str(server.url)
