"""``google`` provider: Gemini through the official ``google-genai`` SDK, streamed.

The key travels in the ``x-goog-api-key`` header the SDK sets, never in the URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar, Token
from typing import Any

from google import genai
from google.genai import errors, types

from cvchat.domain.llm import GenerationRequest
from cvchat.infrastructure.llm.resilience import (
    Failure,
    RetryPolicy,
    resilient_stream,
    status_failure,
    transport_failure,
    vendor_reason,
)

VENDOR = "google"
_ROLES = {"user": "user", "assistant": "model"}


async def _texts(stream: AsyncIterator[types.GenerateContentResponse]) -> AsyncIterator[str]:
    async for chunk in stream:
        for candidate in chunk.candidates or ():
            for part in (candidate.content.parts if candidate.content else None) or ():
                if part.text and not part.thought:
                    yield part.text


# The HTTP responses opened by the stream being started in this context. The SDK's stream is
# a chain of nested async generators, and ``aclose()`` on the outer one leaves the inner ones
# (which hold the response) open until garbage collection; so we close the response itself.
_OPENED: ContextVar[list[Any] | None] = ContextVar("cvchat_gemini_opened", default=None)


async def _record_response(response: Any) -> None:
    opened = _OPENED.get()
    if opened is not None:
        opened.append(response)


class GoogleGenAiProvider:
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
        self._client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                base_url=base_url,
                timeout=int(timeout_s * 1000),
                retry_options=types.HttpRetryOptions(attempts=1),
                async_client_args={"event_hooks": {"response": [_record_response]}},
            ),
        )

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        return resilient_stream(VENDOR, lambda: self._pieces(request), self._classify, self._policy)

    async def _pieces(self, request: GenerationRequest) -> AsyncIterator[str]:
        config = types.GenerateContentConfig(
            system_instruction=request.system,
            temperature=self._temperature,
            max_output_tokens=self._max_tokens,
        )
        if request.json_schema is not None:
            config.response_mime_type = "application/json"
            config.response_json_schema = request.json_schema
        contents = [
            types.Content(role=_ROLES[m.role], parts=[types.Part(text=m.content)])
            for m in request.messages
        ]
        opened: list[Any] = []
        token: Token[list[Any] | None] | None = _OPENED.set(opened)
        try:
            stream = await self._client.aio.models.generate_content_stream(
                model=self._model, contents=contents, config=config
            )
            try:
                async for text in _texts(stream):
                    if token is not None:  # the request is out: stop recording
                        _OPENED.reset(token)
                        token = None
                    yield text
            finally:
                for response in opened:
                    await response.aclose()
                await stream.aclose()  # type: ignore[attr-defined]
        finally:
            if token is not None:
                _OPENED.reset(token)

    def _classify(self, exc: BaseException) -> Failure:
        if isinstance(exc, errors.APIError):
            status = int(exc.code or 0)
            details = exc.details if isinstance(exc.details, dict) else {}
            text = str(details)
            if status in (401, 403) or "API_KEY_INVALID" in text or "API key not valid" in text:
                return status_failure(VENDOR, 401 if status == 400 else status, "", None)
            headers = getattr(exc.response, "headers", None)
            return status_failure(VENDOR, status, vendor_reason(details, self._secrets), headers)
        return transport_failure(VENDOR, exc) or Failure(
            f"{VENDOR}: unexpected {type(exc).__name__}", retryable=False
        )
