"""Byte-exact replays of each vendor's streaming wire format, for respx.

The shapes follow the vendors' documented streams: Anthropic's named SSE events,
Gemini's ``streamGenerateContent?alt=sse`` chunks of ``GenerateContentResponse``, and
OpenAI's ``chat.completion.chunk`` data lines closed by ``[DONE]``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}


def _event(name: str | None, data: Any) -> str:
    line = f"event: {name}\n" if name else ""
    return f"{line}data: {json.dumps(data) if not isinstance(data, str) else data}\n\n"


# --- Anthropic Messages -------------------------------------------------------------------


def anthropic_events(pieces: list[str]) -> list[str]:
    out = [
        _event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "model": "claude-test",
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 25, "output_tokens": 1},
                },
            },
        ),
        _event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        _event("ping", {"type": "ping"}),
    ]
    out += [
        _event(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
        )
        for p in pieces
    ]
    return out


def anthropic_end() -> list[str]:
    return [
        _event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 15},
            },
        ),
        _event("message_stop", {"type": "message_stop"}),
    ]


def anthropic_error() -> list[str]:
    return [
        _event(
            "error",
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        )
    ]


def anthropic_error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


# --- Gemini -------------------------------------------------------------------------------


def gemini_events(pieces: list[str]) -> list[str]:
    return [
        "data: "
        + json.dumps(
            {
                "candidates": [{"content": {"parts": [{"text": p}], "role": "model"}, "index": 0}],
                "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12 + i},
                "modelVersion": "gemini-test",
                "responseId": "resp-1",
            }
        )
        + "\r\n\r\n"
        for i, p in enumerate(pieces)
    ]


def gemini_end() -> list[str]:
    return [
        "data: "
        + json.dumps(
            {
                "candidates": [
                    {
                        "content": {"parts": [{"text": ""}], "role": "model"},
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 5},
                "modelVersion": "gemini-test",
                "responseId": "resp-1",
            }
        )
        + "\r\n\r\n"
    ]


def gemini_error() -> list[str]:
    body = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    return ["data: " + json.dumps(body) + "\r\n\r\n"]


def gemini_error_body(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


# --- OpenAI Chat Completions --------------------------------------------------------------


def _chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "system_fingerprint": "fp_1",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


def openai_events(pieces: list[str]) -> list[str]:
    return [_chunk({"role": "assistant", "content": ""})] + [_chunk({"content": p}) for p in pieces]


def openai_end() -> list[str]:
    return [_chunk({}, "stop"), "data: [DONE]\n\n"]


def openai_error() -> list[str]:
    body = {"error": {"message": "The server had an error", "type": "server_error"}}
    return [f"data: {json.dumps(body)}\n\n"]


def openai_error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


# --- a body whose closing is observable ---------------------------------------------------


@dataclass
class ObservedStream(httpx.AsyncByteStream):
    """Sends ``parts``, then (if ``hang``) waits forever: records what was sent and closing."""

    parts: list[str]
    hang: bool = False
    sent: int = 0
    closed: bool = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            self.sent += 1
            yield part.encode()
        if self.hang:
            await asyncio.Event().wait()

    async def aclose(self) -> None:
        self.closed = True


def sse(parts: list[str]) -> httpx.Response:
    return httpx.Response(200, headers=SSE_HEADERS, content="".join(parts).encode())


def observed(parts: list[str], hang: bool = False) -> tuple[httpx.Response, ObservedStream]:
    body = ObservedStream(parts, hang=hang)
    return httpx.Response(200, headers=SSE_HEADERS, stream=body), body


Builder = Callable[[list[str]], list[str]]
