"""Retrieval benchmark: indexing throughput, query latency at 30 / 1,000 / 10,000 CVs, memory.

    .venv/bin/python bench/retrieval_bench.py                      # generates 30 CVs (seed 11)
    .venv/bin/python bench/retrieval_bench.py --corpus data/cvs    # or an existing corpus

Indexing is measured on real generated PDFs (text extraction, chunking, embedding, FAISS, BM25,
writing the version) for each embedding backend (torch, onnx, onnx-int8), with PDF text read
serially and by one worker process per core, all in the same run: the repeats are interleaved
(round r builds every variant once) so a change of machine load hits every variant alike. The
floor is what the cores could do at best: (pypdf CPU-seconds + encoding CPU-seconds) / cores,
each stage measured alone. Query-encoder latency is measured per backend.

Larger corpora are made by perturbing the real CVs: each copy gets new ids, digits re-drawn
and 15 % of its words swapped for other corpus words (so BM25 posting lists and document
lengths stay realistic), and its vectors get Gaussian noise before re-normalization (FAISS
cost does not depend on what vectors mean). Latency is end to end per
query — query embedding included — through ``IndexSnapshot.search`` with k = 5, on one thread;
``*_index_only`` rows repeat dense and hybrid with the query vectors computed beforehand.
The baseline of the same run is the query embedding alone (the floor of dense and hybrid) and
the replaced service's configuration at the real corpus size.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from cvchat.infrastructure.rag.build import write_version
from cvchat.infrastructure.rag.config import (
    BASELINE_SEARCH,
    METHODS,
    SearchConfig,
    baseline_index_config,
)
from cvchat.infrastructure.rag.corpus import discover
from cvchat.infrastructure.rag.embeddings import (
    BACKENDS,
    OFFLINE_MODEL,
    Embedder,
    cpu_count,
    load_embedder,
)
from cvchat.infrastructure.rag.eval_queries import build_queries, load_ground_truth
from cvchat.infrastructure.rag.evaluation import build_snapshot
from cvchat.infrastructure.rag.pdf_text import read_pdfs
from cvchat.infrastructure.rag.records import ChunkRecord, DocumentRecord
from cvchat.infrastructure.rag.snapshot import IndexSnapshot
from cvchat.infrastructure.rag.store import IndexStore
from cvchat.settings import RetrievalSettings, Settings


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(samples: list[float], cpu: list[float] | None = None) -> dict[str, float]:
    """Wall-clock p50/p99/mean, and the p50 of the process's CPU time when given (on a shared
    machine the wall clock also counts time spent waiting for a core)."""
    ordered = sorted(samples)
    out = {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)],
        "mean_ms": 1000 * statistics.fmean(ordered),
    }
    if cpu:
        out["cpu_p50_ms"] = 1000 * statistics.median(cpu)
    return out


def generate(count: int, seed: int, out: Path) -> None:
    from cvchat.commands.dataset import dataset

    dataset(count=count, seed=seed, out=out, workers=0)


def scaled_version(
    base: IndexSnapshot, target_cvs: int, folder: Path, rng: random.Random
) -> IndexSnapshot:
    """A version of ``target_cvs`` CVs made by perturbing copies of the real ones."""
    prev = base.previous()
    vocabulary = sorted({w for c in prev.chunks for w in re.findall(r"\w{4,}", c.text)})
    originals = list(prev.documents.values())
    documents: list[DocumentRecord] = []
    chunks: list[ChunkRecord] = []
    rows: list[int] = []
    for n in range(target_cvs):
        doc = originals[n % len(originals)]
        cv_id = f"{doc.cv_id}~{n}"
        documents.append(
            DocumentRecord(
                cv_id,
                doc.file,
                doc.sha256,
                doc.name,
                doc.headline,
                doc.language,
                doc.pages,
                doc.chunks,
            )
        )
        for i, row in enumerate(prev.chunks_by_cv[doc.cv_id]):
            chunk = prev.chunks[row]
            words = [
                rng.choice(vocabulary) if rng.random() < 0.15 else w for w in chunk.text.split(" ")
            ]
            text = re.sub(r"\d", lambda _: str(rng.randrange(10)), " ".join(words))
            chunks.append(
                ChunkRecord(f"{cv_id}#{i}", cv_id, chunk.page, chunk.section, 0, len(text), text)
            )
            rows.append(row)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(
        0.0, 0.05, (len(rows), prev.vectors.shape[1])
    )
    vectors = (prev.vectors[rows] + noise).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    path = folder / f"scaled-{target_cvs}"
    write_version(
        path,
        version=path.name,
        config=base.config,
        max_seq_length=int(base.manifest["max_seq_length"]),
        documents=documents,
        chunks=chunks,
        vectors=np.ascontiguousarray(vectors),
        skipped=[],
    )
    return IndexSnapshot(path)


class Precomputed:
    """Query vectors computed beforehand: isolates the index's own cost from the model's."""

    def __init__(self, embedder: Embedder, texts: list[str]) -> None:
        self._vectors = {t: embedder.encode_query(t) for t in texts}

    def encode_query(self, text: str) -> Any:
        return self._vectors[text]


def latency(
    snapshot: IndexSnapshot,
    queries: list[str],
    method: str,
    search: SearchConfig,
    embedder: Embedder | Precomputed,
) -> dict[str, float]:
    for text in queries[:5]:
        snapshot.search(text, 5, method, search, embedder)  # type: ignore[arg-type]
    samples, cpu = [], []
    for text in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        snapshot.search(text, 5, method, search, embedder)  # type: ignore[arg-type]
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return percentiles(samples, cpu)


def cpu_now() -> float:
    """CPU-seconds of this process and of its finished children (the PDF workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def encoding_latency(embedder: Embedder, queries: list[str]) -> dict[str, float]:
    for text in queries[:5]:
        embedder.encode_query(text)
    samples, cpu = [], []
    for text in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        embedder.encode_query(text)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return percentiles(samples, cpu)


def store_for(work: Path, corpus: Path, name: str, rag: RetrievalSettings) -> IndexStore:
    settings = Settings(data_dir=work / name, rag=rag)
    settings.data_dir.mkdir()
    (settings.data_dir / "models").symlink_to(work / "models", target_is_directory=True)
    os.symlink(corpus.resolve(), settings.cvs_dir)  # the store reads <data_dir>/cvs
    return IndexStore(settings)


def indexing(
    work: Path, corpus: Path, model: str, repeats: int, backends: list[str]
) -> dict[str, Any]:
    """Every backend × {serial, parallel} PDF reading, ``repeats`` interleaved rounds."""
    variants: list[tuple[str, int | None]] = [(b, w) for b in backends for w in (0, None)]
    stores = {}
    for backend, workers in variants:
        rag = RetrievalSettings(
            embedding_model=model,
            embedding_backend=backend,  # type: ignore[arg-type]
            pdf_workers=workers,
        )
        store = store_for(work, corpus, f"store-{backend}-{workers}", rag)
        started = time.perf_counter()
        store.embedder.encode_query("warm up")
        ready = time.perf_counter() - started  # load (and export, first time) + one query
        print(f"{backend}: model ready in {ready:.1f} s", flush=True)
        stores[(backend, workers)] = store
    wall: dict[tuple[str, int | None], list[float]] = {v: [] for v in variants}
    cpu: dict[tuple[str, int | None], list[float]] = {v: [] for v in variants}
    last = {}
    for _ in range(repeats):
        for variant in variants:
            gc.collect()
            started_cpu = cpu_now()
            last[variant] = stores[variant].build(full=True)
            wall[variant].append(last[variant].seconds)
            cpu[variant].append(cpu_now() - started_cpu)
    out: dict[str, Any] = {"load_average": os.getloadavg()}
    for (backend, workers), report in last.items():
        files = report.files - len(report.skipped)
        seconds = statistics.median(wall[(backend, workers)])
        name = f"{backend} {'serial' if workers == 0 else f'{cpu_count()} workers'}"
        out[name] = {
            "cvs": files,
            "pages": report.pages,
            "chunks": report.chunks,
            "median_seconds": seconds,
            "cvs_per_s": files / seconds,
            "all_seconds": wall[(backend, workers)],
            "median_cpu_seconds": statistics.median(cpu[(backend, workers)]),
        }
        print(name, json.dumps(out[name]), flush=True)

    # The floor: each stage alone, in CPU-seconds.
    paths = [s.path for s in discover(corpus)]
    pdf_cpu = []
    for _ in range(repeats):
        started = time.process_time()
        list(read_pdfs(paths, workers=0))
        pdf_cpu.append(time.process_time() - started)
    chunks = [c.text for c in stores[variants[0]].snapshot().chunks]
    floor: dict[str, Any] = {"pypdf_cpu_s": statistics.median(pdf_cpu), "cvs": len(paths)}
    for backend in backends:
        embedder = stores[(backend, 0)].embedder
        samples, wall_s = [], []
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            embedder.encode_passages(chunks)
            wall_s.append(time.perf_counter() - started)
            samples.append(time.process_time() - started_cpu)
        encode_cpu = statistics.median(samples)
        seconds = (floor["pypdf_cpu_s"] + encode_cpu) / cpu_count()
        floor[backend] = {
            "encode_cpu_s": encode_cpu,
            "encode_wall_s": statistics.median(wall_s),
            "passages": len(chunks),
            "floor_seconds": seconds,
            "ceiling_cvs_per_s": len(paths) / seconds,
        }
    out["floor"] = floor
    print("floor", json.dumps(floor), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (cvs_dir)")
    parser.add_argument("--generate", type=int, default=30, help="CVs to generate otherwise")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", default=OFFLINE_MODEL)
    parser.add_argument("--backend", default=RetrievalSettings().embedding_backend)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="compared for indexing")
    parser.add_argument("--scales", default="30,1000,10000", help="empty: indexing only")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="indexing runs (median kept)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/retrieval.json"))
    args = parser.parse_args()

    results: dict[str, Any] = {"load_average_start": os.getloadavg(), "cpus": os.cpu_count()}
    work = Path(tempfile.mkdtemp(prefix="cvchat-bench-"))
    corpus = args.corpus or work / "cvs"
    if args.corpus is None:
        generate(args.generate, args.seed, corpus)
    (work / "models").mkdir()
    backends = [b for b in args.backends.split(",") if b]
    results["indexing"] = indexing(work, corpus, args.model, args.repeats, backends)

    rag = RetrievalSettings(embedding_model=args.model, embedding_backend=args.backend)
    store = store_for(work, corpus, "store", rag)
    settings = Settings(data_dir=work / "store", rag=rag)
    embedder = store.embedder
    store.build(full=True)

    base = store.snapshot()
    truth = load_ground_truth(settings.cvs_dir)
    texts = [q.text for q in build_queries(truth, seed=3, max_queries=10 * args.queries)]
    rng = random.Random(args.seed)
    queries = rng.sample(texts, min(args.queries, len(texts)))
    search = SearchConfig.from_settings(settings.rag)

    results["query_embedding_only"] = {
        backend: encoding_latency(
            load_embedder(args.model, backend, work / "models"),  # type: ignore[arg-type]
            queries,
        )
        for backend in backends
    }
    print("query embedding", json.dumps(results["query_embedding_only"]), flush=True)
    if not args.scales:
        results["load_average_end"] = os.getloadavg()
        args.out.write_text(json.dumps(results, indent=1))
        print(f"written to {args.out}")
        return

    baseline = build_snapshot(
        work, settings, baseline_index_config(args.model, args.backend), embedder, "b"
    )
    results["baseline_hybrid_at_real_size"] = latency(
        baseline, queries, "hybrid", BASELINE_SEARCH, embedder
    )

    vectors = Precomputed(embedder, queries)
    results["scales"] = {}
    for scale in (int(s) for s in args.scales.split(",")):
        gc.collect()
        before = rss_mb()
        if scale <= len(base.documents):
            snapshot, built_s = base, 0.0
        else:
            started = time.perf_counter()
            snapshot = scaled_version(base, scale, work, rng)
            built_s = time.perf_counter() - started
        gc.collect()
        loaded = rss_mb() - before if snapshot is not base else None
        row: dict[str, Any] = {
            "cvs": len(snapshot.documents),
            "chunks": len(snapshot.chunks),
            "rss_mb_of_loaded_index": loaded,
            "disk_mb": sum(f.stat().st_size for f in snapshot.path.rglob("*") if f.is_file())
            / 2**20,
            "synthesis_s": built_s,
        }
        for method in METHODS:
            row[method] = latency(snapshot, queries, method, search, embedder)
        for method in ("dense", "hybrid"):
            row[f"{method}_index_only"] = latency(snapshot, queries, method, search, vectors)
        results["scales"][str(scale)] = row
        print(scale, json.dumps(row, indent=1), flush=True)
        del snapshot
    results["load_average_end"] = os.getloadavg()
    args.out.write_text(json.dumps(results, indent=1))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
