"""Issue 8, point 8: ``--portal-url`` as staff paste it, with or without a locale or a page in
its path: the origin is kept, and the locale in the path is used unless ``--locale`` is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from prefill_helpers import write_profile
from profile_helpers import ROOT

from assistant.portal_address import pasted_portal


@pytest.mark.parametrize(
    ("pasted", "origin", "locale"),
    [
        ("https://www.usvisascheduling.com", "https://www.usvisascheduling.com", None),
        ("https://www.usvisascheduling.com/", "https://www.usvisascheduling.com", None),
        ("https://www.usvisascheduling.com/zh-CN/", "https://www.usvisascheduling.com", "zh-CN"),
        ("https://www.usvisascheduling.com/en-US/applicant_details/?x=1#top", "https://www.usvisascheduling.com",
         "en-US"),
        (" https://www.usvisascheduling.com/en-us ", "https://www.usvisascheduling.com", "en-US"),
        ("http://127.0.0.1:8765/zh-CN/manage_dependents/", "http://127.0.0.1:8765", "zh-CN"),
        ("https://host.example/ja-JP/", "https://host.example", "ja-JP"),  # named as written: the CLI refuses it
        ("https://host.example/b2c/signin", "https://host.example", None),
        ("www.usvisascheduling.com/zh-CN/", "www.usvisascheduling.com/zh-CN/", None),  # left for the address check
        ("ftp://127.0.0.1/zh-CN/", "ftp://127.0.0.1/zh-CN/", None),
    ],
)
def test_a_pasted_address_gives_the_origin_and_the_locale_of_its_path(pasted: str, origin: str,
                                                                       locale: str | None) -> None:
    assert pasted_portal(pasted) == (origin, locale)


def _dry_run(args: list[str], state: Path) -> subprocess.CompletedProcess[str]:
    """A dry run photographing only its stop: the address is what is tested, not the pictures."""
    env = {**os.environ, "USTD_STATE_DIR": str(state)}
    return subprocess.run([sys.executable, "-m", "assistant", "dry-run", *args, "--screenshots", "failures"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)


def test_a_dry_run_against_a_pasted_page_address_uses_its_origin_and_locale(portal: Any, tmp_path: Path) -> None:
    profile = write_profile(tmp_path, "single", exists=False)
    report = tmp_path / "report"
    pasted = f"{portal.url}/en-US/applicant_details/"

    done = _dry_run([str(profile), "--portal-url", pasted, "--report", str(report), "--quiet"], tmp_path / "state")

    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert record["locale"] == "en-US"
    assert record["portal_url"] == portal.url.rstrip("/")
    visited = [page["page"] for account in record["accounts"].values()
               for applicant in account["applicants"].values() for page in applicant["pages"]]
    assert "payment" in visited


def test_locale_option_wins_and_an_unoffered_locale_in_the_path_is_refused(portal: Any, tmp_path: Path) -> None:
    profile = write_profile(tmp_path, "single", exists=False)
    refused = _dry_run([str(profile), "--portal-url", f"{portal.url}/ja-JP/", "--quiet",
                        "--report", str(tmp_path / "no")], tmp_path / "state")
    assert refused.returncode == 2
    assert "ja-JP" in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
    assert not (tmp_path / "no").exists()

    report = tmp_path / "report"
    done = _dry_run([str(profile), "--portal-url", f"{portal.url}/en-US/", "--locale", "zh-CN", "--quiet",
                     "--report", str(report)], tmp_path / "state")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((report / "run.json").read_text(encoding="utf-8"))["locale"] == "zh-CN"
