"""This process's claims on runs: an owner id per claim, kept alive while it executes.

Both executors claim a thread's next run under a fresh owner id, heart-beat that id only
while the run executes, and hand back whatever is still ``running`` under it afterwards,
however the execution ended (returned, raised, or was cancelled by a shutdown): the run is
ended or, where the executor allows, requeued (``application/recovery.py``). An execution
that reports it committed the run's ending itself has nothing to hand back, and skipping
that look saves each run a transaction. If even that
write fails (the database is away), the id is no longer heart-beaten, so the run goes stale
and the sweeper of any process ends it once the database is back. A process-wide owner
would keep such a run alive, and its thread blocked, for as long as the process lives.

Owner ids always fit the ``runs.owner`` column, whatever the host name: a long one (cloud
FQDNs) is cut and suffixed with a digest, so ids stay unique and readable.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from cvchat.application.recovery import WORKER_LOST, recover_stale_runs
from cvchat.domain.model import Run, utcnow
from cvchat.domain.ports import Notifier, UnitOfWorkFactory
from cvchat.infrastructure.db.tables import runs
from cvchat.infrastructure.observability.logging import bind_run

log = logging.getLogger(__name__)

SHUTDOWN = "The server shut down while this run was executing. Please ask again."
OWNER_LENGTH: int = runs.c.owner.type.length  # type: ignore[attr-defined]
CLAIM_DIGITS = 20  # "#" and a claim counter up to 2**64


def process_identity() -> str:
    """``host:pid:random``, short enough that ``identity#claim`` fits ``runs.owner``."""
    tail = f":{os.getpid()}:{uuid.uuid4().hex[:8]}"
    room = OWNER_LENGTH - CLAIM_DIGITS - 1 - len(tail)
    host = socket.gethostname()
    if len(host) > room:
        digest = hashlib.sha256(host.encode()).hexdigest()[:8]
        host = f"{host[: room - len(digest) - 1]}~{digest}"
    return host + tail


class Claims:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        execute: Callable[[Run], Awaitable[bool | None]],
        *,
        max_attempts: int = 0,
        resubmit: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        """``max_attempts``, ``resubmit``: how a handed-back run may be requeued (0: never)."""
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._execute = execute
        self._max_attempts = max_attempts
        self._resubmit = resubmit
        self.identity = process_identity()
        self._counter = itertools.count(1)
        self.owners: set[str] = set()  # the claims executing now: these are heart-beaten

    async def execute_next(self, thread_id: str) -> bool:
        """Claim the thread's oldest queued run, execute it, hand it back; ``False`` when
        nothing could be claimed (none queued, or another run of the thread is running)."""
        owner = f"{self.identity}#{next(self._counter)}"
        run = await self._uow_factory.log.claim(thread_id, owner)
        if run is None:
            return False
        self.owners.add(owner)
        reason = WORKER_LOST
        ended = False
        try:
            with bind_run(run.run_id, run.thread_id):
                ended = bool(await self._execute(run))
            log.info("run %s left worker %s", run.run_id, owner)
        except asyncio.CancelledError:
            reason = SHUTDOWN
            raise
        except Exception:
            log.exception("executing run %s failed", run.run_id)
        finally:
            self.owners.discard(owner)
            if not ended:  # an execution that committed its run's ending left nothing
                await self._hand_back(owner, reason)
        return True

    async def _hand_back(self, owner: str, reason: str) -> None:
        """Requeue or end the run if it is still ``running`` under ``owner``."""
        try:
            await recover_stale_runs(
                self._uow_factory,
                self._notifier,
                utcnow() + timedelta(seconds=1),
                reason=reason,
                owner=owner,
                max_attempts=self._max_attempts,
                resubmit=self._resubmit,
            )
        except Exception:  # no database: the sweepers will, once the lease is over
            log.exception("could not hand back the run of %s; the sweeper will end it", owner)

    async def heartbeat(self) -> None:
        """Mark the runs being executed as alive (one statement for all of them)."""
        owners = list(self.owners)
        if owners:
            async with self._uow_factory() as uow:
                await uow.runs.heartbeat(owners, utcnow())
                await uow.commit()
