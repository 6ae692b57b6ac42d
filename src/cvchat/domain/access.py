"""Who is asking: the principal every use case checks, and the ports that establish it.

Auth mode ``none`` (embedded default) has one local user, ``LOCAL``, who sees everything.
Auth mode ``token`` resolves each request to a ``Principal`` of one user through the
``Authenticator`` port (personal access tokens and browser sessions today, OIDC later);
use cases answer ``NotFound`` for anything that principal does not own.

A personal access token reads ``cvc_<token_id>_<secret>``: the id finds the stored row,
only a password hash of the secret is stored and verified.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

TOKEN_PREFIX = "cvc"
_TOKEN = re.compile(r"^cvc_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Principal:
    """The caller. ``user_id=None`` is the local user of auth mode ``none``, an administrator."""

    user_id: str | None
    name: str | None = field(default=None, compare=False)
    is_admin: bool = field(default=False, compare=False)

    @property
    def key(self) -> str:
        """A stable name for per-caller buckets (rate limits, metrics)."""
        return self.user_id or "local"

    @property
    def is_local(self) -> bool:
        return self.user_id is None

    def sees(self, owner_id: str) -> bool:
        """Whether something owned by ``owner_id`` exists for this caller."""
        return self.user_id is None or self.user_id == owner_id

    @property
    def sees_only(self) -> str | None:
        """The one owner whose things this caller sees (``sees``); ``None``: everyone's."""
        return self.user_id


LOCAL = Principal(None, is_admin=True)


@dataclass(frozen=True)
class Credentials:
    """What a request carried: a bearer token and/or a session cookie value."""

    bearer: str | None = None
    session: str | None = None

    @property
    def subject(self) -> str:
        """What a failed sign-in is counted against, with the client's address: the token
        id tried (whose secret an attacker would be guessing), else the session's digest."""
        if self.bearer is not None:
            parts = parse_token(self.bearer.strip())
            return f"token {parts.token_id}" if parts else "token (malformed)"
        if self.session:
            return f"session {session_digest(self.session)[:16]}"
        return "none"


# Awaited before a costly check of a credential (a password hash); raises to refuse it.
Gate = Callable[[], Awaitable[None]]


async def _open_gate() -> None:
    return None


OPEN_GATE: Gate = _open_gate


class Authenticator(Protocol):
    """Turns a request's credentials into a principal, or ``None`` when they prove nothing.

    ``gate`` is awaited only before a costly check: a credential verified recently (or
    checked cheaply) never waits on it, so a failure limit behind the gate cannot refuse it.
    """

    async def authenticate(
        self, credentials: Credentials, gate: Gate = OPEN_GATE
    ) -> Principal | None: ...


@dataclass(frozen=True)
class TokenParts:
    token_id: str
    secret: str


def new_token() -> tuple[str, TokenParts]:
    """A fresh personal access token: its text (shown once) and its parts."""
    parts = TokenParts(secrets.token_hex(16), secrets.token_urlsafe(32))
    return f"{TOKEN_PREFIX}_{parts.token_id}_{parts.secret}", parts


def parse_token(text: str) -> TokenParts | None:
    """The parts of a well-formed token, else ``None`` (nothing is looked up for junk)."""
    match = _TOKEN.match(text)
    return TokenParts(match.group(1), match.group(2)) if match else None


def new_session_id() -> str:
    """A 256-bit random session id for the cookie."""
    return secrets.token_urlsafe(32)


def session_digest(session_id: str) -> str:
    """What is stored for a session: SHA-256 of its id (the id has 256 bits of entropy)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class AccessToken:
    token_id: str
    user_id: str
    token_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    user_name: str | None = None
    user_is_admin: bool = False


class SecretHasher(Protocol):
    """A password-hashing scheme for token secrets (slow on purpose)."""

    def hash(self, secret: str) -> str: ...

    def verify(self, secret: str, hashed: str) -> bool: ...


class AccessTokenRepository(Protocol):
    async def add(self, token: AccessToken) -> None: ...

    async def get(self, token_id: str) -> AccessToken | None:
        """The token with its owner's name."""

    async def list_for_user(self, user_id: str) -> list[AccessToken]: ...

    async def revoke(self, token_id: str, when: datetime) -> bool:
        """False when no such unrevoked token exists."""

    async def mark_used(self, token_id: str, when: datetime) -> None: ...


class SessionRepository(Protocol):
    async def add(
        self, digest: str, user_id: str, token_id: str, created: datetime, expires: datetime
    ) -> None:
        """A session remembers the token it was opened with: revoking the token ends it."""

    async def remove_for_token(self, token_id: str) -> int: ...

    async def user_for(self, digest: str, now: datetime) -> Principal | None:
        """The user of an unexpired session, else ``None``."""

    async def remove(self, digest: str) -> None: ...

    async def remove_expired(self, now: datetime) -> int: ...
