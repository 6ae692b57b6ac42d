"""The embedded executor: runs execute as asyncio tasks of this process.

Per thread, one drain task claims the oldest queued run (the claim is atomic in the
database, so several processes can share the work) and executes it; the next one starts
only after it ends. A heartbeat marks this process's runs as alive; a sweeper ends the runs
of processes that went silent and picks up queued work nobody executes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from cvchat.application.idempotency import purge_expired_keys
from cvchat.application.recovery import expire_stale_runs, resubmit_orphaned_queues
from cvchat.domain.model import Run, utcnow
from cvchat.domain.ports import Notifier, UnitOfWorkFactory
from cvchat.infrastructure.observability.logging import bind_run

log = logging.getLogger(__name__)

SHUTDOWN = "The server shut down while this run was executing. Please ask again."


def process_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InProcessExecutor:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        execute: Callable[[Run], Awaitable[None]],
        *,
        lease_s: float = 15.0,
        owner: str | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._execute = execute
        self._lease_s = lease_s
        self.owner = owner or process_identity()
        self._drains: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._background: list[asyncio.Task[None]] = []
        self._stopping = False

    async def submit(self, thread_id: str) -> None:
        if self._stopping:
            return
        if thread_id in self._drains:
            self._again.add(thread_id)
            return
        task = asyncio.create_task(self._drain(thread_id), name=f"drain-{thread_id}")
        self._drains[thread_id] = task

    async def _drain(self, thread_id: str) -> None:
        try:
            while not self._stopping:
                self._again.discard(thread_id)
                async with self._uow_factory() as uow:
                    run = await uow.runs.claim_next(thread_id, self.owner)
                    await uow.commit()
                if run is None:
                    if thread_id in self._again:
                        continue
                    return
                try:
                    with bind_run(run.run_id, run.thread_id):
                        await self._execute(run)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("executing run %s failed", run.run_id)
        finally:
            self._drains.pop(thread_id, None)

    async def start(self, *, expire_all_running: bool = False) -> None:
        """Recover what a previous process left, then keep heartbeat and sweeper going.

        ``expire_all_running`` is for a single-process database (embedded SQLite): any
        run still ``running`` at start belongs to a process that is gone.
        """
        if expire_all_running:
            await expire_stale_runs(self._uow_factory, self._notifier, utcnow())
        await self.sweep()
        self._background = [
            asyncio.create_task(self._every(self._lease_s / 3, self._heartbeat)),
            asyncio.create_task(self._every(self._lease_s / 2, self.sweep)),
        ]

    async def sweep(self) -> None:
        older_than = utcnow() - timedelta(seconds=self._lease_s)
        expired = await expire_stale_runs(self._uow_factory, self._notifier, older_than)
        if expired:
            log.warning("ended %d runs whose process stopped: %s", len(expired), expired)
        await resubmit_orphaned_queues(self._uow_factory, self)
        try:
            await purge_expired_keys(self._uow_factory)
        except Exception as exc:  # a schema not migrated yet: the runs above matter more
            log.warning("purging expired idempotency keys failed: %s", exc)

    async def _heartbeat(self) -> None:
        async with self._uow_factory() as uow:
            await uow.runs.heartbeat(self.owner, utcnow())
            await uow.commit()

    async def _every(self, period: float, action: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                await action()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic %s failed", getattr(action, "__name__", action))

    async def stop(self) -> None:
        """Stop taking work, cancel what runs, and end this process's runs at once."""
        self._stopping = True
        for task in self._background:
            task.cancel()
        drains = list(self._drains.values())
        for task in drains:
            task.cancel()
        await asyncio.gather(*self._background, *drains, return_exceptions=True)
        with contextlib.suppress(Exception):
            # Our heartbeat stops now; end our runs instead of leaving them to a sweeper.
            await expire_stale_runs(
                self._uow_factory,
                self._notifier,
                utcnow() + timedelta(seconds=1),
                SHUTDOWN,
                owner=self.owner,
            )
