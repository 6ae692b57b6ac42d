"""Unreadable PDFs are skipped and reported; one bad file never stops indexing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from cvchat.infrastructure.rag import IndexStore
from cvchat.infrastructure.rag.pdf_text import UnreadablePdf, read_pdf
from tests.rag.conftest import make_settings


def _blank_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with path.open("wb") as fh:
        writer.write(fh)


def _encrypted_pdf(source: Path, path: Path) -> None:
    writer = PdfWriter(clone_from=source)
    writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)


def test_text_is_read_per_page(corpus_pdfs: Path) -> None:
    pages = read_pdf(corpus_pdfs / "sam-manager" / "cv.pdf").pages
    assert len(pages) >= 2
    assert "Sam Okafor" in pages[0]
    assert "ITIL 4 Foundation" in pages[-1] and "ITIL" not in pages[0]


@pytest.mark.parametrize("kind", ["corrupt", "blank", "encrypted", "empty"])
def test_unreadable_pdfs_raise_a_reason(tmp_path: Path, corpus_pdfs: Path, kind: str) -> None:
    path = tmp_path / "bad.pdf"
    if kind == "corrupt":
        path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    elif kind == "blank":
        _blank_pdf(path)
    elif kind == "encrypted":
        _encrypted_pdf(corpus_pdfs / "tom-teacher" / "cv.pdf", path)
    else:
        path.write_bytes(b"")
    with pytest.raises(UnreadablePdf):
        read_pdf(path)


def test_bad_files_are_skipped_and_counted_while_the_rest_is_indexed(
    data_dir: Path, corpus_pdfs: Path
) -> None:
    (data_dir / "cvs" / "broken").mkdir()
    (data_dir / "cvs" / "broken" / "cv.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    _blank_pdf(data_dir / "cvs" / "scan-only.pdf")
    _encrypted_pdf(corpus_pdfs / "tom-teacher" / "cv.pdf", data_dir / "cvs" / "locked.pdf")
    store = IndexStore(make_settings(data_dir))

    report = store.build()

    assert report.files == 9
    assert sorted(s.file for s in report.skipped) == [
        "broken/cv.pdf",
        "locked.pdf",
        "scan-only.pdf",
    ]
    assert {s.file: s.reason for s in report.skipped}["locked.pdf"] == "encrypted PDF"
    documents = store.snapshot().documents
    assert set(documents) == {
        "ana-backend",
        "luc-chef",
        "eva-nurse",
        "marta-accountant",
        "tom-teacher",
        "sam-manager",
    }
    assert store.snapshot().manifest["counts"]["skipped"] == 3
