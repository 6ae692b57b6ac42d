"""Corpus management through the API, against a real server, real files, SQLite and PostgreSQL:
upload PDF, DOCX and scans, index them live, refuse bad files, delete for good."""

from __future__ import annotations

import asyncio
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cvchat.domain.model import Message, Role, Thread, User
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.tables import cv_uploads
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.rag import IndexStore
from tests.integration.live import LiveServer
from tests.rag.conftest import make_settings
from tests.rag.upload_support import (
    DOCX_TYPE,
    copy_index,
    corpus_server,
    docx_cv,
    encrypted_pdf,
    in_any_version,
    pdf_cv,
    scanned_cv,
    upload,
    wait_indexed,
)
from tests.security.auth_server import fetch_rows

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def data_copy(tmp_path: Path, built_store: IndexStore) -> Path:
    return copy_index(built_store, tmp_path / "data")


@pytest.fixture
async def server(own_db_url: str, data_copy: Path) -> AsyncIterator[LiveServer]:
    live = await corpus_server(own_db_url, data_copy)
    yield live
    await live.stop()


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        yield client


async def _top(http: httpx.AsyncClient, query: str) -> str | None:
    r = await http.get("/api/search", params={"q": query, "k": 1, "method": "bm25"})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    return results[0]["cv_id"] if results and results[0]["score"] > 0 else None


async def _rows(db_url: str) -> list[dict[str, Any]]:
    return await fetch_rows(db_url, cv_uploads)


def _uploaded_files(data: Path) -> list[str]:
    """Files under the corpus folder's uploads, and any staged leftover anywhere in it."""
    cvs = data / "cvs"
    kept = sorted(p.name for p in (cvs / "uploads").glob("*")) if (cvs / "uploads").is_dir() else []
    return kept + sorted(p.name for p in cvs.rglob(".upload-*"))


async def test_a_pdf_a_docx_and_a_scan_are_indexed_and_found(
    http: httpx.AsyncClient, tmp_path: Path, data_copy: Path
) -> None:
    made = tmp_path / "made"
    pdf = pdf_cv(made, "Maren Holt", "Frobnicator")
    word = docx_cv(tmp_path / "lucia.docx", "Lucía Ferrer", "Zanzibar")
    scan = scanned_cv(pdf_cv(made, "Tobias Brandt", "Quokka"), tmp_path / "tobias-scan.pdf")

    r = await upload(http, pdf, word, scan)
    assert r.status_code == 202, r.text
    added = r.json()["cvs"]
    assert [a["file"] for a in added] == ["cv.pdf", "lucia.docx", "tobias-scan.pdf"]
    assert all(a["status"] == "queued" and not a["duplicate"] for a in added)
    ids = [a["cv_id"] for a in added]

    done = [await wait_indexed(http, cv_id) for cv_id in ids]
    assert [d["status"] for d in done] == ["indexed"] * 3, done
    assert done[0]["name"] == "Maren Holt" and done[0]["ocr_pages"] == []
    assert done[1]["media_type"] == DOCX_TYPE and "Lucía Ferrer" in done[1]["name"]
    assert done[2]["ocr_pages"] == [1]
    assert done[0]["profile"]["cv_id"] == ids[0]

    assert await _top(http, "Frobnicator") == ids[0]
    assert await _top(http, "Zanzibar") == ids[1]
    assert await _top(http, "Quokka") == ids[2]

    listed = {cv["cv_id"]: cv for cv in (await http.get("/api/cvs")).json()["cvs"]}
    assert {cv_id: listed[cv_id]["status"] for cv_id in ids} == dict.fromkeys(ids, "indexed")
    assert all(listed[cv_id]["added_at"] for cv_id in ids)
    assert listed["ana-backend"]["added_at"] is None  # put in the folder by the operator
    served = await http.get(f"/api/cvs/{ids[1]}/pdf")
    assert served.status_code == 200 and served.content == word.read_bytes()
    assert served.headers["content-type"] == DOCX_TYPE
    candidate = await http.get(f"/api/candidates/{ids[0]}")
    assert candidate.status_code == 200 and candidate.json()["name"]["value"] == "Maren Holt"


