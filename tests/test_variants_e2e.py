"""The example group against every markup variant of the mock portal, and random mixes of them.

Each run must reach payment with every value exact (the mock's stored state compared with the
profile field by field, and the run's own coverage saying every value was entered and read
back) — or, where a variant offers no way to enter a value, end with exit 3 naming exactly
that value and nothing else. The seed of a random mix is in the test id, so a failure can be
run again as it was.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from run_helpers import EXAMPLES, Account, assert_clean, example_variant, mock_account, run_account, statuses

from fixtures.variants import DEFAULT_VARIANTS, VARIANT_GROUPS, random_combination

OWN_DELIVERY_DEPENDENT = "he-zhenbang"  # picks up his own passport: the group's delivery is not his
# The waiver questions are not asked of the example delegation's category (All Others): their
# variants run with the student family and the petition worker (tests/test_categories_e2e.py).
NOT_FOR_THE_EXAMPLE = {"waiver"}
NON_DEFAULT = [name for group, names in VARIANT_GROUPS.items() if group not in NOT_FOR_THE_EXAMPLE
               for name in names[1:]]
# Every non-default variant runs, two at a time (from different groups, so they combine): half
# the browser runs of one variant a run, and the random mixes below combine them further.
# (The own-delivery dependent must have a delivery page for the synonym test to match it.)
VARIANT_PAIRS = [
    ("class-checkbox", "buttons-element"),
    ("class-select", "dates-input"),
    ("questions-labelled", "order-shuffled"),
    ("wording-synonyms", "dependent-merged"),
    ("no-dependent-delivery", "error-200"),
]
RANDOM_SEEDS = [random.Random(2026_11_22).randrange(10_000) for _ in range(3)]
LOCALE_OF = {"wording-synonyms": "en-US"}  # zh-CN synonyms are in the random mixes


def _existing_account(data: dict[str, Any]) -> None:
    data["primary"]["account"]["exists"] = True


def _picks_up_in_shanghai(data: dict[str, Any]) -> None:
    """The own-delivery dependent collects in Shanghai: the location a variant words so that only
    a close match finds it."""
    own = next(d for d in data["dependents"] if d["id"] == OWN_DELIVERY_DEPENDENT)
    own["delivery"]["pickup_location"] = "Shanghai"


def _run(
    browser: Any, portal: Any, tmp_path: Path, variants: tuple[str, ...], locale: str, *, signs_in: bool
) -> tuple[Account, Any]:
    """The example delegation, signing up, or (``signs_in``) signing in to an existing account
    with the captcha and the security questions."""
    portal.config.update({"variants": list(variants)})
    if "error-200" in variants:
        portal.config.update({"fail_once": "POST applicant_details"})  # a server error page served as 200
    if signs_in:
        account = Account.from_file(example_variant(tmp_path, "delegation", _existing_account))
        account.pre_register(portal)
    elif "wording-synonyms" in variants:
        account = Account.from_file(example_variant(tmp_path, "delegation", _picks_up_in_shanghai))
    else:
        account = Account.from_file(EXAMPLES / "delegation.yaml")
    return account, run_account(browser, portal, account, tmp_path, locale=locale)


def _check(portal: Any, account: Any, result: Any, variants: tuple[str, ...]) -> None:
    """Exact data at payment, or exit 3 naming exactly the values the variant gave no way to enter."""
    assert result.error is None, result.error
    assert result.record.gate == "payment"
    state = mock_account(portal, account.entry.username)
    no_own_page = "no-dependent-delivery" in variants and OWN_DELIVERY_DEPENDENT in result.record.applicants
    expected_incomplete = {OWN_DELIVERY_DEPENDENT} if no_own_page else set()
    assert {k for k, v in statuses(result.record).items() if v != "ready"} == expected_incomplete
    assert result.run.exit_code() == (3 if expected_incomplete else 0)
    assert_clean(account.group, state, skip=expected_incomplete)
    for applicant in result.record.applicants.values():
        missing = {v.key for v in applicant.missing()}
        if applicant.applicant_id in expected_incomplete:
            assert applicant.status == "incomplete"
            assert missing == {"delivery_option", "pickup_location"}
            assert all("offered no document delivery page" in v.detail for v in applicant.missing())
            assert "own document delivery" in (applicant.error or "")
        else:
            assert missing == set(), applicant.missing()
            assert all(v.status in ("entered", "already") for v in applicant.values.values())
    if "error-200" in variants:
        assert state["flags"]["server_errors_served"] == 1


def test_the_pairs_run_every_non_default_variant_once_and_combine() -> None:
    paired = [name for pair in VARIANT_PAIRS for name in pair]
    assert sorted(paired) == sorted(NON_DEFAULT)
    group_of = {name: group for group, names in VARIANT_GROUPS.items() for name in names}
    assert all(group_of[a] != group_of[b] for a, b in VARIANT_PAIRS)


@pytest.mark.parametrize("variants", VARIANT_PAIRS, ids=["+".join(pair) for pair in VARIANT_PAIRS])
def test_example_group_on_each_variant(browser: Any, portal: Any, tmp_path: Path, variants: tuple[str, str]) -> None:
    locale = next((LOCALE_OF[v] for v in variants if v in LOCALE_OF), "zh-CN")
    account, result = _run(browser, portal, tmp_path, variants, locale,
                           signs_in=any(v.startswith("questions-") for v in variants))
    _check(portal, account, result, variants)
    drift = result.record.drift
    if "wording-synonyms" in variants:
        assert {d.option_match for d in drift} >= {"synonym", "close"}, [d.text() for d in drift]
        pickup = result.record.applicants[OWN_DELIVERY_DEPENDENT].values["pickup_location"]
        assert pickup.status == "entered" and pickup.option_match == "close"
    if "dependent-merged" in variants:
        for dependent in ("tang-xiaowen", "he-yutong", OWN_DELIVERY_DEPENDENT):
            values = result.record.applicants[dependent].values
            assert values["visa_class"].page == values["ds160"].page == "dependent_applicant"
    if "class-select" in variants:
        class_value = result.record.applicants["he-mingyuan"].values["visa_class"]
        assert class_value.status == "entered" and class_value.found_by == "id"


@pytest.mark.parametrize("seed", RANDOM_SEEDS, ids=[f"seed={s}" for s in RANDOM_SEEDS])
def test_example_group_on_random_variant_mixes(browser: Any, portal: Any, tmp_path: Path, seed: int) -> None:
    variants = random_combination(seed)
    locale = random.Random(seed).choice(["zh-CN", "en-US"])
    account, result = _run(browser, portal, tmp_path, variants, locale, signs_in=seed % 2 == 1)
    _check(portal, account, result, variants)


def test_default_variants_are_the_new_evidence() -> None:
    assert DEFAULT_VARIANTS[:2] == ("class-radio", "questions-unlabelled")


def test_dry_run_refuses_an_unknown_variant_before_any_browser(
    no_browser: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from assistant.cli import main

    with pytest.raises(SystemExit) as done:
        main(["dry-run", str(EXAMPLES / "single.yaml"), "--variant", "class-radios", "--report", str(tmp_path / "r")])
    said = capsys.readouterr()
    assert done.value.code == 2
    assert "class-radio" in said.out + said.err and "class-select" in said.out + said.err
    assert no_browser == []
