"""Which adapter serves a role (answering, corpus generation), from its settings alone."""

from __future__ import annotations

import os

from cvchat.domain.llm import LlmError, LlmProvider
from cvchat.infrastructure.llm.resilience import RetryPolicy
from cvchat.settings import LlmRoleSettings

# Each adapter is imported only when chosen: the vendor SDKs take seconds to import, and
# ``local`` needs an optional extra.

DEFAULT_MODELS = {
    "anthropic": "claude-haiku-4-5",
    "google": "gemini-2.5-flash",
    "openai": "gpt-4o-mini",
}
# Where each vendor's SDK looks for a key when the role sets none.
KEY_VARIABLES = {
    "anthropic": ("ANTHROPIC_API_KEY",),
    "google": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
}


def _api_key(role: LlmRoleSettings) -> str | None:
    if role.api_key is not None and role.api_key.get_secret_value():
        return role.api_key.get_secret_value()
    for variable in KEY_VARIABLES.get(role.provider, ()):
        if os.environ.get(variable):
            return os.environ[variable]
    return None


def build_provider(role: LlmRoleSettings) -> LlmProvider | None:
    """The role's provider, or ``None`` for ``offline`` (the extractive answerer).

    ``auto`` picks the first vendor whose key variable is set, so that exporting
    ``ANTHROPIC_API_KEY`` (say) is all it takes to switch from the offline answerer.

    Raises ``LlmError`` with the setting to fix when the role cannot work (no key, no model
    file, the optional ``local`` extra not installed); the message never holds a key.
    """
    provider: str = role.provider
    if provider == "auto":
        provider = next(
            (name for name, names in KEY_VARIABLES.items() if any(map(os.environ.get, names))),
            "offline",
        )
        role = role.model_copy(update={"provider": provider})
    if provider == "offline":
        return None
    if provider == "local":
        from cvchat.infrastructure.llm.local_gguf import LocalGgufProvider

        if not role.model:
            raise LlmError("local: set the role's model to the path of a .gguf file")
        return LocalGgufProvider(
            model_path=role.model, temperature=role.temperature, max_tokens=role.max_tokens
        )
    key = _api_key(role)
    if key is None and provider == "openai" and role.base_url:
        key = "unused"  # OpenAI-compatible local servers (Ollama, llama.cpp) take no key
    if key is None:
        variables = " or ".join(KEY_VARIABLES[provider])
        raise LlmError(f"{provider}: no API key; set the role's api_key or {variables}")
    common = {
        "model": role.model or DEFAULT_MODELS[provider],
        "api_key": key,
        "base_url": role.base_url,
        "max_tokens": role.max_tokens,
        "timeout_s": role.timeout_s,
        "policy": RetryPolicy(attempts=role.max_retries + 1),
    }
    if provider == "anthropic":
        from cvchat.infrastructure.llm.anthropic_messages import AnthropicMessagesProvider

        return AnthropicMessagesProvider(**common)  # type: ignore[arg-type]
    if provider == "google":
        from cvchat.infrastructure.llm.google_genai import GoogleGenAiProvider

        return GoogleGenAiProvider(temperature=role.temperature, **common)  # type: ignore[arg-type]
    from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider

    return OpenAiChatProvider(temperature=role.temperature, **common)  # type: ignore[arg-type]
