"""The portal map: shipped data, staff corrections (config folder, --portal-map), clear errors.

Fast and browser-free. Every test reads its config folder from a tmp path (``USTD_CONFIG_DIR``,
or platformdirs patched), never the user's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import _portal_map as pm
from flows._portal_map import CONFIG_DIR_ENV, load_interstitials, load_portal_map
from flows._specs import FieldSpec, OptionTexts, PortalMap
from flows.errors import PortalMapInvalid

ROOT = Path(__file__).resolve().parent.parent
PORTAL_DOM = ROOT / "tests" / "data" / "portal-dom.md"  # a copy of the team's notes on the real markup
runner = CliRunner()

APPLICANT_KEYS = [
    "first_name", "last_name", "country_of_birth", "gender", "home_phone_country", "home_phone",
    "mobile_phone_country", "mobile_phone", "email", "mailing_street", "mailing_city", "mailing_state",
    "mailing_postal_code", "passport_number", "passport_issue_date", "passport_place_of_issue",
    "passport_expiry_date", "birth_date", "nationality", "national_id",
]  # fmt: skip
EXPECTED_KEYS = {
    "sign_in": ["username", "password", "captcha"],
    "sign_up": ["username", "new_password", "reenter_password", "account_email", "email_code", "given_name", "surname",
                "question_1", "answer_1", "question_2", "answer_2", "question_3", "answer_3"],
    "security_questions": ["answer"],
    "profile": ["profile_email", "profile_language", "profile_country"],
    "home": [],
    "applicant_details": APPLICANT_KEYS,
    "visa_options": ["visa_type", "post", "category", "visa_class", "priority"],
    "additional_options": ["ds160", "sevis_id", "petition_receipt_number", "petitioner_name"],
    # one field per question meaning, answered by assistant/waiver.py (same keys, same order)
    "interview_waiver": ["citizen_or_resident", "under_14", "age_80_or_older", "previous_visa_48_months",
                         "previous_visa_same_class_48_months", "previous_visa_issued_on_or_after_14", "ever_refused",
                         "visa_lost_stolen_revoked"],
    "manage_dependents": [],
    "dependent_contact": ["contact_first_name", "contact_last_name", "contact_email", "contact_language"],
    "dependent_applicant": [*APPLICANT_KEYS, "relation"],
    "document_delivery": ["delivery_option", "pickup_location", "premium_location", "delivery_street", "delivery_street2",
                          "delivery_street3", "delivery_city", "delivery_state", "delivery_postal_code",
                          "delivery_country"],
    "payment": [],
}  # fmt: skip

# PROFILE_FIELD_OF as assistant/runner.py wrote it by hand before the map replaced it (dad2c5c).
TODAYS_PROFILE_FIELD_OF = {
    "atlas_first_name": "given_name", "atlas_last_name": "surname", "atlas_pob_country": "country_of_birth",
    "atlas_gender": "gender", "atlas_home_phone": "home_phone", "atlas_mobile_phone": "mobile_phone",
    "atlas_email": "email", "atlas_mailing_street": "mailing.street", "atlas_mailing_city": "mailing.city",
    "atlas_mailing_state": "mailing.state", "atlas_mailing_postal_code": "mailing.postal_code",
    "atlas_passport_number": "passport.number", "atlas_passport_issuance_date": "passport.issue_date",
    "atlas_passport_place_of_issue": "passport.place_of_issue",
    "atlas_passport_expiration_date": "passport.expiry_date", "atlas_birthdate": "birth_date",
    "atlas_nationality": "nationality", "atlas_national_id": "national_id",
    "atlas_relation_to_applicant": "relation", "atlas_post": "visa.post",
    "atlas_post_visa_category": "visa.category", "atlas_visa_class": "visa.visa_class",
    "atlas_visa_priority": "visa.priority", "atlas_ds_160_confirmation_number": "ds160_number",
    "atlas_emailaddress1": "contact_email", "firstname": "given_name", "lastname": "surname",
    "adx_preferredlanguageid": "preferred_language", "DDAddress": "delivery.address.street",
    "DDAddress2": "delivery.address.street2", "DDAddress3": "delivery.address.street3",
    "DDCity": "delivery.address.city", "DDState": "delivery.address.state",
    "DDPostalCode": "delivery.address.postal_code", "atlas_pickup_location": "delivery.pickup_location",
    "signInName": "account.username", "email": "account.email",
}  # fmt: skip

# Ids the map ships that no public source shows (portal-dom.md): the mock's inventions, found by
# label on the real portal. Listed so a new unseen id is a decision, not a slip.
UNSEEN_IDS = {
    "atlas_gender", "atlas_delivery_option", "atlas_pickup_location",
    # issue 9: the class fields (portal-dom.md names them, not their ids) and the Premium Location list
    "atlas_sevis_number", "atlas_petition_number", "atlas_petitioner_name", "atlas_premium_location",
    # the date columns: the walkthrough shows their labels, no public source their ids
    "atlas_birthdate", "atlas_passport_issuance_date", "atlas_passport_expiration_date",
}
# Landmarks the lead took from the mock (portal-dom.md names the tables, not their ids).
MOCK_LANDMARKS = {"dependents_grid", "find_add_dependent", "summary_of_charges", "atlas_payment_type"}


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of the test's own: the user's real one is never read."""
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))
    return folder


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def field(portal_map: PortalMap, page: str, key: str) -> FieldSpec:
    return portal_map.page(page).field(key)


