"""Shared request dependencies: the container built at start-up, and who is asking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from cvchat.bootstrap import Container
from cvchat.domain.access import Credentials, Principal
from cvchat.domain.errors import Unauthenticated

SESSION_COOKIE = "cvchat_session"


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


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
async def counting_failures(request: Request) -> AsyncIterator[None]:
    """Count an ``Unauthenticated`` raised inside against the client's address, and refuse
    (429) an address that has used up its failures before any more hashing is spent on it."""
    limits = getattr(request.app.state, "rate_limits", None)
    address = request.client.host if request.client else "unknown"
    if limits is not None:
        await limits.refuse_if_spent("sign_in_failures", address)
    try:
        yield
    except Unauthenticated:
        if limits is not None:
            await limits.note("sign_in_failures", address)
        raise


async def principal_of(request: Request) -> Principal:
    container = get_container(request)
    credentials = request_credentials(request)
    if credentials.bearer is None and credentials.session is None:
        principal = await container.authenticator.authenticate(credentials)
    else:
        async with counting_failures(request):
            principal = await container.authenticator.authenticate(credentials)
            if principal is None:
                raise Unauthenticated("sign in: the access token or session is not valid")
    if principal is None:
        raise Unauthenticated("sign in: send a Bearer access token or a session cookie")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
