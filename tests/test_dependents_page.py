"""The My Dependents table as the runner reads it: every row the portal holds, in one round trip."""

from __future__ import annotations

from typing import Any

import pytest

from flows.dependents import DependentRow, ManageDependentsPage

# The mock's table (fixtures/templates/manage_dependents.html): the row menu holds the edit and
# delivery links; a dependent added but not finished has no passport or DS-160 number yet.
TABLE = """
<table><thead><tr><th>Name</th><th>Passport</th><th>DS-160</th><th></th></tr></thead><tbody>
  <tr><td> JIANG  BOWEN </td><td>EB0000002</td><td>AA00000002</td><td><details><summary>Actions</summary><ul>
    <li><a href="/zh-CN/applicant_details/?contact=c-1">Edit</a></li>
    <li><a href="/zh-CN/document_delivery/?contact=c-1">Delivery</a></li></ul></details></td></tr>
  <tr><td>ZHAO CHUNLEI</td><td></td><td></td><td><a href="/zh-CN/visa_options/?contact=c-2&amp;x=1">Edit</a></td></tr>
  <tr><td>NO LINKS</td><td>EB9</td><td></td></tr>
  <tr class="empty"><td colspan="4">No dependents yet</td></tr>
</tbody></table>"""


@pytest.fixture()
def page(shared_page: Any) -> Any:
    shared_page.goto("about:blank")
    return shared_page


def test_every_row_is_read_with_its_links_in_one_round_trip(page: Any) -> None:
    page.set_content(TABLE)
    calls: list[str] = []
    real = page.evaluate
    page.evaluate = lambda *a, **k: calls.append("evaluate") or real(*a, **k)
    try:
        rows = ManageDependentsPage(page).rows()
    finally:
        del page.evaluate

    assert rows == [
        DependentRow("JIANG BOWEN", "EB0000002", "AA00000002", "c-1", "/zh-CN/document_delivery/?contact=c-1"),
        DependentRow("ZHAO CHUNLEI", "", "", "c-2"),
        DependentRow("NO LINKS", "EB9", "", None),
    ]  # as a person reads them (white space as shown); the "no dependents" line has fewer than three cells
    assert calls == ["evaluate"]
    assert [row.complete for row in rows] == [True, False, False]


def test_an_empty_table_has_no_rows(page: Any) -> None:
    page.set_content("<p>No table here</p>")
    assert ManageDependentsPage(page).rows() == []
