"""Issue 7, points 2, 3, 4 and 8: a run's files are private, "loopback" means the portal's
name resolves only to loopback addresses, one run of the same inputs at a time, and bad paths or
an unreachable portal are refused in one line (exit 2) before any browser opens.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import (
    Prefill,
    captcha_answer,
    create_account,
    load_group,
    poll,
    run_env,
    store_secrets,
    write_profile,
)
from profile_helpers import ROOT

from flows.errors import RunRefused

pytest_plugins = ["prefill_fixtures"]  # real_keyring, for the prefill with a captcha


# --- helpers ------------------------------------------------------------------------------


def not_private(folder: Path) -> list[str]:
    """Every folder below (and including) ``folder`` not 0700 and every file not 0600."""
    wrong = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            wrong.append(f"{path.relative_to(folder.parent)}: {mode:o}")
    return wrong


def loosen(folder: Path) -> None:
    """What a run of the old version left: folders 0755, files 0644."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture()
def usual_umask() -> Iterator[None]:
    """The common default umask (022), under which files are world-readable unless made private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``ustd ARGV`` in process: its exit code and everything it printed."""
    from assistant.cli import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


def error_line(output: str) -> str:
    """The refusal's one line; fails if there is a traceback or no ``Error:`` line."""
    assert "Traceback" not in output and "File \"" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, output
    return lines[0]


def ustd(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240, check=False, umask=0o022)


# --- point 2: private report and state ------------------------------------------------------


def test_dry_run_report_and_state_are_private_also_when_resumed(portal: Any, tmp_path: Path) -> None:
    """run.json, report.html, run.log, screenshots (Playwright's client), traces (its node driver),
    the state record and their folders: 0700 folders, 0600 files. A resumed run's older, looser
    folder is tightened; the ``reports/`` parent someone else made is left as it was."""
    profile = write_profile(tmp_path, "single", exists=False)
    parent, state = tmp_path / "reports", tmp_path / "state"
    parent.mkdir(mode=0o755)
    report = parent / "spring"
    env = {**os.environ, "USTD_STATE_DIR": str(state)}
    args = ["dry-run", str(profile), "--portal-url", portal.url, "--report", str(report), "--trace", "--quiet"]

    done = ustd(args, env)

    assert done.returncode == 0, done.stdout + done.stderr
    names = {p.name for p in report.iterdir()}
    assert {"run.json", "report.html", "run.log", "screenshots", "traces"} <= names
    assert list((report / "traces").glob("*.zip")) and list((report / "screenshots").glob("*.jpg"))
    assert list((state / "runs").glob("*.json"))
    assert not_private(report) == [] and not_private(state) == []
    assert stat.S_IMODE(parent.stat().st_mode) == 0o755
    assert not list((state / "runs").glob("*.lock"))  # a run that ended cleanly leaves no lock behind

    loosen(report)
    loosen(state)
    again = ustd([*args, "--resume"], env)

    assert again.returncode == 0, again.stdout + again.stderr
    assert not_private(report) == [] and not_private(state) == []


@pytest.mark.keyring_backend
def test_prefill_captcha_image_and_log_are_private(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path, usual_umask: None
) -> None:
    """The captcha PNG saved for the person and the prefill's own files are private too."""
    profile = write_profile(tmp_path, "single")  # an existing account: the run signs in with a captcha
    group = load_group(profile)
    store_secrets(group.primary.id)
    create_account(portal, group)
    portal.config.update({"captcha": True})
    report, state = tmp_path / "report", tmp_path / "state"
    args = [str(profile), "--portal-url", portal.url, "--report", str(report), "--quiet"]
    with Prefill(args, run_env(real_keyring, state)) as run:
        assert run.prompt() == "captcha"
        run.send(poll(lambda: captcha_answer(portal), timeout=10, what="the captcha of the browser's session"))
        code = run.wait()
    assert code == 0, run.transcript()
    assert list(report.glob("captcha-*.png")) and (report / "run.log").is_file()
    assert not_private(report) == [] and not_private(state) == []


def test_private_umask_is_restored_after_the_run_and_on_errors() -> None:
    from assistant.private_files import private_umask

    before = os.umask(0o022)
    try:
        with pytest.raises(RuntimeError), private_umask():
            inside = os.umask(0o077)
            os.umask(inside)
            raise RuntimeError("the run failed")
        assert inside == 0o077
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(before)


