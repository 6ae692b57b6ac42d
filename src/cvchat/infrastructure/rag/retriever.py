"""The ``Retriever`` port over the live index store: validation, method choice, search."""

from __future__ import annotations

from cvchat.domain.errors import InvalidInput
from cvchat.domain.retrieval import MAX_K, CvHit
from cvchat.infrastructure.rag.config import METHODS, Method
from cvchat.infrastructure.rag.store import IndexStore


class IndexRetriever:
    """Ranked CVs from whatever index version is in service when the call starts."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def search(self, query: str, k: int = 5, method: str | None = None) -> list[CvHit]:
        return self.search_versioned(query, k, method)[1]

    def search_versioned(
        self, query: str, k: int = 5, method: str | None = None
    ) -> tuple[str, list[CvHit]]:
        """The hits and the index version that produced them (one snapshot for both)."""
        if not query or not query.strip():
            raise InvalidInput("the query is empty")
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}")
        chosen: Method | None = next(
            (m for m in METHODS if m == (method or self.store.rag.method)), None
        )
        if chosen is None:
            raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        snapshot = self.store.snapshot()
        embedder = self.store.embedder if chosen != "bm25" else None
        hits = snapshot.search(query.strip(), k, chosen, self.store.search_config, embedder)
        return snapshot.version, hits
