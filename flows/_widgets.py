"""Find a field as a person would and tell what kind of control it is, in one round trip.

The real portal's markup is only partly known (portal-dom.md), so a field is looked up the
ways a person finds it, in order, first hit wins: its own id, another id or ``name``, a
``<label>``, an ``aria-label`` / ``aria-labelledby``, a fieldset legend (or a labelled radio
group), and for an unlabelled input the question text shown just before it (the B2C
security-question page). Its kind (text, select, radio group, checkbox list, the Power Pages
date pair, ``type=date``, combobox, password) is detected in the same ``page.evaluate``,
and the control is tagged ``data-ustd-key`` so the action needs no second lookup.

Visibility is ``_STATE_OF`` below (plus a check of the control's containers): a control a
person cannot see (the honeypot, a hidden section) is reported hidden and never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from flows._options import iso_date, normalise, portal_date
from flows._specs import FieldSpec
from flows.errors import InvisibleField


# What a person can see of one element (the honeypot is off-screen, aria-hidden, zero-sized or
# transparent), and its current value, in a single round trip.
_STATE_OF = """el => {
    if (!el) return null;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Page coordinates, not viewport ones: a field scrolled out of view is still visible.
    const left = box.left + window.scrollX, top = box.top + window.scrollY;
    const hidden = el.type === 'hidden' || style.visibility === 'hidden' || style.display === 'none'
        || box.width < 2 || box.height < 2 || parseFloat(style.opacity) === 0
        || left + box.width <= 0 || top + box.height <= 0
        || left >= document.documentElement.scrollWidth
        || !!el.closest('[aria-hidden="true"]');
    const option = el.tagName === 'SELECT' && el.selectedIndex >= 0 ? el.options[el.selectedIndex] : null;
    return {hidden, value: el.value, selected: option ? option.text.trim() : null};
}"""

FOUND_BY = ("id", "name", "label", "aria", "legend", "question")
"""How a control was found, most stable first (the order the lookup tries)."""

CHOICE_KINDS = frozenset({"select", "radio", "checkbox", "combobox"})
DATE_KINDS = frozenset({"date", "date_pair"})
_FALSY = frozenset({"no", "false", "0", "off", "n", "否", "不"})

_NO_LABELS: Mapping[str, Sequence[str]] = MappingProxyType({})


@dataclass(frozen=True)
class Probe:
    """What the page shows of one field, as found: enough to act on it without another lookup."""

    key: str
    found_by: str  # one of FOUND_BY
    kind: str  # a WidgetKind other than "auto"
    hidden: bool  # a person cannot see it (for groups: no option can be seen)
    disabled: bool  # disabled or read-only
    value: str  # what it shows now ("" for a password)
    options: tuple[str, ...]  # option texts, in the page's order (placeholders included)
    selector: str  # CSS of the tagged control(s)
    via: str = ""  # which spec attribute found it: id / names / labels / extra (runtime labels)
    order: int = 0  # position in the document among the fields probed together
    tag: str = ""  # tag name of the control acted on (lower case)
    selected: tuple[int, ...] = ()  # indices of the selected / checked options
    hidden_options: frozenset[int] = frozenset()  # options a person cannot see: never chosen
    label_click: frozenset[int] = frozenset()  # custom-styled options: act through their label
    listbox: str | None = None  # combobox: CSS of its listbox

    def option_selector(self, index: int) -> str:
        """CSS of one option of a radio / checkbox group."""
        return f'{self.selector}[data-ustd-option="{index}"]'

    def label_selector(self, index: int) -> str:
        """CSS of the label of a custom-styled option (its input is visually hidden)."""
        return f'[data-ustd-for="{_css_string(f"{self.key}/{index}")}"]'


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def selector_of(key: str) -> str:
    """CSS of the control(s) a probe tagged for ``key``."""
    return f'[data-ustd-key="{_css_string(key)}"]'


# Whether a control (or a label for one) was added to the document since the last full probe.
# Fields absent from a page are looked for again after an action only if one was: a cascade
# that only fills a list's options draws no new field. ``absent`` is null for a partial probe
# (it neither skips nor re-arms the watch). The same observer notes when the document last
# changed at all (``changedAt``) and wakes a ``wait_drawn`` waiting for the next change.
_WATCH_JS = r"""
const NEW_FIELD = 'input,select,textarea,[role=combobox],[role=radiogroup],[role=group],label,fieldset,legend';
let specs = allSpecs;
if (absent !== null) {
    const watch = window.__ustdWatch;
    if (watch && !watch.added) specs = allSpecs.filter((s) => !absent.includes(s.key));
    if (!watch) {
        window.__ustdWatch = {added: false, changedAt: 0, onChange: null};
        new MutationObserver((records) => {
            const seen = window.__ustdWatch;
            seen.changedAt = performance.now();
            if (seen.onChange) { const wake = seen.onChange; seen.onChange = null; wake(); }
            for (const record of records) for (const node of record.addedNodes) {
                if (node.nodeType === 1 && !['OPTION', 'OPTGROUP'].includes(node.tagName)
                    && (node.matches(NEW_FIELD) || node.querySelector(NEW_FIELD))) { seen.added = true; return; }
            }
        }).observe(document.documentElement, {childList: true, subtree: true});
    }
    window.__ustdWatch.added = false;
}
"""

# What a person can see, for the page scripts: ``isHidden(el)`` is _STATE_OF plus the control's
# containers.
VISIBILITY_JS = f"const stateOf = {_STATE_OF};\n" + r"""
// _STATE_OF looks at the element itself; a honeypot's container may be what is transparent or
// clipped to nothing (opacity is not inherited, a zero-size overflow:hidden box hides its content).
const hiddenByContainer = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (parseFloat(style.opacity) === 0) return true;
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
            const box = up.getBoundingClientRect();
            if (box.width < 2 || box.height < 2) return true;
        }
    }
    return false;
};
const isHidden = (el) => { const s = stateOf(el); return !s || s.hidden || hiddenByContainer(el); };
"""

# Shared helpers of the page scripts: the same normalisation as _options.normalise.
_JS_HELPERS = r"""
const norm = (s) => {
    let t = String(s || '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
    if (t.endsWith('*')) t = t.slice(0, -1).trim();
    return t;
};
const starless = (t) => t.replace(/\*/g, ' ').replace(/\s+/g, ' ').trim();
const PLACEHOLDERS = new Set(['', 'select', '选择', '请选择', 'please select', 'select one', 'none selected']);
const isPlaceholder = (t) => PLACEHOLDERS.has(norm(t).replace(/[-–—_.·…:：()（）\[\]<>\s]+/g, ' ').trim());
const SKIP_TEXT = new Set(['SELECT', 'TEXTAREA', 'SCRIPT', 'STYLE', 'OPTION', 'TEMPLATE']);
const textOf = (el) => {  // text a person reads on it, without the options of a control inside
    let out = '';
    for (const node of el.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) out += node.textContent;
        else if (node.nodeType === Node.ELEMENT_NODE && !SKIP_TEXT.has(node.tagName)) out += ' ' + textOf(node) + ' ';
    }
    return out.replace(/\s+/g, ' ').trim();
};
const labelOf = (input) => {
    if (input.labels && input.labels.length) {
        for (const label of input.labels) if (textOf(label)) return label;
        return input.labels[0];
    }
    const ids = (input.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    return ids.length ? document.getElementById(ids[0]) : null;
};
const optionText = (input) => {  // the text shown for a radio / checkbox
    const label = labelOf(input);
    let text = label ? textOf(label) : '';
    if (!text) text = input.getAttribute('aria-label') || '';
    let next = input.nextSibling;
    while (!text && next) {
        if (next.nodeType === Node.TEXT_NODE) text = next.textContent.trim();
        else if (next.nodeType === Node.ELEMENT_NODE) { if (next.matches('input,select,textarea')) break; text = textOf(next); }
        next = next.nextSibling;
    }
    return text.replace(/\s+/g, ' ').trim();
};
const listboxOf = (el) => {
    const box = el.closest('[role=combobox]') || el;
    for (const holder of [box, el]) {
        const id = (holder.getAttribute('aria-controls') || holder.getAttribute('aria-owns') || '').split(/\s+/)[0];
        if (id) return id;
    }
    return '';
};
const optionsOfListbox = (id) => {
    const box = id ? document.getElementById(id) : null;
    return box ? Array.from(box.querySelectorAll('[role=option]')) : [];
};
const valueOf = (kind, target, members) => {
    if (!target) return '';
    if (kind === 'secret') return '';
    if (kind === 'radio' || kind === 'checkbox') return members.filter((m) => m.checked).map(optionText).join('; ');
    if (target.tagName === 'SELECT') {
        const option = target.selectedIndex >= 0 ? target.options[target.selectedIndex] : null;
        return option ? option.text.trim() : '';
    }
    if (kind === 'combobox' && !('value' in target && target.tagName !== 'BUTTON')) return textOf(target);
    return target.value == null ? '' : String(target.value);
};
const readTagged = (keys) => {  // what each tagged field shows now ('' for a key with no tag)
    const tagged = {};
    for (const el of document.querySelectorAll('[data-ustd-key]')) {
        const key = el.getAttribute('data-ustd-key');
        (tagged[key] = tagged[key] || []).push(el);
    }
    const out = {};
    for (const key of keys) {
        const els = tagged[key] || [];
        if (!els.length) { out[key] = ''; continue; }
        const kind = els[0].getAttribute('data-ustd-kind') || 'text';
        els.sort((a, b) => Number(a.getAttribute('data-ustd-option') || 0) - Number(b.getAttribute('data-ustd-option') || 0));
        out[key] = valueOf(kind, els[0], els);
    }
    return out;
};
"""

_PROBE_JS = (
    "([allSpecs, absent, readKeys]) => {\n"
    + _JS_HELPERS
    + _WATCH_JS
    + VISIBILITY_JS
    + r"""
const BAD_TYPES = new Set(['button', 'submit', 'reset', 'image', 'file']);
const INNER = 'input:not([type=hidden]):not([type=button]):not([type=submit]):not([type=reset]):not([type=image]):not([type=file]),select,textarea,[role=combobox]';
const isControl = (el) => el.matches('select,textarea,[role=combobox],[role=textbox]')
    || (el.tagName === 'INPUT' && !BAD_TYPES.has(el.type));
const claimed = new Set();

// Power Pages date: a hidden value input beside a visible M/D/YYYY box.
const pairBox = (el) => {
    if (el.tagName !== 'INPUT') return null;
    if (el.id && el.id.endsWith('_datepicker_description')) return el;
    if (el.id) { const box = document.getElementById(el.id + '_datepicker_description'); if (box) return box; }
    if (isHidden(el)) {
        const cell = el.closest('.datetimepicker, .control');
        if (cell) for (const other of cell.querySelectorAll('input[type=text], input:not([type])'))
            if (other !== el && !isHidden(other)) return other;
    }
    return null;
};
const isDisabled = (el) => el.matches(':disabled') || el.readOnly === true
    || el.getAttribute('aria-disabled') === 'true' || el.getAttribute('aria-readonly') === 'true';
const groupOf = (input, kind) => {
    if (!input.name) return [input];
    const root = input.form || document;
    return Array.from(root.querySelectorAll(`input[type=${kind}]`)).filter((o) => o.name === input.name);
};

// The control behind what was found, its kind and what a person sees of it.
const resolve = (found, forced) => {
    let el = found, kind = forced === 'auto' ? '' : forced;
    if (!isControl(el)) {  // a container: a radio group, a checkbox list or one control inside
        const radios = Array.from(el.querySelectorAll('input[type=radio]'));
        const boxes = Array.from(el.querySelectorAll('input[type=checkbox]'));
        for (const [which, inputs] of [['radio', radios], ['checkbox', boxes]]) {
            if (inputs.length && (!kind || kind === which))
                return group(found, which, inputs[0].name ? groupOf(inputs[0], which) : inputs);
        }
        el = el.querySelector(INNER);
        if (!el) return null;
    }
    const type = el.tagName === 'INPUT' ? el.type : '';
    const combo = el.getAttribute('role') === 'combobox' || !!el.closest('[role=combobox]');
    if (!kind) {
        if (type === 'password') kind = 'secret';
        else if (type === 'radio') kind = 'radio';
        else if (type === 'checkbox') kind = 'checkbox';
        else if (type === 'date') kind = 'date';
        else if (pairBox(el)) kind = 'date_pair';
        else if (combo && listboxOf(el)) kind = 'combobox';
        else if (el.tagName === 'SELECT') kind = 'select';
        else if (el.tagName === 'TEXTAREA') kind = 'textarea';
        else kind = 'text';
    }
    if (kind === 'radio' || kind === 'checkbox') {
        const members = el.tagName === 'INPUT' && el.type === kind ? groupOf(el, kind) : [];
        return members.length ? group(found, kind, members) : single(found, kind, el);
    }
    let target = el;
    if (kind === 'date_pair') target = pairBox(el) || el;
    else if (kind === 'select' && el.tagName !== 'SELECT') target = el.querySelector('select') || el;
    else if (kind === 'combobox' && el.tagName !== 'INPUT') target = el.querySelector('input') || el;
    return single(found, kind, target);
};
const single = (found, kind, target) => {
    let options = [], selected = [], listbox = '';
    if (target.tagName === 'SELECT') {
        options = Array.from(target.options).map((o) => o.text.trim());
        if (target.selectedIndex >= 0) selected = [target.selectedIndex];
    } else if (kind === 'combobox') {
        listbox = listboxOf(target);
        const items = optionsOfListbox(listbox);
        options = items.map(textOf);
        selected = items.flatMap((o, i) => (o.getAttribute('aria-selected') === 'true' ? [i] : []));
    }
    return {found, kind, target, members: null, hidden: isHidden(target), disabled: isDisabled(target),
            options, selected, hiddenOptions: [], labelClick: [], labels: [], listbox};
};
const group = (found, kind, members) => {
    const options = [], selected = [], hiddenOptions = [], labelClick = [], labels = [];
    members.forEach((input, i) => {
        const label = labelOf(input);
        options.push(optionText(input));
        if (input.checked) selected.push(i);
        const inputHidden = isHidden(input), labelShown = !!label && !isHidden(label);
        if (inputHidden && !labelShown) hiddenOptions.push(i);
        if (inputHidden && labelShown) { labelClick.push(i); labels.push([i, label]); }
    });
    return {found, kind, target: members[0], members, hidden: hiddenOptions.length === members.length,
            disabled: members.every(isDisabled), options, selected, hiddenOptions, labelClick, labels, listbox: ''};
};

// Candidates of one lookup stage: usable ones, the first a person can see, else the first.
const pick = (candidates, forced) => {
    let first = null;
    for (const el of candidates) {
        if (!el || claimed.has(el)) continue;
        if (el.tagName === 'INPUT' && el.type === 'hidden' && !pairBox(el)) continue;
        if (!isControl(el) && !el.querySelector(INNER)) continue;
        const r = resolve(el, forced);
        if (!r || claimed.has(r.target)) continue;
        if (!r.hidden) return r;
        if (!first) first = r;
    }
    return first;
};

let labelIndex = null, ariaIndex = null, groupIndex = null, questionIndex = null;
// Exact normalised text first, then ignoring stars (an entry's starless text is worked out once
// per look: an index is matched against every spec's texts).
const textMatches = (entries, texts) => {
    const exact = new Set(texts.map((t) => t.text));
    const hits = entries.filter((e) => exact.has(e.text));
    if (hits.length) return hits;
    const bare = new Set(texts.map((t) => starless(t.text)).filter(Boolean));
    return entries.filter((e) => bare.has(e.bare === undefined ? (e.bare = starless(e.text)) : e.bare));
};
const idsText = (ids) => norm(ids.split(/\s+/).filter(Boolean).map((id) => {
    const el = document.getElementById(id); return el ? textOf(el) : '';
}).join(' '));
const byId = (id) => id ? Array.from(document.querySelectorAll('#' + CSS.escape(id))) : [];
// Elements by name: their own ``name``, or the part after a ``$`` of a Power Pages name
// (``ctl00$ContentContainer$atlas_post``); indexed once per look, in document order.
let nameIndex = null;
const byName = (name) => {
    if (!nameIndex) {
        nameIndex = new Map();
        for (const el of document.querySelectorAll('[name]')) {
            const attribute = el.getAttribute('name'), keys = new Set();
            if (typeof el.name === 'string') keys.add(el.name);
            for (let at = attribute.indexOf('$'); at >= 0; at = attribute.indexOf('$', at + 1)) keys.add(attribute.slice(at + 1));
            for (const key of keys) { if (!nameIndex.has(key)) nameIndex.set(key, []); nameIndex.get(key).push(el); }
        }
    }
    return nameIndex.get(name) || [];
};

const stages = {
    id: (spec) => [pick(byId(spec.id), spec.kind), 'id'],
    name: (spec) => {
        for (const name of spec.names) { const r = pick(byId(name), spec.kind); if (r) return [r, 'names']; }
        for (const [name, via] of [[spec.id, 'id'], ...spec.names.map((n) => [n, 'names'])]) {
            if (!name) continue;
            const r = pick(byName(name), spec.kind); if (r) return [r, via];
        }
        return [null, ''];
    },
    label: (spec, texts) => {
        labelIndex = labelIndex || Array.from(document.querySelectorAll('label')).map((el) => ({el, text: norm(textOf(el))}));
        const hits = textMatches(labelIndex, texts);
        const found = hits.map((h) => h.el.htmlFor ? document.getElementById(h.el.htmlFor) : h.el.querySelector(INNER));
        return [pick(found, spec.kind), viaOf(hits, texts)];
    },
    aria: (spec, texts) => {
        ariaIndex = ariaIndex || Array.from(document.querySelectorAll('[aria-label],[aria-labelledby]'))
            .filter(isControl).flatMap((el) => [
                {el, text: norm(el.getAttribute('aria-label') || '')},
                {el, text: idsText(el.getAttribute('aria-labelledby') || '')},
            ]).filter((e) => e.text);
        const hits = textMatches(ariaIndex, texts);
        return [pick(hits.map((h) => h.el), spec.kind), viaOf(hits, texts)];
    },
    legend: (spec, texts) => {
        groupIndex = groupIndex || [
            ...Array.from(document.querySelectorAll('fieldset')).map((el) => {
                const legend = el.querySelector(':scope > legend'); return {el, text: legend ? norm(textOf(legend)) : ''};
            }),
            ...Array.from(document.querySelectorAll('[role=radiogroup],[role=group]')).map((el) => ({el,
                text: el.getAttribute('aria-labelledby') ? idsText(el.getAttribute('aria-labelledby')) : norm(el.getAttribute('aria-label') || '')})),
        ].filter((e) => e.text);
        const hits = textMatches(groupIndex, texts);
        return [pick(hits.map((h) => h.el), spec.kind), viaOf(hits, texts)];
    },
    question: (spec, texts) => {
        questionIndex = questionIndex || Array.from(document.querySelectorAll(
            'p,span,div,label,li,dt,td,th,h1,h2,h3,h4,h5,h6,legend,strong,b'))
            .filter((el) => !el.querySelector('input,select,textarea'))
            .filter((el) => !(el.tagName === 'LABEL' && el.htmlFor && document.getElementById(el.htmlFor)))
            .flatMap((el) => [{el, text: norm(textOf(el))}, {el, text: norm(el.getAttribute('aria-label') || '')}])
            .filter((e) => e.text && e.text.length <= 400);
        let hits = textMatches(questionIndex, texts);
        hits = hits.filter((h) => !hits.some((o) => o.el !== h.el && h.el.contains(o.el)));  // the innermost
        hits.sort((a, b) => isHidden(a.el) - isHidden(b.el));
        let first = null;
        for (const hit of hits) {
            const r = afterQuestion(hit.el, spec.kind);
            if (r && !r.hidden) return [r, viaOf([hit], texts)];
            if (r && !first) first = [r, viaOf([hit], texts)];
        }
        return first || [null, ''];
    },
};
const viaOf = (hits, texts) => {
    for (const t of texts) if (hits.some((h) => h.text === t.text || starless(h.text) === starless(t.text))) return t.via;
    return 'labels';
};
// The first control after a question, in its own container or the next one, up to the next question.
const afterQuestion = (question, forced) => {
    const container = question.closest('li') || question.parentElement;
    const next = container && container.nextElementSibling;
    const inRegion = (el) => container.contains(el) || (next && next.contains(el));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
    walker.currentNode = question;
    let el = walker.nextNode(), hidden = null;
    const sameKind = (el) => el.tagName === question.tagName && el.className === question.className
        && starless(norm(textOf(el)));
    while (el) {
        if (!question.contains(el)) {
            if (!inRegion(el)) break;
            if (sameKind(el) || (el.matches('legend,h1,h2,h3,h4,h5,h6') && textOf(el))) break;
            if (isControl(el) && !claimed.has(el) && !(el.tagName === 'INPUT' && el.type === 'hidden')) {
                const r = resolve(el, forced);
                if (r && !r.hidden) return r;
                if (r && !hidden) hidden = r;
            }
        }
        el = walker.nextNode();
    }
    return hidden;
};

// Stale tags of these keys go first: a page shown again must not keep an old answer's tags.
const keys = new Set(specs.map((s) => s.key));
for (const el of document.querySelectorAll('[data-ustd-key],[data-ustd-for],[data-ustd-listbox]')) {
    if (keys.has(el.getAttribute('data-ustd-key'))) {
        el.removeAttribute('data-ustd-key'); el.removeAttribute('data-ustd-option'); el.removeAttribute('data-ustd-kind');
    }
    const label = el.getAttribute('data-ustd-for');
    if (label && keys.has(label.slice(0, label.lastIndexOf('/')))) el.removeAttribute('data-ustd-for');
    if (keys.has(el.getAttribute('data-ustd-listbox'))) el.removeAttribute('data-ustd-listbox');
}

// A control tagged for a field outside this batch (probed before on this page) is that field's.
for (const el of document.querySelectorAll('[data-ustd-key]')) claimed.add(el);

// Stage by stage over all specs, so a field's own id wins over another field's label.
const results = {};
const textsOf = (spec) => [
    ...spec.labels.map((t) => ({text: norm(t), via: 'labels'})),
    ...spec.extra.map((t) => ({text: norm(t), via: 'extra'})),
].filter((t) => t.text);
for (const stage of Object.keys(stages)) {
    for (const spec of specs) {
        if (results[spec.key]) continue;
        const texts = textsOf(spec);
        if (stage !== 'id' && stage !== 'name' && !texts.length) continue;
        const [r, via] = stages[stage](spec, texts);
        if (!r) continue;
        results[spec.key] = {r, stage, via};
        claimed.add(r.target);
        for (const m of r.members || []) claimed.add(m);
    }
}

// Document order of what was found: fields are filled in the page's order (cascades).
const found = Object.entries(results);
found.sort(([, a], [, b]) => (a.r.target.compareDocumentPosition(b.r.target) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
const out = {};
found.forEach(([key, {r, stage, via}], order) => {
    const tag = (el) => { el.setAttribute('data-ustd-key', key); el.setAttribute('data-ustd-kind', r.kind); };
    if (r.members) r.members.forEach((m, i) => { tag(m); m.setAttribute('data-ustd-option', String(i)); });
    else tag(r.target);
    for (const [i, label] of r.labels) label.setAttribute('data-ustd-for', key + '/' + i);
    const listbox = r.listbox ? document.getElementById(r.listbox) : null;
    if (listbox) listbox.setAttribute('data-ustd-listbox', key);
    out[key] = {found_by: stage, via, kind: r.kind, hidden: r.hidden, disabled: r.disabled,
                value: valueOf(r.kind, r.target, r.members || []), options: r.options, order,
                tag: r.target.tagName.toLowerCase(), selected: r.selected, hidden_options: r.hiddenOptions,
                label_click: r.labelClick, listbox: r.listbox ? '#' + CSS.escape(r.listbox) : null};
});
return {probes: out, shown: readKeys === null ? null : readTagged(readKeys)};
}"""
)

_READ_BACK_JS = "(keys) => {\n" + _JS_HELPERS + "return readTagged(keys);\n}"

# Resolves once the page has drawn the answer of the request ``url``: at once when the document
# changed after the answer's responseEnd (the probe's watch notes the last change), else at the
# next change or after two frames, whichever comes first.
_DRAWN_JS = """(url) => new Promise((done) => {
    const watch = window.__ustdWatch;
    const entries = performance.getEntriesByName(url);
    const answered = entries.length ? entries[entries.length - 1].responseEnd : null;
    if (watch && answered !== null && watch.changedAt > answered) { done('drawn'); return; }
    if (watch && answered !== null) watch.onChange = () => done('changed');
    requestAnimationFrame(() => requestAnimationFrame(() => {
        if (watch && watch.onChange) watch.onChange = null;
        done('frames');
    }));
})"""

_OPTIONS_READY_JS = (
    "([selector, listbox, wanted, before]) => {\n"
    + _JS_HELPERS
    + r"""
const el = document.querySelector(selector);
if (!el) return false;
const box = el.tagName === 'SELECT' ? null : (listbox ? document.querySelector(listbox) : null);
const texts = el.tagName === 'SELECT' ? Array.from(el.options).map((o) => o.text)
    : (box ? Array.from(box.querySelectorAll('[role=option]')) : optionsOfListbox(listboxOf(el))).map(textOf);
const shown = texts.map(norm);
if (shown.some((t) => wanted.includes(t))) return true;
return shown.some((t) => !isPlaceholder(t)) && JSON.stringify(shown) !== JSON.stringify(before.map(norm));
}"""
)


def _spec_payload(spec: FieldSpec, extra: Sequence[str]) -> dict[str, Any]:
    return {
        "key": spec.key,
        "id": spec.id or "",
        "names": list(spec.names),
        "labels": list(spec.labels),
        "extra": list(extra),
        "kind": spec.kind,
    }


def _probe_of(key: str, raw: dict[str, Any] | None) -> Probe | None:
    if raw is None:
        return None
    return Probe(
        key=key,
        found_by=raw["found_by"],
        kind=raw["kind"],
        hidden=bool(raw["hidden"]),
        disabled=bool(raw["disabled"]),
        value=raw["value"] or "",
        options=tuple(raw["options"]),
        selector=selector_of(key),
        via=raw["via"],
        order=int(raw["order"]),
        tag=raw["tag"],
        selected=tuple(raw["selected"]),
        hidden_options=frozenset(raw["hidden_options"]),
        label_click=frozenset(raw["label_click"]),
        listbox=raw["listbox"],
    )


def probe_many(
    page: Page, specs: Sequence[FieldSpec], *, labels: Mapping[str, Sequence[str]] = _NO_LABELS,
    absent: Collection[str] | None = None,
) -> dict[str, Probe | None]:
    """Every field of ``specs`` as the page shows it now (None: not on the page), in ONE
    round trip; ``labels`` adds runtime label texts per key (a security question's text).

    A whole-page look passes ``absent``: the keys the last whole-page look on this document did
    not find, looked for again only if a field was drawn since (else reported absent as they
    were: a cascade filling a list draws no field). A partial look (None) looks for everything."""
    if not specs:
        return {}
    return _probe(page, specs, labels, absent, None)[0]


def probe_and_read_back(
    page: Page, specs: Sequence[FieldSpec], keys: Sequence[str], *,
    labels: Mapping[str, Sequence[str]] = _NO_LABELS, absent: Collection[str] | None = None,
) -> tuple[dict[str, Probe | None], dict[str, str]]:
    """``probe_many`` and, after it in the same round trip, ``read_back`` of ``keys``: when the
    look finds nothing more to fill, the read-back is already in hand."""
    return _probe(page, specs, labels, absent, keys)


def _probe(
    page: Page, specs: Sequence[FieldSpec], labels: Mapping[str, Sequence[str]],
    absent: Collection[str] | None, read_keys: Sequence[str] | None,
) -> tuple[dict[str, Probe | None], dict[str, str]]:
    payload = [_spec_payload(spec, labels.get(spec.key, ())) for spec in specs]
    raw = page.evaluate(
        _PROBE_JS, [payload, None if absent is None else sorted(absent), None if read_keys is None else list(read_keys)]
    )
    found = raw["probes"]
    return {spec.key: _probe_of(spec.key, found.get(spec.key)) for spec in specs}, dict(raw["shown"] or {})


def probe(page: Page, spec: FieldSpec, *, labels: Sequence[str] = ()) -> Probe | None:
    """One field as the page shows it now, or None when the page does not have it."""
    return probe_many(page, [spec], labels={spec.key: labels})[spec.key]


def read_back(page: Page, keys: Sequence[str]) -> dict[str, str]:
    """What each tagged field shows now (same rules as ``Probe.value``), in ONE round trip."""
    if not keys:
        return {}
    return dict(page.evaluate(_READ_BACK_JS, list(keys)))


def wait_drawn(page: Page, answer_url: str) -> str:
    """After a cascade's answer came in (the response is finished): wait until the page has drawn
    it, so the next look sees the new list or the new fields, not the old page.

    Drawn means the document changed after the answer arrived (its resource-timing end); a page
    that has not changed yet is given until its next change, at most two frames (also the wait
    when it cannot be told: no watch on the page, no timing entry for the request). Returns
    what ended the wait: "drawn" (already), "changed" (the next change) or "frames"."""
    return str(page.evaluate(_DRAWN_JS, answer_url))


def wait_for_options(page: Page, found: Probe, wanted: Sequence[str], *, timeout_ms: float) -> bool:
    """Wait until a select / combobox offers one of ``wanted`` (normalised) or a new real list
    (a cascade answered); False on timeout. The caller probes the field again after."""
    try:
        page.wait_for_function(
            _OPTIONS_READY_JS,
            arg=[found.selector, found.listbox or "", [normalise(text) for text in wanted], list(found.options)],
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        return False
    return True


def set_value(
    page: Page, found: Probe, value_text: str, *, option_index: int | None = None, timeout_ms: float = 15_000
) -> None:
    """Give the field ``value_text`` as a person does for its kind (type, choose, tick, pick).

    ``option_index``: the option to choose (select, radio, checkbox list, combobox). A single
    checkbox is ticked when an index is given or the value is not a "no", unticked otherwise.
    """
    if found.hidden or (option_index is not None and option_index in found.hidden_options):
        raise InvisibleField(found.key)
    control = page.locator(found.selector)
    kind = found.kind
    if kind in ("text", "textarea", "secret"):
        control.fill(value_text, timeout=timeout_ms)
    elif kind == "select":
        if option_index is None:
            raise ValueError(f"{found.key}: a select needs the index of the option to choose")
        text = found.options[option_index] if option_index < len(found.options) else ""
        if text and found.options.count(text) == 1:  # by text: robust to a list redrawn since the probe
            control.select_option(label=text, timeout=timeout_ms)
        else:
            control.select_option(index=option_index, timeout=timeout_ms)
    elif kind == "radio":
        if option_index is None:
            raise ValueError(f"{found.key}: a radio group needs the index of the option to choose")
        _tick(page, found, option_index, True, timeout_ms)
    elif kind == "checkbox":
        _set_checkboxes(page, found, value_text, option_index, timeout_ms)
    elif kind == "date_pair":
        control.fill(portal_date(value_text), timeout=timeout_ms)  # input events: the page syncs the hidden value
        _dispatch_change(page, found, timeout_ms)
    elif kind == "date":
        control.fill(iso_date(value_text), timeout=timeout_ms)
    elif kind == "combobox":
        _pick_from_combobox(page, found, value_text, timeout_ms)
    else:
        raise ValueError(f"{found.key}: unknown widget kind {kind!r}")


# The event Playwright's ``dispatch_event("change")`` sends (its defaults: bubbles, cancelable,
# composed), sent to the one control the selector names; false when it names none or several.
_CHANGE_JS = """(css) => {
    const found = document.querySelectorAll(css);
    if (found.length !== 1) return false;
    found[0].dispatchEvent(new Event('change', {bubbles: true, cancelable: true, composed: true}));
    return true;
}"""


def _dispatch_change(page: Page, found: Probe, timeout_ms: float) -> None:
    """A "change" event on the control, as ``Locator.dispatch_event`` sends it, but from a plain
    evaluate: Playwright's own first loads its helper script into the page's world (~20 ms on
    every new document). Anything but exactly one control goes to Playwright's (its wait, its
    errors)."""
    if not page.evaluate(_CHANGE_JS, found.selector):
        page.locator(found.selector).dispatch_event("change", timeout=timeout_ms)


def _tick(page: Page, found: Probe, index: int, checked: bool, timeout_ms: float) -> None:
    """Tick / untick one option, through its label when the input itself is styled away."""
    if index in found.label_click:
        if (index in found.selected) != checked:
            page.locator(found.label_selector(index)).click(timeout=timeout_ms)
        return
    option = page.locator(found.option_selector(index))
    if checked:
        option.check(timeout=timeout_ms)
    else:
        option.uncheck(timeout=timeout_ms)


def _set_checkboxes(page: Page, found: Probe, value_text: str, option_index: int | None, timeout_ms: float) -> None:
    """A checkbox list keeps only the chosen option ticked; a single checkbox follows yes/no."""
    if len(found.options) <= 1 and option_index is None:
        _tick(page, found, 0, normalise(value_text) not in _FALSY, timeout_ms)
        return
    if option_index is None:
        raise ValueError(f"{found.key}: a checkbox list needs the index of the option to tick")
    if option_index not in found.selected:
        _tick(page, found, option_index, True, timeout_ms)
    for other in found.selected:
        if other != option_index:
            _tick(page, found, other, False, timeout_ms)


def _pick_from_combobox(page: Page, found: Probe, option_text: str, timeout_ms: float) -> None:
    """Open it, type the option's text, click the option (``role=option``) the listbox shows."""
    control = page.locator(found.selector)
    control.click(timeout=timeout_ms)
    if found.tag in ("input", "textarea"):
        control.fill(option_text, timeout=timeout_ms)
    listbox = found.listbox or f'[data-ustd-listbox="{_css_string(found.key)}"]'
    exact = re.compile(rf"^\s*{re.escape(option_text.strip())}\s*$")
    page.locator(f"{listbox} [role=option]").filter(has_text=exact).first.click(timeout=timeout_ms)
