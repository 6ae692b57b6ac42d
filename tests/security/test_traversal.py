"""Only indexed CV PDFs are served, by id: no request path ever names a file to open.

Real server, real index built from real PDFs, requests sent byte for byte (no client-side
normalization), symlinks inside the corpus that point out of it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.live import LiveServer
from tests.security.hardening_support import (
    SECRET_MARKER,
    indexed_corpus,
    raw_request,
    sqlite_url,
)


@pytest.fixture(scope="module")
async def corpus_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[LiveServer, Path]]:
    from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
    from cvchat.settings import RetrievalSettings

    root = tmp_path_factory.mktemp("traversal")
    data = indexed_corpus(root)
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>client</title>")
    (dist / "assets" / "app.js").write_text("console.log('app')")
    server = await LiveServer(
        database_url=await sqlite_url(root),
        pipeline="echo",
        data_dir=data,
        front_dist=dist,
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL),
    ).start()
    yield server, data
    await server.stop()


def _no_leak(body: bytes) -> None:
    assert SECRET_MARKER.encode() not in body
    assert b"root:x:0:0" not in body  # /etc/passwd
    assert not body.startswith(b"%PDF")


async def test_an_indexed_cv_is_served_by_its_id(corpus_server: tuple[LiveServer, Path]) -> None:
    server, data = corpus_server
    r = await raw_request(server.port, "/api/cvs/ana-backend/pdf")
    assert r.status == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.body == (data / "cvs" / "ana-backend" / "cv.pdf").read_bytes()


@pytest.mark.parametrize(
    "target",
    [
        "/api/cvs/../../outside/secret.pdf",
        "/api/cvs/../../../../etc/passwd/pdf",
        "/api/cvs/..%2f..%2foutside%2fsecret/pdf",
        "/api/cvs/%2e%2e%2f%2e%2e%2foutside%2fsecret/pdf",
        "/api/cvs/%2e%2e/pdf",
        "/api/cvs/%252e%252e%252f%252e%252e%252foutside%252fsecret/pdf",
        "/api/cvs/%2Fetc%2Fpasswd/pdf",
        "/api/cvs//etc/passwd/pdf",
        "/api/cvs/%2F..%2F..%2Foutside%2Fsecret.txt/pdf",
        "/api/cvs/ana-backend%2F..%2F..%2F..%2Foutside%2Fsecret/pdf",
        "/api/cvs/ana-backend%00/pdf",
        "/api/cvs/C:%5Cwindows%5Cwin.ini/pdf",
        "/api/cvs/outside/pdf",
        "/api/cvs/secret/pdf",
        "/api/cvs/no-such-cv/pdf",
    ],
)
async def test_traversal_and_unknown_ids_are_404_without_contents(
    corpus_server: tuple[LiveServer, Path], target: str
) -> None:
    server, _ = corpus_server
    r = await raw_request(server.port, target)
    assert r.status == 404, (target, r.status, r.body[:200])
    assert r.headers["content-type"].startswith("application/json")
    _no_leak(r.body)


@pytest.mark.parametrize("cv_id", ["escapee", "secret", "linked", "swapped"])
async def test_symlinks_out_of_the_corpus_are_never_followed(
    corpus_server: tuple[LiveServer, Path], cv_id: str
) -> None:
    """A CV folder linking out, a cv.pdf linking out when indexed, or swapped for one after."""
    server, data = corpus_server
    assert (data / "cvs" / "escapee").is_symlink()
    assert (data / "cvs" / "swapped" / "cv.pdf").resolve().name == "secret.pdf"
    r = await raw_request(server.port, f"/api/cvs/{cv_id}/pdf")
    assert r.status == 404, (cv_id, r.body[:200])
    _no_leak(r.body)


async def test_the_swapped_cv_was_indexed_so_its_404_is_the_symlink_check(
    corpus_server: tuple[LiveServer, Path],
) -> None:
    """Guards the test above: ``swapped`` is in the index (not just unknown), so its 404 is
    the serving check; ``linked`` already linked out when indexing ran, so it was skipped."""
    server, _ = corpus_server
    r = await raw_request(server.port, "/api/cvs")
    ids = {cv["cv_id"] for cv in json.loads(r.body)["cvs"]}
    assert {"swapped", "ana-backend"} <= ids
    assert "linked" not in ids and "escapee" not in ids


async def test_a_pdf_added_after_indexing_is_not_served(
    corpus_server: tuple[LiveServer, Path],
) -> None:
    server, data = corpus_server
    late = data / "cvs" / "late-comer"
    late.mkdir(exist_ok=True)
    (late / "cv.pdf").write_bytes((data / "cvs" / "ana-backend" / "cv.pdf").read_bytes())
    r = await raw_request(server.port, "/api/cvs/late-comer/pdf")
    assert r.status == 404
    _no_leak(r.body)


@pytest.mark.parametrize(
    "target",
    [
        "/../outside/secret.txt",
        "/..%2f..%2foutside%2fsecret.txt",
        "/%2e%2e/%2e%2e/outside/secret.txt",
        "/assets/../../outside/secret.txt",
        "/assets/..%2f..%2foutside%2fsecret.txt",
        "/assets/%2e%2e/%2e%2e/outside/secret.txt",
        "/%252e%252e/outside/secret.txt",
        "/../../../../etc/passwd",
    ],
)
async def test_the_client_files_never_escape_the_dist_folder(
    corpus_server: tuple[LiveServer, Path], target: str
) -> None:
    """The SPA fallback answers index.html (or 404), never a file outside front/dist."""
    server, _ = corpus_server
    r = await raw_request(server.port, target)
    assert r.status in (200, 400, 404), (target, r.status)
    _no_leak(r.body)
    if r.status == 200:
        assert r.body == b"<!doctype html><title>client</title>"
