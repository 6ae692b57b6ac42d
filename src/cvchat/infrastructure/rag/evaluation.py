"""``cvchat eval``: our retrieval against the replaced service's, on one labelled query set.

Both systems index the same corpus with the same embedding model in temporary folders; only
chunking, keyword analysis, fusion and aggregation differ. Metrics come from ``ranx``.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from ranx import Qrels, Run, evaluate

from cvchat.infrastructure.rag.build import build_version
from cvchat.infrastructure.rag.config import (
    BASELINE_SEARCH,
    METHODS,
    IndexConfig,
    Method,
    SearchConfig,
    baseline_index_config,
)
from cvchat.infrastructure.rag.corpus import discover
from cvchat.infrastructure.rag.embeddings import Embedder, QueryEncoder, Vectors, load_embedder
from cvchat.infrastructure.rag.eval_queries import EvalQuery, build_queries, load_ground_truth
from cvchat.infrastructure.rag.snapshot import IndexSnapshot
from cvchat.settings import Settings

METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
BASELINE = "baseline (500-char chunks, RRF top 20)"
DEPTH = 10


class PrecomputedQueries:
    """Query vectors encoded in one batch, so that each system's run reuses them."""

    def __init__(self, embedder: Embedder, texts: list[str]) -> None:
        unique = list(dict.fromkeys(texts))
        vectors = embedder.encode_queries(unique) if unique else None
        self._vectors: dict[str, Vectors] = {
            t: vectors[i : i + 1] for i, t in enumerate(unique) if vectors is not None
        }
        self._embedder = embedder

    def encode_query(self, text: str) -> Vectors:
        found = self._vectors.get(text)
        return self._embedder.encode_query(text) if found is None else found


def qrels_of(queries: list[EvalQuery]) -> Qrels:
    return Qrels({q.qid: dict.fromkeys(q.relevant, 1) for q in queries})


def run_system(
    snapshot: IndexSnapshot,
    queries: list[EvalQuery],
    method: Method,
    search: SearchConfig,
    embedder: QueryEncoder,
) -> dict[str, list[str]]:
    return {
        q.qid: [h.cv_id for h in snapshot.search(q.text, DEPTH, method, search, embedder)]
        for q in queries
    }


def scores(queries: list[EvalQuery], ranked: dict[str, list[str]]) -> dict[str, float]:
    """ranx metrics; the rank order is kept exactly (score = 1 / rank)."""
    if not queries:
        return dict.fromkeys(METRICS, 0.0)
    run = Run(
        {
            q.qid: {cv: 1.0 / r for r, cv in enumerate(ranked[q.qid], 1)} or {"-": 0.0}
            for q in queries
        }
    )
    result = evaluate(qrels_of(queries), run, list(METRICS), make_comparable=True)
    return {m: float(result[m]) for m in METRICS}


def build_snapshot(
    folder: Path, settings: Settings, config: IndexConfig, embedder: Embedder, name: str
) -> IndexSnapshot:
    build_version(
        discover(settings.cvs_dir),
        config,
        embedder,
        folder / name,
        batch_size=settings.rag.embed_batch_size,
        workers=settings.rag.pdf_workers,
    )
    return IndexSnapshot(folder / name)


def evaluate_corpus(
    settings: Settings, *, seed: int, max_queries: int, progress: bool = False
) -> dict[str, Any]:
    truth = load_ground_truth(settings.cvs_dir)
    if not truth:
        raise FileNotFoundError(f"no */cv.json under {settings.cvs_dir}: run `cvchat dataset`")
    queries = build_queries(truth, seed=seed, max_queries=max_queries)
    embedder = load_embedder(
        settings.rag.embedding_model, settings.rag.embedding_backend, settings.model_cache_dir
    )
    ours_config = IndexConfig.from_settings(settings.rag)
    ours_search = SearchConfig.from_settings(settings.rag)
    runs: dict[str, dict[str, list[str]]] = {}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cvchat-eval-") as tmp:
        folder = Path(tmp)
        base = build_snapshot(
            folder,
            settings,
            baseline_index_config(ours_config.model, ours_config.backend),
            embedder,
            "baseline",
        )
        ours = build_snapshot(folder, settings, ours_config, embedder, "ours")
        encoder = PrecomputedQueries(embedder, [q.text for q in queries])
        started = time.perf_counter()
        runs[BASELINE] = run_system(base, queries, "hybrid", BASELINE_SEARCH, encoder)
        timings[BASELINE] = time.perf_counter() - started
        for method in METHODS:
            started = time.perf_counter()
            runs[method] = run_system(ours, queries, method, ours_search, encoder)
            timings[method] = time.perf_counter() - started
    systems = {name: scores(queries, ranked) for name, ranked in runs.items()}
    by_kind: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    by_phrasing: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    kinds = sorted({q.kind for q in queries})
    for name, ranked in runs.items():
        for kind in kinds:
            subset = [q for q in queries if q.kind == kind]
            by_kind[kind][name] = scores(subset, ranked)
        for label, subset in (
            ("english", [q for q in queries if q.language == "en"]),
            ("cv language (non-English)", [q for q in queries if q.language != "en"]),
        ):
            by_phrasing[label][name] = scores(subset, ranked)
    return {
        "model": settings.rag.embedding_model,
        "backend": settings.rag.embedding_backend,
        "config": {"ours": ours_config.to_json(), "search": vars(ours_search)},
        "corpus": {"cvs": len(truth), "dir": str(settings.cvs_dir)},
        "queries": {
            "count": len(queries),
            "seed": seed,
            "per_kind": {k: sum(q.kind == k for q in queries) for k in kinds},
        },
        "metric_names": list(METRICS),
        "systems": systems,
        "by_kind": dict(by_kind),
        "by_phrasing": dict(by_phrasing),
        "ms_per_query_without_encoding": {
            n: 1000 * t / max(len(queries), 1) for n, t in timings.items()
        },
        "examples": [
            {"text": q.text, "kind": q.kind, "relevant": sorted(q.relevant)} for q in queries[:12]
        ],
    }
