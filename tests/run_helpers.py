"""Drive one account in-process against the shared mock portal: the runner tests' common ground.

A run here is what ``ustd dry-run`` does for one account, minus the CLI: throwaway secrets,
the mock's backdoor gates, a RunStore under tmp_path, and a fresh browser context per run
(each context is a new cookie jar, i.e. a new portal session) from the session's browser.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.batch import fail_unfinished, new_account_record
from assistant.dry_run import Backdoor, throwaway_secrets
from assistant.gates import Gates, MockBackdoorGates
from assistant.models import Group
from assistant.pacing import Pacer
from assistant.photographer import DirectPhotographer, Photographer
from assistant.portal_forms import AccountEntry, account_entry
from assistant.profile_files import validate_file
from assistant.run_record import AccountRecord, RunRecord, RunStore
from assistant.runner import AccountRunner
from assistant.secrets import AccountSecrets
from assistant.verify import careless_flags, compare_account

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "profiles" / "examples"


def load_group(path: Path) -> Group:
    group, problems = validate_file(path)
    assert group is not None, [p.render() for p in problems]
    return group


def example_variant(tmp_path: Path, name: str, edit: Any = None, *, file_name: str | None = None) -> Path:
    """A copy of an example profile, optionally changed by ``edit(data)``, written to tmp_path."""
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    if edit is not None:
        edit(data)
    out = tmp_path / (file_name or f"{name}.yaml")
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@dataclass
class Account:
    """One account's inputs for repeated runs: the same secrets every time, like the keyring."""

    group: Group
    entry: AccountEntry
    secrets: AccountSecrets = field(default_factory=throwaway_secrets)

    @classmethod
    def from_file(cls, path: Path) -> Account:
        group = load_group(path)
        return cls(group=group, entry=account_entry(group))

    def pre_register(self, portal: Any) -> None:
        """What a person did before: an existing account on the portal (backdoor)."""
        Backdoor(portal.url).create_account(self.entry, self.secrets, self.group)


@dataclass
class RunResult:
    record: AccountRecord
    run: RunRecord
    error: BaseException | None
    runner: AccountRunner


def new_store(tmp_path: Path, entry: AccountEntry, portal_url: str, locale: str, label: str = "run") -> RunStore:
    report_dir = tmp_path / label
    record = RunRecord(run_key=label, mode="dry-run", portal_url=portal_url, locale=locale,
                       inputs=[], report_dir=str(report_dir))
    record.accounts[entry.account_id] = new_account_record(entry)
    report_dir.mkdir(parents=True, exist_ok=True)
    return RunStore(record, tmp_path / "state")


@contextmanager
def _context(browser: Any, locale: str) -> Iterator[Any]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


def run_account(
    browser: Any,
    portal: Any,
    account: Account,
    tmp_path: Path,
    *,
    locale: str = "zh-CN",
    gates: Gates | None = None,
    label: str = "run",
    registered: bool = False,
    every_page_shot: bool = False,
    photographer: Photographer | None = None,
) -> RunResult:
    """One run of the account as batch._run_one does it; the failure, if any, is returned.

    Pages are photographed only at the stop and on failure unless ``every_page_shot`` (the
    product's default, tested where the pictures matter): a test suite of many runs saves a
    quarter of its time."""
    store = new_store(tmp_path, account.entry, portal.url, locale, label)
    record = store.record.accounts[account.entry.account_id]
    record.registered = registered
    with _context(browser, locale) as context:
        runner = AccountRunner(
            page=context.new_page(),
            entry=account.entry,
            secrets=account.secrets,
            gates=gates or MockBackdoorGates(portal.url),
            pacer=Pacer.for_portal(portal.url, None),
            store=store,
            record=record,
            base_url=portal.url,
            locale=locale,
            shots_dir=tmp_path / label / "screenshots",
            every_page_shot=every_page_shot,
            photographer=photographer or DirectPhotographer(),
        )
        error: BaseException | None = None
        try:
            runner.run()
        except Exception as failure:  # noqa: BLE001 - the test inspects it
            error = failure
            fail_unfinished(record, str(failure))  # as batch._run_one records it
        store.save()
    return RunResult(record=record, run=store.record, error=error, runner=runner)


def mock_account(portal: Any, username: str) -> dict[str, Any]:
    """The mock's recorded state of one account (as GET /__mock__/state/<username> returns it)."""
    found = portal.state.find(username)
    assert found is not None, f"the mock has no account {username!r}"
    with portal.state.lock:
        return found.to_json()


def assert_clean(group: Group, state: dict[str, Any], *, skip: set[str] = frozenset()) -> None:
    """Every applicant's data arrived exactly as in the profile, and nothing careless happened."""
    mismatches = {k: [str(m) for m in v] for k, v in compare_account(group, state).items() if v and k not in skip}
    assert mismatches == {}
    assert careless_flags(state) == []
    flags = state["flags"]
    assert flags["honeypot_filled"] is False
    assert flags["payment_submitted"] is False
    assert flags["appointment_booked"] is False
    assert flags["rate_limited"] == 0
    assert flags["out_of_order"] == 0
    assert flags["duplicate_dependent_attempts"] == 0
    assert state["payment"] is None
    assert "payment" not in state["steps_completed"]


def statuses(record: AccountRecord) -> dict[str, str]:
    return {a.applicant_id: a.status for a in record.applicants.values()}
