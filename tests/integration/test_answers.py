"""A full run through the API on the offline defaults: real corpus, index, answerer."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.integration.api_client import Api
from tests.integration.live import LiveServer

MODEL = "offline-minilm"


def _cli(*args: str, data_dir: Path) -> None:
    env = {**os.environ, "CVCHAT_DATA_DIR": str(data_dir), "CVCHAT_RAG__EMBEDDING_MODEL": MODEL}
    cli = Path(sys.executable).with_name("cvchat")
    subprocess.run([str(cli), *args], env=env, check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("answers")
    _cli("dataset", "--count", "8", "--seed", "7", data_dir=data_dir)
    _cli("index", data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="module")
async def rag_api(corpus: Path, sqlite_dir: Path) -> AsyncIterator[Api]:
    from cvchat.infrastructure.db.migrate import upgrade
    from cvchat.settings import LlmRoleSettings, RetrievalSettings

    url = f"sqlite+aiosqlite:///{sqlite_dir}/answers.db"
    await asyncio.to_thread(upgrade, url)
    server = await LiveServer(
        database_url=url,
        pipeline="rag",
        data_dir=corpus,
        front_dist=corpus / "no-front",
        rag=RetrievalSettings(embedding_model=MODEL),
        answer=LlmRoleSettings(provider="offline"),
    ).start()
    api = Api(server.url)
    yield api
    await api.close()
    await server.stop()


def _unique_skill(corpus: Path) -> tuple[str, str]:
    """A skill that one CV lists and no other CV mentions anywhere, and that CV's id."""
    docs = {
        p.parent.name: json.loads(p.read_text())["data"]
        for p in sorted((corpus / "cvs").glob("*/cv.json"))
    }
    texts = {cv_id: json.dumps(d, ensure_ascii=False).lower() for cv_id, d in docs.items()}
    for cv_id, data in docs.items():
        for skill in data["skills"]:
            mentions = [other for other, text in texts.items() if skill.lower() in text]
            if mentions == [cv_id] and len(skill) > 3 and " " not in skill:
                return skill, cv_id
    raise AssertionError("the corpus has no skill unique to one CV")


