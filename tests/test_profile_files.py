"""YAML group files: line numbers, all errors at once, secrets refused, dump/load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profile_helpers import DELEGATION, SINGLE, TODAY, example_data, set_path

from flows.errors import ProfileInvalid, UstdError
from assistant.models import Group
from assistant.problems import render_problems
from assistant.profile_files import dump_group, load_group, parse_group_text, validate_data, validate_file

TEXT = DELEGATION.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_examples_load() -> None:
    group = load_group(DELEGATION, today=TODAY)
    assert group.primary.id == "he-mingyuan" and len(group.dependents) == 3
    single = load_group(SINGLE, today=TODAY)
    assert single.dependents == [] and single.primary.account.exists is True


def test_error_names_file_line_field_message_and_fix(tmp_path: Path) -> None:
    bad = TEXT.replace("number: EA0000003", "number: ea0000003")
    path = tmp_path / "group.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ProfileInvalid) as info:
        load_group(path, today=TODAY)
    assert info.value.exit_code == 1
    (p,) = [p for p in info.value.problems if p.is_error]
    assert p.file == str(path)
    assert p.line == _line_of(bad, "ea0000003")
    assert p.field == "dependents[1].passport.number"
    assert "capitals" in p.message and "EA0000003" in p.fix
    assert f"{path}:{p.line}: error: dependents[1].passport.number" in str(info.value)


def test_all_errors_of_a_file_are_reported_at_once() -> None:
    bad = (TEXT.replace("gender: Female", "gender: F", 1)
           .replace("ds160_number: AA00EXM003", "ds160_number: AA00EXM001")
           .replace("expiry_date: 2034-03-17", "expiry_date: 2028-01-01", 1)
           .replace("mobile_phone: 13800000004", "mobile_phone: +8613800000004"))
    _, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    errs = {p.field: p.line for p in problems if p.is_error}
    assert errs == {
        "dependents[0].gender": _line_of(bad, "gender: F"),
        "dependents[1].ds160_number": max(i for i, line in enumerate(bad.splitlines(), 1) if "AA00EXM001" in line),
        "primary.passport.expiry_date": _line_of(bad, "expiry_date: 2028-01-01"),
        "dependents[2].mobile_phone": _line_of(bad, "+8613800000004"),
    }


def test_missing_field_points_at_its_parent_mapping() -> None:
    bad = TEXT.replace("    place_of_issue: BEIJING\n", "", 1)
    _, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    (p,) = [p for p in problems if p.is_error]
    assert p.field == "primary.passport.place_of_issue" and p.message == "is required"
    assert p.line == _line_of(bad, "  passport:")


def test_yaml_syntax_error_has_a_line() -> None:
    bad = TEXT.replace("  surname: HE ", "  surname: [HE ", 1)
    group, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    assert group is None and problems[0].line is not None and "not valid YAML" in problems[0].message


def test_duplicate_keys_are_errors() -> None:
    bad = TEXT.replace("  gender: Male\n", "  gender: Male\n  gender: Female\n", 1)
    _, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    p = next(p for p in problems if "twice" in p.message)
    assert p.field == "primary.gender" and p.line == _line_of(bad, "gender: Female")


def test_not_a_mapping_and_empty_file() -> None:
    for text in ("", "- a\n- b\n", "just text"):
        group, problems = parse_group_text(text, "x.yaml", today=TODAY)
        assert group is None and problems and problems[0].is_error


@pytest.mark.parametrize("key", ["password", "portal_password", "security_answer_1", "answers", "kba1"])
def test_profile_file_with_a_secret_is_refused_without_echoing_it(key: str) -> None:
    bad = TEXT.replace("    exists: false", f"    exists: false\n    {key}: Hunter2-Secret!", 1)
    _, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    (p,) = [p for p in problems if p.is_error]
    assert p.field == f"primary.account.{key}" and p.line == _line_of(bad, key + ":")
    assert "ustd secrets set he-mingyuan" in p.fix and "keyring set ustd-assistant" in p.fix
    assert "Hunter2" not in render_problems(problems)


def test_plain_scalars_stay_text() -> None:
    """No YAML 1.1 surprises: 010010 is not octal, no is not False, 2028-05-10 is read by us."""
    bad = TEXT.replace('postal_code: "100020"', "postal_code: 010010", 1)
    group, problems = parse_group_text(bad, "d.yaml", today=TODAY)
    assert group is not None and group.primary.mailing.postal_code == "010010"


def test_dump_and_load_round_trip() -> None:
    group = load_group(DELEGATION, today=TODAY)
    text = dump_group(group)
    again, problems = parse_group_text(text, "dumped.yaml", today=TODAY)
    assert again == group and not [p for p in problems if p.is_error]
    assert text.startswith("# yaml-language-server: $schema=")


def test_unreadable_files(tmp_path: Path) -> None:
    _, problems = validate_file(tmp_path / "nope.yaml")
    assert problems[0].message == "file not found"
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    _, problems = validate_file(tmp_path / "latin1.yaml")
    assert "UTF-8" in problems[0].fix
    assert issubclass(ProfileInvalid, UstdError)


# --- random garbage in any field gives a clean error, never a crash -----------------------

def _leaf_paths(node: object, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaf_paths(v, f"{prefix}{k}.")] + ([prefix[:-1]] if prefix else [])
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaf_paths(v, f"{prefix}{i}.")] + [prefix[:-1]]
    return [prefix[:-1]]


LEAVES = sorted(set(_leaf_paths(example_data())))
garbage = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
              st.dates(), st.datetimes(), st.binary(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(LEAVES), value=garbage)
def test_garbage_in_any_field_never_crashes(path: str, value: object) -> None:
    data = set_path(example_data(), path, value)
    group, problems = validate_data(data, today=TODAY)
    assert all(p.message for p in problems)
    if group is None:
        assert any(p.is_error for p in problems)
    render_problems(problems)  # rendering never fails either


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_garbage_yaml_text_never_crashes(text: str) -> None:
    group, problems = parse_group_text(text, "g.yaml", today=TODAY)
    assert group is None or isinstance(group, Group)
    assert group is not None or problems


def test_readme_annotated_example_is_valid() -> None:
    readme = (DELEGATION.parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Annotated example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    primary_only = block.split("dependents:", 1)[0]
    group, problems = parse_group_text(primary_only, "README.md", today=TODAY)
    assert group is not None, render_problems(problems)
    assert not [p for p in problems if p.is_error]
    assert group.primary.contact_email == "office@example.com"
