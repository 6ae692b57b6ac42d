"""Exact answers with a model: it parses the question and words the answer, never the facts.

A real server and the real Anthropic adapter; only the vendor's endpoint is replaced (respx
on the SDK's transport) with its streaming wire format. The structured-output request (the
question's schema) and the wording request are told apart by the schema the adapter sends.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
import respx

from cvchat.settings import LlmRoleSettings
from tests.integration.api_client import Api
from tests.integration.live import LiveServer
from tests.llm import wire
from tests.security.hardening_support import indexed_corpus, sqlite_url

URL = "http://anthropic.test/v1/messages"
ENGLISH = {"languages": [{"code": "en"}], "operation": "list"}


def stream(text: str) -> httpx.Response:
    pieces = [text[i : i + 40] for i in range(0, len(text), 40)]
    return wire.sse(wire.anthropic_events(pieces) + wire.anthropic_end())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return indexed_corpus(tmp_path_factory.mktemp("exact-llm"))


@pytest.fixture()
async def api(corpus: Path, tmp_path: Path) -> AsyncIterator[Api]:
    from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
    from cvchat.settings import RetrievalSettings

    server = await LiveServer(
        database_url=await sqlite_url(tmp_path),
        pipeline="rag",
        data_dir=corpus,
        front_dist=tmp_path / "no-front",
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL),
        answer=LlmRoleSettings(
            provider="anthropic",
            model="claude-test",
            api_key="sk-test",  # type: ignore[arg-type]
            base_url="http://anthropic.test",
            max_retries=0,
            timeout_s=10,
        ),
    ).start()
    client = Api(server.url)
    yield client
    await client.close()
    await server.stop()


def vendor(
    mock: respx.Router, parse: str, word: Callable[[str], str]
) -> tuple[list[dict[str, object]], respx.Route]:
    """The vendor: ``parse`` for a structured-output request, ``word(draft)`` otherwise."""
    bodies: list[dict[str, object]] = []

    def reply(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if "output_config" in body:
            return stream(parse)
        prompt = body["messages"][-1]["content"]  # type: ignore[index]
        text = prompt if isinstance(prompt, str) else prompt[0]["text"]
        draft = text.split("Draft answer (computed, complete):\n\n", 1)[1]
        return stream(word(draft.split("\n\nRewrite the draft", 1)[0]))

    return bodies, mock.post(URL).mock(side_effect=reply)


async def ask(api: Api, question: str) -> tuple[dict[str, object], dict[str, object]]:
    frames = await api.events(await api.ask(await api.new_thread(), question))
    assert frames[-1].data == {"status": "done"}, frames[-2].data
    return frames[0].data, frames[-2].data


async def english_speakers(api: Api) -> set[str]:
    got = (await api.http.get("/api/candidates", params={"language": "en"})).json()
    return {c["cv_id"] for c in got["candidates"]}


async def test_the_model_parses_the_question_and_words_the_computed_answer(
    api: Api, httpx2_mock: respx.Router
) -> None:
    bodies, _ = vendor(
        httpx2_mock,
        json.dumps(ENGLISH | {"text": ""}),
        lambda draft: "Here is who speaks English:\n" + draft.replace("**", ""),
    )
    start, final = await ask(api, "Quién se defiende en la lengua de Shakespeare?")
    # the question's schema went out as the vendor's structured-output option
    assert "schema" in bodies[0]["output_config"]["format"]  # type: ignore[index]
    assert start["tool"] == "profiles.query" and start["input"]["query"] == ENGLISH  # type: ignore[index]
    truth = await english_speakers(api)
    assert {c["cv_id"] for c in final["candidates"]} == truth  # type: ignore[union-attr]
    assert str(final["text"]).startswith("Here is who speaks English:")
    assert final["sources"] and {s["cv_id"] for s in final["sources"]} == truth  # type: ignore[union-attr]


async def test_a_wording_that_drops_a_candidate_is_replaced_by_the_computed_answer(
    api: Api, httpx2_mock: respx.Router
) -> None:
    vendor(
        httpx2_mock,
        json.dumps(ENGLISH | {"text": ""}),
        lambda draft: "Only one person speaks English: Ana [1].",
    )
    _, final = await ask(api, "Who speaks English?")
    truth = await english_speakers(api)
    assert len(truth) > 1
    assert str(final["text"]).startswith(f"{len(truth)} candidates meet every condition (English)")
    assert {c["cv_id"] for c in final["candidates"]} == truth  # type: ignore[union-attr]


async def test_an_invalid_parse_falls_back_to_the_offline_parser(
    api: Api, httpx2_mock: respx.Router
) -> None:
    vendor(httpx2_mock, '{"languages": "English", "operation": "everything"', lambda d: d)
    start, final = await ask(api, "Who speaks English?")
    assert start["input"]["query"] == ENGLISH  # type: ignore[index]
    assert {c["cv_id"] for c in final["candidates"]} == await english_speakers(api)  # type: ignore[union-attr]
