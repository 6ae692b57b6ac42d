"""The product's pipeline: exact answers over the profiles for set questions, retrieval and
the configured model (or, with no key, the offline extractive answerer) for open ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvchat.application.answering import RagAnswerPipeline
from cvchat.application.exact_answering import AnswerRouter
from cvchat.domain.telemetry import NO_TELEMETRY, Telemetry
from cvchat.infrastructure.llm.factory import build_provider
from cvchat.infrastructure.profiles.corpus import IndexProfiles
from cvchat.infrastructure.profiles.parsing import build_question_parser
from cvchat.infrastructure.rag.retriever import IndexRetriever

if TYPE_CHECKING:
    from cvchat.infrastructure.rag.store import IndexStore
    from cvchat.settings import Settings


def build_rag_pipeline(
    settings: Settings, index_store: IndexStore, telemetry: Telemetry | None = None
) -> AnswerRouter:
    provider = build_provider(settings.answer)
    telemetry = telemetry or NO_TELEMETRY
    rag = RagAnswerPipeline(
        IndexRetriever(index_store),
        provider,
        top_k=settings.rag.top_k,
        history_turns=settings.history_turns,
        telemetry=telemetry,
    )
    return AnswerRouter(
        rag,
        IndexProfiles(index_store),
        build_question_parser(settings.profiles, provider),
        provider,
        history_turns=settings.history_turns,
        telemetry=telemetry,
    )
