"""Access use cases: issuing and revoking personal access tokens, browser sign-in and out.

Tokens are shown once, at issue; only a password hash of their secret part is stored.
A browser session trades a valid token for a random session id kept in an HttpOnly cookie;
only the SHA-256 digest of that id is stored, with an expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cvchat.application.users import create_user
from cvchat.domain.access import (
    OPEN_GATE,
    AccessToken,
    Authenticator,
    Credentials,
    Gate,
    Principal,
    SecretHasher,
    new_session_id,
    new_token,
    parse_token,
    session_digest,
)
from cvchat.domain.errors import NotFound, Unauthenticated
from cvchat.domain.model import User, utcnow
from cvchat.domain.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class IssuedToken:
    text: str  # the only time the whole token exists outside its holder
    token: AccessToken
    user: User


async def issue_token(
    uow_factory: UnitOfWorkFactory, hasher: SecretHasher, user_name: str
) -> IssuedToken:
    """A new token for an existing user (older tokens keep working until revoked)."""
    async with uow_factory() as uow:
        user = await uow.users.get_by_name(user_name.strip())
        if user is None:
            raise NotFound(f"no user is named {user_name.strip()!r}")
        text, parts = new_token()
        token = AccessToken(parts.token_id, user.user_id, hasher.hash(parts.secret), utcnow())
        await uow.tokens.add(token)
        await uow.commit()
    return IssuedToken(text, token, user)


async def create_user_with_token(
    uow_factory: UnitOfWorkFactory, hasher: SecretHasher, name: str, *, admin: bool = False
) -> IssuedToken:
    user = await create_user(uow_factory, name, admin=admin)
    return await issue_token(uow_factory, hasher, user.name)


async def set_admin(uow_factory: UnitOfWorkFactory, name: str, is_admin: bool) -> User:
    """Grant or revoke the right to add and delete CVs; it applies to the user's next
    request in every process (the user's row is read with every token and session)."""
    async with uow_factory() as uow:
        user = await uow.users.get_by_name(name.strip())
        if user is None:
            raise NotFound(f"no user is named {name.strip()!r}")
        await uow.users.set_admin(user.user_id, is_admin)
        await uow.commit()
    user.is_admin = is_admin
    return user


async def list_tokens(uow_factory: UnitOfWorkFactory, user_name: str) -> list[AccessToken]:
    async with uow_factory(read_only=True) as uow:
        user = await uow.users.get_by_name(user_name.strip())
        if user is None:
            raise NotFound(f"no user is named {user_name.strip()!r}")
        return await uow.tokens.list_for_user(user.user_id)


async def revoke_token(uow_factory: UnitOfWorkFactory, token_id: str) -> None:
    """Revoked tokens fail at once in every process: the row is read on every request."""
    async with uow_factory() as uow:
        if not await uow.tokens.revoke(token_id, utcnow()):
            raise NotFound(f"no active token has the id {token_id!r}")
        # Browser sessions opened with it end too (open streams run to their run's end).
        await uow.sessions.remove_for_token(token_id)
        await uow.commit()


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # goes into the cookie, never into the database
    principal: Principal
    expires_at: datetime


async def sign_in(
    uow_factory: UnitOfWorkFactory,
    authenticator: Authenticator,
    token: str,
    ttl: timedelta,
    gate: Gate = OPEN_GATE,
) -> SignedIn:
    """Open a browser session for the holder of ``token``."""
    principal = await authenticator.authenticate(Credentials(bearer=token), gate)
    parts = parse_token(token.strip())
    if principal is None or principal.user_id is None or parts is None:
        raise Unauthenticated("invalid or revoked token")
    session_id = new_session_id()
    now = utcnow()
    async with uow_factory() as uow:
        await uow.sessions.remove_expired(now)
        await uow.sessions.add(
            session_digest(session_id), principal.user_id, parts.token_id, now, now + ttl
        )
        await uow.commit()
    return SignedIn(session_id, principal, now + ttl)


async def sign_out(uow_factory: UnitOfWorkFactory, session_id: str) -> None:
    async with uow_factory() as uow:
        await uow.sessions.remove(session_digest(session_id))
        await uow.commit()
