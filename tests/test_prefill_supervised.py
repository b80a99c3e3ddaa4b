"""``ustd prefill`` supervised by a person at the terminal: every prompt read from the process's
output and answered on its stdin, secrets from a real Secret Service, the mock portal in process.

Also the guards that act before any browser opens: exit codes, bad input, the real portal's
politeness (no --parallel, no short --pause), and the Pacer itself.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import (
    Prefill,
    account_state,
    assert_state_matches,
    captcha_answer,
    create_account,
    email_code,
    load_group,
    poll,
    read_run_json,
    run_env,
    store_secrets,
    write_profile,
)
from typer.testing import CliRunner

pytest_plugins = ["prefill_fixtures"]  # its secret_service_env and real_keyring fixtures

pytestmark = pytest.mark.keyring_backend


def _args(profile: Path, portal: Any, report: Path, *extra: str) -> list[str]:
    return [str(profile), "--portal-url", portal.url, "--report", str(report), *extra]


def test_enter_on_every_page_with_a_captcha_reaches_payment(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """The person types the captcha (read here from the mock's session, as they would read the
    saved image) and presses Enter on every page: the run stops at payment, exit 0."""
    profile = write_profile(tmp_path, "single")  # account exists: the run signs in
    group = load_group(profile)
    store_secrets(group.primary.id)
    create_account(portal, group)
    portal.config.update({"captcha": True})
    report = tmp_path / "report"
    pages = []
    with Prefill(_args(profile, portal, report, "--confirm", "each-page"), run_env(real_keyring, tmp_path / "state")) as run:
        assert run.prompt() == "captcha"
        answer = poll(lambda: captcha_answer(portal), timeout=10, what="the captcha of the browser's session")
        run.send(answer)
        while True:
            try:
                kind = run.prompt(timeout=60)
            except AssertionError as ended:
                assert "the run ended" in str(ended)
                break
            assert kind == "page"
            pages.append(kind)
            run.send("")
        code = run.wait()
    assert code == 0, run.transcript()
    assert len(pages) == 7  # profile, applicant details, visa, DS-160, waiver, dependents, delivery
    assert "ready for payment" in "".join(run.stdout)
    state = assert_state_matches(portal, group)
    assert state["flags"]["payment_submitted"] is False and state["flags"]["captcha_failures"] == 0
    assert list(report.glob("captcha-*.png")), "the captcha image is saved for the person"
    record = read_run_json(report)
    assert record is not None and record["accounts"][group.primary.id]["gate"] == "payment"


def test_declining_a_page_stops_that_applicant_with_exit_3(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Sign-up with the e-mail code typed by the person (read from the mock's outbox), Enter
    on sign-up and profile, then "n" on applicant details: declined, nothing submitted after."""
    profile = write_profile(tmp_path, "single", exists=False)
    group = load_group(profile)
    store_secrets(group.primary.id)
    portal.config.update({"captcha": False})
    report = tmp_path / "report"
    email = group.primary.account.email or group.primary.email
    with Prefill(_args(profile, portal, report, "--confirm", "each-page"), run_env(real_keyring, tmp_path / "state")) as run:
        assert run.prompt() == "email"
        run.send(poll(lambda: email_code(portal, email), timeout=10, what="the sign-up code"))
        assert run.prompt() == "page"  # sign-up, filled, waiting for the person
        assert "sign_up" in "".join(run.stdout[-30:])
        run.send("")
        assert run.prompt() == "page"  # profile
        run.send("")
        assert run.prompt() == "page"
        assert "applicant_details" in "".join(run.stdout[-40:])
        run.send("n")
        code = run.wait()
    assert code == 3, run.transcript()
    out = "".join(run.stdout)
    assert "declined" in out
    state = account_state(portal, group)
    assert state is not None
    assert state["steps_completed"] == ["profile"]
    assert state["applicant"] == {} and state["visa_options"] == {} and state["ds160"] is None
    record = read_run_json(report)
    assert record is not None
    primary = record["accounts"][group.primary.id]["applicants"][group.primary.id]
    assert primary["status"] == "declined"
    assert [p["page"] for p in primary["pages"] if p["status"] == "declined"] == ["applicant_details"]
    assert record["accounts"][group.primary.id]["gate"] is None
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "stopped by the person" in html


