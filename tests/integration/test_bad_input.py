"""Bad input: a clear JSON error with the right status, and not a row written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from cvchat.infrastructure.db.tables import messages, run_events, runs, threads, users
from tests.integration.api_client import Api

UNKNOWN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
async def counts(db_url: str) -> AsyncIterator[object]:
    engine = create_async_engine(db_url)

    async def count() -> dict[str, int]:
        async with engine.connect() as conn:
            return {
                t.name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
                for t in (users, threads, messages, runs, run_events)
            }

    yield count
    await engine.dispose()


async def _unchanged(api: Api, counts, request) -> None:  # type: ignore[no-untyped-def]
    before = await counts()
    response = await request()
    after = await counts()
    assert after == before, f"{response.status_code} {response.text} changed rows"
    return response


def _json_error(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": ""}, 422),
        ({"name": "   "}, 422),
        ({"name": "x" * 201}, 422),
        ({"name": 42}, 422),
        ({}, 422),
        ({"name": "ok", "extra": 1}, 422),
        ([1, 2], 422),
    ],
)
async def test_bad_user_bodies(fast_api: Api, counts, body: object, status: int) -> None:  # type: ignore[no-untyped-def]
    r = await _unchanged(fast_api, counts, lambda: fast_api.http.post("/api/users", json=body))
    _json_error(r, status)


async def test_non_json_bodies_are_refused(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    for content in (b"not json", b"{", b"\xff\xfe"):
        r = await _unchanged(
            fast_api,
            counts,
            lambda c=content: fast_api.http.post(
                "/api/users", content=c, headers={"content-type": "application/json"}
            ),
        )
        _json_error(r, 422)


async def test_duplicate_user_name_is_a_conflict(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    await fast_api.user("dupe-name")
    r = await _unchanged(
        fast_api, counts, lambda: fast_api.http.post("/api/users", json={"name": " dupe-name "})
    )
    _json_error(r, 409)


async def test_threads_for_unknown_or_malformed_users(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    r = await _unchanged(
        fast_api, counts, lambda: fast_api.http.post("/api/threads", json={"user_id": UNKNOWN})
    )
    _json_error(r, 404)
    for bad in ("../../etc/passwd", "x", 5, None):
        r = await _unchanged(
            fast_api, counts, lambda b=bad: fast_api.http.post("/api/threads", json={"user_id": b})
        )
        _json_error(r, 422)
    _json_error(await fast_api.http.get(f"/api/users/{UNKNOWN}/threads"), 404)
    _json_error(await fast_api.http.get("/api/users/not-an-id/threads"), 422)


async def test_bad_messages(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    thread = await fast_api.new_thread()
    url = f"/api/threads/{thread}/messages"
    cases = [
        ({"content": ""}, 422),
        ({"content": "  \n\t "}, 422),
        ({"content": "x" * 100_001}, 413),
        ({"content": 7}, 422),
        ({"content": "ok", "multitask_strategy": "shout"}, 422),
        ({}, 422),
    ]
    for body, status in cases:
        r = await _unchanged(fast_api, counts, lambda b=body: fast_api.http.post(url, json=b))
        _json_error(r, status)
    r = await _unchanged(
        fast_api,
        counts,
        lambda: fast_api.http.post(f"/api/threads/{UNKNOWN}/messages", json={"content": "hi"}),
    )
    _json_error(r, 404)


async def test_bodies_over_one_mebibyte_are_refused(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    thread = await fast_api.new_thread()
    huge = {"content": "x" * (1024 * 1024 + 10)}
    r = await _unchanged(
        fast_api, counts, lambda: fast_api.http.post(f"/api/threads/{thread}/messages", json=huge)
    )
    _json_error(r, 413)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/runs/{UNKNOWN}",
        f"/api/runs/{UNKNOWN}/events",
        f"/api/threads/{UNKNOWN}",
    ],
)
async def test_unknown_ids_are_404_json(fast_api: Api, path: str) -> None:
    _json_error(await fast_api.http.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/runs/not-hex/events",
        "/api/runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/runs/ABCDEF0123456789ABCDEF0123456789",
        "/api/threads/1",
    ],
)
async def test_malformed_ids_are_refused(fast_api: Api, path: str) -> None:
    r = await fast_api.http.get(path)
    assert r.status_code in (404, 422)
    assert r.headers["content-type"].startswith("application/json")


async def test_path_like_ids_never_reach_a_handler(fast_api: Api) -> None:
    for path in ("/api/runs/..%2Fusers/events", "/api/runs/a/b/events", "/api/threads/..%2f..%2f"):
        r = await fast_api.http.get(path)
        assert r.status_code in (404, 422), path


async def test_cancel_unknown_or_malformed(fast_api: Api, counts) -> None:  # type: ignore[no-untyped-def]
    r = await _unchanged(fast_api, counts, lambda: fast_api.cancel(UNKNOWN))
    _json_error(r, 404)
    r = await _unchanged(fast_api, counts, lambda: fast_api.http.post("/api/runs/zz/cancel"))
    _json_error(r, 422)


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "", " ", "１２", "99999999999999999999"])
async def test_bad_resume_cursors_are_422(fast_api: Api, value: str) -> None:
    run_id = await fast_api.ask(await fast_api.new_thread(), "hi")
    if value.isascii() and value == value.strip():  # what an HTTP header can carry
        r = await fast_api.http.get(f"/api/runs/{run_id}/events", headers={"Last-Event-ID": value})
        _json_error(r, 422)
    r = await fast_api.http.get(f"/api/runs/{run_id}/events", params={"last_event_id": value})
    _json_error(r, 422)


async def test_no_request_here_answers_500(fast_api: Api) -> None:
    weird = [
        ("POST", "/api/users", {"content": b"null"}),
        ("POST", "/api/threads", {"content": b'{"user_id": {"$gt": ""}}'}),
        ("GET", "/api/runs/" + "a" * 5000, {}),
        ("POST", "/api/threads/" + UNKNOWN + "/messages", {"content": b'{"content": "\\u0000"}'}),
    ]
    for method, path, extra in weird:
        r = await fast_api.http.request(
            method, path, headers={"content-type": "application/json"}, **extra
        )
        assert r.status_code < 500, (path, r.status_code, r.text)


async def test_users_are_found_by_exact_name_only(fast_api: Api) -> None:
    user_id = await fast_api.user("Carmen Ruiz")
    r = await fast_api.http.get("/api/users", params={"name": "Carmen Ruiz"})
    assert r.status_code == 200 and r.json()["user_id"] == user_id
    _json_error(await fast_api.http.get("/api/users", params={"name": "carmen"}), 404)
    _json_error(await fast_api.http.get("/api/users", params={"name": ""}), 422)
    _json_error(await fast_api.http.get("/api/users"), 422)
