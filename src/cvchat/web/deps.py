"""Shared request dependencies: the container built at start-up, and who is asking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from cvchat.bootstrap import Container
from cvchat.domain.access import Credentials, Gate, Principal
from cvchat.domain.errors import Unauthenticated

SESSION_COOKIE = "cvchat_session"


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_container(request: Request) -> Container:
    """A coroutine, as every dependency here: FastAPI runs a plain ``def`` dependency in its
    thread pool, a thread hop per request that a burst of posts queues behind."""
    return container_of(request)


ContainerDep = Annotated[Container, Depends(get_container)]


def request_credentials(request: Request) -> Credentials:
    """The bearer token (``Authorization: Bearer …``) and the session cookie, if any.

    Credentials are read from headers only: a token in a URL would end up in access logs.
    Any other ``Authorization`` scheme counts as a bad bearer token.
    """
    bearer: str | None = None
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.strip().partition(" ")
        bearer = value.strip() if scheme.lower() == "bearer" else ""
    return Credentials(bearer=bearer, session=request.cookies.get(SESSION_COOKIE))


# Declared for the OpenAPI document (and /docs' "Authorize"); the values are read below.
_bearer = HTTPBearer(auto_error=False, description="A personal access token `cvc_…`.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by `POST /api/session`."
)


async def get_principal(
    request: Request,
    _token: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _session: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The caller, through the container's ``Authenticator`` port; 401 when unproven."""
    return await principal_of(request)


@asynccontextmanager
async def counting_failures(request: Request, credentials: Credentials) -> AsyncIterator[Gate]:
    """Count an ``Unauthenticated`` raised inside against (client address, credential
    tried), and yield the gate that refuses (429) a spent pair before any hashing is spent
    on it. Keyed on the pair, one guesser behind a shared proxy locks out only the token
    they guess at; the address is the proxy's unless uvicorn trusts its forwarded headers
    (``FORWARDED_ALLOW_IPS``)."""
    limits = container_of(request).rate_limits
    address = request.client.host if request.client else "unknown"
    key = f"{address} {credentials.subject}"

    async def gate() -> None:
        await limits.refuse_if_spent("sign_in_failures", key)

    try:
        yield gate
    except Unauthenticated:
        await limits.note("sign_in_failures", key)
        raise


async def principal_of(request: Request) -> Principal:
    container = container_of(request)
    credentials = request_credentials(request)
    if credentials.bearer is None and credentials.session is None:
        principal = await container.authenticator.authenticate(credentials)
    else:
        async with counting_failures(request, credentials) as gate:
            principal = await container.authenticator.authenticate(credentials, gate)
            if principal is None:
                raise Unauthenticated("sign in: the access token or session is not valid")
    if principal is None:
        raise Unauthenticated("sign in: send a Bearer access token or a session cookie")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
