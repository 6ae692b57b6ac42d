"""What shapes an index (``IndexConfig``) and what shapes a query (``SearchConfig``).

``IndexConfig`` is written into each version's manifest: vectors of an unchanged CV are reused
only when it is equal. The embedding backend is part of it (its vectors differ slightly from
another backend's); manifests written before it existed read as ``torch``. ``BASELINE_*`` is
the replaced service's configuration, which the evaluation runs beside ours on the same corpus
and the same model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from cvchat.settings import RetrievalSettings

Method = Literal["bm25", "dense", "hybrid"]
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class IndexConfig:
    model: str
    backend: str = "torch"
    chunking: Literal["cv", "fixed"] = "cv"
    chunk_tokens: int = 128
    overlap_tokens: int = 24
    fixed_chars: int = 500
    fixed_overlap_chars: int = 50
    contextual: bool = False
    keyword_analyzer: Literal["stemmed", "plain"] = "stemmed"
    dense_index: Literal["flat", "hnsw"] = "flat"
    hnsw_m: int = 32

    @classmethod
    def from_settings(cls, rag: RetrievalSettings) -> IndexConfig:
        return cls(
            model=rag.embedding_model,
            backend=rag.embedding_backend,
            chunk_tokens=rag.chunk_tokens,
            overlap_tokens=rag.chunk_overlap_tokens,
            contextual=rag.contextual_chunks,
            dense_index=rag.dense_index,
            hnsw_m=rag.hnsw_m,
        )

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> IndexConfig:
        return cls(**raw)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def same_chunks_and_vectors(self, other: IndexConfig) -> bool:
        """Whether a CV's chunks and vectors built under ``other`` are valid under this one."""
        keep = ("dense_index", "hnsw_m")
        mine = {k: v for k, v in asdict(self).items() if k not in keep}
        theirs = {k: v for k, v in asdict(other).items() if k not in keep}
        return mine == theirs


@dataclass(frozen=True)
class SearchConfig:
    rrf_k: int = 10
    candidates: int = 50  # passages taken from each ranking before fusion
    passages_per_cv: int = 3
    cv_score_decay: float = 0.5  # weight of a CV's 2nd, 3rd … keyword passages in its score
    hnsw_ef_search: int = 128
    dense_weight: float = 0.3  # weight of the dense ranking in the fusion (keyword: 1)
    # "cv": each side ranks CVs, the CV rankings are fused (ours);
    # "passage": passages are fused and a CV ranks by its best one (the replaced service)
    fusion: Literal["cv", "passage"] = "cv"

    @classmethod
    def from_settings(cls, rag: RetrievalSettings) -> SearchConfig:
        return cls(
            rrf_k=rag.rrf_k,
            candidates=rag.candidates,
            passages_per_cv=rag.passages_per_cv,
            cv_score_decay=rag.cv_score_decay,
            hnsw_ef_search=rag.hnsw_ef_search,
            dense_weight=rag.dense_weight,
        )


def baseline_index_config(model: str, backend: str = "torch") -> IndexConfig:
    """Blind 500-character chunks with 50 overlap, plain tokens, no context line."""
    return IndexConfig(
        model=model, backend=backend, chunking="fixed", contextual=False, keyword_analyzer="plain"
    )


# RRF k = 60 over the top 20 of each side; a CV ranks by its best passage only.
BASELINE_SEARCH = SearchConfig(
    rrf_k=60, candidates=20, passages_per_cv=1, cv_score_decay=0.0, fusion="passage"
)
