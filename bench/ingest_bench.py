"""Reading CVs: the PDF text layer with pypdf and with pypdfium2, OCR of scans, DOCX, checks.

Measures, in one run and on the same machine, over the demo corpus (``data/cvs``, made by
``make data``) and the labelled corpora of ``tests/corpora`` rendered to PDF:
- the text layer, seconds per page with pypdf (what indexing uses) and with pypdfium2 (the
  baseline it is compared with), median of ``--repeats`` passes over every file; and how the
  two texts differ: word-sequence similarity (difflib) and the share of labelled names,
  cities and employers each one holds;
- OCR, seconds per page: the pages of ``--ocr-cvs`` CVs rendered to 200 dpi images and saved
  as image-only PDFs (a scanner's output), read back by ``read_document`` (PDFium renders at
  300 dpi, Tesseract reads eng+spa+fra+deu); p50/p95, and the share of the text layer's
  words that OCR finds;
- DOCX: the same CVs written as Word files, read by ``read_document``; p50/p95 per file;
- the upload check (``check_document``) per PDF, per scan, per DOCX and for a 20-page PDF;
- Tesseract on 3 pages with its OpenMP threads held to one (as ``ocr`` runs it) and at its
  default.

With ``--eval``, also ``cvchat eval answers --corpus all`` with each text layer (a few
minutes): text changes move answer quality, so speed alone does not choose the text layer.

Usage: CVCHAT_RAG__EMBEDDING_MODEL=offline-minilm \
  .venv/bin/python bench/ingest_bench.py [--repeats 3] [--ocr-cvs 10] [--eval]
Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pytesseract
from pypdf import PdfReader, PdfWriter

from cvchat.domain.vocabulary import fold
from cvchat.evaluation.answer_set import (
    GroundTruth,
    load_generated,
    load_independent,
    render_corpus,
)
from cvchat.evaluation.run_answers import CORPORA, LABELLED, evaluate_answers
from cvchat.infrastructure.rag import documents, ocr
from cvchat.infrastructure.rag.documents import _clean, check_document, read_document
from cvchat.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ingest.json"
_WORD = re.compile(r"\w{3,}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(seconds: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(_percentile(seconds, 0.95) * 1000, 2),
        "n": len(seconds),
    }


def pypdf_pages(path: Path) -> list[str]:
    return [_clean(page.extract_text() or "") for page in PdfReader(path).pages]


def pdfium_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        # PDFium ends lines with CRLF and marks a line-end hyphen with U+FFFE
        raw = textpage.get_text_range().replace("\r\n", "\n").replace("\ufffe", "-")
        pages.append(_clean(raw))
        textpage.close()
        page.close()
    pdf.close()
    return pages


def _flat(text: str) -> str:
    return " ".join(fold(re.sub(r"-\n", "-", text)).split())


def corpus(workdir: Path) -> tuple[list[Path], dict[Path, GroundTruth]]:
    """Every PDF to read, and what a person labelled in each."""
    pdfs: list[Path] = []
    truth: dict[Path, GroundTruth] = {}
    demo = ROOT / "data" / "cvs"
    for t in load_generated(demo) if demo.is_dir() else []:
        path = demo / t.cv_id / "cv.pdf"
        if path.is_file():
            pdfs.append(path)
            truth[path] = t
    for name in LABELLED:
        render_corpus(CORPORA / name, workdir / name)
        for t in load_independent(CORPORA / name):
            path = workdir / name / t.cv_id / "cv.pdf"
            pdfs.append(path)
            truth[path] = t
    return pdfs, truth


def per_page_seconds(
    read: Callable[[Path], list[str]], pdfs: list[Path], repeats: int
) -> tuple[list[float], float]:
    """Each file's cost per page (median over the repeats), and pages per second overall."""
    costs: dict[Path, list[float]] = {p: [] for p in pdfs}
    pages = {p: 1 for p in pdfs}
    totals = []
    for _ in range(repeats):
        started = time.perf_counter()
        for path in pdfs:
            began = time.perf_counter()
            pages[path] = max(1, len(read(path)))
            costs[path].append(time.perf_counter() - began)
        totals.append(time.perf_counter() - started)
    per_page = [statistics.median(c) / pages[p] for p, c in costs.items()]
    return per_page, sum(pages.values()) / statistics.median(totals)


