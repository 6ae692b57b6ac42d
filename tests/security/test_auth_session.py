"""Browser sessions: a token traded for an HttpOnly cookie, used for API calls and SSE."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from cvchat.application.access import issue_token, revoke_token
from cvchat.infrastructure.auth.hashing import Argon2SecretHasher
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.tables import sessions
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.integration.live import LiveServer
from tests.security.auth_server import (
    Member,
    ask,
    fetch_rows,
    new_member,
    new_thread,
    private_url,
    read_events,
    token_server,
    update_rows,
)


def cookie_attributes(set_cookie: str) -> tuple[str, str, dict[str, str]]:
    first, *attributes = [part.strip() for part in set_cookie.split(";")]
    name, _, value = first.partition("=")
    attrs = {}
    for a in attributes:
        key, _, val = a.partition("=")
        attrs[key.lower()] = val
    return name, value, attrs


async def sign_in(http: httpx.AsyncClient, member: Member) -> str:
    r = await http.post("/api/session", json={"token": member.token})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "auth_mode": "token",
        "user_id": member.user_id,
        "name": member.name,
        "is_admin": False,
    }
    name, value, _ = cookie_attributes(r.headers["set-cookie"])
    assert name == "cvchat_session"
    return value


async def test_sign_in_sets_a_strict_http_only_cookie_and_stores_only_its_digest(
    server: LiveServer, auth_db: str
) -> None:
    member = await new_member(auth_db)
    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.post("/api/session", json={"token": member.token})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert len(r.headers.get_list("set-cookie")) == 1
    name, value, attrs = cookie_attributes(r.headers["set-cookie"])
    assert name == "cvchat_session"
    assert "httponly" in attrs and attrs["samesite"] == "Strict" and attrs["path"] == "/"
    assert "secure" not in attrs  # CVCHAT_AUTH__COOKIE_SECURE defaults to false (plain http)
    assert int(attrs["max-age"]) == 12 * 3600
    assert len(value) >= 43 and value not in member.token  # 256 random bits, not the token
    rows = await fetch_rows(auth_db, sessions, user_id=member.user_id)
    assert [r["id_hash"] for r in rows] == [hashlib.sha256(value.encode()).hexdigest()]
    assert not any(value in str(v) for row in rows for v in row.values())
    lifetime = rows[0]["expires_at"] - datetime.now(UTC)
    assert timedelta(hours=11.9) < lifetime <= timedelta(hours=12)


async def test_the_cookie_signs_api_calls_and_streams_and_sign_out_ends_it(
    server: LiveServer, auth_db: str
) -> None:
    member = await new_member(auth_db)
    async with httpx.AsyncClient(base_url=server.url) as browser:
        value = await sign_in(browser, member)
        # No Authorization header from here on: the cookie jar carries the session.
        me = (await browser.get("/api/session")).json()
        assert me == {
            "auth_mode": "token",
            "user_id": member.user_id,
            "name": member.name,
            "is_admin": False,
        }
        r = await browser.post("/api/threads", json={})
        assert r.status_code == 201 and r.json()["user_id"] == member.user_id
        thread_id = r.json()["thread_id"]
        r = await browser.post(f"/api/threads/{thread_id}/messages", json={"content": "Who?"})
        assert r.status_code == 202
        run_id = r.json()["run_id"]
        status, frames = await read_events(browser, run_id)
        assert status == 200 and frames[-1].data == {"status": "done"}
        status, tail = await read_events(browser, run_id, {"Last-Event-ID": str(frames[-3].id)})
        assert status == 200 and [f.id for f in tail] == [f.id for f in frames[-2:]]

        r = await browser.delete("/api/session")
        assert r.status_code == 204
        name, cleared, attrs = cookie_attributes(r.headers["set-cookie"])
        assert name == "cvchat_session" and cleared in ("", '""')
        assert attrs["max-age"] == "0" and attrs["path"] == "/" and "httponly" in attrs
        assert attrs["samesite"] == "Strict"
        assert "cvchat_session" not in browser.cookies
        assert (await browser.get("/api/session")).status_code == 401
    assert await fetch_rows(auth_db, sessions, user_id=member.user_id) == []
    # The old cookie value, replayed, is worth nothing.
    async with httpx.AsyncClient(base_url=server.url, cookies={"cvchat_session": value}) as replay:
        assert (await replay.get("/api/session")).status_code == 401
        assert (await replay.get(f"/api/runs/{run_id}")).status_code == 401
        status, _ = await read_events(replay, run_id)
        assert status == 401


async def test_a_session_cookie_reads_only_its_users_data(server: LiveServer, auth_db: str) -> None:
    alice, bob = await new_member(auth_db, "alice"), await new_member(auth_db, "bob")
    async with httpx.AsyncClient(base_url=server.url) as api:
        thread_id = await new_thread(api, alice)
        run_id = await ask(api, alice, thread_id, "mine")
    async with httpx.AsyncClient(base_url=server.url) as browser:
        await sign_in(browser, bob)
        assert (await browser.get(f"/api/threads/{thread_id}")).status_code == 404
        assert (await browser.get(f"/api/runs/{run_id}")).status_code == 404
        status, _ = await read_events(browser, run_id)
        assert status == 404
        assert (await browser.post(f"/api/runs/{run_id}/cancel")).status_code == 404


async def test_expired_and_forged_sessions_are_refused(server: LiveServer, auth_db: str) -> None:
    member = await new_member(auth_db)
    async with httpx.AsyncClient(base_url=server.url) as browser:
        value = await sign_in(browser, member)
        assert (await browser.get("/api/session")).status_code == 200
        past = datetime.now(UTC) - timedelta(seconds=1)
        digest = hashlib.sha256(value.encode()).hexdigest()
        await update_rows(auth_db, sessions, {"id_hash": digest}, expires_at=past)
        assert (await browser.get("/api/session")).status_code == 401
    for forged in (digest, "x" * 43, ""):
        async with httpx.AsyncClient(base_url=server.url, cookies={"cvchat_session": forged}) as c:
            assert (await c.get("/api/session")).status_code == 401


async def test_revoking_a_token_ends_the_sessions_opened_with_it(
    server: LiveServer, auth_db: str
) -> None:
    member = await new_member(auth_db)
    db = create_database(auth_db)
    uow_factory = SqlUnitOfWorkFactory(db)
    other = await issue_token(uow_factory, Argon2SecretHasher(), member.name)
    async with (
        httpx.AsyncClient(base_url=server.url) as revoked_browser,
        httpx.AsyncClient(base_url=server.url) as other_browser,
    ):
        await sign_in(revoked_browser, member)
        r = await other_browser.post("/api/session", json={"token": other.text})
        assert r.status_code == 200
        token_id = member.token.split("_")[1]
        await revoke_token(uow_factory, token_id)
        await db.dispose()
        assert (await revoked_browser.get("/api/session")).status_code == 401
        # A session opened with the user's other token lives on.
        assert (await other_browser.get("/api/session")).status_code == 200
    assert await fetch_rows(auth_db, sessions, token_id=token_id) == []


async def test_bad_sign_in_bodies(server: LiveServer, auth_db: str) -> None:
    member = await new_member(auth_db)
    async with httpx.AsyncClient(base_url=server.url) as http:
        for body, status in [
            ({"token": member.token + "x"}, 401),
            ({"token": "cvc_" + "0" * 32 + "_" + "a" * 43}, 401),
            ({"token": ""}, 422),
            ({"token": 5}, 422),
            ({}, 422),
            ({"token": member.token, "extra": 1}, 422),
        ]:
            r = await http.post("/api/session", json=body)
            assert r.status_code == status, body
            assert "set-cookie" not in r.headers
            assert "detail" in r.json()


async def test_secure_cookies_when_configured(db_url: str, tmp_path: Path) -> None:
    auth_db = await private_url(db_url, tmp_path)  # a second server: its own SQLite file
    live = await token_server(auth_db, tmp_path, auth={"cookie_secure": True, "session_ttl_h": 1})
    try:
        member = await new_member(auth_db)
        async with httpx.AsyncClient(base_url=live.url) as http:
            r = await http.post("/api/session", json={"token": member.token})
            _, _, attrs = cookie_attributes(r.headers["set-cookie"])
            assert "secure" in attrs and attrs["max-age"] == "3600"
            _, _, attrs = cookie_attributes(
                (await http.delete("/api/session")).headers["set-cookie"]
            )
            assert "secure" in attrs
    finally:
        await live.stop()
