"""Generate valid group files for N applicants, derived from profiles/examples/delegation.yaml.

Every applicant gets a new id, name, passport number, DS-160 number, national ID (with a
correct GB 11643 check character, encoding the template's birth date and gender) and e-mail;
every primary a new portal username. Everything else (addresses, dates, visa, delivery,
relations) is the example's, so the generated groups exercise the same pages and options.

Sizes: 1 applicant = a primary alone; otherwise groups of up to 4 (primary + 3 dependents:
spouse, child, parent, as in the example), e.g. 4 = one group, 20 = five groups of four.

    from bench.make_groups import make_groups
    paths = make_groups(20, Path("/tmp/bench-20"))   # -> 5 files, each checked with load_group

    python -m bench.make_groups 20 /tmp/bench-20
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.profile_files import _TextLoader, load_group
from assistant.rules import china_id_check_char

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "profiles" / "examples" / "delegation.yaml"
GROUP_SIZE = 4  # the example's primary + 3 dependents

# Fictional names (upper-case Latin, as in a passport).
SURNAMES = ("ZHAO", "QIAN", "SUN", "ZHOU", "WU", "ZHENG", "FENG", "CHEN", "CHU", "WEI",
            "JIANG", "SHEN", "HAN", "YANG", "ZHU", "QIN", "YOU", "XU", "LU", "SHI")
GIVEN = ("ANPING", "BOWEN", "CHUNLEI", "DEMING", "ENHUI", "FANGYU", "GUOQING", "HAILIN", "JIARUI",
         "KAIXIN", "LIHUA", "MINGZE", "NINGBO", "PEIRAN", "QIUYUE", "RUOXI", "SHUYI", "TIANYU",
         "WENJING", "XINYI", "YAQI", "ZIHAN", "YUNFEI", "HAORAN")


def _load_template() -> dict[str, Any]:
    """The example as plain text values (the project's loader: no YAML 1.1 number guessing)."""
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_TextLoader)


def national_id(birth_date: str, gender: str, serial: int, region: str = "110105") -> str:
    """An 18-character resident ID number for ``birth_date`` (ISO) and ``gender`` (odd 17th digit = male)."""
    seq = (serial * 2) % 1000
    if gender == "Male":
        seq = seq + 1 if seq < 999 else 997
    first17 = f"{region}{birth_date.replace('-', '')}{seq:03d}"
    return first17 + china_id_check_char(first17)


def _applicant(person: dict[str, Any], number: int, group: int, role: str) -> dict[str, Any]:
    """A copy of a template person with every identifying field made unique by ``number``."""
    out = copy.deepcopy(person)
    surname = SURNAMES[(group - 1) % len(SURNAMES)] if role != "spouse" else SURNAMES[(group + 9) % len(SURNAMES)]
    given = GIVEN[(number - 1) % len(GIVEN)]
    out["surname"] = surname
    out["given_name"] = given
    out["id"] = f"{surname.lower()}-{given.lower()}-{number:03d}"
    out["email"] = f"{given.lower()}.{surname.lower()}.{number:03d}@example.com"
    out["passport"]["number"] = f"EB{number:07d}"
    out["ds160_number"] = f"AA{number:08d}"
    out["national_id"] = national_id(out["birth_date"], out["gender"], number)
    out.pop("contact_email", None)
    return out


def group_data(group: int, size: int, first_number: int) -> dict[str, Any]:
    """Group ``group`` (1-based) with ``size`` applicants (1..4), numbered from ``first_number``."""
    if not 1 <= size <= GROUP_SIZE:
        raise ValueError(f"a group has 1 to {GROUP_SIZE} applicants")
    template = _load_template()
    data: dict[str, Any] = {
        "name": f"Bench delegation {group:02d}",
        "post": template["post"],
        "travel_date": template["travel_date"],
    }
    primary = _applicant(template["primary"], first_number, group, "primary")
    primary["account"]["exists"] = False  # the run signs up (the mock is fresh every run)
    primary["account"]["username"] = f"bench{group:02d}{primary['surname'].lower()}{first_number:03d}"
    data["primary"] = primary
    roles = ("spouse", "child", "parent")
    dependents = []
    for index, person in enumerate(template["dependents"][: size - 1]):
        dependents.append(_applicant(person, first_number + 1 + index, group, roles[index]))
    if dependents:
        data["dependents"] = dependents
    return data


def sizes_of(applicants: int) -> list[int]:
    """How ``applicants`` split into groups: 1 -> [1], 4 -> [4], 20 -> [4]*5, 6 -> [4, 2]."""
    if applicants < 1:
        raise ValueError("at least one applicant")
    full, rest = divmod(applicants, GROUP_SIZE)
    return [GROUP_SIZE] * full + ([rest] if rest else [])


def make_groups(applicants: int, folder: Path, *, validate: bool = True) -> list[Path]:
    """Write the group files for ``applicants`` into ``folder`` (created); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bench-group-*.yaml"):
        old.unlink()
    paths: list[Path] = []
    number = 1
    for group, size in enumerate(sizes_of(applicants), start=1):
        data = group_data(group, size, number)
        number += size
        path = folder / f"bench-group-{group:02d}.yaml"
        text = "# Generated by bench/make_groups.py: fictional people, numbers and e-mails.\n"
        text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
        path.write_text(text, encoding="utf-8")
        if validate:
            load_group(path)  # raises ProfileInvalid listing every error
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.make_groups N FOLDER", file=sys.stderr)
        return 2
    for path in make_groups(int(argv[0]), Path(argv[1])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
