"""fill_fields on page snippets: one status per wanted value, nothing dropped, few round trips.

Cascades are simulated by page scripts (a timer, or an in-page request answered by a route),
so the tests wait on page state, never on a clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Locator, Route

from flows._fill import FieldOutcome, fill_fields
from flows._specs import FieldSpec, OptionTexts
from flows._xhr import XhrRetry
from flows.errors import XhrUnheard


@pytest.fixture()
def page(shared_page: Any) -> Iterator[Any]:
    """The module's page, on a fresh document (no script, timer, route or tag of another test)."""
    shared_page.goto("about:blank")
    yield shared_page
    shared_page.unroute_all()


def by_key(outcomes: list[FieldOutcome]) -> dict[str, FieldOutcome]:
    return {outcome.key: outcome for outcome in outcomes}


def statuses(outcomes: list[FieldOutcome]) -> dict[str, str]:
    return {outcome.key: outcome.status for outcome in outcomes}


def test_each_status_and_its_reason(page: Any) -> None:
    page.set_content("""
      <label for="fn">First Name *</label><input id="fn">
      <label for="ln">Last Name *</label><input id="ln" value="ZHANG">
      <label for="ctry">Country</label><select id="ctry" disabled><option>China</option><option>Japan</option></select>
      <label for="uid">User ID</label><input id="uid" readonly value="12345678">
      <label for="pc">Postal Code</label><input id="pc">
      <script>document.getElementById("pc").addEventListener("input", (e) => {
        e.target.value = e.target.value.slice(0, 6); });</script>
      <label for="post">Post</label><select id="post"><option value="">-- Select --</option>
        <option>Beijing</option><option>Shanghai</option><option>Guangzhou</option><option>Shenyang</option>
        <option>Wuhan</option><option>Beijing OFC</option><option>Shanghai OFC</option><option>Guangzhou OFC</option>
        <option>Shenyang OFC</option><option>Wuhan OFC</option></select>
      <div style="position:absolute;left:-10000px"><label for="fax">Fax Number</label><input id="fax"></div>""")
    specs = [
        FieldSpec("first_name", id="atlas_first_name", labels=("名", "First Name")),
        FieldSpec("last_name", id="atlas_last_name", labels=("Last Name",)),
        FieldSpec("country", id="atlas_country", labels=("Country",)),
        FieldSpec("uid", labels=("User ID",)),
        FieldSpec("uid2", labels=("User ID",)),  # the only such box is uid's
        FieldSpec("postal_code", labels=("Postal Code",)),
        FieldSpec("post", id="atlas_post", labels=("Post",)),
        FieldSpec("fax", labels=("Fax Number",)),
        FieldSpec("national_id", id="atlas_national_id", optional=True),
    ]
    values = {"first_name": "San", "last_name": "ZHANG", "country": "Japan", "uid": "87654321", "uid2": "1",
              "postal_code": "1000001", "post": "Lhasa", "fax": "010-1234", "national_id": "  "}

    outcomes = fill_fields(page, specs, values, timeout_ms=2_000)

    assert statuses(outcomes) == {
        "first_name": "entered", "last_name": "already", "country": "disabled", "uid": "disabled",
        "uid2": "not_on_page", "postal_code": "not_read_back", "post": "no_option", "fax": "hidden",
    }  # the blank optional national id is not considered at all
    got = by_key(outcomes)
    assert got["first_name"] == FieldOutcome("first_name", "San", "entered", "label", "text", shown="San")
    assert "'China'" in got["country"].detail and got["country"].option_text == "Japan"
    assert "'12345678'" in got["uid"].detail
    assert got["postal_code"].detail == "typed '1000001', the page shows '100000'."
    assert got["post"].detail == (
        "None of the options matches 'Lhasa': it offers 'Beijing', 'Shanghai', 'Guangzhou', 'Shenyang', "
        "'Wuhan', 'Beijing OFC', 'Shanghai OFC', 'Guangzhou OFC' and 2 more.")
    assert page.input_value("#fax") == ""  # the honeypot stays empty
    assert all(o.detail for o in outcomes if not o.ok) and not any(o.detail for o in outcomes if o.ok)


