"""The names PDF reading had before DOCX and OCR came: benches and tests still import them."""

from __future__ import annotations

from cvchat.infrastructure.rag.documents import DocumentText, UnreadableDocument, read_documents
from cvchat.infrastructure.rag.documents import read_pdf as read_pdf

PdfText = DocumentText
UnreadablePdf = UnreadableDocument
read_pdfs = read_documents

__all__ = ["PdfText", "UnreadablePdf", "read_pdf", "read_pdfs"]
