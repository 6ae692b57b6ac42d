"""CVs as recruiters receive them: Word files, scans, and files that only claim to be a CV.

Real files throughout: DOCX written by python-docx, PDFs rendered by WeasyPrint, scans made by
rendering those to images, the real Tesseract binary.
"""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytesseract
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from PIL import Image
from pypdf import PdfWriter

from cvchat.infrastructure.rag import IndexRetriever, IndexStore, ocr
from cvchat.infrastructure.rag.build import MANIFEST
from cvchat.infrastructure.rag.corpus import discover
from cvchat.infrastructure.rag.documents import (
    DocumentText,
    UnreadableDocument,
    check_document,
    read_document,
    read_documents,
    sniff_file,
    sniff_type,
)
from cvchat.infrastructure.rag.snapshot import IndexSnapshot
from tests.rag.conftest import make_settings


def write_docx(path: Path) -> Path:
    """A three-page Spanish/German CV: header and footer, a table with merged cells, a page
    break inside a paragraph and a section that starts a new page."""
    document = docx.Document()
    document.core_properties.created = datetime(2023, 5, 4)
    section = document.sections[0]
    section.header.paragraphs[0].text = "Currículum — Lucía Fernández Núñez"
    section.footer.paragraphs[0].text = "Vertraulich"
    document.add_heading("Lucía Fernández Núñez", 0)
    document.add_paragraph("Ingeniera de datos · Sevilla")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Idiomas"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Español, Deutsch, Français"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Herramientas"
    table.cell(1, 1).text = "Dataform"
    table.cell(1, 2).text = "6 años"
    table.cell(2, 1).text = "Zurbarán-Pipelines"
    table.cell(2, 2).text = "Größe: 40 TB"
    paragraph = document.add_paragraph("Berufserfahrung bei Müller & Söhne, Köln")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    paragraph.add_run("Formación: Universidad de Córdoba")
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("Intereses: ajedrez y Kitesurfen")
    document.save(str(path))
    return path


def scan(pdf: Path, target: Path, dpi: int = 200) -> Path:
    """An image-only PDF of ``pdf``'s pages, as a scanner would make it."""
    document = pdfium.PdfDocument(pdf)
    images: list[Image.Image] = [
        document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))
    ]
    document.close()
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, corpus_pdfs: Path) -> Path:
    folder = tmp_path_factory.mktemp("scans")
    return scan(corpus_pdfs / "ana-backend" / "cv.pdf", folder / "ana-scan.pdf")


def test_a_docx_is_read_in_order_with_its_tables_headers_and_page_breaks(tmp_path: Path) -> None:
    text = read_document(write_docx(tmp_path / "lucia.docx"))

    assert text.created == "2023-05" and text.ocr_pages == ()
    assert len(text.pages) == 3
    first = text.pages[0].splitlines()
    assert first == [
        "Currículum — Lucía Fernández Núñez",  # the header, once, before the body
        "Lucía Fernández Núñez",
        "Ingeniera de datos · Sevilla",
        "Idiomas | Español, Deutsch, Français",  # a merged cell is read once
        "Herramientas | Dataform | 6 años",
        "Zurbarán-Pipelines | Größe: 40 TB",  # the vertically merged cell is not repeated
        "Berufserfahrung bei Müller & Söhne, Köln",
    ]
    assert text.pages[1] == "Formación: Universidad de Córdoba"
    assert text.pages[2] == "Intereses: ajedrez y Kitesurfen\nVertraulich"  # footer last
    assert check_document(tmp_path / "lucia.docx", "docx") == 3


def test_a_page_without_a_text_layer_is_read_by_ocr(scanned: Path) -> None:
    text = read_document(scanned)

    assert text.ocr_pages == (1,)
    assert "Ana Torres" in text.pages[0]
    assert "Kubernetes" in text.pages[0] and "Quarkus" in text.pages[0]


