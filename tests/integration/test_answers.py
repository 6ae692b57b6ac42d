"""A full run through the API on the offline defaults: real corpus, index, answerer."""

from __future__ import annotations

import asyncio
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
    assert cv_id in [cv["cv_id"] for cv in frames[1].data["output"]["cvs"]]
    final = frames[-2].data
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