def test_every_kind_is_entered_and_read_back(page: Any) -> None:
    page.set_content("""
      <label for="t">Surname</label><input id="t">
      <label for="s">Visa Class</label><select id="s"><option value="">--选择--</option>
        <optgroup label="Business"><option>B1</option><option>B1/B2</option></optgroup></select>
      <fieldset><legend>Gender</legend><label><input type="radio" name="g"> 男</label>
        <label><input type="radio" name="g"> 女</label></fieldset>
      <div id="atlas_visa_priority"><input type="checkbox" name="p" id="p1" checked><label for="p1">Normal</label>
        <input type="checkbox" name="p" id="p2"><label for="p2">Urgent</label></div>
      <input type="checkbox" id="agree"><label for="agree">I agree</label>
      <label for="d">Travel Date</label><input type="date" id="d">
      <label for="lang">Preferred Language</label>
      <input id="lang" role="combobox" aria-controls="lang_list"><ul id="lang_list" role="listbox"></ul>
      <script>(() => {
        const input = document.getElementById("lang"), list = document.getElementById("lang_list");
        input.addEventListener("click", () => {
          list.innerHTML = ["中文(中国)", "English"].map((t) => `<li role="option">${t}</li>`).join("");
          for (const li of list.children) li.addEventListener("click", () => { input.value = li.textContent; });
        });
      })();</script>""")
    specs = [
        FieldSpec("surname", labels=("Surname",)),
        FieldSpec("visa_class", labels=("Visa Class",)),
        FieldSpec("gender", labels=("性别", "Gender"), options={"F": OptionTexts(("Female", "女"))}),
        FieldSpec("priority", id="atlas_visa_priority"),
        FieldSpec("agree", id="agree"),
        FieldSpec("travel", labels=("Travel Date",), value_format="date"),
        FieldSpec("language", labels=("Preferred Language",),
                  options={"zh-CN": OptionTexts(("中文（中国）",))}),
    ]
    values = {"surname": "ZHANG", "visa_class": "b1/b2", "gender": "F", "priority": "Urgent", "agree": "yes",
              "travel": "5/6/2025", "language": "zh-CN"}

    got = by_key(fill_fields(page, specs, values, timeout_ms=5_000))

    assert {k: (o.status, o.kind, o.shown) for k, o in got.items()} == {
        "surname": ("entered", "text", "ZHANG"),
        "visa_class": ("entered", "select", "B1/B2"),
        "gender": ("entered", "radio", "女"),
        "priority": ("entered", "checkbox", "Urgent"),
        "agree": ("entered", "checkbox", "I agree"),
        "travel": ("entered", "date", "2025-05-06"),
        "language": ("entered", "combobox", "中文(中国)"),
    }
    assert (got["visa_class"].option_how, got["gender"].option_how, got["language"].option_how) == (
        "normalised", "exact", "normalised")
    assert not page.is_checked("#p1")  # a checkbox list keeps only the wanted option ticked


def test_a_choice_reveals_the_section_it_needs(page: Any) -> None:
    page.set_content("""
      <fieldset><legend>Delivery Option</legend>
        <label><input type="radio" name="o" value="1"> 付费送件上门</label>
        <label><input type="radio" name="o" value="2"> 免费取件</label></fieldset>
      <div id="address" style="display:none"><label for="DDCity">City</label><input id="DDCity"></div>
      <div id="pickup" style="display:none"><label for="loc">Location</label><select id="loc">
        <option></option><option>北京</option></select></div>
      <script>(() => {
        for (const r of document.querySelectorAll("input[name=o]")) r.addEventListener("change", () => {
          document.getElementById("address").style.display = r.value === "1" ? "" : "none";
          document.getElementById("pickup").style.display = r.value === "2" ? "" : "none";
        });
      })();</script>""")
    specs = [  # the address first: the routine fills in the page's order, not the table's
        FieldSpec("city", id="DDCity"),
        FieldSpec("location", id="loc"),
        FieldSpec("delivery", labels=("Delivery Option",),
                  options={"Premium Delivery": OptionTexts(("Premium Delivery", "付费送件上门"))}),
    ]
    outcomes = fill_fields(page, specs, {"city": "上海市", "location": "北京", "delivery": "Premium Delivery"})

    assert statuses(outcomes) == {"city": "entered", "location": "hidden", "delivery": "entered"}
    assert by_key(outcomes)["delivery"].option_text == "付费送件上门"
    assert page.input_value("#DDCity") == "上海市"