def text_quality(pdfs: list[Path], truth: dict[Path, GroundTruth]) -> dict[str, Any]:
    similarity = []
    held = {"pypdf": 0, "pypdfium2": 0}
    labels = 0
    for path in pdfs:
        a, b = "\n".join(pypdf_pages(path)), "\n".join(pdfium_pages(path))
        similarity.append(
            difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
        )
        t = truth[path]
        for what in (t.name, t.city, *t.employers):
            if what:
                labels += 1
                held["pypdf"] += _flat(what) in _flat(a)
                held["pypdfium2"] += _flat(what) in _flat(b)
    return {
        "word_similarity_mean": round(statistics.mean(similarity), 4),
        "word_similarity_min": round(min(similarity), 4),
        "files_identical_words": sum(s == 1.0 for s in similarity),
        "labels": labels,
        "labels_found": {k: round(v / labels, 4) for k, v in held.items()},
    }


def scan(pdf: Path, target: Path, dpi: int = 200) -> int:
    document = pdfium.PdfDocument(pdf)
    images = [
        document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))
    ]
    document.close()
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return len(images)


def write_docx(pages: list[str], target: Path) -> None:
    """A Word CV with the same text: a paragraph per line, a page break between pages."""
    document = docx.Document()
    for n, page in enumerate(pages):
        for line in page.splitlines():
            document.add_paragraph(line)
        if n < len(pages) - 1:
            document.add_page_break()
    document.save(str(target))