async def test_a_question_answered_by_one_cv_cites_that_cv_and_page(
    rag_api: Api, corpus: Path
) -> None:
    skill, cv_id = _unique_skill(corpus)
    run_id = await rag_api.ask(await rag_api.new_thread(), f"Who has experience with {skill}?")
    frames = await rag_api.events(run_id)
    kinds = [f.event for f in frames]
    assert kinds[:2] == ["tool_start", "tool_end"] and kinds[-2:] == ["final", "state"]
    assert frames[0].data["tool"] == "profiles.query"
    assert frames[0].data["input"]["query"]["skills_all"] == [skill]
    assert frames[1].data["output"]["total"] == 1
    final = frames[-2].data
    assert final["answer_kind"] == "list"
    assert [c["cv_id"] for c in final["candidates"]] == [cv_id]
    assert final["text"] == "".join(f.data["text"] for f in frames if f.event == "token")
    assert final["sources"], final["text"]
    assert {s["cv_id"] for s in final["sources"]} == {cv_id}, final["text"]
    for source in final["sources"]:
        assert source["url"] == f"/api/cvs/{cv_id}/pdf#page={source['page']}"
        page_text = PdfReader(corpus / "cvs" / source["file"]).pages[source["page"] - 1]
        assert skill.lower() in page_text.extract_text().lower()
    # The cited PDF is served by id.
    pdf = await rag_api.http.get(f"/api/cvs/{cv_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _speakers(corpus: Path, code: str) -> set[str]:
    """The CVs whose ground truth (the generator's cv.json) lists the language."""
    return {
        p.parent.name
        for p in (corpus / "cvs").glob("*/cv.json")
        if code in {lang["code"] for lang in json.loads(p.read_text())["data"]["languages"]}
    }


async def test_a_count_question_counts_every_cv_not_the_top_five(
    rag_api: Api, corpus: Path
) -> None:
    truth = _speakers(corpus, "en")
    assert len(truth) > 5  # more than retrieval's top k: the old answer could not be right
    run_id = await rag_api.ask(await rag_api.new_thread(), "How many candidates speak English?")
    frames = await rag_api.events(run_id)
    assert frames[0].data == {
        "tool": "profiles.query",
        "input": {
            "question": "How many candidates speak English?",
            "query": {"languages": [{"code": "en"}], "operation": "count"},
        },
    }
    final = frames[-2].data
    assert final["answer_kind"] == "count" and final["total"] == len(truth)
    assert final["text"].startswith(f"{len(truth)} candidates (English):")
    assert {c["cv_id"] for c in final["candidates"]} == truth
    for candidate in final["candidates"]:
        [condition] = candidate["conditions"]
        assert condition["met"] and condition["evidence"], candidate


async def test_a_follow_up_narrows_the_previous_set(rag_api: Api, corpus: Path) -> None:
    thread = await rag_api.new_thread()
    await rag_api.events(await rag_api.ask(thread, "Who speaks English?"))
    second = await rag_api.events(await rag_api.ask(thread, "And which of them speak German?"))
    final = second[-2].data
    assert final["query"]["languages"] == [{"code": "en"}, {"code": "de"}]
    assert {c["cv_id"] for c in final["candidates"]} == _speakers(corpus, "en") & _speakers(
        corpus, "de"
    )


async def test_a_follow_up_to_an_open_answer_is_about_the_cvs_it_cited(
    rag_api: Api, corpus: Path
) -> None:
    thread = await rag_api.new_thread()
    first = await rag_api.events(await rag_api.ask(thread, "Who built a service?"))
    cited = {s["cv_id"] for s in first[-2].data["sources"]}
    assert first[0].data["tool"] == "rag.search" and cited, first[-2].data["text"]
    second = await rag_api.events(await rag_api.ask(thread, "And which of them speak English?"))
    assert second[0].data["tool"] == "profiles.query"
    assert second[0].data["input"]["within"] == sorted(cited)
    got = {c["cv_id"] for c in second[-2].data["candidates"]}
    assert got == cited & _speakers(corpus, "en")


async def test_an_open_question_keeps_the_rag_path(rag_api: Api) -> None:
    run_id = await rag_api.ask(
        await rag_api.new_thread(), "What did people do to improve deployment frequency?"
    )
    frames = await rag_api.events(run_id)
    assert frames[0].data["tool"] == "rag.search"
    assert frames[-2].data["answer_kind"] == "open"


async def test_a_question_nothing_matches_says_so_and_cites_nothing(rag_api: Api) -> None:
    run_id = await rag_api.ask(await rag_api.new_thread(), "Who knows Quenya and Klingon?")
    final = (await rag_api.events(run_id))[-2].data
    assert final["sources"] == []
    assert "no CV" in final["text"]


async def test_a_follow_up_stays_within_the_earlier_candidates(rag_api: Api) -> None:
    thread = await rag_api.new_thread()
    first = (await rag_api.events(await rag_api.ask(thread, "Who knows Kubernetes?")))[-2].data
    second_run = await rag_api.ask(thread, "And which of them speaks German?")
    second = (await rag_api.events(second_run))[-2].data
    earlier = {s["cv_id"] for s in first["sources"]}
    assert earlier, first["text"]
    assert {s["cv_id"] for s in second["sources"]} <= earlier


async def test_candidates_api_lists_exactly_the_set_the_chat_answers_with(
    rag_api: Api, corpus: Path
) -> None:
    truth = _speakers(corpus, "en")
    got = (await rag_api.http.get("/api/candidates", params={"language": "en"})).json()
    assert got["total"] == len(truth) and got["query"]["languages"] == [{"code": "en"}]
    assert {c["cv_id"] for c in got["candidates"]} == truth
    paged = (
        await rag_api.http.get(
            "/api/candidates", params={"language": "en", "limit": 2, "offset": 1, "sort": "name"}
        )
    ).json()
    by_name = sorted(got["candidates"], key=lambda c: c["name"].lower())
    assert [c["cv_id"] for c in paged["candidates"]] == [c["cv_id"] for c in by_name[1:3]]
    # the same rows as CSV, by parameter or by Accept header
    for kwargs in (
        {"params": {"language": "en", "format": "csv"}},
        {"params": {"language": "en"}, "headers": {"Accept": "text/csv"}},
    ):
        response = await rag_api.http.get("/api/candidates", **kwargs)  # type: ignore[arg-type]
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["cv_id", "name", "headline", "location", "languages", "years", "English"]
        assert {r[0] for r in rows[1:]} == truth
        assert all(r[6].startswith("✓ p.") for r in rows[1:])


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"skils": "Python"}, "unknown parameter(s) skils"),
        ({"language": "es:Z9"}, "unknown level 'Z9'"),
        ({"language": "xx"}, "unknown language 'xx'"),
        ({"degree": "doctor"}, "use one of bachelor, master, phd"),
        ({"min_years": "-1"}, None),
        ({"limit": "0"}, None),
    ],
)
async def test_candidates_api_refuses_bad_filters(
    rag_api: Api, params: dict[str, str], says: str | None
) -> None:
    response = await rag_api.http.get("/api/candidates", params=params)
    assert response.status_code == 422, response.text
    if says is not None:
        assert says in response.json()["detail"]