# --- point 3: loopback from resolved addresses ------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://localhost:8765/", "http://127.0.0.1:9", "http://127.5.5.5/", "http://[::1]:8765/"]
)
def test_loopback_names_and_addresses(url: str) -> None:
    from assistant.portal_address import is_loopback

    assert is_loopback(url)


@pytest.mark.parametrize("url", ["https://127.usvisascheduling.com", "http://127.0.0.1.invalid:8765", "http://"])
def test_a_name_that_does_not_resolve_is_not_loopback(url: str) -> None:
    from assistant.portal_address import is_loopback
    from assistant.pacing import DEFAULT_REAL_PAUSE_SECONDS, Pacer

    assert not is_loopback(url)
    if "invalid" in url:
        assert Pacer.for_portal(url, None).pause == DEFAULT_REAL_PAUSE_SECONDS


def test_loopback_needs_every_resolved_address_to_be_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the internet, 127.usvisascheduling.com would resolve to the real portal's address."""
    from assistant import portal_address
    from assistant.gates import MockBackdoorGates
    from assistant.portal_address import is_loopback

    answers = {
        "127.usvisascheduling.com": ["203.0.113.7"],
        "mixed.example": ["127.0.0.1", "203.0.113.7"],
        "dev.example": ["127.0.0.1", "::1"],
        "mapped.example": ["::ffff:127.0.0.1"],
    }

    def fake(host: str, *args: object, **kwargs: object) -> list[tuple[Any, ...]]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
                for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    portal_address.forget_addresses()
    try:
        assert not is_loopback("https://127.usvisascheduling.com")
        assert not is_loopback("http://mixed.example:8765")
        assert is_loopback("http://dev.example:8765")
        assert is_loopback("http://mapped.example:8765")
        with pytest.raises(Exception, match="local mock portal"):
            MockBackdoorGates("https://127.usvisascheduling.com")
    finally:
        portal_address.forget_addresses()


@pytest.mark.parametrize(
    ("extra", "option"),
    [(["--parallel", "2"], "--parallel"), (["--pause", "0"], "--pause")],
)
def test_prefill_to_a_127_lookalike_host_refuses_parallel_and_short_pauses(
    no_browser: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    extra: list[str], option: str,
) -> None:
    monkeypatch.setenv("USTD_STATE_DIR", str(tmp_path / "state"))
    profile = write_profile(tmp_path, "single")
    url = "https://127.usvisascheduling.com"

    code, output = cli(["prefill", str(profile), "--portal-url", url, "--report", str(tmp_path / "r"), *extra],
                       capsys)

    assert code == 2, output
    line = error_line(output)
    assert option in line and url in line
    assert no_browser == [] and not (tmp_path / "r").exists() and not (tmp_path / "state").exists()


# --- point 4: one run of the same inputs at a time -----------------------------------------------


def test_lock_refuses_a_second_run_naming_the_first(tmp_path: Path) -> None:
    from assistant.run_lock import RunLock

    path = tmp_path / "runs" / "k.lock"
    with RunLock(path, what="A run of these inputs", command="ustd prefill fam.yaml") as first:
        with pytest.raises(RunRefused) as refused, RunLock(path, what="A run of these inputs", command="again"):
            pass
        assert f"process {os.getpid()}" in refused.value.message
        assert first.started_at in refused.value.message
        assert refused.value.exit_code == 2
    with RunLock(path, what="A run of these inputs", command="later") as later:
        assert later.taken_over is None  # released cleanly: nothing to take over


