"""The composition root: which adapter serves which port, decided from settings, once."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING

from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.streaming import LogFeed, run_progress
from cvchat.domain.access import Authenticator
from cvchat.domain.errors import DomainError
from cvchat.domain.ports import AnswerPipeline, Executor, Notifier
from cvchat.infrastructure.auth import LocalAuthenticator, TokenAuthenticator
from cvchat.infrastructure.db.engine import Database, asyncpg_dsn, create_database
from cvchat.infrastructure.db.unit_of_work import SqlUnitOfWorkFactory
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from cvchat.infrastructure.notify.postgres import Channel, PostgresNotifier
from cvchat.infrastructure.observability.metrics import PrometheusTelemetry
from cvchat.infrastructure.observability.run_stats import read_run_stats
from cvchat.infrastructure.rate_limits import RateLimits
from cvchat.settings import Settings

if TYPE_CHECKING:
    from cvchat.infrastructure.profiles.corpus import IndexProfiles
    from cvchat.infrastructure.rag.corpus_files import FolderFiles
    from cvchat.infrastructure.rag.live_index import InProcessIndexing, QueueIndexing
    from cvchat.infrastructure.rag.store import IndexStore

log = logging.getLogger(__name__)


def build_pipeline(
    settings: Settings, index_store: IndexStore | None, telemetry: PrometheusTelemetry | None = None
) -> AnswerPipeline:
    if settings.pipeline == "echo":
        from cvchat.infrastructure.pipelines.echo import EchoPipeline

        return EchoPipeline(
            delay_s=settings.echo_delay_ms / 1000, retrieve_s=settings.echo_retrieve_ms / 1000
        )
    from cvchat.infrastructure.pipelines.rag import build_rag_pipeline

    assert index_store is not None, "build_index_store gives the rag pipeline its index"
    return build_rag_pipeline(settings, index_store, telemetry)


def build_index_store(settings: Settings) -> IndexStore | None:
    """The live, hot-reloading index (``None`` when retrieval is not needed)."""
    if settings.pipeline == "echo" and not settings.index_dir.exists():
        return None
    from cvchat.infrastructure.rag.store import IndexStore

    return IndexStore(settings)


def build_authenticator(settings: Settings, uow_factory: SqlUnitOfWorkFactory) -> Authenticator:
    """Auth mode ``none``: the local user; ``token``: personal access tokens and sessions."""
    if settings.auth.mode == "none":
        return LocalAuthenticator()
    from cvchat.infrastructure.auth.hashing import Argon2SecretHasher

    return TokenAuthenticator(uow_factory, Argon2SecretHasher(), settings.auth.token_cache_s)


def build_executor(
    settings: Settings,
    db: Database,
    uow_factory: SqlUnitOfWorkFactory,
    notifier: Notifier,
    execution: RunExecution,
) -> Executor:
    """``inprocess`` (embedded default) or ``queue`` (PostgreSQL job queue + workers)."""
    if settings.executor == "queue":
        from cvchat.infrastructure.executor.queue import (
            NEEDS_POSTGRES,
            QueueExecutor,
            build_queue_app,
        )

        if db.is_sqlite:
            raise DomainError(NEEDS_POSTGRES)
        return QueueExecutor(
            # Jobs fetched and finished, one LISTEN connection, deferrals: a small pool.
            build_queue_app(settings.database_url, max_pool=settings.worker.concurrency + 3),
            uow_factory,
            notifier,
            lease_s=settings.run_lease_s,
            max_attempts=settings.worker.max_attempts,
        )
    # One process on an embedded SQLite file: whatever is still running at start is lost.
    return InProcessExecutor(
        uow_factory,
        notifier,
        execution,
        lease_s=settings.run_lease_s,
        expire_all_running=db.is_sqlite,
        burst_hold_s=settings.burst_hold_ms / 1000,
    )


def build_corpus(
    index_store: IndexStore, uow_factory: SqlUnitOfWorkFactory, executor: Executor
) -> tuple[FolderFiles, InProcessIndexing | QueueIndexing]:
    """Uploads are indexed by this process (embedded default) or by queue workers."""
    from cvchat.infrastructure.rag.corpus_files import FolderFiles
    from cvchat.infrastructure.rag.live_index import InProcessIndexing, QueueIndexing

    files = FolderFiles(index_store)
    if isinstance(executor, InProcessExecutor):
        return files, InProcessIndexing(index_store, uow_factory)
    from cvchat.infrastructure.executor.queue import QueueExecutor

    assert isinstance(executor, QueueExecutor)
    return files, QueueIndexing(index_store, executor.app)


@dataclass
class Container:
    """Every long-lived component of a process; the web app and the worker read them here."""

    settings: Settings
    db: Database
    uow_factory: SqlUnitOfWorkFactory
    notifier: Notifier
    executor: Executor
    feed: LogFeed
    pipeline: AnswerPipeline
    index_store: IndexStore | None = None  # the live, hot-reloading index
    authenticator: Authenticator = field(default_factory=LocalAuthenticator)
    telemetry: PrometheusTelemetry = field(default_factory=PrometheusTelemetry)
    execution: RunExecution | None = None  # what `cvchat worker` runs its jobs with
    # Uploads and deletes (None without an index store: the echo pipeline).
    corpus_files: FolderFiles | None = None
    corpus_index: InProcessIndexing | QueueIndexing | None = None
    rate_limits: RateLimits = field(init=False)

    def __post_init__(self) -> None:
        limits = self.settings.limits
        enabled = limits.per_user_applies(self.settings.auth.mode)
        self.rate_limits = RateLimits(limits, enabled=enabled)

    @cached_property
    def profiles(self) -> IndexProfiles | None:
        """The profiles of the index version in service (``None`` without an index)."""
        if self.index_store is None:
            return None
        from cvchat.infrastructure.profiles.corpus import IndexProfiles

        return IndexProfiles(self.index_store)

    async def start(self) -> None:
        self.telemetry.watch_runs(partial(read_run_stats, self.db), asyncio.get_running_loop())
        if self.index_store is not None:
            # Load the model and the index now, not during the first question.
            await asyncio.to_thread(self.index_store.warm_up)
        await self.notifier.start()
        await self.executor.start()
        if self.corpus_index is not None:
            await self.corpus_index.start()

    async def stop(self) -> None:
        if self.corpus_index is not None:
            await self.corpus_index.stop()
        await self.executor.stop()
        await self.notifier.stop()
        await self.db.dispose()


def bootstrap(settings: Settings, *, pipeline: AnswerPipeline | None = None) -> Container:
    db = create_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    channel = None if db.is_sqlite else Channel()  # token appends notify on it themselves
    uow_factory = SqlUnitOfWorkFactory(db, announce=channel, coalesce=settings.coalesce_appends)
    probe = partial(run_progress, uow_factory)
    notifier: Notifier = (
        InProcessNotifier(probe, settings.stream_recheck_s)
        if channel is None
        else PostgresNotifier(
            asyncpg_dsn(settings.database_url),
            channel,
            probe=probe,
            probe_s=settings.stream_recheck_s,
        )
    )
    telemetry = PrometheusTelemetry()
    index_store = build_index_store(settings) if pipeline is None else None
    pipeline = pipeline or build_pipeline(settings, index_store, telemetry)
    execution = RunExecution(
        uow_factory,
        notifier,
        pipeline,
        ExecutionSettings(
            batch_s=settings.token_batch_ms / 1000,
            batch_size=settings.token_batch_size,
            token_budget=settings.limits.run_token_budget,
        ),
        telemetry,
    )
    executor = build_executor(settings, db, uow_factory, notifier, execution)
    feed = LogFeed(uow_factory, notifier, telemetry)
    container = Container(
        settings, db, uow_factory, notifier, executor, feed, pipeline, index_store
    )
    container.authenticator = build_authenticator(settings, uow_factory)
    if index_store is not None:
        container.corpus_files, container.corpus_index = build_corpus(
            index_store, uow_factory, executor
        )
    container.telemetry = telemetry
    container.execution = execution
    return container
