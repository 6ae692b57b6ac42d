"""The owner rules live in the use cases, so no route can skip them (in-memory fakes)."""

from __future__ import annotations

import pytest

from cvchat.application.messages import post_message
from cvchat.application.runs import cancel_run, get_run, open_run_stream
from cvchat.application.streaming import LogFeed
from cvchat.application.threads import create_thread, get_thread, list_threads
from cvchat.application.users import create_user, find_user
from cvchat.domain.access import LOCAL, Principal, new_token, parse_token
from cvchat.domain.errors import Forbidden, NotFound
from cvchat.domain.model import RunStatus
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory, RecordingExecutor


async def test_each_use_case_hides_other_users_things() -> None:
    uow = FakeUnitOfWorkFactory()
    notifier = InProcessNotifier()
    ana_user, bob_user = await create_user(uow, "ana"), await create_user(uow, "bob")
    ana, bob = Principal(ana_user.user_id), Principal(bob_user.user_id)
    thread = await create_thread(uow, ana_user.user_id, actor=ana)
    posted = await post_message(
        uow, notifier, RecordingExecutor(), thread.thread_id, "hello", actor=ana
    )
    run_id = posted.run.run_id
    before = (len(uow.store.threads), len(uow.store.messages), len(uow.store.runs))

    with pytest.raises(NotFound):
        await create_thread(uow, ana_user.user_id, actor=bob)
    with pytest.raises(NotFound):
        await list_threads(uow, ana_user.user_id, actor=bob)
    with pytest.raises(NotFound):
        await get_thread(uow, thread.thread_id, actor=bob)
    with pytest.raises(NotFound):
        await post_message(uow, notifier, RecordingExecutor(), thread.thread_id, "x", actor=bob)
    with pytest.raises(NotFound):
        await get_run(uow, run_id, actor=bob)
    with pytest.raises(NotFound):
        await open_run_stream(LogFeed(uow, notifier), run_id, actor=bob)
    with pytest.raises(NotFound):
        await cancel_run(uow, notifier, run_id, actor=bob)
    assert await find_user(uow, "ana", actor=bob) is None
    assert (len(uow.store.threads), len(uow.store.messages), len(uow.store.runs)) == before
    assert uow.store.runs[run_id].status is RunStatus.QUEUED

    # The owner, and the local user of auth mode none, see it all.
    for actor in (ana, LOCAL):
        assert (await get_thread(uow, thread.thread_id, actor=actor)).thread.user_id == ana.user_id
        assert [t.thread_id for t in await list_threads(uow, ana_user.user_id, actor=actor)] == [
            thread.thread_id
        ]
        assert (await get_run(uow, run_id, actor=actor)).run_id == run_id
        stream = await open_run_stream(LogFeed(uow, notifier), run_id, actor=actor)
        assert stream.run.run_id == run_id
        await stream.close()
        assert await find_user(uow, "ana", actor=actor) == ana_user
    assert (await cancel_run(uow, notifier, run_id, actor=ana)).accepted


async def test_only_the_local_user_creates_users() -> None:
    uow = FakeUnitOfWorkFactory()
    ana = await create_user(uow, "ana")
    with pytest.raises(Forbidden):
        await create_user(uow, "eve", actor=Principal(ana.user_id))
    assert [u.name for u in uow.store.users.values()] == ["ana"]


def test_tokens_parse_only_in_their_exact_shape() -> None:
    text, parts = new_token()
    assert parse_token(text) == parts and text.startswith(f"cvc_{parts.token_id}_")
    assert len(parts.token_id) == 32 and len(parts.secret) == 43
    for bad in ("", text + "x", text[:-1], text.replace("cvc_", "cvx_"), " " + text, text.upper()):
        assert parse_token(bad) is None
    assert new_token()[0] != text
    assert Principal("a").key == "a" and LOCAL.key == "local"
    assert Principal("a", "ana") == Principal("a", "other name")
