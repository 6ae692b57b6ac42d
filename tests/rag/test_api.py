"""GET /api/search, /api/cvs and /api/cvs/{cv_id}/pdf over a real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cvchat.bootstrap import bootstrap
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.pipelines.echo import EchoPipeline
from cvchat.infrastructure.rag import IndexStore
from cvchat.web.routes.corpus import router
from tests.rag.conftest import make_settings


def _client(store: IndexStore) -> TestClient:
    """The corpus routes over ``store``, which they read from the app's container."""
    app = FastAPI()
    data = store.root.parent
    settings = make_settings(data).model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{data}/cvchat.db"}
    )
    upgrade(settings.database_url)  # /api/cvs lists uploads from the database too
    container = bootstrap(settings, pipeline=EchoPipeline())
    container.index_store = store
    app.state.container = container
    app.include_router(router)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(built_store: IndexStore) -> TestClient:
    return _client(built_store)


def test_search_returns_ranked_cvs_with_passages(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "Quarkus gateway", "k": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["k"] == 2 and body["method"] == "hybrid" and body["version"]
    first = body["results"][0]
    assert first["cv_id"] == "ana-backend" and first["name"] == "Ana Torres"
    assert first["pdf_url"] == "/api/cvs/ana-backend/pdf"
    assert "Quarkus" in first["passages"][0]["text"] and first["passages"][0]["page"] == 1
    assert len(body["results"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x", "k": 0},
        {"q": "x", "k": 51},
        {"q": "x", "k": "a"},
        {"q": "x", "method": "magic"},
    ],
)
def test_bad_search_requests_are_422(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_the_corpus_lists_indexed_cvs(client: TestClient) -> None:
    body = client.get("/api/cvs").json()
    assert body["version"]
    ids = [cv["cv_id"] for cv in body["cvs"]]
    assert ids == sorted(ids) and len(ids) == 6
    sam = next(cv for cv in body["cvs"] if cv["cv_id"] == "sam-manager")
    assert sam["pages"] >= 2 and sam["language"] == "en" and sam["name"] == "Sam Okafor"


def test_an_indexed_pdf_is_served_by_id(client: TestClient, built_store: IndexStore) -> None:
    response = client.get("/api/cvs/luc-chef/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == (built_store.cvs_dir / "luc-chef" / "cv.pdf").read_bytes()


@pytest.mark.parametrize("cv_id", ["nobody", "..%2F..%2Fetc%2Fpasswd", "cv.json"])
def test_unknown_cvs_are_404_json(client: TestClient, cv_id: str) -> None:
    response = client.get(f"/api/cvs/{cv_id}/pdf")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_file_not_in_the_index_is_never_served(data_dir: Path) -> None:
    store = IndexStore(make_settings(data_dir))
    store.build()
    (data_dir / "cvs" / "late").mkdir()
    (data_dir / "cvs" / "late" / "cv.pdf").write_bytes(
        (data_dir / "cvs" / "tom-teacher" / "cv.pdf").read_bytes()
    )
    client = _client(store)
    assert client.get("/api/cvs/late/pdf").status_code == 404
    assert client.get("/api/cvs/tom-teacher/pdf").status_code == 200


def test_without_an_index_search_is_503_and_the_corpus_is_empty(tmp_path: Path) -> None:
    client = _client(IndexStore(make_settings(tmp_path)))
    response = client.get("/api/search", params={"q": "python"})
    assert response.status_code == 503 and "cvchat index" in response.json()["detail"]
    assert client.get("/api/cvs").json() == {"version": None, "cvs": []}
    assert client.get("/api/cvs/ana-backend/pdf").status_code == 404
