"""Who is signed in, and browser sign-in/out (a token traded for an HttpOnly cookie)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import StringConstraints

from cvchat.application.access import sign_in, sign_out
from cvchat.domain.access import Credentials, Principal
from cvchat.web.deps import SESSION_COOKIE, ContainerDep, counting_failures, principal_of
from cvchat.web.schemas import SIGNED_IN_ONLY, UNREADABLE_BODY, ErrorOut, Strict

router = APIRouter(prefix="/api/session", tags=["session"])


class SessionIn(Strict):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SessionOut(Strict):
    auth_mode: str
    user_id: str | None
    name: str | None
    is_admin: bool  # may add and delete CVs; in auth mode none, everyone


def _out(mode: str, principal: Principal | None) -> SessionOut:
    if principal is None or principal.user_id is None:
        return SessionOut(auth_mode=mode, user_id=None, name=None, is_admin=mode == "none")
    return SessionOut(
        auth_mode=mode,
        user_id=principal.user_id,
        name=principal.name,
        is_admin=principal.is_admin,
    )


@router.get("", response_model=SessionOut, responses=SIGNED_IN_ONLY)
async def read_session(request: Request, c: ContainerDep) -> SessionOut:
    """The signed-in user (Bearer token or session cookie); 401 when nobody is."""
    mode = c.settings.auth.mode
    if mode == "none":
        return _out(mode, None)
    return _out(mode, await principal_of(request))


@router.post(
    "",
    response_model=SessionOut,
    responses={**UNREADABLE_BODY, **SIGNED_IN_ONLY, 422: {"model": ErrorOut}},
)
async def open_session(
    body: SessionIn, request: Request, response: Response, c: ContainerDep
) -> SessionOut:
    """Sign in a browser: a valid access token in the body sets the session cookie."""
    auth = c.settings.auth
    if auth.mode == "none":
        return _out(auth.mode, None)
    ttl = timedelta(hours=auth.session_ttl_h)
    async with counting_failures(request, Credentials(bearer=body.token)) as gate:
        signed = await sign_in(c.uow_factory, c.authenticator, body.token, ttl, gate)
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_id,
        max_age=int(ttl.total_seconds()),
        path="/",
        secure=auth.cookie_secure,
        httponly=True,
        samesite="Strict",  # type: ignore[arg-type]  # starlette writes the value as given
    )
    response.headers["Cache-Control"] = "no-store"
    return _out(auth.mode, signed.principal)


@router.delete("", status_code=204, response_class=Response)
async def close_session(request: Request, c: ContainerDep) -> Response:
    """Sign out: the session is deleted and the cookie cleared (also when none was open)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await sign_out(c.uow_factory, session_id)
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=c.settings.auth.cookie_secure,
        httponly=True,
        samesite="Strict",  # type: ignore[arg-type]
    )
    return response
