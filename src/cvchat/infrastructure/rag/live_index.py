"""Indexing uploads while the service runs: in the serving process, or by queue workers.

Either way a build is ``IndexStore.build`` under its file lock, so uploads that arrive
together, or during a `cvchat index`, are indexed by the next build and none is served
half-built. A build takes every queued CV at once: ten uploads in a burst cost one or two
builds, not ten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from cvchat.application.corpus import index_queued
from cvchat.domain.corpus import BuildOutcome
from cvchat.domain.ports import UnitOfWorkFactory
from cvchat.infrastructure.rag.store import IndexStore

if TYPE_CHECKING:
    from procrastinate import App

log = logging.getLogger(__name__)

TASK = "cvchat.index_uploads"


class StoreBuilder:
    """``IndexBuilder`` over the index store, off the event loop."""

    def __init__(self, store: IndexStore) -> None:
        self._store = store

    async def build(self) -> BuildOutcome:
        # The report, not a snapshot: a query loading the new version meanwhile gets the
        # previous one from ``snapshot()``, which would not hold the new files.
        report = await asyncio.to_thread(self._store.build)
        return BuildOutcome(
            indexed=frozenset(report.indexed_files),
            skipped={s.file: s.reason for s in report.skipped},
        )


class _Forgetting:
    def __init__(self, store: IndexStore) -> None:
        self._store = store

    async def forget(self, cv_id: str) -> bool:
        return await asyncio.to_thread(self._store.forget, cv_id)


class InProcessIndexing(_Forgetting):
    """``CorpusIndex`` of the embedded default: one background task builds when asked."""

    def __init__(self, store: IndexStore, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(store)
        self._builder = StoreBuilder(store)
        self._uow_factory = uow_factory
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._wake.set()  # CVs queued or half-indexed before a restart are taken now
        self._task = asyncio.create_task(self._loop(), name="live-indexing")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None

    async def request(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await index_queued(self._uow_factory, self._builder)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database was away: the CVs stay queued for the next try
                log.exception("indexing uploaded CVs failed; retrying in 5 s")
                await asyncio.sleep(5)
                self._wake.set()


class QueueIndexing(_Forgetting):
    """``CorpusIndex`` of queue mode: a job that any `cvchat worker` runs."""

    def __init__(self, store: IndexStore, app: App) -> None:
        super().__init__(store)
        self._app = app

    async def start(self) -> None:
        await self.request()  # CVs left queued by a restart

    async def stop(self) -> None:
        return None

    async def request(self) -> None:
        from procrastinate import exceptions

        # One waiting job at most: it indexes every CV queued by the time it runs.
        deferrer = self._app.configure_task(TASK, lock=TASK, queueing_lock=TASK)
        with contextlib.suppress(exceptions.AlreadyEnqueued):
            await deferrer.defer_async()


def register_index_task(app: App, store: IndexStore, uow_factory: UnitOfWorkFactory) -> None:
    """Let a worker run the indexing job."""
    builder = StoreBuilder(store)

    async def index_uploads() -> None:
        await index_queued(uow_factory, builder)

    app.task(name=TASK)(index_uploads)
