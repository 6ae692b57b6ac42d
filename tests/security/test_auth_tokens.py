"""Personal access tokens: issued by the real CLI, stored hashed, revoked at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx

from cvchat.application.access import issue_token, revoke_token
from cvchat.domain.access import Credentials, Principal, parse_token
from cvchat.infrastructure.auth.hashing import Argon2SecretHasher
from cvchat.infrastructure.auth.tokens import TokenAuthenticator
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.tables import access_tokens
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from tests.integration.live import LiveServer
from tests.security.auth_server import fetch_rows, new_member

CLI = str(Path(sys.executable).with_name("cvchat"))


def cvchat(auth_db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": auth_db}
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)


async def test_the_cli_creates_users_issues_lists_and_revokes_tokens(
    server: LiveServer, auth_db: str
) -> None:
    name = f"cli-{os.getpid()}-{id(server) % 10_000}"
    created = await asyncio.to_thread(cvchat, auth_db, "users", "create", name)
    assert created.returncode == 0, created.stderr
    first = created.stdout.strip()
    assert parse_token(first) is not None and created.stdout.count("\n") == 1  # the token alone
    assert "not shown again" in created.stderr and first not in created.stderr
    again = await asyncio.to_thread(cvchat, auth_db, "users", "create", name)
    assert again.returncode == 1 and "taken" in again.stderr and again.stdout == ""

    second = (await asyncio.to_thread(cvchat, auth_db, "users", "token", name)).stdout.strip()
    assert parse_token(second) is not None and second != first
    async with httpx.AsyncClient(base_url=server.url) as http:
        for token in (first, second):
            r = await http.get("/api/session", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200 and r.json()["name"] == name

        listed = await asyncio.to_thread(cvchat, auth_db, "users", "tokens", name)
        first_id = parse_token(first).token_id  # type: ignore[union-attr]
        assert listed.returncode == 0 and listed.stdout.count("active") == 2
        assert first_id in listed.stdout and first not in listed.stdout

        revoked = await asyncio.to_thread(cvchat, auth_db, "users", "revoke", first_id)
        assert revoked.returncode == 0, revoked.stderr
        # The server verified this token a moment ago (and caches that): still refused now.
        r = await http.get("/api/session", headers={"Authorization": f"Bearer {first}"})
        assert r.status_code == 401
        r = await http.get("/api/session", headers={"Authorization": f"Bearer {second}"})
        assert r.status_code == 200
        # Revoking by the whole token works too; a second revoke is an error.
        assert (await asyncio.to_thread(cvchat, auth_db, "users", "revoke", second)).returncode == 0
        r = await http.get("/api/session", headers={"Authorization": f"Bearer {second}"})
        assert r.status_code == 401
    twice = await asyncio.to_thread(cvchat, auth_db, "users", "revoke", first_id)
    assert twice.returncode == 1 and "no active token" in twice.stderr
    unknown = await asyncio.to_thread(cvchat, auth_db, "users", "token", name + "-nobody")
    assert unknown.returncode == 1 and unknown.stdout == ""


async def test_tokens_are_stored_as_argon2_hashes_only(auth_db: str) -> None:
    member = await new_member(auth_db)
    parts = parse_token(member.token)
    assert parts is not None
    rows = await fetch_rows(auth_db, access_tokens, user_id=member.user_id)
    assert len(rows) == 1 and rows[0]["id"] == parts.token_id
    stored = " ".join(str(v) for v in rows[0].values())
    assert member.token not in stored and parts.secret not in stored
    assert rows[0]["token_hash"].startswith("$argon2id$")
    hasher = Argon2SecretHasher()
    assert hasher.verify(parts.secret, rows[0]["token_hash"])
    assert not hasher.verify(parts.secret[:-1] + "x", rows[0]["token_hash"])


class CountingHasher(Argon2SecretHasher):
    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    def verify(self, secret: str, hashed: str) -> bool:
        self.verified += 1
        return super().verify(secret, hashed)


async def test_verifications_are_cached_but_revocation_is_immediate(auth_db: str) -> None:
    member = await new_member(auth_db)
    db = create_database(auth_db)
    now = [1000.0]
    try:
        uow = SqlUnitOfWorkFactory(db)
        hasher = CountingHasher()
        auth = TokenAuthenticator(uow, hasher, cache_s=60, clock=lambda: now[0])
        creds = Credentials(bearer=member.token)
        expected = Principal(member.user_id, member.name)
        for _ in range(5):
            assert await auth.authenticate(creds) == expected
        assert hasher.verified == 1  # Argon2 once; the rest came from the cache
        rows = await fetch_rows(auth_db, access_tokens, user_id=member.user_id)
        assert rows[0]["last_used_at"] is not None
        # A wrong secret for the same id is checked (and refused) every time: never cached.
        token_id = parse_token(member.token).token_id  # type: ignore[union-attr]
        wrong = Credentials(bearer=f"cvc_{token_id}_{'B' * 43}")
        assert await auth.authenticate(wrong) is None
        assert await auth.authenticate(wrong) is None
        assert hasher.verified == 3
        now[0] += 61  # the cache entry expires: Argon2 again
        assert await auth.authenticate(creds) == expected and hasher.verified == 4
        other = await issue_token(uow, hasher, member.name)
        await revoke_token(uow, parse_token(member.token).token_id)  # type: ignore[union-attr]
        assert await auth.authenticate(creds) is None  # cached, yet refused at once
        assert await auth.authenticate(Credentials(bearer=other.text)) == expected
        for junk in ("", "cvc_", "Bearer x", member.token + "x", member.token.upper()):
            assert await auth.authenticate(Credentials(bearer=junk)) is None
    finally:
        await db.dispose()
