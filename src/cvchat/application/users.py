"""Creating users."""

from __future__ import annotations

from cvchat.domain.errors import InvalidInput
from cvchat.domain.model import User
from cvchat.domain.ports import UnitOfWorkFactory

MAX_NAME = 200


async def create_user(uow_factory: UnitOfWorkFactory, name: str) -> User:
    """Names are unique; the database's unique constraint decides a race, not a pre-check."""
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a name has 1 to {MAX_NAME} characters")
    user = User(name=name)
    async with uow_factory() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def find_user(uow_factory: UnitOfWorkFactory, name: str) -> User | None:
    async with uow_factory(read_only=True) as uow:
        return await uow.users.get_by_name(name.strip())
