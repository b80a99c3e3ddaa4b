"""The page objects by page name: what the runner presses on each page it recognised.

Pages with nothing particular but their Submit/Next button are declared here in a line; the
others (sign-in, sign-up, dependents, payment) have modules of their own.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page

from flows._base import PortalPage
from flows._xhr import XhrRetry
from flows.dependents import DependentApplicantPage, DependentContactPage, ManageDependentsPage
from flows.payment import PaymentPage
from flows.sign_in import SignInPage
from flows.sign_up import SignUpPage


class ProfilePage(PortalPage):
    name = "profile"
    submit_button = ("UpdateButton", "Submit", "提交")


class HomePage(PortalPage):
    name = "home"

    def open_application(self, *, resume: bool) -> None:
        """Continue an application already begun, else start one."""
        go_on = self.page.locator("#continue_application")
        if resume and go_on.count() and go_on.first.is_visible():
            self.press_and_wait(go_on.first)
        else:
            start = self.page.locator("#start_application").or_(
                self.page.get_by_role("link", name=re.compile(r"^\s*(Start Application|开始申请)\s*$"))
            )
            self.press_and_wait(start.first)


class ApplicantDetailsPage(PortalPage):
    name = "applicant_details"
    submit_button = ("InsertButton", "Submit", "提交")


class VisaOptionsPage(PortalPage):
    name = "visa_options"


class AdditionalOptionsPage(PortalPage):
    name = "additional_options"


class InterviewWaiverPage(PortalPage):
    name = "interview_waiver"


class DocumentDeliveryPage(PortalPage):
    name = "document_delivery"


class SecurityQuestionsPage(PortalPage):
    name = "security_questions"
    submit_button = ("continue", "Continue", "继续")


PAGE_OBJECTS: dict[str, type[PortalPage]] = {
    cls.name: cls
    for cls in (
        SignInPage, SignUpPage, SecurityQuestionsPage, ProfilePage, HomePage, ApplicantDetailsPage,
        VisaOptionsPage, AdditionalOptionsPage, InterviewWaiverPage, ManageDependentsPage,
        DependentContactPage, DependentApplicantPage, DocumentDeliveryPage, PaymentPage,
    )
}


def page_object(name: str, page: Page, xhr: XhrRetry | None = None) -> PortalPage:
    """The page object of the recognised page ``name``."""
    return PAGE_OBJECTS[name](page, xhr)
