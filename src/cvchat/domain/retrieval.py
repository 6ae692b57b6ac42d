"""What retrieval returns, and the retriever port the run pipeline calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cvchat.domain.errors import DomainError

MAX_K = 50


class IndexUnavailable(DomainError):
    """No usable index: none built yet, or built with another embedding model than configured."""


@dataclass(frozen=True)
class Passage:
    """One chunk of a CV, located precisely enough to cite."""

    chunk_id: str
    text: str
    page: int  # 1-based
    section: str | None
    score: float
    char_start: int
    char_end: int


@dataclass(frozen=True)
class CvHit:
    """A CV that matched, scored from its best passages."""

    cv_id: str
    name: str
    headline: str
    file: str
    score: float
    passages: tuple[Passage, ...]


class Retriever(Protocol):
    """Ranked CVs for a question. Synchronous and CPU-bound: callers run it off the loop."""

    def search(self, query: str, k: int = 5, method: str | None = None) -> list[CvHit]:
        """Raises ``InvalidInput`` for a blank query or ``k`` outside 1..``MAX_K``, and
        ``IndexUnavailable`` when there is nothing to search."""
        ...
