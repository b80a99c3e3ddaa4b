"""The security-question check after sign-in: two of the three questions, chosen at random."""

from __future__ import annotations

from flows._base import PortalPage
from flows._locate import ensure_visible_to_person

# Which answer box goes with which question text element (portal-dom.md, "seen").
_QUESTION_TEXT_TO_ANSWER = (
    ("#kbq1ReadOnly", "#kba1_response", 1),
    ("#kbq2aReadOnly", "#kba2_response", 2),
    ("#kbq2bReadOnly", "#kba2_response", 2),
    ("#kbq3ReadOnly", "#kba3_response", 3),
)


class SecurityQuestionsPage(PortalPage):
    name = "security_questions"
    markers = ("#attributeVerification",)

    def asked(self) -> list[tuple[str, str]]:
        """(question text, answer box selector) for each question shown now."""
        shown: list[tuple[str, str]] = []
        for text_css, answer_css, _ in _QUESTION_TEXT_TO_ANSWER:
            text = self.page.locator(text_css)
            answer = self.page.locator(answer_css)
            if text.count() and text.first.is_visible() and answer.count() and answer.first.is_visible():
                if all(css != answer_css for _, css in shown):
                    shown.append((text.first.inner_text().strip(), answer_css))
        return shown

    def answer(self, answer_css: str, answer: str) -> None:
        box = self.page.locator(answer_css)
        ensure_visible_to_person(box, answer_css)
        box.fill(answer)

    def submit(self) -> None:
        self.press_and_wait(self.button("continue", "Continue", "继续"))
