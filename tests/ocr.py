"""Read the text of the images a run writes, and look in it for secrets, as a person's eye would.

A byte search of a JPEG finds nothing even when a secret is plainly printed in it, so images
are read with tesseract (Debian ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``; ``make test``
installs them) and the text searched with a tolerance for OCR's usual confusions: case,
O/0, l/1/I, "rn"/"m", spaces and punctuation, plus a few wrong characters (an edit distance
growing with the secret's length).

Tesseract misses text inside a focused, blue-ringed input box on a raw screenshot, and small
text in the trace's scaled-down frames; so each image is first made grey and black-and-white
(small ones enlarged twice first). With that, the sign-in, sign-up and security-question
pages' secrets are read in full-size shots and in trace frames alike (measured on the mock's
pages in both locales; tests/test_screenshot_secrets.py checks it again on every run with a
plain shot of each page).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import regex
from PIL import Image, ImageOps

# What is read is the secret's script: English for Latin secrets (about 1 s a full page), with
# Simplified Chinese added when a secret holds Chinese (about 2.7 s a page).
LATIN, CHINESE = "eng", "eng+chi_sim"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Trace frames: Playwright writes a screencast frame every few dozen ms. A secret can only be
# on screen at a chunk's edges (tracing is paused while secrets are typed), so every chunk's
# first and last frames are read, and every SAMPLE_EVERY-th frame between them.
EDGE_FRAMES = 4
SAMPLE_EVERY = 25
WORKERS = max(1, min(4, os.cpu_count() or 1))
BATCH = 8  # images per tesseract process: the models load once per batch (~0.4 s each time)
SMALL_WIDTH = 1000  # narrower (trace frames, 800 px): enlarged twice before reading
THRESHOLD, SMALL_THRESHOLD = 100, 170  # grey level above which a pixel turns white
# About a fifth less tesseract time on a traced dry run's images (37 images: 10.5 s -> 8.1 s on
# 2 cores) and the same secrets read in the plain shots of tests/test_screenshot_secrets.py:
# no second pass over inverted (light-on-dark) text, which after the threshold is only the
# portal's header bars; and for Latin secrets no English word lists, which they are not made of.
NO_INVERTED_PASS = ("-c", "tessedit_do_invert=0")
NO_WORD_LISTS = ("-c", "load_system_dawg=0", "-c", "load_freq_dawg=0")

_CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1", "!": "1"})


def require_tesseract() -> None:
    """Skip (with how to install) when tesseract or its languages are missing."""
    if shutil.which("tesseract") is None:
        pytest.skip("needs tesseract (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    missing = [lang for lang in CHINESE.split("+") if lang not in listed.stdout.split()]
    if missing:
        pytest.skip(f"tesseract lacks {missing} (apt-get install tesseract-ocr-chi-sim)")


def languages_for(secrets: Iterable[str]) -> str:
    """The tesseract languages that can read these secrets."""
    return CHINESE if any(unicodedata.name(c, "").startswith("CJK") for s in secrets for c in s) else LATIN


def normalise(text: str) -> str:
    """Fold what OCR confuses: case, width, O/0, l/1/I, rn/m, and drop spaces and punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("rn", "m").replace("vv", "w").translate(_CONFUSABLE)
    return re.sub(r"[\W_]+", "", text)


def allowed_errors(needle: str) -> int:
    """How many wrong characters a match may have: none for short needles, then 1 per 5."""
    return 0 if len(needle) < 6 else len(needle) // 5


