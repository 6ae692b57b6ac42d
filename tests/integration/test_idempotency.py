"""Idempotency-Key over HTTP, on SQLite and PostgreSQL: a retry gets the first answer and
stores nothing; another request under a used key is refused; racing retries store once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from cvchat.infrastructure.db.tables import idempotency_keys, messages, runs, threads, users
from tests.integration.api_client import Api
from tests.integration.live import LiveServer
from tests.security.auth_server import fetch_rows, new_member, private_url, token_server


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def _post(api: Api, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return await api.http.post(path, json=body, headers=headers)


async def _questions(db_url: str, thread_id: str) -> list[dict[str, Any]]:
    return [
        m for m in await fetch_rows(db_url, messages, thread_id=thread_id) if m["role"] == "user"
    ]


async def _finished(api: Api, *run_ids: str) -> None:
    """Read each run's stream to its end: no run of these tests outlives them (neighbours
    count whole tables)."""
    for run_id in run_ids:
        assert (await api.events(run_id))[-1].event == "state"


async def test_a_retried_message_answers_the_first_post_and_stores_nothing(
    api: Api, db_url: str
) -> None:
    thread_id = await api.new_thread()
    path, key = f"/api/threads/{thread_id}/messages", _key()
    first = await _post(api, path, {"content": "Who knows Go?"}, key)
    assert first.status_code == 202, first.text
    # The run may have finished by now: the retry still answers exactly the first response.
    await _finished(api, first.json()["run_id"])
    again = await _post(
        api, path, {"content": "Who knows Go?", "multitask_strategy": "enqueue"}, key
    )
    assert (again.status_code, again.json()) == (202, first.json())
    assert len(await _questions(db_url, thread_id)) == 1
    assert len(await fetch_rows(db_url, runs, thread_id=thread_id)) == 1


async def test_a_used_key_with_another_request_is_refused_and_changes_nothing(
    api: Api, db_url: str
) -> None:
    thread_id, other_thread = await api.new_thread(), await api.new_thread()
    key = _key()
    first = await _post(api, f"/api/threads/{thread_id}/messages", {"content": "one"}, key)
    assert first.status_code == 202, first.text
    refused = [
        await _post(api, f"/api/threads/{thread_id}/messages", {"content": "two"}, key),
        await _post(
            api,
            f"/api/threads/{thread_id}/messages",
            {"content": "one", "multitask_strategy": "interrupt"},
            key,
        ),
        await _post(api, f"/api/threads/{other_thread}/messages", {"content": "one"}, key),
        await _post(api, "/api/users", {"name": f"u-{uuid.uuid4().hex[:8]}"}, key),
    ]
    for r in refused:
        assert r.status_code == 422, r.text
        assert "Idempotency-Key was already used for a different request" in r.json()["detail"]
    assert [m["content"] for m in await _questions(db_url, thread_id)] == ["one"]
    assert await _questions(db_url, other_thread) == []
    await _finished(api, first.json()["run_id"])
    assert (await api.run(first.json()["run_id"]))["status"] == "done"


async def test_racing_retries_with_one_key_store_one_message(api: Api, db_url: str) -> None:
    thread_id = await api.new_thread()
    key = _key()
    answers = await asyncio.gather(
        *(
            _post(api, f"/api/threads/{thread_id}/messages", {"content": "same"}, key)
            for _ in range(8)
        )
    )
    assert {r.status_code for r in answers} == {202}
    assert len({(r.json()["run_id"], r.json()["message_id"]) for r in answers}) == 1
    assert len(await _questions(db_url, thread_id)) == 1
    assert len(await fetch_rows(db_url, runs, thread_id=thread_id)) == 1
    await _finished(api, answers[0].json()["run_id"])


async def test_without_a_key_two_posts_make_two_runs(api: Api, db_url: str) -> None:
    thread_id = await api.new_thread()
    ids = {await api.ask(thread_id, "same") for _ in range(2)}
    assert len(ids) == 2
    assert len(await _questions(db_url, thread_id)) == 2
    await _finished(api, *ids)


async def test_thread_and_user_creation_replay_under_a_key(api: Api, db_url: str) -> None:
    name, key = f"u-{uuid.uuid4().hex[:8]}", _key()
    # Concurrent retries of one user creation: one user, and no retry told "name taken".
    created = await asyncio.gather(
        *(_post(api, "/api/users", {"name": name}, key) for _ in range(4))
    )
    assert {r.status_code for r in created} == {201}
    assert len({r.text for r in created}) == 1
    assert len(await fetch_rows(db_url, users, name=name)) == 1
    user_id = created[0].json()["user_id"]
    # Without the key, the same name is a conflict, as before.
    assert (await _post(api, "/api/users", {"name": name}, {})).status_code == 409

    key = _key()
    made = [await _post(api, "/api/threads", {"user_id": user_id}, key) for _ in range(2)]
    assert [r.status_code for r in made] == [201, 201]
    assert made[0].json() == made[1].json()
    assert len(await fetch_rows(db_url, threads, user_id=user_id)) == 1
    other = await api.user(f"u-{uuid.uuid4().hex[:8]}")
    refused = await _post(api, "/api/threads", {"user_id": other}, key)
    assert refused.status_code == 422, refused.text
    assert await fetch_rows(db_url, threads, user_id=other) == []


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_empty_or_overlong_keys_are_refused(api: Api, db_url: str, key: str) -> None:
    thread_id = await api.new_thread()
    r = await _post(
        api, f"/api/threads/{thread_id}/messages", {"content": "hi"}, {"Idempotency-Key": key}
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _questions(db_url, thread_id) == []
    assert await fetch_rows(db_url, idempotency_keys, key=key) == []
    longest = {"Idempotency-Key": uuid.uuid4().hex.ljust(255, "k")}
    ok = await _post(api, f"/api/threads/{thread_id}/messages", {"content": "hi"}, longest)
    assert ok.status_code == 202, ok.text
    await _finished(api, ok.json()["run_id"])


async def test_keys_are_per_user(db_url: str, tmp_path: Path) -> None:
    """Two signed-in users with the same keys: each retry replays its own user's request."""
    url = await private_url(db_url, tmp_path)
    server = await token_server(url, tmp_path / "data", echo_delay_ms=1)
    try:
        ana, bob = await new_member(url, "ana"), await new_member(url, "bob")
        for_thread, for_message = {"Idempotency-Key": "t-1"}, {"Idempotency-Key": "m-1"}
        made: dict[str, tuple[str, str]] = {}
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            for member in (ana, bob, ana, bob):  # each request, then its retry
                r = await http.post("/api/threads", json={}, headers={**member.auth, **for_thread})
                assert r.status_code == 201, r.text
                thread_id = r.json()["thread_id"]
                # Bob's body names his own thread, not Ana's: not a reuse of her key, no 422.
                r = await http.post(
                    f"/api/threads/{thread_id}/messages",
                    json={"content": "hello"},
                    headers={**member.auth, **for_message},
                )
                assert r.status_code == 202, r.text
                assert made.setdefault(member.user_id, (thread_id, r.json()["run_id"])) == (
                    thread_id,
                    r.json()["run_id"],
                )
        assert made[ana.user_id][0] != made[bob.user_id][0]
        assert made[ana.user_id][1] != made[bob.user_id][1]
        for member in (ana, bob):
            assert len(await fetch_rows(url, threads, user_id=member.user_id)) == 1
            assert len(await _questions(url, made[member.user_id][0])) == 1
    finally:
        await server.stop()


async def test_a_browser_of_an_allowed_origin_may_send_the_key(db_url: str, tmp_path: Path) -> None:
    origin = "https://chat.example"
    url = await private_url(db_url, tmp_path)
    server = await LiveServer(
        database_url=url,
        pipeline="echo",
        data_dir=tmp_path,
        front_dist=tmp_path / "no-front",
        cors_origins=[origin],
    ).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            preflight = await http.options(
                "/api/threads",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,idempotency-key",
                },
            )
        assert preflight.status_code == 200, preflight.text
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert "idempotency-key" in allowed
    finally:
        await server.stop()
