"""Auth mode ``token``: personal access tokens (Bearer) and browser sessions (cookie).

A token ``cvc_<token_id>_<secret>`` is checked in two steps. Every request reads the
token's row by id (one primary-key lookup, joined with its user), so a revoked token or a
deleted user fails at once, in every process. Only then is the secret compared with the
stored Argon2 hash, which costs tens of milliseconds of CPU on purpose; a successful
comparison is remembered in memory for ``cache_s`` seconds, keyed by a SHA-256 digest of
the secret and the stored hash, so the next requests skip it. The cache therefore never
makes a revoked token valid: revocation is as immediate as without it. The caller's gate
(the failed sign-in limit) is awaited right before a hash, and only then: a token in the
cache, an unknown id or a revoked one never waits on it.

Sessions: the cookie holds a 256-bit random id; the database holds its SHA-256 digest and
an expiry, looked up on each request.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable

from cvchat.domain.access import (
    OPEN_GATE,
    Credentials,
    Gate,
    Principal,
    SecretHasher,
    parse_token,
    session_digest,
)
from cvchat.domain.model import utcnow
from cvchat.domain.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_CACHED = 10_000


class TokenAuthenticator:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        hasher: SecretHasher,
        cache_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._cache_s = cache_s
        self._clock = clock
        self._verified: dict[str, float] = {}  # digest(secret, hash) -> valid until

    async def authenticate(
        self, credentials: Credentials, gate: Gate = OPEN_GATE
    ) -> Principal | None:
        if credentials.bearer is not None:
            return await self._token(credentials.bearer, gate)
        if credentials.session:
            return await self._session(credentials.session)
        return None

    async def _token(self, text: str, gate: Gate) -> Principal | None:
        parts = parse_token(text.strip())
        if parts is None:
            return None
        async with self._uow_factory(read_only=True) as uow:
            token = await uow.tokens.get(parts.token_id)
        if token is None or token.revoked_at is not None:
            return None
        key = hashlib.sha256(f"{parts.secret}\0{token.token_hash}".encode()).hexdigest()
        now = self._clock()
        if self._verified.get(key, 0.0) <= now:
            await gate()
            # Argon2 is CPU-bound: off the event loop.
            if not await asyncio.to_thread(self._hasher.verify, parts.secret, token.token_hash):
                return None
            self._remember(key, now)
            await self._mark_used(token.token_id)
        return Principal(token.user_id, token.user_name, token.user_is_admin)

    def _remember(self, key: str, now: float) -> None:
        if len(self._verified) >= MAX_CACHED:
            self._verified = {k: t for k, t in self._verified.items() if t > now}
            if len(self._verified) >= MAX_CACHED:
                self._verified.clear()
        self._verified[key] = now + self._cache_s

    async def _mark_used(self, token_id: str) -> None:
        """``last_used_at`` is refreshed when the hash is checked: once per cache period."""
        try:
            async with self._uow_factory() as uow:
                await uow.tokens.mark_used(token_id, utcnow())
                await uow.commit()
        except Exception:  # bookkeeping must never refuse a valid token
            log.warning("could not record the use of token %s", token_id, exc_info=True)

    async def _session(self, session_id: str) -> Principal | None:
        async with self._uow_factory(read_only=True) as uow:
            return await uow.sessions.user_for(session_digest(session_id), utcnow())
