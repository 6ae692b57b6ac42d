"""The run stream over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import time

from cvchat.infrastructure.pipelines.echo import echo_answer
from tests.integration.api_client import Api, Frame

QUESTION = "Who has led a Kubernetes migration and speaks Spanish at C1 level or better?"


def assert_complete(frames: list[Frame], question: str = QUESTION) -> None:
    assert [f.id for f in frames] == list(range(1, len(frames) + 1))
    assert [f.event for f in frames[:2]] == ["tool_start", "tool_end"]
    assert frames[0].data == {"tool": "rag.search", "input": {"query": question}}
    tokens = [f.data["text"] for f in frames if f.event == "token"]
    assert tokens == echo_answer(question)
    assert frames[-2].event == "final" and frames[-2].data["text"] == "".join(tokens)
    assert frames[-1].event == "state" and frames[-1].data == {"status": "done"}
    assert sum(f.event == "state" for f in frames) == 1


async def test_a_full_stream_ends_after_its_state_event(api: Api) -> None:
    run_id = await api.ask(await api.new_thread(), QUESTION)
    frames = await api.events(run_id)
    assert_complete(frames)
    run = await api.run(run_id)
    assert run["status"] == "done" and run["finished_at"] and run["error"] is None


async def test_the_stream_starts_with_a_retry_hint(api: Api) -> None:
    run_id = await api.ask(await api.new_thread(), "hello")
    async with api.http.stream("GET", f"/api/runs/{run_id}/events") as r:
        first = await r.aiter_lines().__anext__()
    assert first == "retry: 1000"


async def test_resume_mid_stream_by_header_and_by_query(api: Api) -> None:
    thread = await api.new_thread()
    for header in (True, False):
        run_id = await api.ask(thread, QUESTION)
        head = await api.events(run_id, stop_after=4)
        assert [f.id for f in head] == [1, 2, 3, 4]
        tail = await api.events(run_id, after=head[-1].id, header=header)
        assert_complete(head + tail)


async def test_resume_after_the_end_of_a_finished_run_is_204(api: Api) -> None:
    """An empty 200 would look like a dropped stream to a browser's EventSource, which would
    then reconnect forever; a 204 makes it stop."""
    run_id = await api.ask(await api.new_thread(), "short")
    frames = await api.events(run_id)
    url = f"/api/runs/{run_id}/events"
    for after in (frames[-1].id, frames[-1].id + 50):
        by_header = await api.http.get(url, headers={"Last-Event-ID": str(after)})
        by_query = await api.http.get(url, params={"last_event_id": str(after)})
        for r in (by_header, by_query):
            assert r.status_code == 204, r.text
            assert r.content == b""
    # One event before the end still replays that event, then the stream ends.
    assert await api.events(run_id, after=frames[-1].id - 1) == frames[-1:]


async def test_three_concurrent_readers_see_identical_sequences(api: Api) -> None:
    run_id = await api.ask(await api.new_thread(), QUESTION)
    results = await asyncio.gather(*(api.events(run_id) for _ in range(3)))
    assert results[0] == results[1] == results[2]
    assert_complete(results[0])


async def test_cancel_while_streaming_stops_the_run(api: Api) -> None:
    question = " ".join(f"word{i}" for i in range(200))
    run_id = await api.ask(await api.new_thread(), question)
    frames: list[Frame] = []
    canceled_at = 0.0
    latency = None
    async with api.http.stream("GET", f"/api/runs/{run_id}/events") as r:
        lines: list[str] = []
        async for line in r.aiter_lines():
            lines.append(line)
            if line.startswith("event: token") and not canceled_at:
                canceled_at = time.monotonic()
                response = await api.cancel(run_id)
                assert response.status_code == 202
                assert response.json()["status"] == "canceled"
            if line.startswith("event: canceled"):
                latency = time.monotonic() - canceled_at
    from tests.integration.api_client import parse_sse

    frames, _ = parse_sse(lines)
    kinds = [f.event for f in frames]
    assert kinds[-2:] == ["canceled", "state"] and frames[-1].data == {"status": "canceled"}
    assert "final" not in kinds
    assert [f.id for f in frames] == list(range(1, len(frames) + 1))
    assert latency is not None
    print(f"cancel → canceled event delivered in {latency * 1000:.1f} ms")
    # Nothing is written after canceled, even though the model had much more to say.
    await asyncio.sleep(0.2)
    assert await api.events(run_id) == frames
    run = await api.run(run_id)
    assert run["status"] == "canceled"
    again = await api.cancel(run_id)
    assert again.status_code == 200 and again.json()["status"] == "canceled"


async def test_cancel_of_a_finished_run_is_a_conflict(fast_api: Api) -> None:
    run_id = await fast_api.ask(await fast_api.new_thread(), "hi")
    await fast_api.events(run_id)
    response = await fast_api.cancel(run_id)
    assert response.status_code == 409
    assert "done" in response.json()["detail"]


async def test_cancel_versus_finish_race_never_gives_two_endings(fast_api: Api) -> None:
    rng = random.Random(7)
    thread = await fast_api.new_thread()
    # Time a run, then send each cancel at a random point of such a run's life.
    start = time.monotonic()
    await fast_api.events(await fast_api.ask(thread, "race me"))
    window = (time.monotonic() - start) * 1.5
    outcomes = {"done": 0, "canceled": 0}
    for _ in range(200):
        run_id = await fast_api.ask(thread, "race me")
        await asyncio.sleep(rng.uniform(0, window))
        response = await fast_api.cancel(run_id)
        assert response.status_code in (200, 202, 409)
        frames = await fast_api.events(run_id)
        kinds = [f.event for f in frames]
        endings = [k for k in kinds if k in ("final", "canceled", "error")]
        assert len(endings) == 1, kinds
        assert kinds.count("state") == 1 and kinds[-1] == "state"
        assert [f.id for f in frames] == list(range(1, len(frames) + 1))
        status = (await fast_api.run(run_id))["status"]
        assert frames[-1].data["status"] == status
        assert (status == "done") == (endings == ["final"])
        assert (response.status_code == 409) == (status == "done")
        outcomes[status] += 1
    print(f"race outcomes over 200 runs: {outcomes}")
    assert outcomes["done"] > 0 and outcomes["canceled"] > 0, outcomes


async def test_enqueue_runs_in_order_and_sees_the_earlier_answer(api: Api) -> None:
    thread = await api.new_thread()
    first = await api.ask(thread, "first question here")
    second = await api.ask(thread, "second", "enqueue")
    assert (await api.run(second))["status"] == "queued"
    a, b = await asyncio.gather(api.events(first), api.events(second))
    assert_complete(a, "first question here")
    assert_complete(b, "second")
    r1, r2 = await api.run(first), await api.run(second)
    assert r2["started_at"] >= r1["finished_at"]
    thread_view = (await api.http.get(f"/api/threads/{thread}")).json()
    assert [m["role"] for m in thread_view["messages"]] == [
        "user",
        "assistant",
        "user",
        "assistant",
    ]


async def test_reject_refuses_a_second_message_and_stores_nothing(api: Api) -> None:
    thread = await api.new_thread()
    first = await api.ask(thread, "a long enough question to still be running")
    r = await api.http.post(
        f"/api/threads/{thread}/messages",
        json={"content": "second", "multitask_strategy": "reject"},
    )
    assert r.status_code == 409
    await api.events(first)
    messages = (await api.http.get(f"/api/threads/{thread}")).json()["messages"]
    assert [m["content"] for m in messages if m["role"] == "user"] == [
        "a long enough question to still be running"
    ]


async def test_interrupt_cancels_the_active_run_and_starts_the_new_one(api: Api) -> None:
    thread = await api.new_thread()
    first = await api.ask(thread, " ".join(["long"] * 100))
    await api.events(first, stop_after=3)
    second = await api.ask(thread, "urgent", "interrupt")
    a = await api.events(first)
    assert [f.event for f in a][-2:] == ["canceled", "state"]
    assert a[-2].data["reason"] == "interrupted by a newer message"
    assert_complete(await api.events(second), "urgent")


async def test_thread_list_is_newest_activity_first_with_titles(fast_api: Api) -> None:
    user = await fast_api.user("lister")
    older, newer = await fast_api.thread(user), await fast_api.thread(user)
    await fast_api.events(await fast_api.ask(newer, "about go developers"))
    await fast_api.events(await fast_api.ask(older, "about python developers"))
    listed = (await fast_api.http.get(f"/api/users/{user}/threads")).json()
    assert [t["thread_id"] for t in listed] == [older, newer]
    assert [t["title"] for t in listed] == ["about python developers", "about go developers"]
