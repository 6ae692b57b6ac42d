"""Processes SIGKILLed mid-run, round after round: every run in flight ends (done, or
error when its executor died after it had spoken) or is retried, within 30 s of the kill,
and its log is complete and stored once.

In-process executors: the API processes execute, so they are the victims. Queue mode:
workers and API processes in turn.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.chaos.conftest import open_stage
from tests.chaos.support import Stage, figures
from tests.integration.test_workers import assert_complete_log
from tests.integration.workers_support import (
    ApiProcess,
    WorkerProcess,
    drop_database,
    read_until_end,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

ROUNDS = 3
RUNS_PER_ROUND = 6
ENDED_WITHIN_S = 30.0


@pytest.fixture(params=["inprocess", "queue"])
async def stage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Stage]:
    stage = await open_stage(
        None, tmp_path, CVCHAT_EXECUTOR=request.param, CVCHAT_ECHO_DELAY_MS="20"
    )
    try:
        yield stage
    finally:
        await stage.close()
        await drop_database(stage.dsn)


async def test_sigkill_mid_run_every_run_ends_or_is_retried_within_30_s(stage: Stage) -> None:
    queue = stage.env["CVCHAT_EXECUTOR"] == "queue"
    rng = random.Random(5)
    apis: list[ApiProcess] = [await stage.api(), await stage.api()]
    workers: list[WorkerProcess] = [await stage.worker(3), await stage.worker(3)] if queue else []
    outcomes: dict[str, int] = {}
    ended_after: list[float] = []
    victims: list[str] = []
    conn = await asyncpg.connect(stage.dsn)
    try:
        for round_no in range(ROUNDS):
            runs = []
            for i in range(RUNS_PER_ROUND):
                poster = apis[i % 2]
                thread = await poster.api.new_thread()
                runs.append(await poster.api.ask(thread, " ".join(["word"] * 150)))
            for run_id in runs:
                await apis[0].api.events(run_id, stop_after=3)

            # Queue mode: a worker, then an API process, then a worker again.
            victim = rng.choice(workers if queue and round_no % 2 == 0 else apis)
            survivor = next(api for api in apis if api is not victim)
            victim.kill()
            killed_at = time.monotonic()
            victims.append("worker" if isinstance(victim, WorkerProcess) else "api")

            async def read(
                run_id: str, api: ApiProcess = survivor, killed_at: float = killed_at
            ) -> tuple[str, float]:
                frames, _ = await read_until_end(api.api, run_id, deadline_s=ENDED_WITHIN_S + 10)
                status = str(frames[-1].data["status"])
                took = time.monotonic() - killed_at
                assert_complete_log(frames, status)
                assert frames == await stage.stored(run_id), run_id
                return status, took

            for (status, took), run_id in zip(
                await asyncio.gather(*(read(r) for r in runs)), runs, strict=True
            ):
                assert status in {"done", "error"}, status
                answers = await conn.fetchval(
                    "SELECT count(*) FROM messages WHERE run_id = $1 AND role = 'assistant'",
                    run_id,
                )
                assert answers == 1, f"{answers} answers stored for {run_id}"
                outcomes[status] = outcomes.get(status, 0) + 1
                ended_after.append(took)

            # A replacement takes the victim's place for the next round.
            if isinstance(victim, WorkerProcess):
                workers[workers.index(victim)] = await stage.worker(3)
            elif isinstance(victim, ApiProcess):
                apis[apis.index(victim)] = await stage.api()
            for proc in [*apis, *workers]:
                assert proc.alive(), proc.tail()
    finally:
        await conn.close()

    figures(
        f"SIGKILL mid-run, {'queue mode' if queue else 'in-process executors'}",
        rounds=ROUNDS,
        victims=", ".join(victims),
        runs=len(ended_after),
        outcomes=", ".join(f"{n} {s}" for s, n in sorted(outcomes.items())),
        ended_after_kill=f"max {max(ended_after):.1f} s (bound {ENDED_WITHIN_S:.0f} s)",
    )
    assert max(ended_after) <= ENDED_WITHIN_S, ended_after
