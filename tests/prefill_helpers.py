"""Helpers for the tests that run ``ustd prefill`` as a person would: a subprocess whose prompts
are read line by line and answered on its stdin, secrets in a real Secret Service (gnome-keyring
on a private D-Bus, see keyring_service.py), the mock portal in this test process.

Waits are bounded polls of files, state or the subprocess's output (threading.Event().wait),
never fixed sleeps.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote, quote_plus

import yaml
from profile_helpers import ROOT, example_data

# Distinctive secrets whose escaped forms differ from the raw text (quote, ampersand, slash,
# hash, non-ASCII), so a search for every form means something.
PASSWORD = 'Qz"8&k/Wm#t'
ANSWERS = ("周美兰 Zhou&Mei", "Wutong Road #88", 'Xiao"huang\\dog')

_pause = threading.Event()


def poll(condition: Callable[[], Any], timeout: float = 60.0, every: float = 0.05, what: str = "") -> Any:
    """Wait until ``condition()`` is truthy (returned), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or condition}")
        _pause.wait(every)


def secret_forms(value: str) -> set[str]:
    """The raw value and the encodings it could leak in: JSON, URL, repr."""
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value, safe=""),
        quote(value),
        repr(value)[1:-1],
    }


def find_secrets(data: bytes, values: list[str], *, where: str) -> list[str]:
    """Every (value form) found in ``data``: [] when clean. Searched as UTF-8 and UTF-16 bytes."""
    found = []
    for value in values:
        for form in secret_forms(value):
            for encoded in (form.encode("utf-8"), form.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{where}: {form!r}")
    return found


def scan_tree(folder: Path, values: list[str]) -> list[str]:
    """Search every file below ``folder`` (zips opened, each member searched) for the values:
    as bytes, and every image (screenshots, captchas, trace frames) also by reading it with
    OCR, since a secret drawn in a JPEG is not in its bytes (tests/ocr.py)."""
    import tempfile
    import zipfile

    from ocr import images_of_run, secrets_in_images

    found: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += find_secrets(data, values, where=str(path))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    found += find_secrets(archive.read(member), values, where=f"{path}!{member}")
    with tempfile.TemporaryDirectory(prefix="frames-") as frames:
        found += secrets_in_images(images_of_run(folder, Path(frames)), values)
    return found


# --- profiles -----------------------------------------------------------------------------


def write_profile(folder: Path, name: str = "single", *, exists: bool | None = None,
                  dependents: int | None = None) -> Path:
    """A copy of an example profile in ``folder`` (so its run key is this test's own)."""
    data = example_data(name)
    if exists is not None:
        data["primary"]["account"]["exists"] = exists
    if dependents is not None:
        data["dependents"] = (data.get("dependents") or [])[:dependents]
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_group(path: Path) -> Any:
    from assistant.inputs import load_groups

    groups, _ = load_groups([path])
    return groups[0][1]


def create_account(portal: Any, group: Any, password: str = PASSWORD, answers: tuple[str, ...] = ANSWERS) -> None:
    """Register the group's account in the mock (in process), as the backdoor would."""
    from assistant.portal_forms import account_entry

    entry = account_entry(group)
    portal.state.create_account(
        username=entry.username, password=password, email=entry.sign_up.email,
        given_name=entry.sign_up.given_name, surname=entry.sign_up.surname,
        questions=list(entry.sign_up.questions), answers=list(answers),
    )


def account_state(portal: Any, group: Any) -> dict[str, Any] | None:
    account = portal.state.find(group.primary.account.username)
    if account is None:
        return None
    with portal.state.lock:
        return account.to_json()  # type: ignore[no-any-return]


def assert_state_matches(portal: Any, group: Any) -> dict[str, Any]:
    """The mock received exactly the profile: no mismatch, nothing careless, nothing paid."""
    from assistant.verify import careless_flags, compare_account

    state = account_state(portal, group)
    assert state is not None, "the mock has no such account"
    mismatches = {k: [str(m) for m in v] for k, v in compare_account(group, state).items() if v}
    assert mismatches == {}
    assert careless_flags(state) == []
    assert len(state["dependents"]) == len(group.dependents)
    return state


def captcha_answer(portal: Any) -> str | None:
    """The captcha answer of the (only) browser session that has one, read in process."""
    sessions = portal.app.state.runtime.sessions
    with sessions._lock:
        answers = [s.captcha_answer for s in sessions._sessions.values() if s.captcha_answer]
    return answers[-1] if len(answers) == 1 else None


def email_code(portal: Any, email: str) -> str | None:
    messages = [m for m in portal.state.mails_to(email) if m.get("code")]
    return str(messages[-1]["code"]) if messages else None


# --- keyring ------------------------------------------------------------------------------


def store_secrets(profile_id: str, password: str = PASSWORD, answers: tuple[str, ...] = ANSWERS) -> None:
    from assistant.secrets import set_secret

    set_secret(profile_id, "portal-password", password)
    for number, answer in enumerate(answers, start=1):
        set_secret(profile_id, f"security-answer-{number}", answer)


def run_env(secret_service_env: dict[str, str], state_dir: Path) -> dict[str, str]:
    """The subprocess's environment: the private keyring, its own state dir, wide plain output."""
    env = dict(secret_service_env)
    env.update(
        USTD_STATE_DIR=str(state_dir),
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        COLUMNS="240",
        NO_COLOR="1",
        TERM="dumb",
    )
    env.pop("PYTHON_KEYRING_BACKEND", None)
    return env


# --- the prefill process --------------------------------------------------------------------


class Prefill:
    """``ustd prefill ...`` as a subprocess: read its output line by line, answer its prompts."""

    def __init__(self, args: list[str], env: dict[str, str], *, command: str = "prefill") -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", command, *args],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1,
            start_new_session=True,  # its own process group: a Ctrl-C reaches it, its driver and browser
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._output_ended = threading.Event()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout, True), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr, False), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream: Any, into: list[str], feed: bool) -> None:
        for line in stream:
            into.append(line)
            if feed:
                self._lines.put(line)
        if feed:
            self._output_ended.set()
            self._lines.put(None)

    def transcript(self) -> str:
        return "--- stdout\n" + "".join(self.stdout) + "--- stderr\n" + "".join(self.stderr)[-4000:]

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """The next stdout line matching ``pattern`` (earlier lines are skipped)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r} within {timeout:g} s\n{self.transcript()}")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self._lines.put(None)
                raise AssertionError(f"the run ended before {pattern!r}\n{self.transcript()}")
            if regex.search(line):
                return line

    def prompt(self, timeout: float = 60.0) -> str:
        """Wait for the next question the run asks a person; return its kind."""
        line = self.expect(r"Captcha|E-mail code|Press Enter to submit", timeout)
        if "Captcha" in line:
            return "captcha"
        if "E-mail code" in line:
            return "email"
        return "page"

    def next_prompt(self, timeout: float = 60.0) -> str | None:
        """Like prompt(), or None once the run has ended without asking anything more."""
        try:
            return self.prompt(timeout)
        except AssertionError:
            if self._output_ended.is_set():
                return None
            raise

    def send(self, text: str = "") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def signal(self, number: int) -> None:
        """Signal the whole process group, as a terminal's Ctrl-C (SIGINT) does."""
        os.killpg(self.proc.pid, number)

    def wait(self, timeout: float = 120.0) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(f"the run did not end within {timeout:g} s\n{self.transcript()}") from None
        for thread in self._threads:
            thread.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        try:  # the driver and browser it started, if still there
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def read_run_json(report: Path) -> dict[str, Any] | None:
    """run.json if it is there and complete (it is written atomically), else None."""
    try:
        return json.loads((report / "run.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def submitted_pages(run: dict[str, Any] | None) -> list[str]:
    if not run:
        return []
    return [p["page"] for account in run["accounts"].values() for a in account["applicants"].values()
            for p in a["pages"] if p["status"] == "submitted"]

