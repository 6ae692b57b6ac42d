import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from cvchat.application.execution import INTERNAL_ERROR, ExecutionSettings, RunExecution
from cvchat.application.messages import post_message
from cvchat.application.runs import cancel_run
from cvchat.application.streaming import LogFeed
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.events import EventType
from cvchat.domain.llm import LlmError
from cvchat.domain.model import RunStatus
from cvchat.domain.ports import AnswerRequest, Retrieved, ToolCall
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory


class ScriptedPipeline:
    """Streams ``pieces`` with ``delay`` between them, then optionally fails."""

    def __init__(self, pieces: list[str], delay: float = 0.0, fail: Exception | None = None):
        self.pieces, self.delay, self.fail = pieces, delay, fail
        self.closed = asyncio.Event()
        self.emitted = 0

    async def plan(self, request: AnswerRequest) -> ToolCall:
        return ToolCall("rag.search", {"query": request.question})

    async def retrieve(self, request: AnswerRequest, call: ToolCall | None = None) -> Retrieved:
        return Retrieved(query=request.question, tool_output={"cvs": ["cv-1"]})

    async def generate(self, request: AnswerRequest, retrieved: Retrieved) -> AsyncIterator[str]:
        try:
            for piece in self.pieces:
                if self.delay:
                    await asyncio.sleep(self.delay)
                self.emitted += 1
                yield piece
            if self.fail:
                raise self.fail
        finally:
            self.closed.set()

    def cite(self, retrieved: Retrieved, text: str) -> list[dict[str, Any]]:
        return [{"cv_id": "cv-1"}]


async def _setup(pipeline: ScriptedPipeline, **settings: Any):  # type: ignore[no-untyped-def]
    uow = FakeUnitOfWorkFactory()
    notifier = InProcessNotifier()
    execution = RunExecution(uow, notifier, pipeline, ExecutionSettings(**settings))
    executor = InProcessExecutor(uow, notifier, execution, lease_s=60)
    user = await create_user(uow, "Ana")
    thread = await create_thread(uow, user.user_id)
    return uow, notifier, executor, thread.thread_id


async def _collect(
    uow: FakeUnitOfWorkFactory, notifier: InProcessNotifier, run_id: str, after: int = 0
):  # type: ignore[no-untyped-def]
    return [e async for e in LogFeed(uow, notifier).stream(run_id, after)]


async def test_a_run_streams_batched_tokens_then_final_then_state() -> None:
    pieces = [f"w{i} " for i in range(300)]
    uow, notifier, executor, thread_id = await _setup(ScriptedPipeline(pieces), batch_size=64)
    posted = await post_message(uow, notifier, executor, thread_id, "question")
    events = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    types = [e.type for e in events]
    assert types[:2] == [EventType.TOOL_START, EventType.TOOL_END]
    assert types[-2:] == [EventType.FINAL, EventType.STATE]
    tokens = [e.data["text"] for e in events if e.type is EventType.TOKEN]
    assert tokens == pieces
    assert events[-2].data == {"text": "".join(pieces), "sources": [{"cv_id": "cv-1"}]}
    assert events[-1].data == {"status": "done"}
    # 300 tokens in batches of at most 64: far fewer commits than tokens.
    assert uow.store.commits < 20
    assert uow.store.runs[posted.run.run_id].status is RunStatus.DONE
    answer = [m for m in uow.store.messages if m.role == "assistant"]
    assert [m.content for m in answer] == ["".join(pieces)]


async def test_slow_tokens_are_flushed_by_time_not_held_for_a_full_batch() -> None:
    pipeline = ScriptedPipeline(["a", "b", "c"], delay=0.1)
    uow, notifier, executor, thread_id = await _setup(pipeline, batch_s=0.02, batch_size=64)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    await asyncio.sleep(0.17)  # first token produced at ~0.1 s, flushed 20 ms later
    async with uow(read_only=True) as u:
        seen = await u.events.read_after(posted.run.run_id, 0)
    assert [e.data.get("text") for e in seen if e.type is EventType.TOKEN] == ["a"]
    await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)


