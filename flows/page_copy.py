"""A copy of a page as it is drawn now, to be photographed by another browser.

A full-page photograph costs a relayout, a raster and a JPEG encoding while the run waits
(75-80 ms a page on 2 cores: bench/README.md); a copy costs one script call (about 6 ms).
The copy is the page's own markup with what the markup does not hold written into it: every
box's current value, every ticked box and chosen option, and the styles as the page has them
now (its stylesheets' rules, inlined). Scripts are dropped; the copy is drawn with scripts
off and no network, so it looks like the page and cannot do anything.

A copy is only made when it would look the same as the page. A page that draws with what a
copy cannot carry (a frame, a canvas, a video, a web component, a stylesheet of another site,
styles that load fonts or images from the site) gets no copy, with the reason: the caller
photographs it directly instead.

Secrets never leave the page: every secret box (chosen exactly as flows/screenshot.py
chooses them) is copied empty, a copy that still holds a secret anywhere is refused, and the
copy is only ever held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

from flows.screenshot import _NOT_TEXT, _SECRET_BOXES, SECRET_INPUTS, _wanted

# What would make the copy look different from the page, or None when there is nothing.
_UNCOPYABLE = r"""() => {
    if (!document.body || !document.documentElement) return 'the page has no body yet';
    if (document.adoptedStyleSheets && document.adoptedStyleSheets.length) return 'styles made by a script';
    const drawn = document.querySelector('iframe, frame, canvas, video, object, embed');
    if (drawn) return `it draws a <${drawn.localName}>`;
    for (const el of document.body.querySelectorAll('*')) {
        if (el.shadowRoot || el.localName.includes('-')) return `it has a web component <${el.localName}>`;
    }
    const styled = document.querySelector('[style*="url("]');
    if (styled && /url\(\s*(?!['"]?\s*data:)/i.test(styled.getAttribute('style'))) return 'an element styled with a file';
    return null;
}"""

# The page's markup with its current state written in; or {why} when a copy would differ.
_COPY = f"""([selector, secrets, notText]) => {{
    const why = ({_UNCOPYABLE})();
    if (why) return {{why}};
    const loadsFiles = /url\\(\\s*(?!['"]?\\s*data:)/i;
    const rulesOf = (sheet) => {{
        let text = '';
        for (const rule of sheet.cssRules) {{  // throws for a stylesheet of another site
            if (rule instanceof CSSImportRule) {{
                if (!rule.styleSheet) throw new Error('an imported stylesheet that did not load');
                const inner = rulesOf(rule.styleSheet), media = rule.media.mediaText;
                text += media ? `@media ${{media}} {{${{inner}}}}\\n` : inner;
            }} else text += rule.cssText + '\\n';
        }}
        return text;
    }};
    const styles = new Map();
    for (const sheet of document.styleSheets) {{
        if (sheet.disabled || !sheet.ownerNode) continue;
        let text;
        try {{ text = rulesOf(sheet); }} catch (e) {{
            return {{why: `a stylesheet that cannot be read (${{sheet.href || 'inline'}})`}};
        }}
        if (loadsFiles.test(text)) return {{why: `styles that load files (${{sheet.href || 'inline'}})`}};
        const media = sheet.media.mediaText;
        styles.set(sheet.ownerNode, media ? `@media ${{media}} {{\\n${{text}}}}` : text);
    }}
    const images = [];
    for (const img of document.images) {{
        const src = img.currentSrc || img.src;
        if (!src || src.startsWith('data:') || !img.complete || !img.naturalWidth) {{ images.push(null); continue; }}
        try {{
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            canvas.getContext('2d').drawImage(img, 0, 0);
            images.push(canvas.toDataURL('image/png'));
        }} catch (e) {{ return {{why: `an image of another site (${{src}})`}}; }}
    }}
    const live = document.documentElement, copy = live.cloneNode(true);
    const pairs = (css) => {{
        const a = live.querySelectorAll(css), b = copy.querySelectorAll(css);
        return [...a].map((el, i) => [el, b[i]]);
    }};
    const secret = new Set(({_SECRET_BOXES})(selector, secrets, notText));
    for (const [el, twin] of pairs('input, textarea, select')) {{
        if (el.localName === 'select') {{
            [...el.options].forEach((option, i) => twin.options[i].toggleAttribute('selected', option.selected));
        }} else if (el.localName === 'textarea') {{
            twin.textContent = secret.has(el) ? '' : el.value;
        }} else if (el.type === 'checkbox' || el.type === 'radio') {{
            twin.toggleAttribute('checked', el.checked);
        }} else if (secret.has(el) || el.type === 'password' || el.type === 'hidden' || el.type === 'file') {{
            twin.setAttribute('value', '');
        }} else {{
            twin.setAttribute('value', el.value);
        }}
        twin.removeAttribute('autofocus');
    }}
    pairs('img').forEach(([el, twin], i) => {{
        if (images[i]) {{ twin.src = images[i]; twin.removeAttribute('srcset'); twin.removeAttribute('loading'); }}
    }});
    for (const [el, twin] of pairs('style, link')) {{
        if (styles.has(el)) {{
            const style = document.createElement('style');
            style.textContent = styles.get(el);
            twin.replaceWith(style);
        }} else twin.remove();  // an icon, a preload, a sheet switched off or not loaded
    }}
    copy.querySelectorAll('script, noscript, base, meta[http-equiv], source').forEach(el => el.remove());
    const doctype = document.doctype ? '<!DOCTYPE html>' : '';
    const body = document.body, root = document.documentElement;  // the page's whole size, as a full-page shot takes it
    const width = Math.max(body.scrollWidth, root.scrollWidth, body.offsetWidth, root.offsetWidth, root.clientWidth);
    const height = Math.max(body.scrollHeight, root.scrollHeight, body.offsetHeight, root.offsetHeight, root.clientHeight);
    return {{html: doctype + copy.outerHTML, width, height}};
}}"""


@dataclass(frozen=True)
class PageCopy:
    """The page's markup with its current state (``html``), or why there is none (``why_not``)."""

    html: str
    url: str
    viewport: tuple[int, int]  # the browser window's
    why_not: str = ""
    size: tuple[int, int] = (0, 0)  # the whole page's, in CSS pixels

    @property
    def usable(self) -> bool:
        return bool(self.html)


def copy_page(page: Page, secrets: Iterable[str]) -> PageCopy:
    """A copy of ``page`` with every secret box empty, or an unusable one saying why not.

    ``secrets`` are the values this run typed into this portal (as for secret_free_screenshot).
    """
    wanted = _wanted(secrets)
    size = page.viewport_size or {"width": 1280, "height": 900}
    viewport = (size["width"], size["height"])
    made: dict[str, Any] = page.evaluate(_COPY, [SECRET_INPUTS, wanted, _NOT_TEXT])
    html = str(made.get("html") or "")
    if not html:
        return PageCopy("", page.url, viewport, made.get("why") or "the page could not be copied")
    if any(secret in html for secret in wanted):  # in a hidden box, an attribute, the text
        return PageCopy("", page.url, viewport, "a secret is in the page's markup")
    return PageCopy(html, page.url, viewport, size=(int(made.get("width") or 0), int(made.get("height") or 0)))
