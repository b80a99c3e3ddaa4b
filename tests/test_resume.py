"""Resume: a prefill killed (SIGKILL) or interrupted (Ctrl-C: SIGINT to its process group) at
several points (after some pages, in the sign-up window, while a dependent is being added),
then run again with --resume, ends with the profile on the portal exactly once: no account
signed up twice, no dependent added twice, nothing submitted twice, nothing paid.
"""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import (
    Prefill,
    account_state,
    assert_state_matches,
    create_account,
    email_code,
    load_group,
    poll,
    read_run_json,
    run_env,
    store_secrets,
    submitted_pages,
    write_profile,
)

pytest_plugins = ["prefill_fixtures"]  # its secret_service_env and real_keyring fixtures

pytestmark = pytest.mark.keyring_backend


def _setup(portal: Any, tmp_path: Path, name: str = "single", dependents: int | None = None) -> tuple[Path, Any]:
    profile = write_profile(tmp_path, name, exists=True, dependents=dependents)
    group = load_group(profile)
    store_secrets(group.primary.id)
    create_account(portal, group)
    portal.config.update({"captcha": False})
    return profile, group


def _args(profile: Path, portal: Any, report: Path, *extra: str) -> list[str]:
    return [str(profile), "--portal-url", portal.url, "--report", str(report), "--quiet", *extra]


def _finish(profile: Path, portal: Any, group: Any, report: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run again with --resume to the end; check the portal holds the profile exactly once."""
    with Prefill(_args(profile, portal, report, "--resume"), env) as run:
        code = run.wait()
    assert code == 0, run.transcript()
    state = assert_state_matches(portal, group)
    assert state["flags"]["duplicate_dependent_attempts"] == 0
    assert len(state["steps_completed"]) == len(set(state["steps_completed"]))
    assert not state["flags"]["payment_submitted"]
    record = read_run_json(report)
    assert record is not None and not record["interrupted"]
    assert all(a["status"] == "ready" for a in record["accounts"][group.primary.id]["applicants"].values())
    return state


@pytest.mark.parametrize("after_pages", [2])
def test_killed_then_resumed(portal: Any, real_keyring: dict[str, str], tmp_path: Path, after_pages: int) -> None:
    profile, group = _setup(portal, tmp_path)
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")
    with Prefill(_args(profile, portal, report), env) as run:
        poll(lambda: len(submitted_pages(read_run_json(report))) >= after_pages, timeout=90, every=0.02,
             what=f"{after_pages} pages submitted")
        run.signal(signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL
    saved = read_run_json(report)
    assert saved is not None and len(submitted_pages(saved)) >= after_pages  # valid JSON after a kill
    assert list((tmp_path / "state" / "runs").glob("*.json"))
    _finish(profile, portal, group, report, env)


def test_ctrl_c_saves_a_consistent_record_exits_130_and_resumes(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    profile, group = _setup(portal, tmp_path)
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")
    with Prefill(_args(profile, portal, report), env) as run:
        poll(lambda: len(submitted_pages(read_run_json(report))) >= 4, timeout=90, every=0.02, what="4 pages")
        run.signal(signal.SIGINT)  # to the process group, as a terminal's Ctrl-C
        code = run.wait()
    assert code == 130, run.transcript()
    saved = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert saved["interrupted"] is True and saved["finished_at"]
    state_file = next((tmp_path / "state" / "runs").glob("*.json"))
    assert json.loads(state_file.read_text(encoding="utf-8")) == saved
    assert (report / "report.html").is_file()
    assert "--resume" in "".join(run.stderr) + "".join(run.stdout)
    _finish(profile, portal, group, report, env)


def test_dependent_interrupted_while_being_added_is_not_added_twice(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Killed once just after the dependent's contact was created (no passport yet on the
    portal), and once after its applicant page (no DS-160 yet): each resume completes the
    dependent the portal holds instead of adding another."""
    profile, group = _setup(portal, tmp_path, "delegation", dependents=1)
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")

    def dependents() -> list[dict[str, Any]]:
        state = account_state(portal, group)
        return state["dependents"] if state else []

    with Prefill(_args(profile, portal, report), env) as run:
        poll(lambda: dependents(), timeout=120, every=0.02, what="the dependent's contact created")
        run.signal(signal.SIGKILL)
        run.wait()
    assert len(dependents()) == 1 and dependents()[0]["applicant"] == {}

    with Prefill(_args(profile, portal, report, "--resume"), env) as run:
        poll(lambda: any(d["applicant"] for d in dependents()) or run.proc.poll() is not None, timeout=120,
             every=0.02, what="the dependent's applicant page saved")
        run.signal(signal.SIGKILL)
        run.wait()
    assert len(dependents()) == 1, dependents()
    assert dependents()[0]["ds160"] is None

    state = _finish(profile, portal, group, report, env)
    assert len(state["dependents"]) == 1


def _summary_rows(stdout: list[str]) -> dict[str, tuple[str, str]]:
    """The console summary's rows: applicant id -> (status, next), wrapped cells joined."""
    rows: dict[str, list[list[str]]] = {}
    current: str | None = None
    for line in stdout:
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.rstrip().strip("│").split("│")]
        if len(cells) != 3:
            continue
        found = re.search(r"\(([a-z0-9-]+)\)", cells[0])
        if found:
            current = found.group(1)
            rows[current] = [[], []]
        if current is not None:
            rows[current][0].append(cells[1])
            rows[current][1].append(cells[2])
    return {k: (" ".join(filter(None, v[0])), " ".join(filter(None, v[1]))) for k, v in rows.items()}


