"""Which parser turns questions into queries, from settings: the model's, or the rules'."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from cvchat.application.exact_answering import (
    OfflineQuestionParser,
    QuestionParser,
    resolve_offline,
)
from cvchat.application.question_llm import parse_question_llm
from cvchat.domain.candidate_query import CandidateQuery
from cvchat.domain.llm import LlmProvider
from cvchat.domain.profiles import ProfileSnapshot
from cvchat.settings import ProfileSettings


class LlmQuestionParser:
    """The model fills the query's schema; the offline parse is its fallback."""

    def __init__(self, provider: LlmProvider) -> None:
        self._provider = provider

    async def parse(
        self, question: str, history: Sequence[str], snapshot: ProfileSnapshot
    ) -> CandidateQuery:
        fallback = await asyncio.to_thread(resolve_offline, question, history, snapshot)
        return await parse_question_llm(
            self._provider, question, history, fallback=fallback, vocabulary_hint=_hint(snapshot)
        )


def _hint(snapshot: ProfileSnapshot, limit: int = 200) -> str:
    """The corpus' own spellings of places and employers, so the model's filters match them."""
    places = ", ".join(sorted(snapshot.locations)[:limit])
    employers = ", ".join(sorted(snapshot.employers)[:limit])
    return f"Places in the corpus: {places}\nEmployers in the corpus: {employers}"


def build_question_parser(
    settings: ProfileSettings, provider: LlmProvider | None
) -> QuestionParser:
    if settings.parser == "offline" or provider is None:
        return OfflineQuestionParser()
    return LlmQuestionParser(provider)
