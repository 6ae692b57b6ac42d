"""Idempotency keys in the use cases: whose key it is, the claim, and the purge.

A key belongs to the caller (``Principal.key``): two users never see each other's keys or
outcomes. Only a request that succeeds stores its key (a refused one rolls back with it),
so a retry of a failed request is executed again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cvchat.domain.access import Principal
from cvchat.domain.idempotency import KEY_TTL, IdempotentRequest, replayed_outcome
from cvchat.domain.model import utcnow
from cvchat.domain.ports import UnitOfWork, UnitOfWorkFactory


def idempotent_request(
    actor: Principal, key: str | None, operation: str, payload: dict[str, Any]
) -> IdempotentRequest | None:
    """The request a key names (``None`` without a key); a bad key is ``InvalidInput``."""
    return None if key is None else IdempotentRequest.of(actor.key, key, operation, payload)


async def first_outcome(
    uow: UnitOfWork,
    request: IdempotentRequest | None,
    outcome: dict[str, Any],
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """What an earlier request with this key created, else ``None`` (then the key is this
    transaction's, stored with ``outcome``). Call it first in the transaction."""
    if request is None:
        return None
    recorded = await uow.idempotency.claim(request, outcome, now or utcnow())
    return replayed_outcome(request, recorded)


async def purge_expired_keys(uow_factory: UnitOfWorkFactory, now: datetime | None = None) -> int:
    """Drop keys past ``KEY_TTL`` (the sweepers call it; claims also drop their own key)."""
    async with uow_factory() as uow:
        purged = await uow.idempotency.purge((now or utcnow()) - KEY_TTL)
        await uow.commit()
    return purged
