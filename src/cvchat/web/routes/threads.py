"""Threads and posting messages to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from cvchat.application.messages import post_message
from cvchat.application.threads import create_thread, get_thread
from cvchat.web.deps import ContainerDep
from cvchat.web.schemas import (
    ID_PATTERN,
    ErrorOut,
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
    responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def post_thread(body: ThreadIn, c: ContainerDep) -> ThreadOut:
    thread = await create_thread(c.uow_factory, body.user_id)
    return ThreadOut(
        thread_id=thread.thread_id, user_id=thread.user_id, created_at=thread.created_at
    )


@router.get("/{thread_id}", response_model=ThreadDetailOut, responses={404: {"model": ErrorOut}})
async def read_thread(thread_id: ThreadId, c: ContainerDep) -> ThreadDetailOut:
    view = await get_thread(c.uow_factory, thread_id)
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
                sources=m.sources,
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
        404: {"model": ErrorOut},
        409: {"model": ErrorOut},
        413: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
async def post_thread_message(thread_id: ThreadId, body: MessageIn, c: ContainerDep) -> PostedOut:
    posted = await post_message(
        c.uow_factory, c.notifier, c.executor, thread_id, body.content, body.multitask_strategy
    )
    return PostedOut(
        run_id=posted.run.run_id,
        thread_id=thread_id,
        message_id=posted.message.message_id,
        status=posted.run.status,
    )
