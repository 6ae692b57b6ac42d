"""`cvchat eval answers`: the service's answers to set questions, scored against ground truth.

Each question goes through the same pipeline a chat run uses (plan → retrieve → generate →
cite, offline or with the configured model), with its follow-up history as earlier turns.
What the answer claims is read off what the run would write in ``final``: an exact answer's
``candidates`` (and ``total`` for counts); for an open answer, the CVs its text cites.

Corpora: ``demo`` is the index of ``<data_dir>`` (the generated corpus, truth from its
``cv.json`` files); the others (``LABELLED``) are hand-written, labelled corpora in
``tests/corpora/<name>``, rendered and indexed into ``<data_dir>/eval/<name>`` on first use
(their truth is ``labels.json``; no ``cv.json`` is ever beside those files). All but
``independent`` were written after the extractor and the parser, blind to their code;
``formats`` holds Word files and scans (image-only PDFs that only OCR reads).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.domain.model import Message, Role
from cvchat.domain.ports import AnswerRequest
from cvchat.evaluation.answer_set import (
    Filters,
    GroundTruth,
    Outcome,
    Report,
    SetQuestion,
    generate_questions,
    load_generated,
    load_independent,
    matches,
    render_corpus,
    score,
)
from cvchat.infrastructure.pipelines.rag import build_rag_pipeline
from cvchat.infrastructure.rag.store import IndexStore
from cvchat.settings import Settings

CORPORA = Path(__file__).resolve().parents[3] / "tests" / "corpora"
LABELLED = ("independent", "heldout", "blind", "wild", "fresh", "formats")
EXACT_TOOL = "profiles.query"


@dataclass(frozen=True)
class Answered:
    tool: str
    cv_ids: set[str]
    count: int | None
    seconds: float


def _single_conditions(filters: Filters) -> list[Filters]:
    given = filters.model_dump(exclude_none=True)
    level = given.pop("min_level", None)
    out = []
    for key, value in given.items():
        extra = {"min_level": level} if key == "language" and level else {}
        out.append(Filters(**{key: value}, **extra))
    return out


def partial_called_a_match(
    question: SetQuestion, claimed: set[str], truth: dict[str, GroundTruth]
) -> bool:
    """A named candidate who meets some of the question's conditions but not all of them."""
    singles = _single_conditions(question.filters)
    if len(singles) < 2:
        return False
    wrong = claimed - set(question.expected)
    return any(any(matches(truth[cv], single) for single in singles) for cv in wrong if cv in truth)


async def _answer(pipeline: Any, question: SetQuestion) -> Answered:
    history: list[Message] = []
    for earlier in question.history:
        request = AnswerRequest("eval", "eval", earlier, tuple(history))
        retrieved = await pipeline.retrieve(request, await pipeline.plan(request))
        text = "".join([piece async for piece in pipeline.generate(request, retrieved)])
        history += [Message("eval", Role.USER, earlier), Message("eval", Role.ASSISTANT, text)]
    started = time.perf_counter()
    request = AnswerRequest("eval", "eval", question.question, tuple(history))
    call = await pipeline.plan(request)
    retrieved = await pipeline.retrieve(request, call)
    text = "".join([piece async for piece in pipeline.generate(request, retrieved)])
    sources = pipeline.cite(retrieved, text)
    seconds = time.perf_counter() - started
    final = retrieved.final
    if retrieved.tool == EXACT_TOOL:
        cv_ids = {c["cv_id"] for c in final.get("candidates", [])}
        count = final.get("total") if final.get("answer_kind") == "count" else None
        return Answered(EXACT_TOOL, cv_ids, count, seconds)
    return Answered(retrieved.tool, {s["cv_id"] for s in sources}, None, seconds)


def _corpus(settings: Settings, name: str) -> tuple[Settings, list[GroundTruth]]:
    if name == "demo":
        return settings, load_generated(settings.cvs_dir)
    source = CORPORA / name
    target = settings.model_copy(update={"data_dir": settings.data_dir / "eval" / name})
    if not target.cvs_dir.is_dir():
        render_corpus(source, target.cvs_dir)
    return target, load_independent(source)


def evaluate_answers(
    settings: Settings, corpus: str, *, seed: int = 0, per_kind: int = 6
) -> Report:
    """Index the corpus if needed (incrementally), then score every generated question."""
    target, truth = _corpus(settings, corpus)
    store = IndexStore(target)
    store.build()
    pipeline = build_rag_pipeline(target, store)
    questions = generate_questions(truth, seed=seed, per_kind=per_kind)
    by_id = {t.cv_id: t for t in truth}

    async def run_all() -> dict[str, Answered]:
        return {q.id: await _answer(pipeline, q) for q in questions}

    answered = asyncio.run(run_all())

    def outcome(question: SetQuestion) -> Outcome:
        got = answered[question.id]
        return Outcome(
            got.cv_ids,
            got.count,
            calls_partial_a_match=partial_called_a_match(question, got.cv_ids, by_id),
        )

    return score(questions, outcome)