def problems_of(override: Path) -> str:
    with pytest.raises(PortalMapInvalid) as caught:
        load_portal_map(override)
    assert caught.value.exit_code == 2
    return "\n".join(caught.value.problems)


# --- the shipped map ----------------------------------------------------------------------


def test_shipped_map_has_every_page_with_its_keys_in_order() -> None:
    portal_map = load_portal_map()
    assert {name: [f.key for f in page.fields] for name, page in portal_map.pages.items()} == EXPECTED_KEYS
    assert portal_map.sources == (str(pm._shipped_path()),)
    assert all(not f.overridden for page in portal_map.pages.values() for f in page.fields)


def test_shipped_map_is_read_once() -> None:
    """Loading costs nothing per page: the same object every time while no file changes."""
    assert load_portal_map() is load_portal_map()
    assert pm._shipped.cache_info().currsize == 1


def test_portal_pages_ask_each_key_once() -> None:
    """A page may show another step's fields and the runner fills every visible field any step
    asks for, so after sign-in a key names one value (the dependent page includes Applicant Details')."""
    portal_map = load_portal_map()
    seen: dict[str, str] = {}
    for name, page in portal_map.pages.items():
        if name in ("sign_in", "sign_up", "dependent_applicant"):
            continue
        for spec in page.fields:
            assert spec.key not in seen, f"{spec.key} on {seen.get(spec.key)} and {name}"
            seen[spec.key] = name


def _words(text: str) -> set[str]:
    """Every id-like word, with ranges written as ``extension_kbq1..3`` spelled out."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    for stem, first, last in re.findall(r"([A-Za-z_]+)(\d)\.\.(\d)", text):
        words.update(f"{stem}{n}" for n in range(int(first), int(last) + 1))
    return words


def test_every_shipped_id_is_seen_on_the_real_portal_or_listed_as_unseen() -> None:
    dom_words = _words(PORTAL_DOM.read_text(encoding="utf-8"))
    words = dom_words
    portal_map = load_portal_map()
    ids = {name for page in portal_map.pages.values() for f in page.fields for name in (f.id, *f.names) if name}
    assert ids - words - UNSEEN_IDS == set()
    assert UNSEEN_IDS & dom_words == set(), "seen now: take it off UNSEEN_IDS"
    mock_readme = (ROOT / "fixtures" / "README.md").read_text(encoding="utf-8")
    for page in portal_map.pages.values():
        for css in page.landmarks:
            landmark = css.removeprefix("#")
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", landmark), css
            assert landmark in dom_words or (landmark in MOCK_LANDMARKS and landmark in mock_readme), css


def test_profile_field_of_keeps_todays_mapping() -> None:
    found = load_portal_map().profile_field_of()
    assert {name: found.get(name) for name in TODAYS_PROFILE_FIELD_OF} == TODAYS_PROFILE_FIELD_OF
    assert found["extension_kbq2"] == "account.security_questions[1]"  # new: the sign-up questions


def test_option_texts_and_synonyms_for_drifting_wordings() -> None:
    portal_map = load_portal_map()
    delivery = field(portal_map, "document_delivery", "delivery_option")
    assert delivery.texts_for("Pick Up") == OptionTexts(("Pick Up", "免费自取"), ("免费自取件", "Pick-up", "Free Pick Up"))
    assert "付费快递送件上门" in delivery.texts_for("Premium Delivery").synonyms
    assert field(portal_map, "applicant_details", "gender").texts_for("Female") == OptionTexts(("Female", "女"), ("女性",))
    relation = field(portal_map, "dependent_applicant", "relation")
    assert {"Spouse/Partner", "配偶/伴侣"} <= set(relation.texts_for("Spouse").synonyms)
    assert {"孩子", "Son/Daughter"} <= set(relation.texts_for("Child").synonyms)
    pickup = field(portal_map, "document_delivery", "pickup_location")
    shanghai = "Shanghai - Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai"
    assert pickup.texts_for(shanghai).texts == (shanghai, "上海-上海市南京西路1168号中信泰富广场GF")
    assert len(set(pickup.options.values())) == 5  # each keyed by its value and its en-US text
    visa = portal_map.page("visa_options")
    assert (visa.field("post").loads, visa.field("category").loads) == ("categor", "class")
    assert field(portal_map, "sign_in", "password").kind == "secret"
    assert field(portal_map, "applicant_details", "birth_date").value_format == "date"


@pytest.mark.parametrize(("page", "key", "list_name"), [
    ("document_delivery", "delivery_option", "delivery_options"),
    ("document_delivery", "pickup_location", "pickup_locations"),
    ("document_delivery", "premium_location", "premium_locations"),
    ("applicant_details", "nationality", "countries"),
    ("applicant_details", "gender", "genders"),
])
def test_option_lists_come_from_the_choice_lists(page: str, key: str, list_name: str) -> None:
    """The map names its list in flows/choices.yaml instead of copying it: every item is
    offered in both locales, by its canonical value or its en-US text (a flow passes either),
    with the list's other wordings as synonyms."""
    from flows import choices

    spec = field(load_portal_map(), page, key)
    for item in choices.choice_list(list_name):
        for passed in (item.value, item.en):
            shown = spec.texts_for(passed)
            assert {item.en, item.zh} <= set(shown.texts), (passed, shown)
            assert set(item.aliases) <= set(shown.texts) | set(shown.synonyms), (passed, shown)


