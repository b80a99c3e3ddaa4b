"""Finding a control the ways a person does, telling its kind, acting on it and reading it back.

Page-level tests on ``page.set_content`` snippets (as playwright-python's own tests do): each
way of finding, each widget kind, the honeypot in every disguise, the tags the probe leaves.
"""

from __future__ import annotations

from typing import Any

import pytest

from flows._specs import FieldSpec
from flows._widgets import probe, probe_and_read_back, probe_many, read_back, set_value, wait_drawn
from flows.errors import InvisibleField

# Power Pages' date pair (fixtures/templates/macros.html) and the script that keeps it in sync
# (fixtures/static/portal.js): typing M/D/YYYY into the visible box fills the hidden ISO value.
DATE_PAIR = """
<div class="cell datetime form-control-cell">
  <div class="info required"><label for="atlas_birthdate" id="atlas_birthdate_label">Date of Birth<span
    class="required-star"> *</span></label></div>
  <div class="control">
    <input type="text" id="atlas_birthdate" name="atlas_birthdate" class="form-control hidden datetime"
      style="display:none" data-type="date" aria-hidden="true" tabindex="-1" value="">
    <div class="input-group datetimepicker">
      <input type="text" id="atlas_birthdate_datepicker_description" class="form-control" placeholder="M/D/YYYY"
        autocomplete="off" aria-labelledby="atlas_birthdate_label" value="">
    </div>
  </div>
</div>
<script>
  const box = document.getElementById("atlas_birthdate_datepicker_description");
  const hidden = document.getElementById("atlas_birthdate");
  const toIso = (t) => { const m = /^\\s*(\\d{1,2})\\/(\\d{1,2})\\/(\\d{4})\\s*$/.exec(t || "");
    return m ? m[3] + "-" + m[1].padStart(2, "0") + "-" + m[2].padStart(2, "0") + "T00:00:00.0000000Z" : ""; };
  for (const ev of ["input", "change", "blur"]) box.addEventListener(ev, () => { hidden.value = toIso(box.value); });
</script>
"""

# An ARIA combobox whose listbox is filled only when it is opened, filtered as one types.
COMBOBOX = """
<label id="lang_label">Preferred Language</label>
<input id="lang" role="combobox" aria-labelledby="lang_label" aria-controls="lang_list" aria-expanded="false">
<ul id="lang_list" role="listbox" style="display:none"></ul>
<script>
  const input = document.getElementById("lang"), list = document.getElementById("lang_list");
  const all = ["中文(中国)", "中文(台灣)", "English", "日本語"];
  const show = () => {
    list.innerHTML = "";
    for (const text of all.filter((t) => t.toLowerCase().includes(input.value.toLowerCase()) || !input.value)) {
      const li = document.createElement("li"); li.setAttribute("role", "option"); li.textContent = text;
      li.addEventListener("click", () => { input.value = text; list.style.display = "none";
        input.setAttribute("aria-expanded", "false"); });
      list.appendChild(li);
    }
    list.style.display = ""; input.setAttribute("aria-expanded", "true");
  };
  input.addEventListener("click", show); input.addEventListener("input", show);
</script>
"""

# The real B2C security-question page (portal-dom.md, "Further evidence"): the question in a
# paragraph, the answer box in the next list item with an EMPTY label. Question 2 is not asked.
SECURITY_QUESTIONS = """
<form id="attributeVerification"><div id="attributeList"><ul>
  <li class="Paragraph kbq1ReadOnly_li"><div class="attrEntry">
    <p class="textInParagraph" id="kbq1ReadOnly" aria-label="What is your mother's maiden name?">What is your
      mother's maiden name?</p></div></li>
  <li class="Password kba1_response_li"><div class="attrEntry">
    <label for="kba1_response"></label><input type="password" id="kba1_response" autocomplete="new-password"></div></li>
  <li class="Paragraph kbq2ReadOnly_li" style="display:none"><div class="attrEntry">
    <p class="textInParagraph" id="kbq2ReadOnly" aria-label="What was the name of your first pet?">What was the
      name of your first pet?</p></div></li>
  <li class="Password kba2_response_li" style="display:none"><div class="attrEntry">
    <label for="kba2_response"></label><input type="password" id="kba2_response"></div></li>
  <li class="Paragraph kbq3ReadOnly_li"><div class="attrEntry">
    <p class="textInParagraph" id="kbq3ReadOnly" aria-label="What is the name of the road/street you grew up on?">
      What is the name of the road/street you grew up on?</p></div></li>
  <li class="Password kba3_response_li"><div class="attrEntry">
    <label for="kba3_response"></label><input type="password" id="kba3_response"></div></li>
</ul></div></form>
"""