async def test_the_same_file_twice_is_one_cv(
    http: httpx.AsyncClient, tmp_path: Path, data_copy: Path, own_db_url: str
) -> None:
    pdf = pdf_cv(tmp_path, "Maren Holt", "Frobnicator")
    first = (await upload(http, pdf)).json()["cvs"][0]
    await wait_indexed(http, first["cv_id"])
    again = await upload(http, pdf)
    assert again.status_code == 200
    assert again.json()["cvs"] == [
        {"cv_id": first["cv_id"], "file": "cv.pdf", "status": "indexed", "duplicate": True}
    ]
    # A CV the operator put in the folder is found by its bytes too.
    folder_cv = data_copy / "cvs" / "luc-chef" / "cv.pdf"
    (await http.get("/api/cvs")).raise_for_status()
    assert len(await _rows(own_db_url)) == 1
    assert _uploaded_files(data_copy) == [f"{first['cv_id']}.pdf"]
    assert folder_cv.is_file()


async def test_bad_files_are_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, tmp_path: Path, data_copy: Path, own_db_url: str
) -> None:
    good = pdf_cv(tmp_path / "made", "Maren Holt", "Frobnicator")
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes, not a PDF")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    locked = encrypted_pdf(good, tmp_path / "locked.pdf")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:400])
    archive = tmp_path / "archive.docx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a Word document")
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    before = (await http.get("/api/cvs")).json()

    expected = {text: 415, archive: 415, empty: 422, locked: 422, truncated: 422, huge: 413}
    for path, status in expected.items():
        r = await upload(http, path)
        assert r.status_code == status, (path.name, r.status_code, r.text)
        assert path.name in r.json()["detail"] or status == 413, r.json()
    # One bad file refuses the whole request: the good one beside it is not stored either.
    mixed = await upload(http, good, text)
    assert mixed.status_code == 415
    none = await http.post("/api/cvs", files=[])
    assert none.status_code == 422

    assert (await http.get("/api/cvs")).json() == before
    assert await _rows(own_db_url) == []
    assert _uploaded_files(data_copy) == []


async def test_concurrent_uploads_and_a_reindex_lose_nothing(
    http: httpx.AsyncClient, tmp_path: Path, data_copy: Path
) -> None:
    words = ["Axolotl", "Bandicoot", "Capybara", "Dugong"]
    pdfs = [pdf_cv(tmp_path / w, f"Person {w}", w) for w in words]
    store = IndexStore(make_settings(data_copy))  # `cvchat index` of the same folder, meanwhile
    responses, _ = await asyncio.gather(
        asyncio.gather(*(upload(http, p) for p in pdfs)), asyncio.to_thread(store.build)
    )
    ids = [r.json()["cvs"][0]["cv_id"] for r in responses]
    assert len(set(ids)) == 4
    assert [(await wait_indexed(http, cv_id))["status"] for cv_id in ids] == ["indexed"] * 4
    for word, cv_id in zip(words, ids, strict=True):
        assert await _top(http, word) == cv_id
    listed = {cv["cv_id"] for cv in (await http.get("/api/cvs")).json()["cvs"]}
    assert set(ids) <= listed and len(listed) == 6 + 4


async def _thread_citing(db_url: str, cv_id: str) -> tuple[str, str]:
    db = create_database(db_url)
    try:
        factory = SqlUnitOfWorkFactory(db)
        async with factory() as uow:
            user = User(name=f"reader-{cv_id}")
            thread = Thread(user_id=user.user_id)
            await uow.users.add(user)
            await uow.threads.add(thread)
            source = {"cv_id": cv_id, "name": "Maren Holt", "page": 1, "snippet": "Frobnicator"}
            candidate = {"cv_id": cv_id, "name": "Maren Holt", "conditions": []}
            answer = {"answer_kind": "list", "total": 1, "candidates": [candidate]}
            await uow.messages.add(
                Message(
                    thread.thread_id,
                    Role.ASSISTANT,
                    "Maren Holt [1]",
                    sources=[source],
                    answer=answer | {"near_misses": []},
                )
            )
            await uow.commit()
        return user.user_id, thread.thread_id
    finally:
        await db.dispose()


