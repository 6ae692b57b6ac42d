"""Guessing tokens is not free: failed sign-ins are counted per client address, and an
address over its budget is refused (429) before any more Argon2 work is spent on it."""

from __future__ import annotations

from pathlib import Path

import httpx

from cvchat.settings import LimitSettings
from tests.integration.live import NO_LIMITS
from tests.security.auth_server import new_member, private_url, token_server

FAILURES = 3


async def test_failed_sign_ins_are_limited_per_address(db_url: str, tmp_path: Path) -> None:
    url = await private_url(db_url, tmp_path)
    member = await new_member(url)
    limits = LimitSettings(**{**NO_LIMITS.model_dump(), "failed_sign_ins_per_minute": FAILURES})
    server = await token_server(url, tmp_path, limits=limits)
    wrong = {"Authorization": f"Bearer {member.token[:-4]}xxxx"}
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            # A valid token and a request without credentials cost nothing.
            assert (await http.get("/api/session", headers=member.auth)).status_code == 200
            assert (await http.get("/api/session")).status_code == 401
            # The budget: bearer guesses and browser sign-ins with a bad token both count.
            for _ in range(FAILURES - 1):
                assert (await http.get("/api/session", headers=wrong)).status_code == 401
            bad_sign_in = await http.post("/api/session", json={"token": "cvc_nope_nope"})
            assert bad_sign_in.status_code == 401
            # Spent: the next guess is refused without being checked, with a wait to honour.
            refused = await http.get("/api/session", headers=wrong)
            assert refused.status_code == 429, refused.text
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            assert "failed sign-ins" in refused.json()["detail"]
            # ... and so is a valid token from that address until the window frees.
            assert (await http.get("/api/session", headers=member.auth)).status_code == 429
            again = await http.post("/api/session", json={"token": member.token})
            assert again.status_code == 429 and "set-cookie" not in again.headers
    finally:
        await server.stop()
