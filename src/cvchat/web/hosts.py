"""Auth mode ``none`` answers only to the names this machine is reached by.

Anyone who can send requests to a ``none``-mode server is its local user. A browser on this
machine can be made to: a page on ``evil.example`` whose name then re-resolves to 127.0.0.1
(DNS rebinding) sends its requests to the local server as same-origin, and reads the
answers. Those requests carry ``Host: evil.example``, so every request whose Host is not a
loopback name, the address ``cvchat serve --host`` bound, or a name listed in
``CVCHAT_ALLOWED_HOSTS`` is refused (400) before any route runs. Token mode needs no list:
a rebinding page holds no token.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from cvchat.web.errors import send_error

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Bind addresses that are no name a client could send.
_ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})


def host_name(header: str) -> str | None:
    """The name of a ``Host`` header without its port, lower case (``[::1]:80`` → ``::1``)."""
    try:
        name = urlsplit(f"//{header.strip()}").hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def _listed(name: str) -> str | None:
    """A configured name or address as ``host_name`` reads it (a bare IPv6 gets brackets)."""
    name = name.strip()
    return host_name(f"[{name}]" if name.count(":") > 1 and "[" not in name else name)


def allowed_host_names(bind_host: str, configured: Iterable[str]) -> frozenset[str]:
    """Loopback names, the bound address (unless it is a wildcard), and ``configured``."""
    bound = () if bind_host.strip().strip("[]") in _ANY_ADDRESS else (bind_host,)
    names = {_listed(n) for n in (*LOOPBACK_NAMES, *bound, *configured)}
    return frozenset(n for n in names if n)


class HostAllowList:
    """Answers 400 (JSON) to an HTTP request whose ``Host`` names none of ``allowed``."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"")
        sent = header.decode("latin-1")
        if host_name(sent) in self.allowed:
            await self.app(scope, receive, send)
            return
        detail = (
            f"this server does not answer to Host {sent[:100]!r}: in auth mode 'none' it "
            f"answers only to {', '.join(sorted(self.allowed))}; add the name you use to "
            "CVCHAT_ALLOWED_HOSTS, or serve in auth mode 'token'"
        )
        await send_error(send, 400, detail)