def test_a_select_filled_later_by_the_page_is_waited_for(page: Any) -> None:
    page.set_content("""
      <label for="cat">Category</label><select id="cat"><option value="">--选择--</option>
        <option>Visitors</option><option>Students</option></select>
      <label for="cls">Class</label><select id="cls"><option value="">--选择--</option></select>
      <script>(() => {
        document.getElementById("cat").addEventListener("change", (e) => {
          const classes = e.target.value === "Students" ? ["F1", "M1"] : ["B1", "B2"];
          setTimeout(() => { document.getElementById("cls").innerHTML =
            '<option value="">--选择--</option>' + classes.map((c) => `<option>${c}</option>`).join(""); }, 300);
        });
      })();</script>""")
    specs = [FieldSpec("visa_class", labels=("Class",)), FieldSpec("category", labels=("Category",))]

    outcomes = fill_fields(page, specs, {"category": "Students", "visa_class": "F1"}, timeout_ms=5_000)

    assert statuses(outcomes) == {"visa_class": "entered", "category": "entered"}
    assert page.eval_on_selector("#cls", "el => el.options[el.selectedIndex].text") == "F1"


POST = """<div><label for="atlas_post">Post</label><select id="atlas_post"><option value="">--选择--</option>
  <option value="g1">Beijing</option><option value="g2">Shanghai</option></select></div>"""
CATEGORY = """<div><label for="atlas_post_visa_category">Category</label><select id="atlas_post_visa_category">
  </select></div>"""
CLASSES = """<div><h3>Visa Class</h3><div id="classes"></div></div>"""
VISA_OPTIONS = """<!doctype html><meta charset="utf-8">{cells}
<script>(() => {
  const category = document.getElementById("atlas_post_visa_category");
  document.getElementById("atlas_post").addEventListener("change", async (e) => {
    const answer = await (await fetch("/_api/visa_categories?post=" + e.target.value)).json();
    category.innerHTML = '<option value=""></option>' +
      answer.value.map((c) => `<option value="${c.id}">${c.name}</option>`).join("");
  });
  category.addEventListener("change", async (e) => {
    document.getElementById("classes").innerHTML = await (await fetch("/_api/visa_classes?category=" +
      e.target.value)).text();
  });
})();</script>"""


# A page whose lists are wired up late: the first choice of each list goes unheard (its script
# was not listening yet), as on a page that attaches its handlers after it has loaded.
LATE_LISTENING = """<script>(() => {
  for (const id of ["atlas_post", "atlas_post_visa_category"]) {
    let heard = false;
    document.getElementById(id).addEventListener("change", (e) => {
      if (!heard) { heard = true; e.stopImmediatePropagation(); }
    });
  }
})();</script>"""


