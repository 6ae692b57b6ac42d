"""Text of a PDF, page by page, with pypdf (BSD; PyMuPDF's AGPL does not fit this project).

A file that yields no text (empty, image-only, encrypted, corrupt) is reported, never raised:
one bad file must not stop an indexing run.

``read_pdfs`` reads many files in worker processes, in order, while the caller embeds: pypdf is
pure Python (one core per process, ~70 ms per CV page), so it is the half of indexing that
threads cannot spread. Start method: ``fork``. Measured on this 2-core box, from a process
holding torch and ONNX Runtime, time to the first of 30 CVs read by 2 workers: fork 0.13 s,
forkserver 0.3 s and spawn 0.33 s with a bare main module — but both of those re-import the
main module in each worker, and ``cvchat``'s (the CLI) costs ~1 s of CPU per process, more than
half of what the whole read of 30 CVs costs. Forking a threaded process is unsafe when the child
calls code whose locks another thread held at the fork (OpenMP, ORT or tokenizer pools); these
children run only pypdf and this module — pure Python, whose own locks (GIL, imports, logging)
CPython resets after a fork — and exit when the build ends. Where fork is not offered or not
the platform's safe choice (macOS, Windows) the platform default is used.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from cvchat.infrastructure.rag.embeddings import cpu_count

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class PdfText:
    pages: tuple[str, ...]  # page i + 1 is pages[i]
    created: str | None = None  # "YYYY-MM" from the PDF's metadata: the CV's own date


def _created(reader: PdfReader) -> str | None:
    """The document's creation month, when its metadata states one (it often does)."""
    try:
        when = reader.metadata.creation_date if reader.metadata else None
    except Exception:  # a malformed date must not make a readable CV unreadable
        return None
    return f"{when.year:04d}-{when.month:02d}" if when else None


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
    return PdfText(pages=pages, created=_created(reader))


def _read(path: Path) -> PdfText | UnreadablePdf:
    try:
        return read_pdf(path)
    except UnreadablePdf as exc:
        return exc


def read_pdfs(
    paths: Sequence[Path], workers: int | None = None
) -> Generator[PdfText | UnreadablePdf, None, None]:
    """The text of each file (or why it has none), in the order given, as soon as it is read.

    ``workers``: processes to read with (None: one per core; 0 or 1: here, serially). All files
    are queued at once, so the workers read ahead while the caller embeds what has arrived.
    """
    count = cpu_count() if workers is None else workers
    count = min(count, len(paths))
    if count <= 1:
        yield from (_read(p) for p in paths)
        return
    method = "fork" if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method))
    try:
        futures = [pool.submit(_read, p) for p in paths]
        for path, future in zip(paths, futures, strict=True):
            try:
                yield future.result()
            except BrokenProcessPool:  # a worker was killed (OOM killer, signal): read it here
                yield _read(path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