VISA_CLASS_RADIOS = """
<h3 id="class_heading">Visa Class</h3>
<div role="radiogroup" aria-labelledby="class_heading">
  <div><input type="radio" id="c1" name="ctl00$Content$atlas_visa_class" value="g-1"><label for="c1">B1</label></div>
  <div><input type="radio" id="c2" name="ctl00$Content$atlas_visa_class" value="g-2"><label for="c2">B1/B2</label></div>
  <div><input type="radio" id="c3" name="ctl00$Content$atlas_visa_class" value="g-3" checked><label for="c3">B2</label></div>
</div>
"""


@pytest.fixture()
def page(shared_page: Any) -> Any:
    """The module's page, on a fresh document (no script, timer or tag of the previous test)."""
    shared_page.goto("about:blank")
    return shared_page


def field(key: str, **kw: Any) -> FieldSpec:
    return FieldSpec(key=key, **kw)


def attribute(page: Any, css: str, name: str) -> str | None:
    return page.locator(css).first.get_attribute(name)


# --- how a control is found -------------------------------------------------------------

def test_found_by_its_own_id_before_any_label(page: Any) -> None:
    page.set_content('<label for="x">First Name</label><input id="x"><input id="atlas_first_name">')
    found = probe(page, field("first_name", id="atlas_first_name", labels=("First Name",)))
    assert found is not None and (found.found_by, found.via, found.kind) == ("id", "id", "text")
    assert attribute(page, "#atlas_first_name", "data-ustd-key") == "first_name"
    assert attribute(page, "#x", "data-ustd-key") is None


def test_found_by_another_id_then_by_name(page: Any) -> None:
    page.set_content('<input id="firstname"><input name="atlas_last_name">')
    found = probe_many(page, [field("first", id="atlas_first_name", names=("firstname",)),
                              field("last", id="atlas_last_name")])
    assert found["first"] is not None and (found["first"].found_by, found["first"].via) == ("name", "names")
    assert found["last"] is not None and (found["last"].found_by, found["last"].via) == ("name", "id")


def test_found_by_a_power_pages_mangled_name(page: Any) -> None:
    page.set_content(VISA_CLASS_RADIOS)
    found = probe(page, field("visa_class", id="atlas_visa_class"))
    assert found is not None and (found.found_by, found.kind) == ("name", "radio")
    assert found.options == ("B1", "B1/B2", "B2") and found.value == "B2" and found.selected == (2,)


def test_found_by_label_for_with_a_required_star(page: Any) -> None:
    page.set_content('<label for="a">Passport Number<span class="required-star"> *</span></label><input id="a">')
    found = probe(page, field("passport", id="atlas_passport_number", labels=("护照号码", "Passport Number")))
    assert found is not None and (found.found_by, found.via) == ("label", "labels")


def test_found_by_a_label_with_a_leading_star_and_full_width_text(page: Any) -> None:
    page.set_content('<label for="a">* 电子邮件（联系）</label><input id="a">')
    found = probe(page, field("email", labels=("电子邮件(联系)",)))
    assert found is not None and found.found_by == "label"


def test_found_by_a_wrapping_label(page: Any) -> None:
    page.set_content('<label>City <select><option>Beijing</option><option>Shanghai</option></select></label>')
    found = probe(page, field("city", labels=("City",)))
    assert found is not None and (found.found_by, found.kind, found.value) == ("label", "select", "Beijing")


