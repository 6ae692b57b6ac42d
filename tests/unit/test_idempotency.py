"""Idempotency keys in the use cases (in-memory fakes): what a retry answers, what it refuses."""

from __future__ import annotations

import pytest

from cvchat.application.messages import post_message
from cvchat.application.runs import cancel_run
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.access import Principal
from cvchat.domain.errors import Conflict, InvalidInput, NotFound
from cvchat.domain.idempotency import KeyReused, fingerprint
from cvchat.domain.model import MultitaskStrategy, RunStatus
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory, RecordingExecutor


def test_the_fingerprint_is_canonical_json() -> None:
    assert fingerprint("op", {"a": 1, "b": "é"}) == fingerprint("op", {"b": "é", "a": 1})
    assert fingerprint("op", {"a": 1}) != fingerprint("op", {"a": 2})
    assert fingerprint("op", {"a": 1}) != fingerprint("other", {"a": 1})


async def test_a_replay_hands_a_still_queued_run_to_the_executor_again() -> None:
    uow, n, ex = FakeUnitOfWorkFactory(), InProcessNotifier(), RecordingExecutor()
    user = await create_user(uow, "Ana")
    thread_id = (await create_thread(uow, user.user_id)).thread_id
    first = await post_message(uow, n, ex, thread_id, "q", idempotency_key="k")
    again = await post_message(uow, n, ex, thread_id, "q", idempotency_key="k")
    assert (again.run.run_id, again.message.message_id) == (
        first.run.run_id,
        first.message.message_id,
    )
    assert ex.submitted == [thread_id, thread_id]
    assert len(uow.store.runs) == 1 and len(uow.store.messages) == 1

    await cancel_run(uow, n, first.run.run_id)
    commits = uow.store.commits
    after = await post_message(uow, n, ex, thread_id, "q", idempotency_key="k")
    # The first answer again (status as first told), read back: nothing re-submitted or stored.
    assert after.status is RunStatus.QUEUED and after.run.status is RunStatus.CANCELED
    assert ex.submitted == [thread_id, thread_id]
    assert uow.store.commits == commits


async def test_a_refused_request_leaves_its_key_unused() -> None:
    uow, n, ex = FakeUnitOfWorkFactory(), InProcessNotifier(), RecordingExecutor()
    user = await create_user(uow, "Ana")
    thread_id = (await create_thread(uow, user.user_id)).thread_id
    await post_message(uow, n, ex, thread_id, "busy")
    with pytest.raises(Conflict):
        await post_message(
            uow, n, ex, thread_id, "q", MultitaskStrategy.REJECT, idempotency_key="k"
        )
    with pytest.raises(NotFound):
        await create_thread(uow, "0" * 32, idempotency_key="t")
    assert uow.store.keys == {}
    # So the retry, once the thread is free, is executed.
    posted = await post_message(uow, n, ex, thread_id, "q", idempotency_key="k")
    assert len(uow.store.runs) == 2 and posted.run.run_id in uow.store.runs


async def test_keys_belong_to_their_caller_and_to_one_request() -> None:
    uow = FakeUnitOfWorkFactory()
    ana_user, bob_user = await create_user(uow, "ana"), await create_user(uow, "bob")
    ana, bob = Principal(ana_user.user_id), Principal(bob_user.user_id)
    a = await create_thread(uow, ana_user.user_id, actor=ana, idempotency_key="k")
    b = await create_thread(uow, bob_user.user_id, actor=bob, idempotency_key="k")
    assert a.thread_id != b.thread_id
    assert (await create_thread(uow, ana_user.user_id, actor=ana, idempotency_key="k")) == a
    carla = await create_user(uow, "carla", idempotency_key="u")
    assert await create_user(uow, "carla", idempotency_key="u") == carla  # not a 409
    with pytest.raises(KeyReused):
        await create_user(uow, "dora", idempotency_key="u")
    assert [u.name for u in uow.store.users.values()] == ["ana", "bob", "carla"]
    for bad in ("", "k" * 256):
        with pytest.raises(InvalidInput):
            await create_user(uow, "erin", idempotency_key=bad)
    assert len(uow.store.threads) == 2 and len(uow.store.users) == 3