async def test_a_failing_model_ends_the_run_error_with_a_readable_message() -> None:
    pipeline = ScriptedPipeline(["partial "], fail=RuntimeError("secret sk-123 at /srv/x.py"))
    uow, notifier, executor, thread_id = await _setup(pipeline)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    events = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    assert [e.type for e in events][-2:] == [EventType.ERROR, EventType.STATE]
    assert events[-2].data == {"error": INTERNAL_ERROR}
    assert "sk-123" not in str([e.data for e in events])
    assert uow.store.runs[posted.run.run_id].status is RunStatus.ERROR
    assert not any(e.type is EventType.FINAL for e in events)


async def test_a_provider_error_is_shown_as_the_provider_phrased_it() -> None:
    pipeline = ScriptedPipeline([], fail=LlmError("The model provider refused the API key."))
    uow, notifier, executor, thread_id = await _setup(pipeline)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    events = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    assert events[-2].data == {"error": "The model provider refused the API key."}


async def test_cancel_stops_the_model_and_nothing_follows_canceled() -> None:
    pipeline = ScriptedPipeline([f"t{i} " for i in range(1000)], delay=0.005)
    uow, notifier, executor, thread_id = await _setup(pipeline)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    run_id = posted.run.run_id
    while pipeline.emitted < 10:  # noqa: ASYNC110 - polling the fake is simplest here
        await asyncio.sleep(0.01)
    await cancel_run(uow, notifier, run_id)
    await asyncio.wait_for(pipeline.closed.wait(), 0.5)
    emitted = pipeline.emitted
    await asyncio.sleep(0.1)
    assert pipeline.emitted == emitted, "the model kept streaming after the cancel"
    events = await _collect(uow, notifier, run_id)
    assert [e.type for e in events][-2:] == [EventType.CANCELED, EventType.STATE]
    assert not any(e.type is EventType.FINAL for e in events)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    partial = "".join(e.data["text"] for e in events if e.type is EventType.TOKEN)
    stored = [m.content for m in uow.store.messages if m.role == "assistant"]
    assert stored == [partial]


async def test_runs_of_one_thread_execute_in_order() -> None:
    pipeline = ScriptedPipeline(["x"], delay=0.01)
    uow, notifier, executor, thread_id = await _setup(pipeline)
    runs = [
        (await post_message(uow, notifier, executor, thread_id, f"q{i}")).run.run_id
        for i in range(4)
    ]
    for run_id in runs:
        await asyncio.wait_for(_collect(uow, notifier, run_id), 5)
    started = [uow.store.runs[r].started_at for r in runs]
    finished = [uow.store.runs[r].finished_at for r in runs]
    for i in range(1, 4):
        assert started[i] >= finished[i - 1]  # type: ignore[operator]


@pytest.mark.parametrize("after", [0, 1, 3])
async def test_resume_returns_exactly_the_later_events(after: int) -> None:
    uow, notifier, executor, thread_id = await _setup(ScriptedPipeline(["a", "b", "c"]))
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    full = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    resumed = await _collect(uow, notifier, posted.run.run_id, after)
    assert resumed == full[after:]
    assert await _collect(uow, notifier, posted.run.run_id, full[-1].seq) == []


class LossyNotifier(InProcessNotifier):
    """Drops every note: only the safety probe can wake readers."""

    async def publish(self, note: object) -> None:
        return None


async def test_the_probe_wakes_readers_when_every_notification_is_lost() -> None:
    from functools import partial

    from cvchat.application.streaming import run_progress

    uow = FakeUnitOfWorkFactory()
    notifier = LossyNotifier(partial(run_progress, uow), probe_s=0.05)
    await notifier.start()
    pipeline = ScriptedPipeline(["a", "b"], delay=0.01)
    execution = RunExecution(uow, notifier, pipeline, ExecutionSettings())
    executor = InProcessExecutor(uow, notifier, execution, lease_s=60)
    user = await create_user(uow, "Ana")
    thread = await create_thread(uow, user.user_id)
    posted = await post_message(uow, notifier, executor, thread.thread_id, "q")
    events = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    assert [e.type for e in events][-1] is EventType.STATE
    assert notifier.probes > 0
    await notifier.stop()


