"""Shared helpers for the profile-layer tests (the lead owns conftest.py)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.problems import Problem
from assistant.profile_files import _TextLoader, validate_data

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "profiles" / "examples"
DELEGATION = EXAMPLES / "delegation.yaml"
SINGLE = EXAMPLES / "single.yaml"
TODAY = date(2026, 11, 22)

_cache: dict[str, Any] = {}


def example_data(name: str = "delegation") -> dict[str, Any]:
    """A fresh, mutable copy of an example's raw data (as the YAML loader produces it)."""
    if name not in _cache:
        _cache[name] = yaml.load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"), Loader=_TextLoader)
    return copy.deepcopy(_cache[name])


def problems_of(data: Any, today: date = TODAY) -> list[Problem]:
    return validate_data(data, today=today)[1]


def only(problems: list[Problem], severity: str = "error") -> list[Problem]:
    return [p for p in problems if p.severity == severity]


def fields(problems: list[Problem], severity: str = "error") -> list[str]:
    return [p.field for p in only(problems, severity)]


def set_path(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """set_path(d, 'dependents.0.passport.number', 'X') mutates and returns d."""
    parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    return data


_DELETE = object()
DELETE = _DELETE
