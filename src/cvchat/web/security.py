"""Security headers on every response, and the interactive docs under their own policy.

Every response of the API and of the chat client gets a strict Content-Security-Policy
(no inline script: the built client is one module script from ``/assets``), plus
``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
no-referrer``, and ``Strict-Transport-Security`` only when ``CVCHAT_BEHIND_TLS`` says a
TLS proxy fronts the service (HSTS over plain HTTP would be ignored or, worse, pin a
name that has no TLS).

``/docs`` (Swagger UI) needs two CDN files and one inline script. Rather than loosening
the policy for everything, the docs page is served here with its own policy: exactly
those two CDN files and the SHA-256 of that one inline script, computed from the page
itself. A response that sets its own CSP keeps it; every other header is always set.
ReDoc is not served (it would need a wider policy and adds nothing to ``/docs``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SWAGGER_JS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
SWAGGER_CSS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
SWAGGER_ICON = "https://fastapi.tiangolo.com/img/favicon.png"
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def base_headers(*, hsts: bool) -> list[tuple[str, str]]:
    headers = [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


class SecurityHeaders:
    """Adds the security headers to every HTTP response (errors and streams included)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = base_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                for name, value in self.headers:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def script_hashes(html: str) -> list[str]:
    """CSP sources for each inline ``<script>`` of ``html``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    ]


@lru_cache(maxsize=4)
def _docs_page(openapi_url: str, title: str) -> tuple[bytes, str]:
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=SWAGGER_JS,
        swagger_css_url=SWAGGER_CSS,
        swagger_favicon_url=SWAGGER_ICON,
    )
    html = bytes(page.body).decode()
    policy = (
        f"default-src 'self'; script-src {SWAGGER_JS} {' '.join(script_hashes(html))}; "
        # Swagger UI sets style attributes as it renders; styles cannot run code.
        f"style-src {SWAGGER_CSS} 'unsafe-inline'; img-src 'self' data: {SWAGGER_ICON}; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    return bytes(page.body), policy


def install_docs(app: FastAPI) -> None:
    """``GET /docs``: Swagger UI with a policy that allows exactly what it loads."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        body, policy = _docs_page(openapi_url, f"{app.title} - Swagger UI")
        return HTMLResponse(body, headers={"Content-Security-Policy": policy})


def install_security_headers(app: FastAPI, *, hsts: bool) -> None:
    """Wrap the whole middleware stack, outside Starlette's ``ServerErrorMiddleware``, so
    that even a 500 answered by the last-resort handler carries the headers."""
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), hsts=hsts)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
