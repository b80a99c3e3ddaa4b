"""No secret in any artifact: after a dry run (with Playwright traces) and after a prefill with
keyring secrets, both signing up, then signing in again with the security questions after the
session expires, every file of the report folder (traces unzipped), the state folder and the
process's stdout/stderr are searched for every secret value, raw, JSON-escaped and
URL-encoded; and every image (screenshots, trace frames) is read with OCR and its text
searched too (tests/ocr.py), since a secret drawn in a JPEG is not in its bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import (
    ANSWERS,
    PASSWORD,
    Prefill,
    assert_state_matches,
    captcha_answer,
    email_code,
    find_secrets,
    load_group,
    poll,
    read_run_json,
    run_env,
    scan_tree,
    store_secrets,
    write_profile,
)

pytest_plugins = ["prefill_fixtures"]  # its secret_service_env and real_keyring fixtures
from ocr import require_tesseract
from profile_helpers import ROOT

# The dry run in a subprocess (its own Playwright), with throwaway_secrets wrapped to make
# secrets OCR reads reliably (distinct words; registered for masking as the real ones are) and
# to write them to a file outside the report and state folders: monkeypatching, across a process.
_DRY_RUN = textwrap.dedent(
    """
    import json, sys
    from pydantic import SecretStr
    import assistant.dry_run as dry_run
    from assistant.logging import register_secret
    made = []
    original = dry_run.throwaway_secrets
    WORDS = ("Harpsichord73!", "LIGHTHOUSEPEBBLE", "JUNIPERCARAVAN", "QUARTZMEADOW")
    def recording():
        secrets = original()
        secrets = type(secrets)(password=SecretStr(WORDS[0]), answers=tuple(SecretStr(w) for w in WORDS[1:]))
        for value in WORDS:
            register_secret(value)
        made.extend([secrets.password.get_secret_value(), *(a.get_secret_value() for a in secrets.answers)])
        with open(sys.argv[1], "w", encoding="utf-8") as out:
            json.dump(made, out)
        return secrets
    dry_run.throwaway_secrets = recording
    from assistant.cli import main
    main(sys.argv[2:])
    """
)


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    require_tesseract()


def test_dry_run_with_traces_leaves_no_secret(portal: Any, tmp_path: Path) -> None:
    """Sign-up (password and answers typed), then an expired session forces a sign-in with
    the password and the security answers; traced throughout."""
    profile = write_profile(tmp_path, "single", exists=False)
    group = load_group(profile)
    portal.config.update({"session_expiry_after": 6})
    report, state, made = tmp_path / "report", tmp_path / "state", tmp_path / "made.json"
    env = run_env(dict(os.environ), state)
    done = subprocess.run(
        [sys.executable, "-c", _DRY_RUN, str(made), "dry-run", str(profile), "--trace", "--quiet",
         "--portal-url", portal.url, "--report", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert assert_state_matches(portal, group)["flags"]["sessions_expired"] >= 1, "the run never signed in again"
    values = json.loads(made.read_text(encoding="utf-8"))
    assert len(values) == 4 and all(values)
    traces = list((report / "traces").glob("*.zip"))
    assert len(traces) >= 3, f"a trace chunk before and after each secret page: {traces}"
    shots = {p.name for p in (report / "screenshots").glob("*.jpg")}
    assert any("sign_up" in name for name in shots), shots  # taken with the secret boxes emptied
    found = scan_tree(report, values) + scan_tree(state, values)
    found += find_secrets(done.stdout.encode(), values, where="stdout")
    found += find_secrets(done.stderr.encode(), values, where="stderr")
    assert found == [], "\n".join(found)


@pytest.mark.keyring_backend
def test_prefill_with_keyring_secrets_leaves_no_secret(
    portal: Any, real_keyring: dict[str, str], tmp_path: Path
) -> None:
    """Sign-up (password and three answers typed), then an expired session forces a sign-in
    (its captcha image saved for the person) with the password and the security answers:
    none of them reaches an artifact."""
    profile = write_profile(tmp_path, "single", exists=False)
    group = load_group(profile)
    store_secrets(group.primary.id)
    portal.config.update({"captcha": True, "session_expiry_after": 6})
    report, state = tmp_path / "report", tmp_path / "state"
    email = group.primary.account.email or group.primary.email
    args = [str(profile), "--portal-url", portal.url, "--report", str(report), "--confirm", "final"]
    with Prefill(args, run_env(real_keyring, state)) as run:
        assert run.prompt() == "email"
        run.send(poll(lambda: email_code(portal, email), timeout=10, what="the sign-up code"))
        while (kind := run.next_prompt()) is not None:  # a captcha at each sign-in after an expiry
            assert kind == "captcha", run.transcript()
            run.send(poll(lambda: captcha_answer(portal), timeout=10, what="the captcha of the browser's session"))
        code = run.wait()
    assert code == 0, run.transcript()
    assert list(report.glob("captcha-*.png")), "the captcha image is saved in the report folder (and read by OCR)"
    portal_state = assert_state_matches(portal, group)
    assert portal_state["flags"]["sessions_expired"] >= 1, "the run never signed in again"
    record = read_run_json(report)
    assert record is not None and record["accounts"][group.primary.id]["registered"]
    shots = {p.name for p in (report / "screenshots").glob("*.jpg")}
    assert any("sign_up" in name for name in shots), shots
    values = [PASSWORD, *ANSWERS]
    found = scan_tree(report, values) + scan_tree(state, values)
    found += find_secrets("".join(run.stdout).encode(), values, where="stdout")
    found += find_secrets("".join(run.stderr).encode(), values, where="stderr")
    assert found == [], "\n".join(found)
