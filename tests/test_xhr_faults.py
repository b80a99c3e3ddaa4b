"""The portal's in-page requests (send/verify the e-mail code, the visa-option cascades) answered
with a 429 or a 5xx: the runner waits on the request's answer, waits out Retry-After, retries a
bounded number of times and then fails that account with the portal's own answer: no 30 s
element timeout, no "Unexpected error", no traceback anywhere, and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loguru import logger
from prefill_helpers import Prefill, load_group, read_run_json, run_env, write_profile
from run_helpers import Account, assert_clean, example_variant, mock_account, run_account, statuses

from assistant.verify import compare_account
from flows.errors import XhrFailed


def _signs_up(data: dict[str, Any]) -> None:
    data["primary"]["account"]["exists"] = False


@pytest.fixture()
def newcomer(tmp_path: Path) -> Account:
    """The single example as a new account: the run signs up (e-mail code XHRs) and fills visa options."""
    return Account.from_file(example_variant(tmp_path, "single", _signs_up))


@pytest.fixture()
def warnings() -> Iterator[list[str]]:
    """The run's warnings, as the console shows them."""
    lines: list[str] = []
    sink = logger.add(lines.append, level="WARNING", format="{message}")
    yield lines
    logger.remove(sink)


@pytest.mark.parametrize("knob", ["POST send_code", "POST verify_code", "visa_categories", "visa_classes"])
def test_an_xhr_answered_with_a_server_error_once_is_retried(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account, knob: str
) -> None:
    portal.config.update({"fail_once": knob, "captcha": False})

    result = run_account(browser, portal, newcomer, tmp_path, locale="en-US")

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert portal.config.fail_once is None  # the XHR did get its 500
    state = mock_account(portal, newcomer.entry.username)
    assert_clean(newcomer.group, state)


def test_xhr_rate_limited_at_two_per_second_waits_and_reaches_payment(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account, warnings: list[str]
) -> None:
    """The issue's case: the mock at rate_limit_per_second 2 answers some request with 429 (an
    XHR or a page: which one depends on the machine's speed) and the run waits it out."""
    portal.config.update({"rate_limit_per_second": 2, "captcha": False})

    result = run_account(browser, portal, newcomer, tmp_path)

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert any("429" in line for line in warnings), warnings  # a request was refused
    state = mock_account(portal, newcomer.entry.username)
    assert {k: v for k, v in compare_account(newcomer.group, state).items() if v} == {}
    assert not state["flags"]["payment_submitted"]
    # Told off once, the session keeps a slower pace: the pause between submissions went up.
    assert result.runner.pacer.pause >= 1.0
    assert any("slowing down" in line for line in warnings), warnings


def test_an_xhr_that_keeps_failing_fails_the_account_with_the_portal_answer(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account
) -> None:
    portal.config.update({"fail_always": "POST send_code", "captcha": False})

    result = run_account(browser, portal, newcomer, tmp_path, locale="en-US")

    assert isinstance(result.error, XhrFailed), result.error
    error = result.record.applicants["song-jiahui"].error or ""
    assert result.record.applicants["song-jiahui"].status == "failed"
    assert "send verification code" in error and "HTTP 500" in error
    assert "Sorry, but there's been an error" in error  # the portal's own words
    assert "--resume" in error
    assert portal.state.find(newcomer.entry.username) is None


def test_batch_goes_on_exit_3_and_no_traceback_anywhere(portal: Any, tmp_path: Path) -> None:
    """Two accounts in one dry run: the one whose sign-up XHR keeps failing fails with the
    portal's answer, the other reaches payment; exit 3; no traceback on the console or in run.log."""
    signing_up = write_profile(tmp_path, "delegation", exists=False, dependents=0)
    existing = write_profile(tmp_path, "single", exists=True)
    report = tmp_path / "report"
    portal.config.update({"fail_always": "POST send_code", "captcha": False})
    args = [str(signing_up), str(existing), "--portal-url", portal.url, "--report", str(report), "--quiet"]

    with Prefill(args, run_env(dict(os.environ), tmp_path / "state"), command="dry-run") as run:
        code = run.wait(timeout=180)

    console = "".join(run.stdout) + "".join(run.stderr)
    assert code == 3, run.transcript()
    assert "Traceback" not in console and "Unexpected error" not in console, run.transcript()
    assert "Traceback" not in (report / "run.log").read_text(encoding="utf-8")
    record = read_run_json(report)
    assert record is not None
    primary = load_group(signing_up).primary.id
    failed = record["accounts"][primary]["applicants"][primary]
    assert failed["status"] == "failed" and "HTTP 500" in failed["error"]
    other = load_group(existing).primary.id
    assert record["accounts"][other]["applicants"][other]["status"] == "ready"
    assert "HTTP 500" in console  # the summary says why


def test_an_xhr_refused_with_429_is_retried_after_a_wait_and_slows_the_run(
    browser: Any, portal: Any, tmp_path: Path, newcomer: Account, warnings: list[str]
) -> None:
    """The e-mail code request itself gets the 429 (not a page): the XHR waits, is sent again,
    and the rest of the session keeps a slower pace."""
    portal.config.update({"fail_once": "429 POST send_code", "captcha": False})

    result = run_account(browser, portal, newcomer, tmp_path)

    assert result.error is None, result.error
    assert statuses(result.record) == {"song-jiahui": "ready"}
    assert portal.config.fail_once is None  # the XHR did get its 429
    assert any("request with HTTP 429" in line for line in warnings), warnings
    assert result.runner.pacer.pause >= 1.0
    state = mock_account(portal, newcomer.entry.username)
    assert {k: v for k, v in compare_account(newcomer.group, state).items() if v} == {}
