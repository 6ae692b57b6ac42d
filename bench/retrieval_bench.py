"""Retrieval benchmark: indexing throughput, query latency at 30 / 1,000 / 10,000 CVs, memory.

    .venv/bin/python bench/retrieval_bench.py                      # generates 30 CVs (seed 11)
    .venv/bin/python bench/retrieval_bench.py --corpus data/cvs    # or an existing corpus

Indexing is measured on real generated PDFs (text extraction, chunking, embedding, FAISS, BM25,
writing the version). Larger corpora are made by perturbing the real CVs: each copy gets new
ids, digits re-drawn and 15 % of its words swapped for other corpus words (so BM25 posting
lists and document lengths stay realistic), and its vectors get Gaussian noise before
re-normalization (FAISS cost does not depend on what vectors mean). Latency is end to end per
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
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL, Embedder, load_embedder
from cvchat.infrastructure.rag.eval_queries import build_queries, load_ground_truth
from cvchat.infrastructure.rag.evaluation import build_snapshot
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (cvs_dir)")
    parser.add_argument("--generate", type=int, default=30, help="CVs to generate otherwise")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", default=OFFLINE_MODEL)
    parser.add_argument("--scales", default="30,1000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="indexing runs (median kept)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/retrieval.json"))
    args = parser.parse_args()

    results: dict[str, Any] = {"load_average_start": os.getloadavg(), "cpus": os.cpu_count()}
    work = Path(tempfile.mkdtemp(prefix="cvchat-bench-"))
    corpus = args.corpus or work / "cvs"
    if args.corpus is None:
        generate(args.generate, args.seed, corpus)
    rag = RetrievalSettings(embedding_model=args.model)
    settings = Settings(data_dir=work / "store", rag=rag)
    settings.data_dir.mkdir()
    os.symlink(corpus.resolve(), settings.cvs_dir)  # the store reads <data_dir>/cvs

    started = time.perf_counter()
    embedder = load_embedder(args.model)
    embedder.encode_query("warm up")
    results["model_load_s"] = time.perf_counter() - started

    store = IndexStore(settings)
    runs, cpu_seconds = [], []
    for _ in range(args.repeats):
        started_cpu = time.process_time()
        runs.append(store.build(full=True))
        cpu_seconds.append(time.process_time() - started_cpu)
    seconds = statistics.median(r.seconds for r in runs)
    files, pages = runs[-1].files - len(runs[-1].skipped), runs[-1].pages
    results["indexing"] = {
        "cvs": files,
        "pages": pages,
        "chunks": runs[-1].chunks,
        "median_seconds": seconds,
        "cvs_per_s": files / seconds,
        "pages_per_s": pages / seconds,
        "all_seconds": [r.seconds for r in runs],
        "median_cpu_seconds": statistics.median(cpu_seconds),  # both cores count
    }
    print(json.dumps(results["indexing"], indent=1), flush=True)

    base = store.snapshot()
    truth = load_ground_truth(settings.cvs_dir)
    texts = [q.text for q in build_queries(truth, seed=3, max_queries=10 * args.queries)]
    rng = random.Random(args.seed)
    queries = rng.sample(texts, min(args.queries, len(texts)))
    search = SearchConfig.from_settings(settings.rag)

    samples, cpu = [], []
    for text in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        embedder.encode_query(text)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    results["query_embedding_only"] = percentiles(samples, cpu)

    baseline = build_snapshot(work, settings, baseline_index_config(args.model), embedder, "b")
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
