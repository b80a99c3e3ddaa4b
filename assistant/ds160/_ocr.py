"""The text of a page image by OCR: tesseract, run as a program, after the image is made easy.

Only for pages without a text layer (a phone photo, a scanned PDF). A photo is askew, blurred
and unevenly lit, so the image is first made grey with its contrast stretched, a huge photo
scaled down, and turned straight (the angle at which its text rows are sharpest); tesseract's
local (Sauvola) threshold then copes with the uneven light, and ``--psm 6`` (one block of
text) keeps each label and its value on one line. English is enough for the page's labels
and values. tesseract is optional at run time: without it a file that needs OCR is refused in
one line saying what to install (:class:`OcrUnavailable`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps

from assistant.ds160._model import OcrUnavailable

INSTALL = "install tesseract-ocr (Debian/Ubuntu: apt-get install tesseract-ocr; macOS: brew install tesseract)"
LANGUAGE = "eng"
MAX_SIDE = 3000
"""Larger images (a phone's 4000 px photo) are scaled down to this first: the page's letters
stay well above the 20 px tesseract needs, and OCR takes a fraction of the time. Smaller
images are never enlarged: measured on the test pages, enlarging did not read better, and on
a noisy picture it made tesseract take 40 s instead of 2."""
MAX_SKEW, SKEW_STEP = 6.0, 0.5
"""Degrees searched for the straightening turn (a photo held askew, not sideways)."""
INK_CONTRAST, MAX_INK = 40, 0.25
"""A pixel is ink when this much darker than its surroundings; a page has at most this share
of ink (measured: 0.02-0.09 on confirmation pages, photos and scans of them; 0.33 on random
noise, which tesseract reads for a minute)."""
TIMEOUT = 120
"""Seconds one page may take before it is given up (tesseract does not hang, but a huge
image should not hold a batch)."""


@cache
def tesseract_problem() -> str | None:
    """Why tesseract cannot be used here, or None when it can (asked once a process)."""
    program = shutil.which("tesseract")
    if program is None:
        return f"tesseract is not installed: {INSTALL}"
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return f"tesseract does not run ({error}): {INSTALL}"
    if LANGUAGE not in listed.stdout.split():
        return "tesseract has no English data: install tesseract-ocr-eng"
    return None


def require_tesseract(path: Path) -> None:
    """Refuse ``path`` in one line when tesseract is missing (it needs OCR)."""
    problem = tesseract_problem()
    if problem:
        raise OcrUnavailable(f"{path}: needs OCR (no text layer), but {problem}")


def looks_like_print(image: Image.Image) -> bool:
    """Whether the image could be a printed page: print is a little ink on a light ground
    (under a tenth of the pixels on a confirmation page), where noise is speckled all over. Checked before OCR, which takes minutes on such an image and reads nothing."""
    grey = ImageOps.grayscale(image)
    ground = grey.filter(ImageFilter.BoxBlur(15))
    ink = ImageChops.subtract(ground, grey).point(lambda v: 255 if v > INK_CONTRAST else 0)
    return ink.histogram()[255] / (grey.width * grey.height) <= MAX_INK


def _row_sharpness(image: Image.Image) -> float:
    """How sharply the rows of text stand out: rows of text and the gaps between them make
    the row averages jump; on a tilted page they blur into each other."""
    rows = image.resize((1, image.height), Image.Resampling.BOX).tobytes()  # one grey byte a row
    return float(sum((a - b) ** 2 for a, b in zip(rows, rows[1:])))


def skew_angle(image: Image.Image) -> float:
    """The turn (degrees, counter-clockwise) that makes the page's text rows horizontal."""
    small = ImageOps.grayscale(image)
    small.thumbnail((800, 800))
    ink = ImageOps.invert(ImageOps.autocontrast(small, cutoff=1)).point(lambda v: 255 if v > 100 else 0)
    steps = int(MAX_SKEW / SKEW_STEP)
    angles = [i * SKEW_STEP for i in range(-steps, steps + 1)]
    scores = {a: _row_sharpness(ink.rotate(a, resample=Image.Resampling.BILINEAR, fillcolor=0)) for a in angles}
    best = max(angles, key=lambda a: (scores[a], -abs(a)))
    return best


def prepare(image: Image.Image) -> Image.Image:
    """The image as tesseract reads it best: grey, stretched, not too large, straight."""
    grey = ImageOps.autocontrast(ImageOps.grayscale(image), cutoff=1)
    grey.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    angle = skew_angle(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return grey


def ocr_text(image: Image.Image, path: Path) -> str:
    """The text tesseract reads in the page image (``path`` only names the file in errors)."""
    require_tesseract(path)
    with tempfile.TemporaryDirectory(prefix="ustd-ocr-") as folder:
        ready = Path(folder) / "page.png"
        prepare(image).save(ready)
        try:
            done = subprocess.run(
                ["tesseract", str(ready), "-", "-l", LANGUAGE, "--psm", "6", "-c", "thresholding_method=2"],
                capture_output=True, text=True, encoding="utf-8", errors="replace", check=False,
                timeout=TIMEOUT, env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core: runs may batch many files
            )
        except subprocess.TimeoutExpired:
            raise OcrUnavailable(f"{path}: OCR took longer than {TIMEOUT} s; try a smaller image") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise OcrUnavailable(f"{path}: tesseract failed ({last})")
    return done.stdout