def test_found_by_aria_label(page: Any) -> None:
    page.set_content('<p aria-label="Surname">Surname</p><input aria-label="Surname" id="sn">')
    found = probe(page, field("surname", labels=("Surname",)))
    assert found is not None and found.found_by == "aria"
    assert attribute(page, "#sn", "data-ustd-key") == "surname"


def test_found_by_aria_labelledby(page: Any) -> None:
    page.set_content('<span id="l1">Given</span> <span id="l2">Name</span><textarea aria-labelledby="l1 l2"></textarea>')
    found = probe(page, field("given", labels=("Given Name",)))
    assert found is not None and (found.found_by, found.kind) == ("aria", "textarea")


def test_found_by_a_fieldset_legend(page: Any) -> None:
    page.set_content("""<fieldset><legend><h2>Delivery Option<span> *</span></h2></legend>
      <label><input type="radio" name="d" value="1"> Premium Delivery</label>
      <label><input type="radio" name="d" value="2"> Pick Up</label></fieldset>""")
    found = probe(page, field("delivery", labels=("Delivery Option",)))
    assert found is not None and (found.found_by, found.kind) == ("legend", "radio")
    assert found.options == ("Premium Delivery", "Pick Up") and found.value == ""


def test_found_by_a_radiogroup_labelled_by_its_heading(page: Any) -> None:
    page.set_content(VISA_CLASS_RADIOS)
    found = probe(page, field("visa_class", labels=("Visa Class",)))
    assert found is not None and (found.found_by, found.kind) == ("legend", "radio")
    assert page.locator('[data-ustd-key="visa_class"]').count() == 3
    assert attribute(page, "#c2", "data-ustd-option") == "1"


def test_security_answers_are_paired_with_the_question_shown_before_them(page: Any) -> None:
    page.set_content(SECURITY_QUESTIONS)
    specs = [field("answer_a", kind="secret"), field("answer_b", kind="secret"), field("answer_c", kind="secret")]
    found = probe_many(page, specs, labels={
        "answer_a": ["What is the name of the road/street you grew up on?"],
        "answer_b": ["What is your mother's maiden name?"],
        "answer_c": ["What was the name of your first pet?"],  # not asked: its box is hidden
    })
    a, b, c = found["answer_a"], found["answer_b"], found["answer_c"]
    assert a is not None and (a.found_by, a.via, a.kind, a.hidden) == ("question", "extra", "secret", False)
    assert b is not None and (b.found_by, b.hidden) == ("question", False)
    assert attribute(page, "#kba3_response", "data-ustd-key") == "answer_a"
    assert attribute(page, "#kba1_response", "data-ustd-key") == "answer_b"
    assert c is not None and c.hidden  # paired with its own (hidden) box, never with another question's
    assert attribute(page, "#kba2_response", "data-ustd-key") == "answer_c"
    with pytest.raises(InvisibleField):
        set_value(page, c, "Rex")


def test_a_question_stops_at_the_next_question(page: Any) -> None:
    """A question with no answer box of its own does not take the next question's box."""
    page.set_content("""<ul><li><p class="q">Question one?</p></li>
      <li><p class="q">Question two?</p></li><li><input id="two"></li></ul>""")
    found = probe_many(page, [field("one", labels=("Question one?",)), field("two", labels=("Question two?",))])
    assert found["one"] is None
    assert found["two"] is not None and found["two"].found_by == "question"


def test_an_absent_field_is_none_and_an_id_wins_over_another_fields_label(page: Any) -> None:
    page.set_content('<label for="atlas_city">City</label><input id="atlas_city">')
    found = probe_many(page, [field("town", labels=("City",)), field("city", id="atlas_city"),
                              field("fax", id="fax", labels=("Fax",))])
    assert found["fax"] is None
    assert found["city"] is not None and found["city"].found_by == "id"
    assert found["town"] is None  # the only "City" control is the city field's


