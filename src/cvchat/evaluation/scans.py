"""A printed CV put through a scanner: the image-only PDF that the OCR path has to read.

A labelled corpus holds the CV as HTML with a ``scan.json`` that says how it was scanned; the
PDF WeasyPrint makes of it is rasterised, tilted, blurred, speckled and JPEG-compressed the way
an office scanner does, and saved with no text layer. The noise is seeded by the CV's id, so a
corpus scores the same on every machine.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from pydantic import BaseModel, ConfigDict, Field


class ScanSettings(BaseModel):
    """How one CV was scanned (``<id>/scan.json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dpi: int = Field(200, ge=100, le=400)
    rotate_degrees: float = Field(0.0, ge=-5.0, le=5.0)
    noise: float = Field(0.0, ge=0.0, le=0.2)
    """Share of pixels flipped to speckle (dust, toner)."""
    blur: float = Field(0.0, ge=0.0, le=3.0)
    """Gaussian radius in pixels at the scan's resolution."""
    jpeg_quality: int = Field(75, ge=10, le=95)


def _scan_page(page: Image.Image, settings: ScanSettings, rng: np.random.Generator) -> Image.Image:
    grey = page.convert("L")
    if settings.rotate_degrees:
        grey = grey.rotate(
            settings.rotate_degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
        )
    if settings.blur:
        grey = grey.filter(ImageFilter.GaussianBlur(settings.blur))
    if settings.noise:
        pixels = np.asarray(grey, dtype=np.uint8).copy()
        specks = rng.random(pixels.shape) < settings.noise
        pixels[specks] = rng.integers(0, 256, int(specks.sum()), dtype=np.uint8)
        grey = Image.fromarray(pixels, mode="L")
    compressed = io.BytesIO()
    grey.save(compressed, format="JPEG", quality=settings.jpeg_quality)
    compressed.seek(0)
    return Image.open(compressed).convert("L")


def scan_pdf(
    pdf: Path, dest: Path, settings: ScanSettings, *, seed: str, created: datetime
) -> None:
    """Write ``dest``: ``pdf``'s pages as scanned images, with no text layer."""
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [
            _scan_page(document[i].render(scale=settings.dpi / 72).to_pil(), settings, rng)
            for i in range(len(document))
        ]
    finally:
        document.close()
    first, *rest = pages
    first.save(
        dest,
        format="PDF",
        save_all=True,
        append_images=rest,
        resolution=float(settings.dpi),
        creationDate=created.timetuple(),  # PIL writes a struct_time as a PDF date
        modDate=created.timetuple(),
    )
