"""Idempotency keys in SQL: one row per (scope, key), written with what it answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from cvchat.domain.idempotency import KEY_TTL, IdempotentRequest, Recorded
from cvchat.infrastructure.db.tables import idempotency_keys as keys


class SqlIdempotency:
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def claim(
        self, request: IdempotentRequest, outcome: dict[str, Any], now: datetime
    ) -> Recorded | None:
        this_key = (keys.c.scope == request.scope, keys.c.key == request.key)
        await self._s.execute(delete(keys).where(*this_key, keys.c.created_at < now - KEY_TTL))
        try:
            # The savepoint keeps the transaction usable when the key is taken. On PostgreSQL
            # the INSERT waits while another transaction holds the key uncommitted: it fails
            # if that one commits, and goes through if it rolls back.
            async with self._s.begin_nested():
                await self._s.execute(
                    insert(keys).values(
                        scope=request.scope,
                        key=request.key,
                        fingerprint=request.fingerprint,
                        outcome=outcome,
                        created_at=now,
                    )
                )
        except IntegrityError:
            row = (await self._s.execute(select(keys).where(*this_key))).one()
            return Recorded(row.fingerprint, dict(row.outcome), row.created_at)
        return None

    async def purge(self, older_than: datetime) -> int:
        result = await self._s.execute(delete(keys).where(keys.c.created_at < older_than))
        return int(getattr(result, "rowcount", 0) or 0)
