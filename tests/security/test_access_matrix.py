"""Every route × {no token, wrong token, another user's token, own token}, in auth mode token.

The rows are checked against ``app.routes``: a route added without a row fails
``test_every_route_has_a_row``. Statuses are exact: 401 without valid credentials, 404 for
another user's threads, messages, runs, streams and cancels (never 403: nothing tells
them it exists), 2xx for the owner. The corpus is shared by every signed-in user.
Real uvicorn, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from cvchat.infrastructure.rag import IndexStore
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
from cvchat.settings import RetrievalSettings, Settings
from cvchat.web.app import create_app
from tests.integration.api_client import parse_sse
from tests.integration.live import LiveServer
from tests.rag.pdf_factory import write_corpus
from tests.security.auth_server import (
    Member,
    ask,
    new_member,
    new_thread,
    read_events,
    token_server,
    wait_status,
)

LONG_QUESTION = " ".join(f"word{i}" for i in range(400))  # ~8 s of echo at 20 ms a piece


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with real CV PDFs, an index of them, and a built chat client."""
    data = tmp_path_factory.mktemp("access-data")
    write_corpus(data / "cvs")
    IndexStore(
        Settings(data_dir=data, rag=RetrievalSettings(embedding_model=OFFLINE_MODEL))
    ).build()
    front = data / "front"
    (front / "assets").mkdir(parents=True)
    (front / "index.html").write_text("<!doctype html><title>cvchat</title>")
    (front / "assets" / "app.js").write_text("console.log('cvchat')")
    return data


@dataclass
class World:
    server: LiveServer
    http: httpx.AsyncClient
    alice: Member  # owns everything below
    bob: Member  # another signed-in user
    thread_id: str
    run_id: str  # done
    cv_id: str

    async def active_run(self) -> str:
        """A fresh run of Alice's that is still queued or running."""
        run_id = await ask(
            self.http, self.alice, await new_thread(self.http, self.alice), LONG_QUESTION
        )
        return run_id


@pytest.fixture(scope="module")
async def world(auth_db: str, corpus_dir: Path) -> AsyncIterator[World]:
    server = await token_server(
        auth_db,
        corpus_dir,
        front_dist=corpus_dir / "front",
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL),
    )
    http = httpx.AsyncClient(base_url=server.url, timeout=30)
    alice = await new_member(auth_db, "alice")
    bob = await new_member(auth_db, "bob")
    thread_id = await new_thread(http, alice)
    run_id = await ask(http, alice, thread_id, "Who speaks Spanish?")
    status, frames = await read_events(http, run_id, alice.auth)
    assert status == 200 and frames[-1].data == {"status": "done"}
    cvs = (await http.get("/api/cvs", headers=alice.auth)).json()["cvs"]
    yield World(server, http, alice, bob, thread_id, run_id, cvs[0]["cv_id"])
    await http.aclose()
    await server.stop()


@dataclass(frozen=True)
class Cred:
    """One of the four callers; ``token`` is what goes into a sign-in body."""

    name: str
    headers: dict[str, str]
    token: str


def creds(w: World) -> list[Cred]:
    token_id = w.alice.token.split("_")[1]
    wrong = f"cvc_{token_id}_{'A' * 43}"  # Alice's token id with a wrong secret
    return [
        Cred("none", {}, "no-token"),
        Cred("wrong", {"Authorization": f"Bearer {wrong}"}, wrong),
        Cred("other", w.bob.auth, w.bob.token),
        Cred("own", w.alice.auth, w.alice.token),
    ]