@pytest.fixture(params=["in-order", "shuffled", "late-listening"])
def visa_site(page: Any, request: pytest.FixtureRequest) -> list[str]:
    """The visa-options cascade of the portal, served by routes: post -> categories -> classes;
    in the page order of the cascade, or shuffled (a list before the one that fills it), or
    with each list's first choice unheard."""
    cells = CLASSES + CATEGORY + POST if request.param == "shuffled" else POST + CATEGORY + CLASSES
    if request.param == "late-listening":  # its listeners run before the cascade's own
        cells += LATE_LISTENING
    asked: list[str] = []

    def answer(route: Route) -> None:
        url = urlparse(route.request.url)
        asked.append(url.path)
        if url.path.endswith("visa_categories"):
            names = ["All Others", "Students and Exchange Visitors"]
            body = json.dumps({"value": [{"id": f"c{i}", "name": n} for i, n in enumerate(names)]})
            route.fulfill(status=200, content_type="application/json", body=body)
        elif url.path.endswith("visa_classes"):
            category = parse_qs(url.query)["category"][0]
            codes = ["B1", "B1/B2", "B2"] if category == "c0" else ["F1", "J1"]
            body = "".join(f'<label><input type="radio" name="ctl00$atlas_visa_class" value="{c}"> {c}</label>'
                           for c in codes)
            route.fulfill(status=200, content_type="text/html", body=body)
        else:
            route.fulfill(status=200, content_type="text/html", body=VISA_OPTIONS.replace("{cells}", cells))

    page.route("http://portal.test/**", answer)
    page.goto("http://portal.test/zh-CN/visa_options/")
    return asked


def test_cascades_wait_on_the_portal_request_and_find_what_it_drew(page: Any, visa_site: list[str]) -> None:
    specs = [
        FieldSpec("post", id="atlas_post", loads="visa_categories"),
        FieldSpec("category", id="atlas_post_visa_category", loads="visa_classes",
                  options={"Others": OptionTexts(("All Others",), synonyms=("其他所有",))}),
        FieldSpec("visa_class", id="atlas_visa_class", labels=("Visa Class",), overridden=frozenset({"id"})),
    ]
    outcomes = fill_fields(page, specs, {"post": "Shanghai", "category": "Others", "visa_class": "B1/B2"},
                           xhr=XhrRetry(timeout_ms=5_000, unheard_ms=1_500), timeout_ms=5_000)

    got = by_key(outcomes)
    assert statuses(outcomes) == {"post": "entered", "category": "entered", "visa_class": "entered"}
    assert got["visa_class"].found_by == "name (map override)" and got["visa_class"].kind == "radio"
    assert got["category"].shown == "All Others"
    assert [path.rsplit("/", 1)[-1] for path in visa_site[1:]] == ["visa_categories", "visa_classes"]


def test_a_choice_that_takes_long_to_make_and_is_heard_is_made_once(page: Any) -> None:
    """The wait for a request starts when the choice is made, not before: a slow action (here
    waiting for the page to show it is ready) is not taken for an unheard one and repeated."""
    asked: list[str] = []

    def answer(route: Route) -> None:
        if route.request.url.endswith(".html"):
            route.fulfill(status=200, content_type="text/html", body=VISA_OPTIONS.replace("{cells}", POST + CATEGORY)
                          + "<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend', "
                            "'<p id=ready>ready</p>'), 600);</script>")
        else:
            asked.append(urlparse(route.request.url).path)
            route.fulfill(status=200, content_type="application/json", body='{"value": []}')

    page.route("http://portal.test/**", answer)
    page.goto("http://portal.test/visa_options.html")

    def choose() -> None:
        page.locator("#ready").wait_for()
        page.locator("#atlas_post").select_option("g2")

    XhrRetry(timeout_ms=5_000, unheard_ms=300).call(page, "post options", re.compile("visa_categories"), choose)

    assert asked == ["/_api/visa_categories"]


def test_a_choice_the_page_never_hears_fails_with_what_to_do_and_not_as_a_slow_portal(page: Any) -> None:
    page.route("http://portal.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><meta charset='utf-8'>" + POST))
    page.goto("http://portal.test/zh-CN/visa_options/")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))

    with pytest.raises(XhrUnheard) as failure:
        fill_fields(page, [FieldSpec("post", id="atlas_post", loads="visa_categories")], {"post": "Shanghai"},
                    xhr=XhrRetry(timeout_ms=5_000, unheard_ms=300), timeout_ms=5_000)

    assert "sent no post options request after the choice, made twice" in str(failure.value)
    assert "by hand" in (failure.value.hint or "")
    assert asked == []
    assert page.locator("#atlas_post").input_value() == "g2"  # the choice itself was made


