"""The streaming-generation port that every LLM provider adapter implements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from cvchat.domain.errors import DomainError


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class GenerationRequest:
    system: str
    messages: tuple[ChatMessage, ...]
    json_schema: dict[str, Any] | None = field(default=None)


class LlmError(DomainError):
    """A provider failure, phrased for the user: never a key, a URL with secrets or a trace."""


class LlmProvider(Protocol):
    """Streams the model's text in pieces; closing the iterator closes the vendor stream."""

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]: ...
