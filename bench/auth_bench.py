"""What authentication costs a request in auth mode ``token``.

Measures, on a real database, the ``Authenticator`` port as the web layer calls it:
a token whose Argon2 check must run (first use, or after the cache period), a token
verified recently (cached; the row is still read, for revocation), a session cookie, and,
as the baseline, one primary-key read of a user (what any request costs anyway).

    .venv/bin/python bench/auth_bench.py [--db-url URL] [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from cvchat.application.access import create_user_with_token, sign_in
from cvchat.domain.access import Credentials
from cvchat.infrastructure.auth.hashing import Argon2SecretHasher
from cvchat.infrastructure.auth.tokens import TokenAuthenticator
from cvchat.infrastructure.db.engine import create_database
from cvchat.infrastructure.db.migrate import upgrade
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory


async def interleaved(
    rounds: int, actions: dict[str, Callable[[], Awaitable[object]]]
) -> dict[str, list[float]]:
    """Milliseconds per call, the actions taking turns so that load drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.perf_counter()
            await action()
            samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def summary(name: str, samples: list[float], baseline: float) -> str:
    q = statistics.quantiles(samples, n=100)
    median = statistics.median(samples)
    return (
        f"{name:<28} median {median:8.3f} ms   p95 {q[94]:8.3f} ms   "
        f"x{median / baseline:7.1f} baseline"
    )


async def main(db_url: str, rounds: int) -> None:
    await asyncio.to_thread(upgrade, db_url)
    db = create_database(db_url)
    uow = SqlUnitOfWorkFactory(db)
    hasher = Argon2SecretHasher()
    try:
        issued = await create_user_with_token(uow, hasher, f"bench-{time.time_ns()}")
        creds = Credentials(bearer=issued.text)

        async def read_user() -> object:
            async with uow(read_only=True) as u:
                return await u.users.get(issued.user.user_id)

        cold = TokenAuthenticator(uow, hasher, cache_s=0)  # every call runs Argon2
        cached = TokenAuthenticator(uow, hasher, cache_s=300)
        await cached.authenticate(creds)
        signed = await sign_in(uow, cached, issued.text, timedelta(hours=1))
        session = Credentials(session=signed.session_id)

        await interleaved(20, {"warm-up": read_user})
        results = await interleaved(
            rounds,
            {
                "baseline: read a user by id": read_user,
                "token, cached check": lambda: cached.authenticate(creds),
                "session cookie": lambda: cached.authenticate(session),
            },
        )
        slow = await interleaved(
            max(10, rounds // 20),
            {
                "baseline (same rounds)": read_user,
                "token, Argon2 check": lambda: cold.authenticate(creds),
            },
        )
        results["token, Argon2 check"] = slow["token, Argon2 check"]
        base = statistics.median(results["baseline: read a user by id"])
        print(f"database: {db_url.split('://')[0]}, rounds: {rounds}")
        for name, samples in results.items():
            print(summary(name, samples, base))
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    url = args.db_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/auth-bench.db"
    asyncio.run(main(url, args.rounds))
