"""The use cases report to the telemetry port at the right moments, with the right values
(in-memory fakes: no database, no HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from cvchat.application.answering import RagAnswerPipeline
from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.messages import post_message
from cvchat.application.runs import cancel_run
from cvchat.application.streaming import LogFeed
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.events import EventType
from cvchat.domain.llm import GenerationRequest
from cvchat.domain.model import RunStatus
from cvchat.domain.ports import AnswerRequest
from cvchat.domain.retrieval import CvHit
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.test_execution import ScriptedPipeline


class Recorder:
    def __init__(self) -> None:
        self.runs: list[tuple[str, float]] = []
        self.retrievals: list[float] = []
        self.first_tokens: list[tuple[str, float]] = []
        self.llm: list[tuple[str, float]] = []
        self.open = 0
        self.opened = 0
        self.deliveries: list[float] = []
        self._ran = asyncio.Event()

    async def runs_reach(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.runs) < count:
                await self._ran.wait()
                self._ran.clear()

    def run_finished(self, outcome: str, seconds: float) -> None:
        self.runs.append((outcome, seconds))
        self._ran.set()

    def retrieval_finished(self, seconds: float) -> None:
        self.retrievals.append(seconds)

    def llm_first_token(self, provider: str, seconds: float) -> None:
        self.first_tokens.append((provider, seconds))

    def llm_finished(self, provider: str, seconds: float) -> None:
        self.llm.append((provider, seconds))

    def stream_opened(self) -> None:
        self.open += 1
        self.opened += 1

    def stream_closed(self) -> None:
        self.open -= 1

    def events_delivered(self, latencies_s: list[float]) -> None:
        self.deliveries.extend(latencies_s)


async def _engine(pipeline: ScriptedPipeline, recorder: Recorder):  # type: ignore[no-untyped-def]
    uow = FakeUnitOfWorkFactory()
    notifier = InProcessNotifier()
    execution = RunExecution(uow, notifier, pipeline, ExecutionSettings(), recorder)
    executor = InProcessExecutor(uow, notifier, execution, lease_s=60)
    user = await create_user(uow, "Ana")
    thread = await create_thread(uow, user.user_id)
    return uow, notifier, executor, thread.thread_id


async def test_each_run_reports_its_outcome_and_duration() -> None:
    recorder = Recorder()
    uow, notifier, executor, thread_id = await _engine(
        ScriptedPipeline(["a ", "b"], delay=0.05), recorder
    )
    await post_message(uow, notifier, executor, thread_id, "q")
    await recorder.runs_reach(1)
    outcome, seconds = recorder.runs[0]
    # Two pieces 50 ms apart: seconds, not milliseconds (a wide ceiling for a loaded machine).
    assert outcome == "done" and 0.1 <= seconds < 10

    failing = ScriptedPipeline(["a"], fail=RuntimeError("boom"))
    uow, notifier, executor, thread_id = await _engine(failing, recorder)
    await post_message(uow, notifier, executor, thread_id, "q")
    await recorder.runs_reach(2)
    assert recorder.runs[1][0] == "error"

    slow = ScriptedPipeline(["x "] * 1000, delay=0.01)
    uow, notifier, executor, thread_id = await _engine(slow, recorder)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    async for event in LogFeed(uow, notifier).stream(posted.run.run_id):
        if event.type is EventType.TOKEN:
            break
    await cancel_run(uow, notifier, posted.run.run_id)
    await recorder.runs_reach(3)
    assert recorder.runs[2][0] == "canceled"
    assert uow.store.runs[posted.run.run_id].status is RunStatus.CANCELED


async def test_streams_count_open_readers_and_time_live_deliveries_only() -> None:
    recorder = Recorder()
    pipeline = ScriptedPipeline(["w "] * 20, delay=0.01)
    uow, notifier, executor, thread_id = await _engine(pipeline, Recorder())
    feed = LogFeed(uow, notifier, telemetry=recorder)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    live = [e async for e in feed.stream(posted.run.run_id)]
    assert recorder.opened == 1 and recorder.open == 0
    # Every event stored after the stream opened was timed, within a fraction of a second.
    assert 0 < len(recorder.deliveries) <= len(live)
    assert len(recorder.deliveries) >= len(live) - 2  # at most tool_start/_end came before
    assert all(0 <= s < 1 for s in recorder.deliveries)

    # A replay of the finished log is not a delivery delay.
    delivered = len(recorder.deliveries)
    replay = [e async for e in feed.stream(posted.run.run_id)]
    assert replay == live
    assert len(recorder.deliveries) == delivered
    assert recorder.opened == 2 and recorder.open == 0

    # A reader that goes away mid-stream is no longer counted.
    slow = ScriptedPipeline(["w "] * 500, delay=0.01)
    uow, notifier, executor, thread_id = await _engine(slow, Recorder())
    feed = LogFeed(uow, notifier, telemetry=recorder)
    posted = await post_message(uow, notifier, executor, thread_id, "q")
    stream = feed.batches(posted.run.run_id)  # what the events route reads
    await anext(stream)
    assert recorder.open == 1
    await stream.aclose()
    assert recorder.open == 0
    await cancel_run(uow, notifier, posted.run.run_id)


class NoHits:
    def search(self, query: str, k: int = 5, method: str | None = None) -> list[CvHit]:
        return []


class PacedModel:
    """A provider whose first piece comes after 50 ms and whose stream ends 50 ms later."""

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        await asyncio.sleep(0.05)
        yield "no CV matches"
        await asyncio.sleep(0.05)
        yield "."


async def test_the_answer_pipeline_times_retrieval_and_the_model() -> None:
    recorder = Recorder()
    request = AnswerRequest("run-1", "thread-1", "who speaks Basque?")
    pipeline = RagAnswerPipeline(NoHits(), PacedModel(), telemetry=recorder)
    retrieved = await pipeline.retrieve(request)
    assert len(recorder.retrievals) == 1 and recorder.retrievals[0] < 1
    text = "".join([piece async for piece in pipeline.generate(request, retrieved)])
    assert text == "no CV matches."
    ((label, first),) = recorder.first_tokens
    ((label_total, total),) = recorder.llm
    assert label == label_total == "PacedModel"
    assert 0.04 <= first < total and total >= 0.09

    # The extractive answerer (no model configured) is labelled "offline".
    offline = RagAnswerPipeline(NoHits(), None, telemetry=recorder)
    [piece async for piece in offline.generate(request, retrieved)]
    assert recorder.llm[-1][0] == "offline"