Call = Callable[[World, Cred], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as the route declares it
    expect: tuple[int, int, int, int]  # none, wrong, other, own
    call: Call


SIGNED_IN = (401, 401, 404)
PUBLIC = (200, 200, 200, 200)


def get(url: Callable[[World], str]) -> Call:
    async def call(w: World, c: Cred) -> httpx.Response:
        return await w.http.get(url(w), headers=c.headers)

    return call


async def _stream(w: World, c: Cred) -> httpx.Response:
    url = f"/api/runs/{w.run_id}/events"
    async with w.http.stream("GET", url, headers=c.headers) as r:
        if r.status_code != 200:
            await r.aread()
            return r
        lines = [line async for line in r.aiter_lines()]
    frames, _ = parse_sse(lines)
    # The owner gets the whole log, ending with the terminal state.
    assert [f.id for f in frames] == list(range(1, len(frames) + 1))
    assert frames[-1].event == "state" and frames[-1].data == {"status": "done"}
    return r


async def _cancel(w: World, c: Cred) -> httpx.Response:
    run_id = await w.active_run()
    r = await w.http.post(f"/api/runs/{run_id}/cancel", headers=c.headers)
    status = await wait_status(w.http, w.alice, run_id, {"queued", "running", "done", "canceled"})
    assert (status == "canceled") == (c.name == "own"), (c.name, status)
    return r


async def _post_user(w: World, c: Cred) -> httpx.Response:
    return await w.http.post(
        "/api/users", json={"name": f"new-{uuid.uuid4().hex[:6]}"}, headers=c.headers
    )


async def _post_thread(w: World, c: Cred) -> httpx.Response:
    return await w.http.post("/api/threads", json={"user_id": w.alice.user_id}, headers=c.headers)


async def _post_message(w: World, c: Cred) -> httpx.Response:
    return await w.http.post(
        f"/api/threads/{w.thread_id}/messages", json={"content": "and Go?"}, headers=c.headers
    )


async def _sign_in(w: World, c: Cred) -> httpx.Response:
    r = await w.http.post("/api/session", json={"token": c.token})
    w.http.cookies.clear()  # the cookie is the browser tests' business
    return r


async def _upload(w: World, c: Cred) -> httpx.Response:
    files = [("file", ("cv.pdf", b"%PDF-1.7 not read: refused before", "application/pdf"))]
    return await w.http.post("/api/cvs", files=files, headers=c.headers)


async def _delete_cv(w: World, c: Cred) -> httpx.Response:
    return await w.http.delete(f"/api/cvs/{w.cv_id}", headers=c.headers)


async def _sign_out(w: World, c: Cred) -> httpx.Response:
    return await w.http.delete("/api/session", headers=c.headers)


ROWS: list[Row] = [
    Row("POST", "/api/users", (401, 401, 403, 403), _post_user),
    Row("GET", "/api/users", (*SIGNED_IN, 200), get(lambda w: f"/api/users?name={w.alice.name}")),
    Row(
        "GET",
        "/api/users/{user_id}/threads",
        (*SIGNED_IN, 200),
        get(lambda w: f"/api/users/{w.alice.user_id}/threads"),
    ),
    Row("POST", "/api/threads", (*SIGNED_IN, 201), _post_thread),
    Row(
        "GET",
        "/api/threads/{thread_id}",
        (*SIGNED_IN, 200),
        get(lambda w: f"/api/threads/{w.thread_id}"),
    ),
    Row("POST", "/api/threads/{thread_id}/messages", (*SIGNED_IN, 202), _post_message),
    Row("GET", "/api/runs/{run_id}", (*SIGNED_IN, 200), get(lambda w: f"/api/runs/{w.run_id}")),
    Row("GET", "/api/runs/{run_id}/events", (*SIGNED_IN, 200), _stream),
    Row("POST", "/api/runs/{run_id}/cancel", (*SIGNED_IN, 202), _cancel),
    # Who am I: another user's token simply signs in as that user.
    Row("GET", "/api/session", (401, 401, 200, 200), get(lambda w: "/api/session")),
    Row("POST", "/api/session", (401, 401, 200, 200), _sign_in),
    Row("DELETE", "/api/session", (204, 204, 204, 204), _sign_out),  # sign-out needs no proof
    # The corpus is shared by all users, but only with signed-in ones.
    Row("GET", "/api/search", (401, 401, 200, 200), get(lambda w: "/api/search?q=Kubernetes")),
    Row("GET", "/api/cvs", (401, 401, 200, 200), get(lambda w: "/api/cvs")),
    Row(
        "GET",
        "/api/cvs/{cv_id}/pdf",
        (401, 401, 200, 200),
        get(lambda w: f"/api/cvs/{w.cv_id}/pdf"),
    ),
    Row("GET", "/api/cvs/{cv_id}", (401, 401, 200, 200), get(lambda w: f"/api/cvs/{w.cv_id}")),
    # Changing it is for administrators; neither Alice nor Bob is one.
    Row("POST", "/api/cvs", (401, 401, 403, 403), _upload),
    Row("DELETE", "/api/cvs/{cv_id}", (401, 401, 403, 403), _delete_cv),
    Row(
        "GET",
        "/api/candidates",
        (401, 401, 200, 200),
        get(lambda w: "/api/candidates?language=en"),
    ),
    Row(
        "GET",
        "/api/candidates/{cv_id}",
        (401, 401, 200, 200),
        get(lambda w: f"/api/candidates/{w.cv_id}"),
    ),
    # Operations, docs and the client shell: public.
    Row("GET", "/api/health", PUBLIC, get(lambda w: "/api/health")),
    Row("GET", "/api/health/live", PUBLIC, get(lambda w: "/api/health/live")),
    Row("GET", "/api/health/ready", PUBLIC, get(lambda w: "/api/health/ready")),
    Row("GET", "/metrics", PUBLIC, get(lambda w: "/metrics")),
    Row("GET", "/openapi.json", PUBLIC, get(lambda w: "/openapi.json")),
    Row("GET", "/docs", PUBLIC, get(lambda w: "/docs")),
    Row("GET", "/assets", PUBLIC, get(lambda w: "/assets/app.js")),
    Row("GET", "/{path:path}", PUBLIC, get(lambda w: "/threads/some-thread")),
]


def route_keys(settings: Settings) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, included routers flattened."""
    keys: set[tuple[str, str]] = set()
    app = create_app(settings)
    if app.router.default != app.router.not_found:  # the client's fallback (web/front.py)
        keys.add(("GET", "/{path:path}"))
    for route in iter_route_contexts(app.routes):
        assert route.path is not None, route
        if isinstance(route.original_route, Mount):
            keys.add(("GET", route.path))
            continue
        keys.update((m, route.path) for m in route.methods or {"GET"} if m != "HEAD")
    return keys


def test_every_route_has_a_row(world: World) -> None:
    rows = {(r.method, r.path) for r in ROWS}
    assert len(rows) == len(ROWS)
    routes = route_keys(world.server.settings)
    assert routes - rows == set(), "routes without a row in the access matrix"
    assert rows - routes == set(), "rows for routes that do not exist"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}" for r in ROWS])
async def test_access(world: World, row: Row) -> None:
    seen = {}
    for cred in creds(world):
        response = await row.call(world, cred)
        seen[cred.name] = response.status_code
        if response.status_code == 401:
            assert response.json()["detail"]
            assert response.headers["www-authenticate"] == "Bearer"
        if response.status_code == 404 and row.expect[3] != 404:
            assert "detail" in response.json()
    assert seen == dict(zip(("none", "wrong", "other", "own"), row.expect, strict=True))


async def test_resume_with_last_event_id_is_the_owners_only(world: World) -> None:
    w = world
    _, frames = await read_events(w.http, w.run_id, w.alice.auth)
    middle = frames[len(frames) // 2].id
    status, tail = await read_events(
        w.http, w.run_id, {**w.alice.auth, "Last-Event-ID": str(middle)}
    )
    assert status == 200 and [f.id for f in tail] == [f.id for f in frames if f.id > middle]
    status, none = await read_events(w.http, w.run_id, {**w.bob.auth, "Last-Event-ID": str(middle)})
    assert (status, none) == (404, [])
    r = await w.http.get(f"/api/runs/{w.run_id}/events?last_event_id=1", headers=w.bob.auth)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"


async def test_another_users_cancel_leaves_the_run_to_finish(world: World) -> None:
    w = world
    thread = await new_thread(w.http, w.alice)
    run_id = await ask(w.http, w.alice, thread, "Who led a Kubernetes migration?")
    assert (await w.http.post(f"/api/runs/{run_id}/cancel", headers=w.bob.auth)).status_code == 404
    status, frames = await read_events(w.http, run_id, w.alice.auth)
    assert status == 200 and frames[-1].data == {"status": "done"}
    assert not any(f.event == "canceled" for f in frames)


async def test_each_user_lists_and_reads_only_their_threads(world: World) -> None:
    w = world
    bobs = await new_thread(w.http, w.bob)
    await ask(w.http, w.bob, bobs, "bob's secret question")
    alices = (
        await w.http.get(f"/api/users/{w.alice.user_id}/threads", headers=w.alice.auth)
    ).json()
    assert bobs not in {t["thread_id"] for t in alices} and w.thread_id in {
        t["thread_id"] for t in alices
    }
    r = await w.http.get(f"/api/users/{w.bob.user_id}/threads", headers=w.alice.auth)
    assert r.status_code == 404
    # Bob's thread, its messages and a post to it do not exist for Alice; nothing changes.
    assert (await w.http.get(f"/api/threads/{bobs}", headers=w.alice.auth)).status_code == 404
    r = await w.http.post(
        f"/api/threads/{bobs}/messages", json={"content": "x"}, headers=w.alice.auth
    )
    assert r.status_code == 404
    detail = (await w.http.get(f"/api/threads/{bobs}", headers=w.bob.auth)).json()
    assert [m["content"] for m in detail["messages"] if m["role"] == "user"] == [
        "bob's secret question"
    ]
    # A thread for someone else is refused; by default a thread is the caller's own.
    r = await w.http.post("/api/threads", json={"user_id": w.bob.user_id}, headers=w.alice.auth)
    assert r.status_code == 404


async def test_a_token_in_the_url_is_never_accepted(world: World) -> None:
    for name in ("token", "access_token", "api_key", "authorization"):
        r = await world.http.get(f"/api/session?{name}={world.alice.token}")
        assert r.status_code == 401, name
    schema = (await world.http.get("/openapi.json")).json()
    for path in schema["paths"].values():
        for op in path.values():
            names = {p["name"].lower() for p in op.get("parameters", []) if p["in"] == "query"}
            assert not names & {"token", "access_token", "api_key", "session"}


async def test_other_authorization_schemes_are_refused(world: World) -> None:
    w = world
    for header in (
        f"Basic {w.alice.token}",
        w.alice.token,
        "Bearer",
        "Bearer x",
        f"Bearer {w.alice.token}x",
    ):
        r = await w.http.get("/api/session", headers={"Authorization": header})
        assert r.status_code == 401, header
