"""The floor: the fastest honest raw-Playwright fill of the mock portal, no framework.

Same pages, same data and same mock configuration as ``ustd dry-run``, but straight-line code
by element ids: no page recognition, no label fallbacks, no visibility checks, no run record,
no report, and no pictures unless ``--pictures DIR`` asks for one of every page (then as
hand-written Playwright takes them: ``page.screenshot(full_page=True)`` as JPEG, quality 70 like
the product's, before each submit and of the payment page).

Honest means: it goes through every page a person goes through, in order, types into the fields
a person sees (dates into the visible ``*_datepicker_description`` boxes, never the hidden
inputs), reads the e-mail code from the mock's outbox as a person reads their mail, waits for
the cascading selects by their options (Playwright's ``select_option`` waits for the option to
exist), and never POSTs behind the page's back.

    .venv/bin/python -m bench.floor FILES... [--parallel N] [--rate-limit N] [--pictures DIR]

It starts its own embedded mock (like the dry run), fills every group, stops at the payment page,
then checks what the mock received with the product's own checker (assistant.verify), so a
fast-but-wrong floor fails loudly. Prints one JSON line with its timings. Exit 0 = all good.
"""

from __future__ import annotations

import argparse
import json
import queue
import secrets
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Page, sync_playwright

from assistant.browser import launch_chromium
from assistant.models import Group
from assistant.portal_forms import AccountEntry, ApplicantEntry, account_entry
from assistant.profile_files import load_group
from assistant.verify import careless_flags, compare_account

LOCALE = "zh-CN"
GENDER = {"Male": "男", "Female": "女"}
RELATION = {"Spouse": "配偶", "Child": "子女", "Parent": "父母", "Other": "其他"}
DELIVERY_RADIO = {"Premium Delivery": "#atlas_delivery_option_0", "Premium Location": "#atlas_delivery_option_1",
                  "Pick Up": "#atlas_delivery_option_2"}
PICKUP_ZH = {
    "Beijing": "北京-北京朝阳门外大街8号富华大厦E座1层",
    "Guangzhou": "广州-广州市天河区天河北路233号中信广场中天购物城F3层300A",
    "Shanghai": "上海-上海市南京西路1168号中信泰富广场GF",
    "Shenyang": "沈阳-沈阳市沈河区大西路336号",
    "Wuhan": "武汉-湖北省武汉市江岸区南京路2号",
}


class FloorError(RuntimeError):
    pass


def _class_id(code: str) -> str:
    return "#atlas_visa_class_" + code.replace("/", "_").replace("-", "_")


