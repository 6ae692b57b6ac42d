"""Each vendor adapter against HTTP-level replays of that vendor's real streaming format."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpcore2
import httpx
import pytest
import respx

from cvchat.domain.llm import ChatMessage, GenerationRequest, LlmError, LlmProvider
from cvchat.infrastructure.llm.anthropic_messages import AnthropicMessagesProvider
from cvchat.infrastructure.llm.google_genai import GoogleGenAiProvider
from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider
from cvchat.infrastructure.llm.resilience import RetryPolicy
from tests.llm import wire

KEY = "sk-SECRET-key-0123456789"
REQUEST = GenerationRequest(
    system="Answer from the passages.",
    messages=(
        ChatMessage("user", "Who knows Rust?"),
        ChatMessage("assistant", "Ada [1]."),
        ChatMessage("user", "And Go?"),
    ),
)
PIECES = ["Ada", " Lovelace", " knows", " Go", " [2]."]


@dataclass
class Vendor:
    name: str
    url: str
    make: Callable[[RetryPolicy], LlmProvider]
    events: wire.Builder
    end: Callable[[], list[str]]
    error_mid: Callable[[], list[str]]
    error_body: Callable[[int, str], dict[str, Any]]


VENDORS = [
    Vendor(
        "anthropic",
        "http://anthropic.test/v1/messages",
        lambda p: AnthropicMessagesProvider(
            model="claude-test", api_key=KEY, base_url="http://anthropic.test", policy=p
        ),
        wire.anthropic_events,
        wire.anthropic_end,
        wire.anthropic_error,
        lambda code, msg: wire.anthropic_error_body(
            {401: "authentication_error", 429: "rate_limit_error"}.get(code, "api_error"), msg
        ),
    ),
    Vendor(
        "google",
        "http://gemini.test/v1/models/gemini-test:streamGenerateContent?alt=sse",
        lambda p: GoogleGenAiProvider(
            model="gemini-test", api_key=KEY, base_url="http://gemini.test/", policy=p
        ),
        wire.gemini_events,
        wire.gemini_end,
        wire.gemini_error,
        lambda code, msg: wire.gemini_error_body(
            code, {401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED"}.get(code, "INTERNAL"), msg
        ),
    ),
    Vendor(
        "openai",
        "http://openai.test/v1/chat/completions",
        lambda p: OpenAiChatProvider(
            model="gpt-test", api_key=KEY, base_url="http://openai.test/v1", policy=p
        ),
        wire.openai_events,
        wire.openai_end,
        wire.openai_error,
        lambda code, msg: wire.openai_error_body(
            {401: "invalid_request_error", 429: "requests"}.get(code, "server_error"), msg
        ),
    ),
]


@pytest.fixture(params=VENDORS, ids=lambda v: v.name)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def mock(httpx2_mock: respx.Router) -> respx.Router:
    """respx on httpx2's transport (the SDKs' HTTP client), by respx's author's plugin."""
    return httpx2_mock


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def provider(vendor: Vendor, sleeps: Sleeps) -> LlmProvider:
    return vendor.make(RetryPolicy(attempts=3, sleep=sleeps))


async def collect(p: LlmProvider) -> list[str]:
    return [piece async for piece in p.stream(REQUEST)]


async def test_text_arrives_in_order(vendor: Vendor, mock: respx.Router, sleeps: Sleeps) -> None:
    route = mock.post(vendor.url).mock(return_value=wire.sse(vendor.events(PIECES) + vendor.end()))
    assert await collect(provider(vendor, sleeps)) == PIECES
    assert sleeps == []
    sent = route.calls.last.request
    assert KEY not in str(sent.url)  # the key is a header, never in the URL
    body = json.loads(sent.content)
    assert "Who knows Rust?" in json.dumps(body) and "And Go?" in json.dumps(body)


async def test_error_after_first_token_raises_llm_error(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    route = mock.post(vendor.url).mock(
        return_value=wire.sse(vendor.events(PIECES[:2]) + vendor.error_mid())
    )
    got: list[str] = []
    with pytest.raises(LlmError, match="cut off") as err:
        async for piece in provider(vendor, sleeps).stream(REQUEST):
            got.append(piece)
    assert got == PIECES[:2]  # what was shown stays shown, and is never retried
    assert route.call_count == 1
    assert KEY not in str(err.value)


async def test_429_with_retry_after_then_success_retries_once(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    limited = httpx.Response(
        429, headers={"retry-after": "7"}, json=vendor.error_body(429, "Too many requests")
    )
    ok = wire.sse(vendor.events(PIECES) + vendor.end())
    route = mock.post(vendor.url).mock(side_effect=[limited, ok])
    assert await collect(provider(vendor, sleeps)) == PIECES
    assert route.call_count == 2
    assert len(sleeps) == 1 and 7.0 <= sleeps[0] <= 8.0  # honours Retry-After


async def test_5xx_and_connection_reset_before_first_token_are_retried(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    route = mock.post(vendor.url).mock(
        side_effect=[
            httpx.Response(503, json=vendor.error_body(503, "overloaded")),
            httpcore2.ReadError("connection reset by peer"),
            wire.sse(vendor.events(PIECES) + vendor.end()),
        ]
    )
    assert await collect(provider(vendor, sleeps)) == PIECES
    assert route.call_count == 3 and len(sleeps) == 2


async def test_retries_are_bounded(vendor: Vendor, mock: respx.Router, sleeps: Sleeps) -> None:
    route = mock.post(vendor.url).mock(
        return_value=httpx.Response(500, json=vendor.error_body(500, "boom"))
    )
    with pytest.raises(LlmError, match="500"):
        await collect(provider(vendor, sleeps))
    assert route.call_count == 3 and len(sleeps) == 2


async def test_401_fails_fast_with_a_clear_message_and_no_key(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    route = mock.post(vendor.url).mock(
        return_value=httpx.Response(
            401, json=vendor.error_body(401, f"Incorrect API key provided: {KEY}")
        )
    )
    with pytest.raises(LlmError) as err:
        await collect(provider(vendor, sleeps))
    assert route.call_count == 1 and sleeps == []
    message = str(err.value)
    assert "API key was rejected" in message and vendor.name in message
    assert KEY not in message and KEY[-8:] not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert KEY not in caplog.text


async def test_aclose_after_first_token_closes_the_vendor_stream(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    response, body = wire.observed(vendor.events(PIECES) + vendor.end())
    mock.post(vendor.url).mock(return_value=response)
    stream = provider(vendor, sleeps).stream(REQUEST)
    assert await anext(stream) == PIECES[0]
    await stream.aclose()  # type: ignore[attr-defined]
    assert body.closed
    assert body.sent < len(body.parts)  # the rest of the answer was never read


async def test_cancelling_a_waiting_consumer_closes_the_vendor_stream(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    response, body = wire.observed(vendor.events(PIECES[:1]), hang=True)
    mock.post(vendor.url).mock(return_value=response)
    got: list[str] = []
    first = asyncio.Event()

    async def consume() -> None:
        async for piece in provider(vendor, sleeps).stream(REQUEST):
            got.append(piece)
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert got == PIECES[:1] and body.closed


async def test_a_retry_after_beyond_the_budget_fails_at_once(
    vendor: Vendor, mock: respx.Router, sleeps: Sleeps
) -> None:
    route = mock.post(vendor.url).mock(
        return_value=httpx.Response(
            429, headers={"retry-after": "3600"}, json=vendor.error_body(429, "quota")
        )
    )
    with pytest.raises(LlmError, match="rate limited"):
        await collect(provider(vendor, sleeps))
    assert route.call_count == 1 and sleeps == []
