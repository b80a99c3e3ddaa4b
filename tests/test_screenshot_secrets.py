"""No secret is legible in any image a run writes: images are read back with OCR (tests/ocr.py).

Page by page (sign-up, sign-in, security questions), the runner's own screenshot is taken
with the secrets typed and the page scrolled (a short viewport), and its OCR must hold none of
them, while a plain shot of the same page, read the same way, does show them: the check can
see a secret when there is one. Password boxes are turned into text boxes by a page script
first (as a "show password" toggle does), so the test does not lean on the browser drawing
dots. After the shot, the boxes hold exactly what was typed and the portal accepts them.

Then a whole failing run through ``ustd dry-run --trace``: sign-up declined with the answers
typed, so the report's failure screenshot and the trace frames are taken mid-page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ocr import find_in_text, images_of_run, languages_for, ocr, require_tesseract, secrets_in_images
from playwright.sync_api import Page
from pydantic import SecretStr
from run_helpers import ROOT, Account, example_variant, new_store

from assistant.dry_run import Backdoor
from assistant.gates import MockBackdoorGates
from assistant.logging import register_secret
from assistant.pacing import Pacer
from assistant.photographer import BackgroundPhotographer, DirectPhotographer, Photographer
from assistant.runner import AccountRunner
from assistant.sign_in_steps import SECRET_KEYS
from assistant.secrets import AccountSecrets
from flows._specs import FieldSpec
from flows.pages import SecurityQuestionsPage
from flows.sign_in import SignInPage
from flows.sign_up import SignUpPage

# Secrets OCR reads reliably (long, distinct letter groups), valid for the mock's rules.
PASSWORD = "Tigerlantern42!"
ANSWERS = ("MARBLEFALCON", "COPPERWILLOW", "SAFFRONHARBOR")
ALL = [PASSWORD, *ANSWERS]

# Shows every password box as text, as a "show password" toggle does: the shot must hide a
# secret because it is blanked, not because the browser happens to draw dots.
REVEAL_PASSWORDS = """
document.addEventListener('DOMContentLoaded', () => {
    for (const box of document.querySelectorAll('input[type=password]')) box.type = 'text';
});
"""


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    require_tesseract()


def _secrets() -> AccountSecrets:
    for value in ALL:
        register_secret(value)
    answers = tuple(SecretStr(a) for a in ANSWERS)
    return AccountSecrets(password=SecretStr(PASSWORD), answers=(answers[0], answers[1], answers[2]))


def _signing_up(data: dict[str, Any]) -> None:
    data["primary"]["account"]["exists"] = False


@pytest.fixture()
def revealing_page(browser: Any) -> Iterator[Page]:
    """A zh-CN page with a short viewport (so filling scrolls it) and password boxes shown."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 300})
    context.add_init_script(REVEAL_PASSWORDS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _runner(page: Page, portal: Any, account: Account, tmp_path: Path,
            photographer: Photographer | None = None) -> AccountRunner:
    store = new_store(tmp_path, account.entry, portal.url, "zh-CN")
    return AccountRunner(
        page=page, entry=account.entry, secrets=account.secrets, gates=MockBackdoorGates(portal.url),
        pacer=Pacer.for_portal(portal.url, None), store=store,
        record=store.record.accounts[account.entry.account_id], base_url=portal.url, locale="zh-CN",
        shots_dir=tmp_path / "run" / "screenshots", photographer=photographer or DirectPhotographer(),
    )


# How the runner's pictures are taken: on the page (the blank-and-restore dance), or drawn later
# by the background photographer from a copy of the page (the dry run's default).
PHOTOGRAPHERS: dict[str, Callable[[], Photographer]] = {
    "direct": DirectPhotographer,
    "from-a-copy": lambda: BackgroundPhotographer("zh-CN").start(),
}


def _fill(runner: AccountRunner, page_name: str, values: dict[str, str]) -> None:
    specs = tuple(spec for spec in runner.portal_map.page(page_name).fields if spec.key in values)
    outcomes = runner.fill(specs, values, secret_keys=SECRET_KEYS)
    assert all(o.ok for o in outcomes), outcomes


def _fill_sign_up(runner: AccountRunner) -> list[str]:
    flow, form = SignUpPage(runner.page), runner.entry.sign_up
    _fill(runner, "sign_up", {"username": form.username, "new_password": PASSWORD, "reenter_password": PASSWORD,
                              "account_email": form.email})
    flow.send_code()
    code = runner.gates.email_code(runner.page, form.email)
    assert code
    _fill(runner, "sign_up", {"email_code": code})
    flow.verify_code()
    _fill(runner, "sign_up", {"given_name": form.given_name, "surname": form.surname,
                              **{f"question_{n}": q for n, q in enumerate(form.questions, start=1)},
                              **{f"answer_{n}": a for n, a in enumerate(ANSWERS, start=1)}})
    return ["#newPassword", "#reenterPassword", "#extension_kba1", "#extension_kba2", "#extension_kba3"]


def _fill_sign_in(runner: AccountRunner) -> list[str]:
    _fill(runner, "sign_in", {"username": runner.entry.username, "password": PASSWORD})
    return ["#password"]


def _fill_security_questions(runner: AccountRunner) -> list[str]:
    _fill_sign_in(runner)
    SignInPage(runner.page).submit()
    specs = tuple(FieldSpec(key=f"answer_{n}", labels=(q,), kind="secret")
                  for n, q in enumerate(runner.entry.sign_up.questions, start=1))
    outcomes = runner.fill(specs, {f"answer_{n}": a for n, a in enumerate(ANSWERS, start=1)}, secret_keys=SECRET_KEYS)
    assert sum(o.ok for o in outcomes) == 2, outcomes
    filled = runner.page.evaluate(
        "() => [...document.querySelectorAll('[data-ustd-key^=answer_]')].filter(el => el.value).map(el => el.id)")
    assert len(filled) == 2, (filled, outcomes)
    return ["#" + box for box in filled]


PAGES = {
    "sign_up": ("/b2c/zh-CN/signup", _fill_sign_up),
    "sign_in": ("/b2c/zh-CN/signin", _fill_sign_in),
    "security_questions": ("/b2c/zh-CN/signin", _fill_security_questions),
}


def _values(page: Page, boxes: list[str]) -> dict[str, str]:
    return {box: page.locator(box).input_value() for box in boxes}


@pytest.mark.parametrize("taking", list(PHOTOGRAPHERS))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_runner_screenshot_of_a_secret_page_shows_no_secret(
    revealing_page: Page, portal: Any, tmp_path: Path, page_name: str, taking: str
) -> None:
    portal.config.update({"captcha": False})
    account = Account.from_file(example_variant(tmp_path, "single", _signing_up if page_name == "sign_up" else None))
    account.secrets = _secrets()
    if page_name != "sign_up":
        Backdoor(portal.url).create_account(account.entry, account.secrets, account.group)
    photographer = PHOTOGRAPHERS[taking]()
    runner = _runner(revealing_page, portal, account, tmp_path, photographer)
    path, fill = PAGES[page_name]
    revealing_page.goto(portal.url + path)
    boxes = fill(runner)
    typed = _values(revealing_page, boxes)
    scrolled = revealing_page.evaluate("[scrollX, scrollY]")
    assert scrolled[1] > 0, "the page should be scrolled when photographed (the case the old mask missed)"

    shot = tmp_path / "run" / runner.screenshot(runner.entry.primary, page_name)
    after = (_values(revealing_page, boxes), revealing_page.evaluate("[scrollX, scrollY]"))
    photographer.close()  # the picture drawn from a copy is saved by now
    assert shot.is_file()
    if taking == "from-a-copy":
        assert photographer.drawn == 1, "the secret page should have been copied, not photographed directly"  # type: ignore[attr-defined]
    control = tmp_path / "control.jpg"
    revealing_page.screenshot(path=str(control), full_page=True, type="jpeg", quality=70)

    texts = ocr([shot, control], languages_for(ALL))
    assert set(find_in_text(texts[control], ALL)) == set(typed.values()), "OCR must read the secrets in a plain shot"
    assert find_in_text(texts[shot], ALL) == [], f"{shot} shows a secret"
    assert after == (typed, scrolled), "put back exactly: the same values in the same boxes, the same scroll"

    # The portal receives what was typed: sign-up creates the account, sign-in and the answers pass.
    if page_name == "sign_up":
        SignUpPage(revealing_page).submit()
        created = portal.state.find(account.entry.username)
        assert created is not None and created.check_password(PASSWORD)
        assert all(created.check_answer(n, answer) for n, answer in enumerate(ANSWERS))
    elif page_name == "sign_in":
        SignInPage(revealing_page).submit()
        assert runner.recognise() == "security_questions"
    else:
        SecurityQuestionsPage(revealing_page).submit()
        assert runner.recognise() != "security_questions" and "/b2c/" not in revealing_page.url


def test_secret_typed_into_an_unknown_box_is_not_photographed(
    revealing_page: Page, portal: Any, tmp_path: Path
) -> None:
    """A secret in a box that is no known secret box (here the user-name box) is found by its value."""
    account = Account.from_file(example_variant(tmp_path, "single"))
    account.secrets = _secrets()
    runner = _runner(revealing_page, portal, account, tmp_path)
    revealing_page.goto(portal.url + "/b2c/zh-CN/signin")
    revealing_page.locator("#signInName").fill(ANSWERS[2])

    shot = tmp_path / "run" / runner.screenshot(runner.entry.primary, "sign_in")
    still = revealing_page.locator("#signInName").input_value()
    control = tmp_path / "control.jpg"
    revealing_page.screenshot(path=str(control), full_page=True, type="jpeg", quality=70)

    texts = ocr([shot, control], languages_for(ALL))
    assert find_in_text(texts[control], ALL) == [ANSWERS[2]], "OCR must read the secret in a plain shot"
    assert find_in_text(texts[shot], ALL) == [], f"{shot} shows a secret"
    assert still == ANSWERS[2]


# The dry run in a subprocess, as a person runs it, with this test's secrets instead of the
# throwaway ones, and the person declining the sign-up page once everything is typed.
_DECLINING_DRY_RUN = textwrap.dedent(
    """
    import json, sys
    from pydantic import SecretStr
    import assistant.dry_run as dry_run
    from assistant.gates import MockBackdoorGates
    from assistant.logging import register_secret
    from assistant.secrets import AccountSecrets
    password, *answers = json.loads(sys.argv[1])
    def fixed():
        for value in (password, *answers):
            register_secret(value)
        return AccountSecrets(password=SecretStr(password), answers=tuple(SecretStr(a) for a in answers))
    dry_run.throwaway_secrets = fixed
    def decline_sign_up(self, page, applicant, page_name, filled):
        return page_name != "sign_up"
    MockBackdoorGates.confirm_page = decline_sign_up
    from assistant.cli import main
    main(sys.argv[2:])
    """
)


@pytest.fixture(scope="module")
def declined_run(mock_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a dry run stopped on the sign-up page with the password and answers
    typed and the page scrolled to the last answer (the person declined it), traced."""
    require_tesseract()
    mock_server.reset()
    folder = tmp_path_factory.mktemp("declined")
    profile = example_variant(folder, "single", _signing_up)
    report = folder / "report"
    env = {**os.environ, "USTD_STATE_DIR": str(folder / "state"), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", _DECLINING_DRY_RUN, json.dumps(ALL), "dry-run", str(profile), "--trace",
         "--quiet", "--portal-url", mock_server.url, "--report", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180, check=False,
    )
    mock_server.reset()
    assert done.returncode == 3, done.stdout + done.stderr
    return report


def _legible(images: dict[Path, str]) -> list[str]:
    """What secrets OCR reads in the images, and how long reading them took (shown with -s)."""
    started = time.monotonic()
    found = secrets_in_images(images, ALL)
    print(f"OCR of {len(images)} images: {time.monotonic() - started:.1f} s")
    return found


@pytest.mark.xdist_group("declined_run")  # one worker, so the module's dry run runs once
def test_failure_screenshot_mid_page_shows_no_secret(declined_run: Path) -> None:
    shots = sorted((declined_run / "screenshots").glob("*.jpg"))
    names = [p.name for p in shots]
    assert any(n.endswith("-sign_up.jpg") for n in names) and any(n.endswith("-failure.jpg") for n in names), names

    found = _legible({p: str(p) for p in shots})

    assert found == [], "secrets legible in:\n" + "\n".join(found)


@pytest.mark.xdist_group("declined_run")  # one worker, so the module's dry run runs once
def test_trace_frames_of_a_failure_mid_page_show_no_secret(declined_run: Path, tmp_path: Path) -> None:
    assert list((declined_run / "traces").glob("*.zip")), "--trace wrote no trace"
    found = _legible(images_of_run(declined_run / "traces", tmp_path))

    assert found == [], "secrets legible in:\n" + "\n".join(found)
