"""Manage Dependents and the two pages a dependent is added through (contact, applicant)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.portal_forms import ApplicantForm, ContactForm
from flows import _fields as f
from flows._base import PortalPage, query_value
from flows._locate import choose, type_text
from flows.applicant_details import ApplicantDetailsPage

RELATION_LABELS = {
    "zh-CN": {"Spouse": "配偶", "Child": "子女", "Parent": "父母", "Other": "其他"},
    "en-US": {"Spouse": "Spouse", "Child": "Child", "Parent": "Parent", "Other": "Other"},
}


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
    path = "manage_dependents"

    def rows(self) -> list[DependentRow]:
        """The dependents the portal already holds: the truth for not adding anyone twice."""
        found: list[DependentRow] = []
        body_rows = self.page.locator("table tbody tr")
        for index in range(body_rows.count()):
            cells = body_rows.nth(index).locator("td")
            if cells.count() < 3:
                continue
            contact_id = None
            links = body_rows.nth(index).locator("a[href*='contact=']")
            if links.count():
                contact_id = query_value(links.first.get_attribute("href") or "", "contact")
            delivery = body_rows.nth(index).locator("a[href*='document_delivery'][href*='contact=']")
            delivery_href = delivery.first.get_attribute("href") if delivery.count() else None
            found.append(
                DependentRow(
                    name=cells.nth(0).inner_text().strip(),
                    passport_number=cells.nth(1).inner_text().strip(),
                    ds160=cells.nth(2).inner_text().strip(),
                    contact_id=contact_id,
                    delivery_href=delivery_href,
                )
            )
        return found

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

    def submit(self) -> None:
        self.press_and_wait(self.button("NextButton", "Next", "下一步"))


class DependentContactPage(PortalPage):
    name = "dependent_contact"
    path = "daddcontact"

    def fill(self, form: ContactForm) -> dict[str, str]:
        type_text(self.page, f.FIRST_NAME, form.first_name)
        type_text(self.page, f.LAST_NAME, form.last_name)
        type_text(self.page, f.CONTACT_EMAIL, form.email)
        choose(self.page, f.PREFERRED_LANGUAGE, form.preferred_language)
        return {
            f.FIRST_NAME.id: form.first_name,
            f.LAST_NAME.id: form.last_name,
            f.CONTACT_EMAIL.id: form.email,
            f.PREFERRED_LANGUAGE.id: form.preferred_language,
        }

    def submit(self) -> None:
        self.press_and_wait(self.button("InsertButton", "Submit", "提交"))


class DependentApplicantPage(ApplicantDetailsPage):
    name = "dependent_applicant"
    path = "dep_applicant_add"

    def fill_dependent(self, relation: str, form: ApplicantForm, locale: str) -> dict[str, str]:
        labels = RELATION_LABELS.get(locale, RELATION_LABELS["en-US"])
        choose(self.page, f.RELATION, labels[relation])
        filled = {f.RELATION.id: relation}
        filled.update(self.fill(form, locale))
        return filled