def test_killed_in_the_sign_up_window_then_resumed_signs_in_instead(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Killed after the portal created the account but before the run recorded it: --resume
    finds the username registered, signs in instead (security questions), reaches payment and
    says so in the summary, run.json and the report."""
    profile = write_profile(tmp_path, "single", exists=False)
    group = load_group(profile)
    store_secrets(group.primary.id)
    # The page after the sign-up POST comes slowly, so the kill lands between the portal
    # creating the account and the run recording it.
    portal.config.update({"captcha": False, "latency_ms": 400})
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")
    email = group.primary.account.email or group.primary.email
    with Prefill(_args(profile, portal, report), env) as run:
        assert run.prompt() == "email"
        run.send(poll(lambda: email_code(portal, email), timeout=10, what="the sign-up code"))
        poll(lambda: account_state(portal, group), timeout=60, every=0.01, what="the account created by the sign-up POST")
        run.signal(signal.SIGKILL)
        run.wait()
    saved = read_run_json(report)
    assert saved is not None and saved["accounts"][group.primary.id]["registered"] is False  # killed in the window

    portal.config.update({"latency_ms": 0})
    codes_sent = len(portal.state.mails_to(email))
    with Prefill(_args(profile, portal, report, "--resume"), env) as run:
        assert run.prompt() == "email"  # the sign-up page wants the e-mail verified before it says more
        run.send(poll(lambda: len(portal.state.mails_to(email)) > codes_sent and email_code(portal, email),
                      timeout=10, what="the new sign-up code"))
        code = run.wait()
    assert code == 0, run.transcript()
    state = assert_state_matches(portal, group)
    assert state["flags"]["captcha_failures"] == 0 and not state["flags"]["payment_submitted"]
    record = read_run_json(report)
    assert record is not None
    account = record["accounts"][group.primary.id]
    assert account["registered"] is True and account["gate"] == "payment"
    said = "the account already existed on the portal (signed up in an interrupted run?): signed in instead"
    assert account["notes"] == [said]
    assert said in (report / "report.html").read_text(encoding="utf-8")
    assert "signed in instead" in "".join(run.stdout)


def test_ctrl_c_while_a_dependent_is_added_stops_quietly_and_says_what_exists(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Ctrl-C just after the portal created a dependent's contact: exit 130 without driver
    noise or traceback; the summary calls that dependent "not finished" (not pending), every
    row says what is next, with --resume; the resumed run adds nobody twice."""
    profile, group = _setup(portal, tmp_path, "delegation", dependents=2)
    portal.config.update({"latency_ms": 300})  # the page after the contact POST is slow: Ctrl-C lands in between
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")
    with Prefill(_args(profile, portal, report), env) as run:
        poll(lambda: (account_state(portal, group) or {}).get("dependents"), timeout=120, every=0.01,
             what="the first dependent's contact created")
        run.signal(signal.SIGINT)  # to the process group, as a terminal's Ctrl-C
        code = run.wait()
    assert code == 130, run.transcript()
    stderr = "".join(run.stderr)
    for noise in ("Future exception", "Traceback", "Connection closed"):
        assert noise not in stderr, run.transcript()
    rows = _summary_rows(run.stdout)
    assert set(rows) == {group.primary.id, *(d.id for d in group.dependents)}, run.transcript()
    assert all(follow for _, follow in rows.values()), rows
    assert all("--resume" in follow for _, follow in rows.values()), rows
    added = group.dependents[0].id
    assert rows[added][0] not in ("pending", "not started"), rows
    assert "on the portal already" in rows[added][1], rows
    saved = read_run_json(report)
    assert saved is not None and saved["interrupted"] is True
    dependent = saved["accounts"][group.primary.id]["applicants"][added]
    assert dependent["status"] == "in_progress" and dependent["contact_id"]

    portal.config.update({"latency_ms": 0})
    state = _finish(profile, portal, group, report, env)
    assert len(state["dependents"]) == 2


def test_ctrl_c_during_the_pause_between_pages_stops_at_once_without_submitting(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Ctrl-C asks the run to stop after the page in hand; while it only waits (the politeness
    pause), it stops at once and submits nothing more."""
    profile, group = _setup(portal, tmp_path)
    report, env = tmp_path / "report", run_env(real_keyring, tmp_path / "state")
    sessions = portal.app.state.runtime.sessions

    def signed_in_pending_questions() -> bool:
        with sessions._lock:
            return any(s.pending_username for s in sessions._sessions.values())

    with Prefill(_args(profile, portal, report, "--pause", "60"), env) as run:
        poll(signed_in_pending_questions, timeout=90, every=0.02, what="the sign-in POST")
        run.signal(signal.SIGINT)
        code = run.wait(timeout=20)  # not the 60 s pause
    assert code == 130, run.transcript()
    assert "Traceback" not in "".join(run.stderr)
    state = account_state(portal, group)
    assert state is not None and state["steps_completed"] == []
    with sessions._lock:
        assert not any(s.username for s in sessions._sessions.values())  # the security answers were not sent