def test_a_country_shown_by_the_portals_own_name_is_a_synonym() -> None:
    nationality = field(load_portal_map(), "applicant_details", "nationality")
    assert "Hong Kong SAR" in nationality.texts_for("Hong Kong").synonyms


def test_an_override_cannot_swap_a_fields_choice_list(tmp_path: Path) -> None:
    said = problems_of(write(tmp_path / "map.yaml", "version: 1\npages:\n  document_delivery:\n    fields:\n"
                                                     "      pickup_location:\n        choices: premium_locations\n"))
    assert "choices" in said and "cannot be changed by an override" in said


def test_class_fields_sit_on_additional_options_with_their_profile_paths() -> None:
    from flows import choices

    page = load_portal_map().page("additional_options")
    for key in choices.CLASS_FIELDS:
        spec = page.field(key)
        assert spec.profile == f"visa.{key}" and spec.optional and spec.id
    assert page.field("sevis_id").id == "atlas_sevis_number"
    assert {"SEVIS ID", "SEVIS号码"} <= set(page.field("sevis_id").labels)  # the mock's, both locales
    assert {"Petition Receipt Number", "申请收据编号"} <= set(page.field("petition_receipt_number").labels)
    assert {"Petitioner Name", "申请人雇主名称"} <= set(page.field("petitioner_name").labels)
    premium = field(load_portal_map(), "document_delivery", "premium_location")
    assert premium.profile == "delivery.premium_location"
    assert "Premium Location" not in premium.labels  # the delivery option's own radio label


def test_shipped_interstitials() -> None:
    found = load_interstitials()
    assert list(found) == list(pm.INTERSTITIAL_KINDS)
    for pattern in ("We're sorry, but something went wrong", "Sorry, but there's been an error", "something went wrong",
                    "处理您的请求时出错", "抱歉，出现了错误", "服务器错误", "Error ID"):
        assert pattern in found["server_error"]
    assert "Sorry, you have been blocked" in found["blocked"]
    assert "Just a moment" in found["challenge"]
    assert "You have exceeded the limit for viewing this page" in found["daily_cap"]


# --- corrections ---------------------------------------------------------------------------