def test_document_order_is_reported(page: Any) -> None:
    page.set_content('<input id="b"><input id="a"><input id="c">')
    found = probe_many(page, [field("a", id="a"), field("c", id="c"), field("b", id="b")])
    assert [found[k].order for k in ("b", "a", "c")] == [0, 1, 2]  # type: ignore[union-attr]


# --- what kind of control it is -----------------------------------------------------------

def test_kinds_are_detected(page: Any) -> None:
    page.set_content(f"""
      <input id="t" value="Zhang"><textarea id="ta">a  b</textarea><input type="password" id="pw" value="hunter2">
      <select id="s"><option value="">--选择--</option>
        <optgroup label="Business"><option>B1</option><option selected>B1/B2</option></optgroup>
        <optgroup label="Students"><option>F1</option></optgroup></select>
      <div id="cl"><input type="checkbox" name="cls" id="k1" checked><label for="k1">J1</label>
        <input type="checkbox" name="cls" id="k2" checked><label for="k2">F1</label></div>
      <input type="checkbox" id="agree"><label for="agree">I agree</label>
      <input type="date" id="d" value="2024-05-06">
      {DATE_PAIR}{COMBOBOX}""")
    specs = [field("t", id="t"), field("ta", id="ta"), field("pw", id="pw"), field("s", id="s"),
             field("cl", id="cl"), field("agree", id="agree"), field("d", id="d"),
             field("dob", id="atlas_birthdate"), field("lang", labels=("Preferred Language",))]
    found = probe_many(page, specs)
    kinds = {k: (p.kind, p.value) for k, p in found.items() if p}
    assert kinds == {
        "t": ("text", "Zhang"), "ta": ("textarea", "a  b"), "pw": ("secret", ""), "s": ("select", "B1/B2"),
        "cl": ("checkbox", "J1; F1"), "agree": ("checkbox", ""), "d": ("date", "2024-05-06"),
        "dob": ("date_pair", ""), "lang": ("combobox", ""),
    }
    assert found["s"].options == ("--选择--", "B1", "B1/B2", "F1")  # type: ignore[union-attr]
    assert found["cl"].options == ("J1", "F1") and found["cl"].selected == (0, 1)  # type: ignore[union-attr]
    assert found["agree"].options == ("I agree",)  # type: ignore[union-attr]
    dob = found["dob"]
    assert dob is not None and (dob.found_by, dob.hidden) == ("id", False)
    assert attribute(page, "#atlas_birthdate_datepicker_description", "data-ustd-key") == "dob"
    lang = found["lang"]
    assert lang is not None and (lang.found_by, lang.options, lang.listbox) == ("aria", (), "#lang_list")


def test_a_forced_kind_wins(page: Any) -> None:
    page.set_content('<input id="code" type="text">')
    found = probe(page, field("code", id="code", kind="secret"))
    assert found is not None and found.kind == "secret"


def test_disabled_and_readonly(page: Any) -> None:
    page.set_content('<select id="c" disabled><option>China</option></select><input id="r" readonly value="x">'
                     '<fieldset disabled><input id="f"></fieldset>')
    found = probe_many(page, [field("c", id="c"), field("r", id="r"), field("f", id="f")])
    assert all(p is not None and p.disabled for p in found.values())


# --- the honeypot ------------------------------------------------------------------------

HONEYPOTS = {
    "off-screen": 'style="position:absolute;left:-10000px;top:0"',
    "aria-hidden": 'aria-hidden="true"',
    "display-none": 'style="display:none"',
    "opacity-0": 'style="opacity:0"',
    "zero-size": 'style="width:0;height:0;overflow:hidden"',
}


@pytest.mark.parametrize("disguise", sorted(HONEYPOTS))
def test_the_honeypot_is_never_filled_and_its_visible_twin_is(page: Any, disguise: str) -> None:
    page.set_content(f"""
      <div class="frm-pref" {HONEYPOTS[disguise]}><label for="frm_pref_fax">Fax Number</label>
        <input id="frm_pref_fax" name="frm_pref_fax" tabindex="-1"></div>
      <div><label for="fax">Fax number *</label><input id="fax"></div>""")
    found = probe(page, field("fax", labels=("Fax Number",)))
    assert found is not None and not found.hidden
    set_value(page, found, "010-1234")
    assert page.input_value("#fax") == "010-1234"
    assert page.input_value("#frm_pref_fax") == ""
    assert attribute(page, "#frm_pref_fax", "data-ustd-key") is None