def test_a_speckled_scan_is_cleaned_before_ocr_and_a_clean_one_is_not(
    tmp_path: Path, corpus_pdfs: Path
) -> None:
    """Dust and toner speckle (here 5 % of the pixels, a 180 dpi office scan) leave Tesseract
    almost nothing to read unless the page is smoothed first."""
    from cvchat.evaluation.scans import ScanSettings, scan_pdf

    noisy = tmp_path / "noisy.pdf"
    settings = ScanSettings(dpi=180, rotate_degrees=-1.2, noise=0.05, blur=0.6, jpeg_quality=55)
    created = datetime(2026, 3, 1)
    scan_pdf(corpus_pdfs / "ana-backend" / "cv.pdf", noisy, settings, seed="ana", created=created)
    document = pdfium.PdfDocument(noisy)
    page = document[0].render(scale=ocr.DPI / 72, grayscale=True).to_pil()
    document.close()
    assert ocr.speckle(page) >= ocr.SPECKLED
    text = read_document(noisy)
    assert text.ocr_pages == (1,) and text.created == "2026-03"
    assert "Ana Torres" in text.pages[0] and "Kubernetes" in text.pages[0]

    clean = pdfium.PdfDocument(corpus_pdfs / "ana-backend" / "cv.pdf")
    rendered = clean[0].render(scale=ocr.DPI / 72, grayscale=True).to_pil()
    clean.close()
    assert ocr.speckle(rendered) < ocr.SPECKLED
    assert ocr.cleaned(rendered).tobytes() == rendered.convert("L").tobytes()


def test_pages_with_a_text_layer_are_not_ocrd(corpus_pdfs: Path) -> None:
    text = read_document(corpus_pdfs / "sam-manager" / "cv.pdf")
    assert len(text.pages) >= 2 and text.ocr_pages == ()


def test_without_tesseract_a_scan_is_skipped_with_the_reason(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr._languages.cache_clear()
    try:
        (result,) = read_documents([scanned], workers=0)
    finally:
        ocr._languages.cache_clear()
    assert isinstance(result, UnreadableDocument)
    assert str(result) == "OCR needed but tesseract is not installed"


def test_workers_read_pdf_docx_and_scans_as_the_caller_would(
    tmp_path: Path, corpus_pdfs: Path, scanned: Path
) -> None:
    paths = [corpus_pdfs / "luc-chef" / "cv.pdf", write_docx(tmp_path / "cv.docx"), scanned]
    serial = list(read_documents(paths, workers=0))
    parallel = list(read_documents(paths, workers=2))
    assert parallel == serial
    assert all(isinstance(r, DocumentText) for r in parallel)
    assert [r.ocr_pages for r in parallel if isinstance(r, DocumentText)] == [(), (), (1,)]


# --- what the upload API checks --------------------------------------------------------------


def test_the_type_comes_from_the_bytes_not_the_name(tmp_path: Path, corpus_pdfs: Path) -> None:
    pdf = tmp_path / "cv.docx"  # a PDF under a Word name
    shutil.copy(corpus_pdfs / "tom-teacher" / "cv.pdf", pdf)
    word = write_docx(tmp_path / "cv.pdf")  # and the other way round
    archive = tmp_path / "photos.docx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word.txt", "a zip, but no Word document in it")
    text = tmp_path / "notes.pdf"
    text.write_text("Just some notes, not a PDF at all.")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    assert sniff_file(pdf) == "pdf" and sniff_file(word) == "docx"
    assert sniff_file(archive) is None and sniff_file(text) is None and sniff_file(empty) is None
    assert sniff_type(pdf.read_bytes()[:1024]) == "pdf"
    assert sniff_type(word.read_bytes()) == "docx"
    assert sniff_type(word.read_bytes()[:1024]) is None  # a ZIP's directory is at its end
    assert sniff_type(archive.read_bytes()) is None


def _encrypted_pdf(source: Path, path: Path) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_check_counts_the_pages_of_good_files(corpus_pdfs: Path, scanned: Path) -> None:
    sam = corpus_pdfs / "sam-manager" / "cv.pdf"
    assert check_document(sam, "pdf") == len(read_document(sam).pages) > 1
    assert check_document(scanned, "pdf") == 1  # OCR comes later, at indexing