def test_config_dir_then_portal_map_file_later_wins(config_dir: Path, tmp_path: Path) -> None:
    in_config = write(config_dir / "portal-map.yaml", """\
version: 1
pages:
  visa_options:
    fields:
      visa_class: {kind: checkbox, labels: [Class from the config folder]}
      priority: {id: atlas_priority_of_visa}
""")
    override = write(tmp_path / "run.yaml", """\
version: 1
pages:
  visa_options:
    fields:
      visa_class: {kind: radio, labels: [Class for this run]}
""")
    portal_map = load_portal_map(override)
    visa_class = field(portal_map, "visa_options", "visa_class")
    assert visa_class.kind == "radio"
    assert visa_class.labels[:3] == ("Class for this run", "Class from the config folder", "Visa Class")
    assert visa_class.overridden == {"kind", "labels"}
    assert field(portal_map, "visa_options", "priority").id == "atlas_priority_of_visa"
    assert portal_map.sources == (str(pm._shipped_path()), str(in_config), str(override))
    assert field(load_portal_map(), "visa_options", "visa_class").kind == "checkbox"  # the config folder alone


def test_config_dir_from_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(CONFIG_DIR_ENV)
    folder = tmp_path / "platformdirs"
    folder.mkdir()
    monkeypatch.setattr(platformdirs, "user_config_path", lambda *args, **kwargs: folder)
    write(folder / "portal-map.yaml", "version: 1\npages:\n  payment:\n    titles: [Payment]\n")
    assert pm.config_file() == folder / "portal-map.yaml"
    assert load_portal_map().page("payment").titles[0] == "Payment"


