"""``openai`` provider: Chat Completions streaming through the official SDK.

The base URL is configurable, so the same adapter talks to OpenAI or to any
OpenAI-compatible server (Ollama, vLLM, llama.cpp's server).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
from openai import Omit, omit
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from cvchat.domain.llm import GenerationRequest
from cvchat.infrastructure.llm.resilience import (
    Failure,
    RetryPolicy,
    resilient_stream,
    status_failure,
    transport_failure,
    vendor_reason,
)

VENDOR = "openai"


class OpenAiChatProvider:
    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        base_url: str | None = None,
        temperature: float = 0.2,
        max_tokens: int = 1024,
        timeout_s: float = 60.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._model = model
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._secrets = (api_key,)
        self._policy = policy or RetryPolicy()
        # SDK retries off: the one retry policy is ``resilient_stream``'s.
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=0,
        )

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        return resilient_stream(VENDOR, lambda: self._pieces(request), self._classify, self._policy)

    async def _pieces(self, request: GenerationRequest) -> AsyncIterator[str]:
        messages: list[ChatCompletionMessageParam] = [{"role": "system", "content": request.system}]
        for m in request.messages:
            if m.role == "user":
                messages.append({"role": "user", "content": m.content})
            else:
                messages.append({"role": "assistant", "content": m.content})
        response_format: ResponseFormatJSONSchema | Omit = omit
        if request.json_schema is not None:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": request.json_schema},
            }
        stream = await self._client.chat.completions.create(
            model=self._model,
            messages=messages,
            temperature=self._temperature,
            max_tokens=self._max_tokens,
            response_format=response_format,
            stream=True,
        )
        try:
            async for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta.content:
                        yield choice.delta.content
        finally:
            await stream.close()

    def _classify(self, exc: BaseException) -> Failure:
        if isinstance(exc, openai.APIStatusError):
            reason = "" if exc.status_code in (401, 403) else vendor_reason(exc.body, self._secrets)
            return status_failure(VENDOR, exc.status_code, reason, exc.response.headers)
        if isinstance(exc, openai.APIConnectionError):
            kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "connection failed"
            return Failure(f"{VENDOR}: {kind}", retryable=True)
        if isinstance(exc, openai.APIError):  # an error event inside the stream
            return Failure(f"{VENDOR}: {vendor_reason(exc.body, self._secrets)}", retryable=False)
        return transport_failure(VENDOR, exc) or Failure(
            f"{VENDOR}: unexpected {type(exc).__name__}", retryable=False
        )
