"""Whose page is this: told by what the page shows, then by the step the run is in.

A portal that keeps the current dependent in its session (no ``?contact=`` in the address)
must still have each page filled for the right person. The runner is built on a page of
snippets; nothing is submitted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from run_helpers import EXAMPLES, Account, new_store

from assistant.gates import MockBackdoorGates
from assistant.pacing import Pacer
from assistant.runner import HANDLERS, AccountRunner
from flows._portal_map import load_portal_map


@pytest.fixture()
def runner(page: Any, tmp_path: Path) -> AccountRunner:
    account = Account.from_file(EXAMPLES / "delegation.yaml")
    store = new_store(tmp_path, account.entry, "http://127.0.0.1:9", "en-US")
    return AccountRunner(
        page=page, entry=account.entry, secrets=account.secrets, gates=MockBackdoorGates("http://127.0.0.1:9"),
        pacer=Pacer.for_portal("http://127.0.0.1:9", None), store=store,
        record=store.record.accounts[account.entry.account_id], base_url="http://127.0.0.1:9", locale="en-US",
        shots_dir=tmp_path / "shots",
    )


def _show(page: Any, html: str, url: str = "http://portal.test/en-US/applicant_details/") -> None:
    page.route("**/*", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    page.goto(url)


def test_a_page_naming_a_dependent_is_theirs_without_any_contact_in_the_address(runner: AccountRunner) -> None:
    _show(runner.page, "<h1>Applicant Details</h1><p>Editing dependent: HE YUTONG</p><input id=atlas_passport_number>")
    assert runner.subject().applicant_id == "he-yutong"


def test_a_page_holding_a_dependents_passport_number_is_theirs(runner: AccountRunner) -> None:
    dependent = runner.entry.dependents[0]
    _show(runner.page, f"<h1>Applicant Details</h1><input id=atlas_passport_number value='{dependent.applicant.passport_number}'>")
    assert runner.subject() is dependent


def test_what_the_page_shows_beats_the_step_the_run_is_in(runner: AccountRunner) -> None:
    runner.pending = runner.entry.dependents[0]
    _show(runner.page, "<h1>Document Delivery</h1><p>Editing dependent: HE ZHENBANG</p>")
    assert runner.subject().applicant_id == "he-zhenbang"


def test_a_page_naming_nobody_is_the_dependent_being_added_else_the_primary(runner: AccountRunner) -> None:
    _show(runner.page, "<h1>Visa Options</h1><select id=atlas_post></select>")
    assert runner.subject() is runner.entry.primary
    runner.pending = runner.entry.dependents[1]
    assert runner.subject() is runner.entry.dependents[1]


def test_every_page_of_the_map_has_a_handler() -> None:
    assert set(load_portal_map().pages) <= set(HANDLERS)
    assert {"waiting_room", "too_many_requests", "server_error", "blocked", "past_payment"} <= set(HANDLERS)


SECURITY_PAGE_ZH = """
<form id="attributeVerification"><div id="attributeList"><ul>
  <li class="Paragraph kbq1ReadOnly_li"><p id="kbq1ReadOnly" class="textInParagraph" aria-label="您的第一只宠物叫什么名字？">您的第一只宠物叫什么名字？</p></li>
  <li><label for="kba1_response"></label><input type="password" id="kba1_response" autocomplete="new-password"></li>
  <li class="Paragraph kbq3ReadOnly_li"><p id="kbq3ReadOnly" class="textInParagraph" aria-label="In what city were you born?">In what city were you born?</p></li>
  <li><label for="kba3_response"></label><input type="password" id="kba3_response" autocomplete="new-password"></li>
</ul></div></form>
"""


def test_security_questions_shown_in_chinese_are_answered_by_the_maps_wording(page: Any) -> None:
    from assistant.sign_in_steps import answer_specs
    from flows._fill import fill_fields

    page.set_content(SECURITY_PAGE_ZH)
    questions = ("What is your mother's maiden name?", "What was the name of your first pet?", "In what city were you born?")
    outcomes = fill_fields(page, answer_specs(load_portal_map(), questions),
                           {"answer_1": "Wang", "answer_2": "Xiaohei", "answer_3": "Wuhan"})

    assert {o.key: (o.status, o.found_by) for o in outcomes} == {
        "answer_1": ("not_on_page", None), "answer_2": ("entered", "question"), "answer_3": ("entered", "question")}
    assert page.input_value("#kba1_response") == "Xiaohei" and page.input_value("#kba3_response") == "Wuhan"
    assert all(o.value == "" and o.shown == "" for o in outcomes)  # secrets never in an outcome
