"""The embedded executor: runs execute as asyncio tasks of this process.

Per thread, one drain task claims the oldest queued run (the claim is atomic in the
database, so several processes can share the work) and executes it; the next one starts
only after it ends. Each claim has its own owner id, heart-beaten while it executes and
handed back (ended) after it, whatever happened (``claims.py``); a sweeper ends the runs
whose owner went silent (a stopped process, an ending the database refused) and picks up
queued work nobody executes.

A burst of posts is answered before its runs start. A submit that follows another within
``BURST_GAP_S`` belongs to a burst: its claim waits until submits have paused that long (at
most ``burst_hold_s`` after it), so the posts still arriving do not queue behind run starts
and token streaming on this one event loop. A lone post's run starts at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from cvchat.application.idempotency import purge_expired_keys
from cvchat.application.recovery import expire_stale_runs, resubmit_orphaned_queues
from cvchat.domain.model import Run, utcnow
from cvchat.domain.ports import Notifier, UnitOfWorkFactory
from cvchat.infrastructure.executor.claims import Claims

log = logging.getLogger(__name__)

BURST_GAP_S = 0.02  # submits closer than this are one burst (a post costs ~2 ms of CPU)


class InProcessExecutor:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        execute: Callable[[Run], Awaitable[bool | None]],
        *,
        lease_s: float = 15.0,
        expire_all_running: bool = False,
        burst_hold_s: float = 0.25,
    ) -> None:
        """``expire_all_running`` is for a single-process database (embedded SQLite): any
        run still ``running`` when this executor starts belongs to a process that is gone.
        ``burst_hold_s``: the longest a run of a burst waits to start (0: never)."""
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._lease_s = lease_s
        self._claims = Claims(uow_factory, notifier, execute)
        self._drains: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._background: list[asyncio.Task[None]] = []
        self._stopping = False
        self._expire_all_running = expire_all_running
        self._burst_hold_s = burst_hold_s
        self._last_submit = -BURST_GAP_S

    async def submit(self, thread_id: str) -> None:
        if self._stopping:
            return
        now = asyncio.get_running_loop().time()
        hold_until = now + self._burst_hold_s if now - self._last_submit < BURST_GAP_S else 0.0
        self._last_submit = now
        if thread_id in self._drains:
            self._again.add(thread_id)
            return
        drain = self._drain(thread_id, hold_until)
        self._drains[thread_id] = asyncio.create_task(drain, name=f"drain-{thread_id}")

    async def _burst_over(self, hold_until: float) -> None:
        """Until submits pause for ``BURST_GAP_S``, or ``hold_until``."""
        loop = asyncio.get_running_loop()
        while (now := loop.time()) < hold_until:
            quiet_for = now - self._last_submit
            if quiet_for >= BURST_GAP_S:
                return
            await asyncio.sleep(min(BURST_GAP_S - quiet_for, hold_until - now))

    async def _drain(self, thread_id: str, hold_until: float = 0.0) -> None:
        try:
            await self._burst_over(hold_until)
            while not self._stopping:
                self._again.discard(thread_id)
                if not await self._claims.execute_next(thread_id):
                    if thread_id in self._again:
                        continue
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # no claim (the database is away): the sweeper resubmits it
            log.exception("could not claim a run of thread %s", thread_id)
        finally:
            self._drains.pop(thread_id, None)

    async def start(self) -> None:
        """Recover what a previous process left, then keep heartbeat and sweeper going."""
        if self._expire_all_running:
            await expire_stale_runs(self._uow_factory, self._notifier, utcnow())
        await self.sweep()
        self._background = [
            asyncio.create_task(self._every(self._lease_s / 3, self._claims.heartbeat)),
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
        """Stop taking work and cancel what runs: each claim ends its run as it unwinds."""
        self._stopping = True
        for task in self._background:
            task.cancel()
        drains = list(self._drains.values())
        for task in drains:
            task.cancel()
        await asyncio.gather(*self._background, *drains, return_exceptions=True)