def find_in_text(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that OCR'd ``text`` contains, allowing for OCR's errors."""
    haystack = normalise(text)
    found = []
    for secret in secrets:
        needle = normalise(secret)
        if not needle:
            continue
        errors = allowed_errors(needle)
        pattern = f"(?:{regex.escape(needle)}){{e<={errors}}}" if errors else regex.escape(needle)
        if regex.search(pattern, haystack):
            found.append(secret)
    return found


def _black_and_white(source: Path, target: Path) -> Path:
    """The image as tesseract reads it best here: grey, small ones enlarged, then thresholded."""
    with Image.open(source) as image:
        grey = ImageOps.grayscale(image)
    threshold = THRESHOLD
    if grey.width < SMALL_WIDTH:
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
        threshold = SMALL_THRESHOLD
    grey.point(lambda level: 255 if level > threshold else 0).save(target)
    return target


def _ocr_batch(paths: Sequence[Path], languages: str) -> list[str]:
    """One tesseract process over a list of images; its output has a form feed after each."""
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        ready = [_black_and_white(p, Path(folder) / f"{n}.png") for n, p in enumerate(paths)]
        listing = Path(folder) / "images.txt"
        listing.write_text("\n".join(str(p) for p in ready) + "\n", encoding="utf-8")
        done = subprocess.run(
            ["tesseract", str(listing), "-", "-l", languages, "--psm", "3", *NO_INVERTED_PASS,
             *(NO_WORD_LISTS if languages == LATIN else ())],
            capture_output=True, text=True, encoding="utf-8", check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # threads are ours: tesseract's own are 5x slower here
        )
    assert done.returncode == 0, f"tesseract failed on {[str(p) for p in paths]}: {done.stderr[-2000:]}"
    pages = done.stdout.split("\f")
    assert len(pages) >= len(paths), f"tesseract returned {len(pages)} pages for {len(paths)} images"
    return pages[: len(paths)]


def ocr(paths: Sequence[Path], languages: str = CHINESE) -> dict[Path, str]:
    """The text tesseract reads in each image, read in parallel batches."""
    batches = [list(paths[i:i + BATCH]) for i in range(0, len(paths), BATCH)]
    texts: dict[Path, str] = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        for batch, pages in zip(batches, pool.map(_ocr_batch, batches, [languages] * len(batches))):
            texts.update(zip(batch, pages))
    return texts


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def chosen_frames(names: Sequence[str]) -> list[str]:
    """The frames of one trace chunk worth reading: its edges and a regular sample (see above)."""
    ordered = sorted(names, key=_frame_time)
    keep = set(ordered[:EDGE_FRAMES]) | set(ordered[-EDGE_FRAMES:]) | set(ordered[::SAMPLE_EVERY])
    return [n for n in ordered if n in keep]


def _frame_time(name: str) -> tuple[int, str]:
    """Screencast frames are named ``page@<id>-<wall-clock ms>.jpeg``."""
    match = re.search(r"-(\d+)\.\w+$", name)
    return (int(match.group(1)) if match else 0, name)


def images_of_run(folder: Path, into: Path) -> dict[Path, str]:
    """Every image below ``folder`` as a file to OCR, with where it came from: files as they
    are; the images inside zips (trace frames: see chosen_frames) extracted under ``into``."""
    found: dict[Path, str] = {}
    seen: set[str] = set()  # identical frames are read once
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if is_image(path.name):
            found[path] = str(path)
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if is_image(m)]
                frames = [m for m in members if m.startswith("screencast/")]
                others = [m for m in members if m not in frames]
                for member in chosen_frames(frames) + others:
                    data = archive.read(member)
                    digest = hashlib.sha256(data).hexdigest()
                    if digest in seen:
                        continue
                    seen.add(digest)
                    target = into / f"{len(found):05d}-{Path(member).name}"
                    target.write_bytes(data)
                    found[target] = f"{path}!{member}"
    return found


def secrets_in_images(images: dict[Path, str], secrets: Sequence[str]) -> list[str]:
    """``where: secret`` for every secret OCR reads in any image; [] when clean."""
    if not images:
        return []
    texts = ocr(list(images), languages_for(secrets))
    return [f"{images[p]}: {s!r}" for p, text in texts.items() for s in find_in_text(text, secrets)]
