"""Guessing tokens is not free: failed sign-ins are counted per client address and token
tried, and a spent pair is refused (429) before any more Argon2 work is spent on it. One
guesser behind a shared address (a proxy) locks out only the token they guess at, and a
token this process verified recently is never refused."""

from __future__ import annotations

from pathlib import Path

import httpx

from cvchat.settings import LimitSettings
from tests.integration.live import NO_LIMITS
from tests.security.auth_server import Member, new_member, private_url, token_server

FAILURES = 3


def wrong(member: Member) -> dict[str, str]:
    """The member's token id with another secret: a guess that costs a hash."""
    return {"Authorization": f"Bearer {member.token[:-4]}xxxx"}


async def test_failed_sign_ins_are_limited_per_address_and_token(
    db_url: str, tmp_path: Path
) -> None:
    url = await private_url(db_url, tmp_path)
    ana, ben, cleo = [await new_member(url) for _ in range(3)]
    limits = LimitSettings(**{**NO_LIMITS.model_dump(), "failed_sign_ins_per_minute": FAILURES})
    server = await token_server(url, tmp_path, limits=limits)
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            # A valid token and a request without credentials cost nothing.
            assert (await http.get("/api/session", headers=ana.auth)).status_code == 200
            assert (await http.get("/api/session")).status_code == 401
            # The budget of ana's token: bearer guesses and a browser sign-in both count.
            for _ in range(FAILURES - 1):
                assert (await http.get("/api/session", headers=wrong(ana))).status_code == 401
            bad_token = wrong(ana)["Authorization"].removeprefix("Bearer ")
            bad_sign_in = await http.post("/api/session", json={"token": bad_token})
            assert bad_sign_in.status_code == 401
            # Spent: the next guess at that token is refused unchecked, with a wait to honour.
            refused = await http.get("/api/session", headers=wrong(ana))
            assert refused.status_code == 429, refused.text
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            assert "failed sign-ins" in refused.json()["detail"]
            # Ana's own token, verified a moment ago, still works; so does her browser.
            assert (await http.get("/api/session", headers=ana.auth)).status_code == 200
            again = await http.post("/api/session", json={"token": ana.token})
            assert again.status_code == 200 and "set-cookie" in again.headers
            http.cookies.clear()
            # Everyone else at the same address (one proxy) signs in as usual.
            assert (await http.get("/api/session", headers=ben.auth)).status_code == 200
            cookie = await http.post("/api/session", json={"token": cleo.token})
            assert cookie.status_code == 200
            http.cookies.clear()
            # Junk is never hashed, so it is never refused and counts against nobody.
            for _ in range(FAILURES + 1):
                junk = {"Authorization": "Bearer cvc_junk"}
                assert (await http.get("/api/session", headers=junk)).status_code == 401
            assert (await http.get("/api/session", headers=ben.auth)).status_code == 200
    finally:
        await server.stop()


async def test_a_spent_token_waits_until_this_process_has_verified_it(
    db_url: str, tmp_path: Path
) -> None:
    """Telling a right secret from a guess costs the hash the limit saves: a token whose own
    budget was spent before this process ever verified it waits, like the guesses."""
    url = await private_url(db_url, tmp_path)
    dana = await new_member(url)
    limits = LimitSettings(**{**NO_LIMITS.model_dump(), "failed_sign_ins_per_minute": FAILURES})
    server = await token_server(url, tmp_path, limits=limits)
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            for _ in range(FAILURES):
                assert (await http.get("/api/session", headers=wrong(dana))).status_code == 401
            assert (await http.get("/api/session", headers=dana.auth)).status_code == 429
    finally:
        await server.stop()
