"""The profile model's fixed choices are exactly what the (mock) portal's selects offer.

A value the model accepts but the portal does not list would pass validation and then fail
in the browser; this test keeps the two lists in step.
"""

from __future__ import annotations

from assistant import choices
from fixtures import reference_data as portal


def test_every_post_priority_and_visa_type_is_offered() -> None:
    assert set(choices.POSTS) == set(portal.POSTS.names)
    assert set(choices.PRIORITIES) == set(portal.PRIORITIES.names)
    assert portal.VISA_TYPES.names == (choices.VISA_TYPE,)


def test_every_category_offers_exactly_the_models_classes() -> None:
    assert set(choices.VISA_CATEGORIES) == set(portal.CATEGORIES.names)
    for category, classes in choices.CLASSES_BY_CATEGORY.items():
        assert set(classes) == set(portal.classes_of(category).values()), category


def test_every_country_the_model_accepts_is_in_the_portals_lists() -> None:
    missing = set(choices.COUNTRIES) - set(portal.COUNTRIES.names)
    assert not missing, f"countries the portal does not list: {sorted(missing)}"
    assert choices.PHONE_COUNTRY in portal.PHONE_CODES.names
    assert choices.APPLICATION_COUNTRY in portal.COUNTRIES.names


def test_option_sets_and_languages_match() -> None:
    assert choices.GENDERS == portal.GENDERS.english
    assert choices.RELATIONS == portal.RELATIONS.english
    assert choices.DELIVERY_OPTIONS == portal.DELIVERY_OPTIONS.english
    assert set(choices.PICKUP_LOCATIONS.values()) == set(portal.PICKUP_LOCATIONS.english)
    assert set(choices.LANGUAGE_LABELS.values()) == set(portal.LANGUAGES.names)
    assert set(choices.SECURITY_QUESTIONS) == set(portal.SECURITY_QUESTIONS)
