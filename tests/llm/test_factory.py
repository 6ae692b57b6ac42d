"""Settings alone choose the provider: switching needs no code change."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from cvchat.domain.llm import LlmError
from cvchat.infrastructure.llm import build_provider
from cvchat.infrastructure.llm.anthropic_messages import AnthropicMessagesProvider
from cvchat.infrastructure.llm.google_genai import GoogleGenAiProvider
from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider
from cvchat.settings import LlmRoleSettings, Settings

KEY_VARS = ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY")


@pytest.fixture(autouse=True)
def no_vendor_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)


def test_offline_is_the_default_and_has_no_provider() -> None:
    assert LlmRoleSettings().provider == "offline"
    assert build_provider(LlmRoleSettings()) is None


@pytest.mark.parametrize(
    ("provider", "variable", "cls"),
    [
        ("anthropic", "ANTHROPIC_API_KEY", AnthropicMessagesProvider),
        ("google", "GEMINI_API_KEY", GoogleGenAiProvider),
        ("openai", "OPENAI_API_KEY", OpenAiChatProvider),
    ],
)
def test_vendor_key_from_the_environment_or_the_role(
    provider: str, variable: str, cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(LlmError, match=variable):
        build_provider(LlmRoleSettings(provider=provider))  # type: ignore[arg-type]
    monkeypatch.setenv(variable, "sk-from-env")
    assert isinstance(build_provider(LlmRoleSettings(provider=provider)), cls)  # type: ignore[arg-type]
    monkeypatch.delenv(variable)
    role = LlmRoleSettings(provider=provider, api_key=SecretStr("sk-role"))  # type: ignore[arg-type]
    assert isinstance(build_provider(role), cls)


def test_environment_settings_switch_the_answer_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVCHAT_ANSWER__PROVIDER", "openai")
    monkeypatch.setenv("CVCHAT_ANSWER__BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("CVCHAT_ANSWER__MODEL", "llama3.2")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert isinstance(build_provider(settings.answer), OpenAiChatProvider)  # no key needed
    assert build_provider(settings.corpus_llm) is None  # the other role is configured apart


def test_missing_key_message_never_holds_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(LlmError) as err:
        build_provider(LlmRoleSettings(provider="anthropic", api_key=SecretStr("")))
    assert "ANTHROPIC_API_KEY" in str(err.value)


def test_local_needs_a_model_file() -> None:
    with pytest.raises(LlmError, match=r"gguf|llama-cpp-python"):
        build_provider(LlmRoleSettings(provider="local"))
    with pytest.raises(LlmError, match=r"no GGUF model file|llama-cpp-python"):
        build_provider(LlmRoleSettings(provider="local", model="/nonexistent/model.gguf"))


@pytest.mark.parametrize(
    ("variable", "cls"),
    [
        ("ANTHROPIC_API_KEY", AnthropicMessagesProvider),
        ("GEMINI_API_KEY", GoogleGenAiProvider),
        ("GOOGLE_API_KEY", GoogleGenAiProvider),
        ("OPENAI_API_KEY", OpenAiChatProvider),
    ],
)
def test_auto_switches_on_a_vendor_key_alone(
    variable: str, cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto = LlmRoleSettings(provider="auto")
    assert build_provider(auto) is None  # no key anywhere: the offline answerer
    monkeypatch.setenv(variable, "sk-test")
    assert isinstance(build_provider(auto), cls)
