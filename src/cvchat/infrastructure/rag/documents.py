"""CV files as text: PDF (text layer, or OCR where a page has none) and DOCX, page by page.

The upload API calls ``sniff_file`` and ``check_document`` (cheap, per request, in a thread);
indexing calls ``read_documents``. A file that yields no text (empty, blank, encrypted,
corrupt) is reported, never raised past ``read_documents``: one bad file must not stop an
indexing run.

The text layer is pypdf's (BSD; PyMuPDF's AGPL does not fit this project). PDFium
(pypdfium2, Apache/BSD) renders the pages to OCR and makes the upload check fast: it opens a
file and loads its pages in C, where pypdf would parse them in Python.

``read_documents`` reads many files in worker processes, in order, while the caller embeds:
pypdf is pure Python (one core per process, ~70 ms per CV page) and OCR costs seconds per
page, so reading is the half of indexing that threads cannot spread. Start method: ``fork``.
Measured on this 2-core box, from a process holding torch and ONNX Runtime, time to the first
of 30 CVs read by 2 workers: fork 0.13 s, forkserver 0.3 s and spawn 0.33 s with a bare main
module — but both of those re-import the main module in each worker, and ``cvchat``'s (the
CLI) costs ~1 s of CPU per process, more than half of what the whole read of 30 CVs costs.
Forking a threaded process is unsafe when the child calls code whose locks another thread held
at the fork (OpenMP, ORT or tokenizer pools); these children run only pypdf, python-docx,
PDFium (which a fork waits for: see ``ocr``) and this module, and start Tesseract as a
program, and exit when the build ends. Where fork is not offered or not the platform's safe
choice (macOS, Windows) the platform default is used.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import sys
import zipfile
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image
from pypdf import PdfReader

from cvchat.infrastructure.rag import ocr
from cvchat.infrastructure.rag.docx_text import DocxError, docx_pages
from cvchat.infrastructure.rag.embeddings import cpu_count

DocumentKind = Literal["pdf", "docx"]
SUFFIXES: dict[str, DocumentKind] = {".pdf": "pdf", ".docx": "docx"}

OCR_BELOW = 20
"""Visible characters under which a page that shows an image is read by OCR: a scan often
carries a stray text layer (a page number, a scanner's stamp) and nothing else."""

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office's binary container, also of encrypted DOCX
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_PDFIUM_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF (unsupported security handler)",
}


@dataclass(frozen=True)
class DocumentText:
    pages: tuple[str, ...]  # page i + 1 is pages[i]
    created: str | None = None  # "YYYY-MM" from the file's metadata: the CV's own date
    ocr_pages: tuple[int, ...] = ()  # 1-based numbers of the pages whose text is OCR's


class UnreadableDocument(Exception):
    """Why a file gave no text; the indexer counts it as skipped, the upload API refuses it."""


def sniff_type(data: bytes) -> DocumentKind | None:
    """The file's type from its bytes, not its name. A PDF is recognised from its first KB; a
    DOCX only from the whole file (a ZIP's directory is at its end)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if data.startswith(_OLE):  # a password-protected DOCX: "docx", so the check says why
        return "docx" if _ENCRYPTED_PACKAGE in data else None
    return "pdf" if b"%PDF-" in data[:1024] else None


def sniff_file(path: Path) -> DocumentKind | None:
    """``sniff_type`` of a file on disk, reading no more of it than the type needs."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except (zipfile.BadZipFile, OSError):
            return None
    if head.startswith(_OLE):
        return sniff_type(path.read_bytes())
    return sniff_type(head)


def check_document(path: Path, kind: DocumentKind) -> int:
    """The page count of a file the indexer will be able to read, or ``UnreadableDocument``.

    Cheap enough for an upload request (no OCR; a PDF's text is not extracted): it catches
    empty, encrypted, corrupt and truncated files, PDFs with no page or only blank ones, and
    DOCX files with no text."""
    _not_empty(path)
    with _unreadable_on_error(kind):
        return _check_pdf(path) if kind == "pdf" else len(read_docx(path).pages)


