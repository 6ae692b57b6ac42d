"""One loaded, immutable index version and the search over it.

A query runs entirely against one ``IndexSnapshot``: when the store switches to a new version,
queries already running finish on the old one, so no answer ever mixes two versions.

Search: BM25 and/or dense rankings of passages, ``candidates`` deep each. Each side then ranks
CVs — the keyword side by a CV's best passage plus ``cv_score_decay`` times its next ones (a CV
matching a skill in one section and a language in another adds both), the dense side by its
best passage — and hybrid fuses the two CV rankings by weighted reciprocal rank fusion
(``rrf_k``, ``dense_weight``). A hit's passages are its best by passage-level fusion. The
replaced service's mode (``fusion="passage"``) fuses passages and ranks a CV by its best one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from cvchat.domain.profiles import CandidateProfile
from cvchat.domain.retrieval import CvHit, Passage
from cvchat.infrastructure.profiles import extraction
from cvchat.infrastructure.rag.build import (
    BM25_DIR,
    CHUNKS,
    DENSE,
    MANIFEST,
    PROFILES,
    VECTORS,
    PreviousVersion,
)
from cvchat.infrastructure.rag.config import IndexConfig, Method, SearchConfig
from cvchat.infrastructure.rag.embeddings import QueryEncoder
from cvchat.infrastructure.rag.records import ChunkRecord, DocumentRecord
from cvchat.infrastructure.rag.text_analysis import analyze_plain, analyze_query


@dataclass(frozen=True)
class _Candidate:
    row: int
    score: float


class IndexSnapshot:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = path.name
        self.manifest: dict[str, Any] = json.loads((path / MANIFEST).read_text("utf-8"))
        self.config = IndexConfig.from_json(self.manifest["config"])
        self.model: str = self.manifest["model"]
        self.documents: dict[str, DocumentRecord] = {
            cv_id: DocumentRecord.from_json(raw)
            for cv_id, raw in self.manifest["documents"].items()
        }
        with (path / CHUNKS).open(encoding="utf-8") as fh:
            self.chunks = [ChunkRecord(**json.loads(line)) for line in fh]
        self._dense = faiss.read_index(str(path / DENSE))
        self._bm25 = bm25s.BM25.load(str(path / BM25_DIR))
        self._languages = sorted({d.language for d in self.documents.values()})
        self._hnsw = hasattr(self._dense, "hnsw")
        self.profiles: dict[str, CandidateProfile] = self._load_profiles()
        self._rows_by_cv: dict[str, list[int]] | None = None

    def _load_profiles(self) -> dict[str, CandidateProfile]:
        """The version's profiles; a version built before profiles existed has none."""
        path = self.path / PROFILES
        if not path.is_file():
            return {}
        with path.open(encoding="utf-8") as fh:
            loaded = (CandidateProfile.model_validate_json(line) for line in fh if line.strip())
            return {p.cv_id: p for p in loaded if p.cv_id in self.documents}

    @property
    def profiles_current(self) -> bool:
        """Whether the profiles were made by today's extractor (else a build redoes them)."""
        info = self.manifest.get("profiles") or {}
        return info.get("format") == extraction.FORMAT and len(self.profiles) > 0

    def set_ef_search(self, ef: int) -> None:
        if self._hnsw:
            faiss.downcast_index(self._dense).hnsw.efSearch = ef  # type: ignore[attr-defined]

    def previous(self) -> PreviousVersion:
        """This version as the base of the next build (vectors load only now)."""
        by_cv: dict[str, list[int]] = defaultdict(list)
        for row, chunk in enumerate(self.chunks):
            by_cv[chunk.cv_id].append(row)
        vectors = np.load(self.path / VECTORS)
        # The model's profiles stay (extracting them again costs a call per CV); the offline
        # rules' are made again when the rules changed.
        current = self.profiles_current
        profiles = {k: p for k, p in self.profiles.items() if current or p.extractor == "llm"}
        return PreviousVersion(
            self.config, self.documents, dict(by_cv), self.chunks, vectors, profiles
        )

    def rank_within(
        self,
        query: str,
        cv_ids: list[str],
        search: SearchConfig,
        embedder: QueryEncoder | None,
    ) -> dict[str, tuple[float, int]]:
        """Hybrid relevance of every CV in ``cv_ids`` to ``query`` (all of them are scored, not
        the top few of the whole corpus) and the row of its passage that matches best: each
        side ranks the CVs by their best passage, and reciprocal rank fusion joins the sides
        as ``search`` does; the keyword side's best passage wins, the dense side's otherwise."""
        if self._rows_by_cv is None:
            by_cv: dict[str, list[int]] = defaultdict(list)
            for row, chunk in enumerate(self.chunks):
                by_cv[chunk.cv_id].append(row)
            self._rows_by_cv = dict(by_cv)
        rows = np.array([r for cv in cv_ids for r in self._rows_by_cv.get(cv, [])], dtype=np.int64)
        if not len(rows):
            return {}
        sides: list[tuple[np.ndarray, float]] = []
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in self.keyword_tokens(query) if t in vocab]
        if ids:
            sides.append((self._bm25.get_scores_from_ids(ids)[rows], 1.0))
        if embedder is not None and self._dense.ntotal:
            vectors = self._dense.reconstruct_batch(rows)
            sides.append(((vectors @ embedder.encode_query(query)[0]), search.dense_weight))
        fused: dict[str, float] = defaultdict(float)
        passage: dict[str, int] = {}
        for scores, weight in sides:
            best: dict[str, tuple[float, int]] = {}
            for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
                cv = self.chunks[row].cv_id
                if score > 0 and score > best.get(cv, (0.0, -1))[0]:
                    best[cv] = (score, row)
            ordered = sorted(best, key=lambda cv: (-best[cv][0], cv))
            for rank, cv in enumerate(ordered, start=1):
                fused[cv] += weight / (search.rrf_k + rank)
                passage.setdefault(cv, best[cv][1])
        return {cv: (score, passage[cv]) for cv, score in fused.items()}

    # --- rankings -------------------------------------------------------------------------

    def keyword_tokens(self, query: str) -> list[str]:
        if self.config.keyword_analyzer == "plain":
            return analyze_plain(query)
        return analyze_query(query, self._languages)

    def bm25_ranking(self, query: str, depth: int) -> list[_Candidate]:
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in self.keyword_tokens(query) if t in vocab]
        if not ids:
            return []
        scores = self._bm25.get_scores_from_ids(ids)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [_Candidate(int(r), float(scores[r])) for r in top if scores[r] > 0]

    def dense_ranking(self, query: str, depth: int, embedder: QueryEncoder) -> list[_Candidate]:
        if self._dense.ntotal == 0:
            return []
        # One query vector: FAISS's OpenMP threads only add hand-offs, which cost several times
        # the search itself on a busy machine (17 ms vs 56 ms at 96k passages, bench notes).
        faiss.omp_set_num_threads(1)
        sims, rows = self._dense.search(embedder.encode_query(query), min(depth, len(self.chunks)))
        return [
            _Candidate(int(r), float(s)) for r, s in zip(rows[0], sims[0], strict=True) if r >= 0
        ]

    # --- search ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int,
        method: Method,
        search: SearchConfig,
        embedder: QueryEncoder | None,
    ) -> list[CvHit]:
        depth = max(search.candidates, k * search.passages_per_cv)
        rankings: list[tuple[list[_Candidate], float]] = []  # (passages, decay of the side)
        if method in ("bm25", "hybrid"):
            rankings.append((self.bm25_ranking(query, depth), search.cv_score_decay))
        if method in ("dense", "hybrid"):
            if embedder is None:
                raise ValueError("dense search needs the embedding model")
            rankings.append((self.dense_ranking(query, depth, embedder), 0.0))
        weights = [1.0, search.dense_weight] if method == "hybrid" else [1.0]
        passage_rrf: dict[int, float] = defaultdict(float)
        for (ranking, _), weight in zip(rankings, weights, strict=True):
            for rank, candidate in enumerate(ranking, start=1):
                passage_rrf[candidate.row] += weight / (search.rrf_k + rank)
        if search.fusion == "passage":
            cv_scores = self._cv_scores(
                [_Candidate(r, s) for r, s in passage_rrf.items()], 0.0, search
            )
        elif len(rankings) == 1:  # one side: its own scores (BM25 or cosine) are telling
            cv_scores = self._cv_scores(rankings[0][0], rankings[0][1], search)
        else:
            cv_scores = defaultdict(float)
            for (ranking, decay), weight in zip(rankings, weights, strict=True):
                per_cv = self._cv_scores(ranking, decay, search)
                ordered = sorted(per_cv, key=lambda cv: (-per_cv[cv], cv))
                for rank, cv_id in enumerate(ordered, start=1):
                    cv_scores[cv_id] += weight / (search.rrf_k + rank)
        by_cv: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for row, score in passage_rrf.items():
            by_cv[self.chunks[row].cv_id].append((score, row))
        best = sorted(cv_scores, key=lambda cv: (-cv_scores[cv], cv))[:k]
        return [
            self._hit(
                cv_id,
                cv_scores[cv_id],
                sorted(by_cv[cv_id], key=lambda p: (-p[0], p[1])),
                search.passages_per_cv,
            )
            for cv_id in best
        ]

    def _cv_scores(
        self, ranking: list[_Candidate], decay: float, search: SearchConfig
    ) -> dict[str, float]:
        """A CV's score on one side: its best passage plus ``decay`` × its next best ones."""
        by_cv: dict[str, list[float]] = defaultdict(list)
        for candidate in ranking:
            by_cv[self.chunks[candidate.row].cv_id].append(candidate.score)
        scores: dict[str, float] = {}
        for cv_id, values in by_cv.items():
            values.sort(reverse=True)
            top = values[: search.passages_per_cv]
            scores[cv_id] = top[0] + decay * sum(top[1:])
        return scores

    def _hit(self, cv_id: str, score: float, ranked: list[tuple[float, int]], n: int) -> CvHit:
        doc = self.documents[cv_id]
        best = ranked[:n]
        passages = tuple(
            Passage(
                chunk_id=c.chunk_id,
                text=c.text,
                page=c.page,
                section=c.section,
                score=s,
                char_start=c.char_start,
                char_end=c.char_end,
            )
            for s, row in best
            for c in (self.chunks[row],)
        )
        return CvHit(
            cv_id=cv_id,
            name=doc.name,
            headline=doc.headline,
            file=doc.file,
            score=score,
            passages=passages,
        )
