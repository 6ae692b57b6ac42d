"""Text of a scanned page: PDFium renders it, Tesseract (the Debian binary) reads it.

PDFium is not thread-safe, even across documents, and the upload checks call it from request
threads while a build may render pages for OCR in the same process: every call into it holds
``PDFIUM``. A fork waits for that lock too (``os.register_at_fork``), so a reader process never
starts with PDFium halfway through a call in a thread that the fork did not copy.
Tesseract runs outside the lock, in its own process.
"""

from __future__ import annotations

import functools
import os
import threading

import numpy as np
import pytesseract
from PIL import Image, ImageFilter

PDFIUM = threading.Lock()
os.register_at_fork(
    before=PDFIUM.acquire, after_in_parent=PDFIUM.release, after_in_child=PDFIUM.release
)

DPI = 300
"""Tesseract's accuracy drops below ~300 dpi on CV-sized (9-11 pt) type; above it only the
cost grows."""
LANGUAGES = ("eng", "spa", "fra", "deu")
TIMEOUT_S = 120
"""A page Tesseract has not read in this time is not a CV page (a huge map, noise)."""


SPECKLED = 2.5
"""Mean change a 3-pixel median makes to a page at half size: about 1 on a clean render,
4 and up once a scan has 1 % of its pixels speckled (tests/corpora/formats)."""


class OcrUnavailable(Exception):
    """Tesseract (or every language model it needs) is missing on this machine."""


@functools.cache
def _languages() -> str:
    try:
        installed = set(pytesseract.get_languages())
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable("OCR needed but tesseract is not installed") from exc
    usable = [lang for lang in LANGUAGES if lang in installed]
    if not usable:
        raise OcrUnavailable(
            f"OCR needed but tesseract has none of the languages {', '.join(LANGUAGES)}"
        )
    return "+".join(usable)


def is_blank(image: Image.Image) -> bool:
    """A page with nothing drawn on it: no reason to start Tesseract."""
    darkest = image.convert("L").getextrema()[0]
    return bool(darkest >= 250)


def speckle(image: Image.Image) -> float:
    """How much of the page is salt-and-pepper noise (dust, toner, a cheap scanner)."""
    half = image.convert("L").reduce(2)
    pixels = np.asarray(half, dtype=np.int16)
    smoothed = np.asarray(half.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
    return float(np.abs(pixels - smoothed).mean())


def cleaned(image: Image.Image) -> Image.Image:
    """The page as Tesseract reads it best. Speckle breaks its binarisation into fragments
    (a noisy 180 dpi scan gave 6 words of 200; a 5-pixel median, 172). A clean page is left
    as it is: the filter would only thin small type."""
    grey = image.convert("L")
    return grey.filter(ImageFilter.MedianFilter(5)) if speckle(grey) >= SPECKLED else grey


def read_image(image: Image.Image) -> str:
    """Tesseract's text of one rendered page; raises ``OcrUnavailable``."""
    # Tesseract's OpenMP threads cost more than they save where other work shares the cores
    # (3.0 s a page on one thread, 12.1 s on its default threads: bench/ingest_bench.py);
    # pytesseract starts it with its module's ``environ``. An operator's OMP_THREAD_LIMIT wins.
    pytesseract.pytesseract.environ = {"OMP_THREAD_LIMIT": "1", **os.environ}
    try:
        text = pytesseract.image_to_string(cleaned(image), lang=_languages(), timeout=TIMEOUT_S)
        return str(text)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("OCR needed but tesseract is not installed") from exc
