"""Run counts read from the database at scrape time: the whole deployment's queue, not one
process's view.

Two queries per scrape: counts per status (PostgreSQL answers it from the
``(status, heartbeat_at)`` index) and the oldest queued run (the same index narrows it to
the queued rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from cvchat.domain.model import RunStatus, utcnow
from cvchat.infrastructure.db.engine import Database
from cvchat.infrastructure.db.tables import runs


@dataclass(frozen=True)
class RunStats:
    by_status: dict[str, int]
    oldest_queued_at: datetime | None
    read_at: datetime

    @property
    def queue_depth(self) -> int:
        return self.by_status.get(str(RunStatus.QUEUED), 0)

    @property
    def oldest_queued_age_s(self) -> float:
        if self.oldest_queued_at is None:
            return 0.0
        return max(0.0, (self.read_at - self.oldest_queued_at).total_seconds())


async def read_run_stats(db: Database) -> RunStats:
    counts = {str(status): 0 for status in RunStatus}
    async with db.reader.connect() as conn:
        rows = await conn.execute(select(runs.c.status, func.count()).group_by(runs.c.status))
        for status, count in rows.all():
            counts[str(status)] = int(count)
        oldest = await conn.scalar(
            select(func.min(runs.c.created_at)).where(runs.c.status == str(RunStatus.QUEUED))
        )
    return RunStats(counts, oldest, utcnow())
