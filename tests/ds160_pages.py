"""DS-160 confirmation pages for the tests, made the way applicants get them.

The consular site ends a DS-160 with a "Nonimmigrant Visa - DS-160 Confirmation" page: labelled
values (location selected to submit the application, confirmation number with its barcode just
below, name, date of birth, nationality, passport number, purpose of trip) and boilerplate. People
hand the tool three kinds of file: the PDF the site produces (text layer + barcode image), a phone
photo of the printout (tilted, blurred, uneven light), and a scanned PDF (an image, no text
layer). All three are made here from one HTML page, for one applicant of a fictional Group, with
overrides to make each kind of mismatch. Nothing here knows how the reader works: the page only
follows the labels the shared interface names (see the issue 10 briefs), so a reader that passes
on these files reads pages by their labels, not by this file's layout.

``page`` is a Playwright page (the tests' ``shared_page``/``page``); PDFs are printed by
Chromium's ``page.pdf`` (headless only), photos are screenshots reworked with Pillow.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from pathlib import Path
from typing import Any, Literal

import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from assistant.models import Applicant, Group

BarcodeKind = Literal["code128", "code39"]
DateStyle = Literal["dmy", "dash", "iso", "us"]
Layout = Literal["table", "inline"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_FORMATS = {"code128": zxingcpp.BarcodeFormat.Code128, "code39": zxingcpp.BarcodeFormat.Code39}
# What the consular site prints as purpose of trip for the classes the examples use.
_PURPOSES = {
    "B1": "TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)",
    "B2": "TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)",
    "B1/B2": "TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)",
    "F-1": "STUDENT (F1)",
    "J-1": "EXCHANGE VISITOR (J1)",
    "H-1B": "TEMPORARY WORKER (H1B)",
}


@dataclass(frozen=True)
class PageFields:
    """What one confirmation page prints. Defaults come from the applicant (``fields_for``); a
    test overrides one field to make one mismatch. Dates are ISO here and printed in
    ``date_style``; ``barcode_id`` (default: the application id) lets barcode and text disagree."""

    application_id: str
    surname: str
    given_names: str
    birth_date: str  # ISO
    passport_number: str
    nationality: str = "CHINA"
    place_of_birth: str = "BEIJING, CHINA"
    gender: str = "MALE"
    location: str = "CHINA, BEIJING"  # as printed; see ``location_for``
    purpose: str | None = "TEMP. BUSINESS OR PLEASURE VISITOR (B1/B2)"  # None: no purpose line
    barcode_id: str | None = None
    date_style: DateStyle = "dmy"
    layout: Layout = "table"
    number_label: str = "Confirmation No"
    names_on_two_lines: bool = False  # "Surnames:" / "Given Names:" instead of "Name Provided:"


def location_for(post: str) -> str:
    """The site's wording for a post: ``CHINA, BEIJING`` (an OFC is the same city's post)."""
    return f"CHINA, {post.removesuffix(' OFC').upper()}"


def purpose_for(visa_class: str) -> str | None:
    return _PURPOSES.get(visa_class)


def printed_date(iso: str, style: DateStyle = "dmy") -> str:
    """``1982-08-14`` as the page prints it: ``14 AUG 1982`` (dmy), ``14-AUG-1982`` (dash),
    ``1982-08-14`` (iso) or ``08/14/1982`` (us)."""
    d = date.fromisoformat(iso)
    month = _MONTHS[d.month - 1]
    return {
        "dmy": f"{d.day:02d} {month} {d.year}",
        "dash": f"{d.day:02d}-{month}-{d.year}",
        "iso": d.isoformat(),
        "us": f"{d.month:02d}/{d.day:02d}/{d.year}",
    }[style]


def fields_for(applicant: Applicant, group: Group, **overrides: Any) -> PageFields:
    """The page a correct DS-160 of this applicant prints, with ``overrides`` (PageFields names;
    ``post="Shanghai"`` is a shortcut for ``location=location_for("Shanghai")``)."""
    post = overrides.pop("post", None)
    if post is not None:
        overrides.setdefault("location", location_for(post))
    base = PageFields(
        application_id=applicant.ds160_number or "AA00EXM999",
        surname=applicant.surname,
        given_names=applicant.given_name,
        birth_date=str(applicant.birth_date),
        passport_number=applicant.passport.number,
        nationality=applicant.nationality.upper(),
        place_of_birth=f"{applicant.passport.place_of_issue.upper()}, {applicant.country_of_birth.upper()}",
        gender=applicant.gender.upper(),
        location=location_for(applicant.visa.post or group.post),
        purpose=purpose_for(applicant.visa.visa_class),
    )
    return replace(base, **overrides)


def barcode_png(text: str, kind: BarcodeKind = "code128", scale: int = 2) -> bytes:
    """A real barcode (zxing-cpp writes it) as PNG bytes, quiet zones included."""
    symbol = zxingcpp.create_barcode(text, _FORMATS[kind])
    pixels = symbol.to_image(scale=scale, add_quiet_zones=True)
    height, width = pixels.shape[0], pixels.shape[1]
    image = Image.frombuffer("L", (width, height), bytes(pixels), "raw", "L", 0, 1)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


_CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 13px; color: #000; margin: 0; background: #fff; }
.sheet { width: 720px; margin: 24px auto; }
.agency { font-size: 12px; border-bottom: 2px solid #1c3b6e; padding-bottom: 6px; }
h1 { font-size: 20px; margin: 14px 0 4px; }
h2 { font-size: 15px; margin: 0 0 12px; font-weight: normal; }
.notice { border: 1px solid #888; padding: 8px; margin: 10px 0; font-size: 12px; }
table.fields { border-collapse: collapse; width: 100%; }
table.fields td { padding: 4px 6px; vertical-align: top; }
table.fields td.label { width: 46%; font-weight: bold; }
p.field { margin: 5px 0; }
p.field b { margin-right: 6px; }
.barcode img { height: 52px; image-rendering: pixelated; display: block; margin: 2px 0 6px; }
.small { font-size: 11px; }
"""