def test_lists_are_put_first_unless_replaced(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", """\
version: 1
pages:
  applicant_details:
    titles: [Applicant Information]
    fields:
      gender:
        labels: [Sex]
        replace: [labels]
        options:
          Male: {synonyms: [M]}
          Female: {texts: [F], replace: [texts]}
      first_name:
        labels: [Given Name, First Name]
  document_delivery:
    landmarks: ["#DeliveryAddress"]
    replace: [landmarks]
""")
    portal_map = load_portal_map(override)
    details = portal_map.page("applicant_details")
    assert details.titles[0] == "Applicant Information" and "Applicant Details" in details.titles
    gender = details.field("gender")
    assert gender.labels == ("Sex",)
    assert gender.options["Male"] == OptionTexts(("Male", "男"), ("M", "男性"))
    assert gender.options["Female"] == OptionTexts(("F",), ("女性",))
    assert details.field("first_name").labels == ("Given Name", "First Name", "名字")  # each text once
    assert portal_map.page("document_delivery").landmarks == ("#DeliveryAddress",)


def test_overridden_names_only_what_changed_and_reaches_the_dependent_page(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", """\
version: 1
pages:
  applicant_details:
    fields:
      passport_number: {id: atlas_passport_number}
      nationality: {kind: combobox, optional: false}
      gender:
        options:
          Male: {texts: [Male]}
  dependent_applicant:
    fields:
      nationality: {kind: select}
      relation:
        options:
          Other: {synonyms: [Other relative]}
""")
    portal_map = load_portal_map(override)
    details, dependent = portal_map.page("applicant_details"), portal_map.page("dependent_applicant")
    assert details.field("passport_number").overridden == frozenset()  # the same id again: no change
    assert details.field("gender").overridden == frozenset()  # a text it had already
    assert details.field("nationality").overridden == {"kind"}
    assert dependent.field("passport_number") == details.field("passport_number")
    assert (details.field("nationality").kind, dependent.field("nationality").kind) == ("combobox", "select")
    assert dependent.field("relation").overridden == {"options"}
    assert dependent.field("relation").options["Other"].synonyms[0] == "Other relative"


def test_an_override_adds_option_texts_to_a_field_without_options(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", """\
version: 1
pages:
  visa_options:
    fields:
      visa_class:
        options:
          B1/B2: {synonyms: [B-1/B-2]}
""")
    visa_class = field(load_portal_map(override), "visa_options", "visa_class")
    assert visa_class.texts_for("B1/B2") == OptionTexts(("B1/B2",), ("B-1/B-2",))
    assert visa_class.overridden == {"options"}


def test_interstitial_patterns_can_be_added(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", "version: 1\ninterstitials:\n  server_error: [系统繁忙]\n")
    found = load_interstitials(override)
    assert found["server_error"][0] == "系统繁忙" and "Error ID" in found["server_error"]
    assert found["blocked"] == load_interstitials()["blocked"]


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", "version: 1\npages:\n  payment:\n    titles: [A]\n")
    assert load_portal_map(override).page("payment").titles[0] == "A"
    write(override, "version: 1\npages:\n  payment:\n    titles: [Bcd]\n")
    assert load_portal_map(override).page("payment").titles[0] == "Bcd"


# --- errors: file, line, entry, fix ----------------------------------------------------------

HEAD = "version: 1\npages:\n  visa_options:\n    fields:\n"


@pytest.mark.parametrize(
    ("text", "line", "entry", "message", "fix"),
    [
        (HEAD + "      visa_class:\n        kind: radios\n", 6, "pages.visa_options.fields.visa_class.kind",
         "kind 'radios' is not one of auto, text, textarea, select, radio", "did you mean radio?"),
        ("version: 1\npages:\n  visa_optoins:\n    titles: [Visa]\n", 3, "pages.visa_optoins",
         "is not a page of the portal map", "did you mean visa_options?"),
        (HEAD + "      visa_clas:\n        labels: [Class]\n", 5, "pages.visa_options.fields.visa_clas",
         "is not a field of page visa_options", "did you mean visa_class?"),
        (HEAD + "      post:\n        loads: 'categ(or'\n", 6, "pages.visa_options.fields.post.loads",
         "is not a valid regular expression", "write a Python regular expression"),
        (HEAD + "      visa_class:\n        kind: [radio\n", 6, "(file)",
         "is not valid YAML", "check the indentation and quoting"),
        (HEAD + "      visa_class:\n        lable: [Class]\n", 6, "pages.visa_options.fields.visa_class.lable",
         "'lable' is not a known attribute here", "did you mean labels?"),
        (HEAD + "      visa_class: {}\n", 5, "pages.visa_options.fields.visa_class",
         "changes nothing", "give at least one attribute to change"),
        (HEAD + "      priority:\n        options:\n          Urgent: {synonyms: [紧急]}\n", 7,
         "pages.visa_options.fields.priority.options.Urgent", "is not a value of priority", "values: Regular, Emergency"),
        (HEAD + "      post:\n        replace: [labels]\n", 6, "pages.visa_options.fields.post.replace",
         "names labels, but labels is not given", "add labels: [...]"),
        (HEAD + "      post:\n        labels: [a, a]\n      post:\n        kind: select\n", 7,
         "pages.visa_options.fields.post", "appears twice", "keep one of them"),
        (HEAD + "      post: {labels: &x [a]}\n      category: {labels: *x}\n", 5, "(file)",
         "defines the YAML anchor &x", "write each value out in full"),
        (HEAD + "      post: {optional: perhaps}\n", 5, "pages.visa_options.fields.post.optional",
         "valid boolean", "write true or false"),
        ("pages: {}\n", 1, "version", "is required", "start the file with `version: 1`"),
        ("version: 2\n", 1, "version", "version 2 is not one this release reads", "write version: 1"),
        ("- version: 1\n", 1, "(file)", "must be a mapping", "see the comments at the top of the shipped map"),
    ],
    ids=["bad-kind", "unknown-page", "unknown-field", "bad-regex", "yaml-syntax", "unknown-attribute",
         "changes-nothing", "unknown-option", "replace-without-list", "duplicate-key", "yaml-anchor",
         "bad-boolean", "no-version", "unknown-version", "not-a-mapping"],
)
def test_each_error_names_file_line_entry_and_fix(tmp_path: Path, text: str, line: int, entry: str,
                                                  message: str, fix: str) -> None:
    override = write(tmp_path / "staff.yaml", text)
    report = problems_of(override)
    assert f"{override}:{line}: error: {entry}: " in report
    assert message in report and f"fix: {fix}" in report


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    override = write(tmp_path / "staff.yaml", HEAD + "      visa_class: {kind: radios}\n      visa_clas: {kind: radio}\n"
                     "  paymnet: {titles: [Pay]}\n")
    report = problems_of(override)
    assert [line.split(": error")[0] for line in report.splitlines() if ": error:" in line] == [
        f"{override}:5", f"{override}:6", f"{override}:7"]


def test_both_files_are_checked(config_dir: Path, tmp_path: Path) -> None:
    in_config = write(config_dir / "portal-map.yaml", "version: 1\npages:\n  paymnet: {titles: [Pay]}\n")
    override = write(tmp_path / "staff.yaml", HEAD + "      visa_class: {kind: radios}\n")
    report = problems_of(override)
    assert f"{in_config}:3: error: pages.paymnet" in report and f"{override}:5: error:" in report


@pytest.mark.parametrize("case", ["missing", "directory", "too-large", "not-utf8"])
def test_file_problems(tmp_path: Path, case: str) -> None:
    path = tmp_path / "staff.yaml"
    if case == "directory":
        path.mkdir()
    elif case == "too-large":
        write(path, "version: 1\n" + "#" * pm.PORTAL_MAP_BYTES)
    elif case == "not-utf8":
        path.write_bytes("version: 1\npages:\n  payment: {titles: [支付]}\n".encode("gb18030"))
    expected = {"missing": "file not found", "directory": "is not a file", "too-large": "is more than the 500 kB",
                "not-utf8": "is not UTF-8 text"}[case]
    assert f"{path}: error: (file): {expected}" in problems_of(path)


# --- ustd portal-map show ----------------------------------------------------------------------


def _show(*args: str) -> str:
    """``ustd portal-map show`` registered as the CLI does (a lone command would lose its name)."""
    import typer

    from assistant.cli import portal_map as cli

    app = typer.Typer()
    app.add_typer(cli.app, name="portal-map")
    result = runner.invoke(app, ["portal-map", "show", *args], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    return result.output


def test_show_prints_every_page_the_files_read_and_the_override_marker(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", HEAD + "      visa_class: {kind: radio}\n")
    out = _show("--portal-map", str(override))
    assert out == _show("--portal-map", str(override))  # deterministic
    assert f"2. {override} (--portal-map)" in out and "(shipped)" in out
    assert all(name in out for name in EXPECTED_KEYS)
    assert re.search(r"│ visa_class\s+│ atlas_visa_class\s+│.*│ radio\*", out)
    assert re.search(r"│ post\s+│ atlas_post\s+│.*│ auto\s", out)  # not changed: no marker
    assert "* changed by a portal map override" in out and "server_error" in out
    assert "portal-map.yaml: corrections put there apply to every run" in out


def test_show_one_page() -> None:
    out = _show("--page", "document_delivery")
    assert "DDAddress" in out and "atlas_first_name" not in out and "interstitials" not in out


def test_show_json_round_trip(tmp_path: Path) -> None:
    override = write(tmp_path / "fix.yaml", HEAD + "      visa_class: {kind: radio, labels: [Class]}\n")
    data = json.loads(_show("--portal-map", str(override), "--json"))
    portal_map = load_portal_map(override)
    assert data["sources"] == list(portal_map.sources)
    assert list(data["pages"]) == list(portal_map.pages)
    for name, page in data["pages"].items():
        spec = portal_map.page(name)
        assert (page["paths"], page["titles"], page["landmarks"]) == (list(spec.paths), list(spec.titles), list(spec.landmarks))
        rebuilt = tuple(
            FieldSpec(**{**f, "names": tuple(f["names"]), "labels": tuple(f["labels"]),
                         "overridden": frozenset(f["overridden"]),
                         "options": {v: OptionTexts(tuple(o["texts"]), tuple(o["synonyms"])) for v, o in f["options"].items()}})
            for f in page["fields"]
        )
        assert rebuilt == spec.fields
    assert data["pages"]["visa_options"]["fields"][3]["overridden"] == ["kind", "labels"]
    assert data["interstitials"] == {k: list(v) for k, v in load_interstitials(override).items()}


def test_show_unknown_page_and_invalid_file_exit_2_without_traceback(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    with pytest.raises(SystemExit) as done:
        main(["portal-map", "show", "--page", "paymnet"])
    assert done.value.code == 2
    bad = write(tmp_path / "bad.yaml", HEAD + "      visa_class:\n        kind: radios\n")
    with pytest.raises(SystemExit) as done:
        main(["portal-map", "show", "--portal-map", str(bad)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "paymnet" in err and "payment" in err
    assert f"{bad}:6: error: pages.visa_options.fields.visa_class.kind" in err and "did you mean radio?" in err
    assert "Traceback" not in err


def test_an_override_may_add_a_wording_to_an_option_from_a_choice_list(tmp_path: Path) -> None:
    override = write(tmp_path / "map.yaml", "version: 1\npages:\n  document_delivery:\n    fields:\n"
                                            "      pickup_location:\n        options:\n"
                                            "          Shanghai: {synonyms: [上海南京西路网点]}\n")
    pickup = field(load_portal_map(override), "document_delivery", "pickup_location")
    assert "上海南京西路网点" in pickup.texts_for("Shanghai").synonyms
    assert "上海-上海市南京西路1168号中信泰富广场GF" in pickup.texts_for("Shanghai").texts
    shown_as = "Shanghai - Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai"  # what the flow passes
    assert "上海南京西路网点" in pickup.texts_for(shown_as).synonyms
