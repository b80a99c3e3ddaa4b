"""The B2C sign-up page. The e-mail code is a human gate: the caller supplies it."""

from __future__ import annotations

from assistant.portal_forms import SignUpForm
from flows import _fields as f
from flows._base import PortalPage
from flows._locate import choose, type_secret, type_text


class SignUpPage(PortalPage):
    name = "sign_up"
    markers = ("#newPassword", "#reenterPassword")

    def fill_identity(self, form: SignUpForm, password: str) -> None:
        """Username, password twice and e-mail: everything before the code is sent."""
        type_text(self.page, f.SIGN_IN_NAME, form.username)
        for field in (f.NEW_PASSWORD, f.REENTER_PASSWORD):
            type_secret(self.page, field, password)
        type_text(self.page, f.EMAIL, form.email)

    def send_code(self) -> None:
        """Ask the portal to e-mail a verification code; wait until the code box appears."""
        self.page.locator("#email_ver_but_send").click()
        self.page.locator("#email_ver_input").wait_for(state="visible")

    def enter_code(self, code: str) -> None:
        type_text(self.page, f.EMAIL_CODE, code)
        self.page.locator("#email_ver_but_verify").click()
        self.page.locator("#email_ver_input").wait_for(state="hidden")

    def fill_rest(self, form: SignUpForm, answers: tuple[str, str, str]) -> None:
        type_text(self.page, f.GIVEN_NAME, form.given_name)
        type_text(self.page, f.SURNAME, form.surname)
        for question_field, answer_field, question, answer in zip(f.QUESTIONS, f.ANSWERS, form.questions, answers):
            choose(self.page, question_field, question)
            type_secret(self.page, answer_field, answer)

    def submit(self) -> None:
        self.press_and_wait(self.button("continue", "Create", "创建"))