def page_html(fields: PageFields, barcode: BarcodeKind = "code128", zoom: float = 1.0) -> str:
    """The confirmation page as HTML: the site's labels, the barcode below the number."""
    code = base64.b64encode(barcode_png(fields.barcode_id or fields.application_id, barcode)).decode()
    names = (
        [("Surnames", fields.surname), ("Given Names", fields.given_names)]
        if fields.names_on_two_lines
        else [("Name Provided", f"{fields.surname}, {fields.given_names}")]
    )
    rows: list[tuple[str, str] | str] = [
        ("Location Selected to Submit Application", fields.location),
        (fields.number_label, fields.application_id),
        f'<div class="barcode"><img alt="barcode" src="data:image/png;base64,{code}"></div>',
        *names,
        ("Date of Birth", printed_date(fields.birth_date, fields.date_style)),
        ("Place of Birth", fields.place_of_birth),
        ("Gender", fields.gender),
        ("Nationality", fields.nationality),
        ("Passport Number", fields.passport_number),
    ]
    if fields.purpose:
        rows.append(("Purpose of Trip", fields.purpose))
    body = _rows_html(rows, fields.layout)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>DS-160 Confirmation</title>
<style>{_CSS} html {{ zoom: {zoom}; }}</style></head><body><div class="sheet">
<div class="agency">U.S. Department of State<br>CONSULAR ELECTRONIC APPLICATION CENTER</div>
<h1>Nonimmigrant Visa - DS-160 Confirmation</h1>
<h2>Online Nonimmigrant Visa Application (DS-160)</h2>
<div class="notice">Please print this confirmation page for your records. You do not have to send
this application to the U.S. Embassy or Consulate. You will need to bring this confirmation page
with you to your visa interview.</div>
{body}
<p class="small">The confirmation number and barcode above identify your application. Please note
that you may only apply at the location selected; to change the location you must complete a new
application.</p>
<p class="small">Application Submitted: 02 FEB 2028 09:41:12 (GMT+8)</p>
</div></body></html>"""


def _rows_html(rows: list[tuple[str, str] | str], layout: Layout) -> str:
    """Label and value in two cells (the site's table) or on one line after the colon."""
    if layout == "inline":
        return "\n".join(
            r if isinstance(r, str) else f'<p class="field"><b>{escape(r[0])}:</b>{escape(r[1])}</p>' for r in rows
        )
    cells = "\n".join(
        f'<tr><td></td><td>{r}</td></tr>' if isinstance(r, str)
        else f'<tr><td class="label">{escape(r[0])}:</td><td>{escape(r[1])}</td></tr>'
        for r in rows
    )
    return f'<table class="fields">{cells}</table>'


def _show(page: Any, html: str) -> None:
    page.set_content(html, wait_until="load")


def confirmation_pdf(
    page: Any, out: Path, applicant: Applicant, group: Group, *, barcode: BarcodeKind = "code128", **overrides: Any
) -> Path:
    """The PDF the consular site gives: printed by Chromium, with a text layer and the barcode."""
    _show(page, page_html(fields_for(applicant, group, **overrides), barcode))
    out.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out), format="Letter", print_background=True)
    return out


