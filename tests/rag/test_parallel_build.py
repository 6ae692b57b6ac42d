"""PDF text read by worker processes while the model embeds gives the serial build's index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from cvchat.infrastructure.rag.build import CHUNKS, MANIFEST, VECTORS, build_version
from cvchat.infrastructure.rag.config import IndexConfig
from cvchat.infrastructure.rag.corpus import discover
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL, Embedder
from cvchat.infrastructure.rag.pdf_text import PdfText, UnreadablePdf, read_pdfs


def test_workers_read_in_order_and_report_bad_files(data_dir: Path) -> None:
    (data_dir / "cvs" / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    paths = [s.path for s in discover(data_dir / "cvs")]
    serial = list(read_pdfs(paths, workers=0))
    parallel = list(read_pdfs(paths, workers=3))

    def outcome(result: PdfText | UnreadablePdf) -> object:
        return result if isinstance(result, PdfText) else f"unreadable: {result}"

    assert [outcome(r) for r in parallel] == [outcome(r) for r in serial]
    kinds = [type(r) for r in parallel]
    assert kinds.count(UnreadablePdf) == 1
    bad = paths[kinds.index(UnreadablePdf)]
    assert bad.name == "broken.pdf"


def test_a_parallel_build_equals_the_serial_one(data_dir: Path, embedder: Embedder) -> None:
    (data_dir / "cvs" / "broken").mkdir()
    (data_dir / "cvs" / "broken" / "cv.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    config = IndexConfig(model=OFFLINE_MODEL, backend=embedder.backend)
    sources = discover(data_dir / "cvs")
    # batch_size 4: several embedding windows, so reading and embedding interleave
    serial = build_version(sources, config, embedder, data_dir / "serial", batch_size=4, workers=0)
    parallel = build_version(
        sources, config, embedder, data_dir / "parallel", batch_size=4, workers=2
    )

    assert (
        [s.file for s in parallel.skipped] == [s.file for s in serial.skipped] == ["broken/cv.pdf"]
    )
    assert (parallel.chunks, parallel.pages) == (serial.chunks, serial.pages)
    assert (data_dir / "parallel" / CHUNKS).read_bytes() == (
        data_dir / "serial" / CHUNKS
    ).read_bytes()
    documents = [
        json.loads((data_dir / v / MANIFEST).read_text())["documents"]
        for v in ("serial", "parallel")
    ]
    assert list(documents[0].items()) == list(documents[1].items())
    np.testing.assert_allclose(
        np.load(data_dir / "parallel" / VECTORS), np.load(data_dir / "serial" / VECTORS), atol=1e-6
    )
