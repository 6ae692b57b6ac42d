"""The composition root: which adapter serves which port, decided from settings, once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.streaming import LogFeed, run_progress
from cvchat.domain.ports import AnswerPipeline
from cvchat.infrastructure.db.engine import Database, asyncpg_dsn, create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from cvchat.infrastructure.notify.postgres import PostgresNotifier
from cvchat.settings import Settings
from cvchat.web.sse import encode_event

log = logging.getLogger(__name__)


def build_pipeline(settings: Settings, index_store: Any | None) -> AnswerPipeline:
    if settings.pipeline == "echo":
        from cvchat.infrastructure.pipelines.echo import EchoPipeline

        return EchoPipeline(delay_s=settings.echo_delay_ms / 1000)
    from cvchat.infrastructure.pipelines.rag import build_rag_pipeline

    return build_rag_pipeline(settings, index_store)


def build_index_store(settings: Settings) -> Any | None:
    """The live, hot-reloading index (``None`` when retrieval is not needed)."""
    if settings.pipeline == "echo" and not settings.index_dir.exists():
        return None
    from cvchat.infrastructure.rag.store import IndexStore

    return IndexStore(settings)


@dataclass
class Container:
    settings: Settings
    db: Database
    uow_factory: SqlUnitOfWorkFactory
    notifier: InProcessNotifier | PostgresNotifier
    executor: InProcessExecutor
    feed: LogFeed
    pipeline: AnswerPipeline
    index_store: Any | None = None

    async def start(self) -> None:
        if self.index_store is not None:
            # Load the model and the index now, not during the first question.
            await asyncio.to_thread(self.index_store.warm_up)
        await self.notifier.start()
        await self.executor.start(expire_all_running=self.db.is_sqlite)

    async def stop(self) -> None:
        await self.executor.stop()
        await self.notifier.stop()
        await self.db.dispose()


def bootstrap(settings: Settings, *, pipeline: AnswerPipeline | None = None) -> Container:
    db = create_database(settings.database_url)
    uow_factory = SqlUnitOfWorkFactory(db)
    probe = partial(run_progress, uow_factory)
    notifier: InProcessNotifier | PostgresNotifier = (
        InProcessNotifier(probe, settings.stream_recheck_s)
        if db.is_sqlite
        else PostgresNotifier(
            asyncpg_dsn(settings.database_url), probe=probe, probe_s=settings.stream_recheck_s
        )
    )
    index_store = build_index_store(settings) if pipeline is None else None
    pipeline = pipeline or build_pipeline(settings, index_store)
    execution = RunExecution(
        uow_factory,
        notifier,
        pipeline,
        ExecutionSettings(
            batch_s=settings.token_batch_ms / 1000,
            batch_size=settings.token_batch_size,
        ),
    )
    executor = InProcessExecutor(uow_factory, notifier, execution, lease_s=settings.run_lease_s)
    feed = LogFeed(uow_factory, notifier, encode_event)
    return Container(settings, db, uow_factory, notifier, executor, feed, pipeline, index_store)
