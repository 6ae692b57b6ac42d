"""Users and their thread lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from cvchat.application.threads import list_threads
from cvchat.application.users import create_user, find_user
from cvchat.domain.errors import NotFound
from cvchat.web.deps import ContainerDep
from cvchat.web.schemas import ID_PATTERN, ErrorOut, ThreadSummaryOut, UserIn, UserOut

router = APIRouter(prefix="/api/users", tags=["users"])


@router.post(
    "",
    status_code=201,
    response_model=UserOut,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def post_user(body: UserIn, c: ContainerDep) -> UserOut:
    user = await create_user(c.uow_factory, body.name)
    return UserOut(user_id=user.user_id, name=user.name, created_at=user.created_at)


@router.get("", response_model=UserOut, responses={404: {"model": ErrorOut}})
async def get_user_by_name(
    name: Annotated[str, Query(min_length=1, max_length=200)], c: ContainerDep
) -> UserOut:
    """Find a user by exact name (the client's "continue as" after a 409)."""
    user = await find_user(c.uow_factory, name)
    if user is None:
        raise NotFound("no user has this name")
    return UserOut(user_id=user.user_id, name=user.name, created_at=user.created_at)


@router.get(
    "/{user_id}/threads",
    response_model=list[ThreadSummaryOut],
    responses={404: {"model": ErrorOut}},
)
async def get_user_threads(
    user_id: Annotated[str, Path(pattern=ID_PATTERN)], c: ContainerDep
) -> list[ThreadSummaryOut]:
    threads = await list_threads(c.uow_factory, user_id)
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
