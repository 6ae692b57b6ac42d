"""Creating users."""

from __future__ import annotations

from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import Forbidden, InvalidInput
from cvchat.domain.model import User
from cvchat.domain.ports import UnitOfWorkFactory

MAX_NAME = 200


async def create_user(
    uow_factory: UnitOfWorkFactory, name: str, *, actor: Principal = LOCAL
) -> User:
    """Names are unique; the database's unique constraint decides a race, not a pre-check.

    Only the local user (auth mode ``none``, or the admin command line) creates users.
    """
    if not actor.is_local:
        raise Forbidden("users are created by an administrator: `cvchat users create NAME`")
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a name has 1 to {MAX_NAME} characters")
    user = User(name=name)
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def find_user(
    uow_factory: UnitOfWorkFactory, name: str, *, actor: Principal = LOCAL
) -> User | None:
    """A user by exact name; a signed-in user finds only themself."""
    async with uow_factory(read_only=True) as uow:
        user = await uow.users.get_by_name(name.strip())
    return user if user is not None and actor.sees(user.user_id) else None
