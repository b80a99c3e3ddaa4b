"""The runner's steps on the B2C pages: sign in, sign up, answer the security questions.

Secret pages: tracing pauses while they hold a password or an answer, and the boxes are
emptied again before it resumes. The captcha and the e-mail code are a person's steps.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from loguru import logger

from assistant.run_record import PageRecord
from flows._fill import FieldOutcome
from flows._specs import FieldSpec, PortalMap
from flows.errors import ApplicantFailed, FlowError, PortalMessage
from flows.pages import page_object
from flows.sign_up import SignUpPage, username_taken

if TYPE_CHECKING:
    from assistant.runner import AccountRunner

MAX_SIGN_IN_ATTEMPTS = 3
FOUND_REGISTERED_NOTE = (
    "the account already existed on the portal (signed up in an interrupted run?): signed in instead"
)
SECRET_KEYS = frozenset({"password", "new_password", "reenter_password", "answer_1", "answer_2", "answer_3"})

# Visible password boxes left empty: a question the profile does not list was asked.
_EMPTY_ANSWER_BOXES = """() => [...document.querySelectorAll('input[type=password]')].filter(el => {
    const box = el.getBoundingClientRect();
    return !el.value && box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== 'hidden';
}).length"""


def _require(outcomes: list[FieldOutcome], page: str) -> None:
    """A B2C page is all or nothing: a value not entered fails the account with the reason."""
    missing = [o for o in outcomes if not o.ok]
    if missing:
        raise ApplicantFailed(
            f"The {page} page could not be filled: "
            + "; ".join(f"{o.key}: {o.detail or o.status.replace('_', ' ')}" for o in missing)
            + ". The portal's page may have changed: correct the portal map (`ustd portal-map show`)."
        )


def on_sign_in(runner: AccountRunner) -> None:
    page = runner.page
    if not runner.entry.account_exists and not runner.record.registered:
        link = page.locator("#createAccount, a[href*='signup']").first
        with page.expect_navigation(wait_until="domcontentloaded"):
            link.click()
        return
    runner.sign_in_attempts += 1
    flow = page_object("sign_in", page, runner.xhr)
    if runner.sign_in_attempts > MAX_SIGN_IN_ATTEMPTS:
        messages = flow.errors()
        raise ApplicantFailed(
            f"Signing in failed {MAX_SIGN_IN_ATTEMPTS} times: "
            + ("; ".join(m.text for m in messages) or "no message from the portal")
            + found_registered_fix(runner)
        )
    values = {"username": runner.entry.username, "password": runner.secrets.password.get_secret_value()}
    if flow.has_captcha():  # type: ignore[attr-defined]
        answer = runner.gates.captcha(page, flow.captcha_png(), runner.entry.account_id)  # type: ignore[attr-defined]
        if answer is None:
            return  # the person signed in in the browser
        values["captcha"] = answer
    specs = runner.portal_map.page("sign_in").fields
    runner.on_secret_page(True)
    try:
        _require(runner.fill(specs, values, secret_keys=SECRET_KEYS), "sign-in")
        runner.pacer.wait_turn()
        runner.check_stop("before signing in")
        flow.submit()
    finally:
        runner.leave_secret_page()
    if runner.recognise() != "sign_in":
        runner.sign_in_attempts = 0


def on_sign_up(runner: AccountRunner) -> None:
    if runner.record.registered or runner.entry.account_exists:
        raise FlowError("The portal shows the sign-up page for an account that already exists.")
    flow = page_object("sign_up", runner.page, runner.xhr)
    assert isinstance(flow, SignUpPage)
    form = runner.entry.sign_up
    specs = {spec.key: spec for spec in runner.portal_map.page("sign_up").fields}
    password = runner.secrets.password.get_secret_value()
    primary = runner.entry.primary
    started = time.monotonic()
    runner.on_secret_page(True)
    try:
        identity = {"username": form.username, "new_password": password, "reenter_password": password, "account_email": form.email}
        _require(runner.fill(_pick(specs, identity), identity, secret_keys=SECRET_KEYS), "sign-up")
        flow.send_code()
        code = runner.gates.email_code(runner.page, form.email)
        if code:
            _require(runner.fill(_pick(specs, {"email_code": code}), {"email_code": code}), "sign-up")
            flow.verify_code()
        rest = {"given_name": form.given_name, "surname": form.surname}
        for n, question in enumerate(form.questions, start=1):
            rest[f"question_{n}"] = question
            rest[f"answer_{n}"] = runner.secrets.answer_to(n).get_secret_value()
        _require(runner.fill(_pick(specs, rest), rest, secret_keys=SECRET_KEYS), "sign-up")
        values = {
            "signInName": form.username, "email": form.email, "givenName": form.given_name, "surname": form.surname,
            **{f"extension_kbq{n}": q for n, q in enumerate(form.questions, start=1)},
        }
        shot = runner.page_shot(primary, flow.name)
        if not runner.gates.confirm_page(runner.page, primary.display_name, flow.name, values):
            raise ApplicantFailed("The person declined the sign-up page.")
        runner.pacer.wait_turn()
        runner.check_stop("before submitting the sign-up page")
        flow.submit()
    finally:
        runner.leave_secret_page()
    if runner.recognise() == "sign_up":
        messages = flow.errors() or [PortalMessage("The portal did not accept the sign-up.")]
        if username_taken(messages):
            found_registered(runner, messages)
            return
        raise ApplicantFailed(
            "Sign-up refused: " + "; ".join(m.text + (f" ({m.field_id})" if m.field_id else "") for m in messages)
        )
    runner.record.registered = True
    runner.note(primary, PageRecord(page=flow.name, status="submitted", values=values, screenshot=shot,
                                    seconds=round(time.monotonic() - started, 3)))


def _pick(specs: dict[str, FieldSpec], values: dict[str, str]) -> tuple[FieldSpec, ...]:
    return tuple(specs[key] for key in values if key in specs)


def on_security_questions(runner: AccountRunner) -> None:
    """Answer the questions the page shows, each found by its text (the answer boxes have
    empty labels on the real page: the question shown just before a box names it)."""
    flow = page_object("security_questions", runner.page, runner.xhr)
    questions = runner.entry.sign_up.questions
    specs = answer_specs(runner.portal_map, questions)
    runner.on_secret_page(True)
    try:
        answers = {f"answer_{n}": runner.secrets.answer_to(n).get_secret_value() for n in range(1, len(questions) + 1)}
        outcomes = runner.fill(specs, answers, secret_keys=SECRET_KEYS)
        if not any(o.ok for o in outcomes):
            raise FlowError("The security-question page shows none of the profile's questions.")
        if runner.page.evaluate(_EMPTY_ANSWER_BOXES):
            raise ApplicantFailed(
                "The portal asked a security question the profile does not list (or words it differently): "
                "add its wording to the portal map's labels, or check `account.security_questions`."
            )
        runner.pacer.wait_turn()
        runner.check_stop("before answering the security questions")
        flow.submit()
    finally:
        runner.leave_secret_page()
    if runner.recognise() == "security_questions":
        messages = flow.errors()
        raise ApplicantFailed(
            "Security answers refused: " + "; ".join(m.text for m in messages) + found_registered_fix(runner)
        )


def answer_specs(portal_map: PortalMap, questions: Sequence[str]) -> tuple[FieldSpec, ...]:
    """One answer box per profile question, found by the question's text as the page may word
    it (in English, or in Chinese under zh-CN: the map's texts for that question)."""
    answer = portal_map.page("security_questions").field("answer")
    return tuple(
        FieldSpec(key=f"answer_{n}", labels=(*answer.texts_for(q).texts, *answer.texts_for(q).synonyms), kind="secret")
        for n, q in enumerate(questions, start=1)
    )


def found_registered(runner: AccountRunner, messages: list[PortalMessage]) -> None:
    """The portal says the username exists: most likely this run's own sign-up, whose POST
    went through just before the run was killed. Treat the account as registered and sign
    in (captcha gate and security questions); if that fails, the error says what to do."""
    runner.record.registered = True
    if FOUND_REGISTERED_NOTE not in runner.record.notes:
        runner.record.notes.append(FOUND_REGISTERED_NOTE)
    runner.store.save()
    logger.warning(
        "{account}: the portal says the username {user} exists ({said}): {note}",
        account=runner.entry.account_id, user=runner.entry.username,
        said="; ".join(m.text for m in messages), note=FOUND_REGISTERED_NOTE,
    )
    runner.goto(runner.home_url())


def found_registered_fix(runner: AccountRunner) -> str:
    """What to do when an account found registered at sign-up cannot be signed in to."""
    if FOUND_REGISTERED_NOTE not in runner.record.notes:
        return ""
    return (
        f"\nThe username {runner.entry.username!r} was already registered on the portal when this run "
        "tried to sign up, and signing in to it with the keyring's password and answers failed. If the "
        "account is yours, set `account.exists: true` in the profile and put its password and answers in "
        f"the keyring (`ustd secrets set {runner.entry.account_id}`); otherwise choose another username "
        "(`account.username`)."
    )