@pytest.mark.parametrize("disguise", sorted(HONEYPOTS))
def test_a_field_found_only_as_a_honeypot_is_hidden_and_refused(page: Any, disguise: str) -> None:
    page.set_content(f'<div {HONEYPOTS[disguise]}><label for="hp">Fax Number</label><input id="hp"></div>')
    found = probe(page, field("fax", labels=("Fax Number",)))
    assert found is not None and found.hidden
    with pytest.raises(InvisibleField):
        set_value(page, found, "010-1234")
    assert page.input_value("#hp") == ""


def test_hidden_radio_options_are_marked_and_never_chosen(page: Any) -> None:
    page.set_content("""<div id="opts">
      <label><input type="radio" name="o" value="1"> Pick Up</label>
      <span style="display:none"><label><input type="radio" name="o" value="2"> Trap</label></span></div>""")
    found = probe(page, field("o", id="opts"))
    assert found is not None and found.hidden_options == frozenset({1}) and not found.hidden
    with pytest.raises(InvisibleField):
        set_value(page, found, "Trap", option_index=1)


# --- acting and reading back -------------------------------------------------------------

def test_each_kind_is_set_as_a_person_does_and_read_back(page: Any) -> None:
    page.set_content(f"""
      <input id="t"><textarea id="ta"></textarea><input type="password" id="pw">
      <select id="s"><option value="">--选择--</option><optgroup label="B"><option>B1</option><option>B1/B2</option>
        </optgroup></select>
      {VISA_CLASS_RADIOS}
      <div id="cl"><input type="checkbox" name="cls" id="k1" checked><label for="k1">J1</label>
        <input type="checkbox" name="cls" id="k2"><label for="k2">F1</label></div>
      <input type="checkbox" id="agree"><label for="agree">I agree</label>
      <input type="date" id="d">{DATE_PAIR}{COMBOBOX}""")
    specs = [field("t", id="t"), field("ta", id="ta"), field("pw", id="pw"), field("s", id="s"),
             field("r", id="atlas_visa_class"), field("cl", id="cl"), field("agree", id="agree"),
             field("d", id="d"), field("dob", id="atlas_birthdate"), field("lang", id="lang")]
    found = probe_many(page, specs)
    given: list[tuple[str, str, int | None]] = [
        ("t", "ZHANG", None), ("ta", "line", None), ("pw", "s3cret!", None), ("s", "B1/B2", 2),
        ("r", "B1/B2", 1), ("cl", "F1", 1), ("agree", "yes", None), ("d", "3/7/1990", None),
        ("dob", "1990-03-07", None), ("lang", "English", None),
    ]
    for key, text, index in given:
        set_value(page, found[key], text, option_index=index)  # type: ignore[arg-type]
    shown = read_back(page, [key for key, _, _ in given])
    assert shown == {"t": "ZHANG", "ta": "line", "pw": "", "s": "B1/B2", "r": "B1/B2", "cl": "F1",
                     "agree": "I agree", "d": "1990-03-07", "dob": "3/7/1990", "lang": "English"}
    assert page.input_value("#pw") == "s3cret!"
    assert page.input_value("#atlas_birthdate") == "1990-03-07T00:00:00.0000000Z"  # the page synced it


def test_a_custom_styled_radio_is_chosen_through_its_label(page: Any) -> None:
    page.set_content("""<style>.pill input{opacity:0;position:absolute} .pill label{padding:4px;border:1px solid}</style>
      <fieldset><legend>Gender</legend>
        <span class="pill"><input type="radio" name="g" id="g0" value="0"><label for="g0">Male</label></span>
        <span class="pill"><input type="radio" name="g" id="g1" value="1"><label for="g1">Female</label></span>
      </fieldset>""")
    found = probe(page, field("gender", labels=("Gender",)))
    assert found is not None and found.label_click == frozenset({0, 1}) and not found.hidden
    set_value(page, found, "Female", option_index=1)
    assert page.is_checked("#g1")
    assert read_back(page, ["gender"]) == {"gender": "Female"}


