"""Composing an answer never holds up the event loop: while a 100,000-character question is
parsed and answered offline, every other task of the process (other runs, other streams)
keeps running.

What is measured is interleaving, not time: on the loop, the work runs from start to end
without letting another task in, so a ticker task counts zero ticks meanwhile; off the loop
it counts many, however loaded the machine is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from cvchat.application.citations import number_passages
from cvchat.application.exact_answering import OfflineQuestionParser
from cvchat.application.extractive import compose, stream_answer
from cvchat.domain.profiles import ProfileSnapshot
from tests.answer.corpus import CORPUS

T = TypeVar("T")
NUMBERED = number_passages(CORPUS)
# The longest question a message may hold, of words the answerer and the parser both weigh.
HUGE = (
    "Who led a Kubernetes migration, speaks Spanish and German, knows Python and Go, "
    "and has worked at Acme or Globex in Madrid or Berlin since 2015? " * 1000
)[:100_000]


async def ticks_during(work: Awaitable[T]) -> tuple[T, int]:
    """``work``'s result, and how often another task ran while it was awaited."""
    ticks = 0
    stop = False

    async def ticker() -> None:
        nonlocal ticks
        while not stop:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)  # the ticker is going
    before = ticks
    try:
        result = await work
        during = ticks - before
    finally:
        stop = True
        await task
    return result, during


async def _first(pieces: AsyncIterator[str]) -> str:
    return await anext(pieces)


async def test_the_offline_answer_is_composed_off_the_event_loop() -> None:
    pieces = stream_answer(HUGE, NUMBERED)
    first, ticks = await ticks_during(_first(pieces))
    rest = [piece async for piece in pieces]
    assert first + "".join(rest) == compose(HUGE, NUMBERED)
    assert ticks >= 3, f"the loop ran {ticks} times while the answer was composed"


async def test_a_question_is_parsed_off_the_event_loop() -> None:
    snapshot = ProfileSnapshot("v1", {}, {}, lambda text, ids: {})
    query, ticks = await ticks_during(OfflineQuestionParser().parse(HUGE, [], snapshot))
    assert "Kubernetes" in query.skills_all
    assert ticks >= 3, f"the loop ran {ticks} times while the question was parsed"
