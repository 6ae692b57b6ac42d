import pytest

from cvchat.application.messages import ContentTooLong, post_message
from cvchat.application.runs import cancel_run
from cvchat.application.threads import create_thread, get_thread, list_threads
from cvchat.application.users import create_user
from cvchat.domain.errors import Conflict, InvalidInput, NotFound
from cvchat.domain.events import EventType
from cvchat.domain.model import MultitaskStrategy, RunStatus
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory, RecordingExecutor


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    return FakeUnitOfWorkFactory()


async def _thread(uow: FakeUnitOfWorkFactory) -> str:
    user = await create_user(uow, "Ana")
    return (await create_thread(uow, user.user_id)).thread_id


async def test_user_names_are_trimmed_unique_and_bounded(uow: FakeUnitOfWorkFactory) -> None:
    user = await create_user(uow, "  Ana  ")
    assert user.name == "Ana"
    with pytest.raises(Conflict):
        await create_user(uow, "Ana")
    for bad in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput):
            await create_user(uow, bad)
    assert len(uow.store.users) == 1


async def test_threads_need_a_known_user(uow: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(NotFound):
        await create_thread(uow, "0" * 32)
    with pytest.raises(NotFound):
        await list_threads(uow, "0" * 32)
    assert uow.store.threads == {}


async def test_posting_stores_the_message_queues_a_run_and_titles_the_thread(
    uow: FakeUnitOfWorkFactory,
) -> None:
    thread_id = await _thread(uow)
    executor = RecordingExecutor()
    posted = await post_message(uow, InProcessNotifier(), executor, thread_id, "Who knows Go?")
    assert posted.run.status is RunStatus.QUEUED
    assert posted.message.run_id == posted.run.run_id
    assert executor.submitted == [thread_id]
    view = await get_thread(uow, thread_id)
    assert [m.content for m in view.messages] == ["Who knows Go?"]
    assert view.thread.title == "Who knows Go?"


@pytest.mark.parametrize(
    ("content", "error"),
    [("", InvalidInput), ("  \n ", InvalidInput), ("x" * 100_001, ContentTooLong)],
)
async def test_bad_messages_change_nothing(
    uow: FakeUnitOfWorkFactory, content: str, error: type[Exception]
) -> None:
    thread_id = await _thread(uow)
    commits = uow.store.commits
    with pytest.raises(error):
        await post_message(uow, InProcessNotifier(), RecordingExecutor(), thread_id, content)
    assert uow.store.commits == commits
    assert uow.store.messages == [] and uow.store.runs == {}


async def test_reject_refuses_while_a_run_is_active(uow: FakeUnitOfWorkFactory) -> None:
    thread_id = await _thread(uow)
    n, ex = InProcessNotifier(), RecordingExecutor()
    await post_message(uow, n, ex, thread_id, "first")
    with pytest.raises(Conflict):
        await post_message(uow, n, ex, thread_id, "second", MultitaskStrategy.REJECT)
    assert len(uow.store.runs) == 1


async def test_enqueue_keeps_both_runs_queued_in_order(uow: FakeUnitOfWorkFactory) -> None:
    thread_id = await _thread(uow)
    n, ex = InProcessNotifier(), RecordingExecutor()
    first = await post_message(uow, n, ex, thread_id, "first")
    second = await post_message(uow, n, ex, thread_id, "second")
    statuses = {r.run_id: r.status for r in uow.store.runs.values()}
    assert statuses == {first.run.run_id: RunStatus.QUEUED, second.run.run_id: RunStatus.QUEUED}


async def test_interrupt_cancels_the_active_run_first(uow: FakeUnitOfWorkFactory) -> None:
    thread_id = await _thread(uow)
    n, ex = InProcessNotifier(), RecordingExecutor()
    first = await post_message(uow, n, ex, thread_id, "first")
    second = await post_message(uow, n, ex, thread_id, "second", MultitaskStrategy.INTERRUPT)
    assert uow.store.runs[first.run.run_id].status is RunStatus.CANCELED
    assert uow.store.runs[second.run.run_id].status is RunStatus.QUEUED
    log = uow.store.events[first.run.run_id]
    assert [(e.seq, e.type) for e in log] == [(1, EventType.CANCELED), (2, EventType.STATE)]
    assert log[0].data["reason"] == "interrupted by a newer message"


async def test_cancel_is_accepted_once_then_idempotent(uow: FakeUnitOfWorkFactory) -> None:
    thread_id = await _thread(uow)
    n = InProcessNotifier()
    posted = await post_message(uow, n, RecordingExecutor(), thread_id, "q")
    first = await cancel_run(uow, n, posted.run.run_id)
    again = await cancel_run(uow, n, posted.run.run_id)
    assert first.accepted and not again.accepted
    assert again.run.status is RunStatus.CANCELED
    assert [e.type for e in uow.store.events[posted.run.run_id]] == [
        EventType.CANCELED,
        EventType.STATE,
    ]


async def test_cancel_of_a_finished_run_is_a_conflict(uow: FakeUnitOfWorkFactory) -> None:
    thread_id = await _thread(uow)
    n = InProcessNotifier()
    posted = await post_message(uow, n, RecordingExecutor(), thread_id, "q")
    uow.store.runs[posted.run.run_id].status = RunStatus.DONE
    with pytest.raises(Conflict):
        await cancel_run(uow, n, posted.run.run_id)
    with pytest.raises(NotFound):
        await cancel_run(uow, n, "f" * 32)
