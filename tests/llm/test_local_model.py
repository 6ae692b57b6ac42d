"""The ``local`` provider, and the ``openai`` adapter against a real OpenAI-compatible server.

Both run the real Gemma 3 270M GGUF weights on the CPU; they skip only when ``llama_cpp``
is not importable (it is the optional ``local`` extra).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cvchat.domain.llm import ChatMessage, GenerationRequest, LlmError
from tests.conftest import free_port
from tests.llm.local_model import gemma_path, needs_llama_cpp

# A GGUF model loaded and run on the CPU: more than the suite's default time limit.
pytestmark = [needs_llama_cpp, pytest.mark.slow, pytest.mark.timeout(600)]

# The packaged Gemma 3 270M is a base model with no chat template: it continues text rather
# than answering, so assertions are about real generation (greedy decoding is reproducible),
# not about what it knows.
QUESTION = GenerationRequest(
    system="Continue the list.",
    messages=(ChatMessage("user", "Monday, Tuesday, Wednesday, Thursday,"),),
)
LONG = GenerationRequest(
    system="You are a storyteller.",
    messages=(ChatMessage("user", "Tell a very long story about a dragon and a knight."),),
)


@pytest.fixture(scope="module")
def model_path() -> Path:
    return gemma_path()


@pytest.fixture(scope="module")
def local(model_path: Path):  # type: ignore[no-untyped-def]
    from cvchat.infrastructure.llm.local_gguf import LocalGgufProvider

    return LocalGgufProvider(
        model_path=model_path, max_tokens=24, context_tokens=2048, temperature=0
    )


async def test_local_streams_a_non_empty_answer(local) -> None:  # type: ignore[no-untyped-def]
    pieces = [p async for p in local.stream(QUESTION)]
    text = "".join(pieces)
    assert len(pieces) > 3 and text.strip()
    stats = local.last_stats
    assert stats.done and not stats.stopped and stats.pieces == len(pieces)
    assert stats.first_piece_s is not None and stats.first_piece_s > 0
    again = "".join([p async for p in local.stream(QUESTION)])
    assert again == text  # greedy decoding of real weights: the same text twice


async def test_local_stops_generating_on_close(model_path: Path) -> None:
    from cvchat.infrastructure.llm.local_gguf import LocalGgufProvider

    provider = LocalGgufProvider(model_path=model_path, max_tokens=400, context_tokens=2048)
    stream = provider.stream(LONG)
    got = [await anext(stream) for _ in range(3)]
    await stream.aclose()  # type: ignore[attr-defined]
    stats = provider.last_stats
    await asyncio.wait_for(provider.wait_idle(), 30)
    assert stats.done and stats.stopped
    assert stats.pieces <= len(got) + 2  # stopped within a token or two of the close


async def test_local_stops_generating_on_cancel(model_path: Path) -> None:
    from cvchat.infrastructure.llm.local_gguf import LocalGgufProvider

    provider = LocalGgufProvider(model_path=model_path, max_tokens=400, context_tokens=2048)
    got: list[str] = []
    two = asyncio.Event()

    async def consume() -> None:
        async for piece in provider.stream(LONG):
            got.append(piece)
            if len(got) >= 2:
                two.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(two.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stats = provider.last_stats
    await asyncio.wait_for(provider.wait_idle(), 30)
    assert stats.done and stats.stopped and stats.pieces <= len(got) + 2


async def test_local_reports_a_context_overflow_as_llm_error(model_path: Path) -> None:
    from cvchat.infrastructure.llm.local_gguf import LocalGgufProvider

    provider = LocalGgufProvider(model_path=model_path, max_tokens=16, context_tokens=256)
    huge = GenerationRequest("s", (ChatMessage("user", "word " * 2000),))
    with pytest.raises(LlmError, match="local: generation failed"):
        async for _ in provider.stream(huge):
            pass


SERVER_ARGS = ["--model_alias", "gemma-3-270m", "--chat_format", "gemma", "--n_ctx", "2048"]


@pytest.fixture(scope="module")
def llama_server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log_file = log_path.open("wb")  # a file, not a pipe: a full pipe would block the server
    where = ["--model", str(model_path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", *SERVER_ARGS, *where],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama server exited: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama server did not start within 120 s")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()


async def test_openai_adapter_streams_from_a_real_local_server(llama_server: str) -> None:
    from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider

    provider = OpenAiChatProvider(
        model="gemma-3-270m", api_key="unused", base_url=llama_server, max_tokens=24, temperature=0
    )
    pieces = [p async for p in provider.stream(QUESTION)]
    assert len(pieces) > 3
    # The same request without streaming: the streamed pieces add up to the same text.
    body = {
        "model": "gemma-3-270m",
        "messages": [
            {"role": "system", "content": QUESTION.system},
            {"role": "user", "content": QUESTION.messages[0].content},
        ],
        "temperature": 0,
        "max_tokens": 24,
    }
    async with httpx.AsyncClient(timeout=60) as client:
        whole = (await client.post(f"{llama_server}/chat/completions", json=body)).json()
    assert "".join(pieces) == whole["choices"][0]["message"]["content"]
