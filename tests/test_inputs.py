"""What `dry-run` and `prefill` accept: group files, folders, spreadsheets — all checked first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.errors import ProfileInvalid
from assistant.inputs import load_groups
from assistant.profile_files import load_group
from assistant.spreadsheet import write_template

EXAMPLES = Path(__file__).resolve().parent.parent / "profiles" / "examples"


def test_a_folder_gives_every_group_file_in_it(tmp_path: Path) -> None:
    for name in ("delegation.yaml", "single.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    groups, _ = load_groups([tmp_path])
    assert sorted(group.primary.id for _, group in groups) == ["he-mingyuan", "song-jiahui"]


def test_a_spreadsheet_is_imported_on_the_fly_into_the_same_group(tmp_path: Path) -> None:
    example = load_group(EXAMPLES / "delegation.yaml")
    sheet = write_template(tmp_path / "delegation.xlsx", example)
    groups, _ = load_groups([sheet])
    assert [group for _, group in groups] == [example]


def test_a_macro_enabled_workbook_is_read_as_a_spreadsheet_not_as_yaml(tmp_path: Path) -> None:
    example = load_group(EXAMPLES / "delegation.yaml")
    sheet = write_template(tmp_path / "delegation.xlsx", example)
    macro = sheet.rename(tmp_path / "delegation.xlsm")  # Excel's macro-enabled save of the same sheet
    groups, _ = load_groups([macro])
    assert [group for _, group in groups] == [example]


def test_every_error_of_every_input_is_reported_before_anything_starts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (EXAMPLES / "single.yaml").read_text(encoding="utf-8").replace("AA00", "BB00"), encoding="utf-8"
    )
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ProfileInvalid) as caught:
        load_groups([bad, missing])
    text = str(caught.value)
    assert "bad.yaml" in text and "ds160_number" in text and "missing.yaml" in text
    assert caught.value.exit_code == 1


def test_two_groups_on_one_portal_account_are_refused(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "single.yaml", tmp_path / "a.yaml")
    shutil.copy(EXAMPLES / "single.yaml", tmp_path / "b.yaml")
    with pytest.raises(ProfileInvalid) as caught:
        load_groups([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert "one application per account" in str(caught.value)


def test_an_empty_folder_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(ProfileInvalid) as caught:
        load_groups([tmp_path])
    assert "no profile found" in str(caught.value)