def _screenshot(page: Any, html: str) -> Image.Image:
    """The page as pixels at about 200 dpi (zoom 2: the text is large enough for OCR)."""
    _show(page, html)
    data = page.locator(".sheet").screenshot(type="png")
    image = Image.open(io.BytesIO(data))
    image.load()
    framed = Image.new("RGB", (image.width + 80, image.height + 80), "white")  # paper margin
    framed.paste(image.convert("RGB"), (40, 40))
    return framed


def _uneven_light(image: Image.Image, darkest: float) -> Image.Image:
    """A lamp on one side: brightness falls smoothly from 100 % (one corner) to ``darkest``
    (the opposite one)."""
    down = Image.linear_gradient("L")  # 256 x 256, black at the top to white at the bottom
    ramp = ImageChops.add(down, down.rotate(90), scale=2).resize(image.size, Image.Resampling.BILINEAR)
    low = int(255 * darkest)
    mask = ramp.point(lambda v: 255 - (v * (255 - low)) // 255).convert("RGB")
    return ImageChops.multiply(image, mask)


def _photographed(image: Image.Image, angle: float, blur: float, darkest: float) -> Image.Image:
    """Tilt (the table behind shows at the corners), blur, uneven light: a phone on a desk."""
    tilted = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(118, 104, 88))
    soft = tilted.filter(ImageFilter.GaussianBlur(blur)) if blur else tilted
    return _uneven_light(soft, darkest)


def confirmation_photo(
    page: Any,
    out: Path,
    applicant: Applicant,
    group: Group,
    *,
    barcode: BarcodeKind = "code128",
    angle: float = 3.0,
    blur: float = 0.8,
    darkest: float = 0.6,
    **overrides: Any,
) -> Path:
    """A phone photo of the printed page (PNG, or JPEG when ``out`` ends .jpg/.jpeg): rotated
    ``angle`` degrees (2-4 is a hand-held shot), blurred, darker towards one corner."""
    html = page_html(fields_for(applicant, group, **overrides), barcode, zoom=2.0)
    photo = _photographed(_screenshot(page, html), angle, blur, darkest)
    out.parent.mkdir(parents=True, exist_ok=True)
    photo.save(out, quality=90) if out.suffix.lower() in (".jpg", ".jpeg") else photo.save(out, compress_level=1)
    return out


def scanned_pdf(
    page: Any, out: Path, applicant: Applicant, group: Group, *, barcode: BarcodeKind = "code128", **overrides: Any
) -> Path:
    """A scanner's PDF: one page that is only an image (no text layer), slightly skewed."""
    html = page_html(fields_for(applicant, group, **overrides), barcode, zoom=2.0)
    scan = _photographed(_screenshot(page, html), angle=1.0, blur=0.4, darkest=0.9)
    out.parent.mkdir(parents=True, exist_ok=True)
    scan.save(out, "PDF", resolution=200.0)
    return out


def corrupt_pdf(out: Path) -> Path:
    """A file named .pdf that is not one: a PDF header, then garbage (a broken download)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + bytes(range(256)) * 8)
    return out


def noise_image(out: Path, size: tuple[int, int] = (480, 360)) -> Path:
    """A picture that is no confirmation page: deterministic noise and a few shapes."""
    width, height = size
    noise = Image.frombytes("L", size, bytes((x * 7919 + (x // width) * 104729) % 251 for x in range(width * height)))
    image = Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 50, 220, 210), fill=(200, 40, 40))
    draw.rectangle((280, 150, 420, 320), fill=(30, 90, 200))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return out