def test_confirm_final_moves_on_by_itself_and_stops_at_payment(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    profile = write_profile(tmp_path, "single")
    group = load_group(profile)
    store_secrets(group.primary.id)
    create_account(portal, group)
    portal.config.update({"captcha": False})
    report = tmp_path / "report"
    with Prefill(_args(profile, portal, report, "--confirm", "final", "--quiet"), run_env(real_keyring, tmp_path / "state")) as run:
        run.close_stdin()  # nobody at the terminal: a prompt would fail the run
        code = run.wait()
    assert code == 0, run.transcript()
    assert "Press Enter" not in "".join(run.stdout)
    state = assert_state_matches(portal, group)
    assert state["payment"] is None and not state["flags"]["payment_submitted"]
    assert not state["flags"]["appointment_booked"]
    record = read_run_json(report)
    assert record is not None and record["accounts"][group.primary.id]["gate"] == "payment"


# --- before any browser ---------------------------------------------------------------------

cli = CliRunner()


def _app() -> Any:
    from assistant.cli import app

    return app


@pytest.mark.parametrize("command", ["dry-run", "prefill"])
def test_help_documents_the_exit_codes(command: str) -> None:
    result = cli.invoke(_app(), [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for code in ("0 every applicant", "1 invalid input", "3 some applicants failed", "130 interrupted"):
        assert code in text


def _bad_profile(tmp_path: Path) -> Path:
    text = write_profile(tmp_path, "single").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("ds160_number: AA00EXM101", "ds160_number: XX1"), encoding="utf-8")
    return bad


def test_bad_profile_exits_1_before_any_browser(
    no_browser: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import main

    monkeypatch.setenv("USTD_STATE_DIR", str(tmp_path / "state"))
    bad = _bad_profile(tmp_path)
    for argv in (
        ["dry-run", str(bad), "--report", str(tmp_path / "r1")],
        ["prefill", str(bad), "--portal-url", "http://127.0.0.1:9/", "--report", str(tmp_path / "r2")],
    ):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 1
    assert no_browser == []
    assert not (tmp_path / "r1").exists() and not (tmp_path / "r2").exists()
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize(
    ("extra", "hint"),
    [(["--parallel", "2"], "--parallel"), (["--pause", "1"], "--pause")],
)
def test_real_portal_refuses_parallel_and_short_pauses(
    no_browser: list[str], tmp_path: Path, extra: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    profile = write_profile(tmp_path, "single")
    with pytest.raises(SystemExit) as exited:
        main(["prefill", str(profile), "--portal-url", "https://www.usvisascheduling.com", *extra])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert hint in captured.err + captured.out
    assert no_browser == []


def test_local_replica_allows_parallel_and_no_pause() -> None:
    from assistant.portal_address import is_loopback
    from assistant.pacing import Pacer

    assert is_loopback("http://127.0.0.1:8765/") and is_loopback("http://localhost/")
    assert not is_loopback("https://www.usvisascheduling.com")
    assert Pacer.for_portal("http://127.0.0.1:8765", None).pause == 0.0


# --- the Pacer ------------------------------------------------------------------------------


class _Clock:
    """Fake monotonic time and a recording Event.wait, so pacing is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wait(self, seconds: float | None = None) -> bool:
        self.waits.append(float(seconds or 0))
        self.now += float(seconds or 0)
        return False


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    import assistant.pacing

    fake = _Clock()
    monkeypatch.setattr(assistant.pacing.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(threading.Event, "wait", lambda self, timeout=None: fake.wait(timeout))
    return fake


def test_pacer_floor_and_defaults() -> None:
    from assistant.pacing import (
        DEFAULT_REAL_PAUSE_SECONDS,
        REAL_PORTAL_FLOOR_SECONDS,
        Pacer,
        PacingTooFast,
    )

    real = "https://www.usvisascheduling.com"
    assert Pacer.for_portal(real, None).pause == DEFAULT_REAL_PAUSE_SECONDS
    assert Pacer.for_portal(real, REAL_PORTAL_FLOOR_SECONDS).pause == REAL_PORTAL_FLOOR_SECONDS
    with pytest.raises(PacingTooFast, match="floor"):
        Pacer.for_portal(real, REAL_PORTAL_FLOOR_SECONDS - 0.5)
    with pytest.raises(PacingTooFast):
        Pacer.for_portal(real, 0)
    assert Pacer.for_portal("http://127.0.0.1:1", 0.25).pause == 0.25  # a local replica may ask for any


def test_pacer_spaces_submissions(clock: _Clock) -> None:
    from assistant.pacing import Pacer

    pacer = Pacer.for_portal("https://www.usvisascheduling.com", 5)
    assert pacer.wait_turn() == 0.0  # the first submission goes at once
    clock.now += 2
    assert pacer.wait_turn() == pytest.approx(3.0)
    assert clock.waits == [pytest.approx(3.0)]
    clock.now += 10
    assert pacer.wait_turn() == 0.0
    assert Pacer.for_portal("http://127.0.0.1:1", None).wait_turn() == 0.0


def test_pacer_back_off_is_bounded(clock: _Clock) -> None:
    from assistant.pacing import MAX_RETRY_AFTER_SECONDS, Pacer

    pacer = Pacer.for_portal("https://www.usvisascheduling.com", 5)
    pacer.back_off(7)
    pacer.back_off(10 ** 9)  # an absurd Retry-After
    pacer.back_off(-3)
    assert clock.waits == [7, MAX_RETRY_AFTER_SECONDS, 0]
    before = clock.now
    clock.now += 1
    assert pacer.wait_turn() == pytest.approx(4.0)  # back_off counts as the last submission
    assert clock.now == pytest.approx(before + 5)


def test_pacer_slows_down_after_each_429_within_bounds(clock: _Clock) -> None:
    from assistant.pacing import SLOWED_PAUSE_MAX_SECONDS, Pacer

    local = Pacer.for_portal("http://127.0.0.1:1", None)
    assert local.rate_limited(2) == 1.0  # no pause before: at least a second now
    assert clock.waits == [2]  # the Retry-After itself was waited out
    real = Pacer.for_portal("https://www.usvisascheduling.com", 5)
    assert [real.rate_limited(1) for _ in range(5)] == [10, 20, 40, SLOWED_PAUSE_MAX_SECONDS, SLOWED_PAUSE_MAX_SECONDS]
    clock.now += 1
    assert real.wait_turn() == pytest.approx(SLOWED_PAUSE_MAX_SECONDS - 1)


def test_pacer_pause_is_really_a_wait() -> None:
    """Without fakes: a tiny pause is waited out."""
    import time

    from assistant.pacing import Pacer

    pacer = Pacer(0.05)
    pacer.wait_turn()
    started = time.monotonic()
    waited = pacer.wait_turn()
    assert waited > 0 and time.monotonic() - started >= 0.04