def read_document(path: Path) -> DocumentText:
    """Per-page text of a PDF or DOCX, by its suffix; raises ``UnreadableDocument`` with a
    reason a person can act on."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnreadableDocument(f"unsupported file type {path.suffix!r}")
    _not_empty(path)
    with _unreadable_on_error(kind):
        return read_pdf(path) if kind == "pdf" else read_docx(path)


def read_documents(
    paths: Sequence[Path], workers: int | None = None
) -> Generator[DocumentText | UnreadableDocument, None, None]:
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


def _read(path: Path) -> DocumentText | UnreadableDocument:
    try:
        return read_document(path)
    except UnreadableDocument as exc:
        return exc


@contextmanager
def _unreadable_on_error(kind: DocumentKind) -> Iterator[None]:
    """Whatever a malformed file makes a library raise is that file's problem, reported like
    any other: one bad file must not stop a build or fail an upload with a server error."""
    try:
        yield
    except UnreadableDocument:
        raise
    except Exception as exc:
        name = kind.upper()
        raise UnreadableDocument(
            f"corrupt or unreadable {name} ({type(exc).__name__}: {exc})"
        ) from exc


def _not_empty(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:  # deleted while a build was reading the folder, unreadable
        raise UnreadableDocument(f"cannot open the file ({exc.strerror})") from exc
    if size == 0:
        raise UnreadableDocument("empty file")


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _visible(text: str) -> int:
    return sum(not c.isspace() for c in text)


# --- PDF -------------------------------------------------------------------------------------


def read_pdf(path: Path) -> DocumentText:
    """The text layer of each page, and OCR's text for the pages that have none."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password only: readable
            raise UnreadableDocument("encrypted PDF")
        pages = [_clean(page.extract_text() or "") for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types on broken files; none may stop a run
        raise UnreadableDocument(
            f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})"
        ) from exc
    if not pages:
        raise UnreadableDocument("PDF has no pages")
    ocr_pages: tuple[int, ...] = ()
    if any(_visible(text) < OCR_BELOW for text in pages):
        pages, ocr_pages = _with_ocr(path, pages)
    if not any(pages):
        raise UnreadableDocument("no text, and none found by OCR (blank PDF)")
    return DocumentText(pages=tuple(pages), created=_created(reader), ocr_pages=ocr_pages)


def _created(reader: PdfReader) -> str | None:
    """The document's creation month, when its metadata states one (it often does)."""
    try:
        when = reader.metadata.creation_date if reader.metadata else None
    except Exception:  # a malformed date must not make a readable CV unreadable
        return None
    return f"{when.year:04d}-{when.month:02d}" if when else None


def _with_ocr(path: Path, pages: list[str]) -> tuple[list[str], tuple[int, ...]]:
    """Pages with no text layer, or a near-empty one over an image, read by OCR; one page
    rendered at a time (a 300 dpi A4 page is ~9 MB of pixels)."""
    pages = list(pages)
    done: list[int] = []
    for n, text in enumerate(pages):
        if _visible(text) >= OCR_BELOW:
            continue
        image = _render(path, n, needs_image=bool(text))
        if image is None:
            continue
        try:
            found = _clean(ocr.read_image(image))
        except ocr.OcrUnavailable as exc:
            raise UnreadableDocument(str(exc)) from exc
        except RuntimeError as exc:  # pytesseract's timeout, Tesseract's own failures
            raise UnreadableDocument(f"OCR of page {n + 1} failed ({exc})") from exc
        if _visible(found) > _visible(text):
            pages[n] = found
            done.append(n + 1)
    return pages, tuple(done)


def _render(path: Path, index: int, *, needs_image: bool) -> Image.Image | None:
    """Page ``index`` as a grayscale image for OCR; None when there is nothing to read."""
    with ocr.PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise UnreadableDocument(f"PDF page {index + 1} cannot be rendered ({exc})") from exc
        try:
            page = pdf[index]
            if needs_image and not any(page.get_objects((pdfium_c.FPDF_PAGEOBJ_IMAGE,))):
                return None
            bitmap = page.render(scale=ocr.DPI / 72, grayscale=True)
            image = bitmap.to_pil().copy()  # to_pil shares PDFium's buffer, freed on close
            bitmap.close()
        except pdfium.PdfiumError as exc:
            raise UnreadableDocument(f"PDF page {index + 1} cannot be rendered ({exc})") from exc
        finally:
            pdf.close()
    return None if ocr.is_blank(image) else image


def _check_pdf(path: Path) -> int:
    with ocr.PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            reason = _PDFIUM_ERRORS.get(exc.err_code, f"corrupt or unreadable PDF ({exc})")
            raise UnreadableDocument(reason) from exc
        try:
            count = len(pdf)
            drawn = False
            for index in range(count):
                page = pdf[index]
                drawn = drawn or pdfium_c.FPDFPage_CountObjects(page.raw) > 0
                page.close()
        except pdfium.PdfiumError as exc:
            raise UnreadableDocument(f"corrupt or unreadable PDF ({exc})") from exc
        finally:
            pdf.close()
    if count == 0:
        raise UnreadableDocument("PDF has no pages")
    if not drawn:
        raise UnreadableDocument("every page of the PDF is blank")
    return count


# --- DOCX ------------------------------------------------------------------------------------


def read_docx(path: Path) -> DocumentText:
    """Paragraphs, tables, text boxes, headers and footers, in reading order."""
    with path.open("rb") as fh:
        if fh.read(len(_OLE)) == _OLE:
            raise UnreadableDocument("encrypted DOCX (password-protected)")
    try:
        raw, created = docx_pages(path)
    except DocxError as exc:
        raise UnreadableDocument(str(exc)) from exc
    pages = tuple(page for page in (_clean(p) for p in raw) if page)
    if not pages:
        raise UnreadableDocument("no text in the DOCX")
    return DocumentText(pages=pages, created=created)
