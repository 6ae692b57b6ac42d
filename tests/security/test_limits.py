"""Per-user limits against a real server: the N-th request passes, the N+1-th is a 429 with
``Retry-After`` that changes nothing; header and idle-stream limits; the run token budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from tests.conftest import free_port
from tests.integration.api_client import Api, Frame, parse_sse
from tests.security.hardening_support import (
    echo_server,
    limits,
    raw_request,
    sqlite_url,
    user_messages,
    wait_status,
)

REDIS = "redis://127.0.0.1:6379/9"


@contextlib.asynccontextmanager
async def serving(db_url: str, data_dir: Path, **settings: object) -> AsyncIterator[Api]:
    server = await echo_server(db_url, data_dir, **settings)
    api = Api(server.url)
    try:
        yield api
    finally:
        await api.close()
        await server.stop()


def assert_429(r: httpx.Response, detail_part: str) -> int:
    assert r.status_code == 429, r.text
    retry = r.headers["Retry-After"]
    assert retry.isdigit() and int(retry) >= 1, retry
    assert r.headers["content-type"] == "application/json"
    assert detail_part in r.json()["detail"], r.json()
    return int(retry)


async def post(
    api: Api, thread_id: str, content: str, strategy: str | None = None
) -> httpx.Response:
    body: dict[str, str] = {"content": content}
    if strategy:
        body["multitask_strategy"] = strategy
    return await api.http.post(f"/api/threads/{thread_id}/messages", json=body)


# --- message posts per minute ------------------------------------------------------------


async def test_the_message_rate_lets_n_through_and_refuses_the_next(
    db_url: str, tmp_path: Path
) -> None:
    async with serving(db_url, tmp_path, limits=limits(messages_per_minute=3)) as api:
        thread = await api.new_thread()
        for i in range(3):
            r = await post(api, thread, f"question {i}")
            assert r.status_code == 202, r.text
        refused = await post(api, thread, "one too many")
        retry = assert_429(refused, "at most 3 a minute")
        assert retry <= 60
        # Nothing stored: no message, no run.
        assert await user_messages(api, thread) == ["question 0", "question 1", "question 2"]
        # The limit is per user, across threads: another thread of the (local) user is refused.
        other = await api.new_thread()
        assert_429(await post(api, other, "elsewhere"), "at most 3 a minute")
        assert await user_messages(api, other) == []


async def test_a_fixed_window_limit_also_answers_429(tmp_path: Path) -> None:
    settings = limits(messages_per_minute=1, strategy="fixed-window")
    async with serving(await sqlite_url(tmp_path), tmp_path, limits=settings) as api:
        thread = await api.new_thread()
        assert (await post(api, thread, "first")).status_code == 202
        assert_429(await post(api, thread, "second"), "at most 1 a minute")


async def test_in_token_mode_limits_are_on_by_default_and_per_user(
    db_url: str, tmp_path: Path
) -> None:
    """Token mode, ``per_user`` left at its default: each user has their own bucket."""
    from cvchat.settings import LimitSettings
    from tests.security.auth_server import ask, new_member, new_thread, token_server

    server = await token_server(
        db_url, tmp_path, echo_delay_ms=0, limits=LimitSettings(messages_per_minute=2)
    )
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            ana, bo = await new_member(db_url, "ana"), await new_member(db_url, "bo")
            ana_thread, bo_thread = await new_thread(http, ana), await new_thread(http, bo)
            await ask(http, ana, ana_thread, "one")
            await ask(http, ana, ana_thread, "two")
            refused = await http.post(
                f"/api/threads/{ana_thread}/messages",
                json={"content": "three"},
                headers=ana.auth,
            )
            assert_429(refused, "at most 2 a minute")
            await ask(http, bo, bo_thread, "Bo is not Ana")  # another user, another bucket
            await ask(http, bo, bo_thread, "twice")
    finally:
        await server.stop()


async def test_in_auth_mode_none_limits_are_off_by_default(tmp_path: Path) -> None:
    """The one local user on loopback: per-user limits apply only when asked for."""
    from cvchat.settings import LimitSettings

    settings = LimitSettings(messages_per_minute=1, max_active_runs=1)
    async with serving(await sqlite_url(tmp_path), tmp_path, limits=settings) as api:
        thread = await api.new_thread()
        for i in range(3):
            assert (await post(api, thread, f"post {i}")).status_code == 202


# --- concurrent active runs ----------------------------------------------------------------


async def test_active_runs_are_capped_per_user_across_threads(db_url: str, tmp_path: Path) -> None:
    """Queued and running runs count; the third is refused; finishing one frees a place."""
    slow = "a b c d e f g h i j k l m n o p q r s t"  # ~22 pieces at 200 ms: ~4 s
    async with serving(
        db_url, tmp_path, echo_delay_ms=200, limits=limits(max_active_runs=2)
    ) as api:
        user = await api.user(f"cap-{uuid.uuid4().hex[:8]}")
        first, second, third = [await api.thread(user) for _ in range(3)]
        running = await api.ask(first, slow)
        queued = await api.ask(first, slow)  # waits behind the first: still active
        assert (await api.run(queued))["status"] == "queued"
        refused = await post(api, second, "a third answer at once")
        assert_429(refused, "at most 2")
        assert refused.headers["Retry-After"] == "5"
        assert await user_messages(api, second) == []
        # Another user is not affected.
        other = await api.thread(await api.user(f"other-{uuid.uuid4().hex[:8]}"))
        assert (await post(api, other, "mine")).status_code == 202
        # Interrupting cancels the thread's active runs first, so it is never refused.
        interrupt = await post(api, first, slow, "interrupt")
        assert interrupt.status_code == 202, interrupt.text
        assert (await api.run(running))["status"] == "canceled"
        assert (await api.run(queued))["status"] == "canceled"
        # One active now: a second is accepted, a third refused.
        assert (await post(api, third, slow)).status_code == 202
        assert_429(await post(api, second, "third active"), "at most 2")
        await api.cancel(interrupt.json()["run_id"])
        await wait_status(api, interrupt.json()["run_id"], {"canceled"})
        assert (await post(api, second, "room again")).status_code == 202
        assert await user_messages(api, second) == ["room again"]


# --- streams -------------------------------------------------------------------------------


async def test_stream_opens_are_rate_limited(tmp_path: Path) -> None:
    async with serving(
        await sqlite_url(tmp_path), tmp_path, limits=limits(streams_per_minute=3)
    ) as api:
        run_id = await api.ask(await api.new_thread(), "hello")
        for _ in range(3):
            frames = await api.events(run_id)
            assert frames[-1].event == "state"
        r = await api.http.get(f"/api/runs/{run_id}/events")
        assert_429(r, "at most 3 a minute")


async def test_open_streams_are_capped_per_user(tmp_path: Path) -> None:
    slow = " ".join(["word"] * 100)  # ~100 pieces at 100 ms: streams stay open
    async with serving(
        await sqlite_url(tmp_path),
        tmp_path,
        echo_delay_ms=100,
        limits=limits(max_open_streams=2),
    ) as api:
        run_id = await api.ask(await api.new_thread(), slow)
        url = f"/api/runs/{run_id}/events"
        async with contextlib.AsyncExitStack() as stack:
            held = [await stack.enter_async_context(api.http.stream("GET", url)) for _ in range(2)]
            assert [r.status_code for r in held] == [200, 200]
            refused = await api.http.get(url)
            assert_429(refused, "at most 2 at a time")
            assert refused.headers["Retry-After"] == "5"
            # Closing one stream frees its place (the server sees the disconnect).
            await held[0].aclose()
            for _ in range(100):
                async with api.http.stream("GET", url) as again:
                    if again.status_code == 200:
                        break
                    await again.aread()
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("a closed stream never freed its place")
        await api.cancel(run_id)


async def test_a_finished_stream_frees_its_place(tmp_path: Path) -> None:
    async with serving(
        await sqlite_url(tmp_path), tmp_path, limits=limits(max_open_streams=1)
    ) as api:
        run_id = await api.ask(await api.new_thread(), "short")
        for _ in range(5):  # each read ends with the run's last event
            assert (await api.events(run_id))[-1].event == "state"


# --- shared store --------------------------------------------------------------------------


async def _clear_redis() -> None:
    client = aioredis.from_url(REDIS)
    try:
        keys = [k async for k in client.scan_iter(match="*cvchat*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def test_processes_share_a_redis_store_but_not_the_memory_store(tmp_path: Path) -> None:
    """Two servers: with memory storage each counts alone; with Redis they count together."""
    url = await sqlite_url(tmp_path)
    await _clear_redis()
    shared = limits(messages_per_minute=2, storage_uri=REDIS)
    async with (
        serving(url, tmp_path, limits=shared) as a,
        serving(url, tmp_path, limits=shared) as b,
    ):
        thread = await a.new_thread()
        assert (await post(a, thread, "on a")).status_code == 202
        assert (await post(b, thread, "on b")).status_code == 202
        assert_429(await post(a, thread, "third, on a"), "at most 2 a minute")
        assert_429(await post(b, thread, "third, on b"), "at most 2 a minute")
        assert await user_messages(a, thread) == ["on a", "on b"]
    await _clear_redis()
    alone = limits(messages_per_minute=2)
    async with serving(url, tmp_path, limits=alone) as a, serving(url, tmp_path, limits=alone) as b:
        thread = await a.new_thread()
        for api in (a, a, b, b):
            assert (await post(api, thread, "counted per process")).status_code == 202
        assert_429(await post(a, thread, "third on a"), "at most 2 a minute")


async def test_an_unreachable_store_lets_requests_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = limits(messages_per_minute=1, storage_uri="redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="cvchat.infrastructure.rate_limits"):
        async with serving(await sqlite_url(tmp_path), tmp_path, limits=down) as api:
            thread = await api.new_thread()
            assert (await post(api, thread, "one")).status_code == 202
            assert (await post(api, thread, "two")).status_code == 202
    assert "rate-limit store unavailable" in caplog.text


# --- header size -----------------------------------------------------------------------------


async def test_headers_over_the_limit_are_431(tmp_path: Path) -> None:
    async with serving(
        await sqlite_url(tmp_path), tmp_path, limits=limits(max_header_bytes=4096)
    ) as api:
        port = int(api.base_url.rsplit(":", 1)[1])
        base = len("host") + len(f"127.0.0.1:{port}") + 4 + len("connection") + len("close") + 4
        # The whole headers block: exactly at the limit passes, one byte more is refused.
        at_limit = 4096 - base - len("x-filler") - 4
        ok = await raw_request(port, "/api/health", {"X-Filler": "a" * at_limit})
        assert ok.status == 200, ok.body
        over = await raw_request(port, "/api/health", {"X-Filler": "a" * (at_limit + 1)})
        assert over.status == 431
        assert over.headers["content-type"] == "application/json"
        assert b"request headers over 4096 bytes" in over.body
        many = {f"X-H{i}": "b" * 100 for i in range(50)}
        assert (await raw_request(port, "/api/health", many)).status == 431


@pytest.mark.parametrize("http", ["auto", "h11"])
async def test_cvchat_serve_refuses_oversized_headers(tmp_path: Path, http: str) -> None:
    """The real ``cvchat serve``: over the limit is 431 with either parser; with ``--http
    h11`` a head past the parser's bound (limit + 16 KiB) is refused (400) before the app
    sees it, so it is never buffered whole. The server lives on either way."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": await sqlite_url(tmp_path),
        "CVCHAT_PIPELINE": "echo",
        "CVCHAT_DATA_DIR": str(tmp_path),
        "CVCHAT_FRONT_DIST": str(tmp_path / "no-front"),
        "CVCHAT_LIMITS__MAX_HEADER_BYTES": "8192",
    }
    cli = Path(sys.executable).with_name("cvchat")
    proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
        [str(cli), "serve", "--port", str(port), "--log-level", "warning", "--http", http],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            assert proc.poll() is None, "cvchat serve exited"
            with contextlib.suppress(OSError, ValueError, IndexError):
                if (await raw_request(port, "/api/health")).status == 200:
                    break
            await asyncio.sleep(0.1)
        ok = await raw_request(port, "/api/health", {"X-Big": "x" * 7000})
        assert ok.status == 200
        medium = await raw_request(port, "/api/health", {"X-Big": "x" * 9000})
        assert medium.status == 431 and b"request headers over 8192 bytes" in medium.body
        try:
            big = await raw_request(port, "/api/health", {"X-Big": "x" * (1 << 20)})
            status: int | None = big.status
        except (ConnectionError, IndexError):
            status = None  # h11 may hang up while the rest of the head is still being sent
        if http == "h11":
            assert status in (400, None)  # the parser's bound: the app never saw it
        else:
            assert status == 431  # httptools read it all; the app refused it
        assert (await raw_request(port, "/api/health")).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