_HOLDER = """
import sys
from pathlib import Path
from assistant.run_lock import RunLock
with RunLock(Path(sys.argv[1]), what="A run of these inputs", command="ustd prefill fam.yaml"):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    from assistant.run_lock import RunLock

    path = tmp_path / "runs" / "k.lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunRefused, match=f"process {holder.pid}"), RunLock(path, what="A run", command="x"):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        with RunLock(path, what="A run", command="x") as taken:
            assert taken.taken_over is not None and taken.taken_over.pid == holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=10)


def _lock_holder(state: Path) -> dict[str, Any] | None:
    for path in (state / "runs").glob("*.lock"):
        text = path.read_text(encoding="utf-8")
        if text.strip():
            return json.loads(text)  # type: ignore[no-any-return]
    return None


def test_second_dry_run_against_the_same_mock_refuses_then_a_killed_run_is_taken_over(
    portal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    no_browser: list[str],
) -> None:
    """The first run waits in the portal's waiting room holding the lock; a second run of the
    same inputs refuses at once (exit 2, naming the first's process id and start time) and
    writes nothing; once the first is killed (SIGKILL), a --resume takes its lock over."""
    profile = write_profile(tmp_path, "single", exists=False)
    state = tmp_path / "state"
    env = {**os.environ, "USTD_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1"}
    monkeypatch.setenv("USTD_STATE_DIR", str(state))
    portal.config.update({"waiting_room_seconds": 600})
    args = [str(profile), "--portal-url", portal.url, "--report", str(tmp_path / "first"), "--quiet"]
    with Prefill(args, env, command="dry-run") as first:
        holder = poll(lambda: _lock_holder(state), timeout=60, what="the first run's lock")
        assert holder["pid"] == first.proc.pid
        saved = poll(lambda: list((state / "runs").glob("*.json")), timeout=60, what="the first run's record")[0]
        record_before = saved.read_text(encoding="utf-8")

        umask_before = os.umask(0o022)
        os.umask(umask_before)
        code, output = cli(["dry-run", str(profile), "--portal-url", portal.url, "--report",
                            str(tmp_path / "second"), "--quiet"], capsys)

        assert code == 2, output
        line = error_line(output)
        assert f"process {first.proc.pid}" in line and holder["started_at"] in line
        assert no_browser == [] and not (tmp_path / "second").exists()
        assert saved.read_text(encoding="utf-8") == record_before
        assert os.umask(umask_before) == umask_before  # an in-process run leaves the umask as it was

        first.signal(signal.SIGKILL)
        first.wait()
    portal.config.update({"waiting_room_seconds": 0})

    resumed = ustd(["dry-run", str(profile), "--portal-url", portal.url, "--quiet", "--resume"], env)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"process {first.proc.pid}" in " ".join(resumed.stderr.split())
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["finished_at"] and record["report_dir"] == str(tmp_path / "first")


def test_prefill_of_inputs_being_run_refuses_before_asking_the_keyring(
    portal: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    no_browser: list[str],
) -> None:
    import assistant.secrets
    from assistant.run import state_dir
    from assistant.run_lock import RunLock
    from assistant.run_record import run_key

    monkeypatch.setenv("USTD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(assistant.secrets, "load_account_secrets", lambda *a: pytest.fail("keyring asked"))
    profile = write_profile(tmp_path, "single")
    key = run_key("prefill", portal.url.rstrip("/"), [profile])
    with RunLock(state_dir() / "runs" / f"{key}.lock", what="A run of these inputs", command="ustd prefill") as held:
        code, output = cli(["prefill", str(profile), "--portal-url", portal.url, "--report", str(tmp_path / "r")],
                           capsys)
    assert code == 2, output
    line = error_line(output)
    assert f"process {os.getpid()}" in line and held.started_at in line
    assert no_browser == [] and not (tmp_path / "r").exists()
    assert not list((tmp_path / "state" / "runs").glob("*.json"))


def test_embedded_dry_runs_keep_no_state_and_run_side_by_side_but_not_into_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dry run on the embedded mock has its own, empty mock and cannot be resumed: two of
    the same inputs do not block each other and save no state; one report folder is one run's."""
    from assistant.run import RunRequest, hold_run, open_record, prepare

    monkeypatch.setenv("USTD_STATE_DIR", str(tmp_path / "state"))
    profile = write_profile(tmp_path, "single")

    def request(report: Path) -> RunRequest:
        return RunRequest(paths=[profile], mode="dry-run", portal_url="http://127.0.0.1/embedded-mock",
                          report_dir=report, embedded_mock=True)

    with ExitStack() as first, ExitStack() as second:
        one, two = request(tmp_path / "one"), request(tmp_path / "two")
        _, entries, _ = prepare(one)
        hold_run(one, first)
        stores = [open_record(one, entries, first)]
        hold_run(two, second)
        stores.append(open_record(two, entries, second))
        assert [store.state_path for store in stores] == [None, None]
        assert (tmp_path / "one" / "run.json").is_file() and (tmp_path / "two" / "run.json").is_file()
        with ExitStack() as third:
            same_folder = request(tmp_path / "one")
            hold_run(same_folder, third)
            expected = f"report to {tmp_path / 'one'} is already in progress (process {os.getpid()}"
            with pytest.raises(RunRefused, match=re.escape(expected)):
                open_record(same_folder, entries, third)
    assert not list((tmp_path / "state").rglob("*.json"))


def test_two_prefills_of_different_inputs_against_one_real_portal_do_not_run_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real portal bans parallel sessions: a second prefill against it refuses even with
    other inputs (its own lock is free), naming the first; a local mock is not held so."""
    import assistant.portal_address as portal_address
    from assistant.run import RunRequest, hold_run

    monkeypatch.setenv("USTD_STATE_DIR", str(tmp_path / "state"))
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.7", 0))]
    monkeypatch.setattr(portal_address.socket, "getaddrinfo", lambda *args, **kwargs: public)
    portal_address.forget_addresses()

    def request(name: str, url: str) -> RunRequest:
        return RunRequest(paths=[tmp_path / f"{name}.yaml"], mode="prefill", portal_url=url)

    real = "https://portal.example:443/zh-CN/"
    with ExitStack() as first:
        hold_run(request("spring", real), first)
        with ExitStack() as second, pytest.raises(RunRefused) as refused:
            hold_run(request("autumn", "https://PORTAL.example"), second)
        message = str(refused.value)
        assert "https://portal.example" in message and "one session at a time" in message
        assert f"process {os.getpid()}" in message
    with ExitStack() as after:  # released with the first run
        hold_run(request("autumn", real), after)
    portal_address.forget_addresses()
    monkeypatch.undo()
    with ExitStack() as one, ExitStack() as two:  # two mocks on this machine: only per-inputs locks
        hold_run(request("spring", "http://127.0.0.1:8765"), one)
        hold_run(request("autumn", "http://127.0.0.1:8765"), two)


# --- point 8: paths and network, refused before any browser -----------------------------------


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores modes: then /proc)."""
    candidates = [tmp_path / "locked", Path("/proc")]
    candidates[0].mkdir()
    candidates[0].chmod(0o555)
    for folder in candidates:
        try:
            (folder / ".probe").touch()
        except OSError:
            return folder
        (folder / ".probe").unlink()
    pytest.skip("no folder here refuses this user's writes")


@pytest.fixture()
def places(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    return {"file": a_file, "missing": tmp_path / "no" / "such" / "report", "unwritable": _unwritable_folder(tmp_path)}


@pytest.mark.parametrize("command", ["dry-run", "prefill"])
@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("report-is-a-file", "file"),
        ("report-parent-missing", "missing"),
        ("report-unwritable", "unwritable"),
        ("state-dir-is-a-file", "file"),
        ("state-dir-unwritable", "unwritable"),
        ("connection-refused", "http://127.0.0.1:9"),
        ("does-not-resolve", "http://ustd-no-such-host.invalid:8765"),
        ("not-http", "ftp://127.0.0.1/portal"),
    ],
)
def test_bad_paths_and_unreachable_portals_are_one_line_exit_2_before_any_browser(
    portal: Any, places: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], no_browser: list[str], command: str, case: str, named: str,
) -> None:
    import assistant.secrets

    monkeypatch.setattr(assistant.secrets, "load_account_secrets", lambda *a: pytest.fail("keyring asked"))
    state, report, url = tmp_path / "state", tmp_path / "report", portal.url
    if case.startswith("report"):
        report = {"file": places["file"], "missing": places["missing"],
                  "unwritable": places["unwritable"] / "report"}[named]
    elif case.startswith("state"):
        state = places["file"] if named == "file" else places["unwritable"] / "ustd-state"
    else:
        url = named
    monkeypatch.setenv("USTD_STATE_DIR", str(state))
    profile = write_profile(tmp_path, "single")
    argv = [command, str(profile), "--portal-url", url, "--report", str(report), "--quiet"]

    code, output = cli(argv, capsys)

    assert code == 2, output
    line = error_line(output)
    thing = {"file": str(places["file"]), "missing": str(places["missing"].parent.parent),
             "unwritable": str(places["unwritable"])}.get(named, named)
    assert thing in line, line
    assert no_browser == []
    assert not report.exists() or report == places["file"]
    assert not (tmp_path / "state").exists()