async def test_a_deleted_cv_is_gone_everywhere_for_good(
    server: LiveServer, http: httpx.AsyncClient, tmp_path: Path, data_copy: Path, own_db_url: str
) -> None:
    pdf = pdf_cv(tmp_path, "Maren Holt", "Frobnicator")
    cv_id = (await upload(http, pdf)).json()["cvs"][0]["cv_id"]
    await wait_indexed(http, cv_id)
    # A second upload makes an older version that also holds the CV.
    other = (await upload(http, pdf_cv(tmp_path / "o", "Ola Berg", "Bandicoot"))).json()
    await wait_indexed(http, other["cvs"][0]["cv_id"])
    index_dir = data_copy / "index"
    assert len(in_any_version(index_dir, cv_id)) >= 2
    _, thread_id = await _thread_citing(own_db_url, cv_id)

    r = await http.delete(f"/api/cvs/{cv_id}")
    assert r.status_code == 204, r.text

    assert await _top(http, "Frobnicator") is None
    assert cv_id not in {cv["cv_id"] for cv in (await http.get("/api/cvs")).json()["cvs"]}
    for path in (f"/api/cvs/{cv_id}", f"/api/cvs/{cv_id}/pdf", f"/api/candidates/{cv_id}"):
        assert (await http.get(path)).status_code == 404, path
    assert in_any_version(index_dir, cv_id) == [] and in_any_version(index_dir, "Maren") == []
    assert _uploaded_files(data_copy) == [f"{other['cvs'][0]['cv_id']}.pdf"]
    assert [row["cv_id"] for row in await _rows(own_db_url)] == [other["cvs"][0]["cv_id"]]
    thread = (await http.get(f"/api/threads/{thread_id}")).json()
    (source,) = thread["messages"][0]["sources"]
    assert source["removed"] is True and source["snippet"] == "Frobnicator"
    (candidate,) = thread["messages"][0]["answer"]["candidates"]
    assert candidate["removed"] is True and candidate["name"] == "Maren Holt"
    assert (await http.delete(f"/api/cvs/{cv_id}")).status_code == 404

    # A folder CV is erased with its folder (its JSON, HTML, portrait).
    assert (await http.delete("/api/cvs/luc-chef")).status_code == 204
    assert not (data_copy / "cvs" / "luc-chef").exists()

    # After a restart and a full re-index, neither comes back.
    await server.stop()
    IndexStore(make_settings(data_copy)).build(full=True)
    again = await corpus_server(own_db_url, data_copy)
    try:
        async with httpx.AsyncClient(base_url=again.url, timeout=60) as fresh:
            listed = {cv["cv_id"] for cv in (await fresh.get("/api/cvs")).json()["cvs"]}
            assert cv_id not in listed and "luc-chef" not in listed
            assert await _top(fresh, "Frobnicator") is None
    finally:
        await again.stop()


async def test_deleting_the_last_cv_leaves_no_index(
    own_db_url: str, tmp_path: Path, corpus_pdfs: Path
) -> None:
    data = tmp_path / "data"
    (data / "cvs").mkdir(parents=True)
    pdf_cv(data / "cvs", "Solo Person", "Frobnicator")
    store = IndexStore(make_settings(data))
    store.build()
    live = await corpus_server(own_db_url, data)
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            assert (await http.delete("/api/cvs/solo-person")).status_code == 204
            assert (await http.get("/api/cvs")).json() == {"version": None, "cvs": []}
            assert (await http.get("/api/search", params={"q": "Frobnicator"})).status_code == 503
            assert store.versions() == []
    finally:
        await live.stop()


def test_the_manifest_keeps_what_was_ocrd(tmp_path: Path) -> None:
    """The pages read by OCR are part of the version, not only of the API's answer."""
    data = tmp_path / "data"
    (data / "cvs").mkdir(parents=True)
    made = pdf_cv(tmp_path / "made", "Tobias Brandt", "Quokka")
    scanned_cv(made, data / "cvs" / "tobias.pdf")
    store = IndexStore(make_settings(data))
    store.build()
    manifest = json.loads((store.root / "current" / "manifest.json").read_text())
    assert manifest["documents"]["tobias"]["ocr_pages"] == [1]
