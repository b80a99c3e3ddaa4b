"""Which control a page object presses: its Power Pages id, else an input or a button showing the text."""

from __future__ import annotations

from typing import Any

import pytest

from flows._base import PortalPage


@pytest.fixture()
def page(shared_page: Any) -> Any:
    shared_page.goto("about:blank")
    return shared_page


def pressed(page: Any, html: str, *texts: str) -> str:
    page.set_content(html)
    return str(PortalPage(page).button("NextButton", *texts).evaluate("el => el.getAttribute('data-which')"))


@pytest.mark.parametrize(("html", "which"), [
    ('<input type="button" id="NextButton" value="Weiter" data-which="id">', "id"),
    ('<input type="submit" value="下一步" data-which="input">', "input"),
    ('<input type="button" value="Next" data-which="input">', "input"),
    ('<button type="button" data-which="button"> Next </button>', "button"),
    ('<span role="button" aria-label="下一步" data-which="aria">→</span>', "aria"),
    # Exact names only: a longer text, another case or a mere link is not the button.
    ('<button data-which="longer">Next page</button><button data-which="case">NEXT</button>'
     '<a href="#" data-which="link">Next</a><button data-which="button">Next</button>', "button"),
    # The first in the page wins, whichever way it was found.
    ('<button data-which="first">下一步</button><input type="button" id="NextButton" data-which="id">', "first"),
])
def test_the_button_is_found_by_id_value_or_exact_name(page: Any, html: str, which: str) -> None:
    assert pressed(page, html, "Next", "下一步") == which


def test_texts_are_names_not_patterns(page: Any) -> None:
    html = '<button data-which="other">Save (draft)x</button><button data-which="exact">Save (draft).</button>'
    assert pressed(page, html, "Save (draft).") == "exact"


def test_only_ids_without_texts(page: Any) -> None:
    assert pressed(page, '<button data-which="text">Next</button><a id="NextButton" data-which="id">go</a>') == "id"
