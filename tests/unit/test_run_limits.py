"""The cap on a user's active runs and the run token budget, on the in-memory fakes."""

from __future__ import annotations

import asyncio

import pytest

from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.messages import post_message
from cvchat.application.runs import cancel_run
from cvchat.application.streaming import LogFeed
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.errors import RateLimited
from cvchat.domain.events import EventType
from cvchat.domain.model import MultitaskStrategy, Role, RunStatus
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory, RecordingExecutor
from tests.unit.test_execution import ScriptedPipeline


async def _threads(uow: FakeUnitOfWorkFactory, name: str, count: int) -> list[str]:
    user = await create_user(uow, name)
    return [(await create_thread(uow, user.user_id)).thread_id for _ in range(count)]


async def test_the_active_run_cap_counts_queued_runs_of_every_thread_of_the_user() -> None:
    uow, notifier, executor = FakeUnitOfWorkFactory(), InProcessNotifier(), RecordingExecutor()
    a, b = await _threads(uow, "Ana", 2)
    (other,) = await _threads(uow, "Bo", 1)
    first = await post_message(uow, notifier, executor, a, "one", max_active_runs=2)
    await post_message(uow, notifier, executor, b, "two", max_active_runs=2)
    commits = uow.store.commits
    with pytest.raises(RateLimited) as refused:
        await post_message(uow, notifier, executor, b, "three", max_active_runs=2)
    assert refused.value.retry_after_s == 5 and "at most 2" in str(refused.value)
    assert uow.store.commits == commits and len(uow.store.messages) == 2  # nothing stored
    await post_message(uow, notifier, executor, other, "not Ana's", max_active_runs=2)
    await cancel_run(uow, notifier, first.run.run_id)
    await post_message(uow, notifier, executor, b, "three", max_active_runs=2)


async def test_interrupt_cancels_before_counting_and_a_refusal_keeps_the_runs() -> None:
    uow, notifier, executor = FakeUnitOfWorkFactory(), InProcessNotifier(), RecordingExecutor()
    a, b = await _threads(uow, "Ana", 2)
    kept = await post_message(uow, notifier, executor, a, "one", max_active_runs=1)
    with pytest.raises(RateLimited):  # b has nothing to interrupt: the cap holds
        await post_message(
            uow, notifier, executor, b, "x", MultitaskStrategy.INTERRUPT, max_active_runs=1
        )
    assert uow.store.runs[kept.run.run_id].status is RunStatus.QUEUED
    await post_message(
        uow, notifier, executor, a, "instead", MultitaskStrategy.INTERRUPT, max_active_runs=1
    )
    assert uow.store.runs[kept.run.run_id].status is RunStatus.CANCELED


@pytest.mark.parametrize(("budget", "batch"), [(3, 64), (3, 2), (4, 1), (1, 64)])
async def test_a_run_over_budget_ends_error_keeping_exactly_the_budget(
    budget: int, batch: int
) -> None:
    uow, notifier = FakeUnitOfWorkFactory(), InProcessNotifier()
    # A model that keeps streaming (2 ms a piece): the budget must stop it early.
    pipeline = ScriptedPipeline([f"p{i} " for i in range(200)], delay=0.002)
    execution = RunExecution(
        uow, notifier, pipeline, ExecutionSettings(batch_size=batch, token_budget=budget)
    )
    (thread,) = await _threads(uow, "Ana", 1)
    posted = await post_message(uow, notifier, RecordingExecutor(), thread, "go")
    run = await uow.log.claim(thread, "me")
    assert run is not None
    await execution(run)
    events = [e async for e in LogFeed(uow, notifier).stream(posted.run.run_id)]
    tokens = [e.data["text"] for e in events if e.type is EventType.TOKEN]
    assert tokens == [f"p{i} " for i in range(budget)]
    assert [e.type for e in events[-2:]] == [EventType.ERROR, EventType.STATE]
    assert events[-2].data == {"error": f"the answer exceeded its budget of {budget} tokens"}
    assert uow.store.runs[run.run_id].status is RunStatus.ERROR
    answer = [m for m in uow.store.messages if m.role is Role.ASSISTANT]
    assert [m.content for m in answer] == ["".join(tokens)]
    await asyncio.wait_for(pipeline.closed.wait(), 5)  # the generator was stopped
    assert pipeline.emitted < 100


async def test_exactly_the_budget_finishes_done() -> None:
    uow, notifier = FakeUnitOfWorkFactory(), InProcessNotifier()
    pipeline = ScriptedPipeline(["a", "b", "c"])
    execution = RunExecution(uow, notifier, pipeline, ExecutionSettings(token_budget=3))
    (thread,) = await _threads(uow, "Ana", 1)
    await post_message(uow, notifier, RecordingExecutor(), thread, "go")
    run = await uow.log.claim(thread, "me")
    assert run is not None
    await execution(run)
    assert uow.store.runs[run.run_id].status is RunStatus.DONE
