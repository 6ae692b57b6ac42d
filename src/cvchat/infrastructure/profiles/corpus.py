"""The ``ProfileCorpus`` port over the live index: profiles of the version in service.

Profiles live in the index version beside the passages, so a query's profiles, its ranking
and its source cards always come from one version, and a newly switched version is served
at the next query (hot reload, as for search). What the question parser needs to know of
the corpus (its places, employers and names) is computed once per version.
"""

from __future__ import annotations

import threading
from functools import partial

from cvchat.domain.profiles import CvFile, Evidence, ProfileSnapshot, Relevance
from cvchat.infrastructure.rag.snapshot import IndexSnapshot
from cvchat.infrastructure.rag.store import IndexStore


class IndexProfiles:
    def __init__(self, store: IndexStore) -> None:
        self._store = store
        self._cached: ProfileSnapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> ProfileSnapshot:
        index = self._store.snapshot()
        cached = self._cached
        if cached is not None and cached.version == index.version:
            return cached
        with self._lock:
            if self._cached is None or self._cached.version != index.version:
                self._cached = self._build(index)
            return self._cached

    def _rank(self, index: IndexSnapshot, text: str, cv_ids: list[str]) -> dict[str, Relevance]:
        store = self._store
        embedder = store.embedder if store.rag.method != "bm25" else None
        ranked = index.rank_within(text, list(cv_ids), store.search_config, embedder)
        return {
            cv_id: Relevance(
                score, Evidence(page=index.chunks[row].page, snippet=index.chunks[row].text)
            )
            for cv_id, (score, row) in ranked.items()
        }

    def _build(self, index: IndexSnapshot) -> ProfileSnapshot:
        profiles = index.profiles
        locations: set[str] = set()
        for p in profiles.values():
            if p.location is not None:
                locations.update(x for x in (p.location.city, p.location.country) if x)
        return ProfileSnapshot(
            version=index.version,
            profiles=profiles,
            files={cv_id: CvFile(doc.file, doc.headline) for cv_id, doc in index.documents.items()},
            rank=partial(self._rank, index),  # type: ignore[arg-type]
            locations=frozenset(locations),
            employers=frozenset(j.employer for p in profiles.values() for j in p.jobs),
            names=frozenset(p.name.value for p in profiles.values() if p.name),
        )
