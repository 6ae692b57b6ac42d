"""Users and their thread lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from cvchat.application.threads import list_threads
from cvchat.application.users import create_user, find_user
from cvchat.domain.errors import NotFound
from cvchat.web.deps import ContainerDep, PrincipalDep
from cvchat.web.schemas import (
    ID_PATTERN,
    STORABLE_TEXT,
    UNREADABLE_BODY,
    ErrorOut,
    IdempotencyKey,
    ThreadSummaryOut,
    UserIn,
    UserOut,
)

router = APIRouter(prefix="/api/users", tags=["users"])


@router.post(
    "",
    status_code=201,
    response_model=UserOut,
    responses={
        **UNREADABLE_BODY,
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        409: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
async def post_user(
    body: UserIn, c: ContainerDep, actor: PrincipalDep, idempotency_key: IdempotencyKey = None
) -> UserOut:
    """Auth mode ``none`` only: with tokens, users come from ``cvchat users create`` (403)."""
    user = await create_user(c.uow_factory, body.name, actor=actor, idempotency_key=idempotency_key)
    return UserOut(user_id=user.user_id, name=user.name, created_at=user.created_at)


@router.get("", response_model=UserOut, responses={404: {"model": ErrorOut}})
async def get_user_by_name(
    name: Annotated[str, Query(min_length=1, max_length=200, pattern=STORABLE_TEXT)],
    c: ContainerDep,
    actor: PrincipalDep,
) -> UserOut:
    """Find a user by exact name (the client's "continue as" after a 409); only yourself."""
    user = await find_user(c.uow_factory, name, actor=actor)
    if user is None:
        raise NotFound("no user has this name")
    return UserOut(user_id=user.user_id, name=user.name, created_at=user.created_at)


@router.get(
    "/{user_id}/threads",
    response_model=list[ThreadSummaryOut],
    responses={404: {"model": ErrorOut}},
)
async def get_user_threads(
    user_id: Annotated[str, Path(pattern=ID_PATTERN)], c: ContainerDep, actor: PrincipalDep
) -> list[ThreadSummaryOut]:
    threads = await list_threads(c.uow_factory, user_id, actor=actor)
    return [
        ThreadSummaryOut(
            thread_id=t.thread_id,
            user_id=t.user_id,
            title=t.title,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )
        for t in threads
    ]