def test_a_loose_option_match_is_reported(page: Any) -> None:
    page.set_content("""<label for="d">Delivery</label><select id="d"><option></option>
      <option>付费送件上门</option><option>免费取件</option><option>付费网点取件</option></select>
      <label for="c">Location</label><select id="c"><option></option><option>Beijing CITIC Bank Branch</option>
      <option>Shanghai CITIC Bank Branch</option></select>""")
    specs = [FieldSpec("delivery", id="d", options={"Pick Up": OptionTexts(("Pick Up", "免费自取"), ("免费取件",))}),
             FieldSpec("location", id="c")]
    got = by_key(fill_fields(page, specs, {"delivery": "Pick Up", "location": "Shanghai CITIC Bank branch office"}))

    assert (got["delivery"].status, got["delivery"].option_how, got["delivery"].option_text) == (
        "entered", "synonym", "免费取件")
    assert (got["location"].status, got["location"].option_how) == ("entered", "close")


def test_secrets_are_typed_but_never_reported(page: Any) -> None:
    page.set_content('<label for="pw">Password</label><input type="password" id="pw">'
                     '<label for="code">Code</label><input id="code">')
    specs = [FieldSpec("password", labels=("Password",)), FieldSpec("code", labels=("Code",))]
    outcomes = fill_fields(page, specs, {"password": "s3cret!Pw", "code": "Q7x9-secret"}, secret_keys={"code"})

    assert [(o.key, o.value, o.status, o.shown) for o in outcomes] == [
        ("password", "", "entered", ""), ("code", "", "entered", "")]
    assert not any("s3cret" in repr(o) or "Q7x9" in repr(o) for o in outcomes)
    assert page.input_value("#pw") == "s3cret!Pw" and page.input_value("#code") == "Q7x9-secret"


class Counting:
    """A page or locator whose every call that reaches the browser is counted (building a
    locator is local to Python and is not)."""

    def __init__(self, target: Any, calls: list[str]) -> None:
        self._target, self._calls = target, calls

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if isinstance(attr, Locator):
            return Counting(attr, self._calls)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if isinstance(result, Locator):
                return Counting(result, self._calls)
            self._calls.append(name)
            return result

        return call


def test_n_text_fields_cost_one_probe_n_actions_and_one_read_back(page: Any) -> None:
    page.set_content('<input id="a"><label for="b">B</label><input id="b"><input aria-label="C">'
                     '<input id="d" value="already">')
    calls: list[str] = []
    specs = [FieldSpec("a", id="a"), FieldSpec("b", labels=("B",)), FieldSpec("c", labels=("C",)),
             FieldSpec("d", id="d"), FieldSpec("e", id="not_here")]

    outcomes = fill_fields(Counting(page, calls), specs, {"a": "1", "b": "2", "c": "3", "d": "already", "e": "5"})

    assert statuses(outcomes) == {"a": "entered", "b": "entered", "c": "entered", "d": "already", "e": "not_on_page"}
    assert calls == ["evaluate", "fill", "fill", "fill", "evaluate"]


def test_a_look_for_what_a_choice_revealed_carries_the_read_back(page: Any) -> None:
    page.set_content('<label for="g">Gender</label><select id="g"><option></option><option>Male</option>'
                     '<option>Female</option></select>')
    calls: list[str] = []
    specs = [FieldSpec("gender", labels=("Gender",)), FieldSpec("relation", id="not_here")]

    outcomes = fill_fields(Counting(page, calls), specs, {"gender": "Female", "relation": "Spouse"})

    assert statuses(outcomes) == {"gender": "entered", "relation": "not_on_page"}
    assert by_key(outcomes)["gender"].shown == "Female"
    assert calls == ["evaluate", "select_option", "evaluate"]  # probe, choice, look again + read back


def test_nothing_wanted_costs_nothing(page: Any) -> None:
    calls: list[str] = []
    assert fill_fields(Counting(page, calls), [FieldSpec("a", id="a")], {"a": " "}) == []
    assert calls == []