def ocr_and_docx(pdfs: list[Path], workdir: Path, count: int) -> dict[str, Any]:
    step = max(1, len(pdfs) // count)
    chosen = pdfs[::step][:count]
    ocr_per_page, recall, docx_read, docx_check, scan_check = [], [], [], [], []
    pages_total = 0
    for n, pdf in enumerate(chosen):
        layer = pypdf_pages(pdf)
        target = workdir / f"scan-{n}.pdf"
        pages = scan(pdf, target)
        began = time.perf_counter()
        scan_ok = check_document(target, "pdf")
        scan_check.append(time.perf_counter() - began)
        began = time.perf_counter()
        text = read_document(target)
        seconds = time.perf_counter() - began
        assert scan_ok == pages and text.ocr_pages == tuple(range(1, pages + 1)), pdf
        ocr_per_page.append(seconds / pages)
        pages_total += pages
        expected = {w.lower() for w in _WORD.findall("\n".join(layer))}
        found = {w.lower() for w in _WORD.findall("\n".join(text.pages))}
        recall.append(len(expected & found) / max(1, len(expected)))
        word = workdir / f"cv-{n}.docx"
        write_docx(layer, word)
        began = time.perf_counter()
        read_document(word)
        docx_read.append(time.perf_counter() - began)
        began = time.perf_counter()
        check_document(word, "docx")
        docx_check.append(time.perf_counter() - began)
    return {
        "cvs": len(chosen),
        "pages": pages_total,
        "ocr_per_page": _summary(ocr_per_page),
        "ocr_word_recall_mean": round(statistics.mean(recall), 4),
        "ocr_word_recall_min": round(min(recall), 4),
        "docx_read_per_file": _summary(docx_read),
        "check_docx_per_file": _summary(docx_check),
        "check_scan_per_file": _summary(scan_check),
    }


def checks(pdfs: list[Path], workdir: Path) -> dict[str, Any]:
    seconds = []
    for path in pdfs:
        began = time.perf_counter()
        check_document(path, "pdf")
        seconds.append(time.perf_counter() - began)
    writer = PdfWriter()
    for path in pdfs:
        for page in PdfReader(path).pages:
            if len(writer.pages) < 20:
                writer.add_page(page)
    long_pdf = workdir / "twenty-pages.pdf"
    with long_pdf.open("wb") as fh:
        writer.write(fh)
    long_check, long_read = [], []
    for _ in range(5):
        began = time.perf_counter()
        assert check_document(long_pdf, "pdf") == 20
        long_check.append(time.perf_counter() - began)
        began = time.perf_counter()
        read_document(long_pdf)
        long_read.append(time.perf_counter() - began)
    return {
        "check_pdf_per_file": _summary(seconds),
        "check_20_page_pdf_ms": round(statistics.median(long_check) * 1000, 2),
        "read_20_page_pdf_ms": round(statistics.median(long_read) * 1000, 2),
    }


def tesseract_threads(scans: list[Path]) -> dict[str, float]:
    """Seconds per page with Tesseract's OpenMP threads held to one (as indexing runs it) and
    left at its default (one per core)."""
    images = []
    for path in scans:
        pdf = pdfium.PdfDocument(path)
        images.append(pdf[0].render(scale=ocr.DPI / 72, grayscale=True).to_pil().copy())
        pdf.close()
    languages = ocr._languages()
    out = {}
    for name, env in (
        ("one_thread", {**os.environ, "OMP_THREAD_LIMIT": "1"}),
        ("default_threads", {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}),
    ):
        seconds = []
        for image in images:
            pytesseract.pytesseract.environ = env
            began = time.perf_counter()
            pytesseract.image_to_string(image, lang=languages)
            seconds.append(time.perf_counter() - began)
        out[f"{name}_p50_s"] = round(statistics.median(seconds), 2)
    return out


def pdfium_read_pdf(path: Path) -> documents.DocumentText:
    """``read_pdf`` with pypdfium2's text layer in place of pypdf's, for ``--eval``."""
    pages = pdfium_pages(path)
    ocr_pages: tuple[int, ...] = ()
    if any(documents._visible(text) < documents.OCR_BELOW for text in pages):
        pages, ocr_pages = documents._with_ocr(path, pages)
    created = documents._created(PdfReader(path))
    return documents.DocumentText(tuple(pages), created, ocr_pages)


def eval_answers(workdir: Path) -> dict[str, dict[str, dict[str, float]]]:
    """``cvchat eval answers --corpus all`` with each text layer, each in a data folder of its
    own (no vector or profile reused from the other); F1 and exact-set rate per corpus."""
    shipped = documents.read_pdf
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, read in (("pypdf", shipped), ("pypdfium2", pdfium_read_pdf)):
        settings = get_settings().model_copy(update={"data_dir": workdir / f"eval-{name}"})
        shutil.copytree(ROOT / "data" / "cvs", settings.cvs_dir)
        documents.read_pdf = read  # the reader processes are forked: they see it too
        try:
            for corpus_name in ("demo", *LABELLED):
                report = json.loads(evaluate_answers(settings, corpus_name).to_json())["overall"]
                out.setdefault(corpus_name, {})[name] = {
                    "f1": round(report["f1"], 3),
                    "exact_set": round(report["exact_set_rate"], 3),
                }
                print(f"eval answers, {corpus_name}, {name}: {out[corpus_name][name]}")
        finally:
            documents.read_pdf = shipped
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ocr-cvs", type=int, default=10)
    parser.add_argument(
        "--eval", action="store_true", help="also `cvchat eval answers` with each text layer"
    )
    args = parser.parse_args()
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_start": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        pdfs, truth = corpus(workdir)
        pages = sum(len(PdfReader(p).pages) for p in pdfs)
        result["corpus"] = {"pdfs": len(pdfs), "pages": pages}
        print(f"{len(pdfs)} PDFs, {pages} pages; load average {result['load_average_start']}")

        for name, read in (("pypdf", pypdf_pages), ("pypdfium2", pdfium_pages)):
            read(pdfs[0])  # imports and first-call set-up are not a page's cost
            per_page, rate = per_page_seconds(read, pdfs, args.repeats)
            result[f"text_layer_{name}"] = {**_summary(per_page), "pages_per_s": round(rate, 1)}
            print(f"text layer, {name}: {result[f'text_layer_{name}']}")
        speedup = result["text_layer_pypdf"]["p50_ms"] / result["text_layer_pypdfium2"]["p50_ms"]
        result["pypdfium2_speedup_p50"] = round(speedup, 1)
        result["text_quality"] = text_quality(pdfs, truth)
        print(f"text quality: {result['text_quality']}")
        result["checks"] = checks(pdfs, workdir)
        print(f"checks: {result['checks']}")
        result["ocr_and_docx"] = ocr_and_docx(pdfs, workdir, args.ocr_cvs)
        print(f"OCR and DOCX: {result['ocr_and_docx']}")
        result["tesseract_threads"] = tesseract_threads(sorted(workdir.glob("scan-*.pdf"))[:3])
        print(f"Tesseract's threads: {result['tesseract_threads']}")
        if args.eval:
            result["eval_answers"] = eval_answers(workdir)
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
