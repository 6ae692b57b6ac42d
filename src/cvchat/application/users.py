"""Creating users."""

from __future__ import annotations

from datetime import datetime

from cvchat.application.idempotency import first_outcome, idempotent_request
from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.errors import Forbidden, InvalidInput, NotFound
from cvchat.domain.model import User
from cvchat.domain.ports import UnitOfWorkFactory

MAX_NAME = 200


async def create_user(
    uow_factory: UnitOfWorkFactory,
    name: str,
    *,
    actor: Principal = LOCAL,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    admin: bool = False,
) -> User:
    """Names are unique; the database's unique constraint decides a race, not a pre-check.

    Only the local user (auth mode ``none``, or the admin command line) creates users. With
    an ``idempotency_key`` seen before (same name), the user it created, not a 409.
    """
    if not actor.is_local:
        raise Forbidden("users are created by an administrator: `cvchat users create NAME`")
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a name has 1 to {MAX_NAME} characters")
    request = idempotent_request(actor, idempotency_key, "create_user", {"name": name})
    user = User(name=name, is_admin=admin)
    async with uow_factory() as uow:
        first = await first_outcome(uow, request, {"user_id": user.user_id}, now)
        if first is not None:
            created = await uow.users.get(first["user_id"])
            if created is None:
                raise NotFound("unknown user")
            return created
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
