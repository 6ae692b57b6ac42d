"""LLM provider adapters (``LlmProvider``), one per vendor SDK, chosen by ``build_provider``."""

from cvchat.infrastructure.llm.factory import build_provider

__all__ = ["build_provider"]
