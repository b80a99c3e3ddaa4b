"""The portal's choice lists as data (flows/choices.yaml): loaded and checked, the portal's own
words mapped back to one canonical value, and the data decisions of issue 9 kept."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from flows import choices
from flows.choices import (
    LISTS,
    ChoicesDataError,
    canonical,
    category_of,
    choice_list,
    classes_of,
    required_fields,
    shown,
    waiver_offered,
)
from flows.safe_yaml import TextLoader


def _raw() -> dict[str, Any]:
    _, data = TextLoader.read(choices.DATA_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_list_loads_and_an_unknown_one_names_the_known() -> None:
    for name in LISTS:
        assert choice_list(name), name
    with pytest.raises(KeyError, match="known lists: countries, categories"):
        choice_list("visa_classes")


@pytest.mark.parametrize(("name", "text", "value"), [
    ("languages", "中文(中国)", "zh-CN"),
    ("languages", "中文（中国）", "zh-CN"),           # full-width brackets, as typed with a Chinese IME
    ("languages", "english", "en-US"),
    ("languages", "zh-CN", "zh-CN"),
    ("countries", "Hong Kong SAR", "Hong Kong"),
    ("countries", "  hong   KONG sar ", "Hong Kong"),
    ("countries", "Macao", "Macau"),
    ("countries", "Korea, Republic of", "Korea, South"),
    ("countries", "中国", "China"),
    ("countries", "china", "China"),
    ("categories", "学生和交流访问者", "Students and Exchange Visitors"),
    ("categories", "petition-based temporary workers", "Petition-Based Temporary Workers"),
    ("classes", "b1/b2", "B1/B2"),
    ("classes", "h-1b", "H-1B"),
    ("posts", "北京", "Beijing"),
    ("posts", "shanghai ofc", "Shanghai OFC"),
    ("priorities", "紧急", "Emergency"),
    ("relations", "配偶", "Spouse"),
    ("relations", "子女", "Child"),
    ("genders", "女", "Female"),
    ("delivery_options", "免费自取", "Pick Up"),
    ("delivery_options", "付费网点取件", "Premium Location"),
    ("delivery_options", "付费送件上门", "Premium Delivery"),
    ("pickup_locations", "上海-上海市南京西路1168号中信泰富广场GF", "Shanghai"),
    ("pickup_locations", "Wuhan - No. 2 Nanjing Road, Jiang'an District, Wuhan, Hubei", "Wuhan"),
    ("premium_locations", "成都", "Chengdu"),
    ("security_questions", "What is your mother\u2019s maiden name?", "What is your mother's maiden name?"),
    ("security_questions", "您的第一只宠物叫什么名字？", "What was the name of your first pet?"),
])  # fmt: skip
def test_canonical_reads_the_portals_own_words(name: str, text: str, value: str) -> None:
    assert canonical(name, text) == value


@pytest.mark.parametrize(("name", "text"), [
    ("languages", "Chinese"),
    ("countries", "PRC"),
    ("classes", "B-1"),           # not a class the portal lists (B1 is)
    ("posts", "Chengdu"),
    ("pickup_locations", "Chengdu"),  # a Premium Location branch, not a free pickup location
    ("relations", ""),
])  # fmt: skip
def test_canonical_refuses_what_no_list_says(name: str, text: str) -> None:
    assert canonical(name, text) is None


def test_shown_gives_the_portals_text_per_locale() -> None:
    assert shown("delivery_options", "Pick Up", "zh-CN") == "免费自取"
    assert shown("delivery_options", "Pick Up", "en-US") == "Pick Up"
    assert shown("languages", "zh-CN", "en-US") == shown("languages", "zh-CN", "zh-CN") == "中文(中国)"
    # Lookups keep their record name in both locales, as the real portal does.
    assert shown("posts", "Beijing OFC", "zh-CN") == "Beijing OFC"
    assert shown("pickup_locations", "Beijing", "zh-CN") == "北京-北京朝阳门外大街8号富华大厦E座1层"
    with pytest.raises(ValueError, match="locale"):
        shown("genders", "Male", "fr-FR")
    with pytest.raises(KeyError, match="genders"):
        shown("genders", "male", "en-US")  # values are canonical; canonical() reads wordings


STUDENT_CLASSES = ("F-1", "F-2", "J-1", "J-2", "M-1", "M-2")
PETITION_PRINCIPALS = ("H-1B", "H-2A", "H-2B", "H-3", "L-1", "O-1", "O-2", "P-1", "P-2", "P-3", "Q-1", "R-1")
PETITION_DEPENDENTS = ("H-4", "L-2", "O-3", "R-2")


def test_required_fields_are_the_agreed_data() -> None:
    for c in STUDENT_CLASSES:
        assert required_fields(c) == ("sevis_id",), c
    for c in PETITION_PRINCIPALS:
        assert required_fields(c) == ("petition_receipt_number", "petitioner_name"), c
    for c in PETITION_DEPENDENTS:
        assert required_fields(c) == (), c
    for cat in ("All Others", "Diplomats and Government Officials"):
        assert all(required_fields(c) == () for c in classes_of(cat)), cat
    assert required_fields("B1/B2") == () and required_fields("not a class") == ()
    assert set(classes_of("Students and Exchange Visitors")) == set(STUDENT_CLASSES)
    assert set(classes_of("Petition-Based Temporary Workers")) == set(PETITION_PRINCIPALS + PETITION_DEPENDENTS)


def test_waivers_and_categories() -> None:
    assert waiver_offered("Students and Exchange Visitors")
    assert waiver_offered("Petition-Based Temporary Workers")
    assert not waiver_offered("All Others")
    assert not waiver_offered("Diplomats and Government Officials")
    assert not waiver_offered("No such category")
    every = [c.value for c in choice_list("classes")]
    assert len(every) == len(set(every))
    for cat in (c.value for c in choice_list("categories")):
        assert all(category_of(c) == cat for c in classes_of(cat))
    assert category_of("B1/B2") == "All Others" and category_of("nope") is None


def test_premium_locations_are_other_branches_in_the_portals_style() -> None:
    premium = choice_list("premium_locations")
    pickup = {c.value for c in choice_list("pickup_locations")}
    assert len(premium) >= 12
    for c in premium:
        assert c.value not in pickup
        assert c.en.startswith(f"{c.value} - CITIC Bank "), c.en
        assert "-" in c.zh and "中信银行" in c.zh and c.zh.split("-")[0] in c.aliases, c.zh


# --- the data file's own checks ---------------------------------------------------------------


def _breaks(edit: Any) -> str:
    data = copy.deepcopy(_raw())
    edit(data)
    with pytest.raises(ChoicesDataError) as info:
        choices._build(data)
    return str(info.value)


def test_a_wording_that_would_mean_two_values_is_refused() -> None:
    def clash(d: dict[str, Any]) -> None:
        d["relations"][3]["aliases"].append("配偶")
    assert "would mean both" in _breaks(clash)


def test_a_required_field_the_model_does_not_know_is_refused() -> None:
    def unknown(d: dict[str, Any]) -> None:
        d["categories"][2]["classes"][0]["requires"] = ["sevis_number"]
    assert "requires" in _breaks(unknown)


def test_a_premium_branch_that_is_a_free_location_is_refused() -> None:
    def overlap(d: dict[str, Any]) -> None:
        d["premium_locations"].append({"value": "Beijing", "en": "Beijing - CITIC Bank x", "zh": "北京-x"})
    assert "free pickup" in _breaks(overlap)


def test_a_waiver_flag_must_be_yes_or_no() -> None:
    def vague(d: dict[str, Any]) -> None:
        d["categories"][0]["waiver_offered"] = "maybe"
    assert "yes or no" in _breaks(vague)


# --- the page engine's map agrees with the lists ------------------------------------------------

_MAP_LISTS = {
    "delivery.option": "delivery_options", "delivery.pickup_location": "pickup_locations",
    "gender": "genders", "relation": "relations", "visa.priority": "priorities",
    "preferred_language": "languages", "account.security_questions": "security_questions",
}  # fmt: skip


def test_every_option_text_of_the_portal_map_reads_as_its_value() -> None:
    """A field of the map fed by a list names it (``choices:``, nothing copied); options still
    written in the map (the security questions' Chinese wordings) read as the list's values."""
    from pathlib import Path

    _, portal_map = TextLoader.read((Path(choices.__file__).parent / "portal_map.yaml").read_text(encoding="utf-8"))
    named, checked = set(), 0
    for page in portal_map["pages"].values():
        for spec in (page.get("fields") or {}).values():
            name = _MAP_LISTS.get(spec.get("profile", ""))
            if name is None:
                continue
            if spec.get("choices"):
                assert spec["choices"] == name, spec
                named.add(name)
            for key, option in (spec.get("options") or {}).items():
                value = canonical(name, key)
                assert value is not None, (name, key)
                for text in [*option.get("texts", []), *option.get("synonyms", [])]:
                    assert canonical(name, text) == value, (name, key, text)
                    checked += 1
    assert named == set(_MAP_LISTS.values()) - {"security_questions"}
    assert checked >= 8  # the eight security questions in Chinese
