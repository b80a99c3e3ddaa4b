"""Group profile files (YAML): load with line numbers, validate everything, dump.

Lines come from the YAML node marks, so every problem points at the line to edit. The loader
keeps every plain scalar as text (no YAML 1.1 guessing: ``010020`` stays a postal code, not an
octal number; ``no`` stays a string until the model reads it as a boolean).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import ValidationError

from flows.safe_yaml import TextLoader, YamlRefused
from assistant.limits import GROUP_FILE_BYTES, MAX_YAML_DEPTH, read_bounded, size_of, too_big
from assistant.models import Dependent, Group, Primary, parse_iso_date, validation_problems
from assistant.problems import Path, Problem, errors, profile_invalid
from assistant.choices import canonical
from assistant.rules import check_applicant, check_group, check_members

SCHEMA_HINT = "# yaml-language-server: $schema=group.schema.json\n"
SECRET_KEY = re.compile(
    r"(^|[_\-\s])(password|passwd|passcode|pwd|pass|answers?|kba\d*|secrets?|token)($|[_\-\s\d])|密码|答案",
    re.IGNORECASE,
)
"""Keys that name a secret (``password``, ``security_answer_1``, ``kba2``...) but not ``passport``."""


def secret_fix(profile_id: str | None) -> str:
    """How to move a secret out of a file and into the keyring."""
    pid = profile_id or "<primary id>"
    return (
        f"delete it from the file and store it in the keyring: `ustd secrets set {pid}` "
        f"(or `keyring set ustd-assistant {pid}/portal-password`, "
        f"`{pid}/security-answer-1`, -2, -3)"
    )


ANCHOR_FIX = "write the value out in full; profiles do not use YAML anchors (&) or aliases (*)"


class _TextLoader(TextLoader):
    """Profiles: every plain scalar stays a string; no anchors; no deeper nesting than a profile needs."""

    anchor_fix = ANCHOR_FIX
    max_depth = MAX_YAML_DEPTH
    depth_fix = "a group file needs at most 6 levels; check the indentation and brackets"


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in seen:
                problems.append(Problem(
                    message="appears twice in the same mapping (the later one would silently win)",
                    fix="keep one of them", path=path + (key,), line=key_node.start_mark.line + 1,
                ))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, problems)


def _line_for(path: Path, lines: dict[Path, int]) -> int | None:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _strip_secrets(data: Any, path: Path, found: list[Path]) -> Any:
    """Remove keys that look like secrets (recording where), so the rest can still be checked."""
    if isinstance(data, dict):
        kept = {}
        for k, v in data.items():
            if isinstance(k, str) and SECRET_KEY.search(k):
                found.append(path + (k,))
            else:
                kept[k] = _strip_secrets(v, path + (k,), found)
        return kept
    if isinstance(data, list):
        return [_strip_secrets(v, path + (i,), found) for i, v in enumerate(data)]
    return data


def partial_checks(data: dict[str, Any], today: date) -> list[Problem]:
    """When the group does not parse, still run the rules on each applicant that does."""
    out: list[Problem] = []
    try:
        travel_date: date | None = parse_iso_date(data.get("travel_date"))
    except ValueError:  # PydanticCustomError is a ValueError
        travel_date = None
    candidates: list[tuple[Path, type, Any]] = [(("primary",), Primary, data.get("primary"))]
    deps = data.get("dependents")
    if isinstance(deps, list):
        candidates += [(("dependents", i), Dependent, d) for i, d in enumerate(deps)]
    members = []
    for prefix, model, raw in candidates:
        try:
            applicant = model.model_validate(raw)
        except ValidationError:
            continue
        members.append((prefix, applicant))
        out.extend(check_applicant(applicant, prefix, travel_date=travel_date, today=today))
    raw_post = data.get("post")
    post = canonical("posts", raw_post) if isinstance(raw_post, str) else None  # the portal's words too
    out.extend(check_members(members, post=post))
    return out


def parse_group_text(text: str, file: str = "<input>", *, today: date | None = None) -> tuple[Group | None, list[Problem]]:
    """Parse and check one group file's text; return the group (if it parses) and all problems."""
    today = today or date.today()
    problems: list[Problem] = []
    try:
        node, data = _TextLoader.read(text)
    except YamlRefused as exc:
        return None, [Problem(message=exc.message, fix=exc.fix, file=file, line=exc.mark.line + 1)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(message=f"is not valid YAML: {reason}",
                              fix="check the indentation and quoting around this line",
                              file=file, line=mark.line + 1 if mark else None)]
    if not isinstance(data, dict):
        return validate_data(data, file=file, today=today)
    lines: dict[Path, int] = {}
    _walk(node, (), lines, problems)
    group, more = validate_data(data, file=file, today=today, lines=lines)
    return group, [p.located(file=file) for p in problems] + more


def validate_data(
    data: Any, *, file: str = "<input>", today: date | None = None, lines: dict[Path, int] | None = None
) -> tuple[Group | None, list[Problem]]:
    """Check already-parsed data (a mapping as in a group file); never raises for bad input."""
    today = today or date.today()
    lines = lines or {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem(message="must be a mapping with name, post, travel_date, primary, dependents",
                              fix="start from profiles/examples/delegation.yaml", file=file, line=1)]
    found: list[Path] = []
    data = _strip_secrets(data, (), found)
    primary = data.get("primary")
    pid = primary.get("id") if isinstance(primary, dict) and isinstance(primary.get("id"), str) else None
    for path in found:
        problems.append(Problem(
            message="looks like a password or security answer: secrets must never be stored in a profile file",
            fix=secret_fix(pid), path=path,
        ))

    group: Group | None = None
    try:
        group = Group.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc))
        problems.extend(partial_checks(data, today))
    if group is not None:
        problems.extend(check_group(group, today))

    located = [p if p.line is not None else p.located(line=_line_for(p.path, lines)) for p in problems]
    return group, [p.located(file=file) for p in located]


def validate_file(path: str | FsPath, *, today: date | None = None) -> tuple[Group | None, list[Problem]]:
    """Read and check a group file; problems include warnings and notes."""
    path = FsPath(path)
    try:
        data = read_bounded(path, GROUP_FILE_BYTES)  # never the whole of a huge file or a device
        if data is None:
            return None, [too_big(str(path), size_of(path), GROUP_FILE_BYTES, "group file may have")]
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        return None, [Problem(message="file not found", fix="check the path", file=str(path))]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(message=f"cannot be read: {exc.__class__.__name__}",
                              fix="save it as UTF-8 text", file=str(path))]
    return parse_group_text(text, str(path), today=today)


def load_group(path: str | FsPath, *, today: date | None = None) -> Group:
    """The group of a file, or :class:`ProfileInvalid` listing every error (warnings included)."""
    group, problems = validate_file(path, today=today)
    if errors(problems) or group is None:
        raise profile_invalid(problems)
    return group


def dump_group(group: Group) -> str:
    """YAML text of a group, readable and loadable by :func:`parse_group_text`. No secrets exist
    in the model, so none can be written."""
    data = group.model_dump(mode="json", exclude_none=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return SCHEMA_HINT + body


def write_group(group: Group, path: str | FsPath) -> None:
    path = FsPath(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_group(group), encoding="utf-8")


def iter_profile_paths(paths: list[FsPath]) -> Iterator[FsPath]:
    """Files as given; directories expand to their *.yaml / *.yml files."""
    for p in paths:
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml"))
        else:
            yield p
