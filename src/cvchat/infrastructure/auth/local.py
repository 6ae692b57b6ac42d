"""Auth mode ``none``: every request is the one local user (a loopback-bound server)."""

from __future__ import annotations

from cvchat.domain.access import LOCAL, OPEN_GATE, Credentials, Gate, Principal


class LocalAuthenticator:
    async def authenticate(
        self, credentials: Credentials, gate: Gate = OPEN_GATE
    ) -> Principal | None:
        return LOCAL
