"""Text of a PDF, page by page, with pypdf (BSD; PyMuPDF's AGPL does not fit this project).

A file that yields no text (empty, image-only, encrypted, corrupt) is reported, never raised:
one bad file must not stop an indexing run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class PdfText:
    pages: tuple[str, ...]  # page i + 1 is pages[i]


class UnreadablePdf(Exception):
    """Why a PDF gave no text; the indexer counts it as skipped."""


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def read_pdf(path: Path) -> PdfText:
    """Per-page text; raises ``UnreadablePdf`` with a reason a person can act on."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadablePdf("encrypted PDF")
        pages = tuple(_clean(page.extract_text() or "") for page in reader.pages)
    except UnreadablePdf:
        raise
    except Exception as exc:  # pypdf raises many types on broken files; none may stop a run
        raise UnreadablePdf(f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise UnreadablePdf("PDF has no pages")
    if not any(pages):
        raise UnreadablePdf("no extractable text (empty or image-only PDF)")
    return PdfText(pages=pages)
