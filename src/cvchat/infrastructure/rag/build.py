"""Building one index version: CVs → passages → vectors, FAISS and BM25 → files in a folder.

Vectors of a CV whose content hash and index configuration are unchanged since the previous
version are copied instead of re-embedded, so re-indexing a grown corpus costs only the new
CVs. Unreadable files are skipped, logged and listed in the report.

Pipeline: worker processes extract the text (``read_documents``; OCR for scanned pages) while
this process chunks each CV as its text arrives and embeds the passages in windows of
``2 × batch_size`` (each window sorted by length inside the embedder), so reading, chunking and
embedding overlap. Documents keep the order of ``sources`` whatever order the workers finish in.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm.auto import tqdm

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles import extraction
from cvchat.infrastructure.profiles.extraction import OfflineExtractor, ProfileExtractor, ProfileJob
from cvchat.infrastructure.rag.chunking import Chunk, chunk_cv, chunk_fixed
from cvchat.infrastructure.rag.config import IndexConfig
from cvchat.infrastructure.rag.corpus import CvMeta, SourceFile, cv_meta
from cvchat.infrastructure.rag.documents import UnreadableDocument, read_documents
from cvchat.infrastructure.rag.embeddings import Embedder, Vectors
from cvchat.infrastructure.rag.records import ChunkRecord, DocumentRecord, Skipped
from cvchat.infrastructure.rag.text_analysis import analyze, analyze_plain

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
PROFILES = "profiles.jsonl"
DENSE = "dense.faiss"
BM25_DIR = "bm25"


class BuildError(Exception):
    """Nothing could be indexed (no readable CV); the current version stays as it is."""


@dataclass
class BuildReport:
    version: str
    files: int = 0
    pages: int = 0
    chunks: int = 0
    embedded_documents: int = 0
    reused_documents: int = 0
    profiles_extracted: int = 0
    profiles_reused: int = 0
    profile_seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    indexed_files: list[str] = field(default_factory=list)  # relative to the corpus folder


@dataclass(frozen=True)
class PreviousVersion:
    """What a build may reuse: the documents, passages and vectors of the last version."""

    config: IndexConfig
    documents: dict[str, DocumentRecord]
    chunks_by_cv: dict[str, list[int]]
    chunks: list[ChunkRecord]
    vectors: Vectors
    profiles: dict[str, CandidateProfile] = field(default_factory=dict)
    """Profiles reusable as they are (same extractor format); empty for older versions."""


def context_line(name: str, headline: str, section: str | None) -> str:
    return " | ".join(p for p in (name, headline, section or "") if p)


def _chunks_for(
    pages: tuple[str, ...], config: IndexConfig, embedder: Embedder, meta: CvMeta
) -> list[Chunk]:
    if config.chunking == "fixed":
        return chunk_fixed(pages, config.fixed_chars, config.fixed_overlap_chars)
    reserve = 2 + embedder.passage_prompt_tokens  # special tokens and the family's prompt
    if config.contextual:
        context = context_line(meta.name, meta.headline, "experience")
        reserve += embedder.count([context])[0] + 1
    budget = max(16, min(config.chunk_tokens, embedder.max_seq_length - reserve))
    overlap = min(config.overlap_tokens, budget // 2)
    return chunk_cv(pages, embedder, budget, overlap, meta.headings)


def build_version(
    sources: list[SourceFile],
    config: IndexConfig,
    embedder: Embedder,
    out_dir: Path,
    *,
    version: str | None = None,
    previous: PreviousVersion | None = None,
    batch_size: int = 64,
    progress: bool = False,
    workers: int | None = 0,
    extractor: ProfileExtractor | None = None,
) -> BuildReport:
    """Write a complete version into ``out_dir`` (which must not exist yet).

    ``workers``: reading processes (None: one per core; 0 or 1: serial). Each CV also gets
    a candidate profile (``extractor``, offline by default), reused like its vectors."""
    extractor = extractor or OfflineExtractor()
    started = time.perf_counter()
    report = BuildReport(version=version or out_dir.name, files=len(sources))
    reuse = previous is not None and previous.config.same_chunks_and_vectors(config)
    documents: list[DocumentRecord] = []
    chunks: list[ChunkRecord] = []
    vector_parts: list[tuple[str, list[int]]] = []  # ("old", rows) or ("new", rows)
    to_embed: list[str] = []
    fresh_parts: list[Vectors] = []
    window = 2 * batch_size
    embedded = 0

    def embed_pending() -> None:
        nonlocal embedded
        if len(to_embed) > embedded:
            fresh_parts.append(embedder.encode_passages(to_embed[embedded:], batch_size))
            embedded = len(to_embed)

    def reusable(source: SourceFile) -> DocumentRecord | None:
        old = previous.documents.get(source.cv_id) if previous and reuse else None
        return old if old is not None and old.sha256 == source.sha256 else None

    def reusable_profile(source: SourceFile) -> CandidateProfile | None:
        old = previous.documents.get(source.cv_id) if previous else None
        if previous is None or old is None or old.sha256 != source.sha256:
            return None
        profile = previous.profiles.get(source.cv_id)
        # An offline profile is not what a build with the model would make: extract again.
        if profile is None or (extractor.name == "llm" and profile.extractor != "llm"):
            return None
        return profile

    profiles: dict[str, CandidateProfile] = {}
    profile_jobs: list[ProfileJob] = []
    to_read = [s.path for s in sources if reusable(s) is None or reusable_profile(s) is None]
    # closing: the reader pool stops even when chunking or embedding raises
    with closing(read_documents(to_read, workers)) as texts:
        for source in tqdm(sources, desc="CVs", unit="CV", disable=not progress):
            old = reusable(source)
            kept = reusable_profile(source)
            if kept is not None:
                profiles[source.cv_id] = kept
                report.profiles_reused += 1
            if previous is not None and old is not None:
                if kept is None:  # vectors reused, profile made again from the text
                    text = next(texts)
                    if not isinstance(text, UnreadableDocument):
                        profile_jobs.append(ProfileJob(source.cv_id, text.pages, text.created))
                rows = previous.chunks_by_cv.get(source.cv_id, [])
                documents.append(old)
                chunks.extend(previous.chunks[r] for r in rows)
                vector_parts.append(("old", rows))
                report.reused_documents += 1
                report.pages += old.pages
                continue
            document = next(texts)
            if isinstance(document, UnreadableDocument):
                log.warning("skipping %s: %s", source.file, document)
                report.skipped.append(Skipped(source.file, str(document)))
                continue
            if kept is None:
                profile_jobs.append(ProfileJob(source.cv_id, document.pages, document.created))
            meta = cv_meta(source, document.pages)
            cut = _chunks_for(document.pages, config, embedder, meta)
            if not cut:
                report.skipped.append(Skipped(source.file, "no text to index"))
                continue
            first_new = len(to_embed)
            for n, chunk in enumerate(cut):
                chunks.append(
                    ChunkRecord(
                        f"{source.cv_id}#{n}",
                        source.cv_id,
                        chunk.page,
                        chunk.section,
                        chunk.char_start,
                        chunk.char_end,
                        chunk.text,
                    )
                )
                text = chunk.text
                if config.contextual:
                    text = context_line(meta.name, meta.headline, chunk.section) + "\n" + text
                to_embed.append(text)
            vector_parts.append(("new", list(range(first_new, len(to_embed)))))
            documents.append(
                DocumentRecord(
                    source.cv_id,
                    source.file,
                    source.sha256,
                    meta.name,
                    meta.headline,
                    meta.language,
                    len(document.pages),
                    len(cut),
                    document.ocr_pages,
                )
            )
            report.embedded_documents += 1
            report.pages += len(document.pages)
            if len(to_embed) - embedded >= window:
                embed_pending()

    if not chunks:
        raise BuildError(f"nothing to index: {len(sources)} file(s), {len(report.skipped)} skipped")

    embed_pending()
    indexed = {d.cv_id for d in documents}
    profile_jobs = [j for j in profile_jobs if j.cv_id in indexed]
    profile_started = time.perf_counter()
    for profile in extractor.extract_many(profile_jobs):
        profiles[profile.cv_id] = profile
    report.profile_seconds = time.perf_counter() - profile_started
    report.profiles_extracted = len(profile_jobs)
    dim = embedder.dimension
    fresh = np.vstack(fresh_parts) if fresh_parts else np.zeros((0, dim), np.float32)
    parts = [
        (previous.vectors[rows] if kind == "old" and previous else fresh[rows])
        for kind, rows in vector_parts
    ]
    vectors = np.ascontiguousarray(np.vstack(parts) if parts else np.zeros((0, dim)), np.float32)
    report.chunks = len(chunks)
    report.indexed_files = [d.file for d in documents]

    write_version(
        out_dir,
        version=report.version,
        config=config,
        max_seq_length=embedder.max_seq_length,
        documents=documents,
        chunks=chunks,
        vectors=vectors,
        skipped=report.skipped,
        profiles=[profiles[d.cv_id] for d in documents if d.cv_id in profiles],
    )
    report.seconds = time.perf_counter() - started
    return report


def write_version(
    out_dir: Path,
    *,
    version: str,
    config: IndexConfig,
    max_seq_length: int,
    documents: list[DocumentRecord],
    chunks: list[ChunkRecord],
    vectors: Vectors,
    skipped: list[Skipped],
    profiles: list[CandidateProfile] | None = None,
) -> None:
    """The files of one version: passages, vectors, FAISS, BM25, profiles, and the manifest
    last."""
    out_dir.mkdir(parents=True)
    np.save(out_dir / VECTORS, vectors)
    faiss.write_index(dense_index(vectors, config), str(out_dir / DENSE))
    _write_bm25(out_dir / BM25_DIR, chunks, documents, config)
    with (out_dir / CHUNKS).open("w", encoding="utf-8") as fh:
        for record in chunks:
            fh.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
    with (out_dir / PROFILES).open("w", encoding="utf-8") as fh:
        for profile in profiles or []:
            fh.write(profile.model_dump_json(exclude_none=True) + "\n")
    manifest = {
        "format": FORMAT,
        "version": version,
        "created_at": datetime.now(UTC).isoformat(),
        "model": config.model,
        "dimension": int(vectors.shape[1]),
        "max_seq_length": max_seq_length,
        "config": config.to_json(),
        "counts": {
            "documents": len(documents),
            "pages": sum(d.pages for d in documents),
            "chunks": len(chunks),
            "skipped": len(skipped),
        },
        "documents": {d.cv_id: d.to_json() for d in documents},
        "profiles": {"format": extraction.FORMAT, "count": len(profiles or [])},
        "skipped": [{"file": s.file, "reason": s.reason} for s in skipped],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))


def dense_index(vectors: Vectors, config: IndexConfig) -> faiss.Index:
    """Exact inner product (cosine on normalized vectors) by default; HNSW when asked."""
    dim = vectors.shape[1]
    index: faiss.Index
    if config.dense_index == "hnsw":
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 200
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def keyword_tokens(
    chunks: list[ChunkRecord], documents: list[DocumentRecord], config: IndexConfig
) -> list[list[str]]:
    language = {d.cv_id: d.language for d in documents}
    if config.keyword_analyzer == "plain":
        return [analyze_plain(c.text) for c in chunks]
    return [analyze(c.text, language[c.cv_id]) for c in chunks]


def _write_bm25(
    path: Path, chunks: list[ChunkRecord], documents: list[DocumentRecord], config: IndexConfig
) -> None:
    bm25 = bm25s.BM25()
    bm25.index(keyword_tokens(chunks, documents, config), show_progress=False)
    bm25.save(str(path))
