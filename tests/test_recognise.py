"""Page recognition on snippets: by landmarks and headings, the URL path only one signal.

Each snippet is a page the portal might plausibly show; none of them is the mock's markup.
"""

from __future__ import annotations

from typing import Any

import pytest

from flows._portal_map import load_portal_map
from flows.recognise import best_page, look

MAP = load_portal_map()


def _show(page: Any, html: str, path: str = "/zh-CN/somewhere-else/") -> None:
    """``html`` served at ``path`` (a path no page of the map has, unless the test says so)."""
    page.route("**/*", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    page.goto(f"http://portal.test{path}")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>Applicant Details</h1><input id=atlas_passport_number><select id=atlas_pob_country></select>"
         "<input id=atlas_mobile_phone>", "applicant_details"),
        ("<h1>同行人员申请人信息</h1><select id=atlas_relation_to_applicant></select><input id=atlas_passport_number>"
         "<select id=atlas_pob_country></select><input id=atlas_mobile_phone>", "dependent_applicant"),
        ("<h1>签证选项</h1><select id=atlas_visa_type></select><select id=atlas_post></select>"
         "<select id=atlas_post_visa_category></select><select id=atlas_visa_priority></select>", "visa_options"),
        ("<h2>Additional Options</h2><input id=atlas_ds_160_confirmation_number>", "additional_options"),
        ("<form id=attributeVerification><input id=signInNameReadOnly></form>", "security_questions"),
        ("<input id=signInName><input id=password type=password>", "sign_in"),
        ("<input id=signInName><input id=newPassword><input id=reenterPassword>", "sign_up"),
        ("<h1>Payment Options</h1><table id=summary_of_charges></table><select id=atlas_payment_type></select>",
         "payment"),
        ("<title>nothing</title><p>hello</p>", None),
    ],
)
def test_a_page_is_known_by_what_it_shows_wherever_it_is_served(page: Any, html: str, expected: str | None) -> None:
    _show(page, html)
    assert best_page(look(page, MAP), MAP) == expected


def test_the_heading_decides_where_landmarks_are_shared(page: Any) -> None:
    """Two steps merged into one page: the dependent's applicant page also asks the visa class."""
    _show(page, "<h1>Dependent Applicant</h1><select id=atlas_relation_to_applicant></select>"
          "<input id=atlas_passport_number><select id=atlas_pob_country></select><input id=atlas_mobile_phone>"
          "<select id=atlas_post_visa_category></select><input id=atlas_ds_160_confirmation_number>")
    assert best_page(look(page, MAP), MAP) == "dependent_applicant"


def test_a_renamed_path_does_not_hide_a_page_and_a_path_alone_still_counts(page: Any) -> None:
    _show(page, "<h1>Visa Options</h1><select id=atlas_visa_type></select><select id=atlas_post></select>"
          "<select id=atlas_post_visa_category></select><select id=atlas_visa_priority></select>",
          path="/en-US/visa-options-new/")
    assert best_page(look(page, MAP), MAP) == "visa_options"
    _show(page, "<h1>Something new</h1>", path="/en-US/additional_visa_options/")
    assert best_page(look(page, MAP), MAP) == "additional_options"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<div class="dialog" role="main"><h1>We\'re sorry, but something went wrong.</h1>'
         "<p>Error ID #1234</p></div>", "server_error"),
        ('<div class="dialog" role="main"><h1>很抱歉，出现了问题。</h1><p>错误 ID #1234</p></div>', "server_error"),
        ('<h1>错误</h1><div class="alert alert-danger" role="alert">处理您的请求时出错，请稍后再试。</div>',
         "server_error"),
        ("<title>Waiting room</title><div id=cf-waiting-room>You are now in line.</div>", "waiting_room"),
        ("<h1>Error 1015</h1><p>You are being rate limited</p>", "too_many_requests"),
        ("<h1>Sorry, you have been blocked</h1>", "blocked"),
        ("<h1>Applicant Details</h1><p>Something went fine.</p>", None),
    ],
)
def test_an_interstitial_is_known_by_its_text_whatever_the_status(page: Any, html: str, expected: str | None) -> None:
    _show(page, html)
    assert look(page, MAP).interstitial == expected
