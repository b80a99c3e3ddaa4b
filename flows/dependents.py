"""Manage Dependents and the two pages a dependent is added through (contact, applicant)."""

from __future__ import annotations

from dataclasses import dataclass

from flows._base import PortalPage, query_value

# Each body row of the My Dependents table with at least three cells: the text of its first
# three cells as a person reads them, the href of its first edit link (``contact=``) and of
# its first document-delivery link (None when it has none).
_ROWS = """() => Array.from(document.querySelectorAll('table tbody tr')).flatMap((row) => {
    const cells = row.querySelectorAll('td');
    if (cells.length < 3) return [];
    const href = (css) => { const link = row.querySelector(css); return link ? link.getAttribute('href') : null; };
    return [[[0, 1, 2].map((i) => cells[i].innerText),
             href("a[href*='contact=']"), href("a[href*='document_delivery'][href*='contact=']")]];
})"""


@dataclass(frozen=True)
class DependentRow:
    """One row of the My Dependents table; ``contact_id`` comes from its edit links."""

    name: str
    passport_number: str
    ds160: str
    contact_id: str | None
    delivery_href: str | None = None  # the row menu's "document delivery" link

    @property
    def complete(self) -> bool:
        """The portal's own test for going on: a dependent with a DS-160 number is finished."""
        return bool(self.ds160)


class ManageDependentsPage(PortalPage):
    name = "manage_dependents"

    def rows(self) -> list[DependentRow]:
        """The dependents the portal already holds: the truth for not adding anyone twice.
        Read in one round trip (a row of the table used to cost a dozen)."""
        return [
            DependentRow(
                name=name.strip(),
                passport_number=passport.strip(),
                ds160=ds160.strip(),
                contact_id=None if contact_href is None else query_value(contact_href, "contact"),
                delivery_href=delivery_href,
            )
            for (name, passport, ds160), contact_href, delivery_href in self.page.evaluate(_ROWS)
        ]

    def remove(self, row: DependentRow) -> bool:
        """Open the row's menu and press its Remove, as a person does; False if there is none."""
        if not row.contact_id:
            return False
        line = self.page.locator("table tbody tr").filter(
            has=self.page.locator(f"a[href*='contact={row.contact_id}']")
        )
        if line.count() != 1:
            return False
        menu = line.locator("summary")
        if menu.count():
            menu.first.click()
        button = line.locator(
            "input[type=button][value='Remove'], input[type=button][value='删除'], "
            "button:text-is('Remove'), button:text-is('删除')"
        )
        if button.count() == 0 or not button.first.is_visible():
            return False
        self.press_and_wait(button.first)
        return True

    def add_dependent(self) -> None:
        link = self.page.locator("#find_add_dependent")
        if link.count() == 0:
            link = self.page.get_by_role("link", name="Find and Add Dependent").or_(
                self.page.get_by_role("link", name="查找并添加家属")
            )
        self.press_and_wait(link.first)



class DependentContactPage(PortalPage):
    name = "dependent_contact"
    submit_button = ("InsertButton", "Submit", "提交")


class DependentApplicantPage(PortalPage):
    name = "dependent_applicant"
    submit_button = ("InsertButton", "Submit", "提交")
