"""The product's pipeline: the retriever over the live index, and the configured model
(or, with no key, the offline extractive answerer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvchat.application.answering import RagAnswerPipeline
from cvchat.domain.telemetry import NO_TELEMETRY, Telemetry
from cvchat.infrastructure.llm.factory import build_provider
from cvchat.infrastructure.rag.retriever import IndexRetriever

if TYPE_CHECKING:
    from cvchat.infrastructure.rag.store import IndexStore
    from cvchat.settings import Settings


def build_rag_pipeline(
    settings: Settings, index_store: IndexStore, telemetry: Telemetry | None = None
) -> RagAnswerPipeline:
    return RagAnswerPipeline(
        IndexRetriever(index_store),
        build_provider(settings.answer),
        top_k=settings.rag.top_k,
        history_turns=settings.history_turns,
        telemetry=telemetry or NO_TELEMETRY,
    )
