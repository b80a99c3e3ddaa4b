"""A staff portal map changes what a run does, without a release.

Page level: a field the shipped map cannot find on a changed page is found once the staff's
file names its new id or label, and the outcome says so ("(map override)"). Run level: the
``--portal-map`` of a dry run reaches the runner and its effect is in run.json; a broken file
stops the run before any browser opens, naming the file and the line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from run_helpers import EXAMPLES, ROOT

from assistant.cli import main
from flows._fill import fill_fields
from flows._portal_map import CONFIG_DIR_ENV, load_portal_map

CHANGED_PAGE = """
<form><div><label for="pp_no">Passport No.</label><input id="pp_no" name="pp_no"></div></form>
"""


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))


def _override(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "my-map.yaml"
    path.write_text("version: 1\npages:\n" + body, encoding="utf-8")
    return path


def _passport(portal_map: Any) -> Any:
    return (portal_map.page("applicant_details").field("passport_number"),)


@pytest.mark.parametrize(
    ("body", "found_by"),
    [
        ("  applicant_details:\n    fields:\n      passport_number:\n        id: pp_no\n", "id (map override)"),
        ("  applicant_details:\n    fields:\n      passport_number:\n        labels: [Passport No.]\n",
         "label (map override)"),
    ],
)
def test_a_field_the_shipped_map_misses_is_found_through_the_staff_map(
    page: Any, tmp_path: Path, body: str, found_by: str
) -> None:
    page.set_content(CHANGED_PAGE)
    shipped = fill_fields(page, _passport(load_portal_map()), {"passport_number": "EA0000001"})
    assert [(o.status, o.found_by) for o in shipped] == [("not_on_page", None)]

    corrected = fill_fields(page, _passport(load_portal_map(_override(tmp_path, body))), {"passport_number": "EA0000001"})

    assert [(o.status, o.found_by, o.shown) for o in corrected] == [("entered", found_by, "EA0000001")]
    assert page.input_value("#pp_no") == "EA0000001"


def test_a_broken_portal_map_stops_the_run_before_any_browser(
    tmp_path: Path, no_browser: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _override(tmp_path, "  visa_options:\n    fields:\n      visa_class:\n        kind: radios\n")
    with pytest.raises(SystemExit) as done:
        main(["dry-run", str(EXAMPLES / "single.yaml"), "--portal-map", str(broken),
              "--report", str(tmp_path / "report"), "--quiet"])
    said = capsys.readouterr()
    output = said.out + said.err
    assert done.value.code == 2, output
    assert "my-map.yaml:6" in output and "kind" in output and "did you mean radio" in output
    assert "Traceback" not in output
    assert no_browser == []
    assert not (tmp_path / "report" / "run.json").exists()


def test_the_dry_runs_portal_map_reaches_the_runner(tmp_path: Path) -> None:
    """A renamed id in the staff's map: the run finds the field by its label instead, says so
    as drift, and still enters every value."""
    renamed = _override(tmp_path, "  visa_options:\n    fields:\n      priority:\n        id: atlas_priority_v2\n")
    env = {**os.environ, "USTD_STATE_DIR": str(tmp_path / "state"), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "dry-run", str(EXAMPLES / "single.yaml"), "--portal-map", str(renamed),
         "--report", str(tmp_path / "report"), "--quiet", "--screenshots", "failures"],  # the map is tested
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    run = json.loads((tmp_path / "report" / "run.json").read_text(encoding="utf-8"))
    (account,) = run["accounts"].values()
    (applicant,) = account["applicants"].values()
    assert applicant["values"]["priority"]["status"] in ("entered", "already")
    assert applicant["values"]["priority"]["found_by"] == "label"
    assert {"page": "visa_options", "key": "priority", "found_by": "label"}.items() <= account["drift"][0].items()
    assert "Portal drift" in output and "priority found by label" in output