def test_an_owner_password_alone_does_not_make_a_pdf_unreadable(
    tmp_path: Path, corpus_pdfs: Path
) -> None:
    path = tmp_path / "restricted.pdf"
    writer = PdfWriter(clone_from=corpus_pdfs / "tom-teacher" / "cv.pdf")
    writer.encrypt(user_password="", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)
    assert check_document(path, "pdf") == 1
    assert "Tom Baker" in read_document(path).pages[0]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("encrypted", "encrypted PDF"),
        ("empty", "empty file"),
        ("truncated", "corrupt or unreadable PDF"),
        ("blank", "every page of the PDF is blank"),
        ("truncated-docx", "corrupt or unreadable DOCX"),
        ("textless-docx", "no text in the DOCX"),
        ("encrypted-docx", "encrypted DOCX"),
    ],
)
def test_check_refuses_what_could_not_be_indexed(
    tmp_path: Path, corpus_pdfs: Path, kind: str, reason: str
) -> None:
    good = corpus_pdfs / "tom-teacher" / "cv.pdf"
    path = tmp_path / ("cv.docx" if "docx" in kind else "cv.pdf")
    if kind == "encrypted":
        _encrypted_pdf(good, path)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        data = good.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
    elif kind == "blank":
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        with path.open("wb") as fh:
            writer.write(fh)
    elif kind == "truncated-docx":
        data = write_docx(tmp_path / "whole.docx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "textless-docx":
        document = docx.Document()
        document.add_paragraph("   ")
        document.add_table(rows=2, cols=2)
        document.save(str(path))
    else:
        # What Word writes for a password-protected file: an OLE2 container whose stream
        # "EncryptedPackage" holds the encrypted DOCX (only its header matters here).
        header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
        path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(512))
        assert sniff_file(path) == "docx"

    with pytest.raises(UnreadableDocument) as refused:
        check_document(path, "docx" if "docx" in kind else "pdf")
    assert str(refused.value).startswith(reason)
    with pytest.raises(UnreadableDocument):  # and indexing would skip it as well
        read_document(path)


def test_checks_from_many_threads_at_once_are_safe(corpus_pdfs: Path, scanned: Path) -> None:
    """PDFium is not thread-safe; upload checks run in request threads while a build may
    render a scan in another."""
    pdfs = sorted(corpus_pdfs.rglob("*.pdf"))
    counts: list[int] = []
    errors: list[BaseException] = []

    def check_all() -> None:
        try:
            for _ in range(5):
                counts.extend(check_document(p, "pdf") for p in pdfs)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=check_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    ocr_text = read_document(scanned)
    for thread in threads:
        thread.join()
    assert not errors
    assert len(counts) == 4 * 5 * len(pdfs) and ocr_text.ocr_pages == (1,)


# --- the corpus folder ------------------------------------------------------------------------


def test_discover_finds_word_files_and_ignores_hidden_ones(tmp_path: Path) -> None:
    root = tmp_path / "cvs"
    (root / "lucia-fernandez").mkdir(parents=True)
    write_docx(root / "lucia-fernandez" / "cv.docx")
    write_docx(root / "Marco Rossi.DOCX")
    (root / ".upload-1234.part").write_bytes(b"%PDF-1.7 half written")
    write_docx(root / ".~lock-draft.docx")
    (root / "notes.txt").write_text("not a CV")

    found = discover(root)

    assert [(s.cv_id, s.file) for s in found] == [
        ("Marco Rossi", "Marco Rossi.DOCX"),
        ("lucia-fernandez", "lucia-fernandez/cv.docx"),
    ]


def test_an_index_of_a_pdf_a_docx_and_a_scan_finds_each(
    tmp_path: Path, corpus_pdfs: Path, scanned: Path
) -> None:
    cvs = tmp_path / "cvs"
    (cvs / "tom-teacher").mkdir(parents=True)
    shutil.copy(corpus_pdfs / "tom-teacher" / "cv.pdf", cvs / "tom-teacher" / "cv.pdf")
    write_docx(cvs / "lucia.docx")
    shutil.copy(scanned, cvs / "ana-scan.pdf")
    store = IndexStore(make_settings(tmp_path))

    report = store.build()

    assert report.skipped == [] and report.embedded_documents == 3
    documents = store.snapshot().documents
    assert {d: documents[d].ocr_pages for d in documents} == {
        "tom-teacher": (),
        "lucia": (),
        "ana-scan": (1,),
    }
    assert documents["lucia"].pages == 3
    retriever = IndexRetriever(store)
    assert retriever.search("Zurbarán", 1, "bm25")[0].cv_id == "lucia"  # only in the DOCX
    assert retriever.search("Quarkus gateway", 1, "hybrid")[0].cv_id == "ana-scan"  # the scan


def test_a_manifest_written_before_ocr_still_loads(tmp_path: Path, built_store: IndexStore) -> None:
    version = shutil.copytree(built_store.snapshot().path, tmp_path / "v1")
    manifest = json.loads((version / MANIFEST).read_text())
    for record in manifest["documents"].values():
        del record["ocr_pages"]
    (version / MANIFEST).write_text(json.dumps(manifest))

    documents = IndexSnapshot(version).documents

    assert documents == built_store.snapshot().documents
    assert {d.ocr_pages for d in documents.values()} == {()}