async def test_a_candidates_profile_quotes_its_cv(rag_api: Api, corpus: Path) -> None:
    cv_id = sorted(_speakers(corpus, "en"))[0]
    profile = (await rag_api.http.get(f"/api/candidates/{cv_id}")).json()
    assert profile["cv_id"] == cv_id and profile["pdf_url"] == f"/api/cvs/{cv_id}/pdf"
    pages = [p.extract_text() for p in PdfReader(corpus / "cvs" / profile["file"]).pages]
    facts = [profile["name"], *profile["languages"], *profile["skills"], *profile["jobs"]]
    assert len(facts) > 5
    flat = [" ".join(p.split()) for p in pages]
    for fact in facts:
        evidence = fact["evidence"]
        assert " ".join(evidence["snippet"].split()) in flat[evidence["page"] - 1], fact
    assert (await rag_api.http.get("/api/candidates/cv-none")).status_code == 404


async def _post(api: Api, thread: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = await api.http.post(f"/api/threads/{thread}/messages", json=body)
    return response.status_code, response.json()


async def test_a_question_asked_as_a_query_answers_that_query_and_the_thread_keeps_both(
    rag_api: Api, corpus: Path
) -> None:
    """A filter chip removed or edited re-asks with a structured query: no parsing of the
    content, and a reloaded thread shows the same query and candidate set."""
    thread = await rag_api.new_thread()
    query = {"languages": [{"code": "en"}, {"code": "de"}], "skills_all": ["k8s"]}
    # The content would parse as something else entirely: the query must win.
    status, posted = await _post(
        rag_api, thread, {"content": "English · German · Kubernetes", "query": query}
    )
    assert status == 202, posted
    frames = await rag_api.events(str(posted["run_id"]))
    asked = frames[0].data["input"]["query"]
    assert asked["skills_all"] == ["Kubernetes"]  # the alias is made canonical
    assert asked["languages"] == query["languages"] and asked["operation"] == "list"
    final = frames[-2].data
    expected = _speakers(corpus, "en") & _speakers(corpus, "de")
    got = {
        c["cv_id"]
        for c in (
            await rag_api.http.get(
                "/api/candidates", params={"language": ["en", "de"], "skill": "Kubernetes"}
            )
        ).json()["candidates"]
    }
    assert got <= expected
    assert final["answer_kind"] == "list" and {c["cv_id"] for c in final["candidates"]} == got

    stored = (await rag_api.http.get(f"/api/threads/{thread}")).json()["messages"]
    user, assistant = stored
    assert user["query"] == asked and user["content"] == "English · German · Kubernetes"
    assert assistant["query"] is None
    answer = assistant["answer"]
    assert answer["answer_kind"] == "list" and answer["total"] == final["total"]
    assert answer["query"] == asked and answer["candidates"] == final["candidates"]


async def test_a_follow_up_refines_a_question_asked_as_a_query(rag_api: Api, corpus: Path) -> None:
    thread = await rag_api.new_thread()
    status, posted = await _post(
        rag_api, thread, {"content": "English", "query": {"languages": [{"code": "en"}]}}
    )
    assert status == 202, posted
    await rag_api.events(str(posted["run_id"]))
    second = await rag_api.events(await rag_api.ask(thread, "And which of them speak German?"))
    final = second[-2].data
    assert final["query"]["languages"] == [{"code": "en"}, {"code": "de"}]
    assert {c["cv_id"] for c in final["candidates"]} == _speakers(corpus, "en") & _speakers(
        corpus, "de"
    )


async def test_an_open_answer_keeps_no_answer_details(rag_api: Api) -> None:
    thread = await rag_api.new_thread()
    await rag_api.events(
        await rag_api.ask(thread, "What did people do to improve deployment frequency?")
    )
    user, assistant = (await rag_api.http.get(f"/api/threads/{thread}")).json()["messages"]
    assert user["query"] is None and assistant["answer"] is None


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"languages": [{"code": "xx"}]}, "unknown language code 'xx'"),
        ({"languages": [{"code": "es", "min_level": "Z9"}]}, "min_level"),
        ({"skils_all": ["Python"]}, "skils_all"),
        ({"min_years": -1}, "min_years"),
        ({"degree": "doctor"}, "degree"),
        ({"operation": "shout"}, "operation"),
        ("Python", "query"),
    ],
)
async def test_a_bad_query_is_refused_and_nothing_is_stored(
    rag_api: Api, query: object, says: str
) -> None:
    thread = await rag_api.new_thread()
    status, body = await _post(rag_api, thread, {"content": "Python", "query": query})
    assert status == 422, body
    assert says in json.dumps(body)
    assert (await rag_api.http.get(f"/api/threads/{thread}")).json()["messages"] == []
