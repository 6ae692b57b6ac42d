"""Auth mode ``none``: every request is the one local user (a loopback-bound server)."""

from __future__ import annotations

from cvchat.domain.access import LOCAL, Credentials, Principal


class LocalAuthenticator:
    async def authenticate(self, credentials: Credentials) -> Principal | None:
        return LOCAL