# --- idle streams ------------------------------------------------------------------------------


async def _read_until_closed(api: Api, run_id: str, after: int) -> tuple[list[Frame], int, float]:
    """One connection: its frames, its ping comments, how long it stayed open."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    lines: list[str] = []
    headers = {"Last-Event-ID": str(after)} if after else {}
    async with api.http.stream("GET", f"/api/runs/{run_id}/events", headers=headers) as r:
        assert r.status_code == 200
        async for line in r.aiter_lines():
            lines.append(line)
    frames, comments = parse_sse(lines)
    return frames, sum(c.startswith(": ping") for c in comments), loop.time() - started


async def test_an_idle_stream_closes_and_resuming_loses_nothing(tmp_path: Path) -> None:
    """Pieces 900 ms apart, idle timeout 300 ms, pings every 100 ms: pings do not keep a
    stream open; each connection closes after 300 ms without an event; resuming with
    Last-Event-ID eventually reads the whole log, exactly once."""
    async with serving(
        await sqlite_url(tmp_path),
        tmp_path,
        echo_delay_ms=900,
        sse_ping_s=0.1,
        limits=limits(idle_stream_timeout_s=0.3),
    ) as api:
        run_id = await api.ask(await api.new_thread(), "one two")
        seen: list[Frame] = []
        connections = 0
        pings = 0
        while not seen or seen[-1].event != "state":
            frames, ping_count, open_s = await _read_until_closed(
                api, run_id, seen[-1].id if seen else 0
            )
            connections += 1
            pings += ping_count
            seen += frames
            if not frames or frames[-1].event != "state":
                # Closed for idleness: well before the run's end (~7 s of 900 ms pieces),
                # with room for a loaded machine's scheduling.
                assert 0.3 <= open_s < 0.9 + 0.3 + 1.5, open_s
            assert connections < 30
        assert connections >= 3  # the idle timeout did cut the stream
        assert pings >= 1  # pings flowed, and did not keep the connection open
        assert [f.id for f in seen] == list(range(1, len(seen) + 1))
        tokens = "".join(f.data["text"] for f in seen if f.event == "token")
        assert seen[-2].event == "final" and seen[-2].data["text"] == tokens
        assert tokens == "You asked: one two — end of echo."


# --- token budget ------------------------------------------------------------------------------


async def test_a_run_over_its_token_budget_ends_error_with_its_partial_answer(
    db_url: str, tmp_path: Path
) -> None:
    async with serving(db_url, tmp_path, limits=limits(run_token_budget=3)) as api:
        thread = await api.new_thread()
        # "You asked:" + 3 words + the closing piece: 5 pieces, 2 over the budget.
        run_id = await api.ask(thread, "alpha beta gamma")
        frames = await api.events(run_id)
        kinds = [f.event for f in frames]
        assert kinds == ["tool_start", "tool_end", "token", "token", "token", "error", "state"]
        error = "the answer exceeded its budget of 3 tokens"
        assert frames[-2].data == {"error": error}
        assert frames[-1].data == {"status": "error"}
        run = await api.run(run_id)
        assert run["status"] == "error" and run["error"] == error
        detail = (await api.http.get(f"/api/threads/{thread}")).json()
        answer = [m for m in detail["messages"] if m["role"] == "assistant"]
        assert [m["content"] for m in answer] == ["You asked: alpha beta"]
        # Exactly the budget is fine: 3 pieces → done, final == tokens.
        ok = await api.events(await api.ask(thread, "delta"))
        assert [f.event for f in ok][-2:] == ["final", "state"]
        assert ok[-1].data == {"status": "done"}
        assert ok[-2].data["text"] == "".join(f.data["text"] for f in ok if f.event == "token")