class Filler:
    """Fills one account in one page; every step is a handful of Playwright calls by id."""

    def __init__(self, page: Page, base: str, entry: AccountEntry, pictures: Path | None = None) -> None:
        self.page = page
        self.base = base
        self.entry = entry
        self.pictures = pictures
        self.taken = 0
        self.statuses: list[int] = []
        self.pages: list[tuple[str, float]] = []
        self.contact_id = ""  # (page, seconds), for a rough per-page profile
        page.on("response", self._watch)

    def _watch(self, response: Any) -> None:
        if response.status == 429:
            self.statuses.append(429)

    def photograph(self) -> None:
        """The page as filled, the way a hand-written script takes it (only with --pictures)."""
        if self.pictures is not None:
            self.taken += 1
            path = self.pictures / f"{self.entry.account_id}-{self.taken:02d}.jpg"
            self.page.screenshot(path=str(path), full_page=True, type="jpeg", quality=70)

    def submit(self, css: str, expect: str) -> None:
        """Click a button that posts the form, wait for the next document, check where we are."""
        self.photograph()
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.click(css)
        if self.statuses:
            raise FloorError("the mock answered 429 (rate limit): rerun with --rate-limit N")
        if expect not in self.page.url:
            errors = self.page.locator(".validation-summary li, .error.itemLevel p, #claimVerificationServerError p")
            texts = [errors.nth(i).inner_text() for i in range(min(errors.count(), 5))]
            raise FloorError(f"{self.entry.account_id}: expected {expect}, got {self.page.url}: {texts}")

    def _timed(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.pages.append((name, round(now - started, 3)))
        return now

    def run(self) -> None:
        p, e = self.page, self.entry
        t = time.perf_counter()
        p.goto(f"{self.base}/{LOCALE}/", wait_until="domcontentloaded")  # -> B2C sign-in
        with p.expect_navigation(wait_until="domcontentloaded"):
            p.click("#createAccount")
        # Sign-up, with the e-mail code read from the mock's outbox (a person reads their mail).
        password = f"Fl{secrets.token_hex(4)}!9"
        answers = [f"answer-{secrets.token_hex(5)}" for _ in range(3)]
        p.fill("#signInName", e.sign_up.username)
        p.fill("#newPassword", password)
        p.fill("#reenterPassword", password)
        p.fill("#email", e.sign_up.email)
        p.click("#email_ver_but_send")
        p.wait_for_selector("#email_ver_input", state="visible")
        outbox = p.context.request.get(f"{self.base}/__mock__/outbox?email={quote(e.sign_up.email)}").json()
        p.fill("#email_ver_input", str(outbox["messages"][-1]["code"]))
        p.click("#email_ver_but_verify")
        p.wait_for_selector("#email_success", state="visible")
        p.fill("#givenName", e.sign_up.given_name)
        p.fill("#surname", e.sign_up.surname)
        for n, (question, answer) in enumerate(zip(e.sign_up.questions, answers), start=1):
            p.select_option(f"#extension_kbq{n}", value=question)
            p.fill(f"#extension_kba{n}", answer)
        self.submit("#continue", "/profile/")
        t = self._timed("sign_up", t)
        # Profile (never the off-screen honeypot).
        p.fill("#atlas_emailaddress1", e.profile.contact_email)
        p.select_option("#adx_preferredlanguageid", label=e.profile.preferred_language)
        p.select_option("#atlas_country", label=e.profile.country)
        self.submit("#UpdateButton", f"/{LOCALE}/")
        t = self._timed("profile", t)
        with p.expect_navigation(wait_until="domcontentloaded"):
            p.click("#start_application")
        self.applicant(e.primary)
        self.submit("#InsertButton", "/visa_options/")
        t = self._timed("applicant_details", t)
        self.visa(e.primary, choose_post=True)
        self.submit("#NextButton", "/additional_visa_options/")
        t = self._timed("visa_options", t)
        p.fill("#atlas_ds_160_confirmation_number", e.primary.ds160)
        self.submit("#NextButton", "/interview_waiver/")
        t = self._timed("additional_options", t)
        self.submit("#NextButton", "/manage_dependents/")
        t = self._timed("interview_waiver", t)
        contacts = {}
        for dependent in e.dependents:
            t = self.dependent(dependent, t)
            contacts[dependent.applicant_id] = self.contact_id
        for dependent in e.dependents:  # own delivery: the row menu's delivery link (?contact=)
            if dependent.delivery is not None and dependent.delivery != e.primary.delivery:
                p.goto(f"{self.base}/{LOCALE}/document_delivery/?contact={contacts[dependent.applicant_id]}",
                       wait_until="domcontentloaded")
                self.delivery(dependent)
                self.submit("#NextButton", "/manage_dependents/")
                t = self._timed("dependent_delivery", t)
        self.submit("#NextButton", "/document_delivery/")
        t = self._timed("manage_dependents", t)
        self.delivery(e.primary)
        self.submit("#NextButton", "/payment/")  # the stop: nothing on the payment page is pressed
        self.photograph()
        self._timed("document_delivery", t)

    def applicant(self, a: ApplicantEntry) -> None:
        p, f = self.page, a.applicant
        p.fill("#atlas_first_name", f.first_name)
        p.fill("#atlas_last_name", f.last_name)
        p.select_option("#atlas_pob_country", label=f.country_of_birth)
        p.select_option("#atlas_gender", label=GENDER[f.gender])
        p.select_option("#atlas_home_phone_country_code", label=f.home_phone_country)
        p.fill("#atlas_home_phone", f.home_phone)
        p.select_option("#atlas_mobile_phone_country_code", label=f.mobile_phone_country)
        p.fill("#atlas_mobile_phone", f.mobile_phone)
        p.fill("#atlas_email", f.email)
        p.fill("#atlas_mailing_street", f.mailing_street)
        p.fill("#atlas_mailing_city", f.mailing_city)
        p.fill("#atlas_mailing_state", f.mailing_state)
        p.fill("#atlas_mailing_postal_code", f.mailing_postal_code)
        p.fill("#atlas_passport_number", f.passport_number)
        # Dates: the visible M/D/YYYY box; its input event makes the page fill the hidden value.
        p.fill("#atlas_passport_issuance_date_datepicker_description", f.passport_issue_date)
        p.fill("#atlas_passport_place_of_issue", f.passport_place_of_issue)
        p.fill("#atlas_passport_expiration_date_datepicker_description", f.passport_expiry_date)
        p.fill("#atlas_birthdate_datepicker_description", f.birth_date)
        p.select_option("#atlas_nationality", label=f.nationality)
        p.fill("#atlas_national_id", f.national_id)

    def visa(self, a: ApplicantEntry, *, choose_post: bool) -> None:
        p, v = self.page, a.visa
        if choose_post:  # a dependent's post is fixed (disabled) to the primary's
            p.select_option("#atlas_post", label=v.post)
        p.select_option("#atlas_visa_type", label=v.visa_type)
        p.select_option("#atlas_post_visa_category", label=v.category)  # waits for the XHR's options
        p.check(_class_id(v.visa_class))  # waits for the class fragment
        p.select_option("#atlas_visa_priority", label=v.priority)

    def dependent(self, d: ApplicantEntry, t: float) -> float:
        p = self.page
        assert d.contact is not None and d.relation is not None
        with p.expect_navigation(wait_until="domcontentloaded"):
            p.click("#find_add_dependent")
        p.fill("#firstname", d.contact.first_name)
        p.fill("#lastname", d.contact.last_name)
        p.fill("#atlas_emailaddress1", d.contact.email)
        p.select_option("#adx_preferredlanguageid", label=d.contact.preferred_language)
        self.submit("#InsertButton", "/dep_applicant_add/")
        self.contact_id = self.page.url.split("contact=", 1)[1].split("&", 1)[0]
        t = self._timed("dependent_contact", t)
        p.select_option("#atlas_relation_to_applicant", label=RELATION[d.relation])
        self.applicant(d)
        self.submit("#InsertButton", "/visa_options/")
        t = self._timed("dependent_applicant", t)
        self.visa(d, choose_post=False)
        self.submit("#NextButton", "/additional_visa_options/")
        t = self._timed("dependent_visa_options", t)
        p.fill("#atlas_ds_160_confirmation_number", d.ds160)
        self.submit("#NextButton", "/manage_dependents/")
        return self._timed("dependent_additional_options", t)

    def delivery(self, a: ApplicantEntry) -> None:  # the primary's, or a dependent's own
        p, dv = self.page, a.delivery
        assert dv is not None
        p.check(DELIVERY_RADIO[dv.option])
        if dv.option == "Premium Delivery":
            p.fill("#DDAddress", dv.street)
            p.fill("#DDAddress2", dv.street2)
            p.fill("#DDAddress3", dv.street3)
            p.fill("#DDCity", dv.city)
            p.fill("#DDState", dv.state)
            p.fill("#DDPostalCode", dv.postal_code)
            p.select_option("#document_delivery_country", label=dv.country)
        else:
            p.select_option("#atlas_pickup_location", label=PICKUP_ZH[dv.pickup_location.split(" - ", 1)[0]])


def _backdoor_state(base: str, username: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/__mock__/state/{quote(username)}", timeout=30) as r:
        return json.loads(r.read())


def verify(base: str, groups: list[Group]) -> list[str]:
    """The product's own field-by-field check of what the mock received, plus its careless flags."""
    problems: list[str] = []
    for group in groups:
        state = _backdoor_state(base, group.primary.account.username)
        for applicant_id, mismatches in compare_account(group, state).items():
            problems += [f"{applicant_id}: {m}" for m in mismatches]
        problems += [f"{group.primary.id}: careless: {flag}" for flag in careless_flags(state)]
    return problems


def run_floor(
    paths: list[Path], *, parallel: int = 1, rate_limit: int | None = 20, pictures: Path | None = None
) -> dict[str, Any]:
    """Fill every group of ``paths`` against a fresh embedded mock; return timings and problems."""
    from fixtures import MockConfig, MockPortalServer

    started = time.perf_counter()
    groups = [load_group(path) for path in paths]
    entries = [account_entry(group) for group in groups]
    config = MockConfig(default_locale=LOCALE, rate_limit_per_second=rate_limit)
    results: dict[str, Any] = {"groups": {}, "errors": []}
    with MockPortalServer(config) as server:
        base = str(server.url)
        work: queue.Queue[AccountEntry] = queue.Queue()
        for entry in entries:
            work.put(entry)

        def worker() -> None:
            try:
                with sync_playwright() as playwright:
                    browser = launch_chromium(playwright)
                    try:
                        while True:
                            try:
                                entry = work.get_nowait()
                            except queue.Empty:
                                return
                            t0 = time.perf_counter()
                            context = browser.new_context(locale=LOCALE, viewport={"width": 1280, "height": 900})
                            try:
                                filler = Filler(context.new_page(), base, entry, pictures)
                                filler.run()
                            finally:
                                context.close()
                            results["groups"][entry.account_id] = {
                                "seconds": round(time.perf_counter() - t0, 3), "pages": filler.pages,
                                "pictures": filler.taken}
                    finally:
                        browser.close()
            except Exception as error:  # noqa: BLE001 - reported in the JSON and the exit code
                results["errors"].append(f"{type(error).__name__}: {error}")

        threads = [threading.Thread(target=worker, name=f"floor-{n}") for n in range(max(1, min(parallel, len(entries))))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not results["errors"]:
            results["errors"] += verify(base, groups)
    results["seconds"] = round(time.perf_counter() - started, 3)
    results["applicants"] = sum(len(e.applicants) for e in entries)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="group files (.yaml)")
    parser.add_argument("--parallel", type=int, default=1, help="browser workers (one Chromium each)")
    parser.add_argument("--rate-limit", type=int, default=20,
                        help="mock rate_limit_per_second (default 20, the dry run's); 0 = off")
    parser.add_argument("--pictures", type=Path, default=None,
                        help="also photograph every page into this folder, as the dry run does by default")
    args = parser.parse_args(argv)
    files = [f for p in args.paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    if args.pictures is not None:
        args.pictures.mkdir(parents=True, exist_ok=True)
    results = run_floor(files, parallel=args.parallel, rate_limit=args.rate_limit or None, pictures=args.pictures)
    print(json.dumps(results, ensure_ascii=False))
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
