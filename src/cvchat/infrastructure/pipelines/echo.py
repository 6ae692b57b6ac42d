"""The ``echo`` pipeline: a deterministic answer built from the question, at a set pace.

A development tool for the run engine's tests, demo and benchmarks, not the product's
answerer: it retrieves nothing and cites nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from cvchat.domain.ports import AnswerRequest, Retrieved, ToolCall


def echo_answer(question: str) -> list[str]:
    """The pieces the echo pipeline streams for ``question``, in order."""
    words = " ".join(question.split()).split(" ")
    return ["You asked:"] + [f" {w}" for w in words if w] + [" — end of echo."]


class EchoPipeline:
    def __init__(self, delay_s: float = 0.0, repeat: int = 1, retrieve_s: float = 0.0) -> None:
        self._delay_s = delay_s
        self._repeat = repeat
        self._retrieve_s = retrieve_s

    async def plan(self, request: AnswerRequest) -> ToolCall:
        return ToolCall("rag.search", {"query": request.question})

    async def retrieve(self, request: AnswerRequest, call: ToolCall | None = None) -> Retrieved:
        if self._retrieve_s > 0:
            await asyncio.sleep(self._retrieve_s)
        return Retrieved(query=request.question, tool_output={"cvs": []})

    async def generate(self, request: AnswerRequest, retrieved: Retrieved) -> AsyncIterator[str]:
        for _ in range(self._repeat):
            for piece in echo_answer(request.question):
                if self._delay_s > 0:
                    await asyncio.sleep(self._delay_s)
                else:
                    await asyncio.sleep(0)
                yield piece

    def cite(self, retrieved: Retrieved, text: str) -> list[dict[str, Any]]:
        return []
