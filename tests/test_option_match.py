"""Option matching when the portal's wording drifts: strict first, loose only when unambiguous."""

from __future__ import annotations

import pytest

from flows._options import (
    OptionMatch,
    date_parts,
    is_placeholder,
    iso_date,
    match_option,
    normalise,
    portal_date,
    same_date,
)
from flows._specs import OptionTexts


def texts(*shown: str, synonyms: tuple[str, ...] = ()) -> OptionTexts:
    return OptionTexts(texts=shown, synonyms=synonyms)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中文（中国）", "中文(中国)"),  # full-width brackets become half-width
        ("ＡＢＣ１２３", "abc123"),
        ("  First   Name *", "first name"),
        ("Date of Birth*", "date of birth"),
        ("B1/B2", "b1/b2"),
        ("付费送件上门", "付费送件上门"),  # Chinese text otherwise unchanged
        ("a\u3000b", "a b"),  # ideographic space
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("text", ["", "  ", "--选择--", "-- Select --", "Select", "请选择", "---", "-- 请选择 --"])
def test_placeholders_are_recognised(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["China", "Selection Officer", "None", "B1/B2"])
def test_real_options_are_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


def test_exact_text_wins_over_an_earlier_normalised_one() -> None:
    offered = ["-- Select --", "b1/b2", "B1/B2"]
    assert match_option(texts("B1/B2"), offered) == OptionMatch(2, "B1/B2", "exact", 1.0)


def test_full_width_punctuation_matches_normalised() -> None:
    offered = ["--选择--", "English", "中文（中国）"]
    assert match_option(texts("中文(中国)"), offered) == OptionMatch(2, "中文（中国）", "normalised", 1.0)


def test_trailing_star_and_case_match_normalised() -> None:
    match = match_option(texts("premium delivery"), ["Pick Up", "Premium Delivery *"])
    assert match is not None and (match.index, match.how) == (1, "normalised")


def test_a_synonym_is_reported_as_such() -> None:
    wanted = texts("Pick Up", "免费自取", synonyms=("免费取件",))
    match = match_option(wanted, ["付费送件上门", "免费取件"])
    assert match is not None and (match.index, match.how) == (1, "synonym")


def test_a_clearly_best_close_match_is_accepted() -> None:
    match = match_option(texts("Premium Location"), ["Premium Delivery", "Premium Locations", "Pick Up"])
    assert match is not None
    assert (match.index, match.how) == (1, "close")
    assert 0.75 <= match.score < 1.0


def test_an_ambiguous_close_match_is_refused() -> None:
    # Both are as close to the wanted text: guessing either would be a coin toss.
    assert match_option(texts("Shanghai Office A"), ["Shanghai Office B", "Shanghai Office C"]) is None


def test_a_distant_option_is_not_a_close_match() -> None:
    assert match_option(texts("B1/B2"), ["F1", "J1", "H1B"]) is None


def test_free_text_is_never_matched_closely() -> None:
    offered = ["Premium Delivery", "Premium Locations", "Pick Up"]
    assert match_option(texts("Premium Location"), offered, close=False) is None
    assert match_option(texts("premium locations"), offered, close=False) is not None  # normalised still counts


def test_placeholders_are_never_chosen() -> None:
    assert match_option(texts("Select"), ["Select", "China"]) is None
    assert match_option(texts(""), ["", "China"]) is None


def test_blanked_options_are_skipped_but_indices_kept() -> None:
    """A hidden option is passed as "" so the page's indices stay right."""
    match = match_option(texts("Fax"), ["", "Fax"])
    assert match is not None and match.index == 1


def test_no_offered_options() -> None:
    assert match_option(texts("China"), []) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [("3/7/1990", (1990, 3, 7)), ("1990-03-07", (1990, 3, 7)), ("1990-03-07T00:00:00.0000000Z", (1990, 3, 7)),
     ("7 March 1990", None), ("", None)],
)
def test_date_parts(text: str, parts: tuple[int, int, int] | None) -> None:
    assert date_parts(text) == parts


def test_dates_convert_and_compare_in_either_format() -> None:
    assert portal_date("1990-03-07") == "3/7/1990"
    assert portal_date("03/07/1990") == "03/07/1990"  # already the portal's format: typed as given
    assert iso_date("3/7/1990") == "1990-03-07"
    assert same_date("03/07/1990", "1990-03-07T00:00:00.0000000Z")
    assert not same_date("3/7/1990", "1990-07-03")
    assert not same_date("", "")
