"""``ustd mock-portal``: a person starts it, reads the URL, and clicks through in a browser."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request

import pytest


def _start(*options: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "mock-portal", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/[a-z]{2}-[A-Z]{2}/", first_line)
    if match is None:
        process.kill()
        pytest.fail(f"no URL in the first line: {first_line!r}")
    return process, match.group(0)


def test_serves_on_loopback_with_the_chosen_locale_and_knobs() -> None:
    process, url = _start("--locale", "en-US", "--no-captcha", "--latency-ms", "1", "--variant", "class-select,dates-input")
    try:
        assert url.endswith("/en-US/")
        assert process.stdout is not None
        banner = process.stdout.readline()  # the markup variants in use, every group named
        assert banner.startswith("Variants: class-select, questions-unlabelled,") and "dates-input" in banner
        with urllib.request.urlopen(url, timeout=10) as response:  # redirected to the B2C sign-in
            page = response.read().decode()
            assert "/b2c/en-US/signin" in response.url
        assert 'id="signInName"' in page and "Sign up now" in page
        assert "captchaImage" not in page  # --no-captcha took effect
        base = url.rsplit("/en-US/", 1)[0]
        with urllib.request.urlopen(f"{base}/__mock__/config", timeout=10) as response:
            config = json.loads(response.read())
            assert config["latency_ms"] == 1 and config["variants"] == ["class-select", "dates-input"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_rejects_an_unknown_locale_before_serving() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "mock-portal", "--locale", "fr-FR"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "zh-CN or en-US" in result.stdout + result.stderr

