"""Request size limits (body → 413, headers → 431) and the idle timeout of streams.

Header bytes are bounded twice. ``HeaderSizeLimit`` answers 431 with a JSON detail for any
request whose headers together exceed ``CVCHAT_LIMITS__MAX_HEADER_BYTES``, whichever HTTP
parser runs. With ``cvchat serve --http h11`` the parser also stops buffering a head that
is still arriving past ``server_head_bound`` (uvicorn's ``h11_max_incomplete_event_size``;
it answers 400), which bounds memory per connection; httptools (the default, faster)
reads a whole head before the app sees it, so public deployments behind no proxy that
caps header size should use ``--http h11``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cvchat.web.errors import send_error

T = TypeVar("T")

MAX_BODY = 1024 * 1024


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` past the limit. An ``HTTPException``, so that FastAPI, which
    answers 400 for any other error while it reads a body, lets it through as a 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body over {max_bytes} bytes")


class BodySizeLimit:
    """``uploads``: POST paths with a limit of their own (file uploads), else ``max_bytes``."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY, uploads: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_max = max_bytes
        self.uploads = dict(uploads or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.default_max
        if scope.get("method") == "POST":
            max_bytes = self.uploads.get(scope.get("path", ""), max_bytes)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send, max_bytes)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, max_bytes)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        await send_error(send, 413, BodyTooLarge(max_bytes).detail)


def server_head_bound(max_header_bytes: int) -> int:
    """The parser's hard bound on a request head: the header limit plus a long request line."""
    return max_header_bytes + 16 * 1024


def header_bytes(scope: Scope) -> int:
    """The size of the request's headers as sent: ``name: value\r\n`` each."""
    return sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))


class HeaderSizeLimit:
    """Answer 431 to a request whose headers together exceed ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or header_bytes(scope) <= self.max_bytes:
            await self.app(scope, receive, send)
            return
        detail = f"request headers over {self.max_bytes} bytes in total"
        await send_error(send, 431, detail, ((b"connection", b"close"),))
