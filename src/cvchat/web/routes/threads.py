"""Threads and posting messages to them."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from cvchat.application.exact_answering import query_json
from cvchat.application.messages import post_message
from cvchat.application.threads import create_thread, get_thread
from cvchat.bootstrap import Container
from cvchat.domain.errors import InvalidInput
from cvchat.domain.retrieval import IndexUnavailable
from cvchat.web.deps import ContainerDep, PrincipalDep
from cvchat.web.ratelimit import limit_message_posts
from cvchat.web.schemas import (
    ID_PATTERN,
    UNREADABLE_BODY,
    ErrorOut,
    IdempotencyKey,
    MessageIn,
    MessageOut,
    PostedOut,
    ThreadDetailOut,
    ThreadIn,
    ThreadOut,
)

router = APIRouter(prefix="/api/threads", tags=["threads"])
ThreadId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post(
    "",
    status_code=201,
    response_model=ThreadOut,
    responses={**UNREADABLE_BODY, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def post_thread(
    body: ThreadIn, c: ContainerDep, actor: PrincipalDep, idempotency_key: IdempotencyKey = None
) -> ThreadOut:
    """``user_id`` may be left out when signed in: the thread is the caller's."""
    user_id = body.user_id or actor.user_id
    if user_id is None:
        raise InvalidInput("user_id is required")
    thread = await create_thread(
        c.uow_factory, user_id, actor=actor, idempotency_key=idempotency_key
    )
    return ThreadOut(
        thread_id=thread.thread_id, user_id=thread.user_id, created_at=thread.created_at
    )


async def _indexed_cv_ids(c: Container) -> frozenset[str] | None:
    """The CVs that can still be cited (``None``: this server has no index to ask)."""
    if c.index_store is None:
        return None
    try:
        snapshot = await asyncio.to_thread(c.index_store.snapshot)
    except IndexUnavailable:
        return frozenset()
    return frozenset(snapshot.documents)


def _marked(
    sources: list[dict[str, Any]] | None, live: frozenset[str] | None
) -> list[dict[str, Any]] | None:
    """Sources whose CV was deleted since keep their text and say ``removed``."""
    if sources is None or live is None:
        return sources
    return [
        s | {"removed": True} if isinstance(s, dict) and s.get("cv_id") not in live else s
        for s in sources
    ]


def _marked_answer(
    answer: dict[str, Any] | None, live: frozenset[str] | None
) -> dict[str, Any] | None:
    """An exact answer's candidates whose CV was deleted since say ``removed`` too."""
    if answer is None or live is None:
        return answer
    return answer | {
        key: _marked(answer[key], live)
        for key in ("candidates", "near_misses")
        if isinstance(answer.get(key), list)
    }


@router.get("/{thread_id}", response_model=ThreadDetailOut, responses={404: {"model": ErrorOut}})
async def read_thread(thread_id: ThreadId, c: ContainerDep, actor: PrincipalDep) -> ThreadDetailOut:
    view = await get_thread(c.uow_factory, thread_id, actor=actor)
    cites = any(m.sources or m.answer for m in view.messages)
    live = await _indexed_cv_ids(c) if cites else None
    return ThreadDetailOut(
        thread_id=view.thread.thread_id,
        user_id=view.thread.user_id,
        title=view.thread.title,
        created_at=view.thread.created_at,
        messages=[
            MessageOut(
                message_id=m.message_id,
                role=str(m.role),
                content=m.content,
                run_id=m.run_id,
                created_at=m.created_at,
                sources=_marked(m.sources, live),
                query=m.query,
                answer=_marked_answer(m.answer, live),
                run_status=view.run_status.get(m.run_id) if m.run_id else None,
            )
            for m in view.messages
        ],
    )


@router.post(
    "/{thread_id}/messages",
    status_code=202,
    response_model=PostedOut,
    responses={
        **UNREADABLE_BODY,
        404: {"model": ErrorOut},
        409: {"model": ErrorOut},
        413: {"model": ErrorOut},
        422: {"model": ErrorOut},
        429: {"model": ErrorOut, "description": "A per-user limit; see Retry-After."},
    },
    dependencies=[Depends(limit_message_posts)],
)
async def post_thread_message(
    thread_id: ThreadId,
    body: MessageIn,
    c: ContainerDep,
    actor: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> PostedOut:
    posted = await post_message(
        c.uow_factory,
        c.notifier,
        c.executor,
        thread_id,
        body.content,
        body.multitask_strategy,
        actor=actor,
        max_active_runs=c.settings.limits.active_run_cap(c.settings.auth.mode),
        idempotency_key=idempotency_key,
        query=query_json(body.query) if body.query is not None else None,
    )
    return PostedOut(
        run_id=posted.run.run_id,
        thread_id=thread_id,
        message_id=posted.message.message_id,
        status=posted.status,
    )