def test_a_date_box_gets_the_change_event_a_person_leaving_it_sends(page: Any) -> None:
    page.set_content("""<input id="dob" type="hidden"><input id="dob_datepicker_description">
      <script>document.addEventListener("change", (e) => {  // a delegated listener: the event bubbles
        window.changes = (window.changes || 0) + 1;
        if (e.target.id === "dob_datepicker_description") document.getElementById("dob").value = e.target.value;
      });</script>""")
    found = probe(page, field("dob", id="dob"))
    assert found is not None and found.kind == "date_pair"

    set_value(page, found, "1990-03-07")

    assert page.evaluate("[window.changes, document.getElementById('dob').value]") == [1, "3/7/1990"]


def test_a_single_checkbox_is_unticked_for_no(page: Any) -> None:
    page.set_content('<input type="checkbox" id="agree" checked><label for="agree">I agree</label>')
    found = probe(page, field("agree", id="agree"))
    assert found is not None
    set_value(page, found, "no")
    assert not page.is_checked("#agree")


def test_stale_tags_are_cleared_and_read_back_of_an_untagged_key_is_blank(page: Any) -> None:
    page.set_content('<input id="a" data-ustd-key="k" data-ustd-kind="text"><input id="b" value="B">')
    found = probe(page, field("k", id="b"))
    assert found is not None
    assert attribute(page, "#a", "data-ustd-key") is None
    assert read_back(page, ["k", "nothing"]) == {"k": "B", "nothing": ""}


# A select whose change asks the portal (fetch) and draws the answer, as the visa-options cascade does.
CASCADE = """<!doctype html><meta charset="utf-8"><select id="s"><option></option><option>x</option></select>
<div id="into"></div><script>
  document.getElementById("s").addEventListener("change", async () => {
    const html = await (await fetch("/answer")).text();
    if (html) document.getElementById("into").innerHTML = html;
  });
</script>"""


@pytest.mark.parametrize(("body", "watched", "ended_by"), [
    ('<label><input type="radio" name="c" value="B1"> B1</label>', True, ("drawn", "changed")),
    ("", True, ("frames",)),  # an answer that draws nothing: two frames, as before
    ('<label><input type="radio" name="c" value="B1"> B1</label>', False, ("frames",)),  # no watch: frames
])
def test_a_cascade_answer_is_waited_for_until_the_page_drew_it(
    page: Any, body: str, watched: bool, ended_by: tuple[str, ...]
) -> None:
    page.route("http://portal.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body=body if route.request.url.endswith("/answer") else CASCADE))
    try:
        page.goto("http://portal.test/visa_options/")
        if watched:
            probe_many(page, [field("s", id="s")], absent=())  # a whole-page look puts the watch on
        with page.expect_response("**/answer") as answered:
            page.select_option("#s", label="x")
        answered.value.finished()

        assert wait_drawn(page, answered.value.url) in ended_by
        if body and watched:
            assert page.locator("#into input").count() == 1  # what the answer drew is there for the next look
    finally:
        page.unroute_all()


def test_a_look_can_carry_the_read_back(page: Any) -> None:
    page.set_content('<input id="a"><select id="b"><option>One</option><option>Two</option></select>')
    found = probe_many(page, [field("a", id="a"), field("b", id="b")], absent=())
    set_value(page, found["a"], "typed")  # type: ignore[arg-type]
    set_value(page, found["b"], "Two", option_index=1)  # type: ignore[arg-type]

    probes, shown = probe_and_read_back(page, [field("c", id="c")], ["a", "b"], absent={"c"})

    assert probes == {"c": None}
    assert shown == {"a": "typed", "b": "Two"} == read_back(page, ["a", "b"])
