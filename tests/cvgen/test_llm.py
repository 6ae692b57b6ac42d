"""The LLM generator through the real OpenAI-compatible adapter, against HTTP replays.

respx (on httpx2, the SDKs' HTTP client, through the ``httpx2_mock`` fixture) answers
``POST /v1/chat/completions`` with the vendor's ``chat.completion.chunk`` server-sent events,
so the whole path (SDK, adapter, retry-with-errors, validation) runs. Anthropic's and
Gemini's streams (replayed with ``tests/llm/wire.py``) feed the same loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from cvchat.cvgen.content import LOCALES
from cvchat.cvgen.llm import CvRejected, LlmCvGenerator, data_schema
from cvchat.cvgen.offline import generate_offline
from cvchat.cvgen.plan import plan_corpus
from cvchat.cvgen.schema import Meta
from cvchat.infrastructure.llm.anthropic_messages import AnthropicMessagesProvider
from cvchat.infrastructure.llm.google_genai import GoogleGenAiProvider
from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider
from cvchat.infrastructure.llm.resilience import RetryPolicy
from tests.cvgen.cli_app import app as cli
from tests.llm import wire

BASE = "https://llm.test/v1"


def _chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-cv1",
        "object": "chat.completion.chunk",
        "created": 1_760_000_000,
        "model": "gpt-test",
        "system_fingerprint": "fp_test",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


def sse_reply(text: str, piece: int = 97) -> httpx.Response:
    """A streamed completion of ``text``, cut into pieces as a vendor would."""
    events = [_chunk({"role": "assistant", "content": ""})]
    events += [_chunk({"content": text[i : i + piece]}) for i in range(0, len(text), piece)]
    events += [_chunk({}, "stop"), "data: [DONE]\n\n"]
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream; charset=utf-8"},
        content="".join(events).encode(),
    )


@pytest.fixture
def metas() -> list[Meta]:
    return plan_corpus(2, 3, ["es", "de"], "llm")


def _valid_data(meta: Meta) -> dict[str, Any]:
    data = generate_offline(meta).model_dump(mode="json")["data"]
    del data["section_labels"]  # the model never writes these
    return data


async def _no_sleep(seconds: float) -> None:
    return None


def _generator() -> LlmCvGenerator:
    provider = OpenAiChatProvider(
        model="gpt-test",
        api_key="sk-test",
        base_url=BASE,
        policy=RetryPolicy(attempts=2, sleep=_no_sleep),
    )
    return LlmCvGenerator(provider, attempts=3)


@pytest.fixture
def mock(httpx2_mock: respx.Router) -> respx.Router:
    return httpx2_mock


async def test_retries_with_the_errors_until_the_cv_validates(
    mock: respx.Router, metas: list[Meta]
) -> None:
    meta = metas[0]
    good = _valid_data(meta)
    future = json.loads(json.dumps(good))
    future["experience"][0]["start_date"] = "2031-02"
    route = mock.post(f"{BASE}/chat/completions").mock(
        side_effect=[
            sse_reply('{"full_name": "Ana'),  # cut-off JSON
            sse_reply("```json\n" + json.dumps(future) + "\n```"),  # fenced, but invalid
            sse_reply(json.dumps(good, ensure_ascii=False)),
        ]
    )
    document = await _generator().generate(meta)

    assert route.call_count == 3
    assert document.meta == meta
    assert document.data.full_name == good["full_name"]
    assert document.data.section_labels.model_dump() == LOCALES[meta.language].labels
    first, second, third = (json.loads(call.request.content) for call in route.calls)
    assert first["response_format"]["type"] == "json_schema"
    assert "section_labels" not in first["response_format"]["json_schema"]["schema"]["properties"]
    assert first["messages"][0]["role"] == "system"
    assert "entirely in German" in first["messages"][1]["content"]
    assert "invalid JSON" in second["messages"][-1]["content"]
    assert "data.experience.0.start_date 2031-02 is after" in third["messages"][-1]["content"]
    assert third["messages"][-2] == {
        "role": "assistant",
        "content": "```json\n" + json.dumps(future) + "\n```",
    }


async def test_gives_up_after_the_attempts_and_reports_why(
    mock: respx.Router, metas: list[Meta]
) -> None:
    bad = _valid_data(metas[0])
    bad["email"] = "nobody@example.com"
    route = mock.post(f"{BASE}/chat/completions").mock(
        side_effect=lambda request: sse_reply(json.dumps(bad))
    )
    with pytest.raises(CvRejected) as info:
        await _generator().generate(metas[0])
    assert route.call_count == 3
    assert info.value.cv_id == metas[0].cv_id
    assert "does not match the name" in info.value.errors


async def test_a_corpus_run_keeps_the_valid_cvs_and_skips_the_rest(
    mock: respx.Router, metas: list[Meta]
) -> None:
    good = _valid_data(metas[1])

    def reply(request: httpx.Request) -> httpx.Response:
        wants_spanish = "Spanish" in json.loads(request.content)["messages"][1]["content"]
        return sse_reply(json.dumps(good) if wants_spanish else "I cannot help with that.")

    mock.post(f"{BASE}/chat/completions").mock(side_effect=reply)
    outcome = await _generator().generate_all(metas, concurrency=2)
    assert [d.meta.cv_id for d in outcome.documents] == [metas[1].cv_id]
    assert [r.cv_id for r in outcome.rejected] == [metas[0].cv_id]


async def test_a_provider_error_rejects_the_cv_without_retrying_it(
    mock: respx.Router, metas: list[Meta]
) -> None:
    route = mock.post(f"{BASE}/chat/completions").mock(
        return_value=httpx.Response(
            401, json={"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}
        )
    )
    with pytest.raises(CvRejected) as info:
        await _generator().generate(metas[0])
    assert route.call_count == 1
    assert "provider error" in info.value.errors


def test_the_schema_sent_to_the_model_is_the_data_schema() -> None:
    schema = data_schema()
    assert "SectionLabels" not in schema["$defs"]
    assert {"full_name", "experience", "languages", "skills"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


def test_cli_llm_run_writes_the_valid_cvs_and_reports_the_rejected(
    mock: respx.Router, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cvchat dataset --generator llm`` end to end: settings → adapter → replay → PDFs."""
    from cvchat.settings import get_settings

    for name, value in {
        "PROVIDER": "openai",
        "MODEL": "gpt-test",
        "API_KEY": "sk-test",
        "BASE_URL": BASE,
        "MAX_RETRIES": "2",
    }.items():
        monkeypatch.setenv(f"CVCHAT_CORPUS_LLM__{name}", value)
    get_settings.cache_clear()
    good_meta, bad_meta = plan_corpus(2, 9, ["es"], "llm")
    good = _valid_data(good_meta)

    def reply(request: httpx.Request) -> httpx.Response:
        prompt = json.loads(request.content)["messages"][1]["content"]
        wanted = good_meta.role_family.replace("_", " ") in prompt
        return sse_reply(json.dumps(good) if wanted else '{"full_name": ""}')

    route = mock.post(f"{BASE}/chat/completions").mock(side_effect=reply)
    out = tmp_path / "cvs"
    args = ["dataset", "--generator", "llm", "--count", "2", "--seed", "9", "--languages", "es"]
    try:
        result = CliRunner().invoke(cli, [*args, "--out", str(out), "--workers", "1"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert route.call_count == 3  # one good answer, two rejected attempts for the other CV
    assert f"skipped {bad_meta.cv_id}" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [entry["cv_id"] for entry in manifest] == [good_meta.cv_id]
    assert manifest[0]["generator"] == "llm"
    assert (out / good_meta.cv_id / "cv.pdf").is_file()
    assert not (out / bad_meta.cv_id).exists()


VENDOR_REPLAYS = {
    "anthropic": (
        "http://anthropic.test/v1/messages",
        lambda policy: AnthropicMessagesProvider(
            model="claude-test", api_key="sk-test", base_url="http://anthropic.test", policy=policy
        ),
        lambda text: wire.sse(wire.anthropic_events([text[:50], text[50:]]) + wire.anthropic_end()),
    ),
    "google": (
        "http://gemini.test/v1/models/gemini-test:streamGenerateContent?alt=sse",
        lambda policy: GoogleGenAiProvider(
            model="gemini-test", api_key="sk-test", base_url="http://gemini.test/", policy=policy
        ),
        lambda text: wire.sse(wire.gemini_events([text[:50], text[50:]]) + wire.gemini_end()),
    ),
}


@pytest.mark.parametrize("vendor", sorted(VENDOR_REPLAYS))
async def test_other_vendors_streams_feed_the_same_retry_loop(
    mock: respx.Router, metas: list[Meta], vendor: str
) -> None:
    url, make, reply = VENDOR_REPLAYS[vendor]
    good = _valid_data(metas[0])
    route = mock.post(url).mock(
        side_effect=[reply('{"full_name": "cut off'), reply(json.dumps(good))]
    )
    provider = make(RetryPolicy(attempts=1, sleep=_no_sleep))
    document = await LlmCvGenerator(provider, attempts=2).generate(metas[0])
    assert route.call_count == 2
    assert document.data.full_name == good["full_name"]
