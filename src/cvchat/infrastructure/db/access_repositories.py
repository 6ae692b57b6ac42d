"""SQL repositories of access: personal access tokens (hashed) and browser sessions (digests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from cvchat.domain.access import AccessToken, Principal
from cvchat.infrastructure.db.tables import access_tokens, sessions, users


def _token(row: Any, name: str | None = None, is_admin: bool = False) -> AccessToken:
    return AccessToken(
        token_id=row.id,
        user_id=row.user_id,
        token_hash=row.token_hash,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        user_name=name,
        user_is_admin=is_admin,
    )


class SqlAccessTokens:
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def add(self, token: AccessToken) -> None:
        await self._s.execute(
            insert(access_tokens).values(
                id=token.token_id,
                user_id=token.user_id,
                token_hash=token.token_hash,
                created_at=token.created_at,
            )
        )

    async def get(self, token_id: str) -> AccessToken | None:
        stmt = (
            select(
                access_tokens,
                users.c.name.label("user_name"),
                users.c.is_admin.label("user_is_admin"),
            )
            .join(users, users.c.id == access_tokens.c.user_id)
            .where(access_tokens.c.id == token_id)
        )
        row = (await self._s.execute(stmt)).first()
        return _token(row, row.user_name, bool(row.user_is_admin)) if row else None

    async def list_for_user(self, user_id: str) -> list[AccessToken]:
        stmt = (
            select(access_tokens)
            .where(access_tokens.c.user_id == user_id)
            .order_by(access_tokens.c.created_at, access_tokens.c.id)
        )
        return [_token(r) for r in await self._s.execute(stmt)]

    async def revoke(self, token_id: str, when: datetime) -> bool:
        stmt = (
            update(access_tokens)
            .where(access_tokens.c.id == token_id, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=when)
            .returning(access_tokens.c.id)
        )
        return (await self._s.execute(stmt)).first() is not None

    async def mark_used(self, token_id: str, when: datetime) -> None:
        await self._s.execute(
            update(access_tokens).where(access_tokens.c.id == token_id).values(last_used_at=when)
        )


class SqlSessions:
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def add(
        self, digest: str, user_id: str, token_id: str, created: datetime, expires: datetime
    ) -> None:
        await self._s.execute(
            insert(sessions).values(
                id_hash=digest,
                user_id=user_id,
                token_id=token_id,
                created_at=created,
                expires_at=expires,
            )
        )

    async def remove_for_token(self, token_id: str) -> int:
        result = await self._s.execute(delete(sessions).where(sessions.c.token_id == token_id))
        return int(getattr(result, "rowcount", 0) or 0)

    async def user_for(self, digest: str, now: datetime) -> Principal | None:
        stmt = (
            select(users.c.id, users.c.name, users.c.is_admin)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.id_hash == digest, sessions.c.expires_at > now)
        )
        row = (await self._s.execute(stmt)).first()
        return Principal(row.id, row.name, bool(row.is_admin)) if row else None

    async def remove(self, digest: str) -> None:
        await self._s.execute(delete(sessions).where(sessions.c.id_hash == digest))

    async def remove_expired(self, now: datetime) -> int:
        result = await self._s.execute(delete(sessions).where(sessions.c.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
