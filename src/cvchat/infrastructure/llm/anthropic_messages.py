"""``anthropic`` provider: the Messages API, streamed through the official SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
from anthropic import Omit, omit
from anthropic.types import (
    MessageParam,
    OutputConfigParam,
    RawContentBlockDeltaEvent,
    TextDelta,
)

from cvchat.domain.llm import GenerationRequest
from cvchat.infrastructure.llm.resilience import (
    Failure,
    RetryPolicy,
    resilient_stream,
    status_failure,
    transport_failure,
    vendor_reason,
)

VENDOR = "anthropic"
# Error events sent inside a 200 stream that are worth another try before the first token.
_TRANSIENT_EVENT_TYPES = frozenset({"overloaded_error", "rate_limit_error", "api_error"})


class AnthropicMessagesProvider:
    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str | None = None,
        max_tokens: int = 1024,
        timeout_s: float = 60.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._model = model
        self._max_tokens = max_tokens
        self._secrets = (api_key,)
        self._policy = policy or RetryPolicy()
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
        )

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        return resilient_stream(VENDOR, lambda: self._pieces(request), self._classify, self._policy)

    async def _pieces(self, request: GenerationRequest) -> AsyncIterator[str]:
        output: OutputConfigParam | Omit = omit
        if request.json_schema is not None:
            output = {"format": {"type": "json_schema", "schema": request.json_schema}}
        messages: list[MessageParam] = [
            {"role": "user", "content": m.content}
            if m.role == "user"
            else {"role": "assistant", "content": m.content}
            for m in request.messages
        ]
        # The current Messages API takes no sampling temperature: the model decides.
        stream = await self._client.messages.create(
            model=self._model,
            system=request.system,
            messages=messages,
            max_tokens=self._max_tokens,
            output_config=output,
            stream=True,
        )
        try:
            async for event in stream:
                if (
                    isinstance(event, RawContentBlockDeltaEvent)
                    and isinstance(event.delta, TextDelta)
                    and event.delta.text
                ):
                    yield event.delta.text
        finally:
            await stream.close()

    def _classify(self, exc: BaseException) -> Failure:
        if isinstance(exc, anthropic.APIStatusError):
            body: dict[str, Any] = exc.body if isinstance(exc.body, dict) else {}
            error = body.get("error")
            error = error if isinstance(error, dict) else {}
            if exc.status_code == 200:  # an ``error`` event inside the stream
                retryable = error.get("type") in _TRANSIENT_EVENT_TYPES
                reason = vendor_reason(body, self._secrets)
                return Failure(f"{VENDOR}: {reason or 'stream error'}", retryable)
            reason = "" if exc.status_code in (401, 403) else vendor_reason(body, self._secrets)
            return status_failure(VENDOR, exc.status_code, reason, exc.response.headers)
        if isinstance(exc, anthropic.APIConnectionError):
            kind = (
                "timed out" if isinstance(exc, anthropic.APITimeoutError) else "connection failed"
            )
            return Failure(f"{VENDOR}: {kind}", retryable=True)
        return transport_failure(VENDOR, exc) or Failure(
            f"{VENDOR}: unexpected {type(exc).__name__}", retryable=False
        )
