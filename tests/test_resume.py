"""Resume: a prefill killed (SIGKILL) or interrupted (Ctrl-C: SIGINT to its process group) at
several points, then run again with --resume, ends with the profile on the portal exactly once:
no dependent added twice, nothing submitted twice, nothing paid.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import (
    Prefill,
    account_state,
    assert_state_matches,
    create_account,
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