async def test_idle_readers_cost_one_probe_query_not_one_each() -> None:
    from functools import partial

    from cvchat.application.streaming import run_progress

    uow = FakeUnitOfWorkFactory()
    calls: list[int] = []

    async def counting_probe(run_ids: list[str]):  # type: ignore[no-untyped-def]
        calls.append(len(run_ids))
        return await partial(run_progress, uow)(run_ids)

    notifier = InProcessNotifier(counting_probe, probe_s=0.05)
    await notifier.start()
    pipeline = ScriptedPipeline(["a"], delay=30)  # stays running and silent
    execution = RunExecution(uow, notifier, pipeline, ExecutionSettings())
    executor = InProcessExecutor(uow, notifier, execution, lease_s=60)
    user = await create_user(uow, "Ana")
    thread = await create_thread(uow, user.user_id)
    posted = await post_message(uow, notifier, executor, thread.thread_id, "q")
    readers = [asyncio.create_task(_collect(uow, notifier, posted.run.run_id)) for _ in range(50)]
    await asyncio.sleep(0.3)
    assert 3 <= len(calls) <= 8 and set(calls) == {1}, calls  # one run id, one query a period
    for task in readers:
        task.cancel()
    await executor.stop()
    await notifier.stop()


async def test_streams_of_one_run_share_one_reader() -> None:
    pipeline = ScriptedPipeline([f"t{i}" for i in range(20)], delay=0.01)
    uow, notifier, executor, thread_id = await _setup(pipeline, batch_size=1)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    feed = LogFeed(uow, notifier)

    async def read() -> list[object]:
        return [e async for e in feed.stream(posted.run.run_id)]

    results = await asyncio.wait_for(asyncio.gather(*(read() for _ in range(50))), 5)
    assert all(r == results[0] for r in results)
    assert len(results[0]) == 2 + 20 + 2
    # About one read per write, however many streams: not 50 per write.
    assert uow.store.reads <= 30, uow.store.reads
    assert feed.open_tails == 0


async def test_a_live_stream_takes_committed_events_from_the_writers_notes() -> None:
    """In one process the writer hands its committed events over in the note: a stream
    reads the log once when it opens, not once per write."""
    pieces = [f"t{i}" for i in range(40)]
    uow, notifier, executor, thread_id = await _setup(ScriptedPipeline(pieces, 0.01), batch_size=1)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    reads_before = uow.store.reads
    events = await asyncio.wait_for(_collect(uow, notifier, posted.run.run_id), 5)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.data["text"] for e in events if e.type is EventType.TOKEN] == pieces
    assert events[-1].type is EventType.STATE
    # 40 token writes and the final one: only the opening read (and a rare re-read when
    # two notes meet before the stream wakes) touch the database.
    assert uow.store.reads - reads_before <= 3, uow.store.reads - reads_before
    await executor.stop()


async def test_a_stream_of_an_unknown_run_fails_with_not_found() -> None:
    from cvchat.domain.errors import NotFound

    uow = FakeUnitOfWorkFactory()
    with pytest.raises(NotFound):
        await _collect(uow, InProcessNotifier(), "f" * 32)


async def test_tails_woken_together_read_together() -> None:
    """Notes from another process carry no events: the tails they wake at once read in
    one read, not one each."""
    from cvchat.domain.events import RunEvent, RunNote
    from tests.unit.fakes import RecordingExecutor

    uow = FakeUnitOfWorkFactory()
    notifier = InProcessNotifier()
    user = await create_user(uow, "Ana")
    runs = []
    for _ in range(20):
        thread = await create_thread(uow, user.user_id)
        posted = await post_message(uow, notifier, RecordingExecutor(), thread.thread_id, "q")
        runs.append(posted.run.run_id)
    feed = LogFeed(uow, notifier)
    streams = [await feed.open(run_id) for run_id in runs]
    batches = [s.batches() for s in streams]
    reads_before = uow.store.reads
    for run_id in runs:  # what a worker elsewhere wrote, and the notes its commit sent
        uow.store.runs[run_id].last_seq = 1
        uow.store.events[run_id] = [RunEvent(run_id, 1, EventType.TOKEN, {"text": "x"})]
    for run_id in runs:
        notifier.dispatch(RunNote(run_id, 1, RunStatus.RUNNING))
    got = await asyncio.wait_for(asyncio.gather(*(anext(b) for b in batches)), 5)
    assert [[e.seq for e, _ in batch] for batch in got] == [[1]] * len(runs)
    assert uow.store.reads - reads_before == 1
    for b in batches:
        await b.aclose()
    assert feed.open_tails == 0
