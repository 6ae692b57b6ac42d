"""The job-queue executor: API processes enqueue, ``cvchat worker`` processes execute.

The queue is procrastinate on the service's own PostgreSQL (LISTEN/NOTIFY wakes idle
workers at once). A job names a thread, not a run: it is deferred with ``lock=thread_id``
(procrastinate runs jobs of one lock one at a time, in creation order) and
``queueing_lock=thread_id`` (at most one job of a thread waits: posting ten messages
fast makes one job). The job drains the thread: it claims the oldest queued run
(``RunLog.claim`` is atomic and refuses while another run of the thread runs), executes it
with ``RunExecution``, and claims again until nothing is queued. Runs of one thread thus
execute one at a time and in order, whichever workers pick the jobs up.

Each claim gets its own owner id, heart-beaten while it executes; after it, whatever is
still ``running`` under that owner is handed back (``claims.py``): requeued while it has
no token, else ended. The
sweeper, safe in every process, requeues or ends the runs of silent owners, releases the
jobs of workers procrastinate considers dead (their lock would block the thread forever)
and re-enqueues queued threads that have no job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from procrastinate import App, PsycopgConnector
from procrastinate import exceptions as pq_exceptions
from procrastinate.jobs import Job, Status

from cvchat.application.idempotency import purge_expired_keys
from cvchat.application.recovery import recover_stale_runs
from cvchat.domain.errors import DomainError
from cvchat.domain.model import Run, utcnow
from cvchat.domain.ports import Notifier, UnitOfWorkFactory
from cvchat.infrastructure.db.engine import asyncpg_dsn
from cvchat.infrastructure.executor.claims import Claims

log = logging.getLogger(__name__)

TASK = "cvchat.execute_thread"
NEEDS_POSTGRES = (
    "CVCHAT_EXECUTOR=queue needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://…): "
    "the job queue and the cross-process notifications live there. "
    "With SQLite use CVCHAT_EXECUTOR=inprocess."
)

# Queued runs whose thread has no waiting or running job: nobody would execute them.
ORPHANED_THREADS = """
SELECT r.thread_id
  FROM runs r
 WHERE r.status = 'queued'
   AND NOT EXISTS (
       SELECT 1 FROM procrastinate_jobs j
        WHERE j.lock = r.thread_id AND j.status IN ('todo', 'doing'))
 GROUP BY r.thread_id
 ORDER BY min(r.created_at)
"""


def build_queue_app(database_url: str, *, max_pool: int = 10) -> App:
    if database_url.startswith("sqlite"):
        raise DomainError(NEEDS_POSTGRES)
    connector = PsycopgConnector(conninfo=asyncpg_dsn(database_url), min_size=1, max_size=max_pool)
    return App(connector=connector)


def _job(app: App, thread_id: str) -> Job:
    """The job that drains ``thread_id``: one at a time per thread (``lock``), at most one
    waiting (``queueing_lock``)."""
    deferrer = app.configure_task(TASK, lock=thread_id, queueing_lock=thread_id)
    return deferrer.make_new_job(thread_id=thread_id)


def _settle(done: asyncio.Future[None], outcome: BaseException | None) -> None:
    if done.done():
        return
    if outcome is None:
        done.set_result(None)
    else:
        done.set_exception(outcome)


def _retrieved(done: asyncio.Future[None]) -> None:
    if not done.cancelled():
        done.exception()


class QueueExecutor:
    """The executor port of every process in queue mode: ``submit`` only defers a job."""

    def __init__(
        self,
        app: App,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        *,
        lease_s: float = 15.0,
        max_attempts: int = 3,
    ) -> None:
        self.app = app
        self._uow_factory = uow_factory
        self._notifier = notifier
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self._sweeper: asyncio.Task[None] | None = None
        self._opened = False
        self._pending: dict[str, asyncio.Future[None]] = {}  # thread → its caller's wait
        self._deferrer: asyncio.Task[None] | None = None

    async def submit(self, thread_id: str) -> None:
        """Defer the thread's job; returns once it is stored (or one already waits).

        Submits that arrive while a deferral is out go together in the next one: one
        statement for all their threads. Under a burst of posts a deferral per post was
        most of a post's CPU in queue mode (procrastinate's call through psycopg); a lone
        submit goes out at once.
        """
        done = self._pending.get(thread_id)
        if done is None:
            done = self._pending[thread_id] = asyncio.get_running_loop().create_future()
            done.add_done_callback(_retrieved)  # a caller that went away leaves no warning
            if self._deferrer is None or self._deferrer.done():
                self._deferrer = asyncio.create_task(self._defer_pending())
        await asyncio.shield(done)

    async def _defer_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            outcomes: list[BaseException | None]
            try:
                await self.app.job_manager.batch_defer_jobs_async(
                    [_job(self.app, t) for t in batch]
                )
                outcomes = [None] * len(batch)
            except pq_exceptions.AlreadyEnqueued:
                # One of them has a waiting job already (the batch is one statement, so
                # nothing was stored): each on its own, that one suppressed.
                outcomes = await asyncio.gather(
                    *(self._defer_one(t) for t in batch), return_exceptions=True
                )
            except Exception as exc:
                outcomes = [exc] * len(batch)
            for done, outcome in zip(batch.values(), outcomes, strict=True):
                _settle(done, outcome)

    async def _defer_one(self, thread_id: str) -> None:
        # AlreadyEnqueued: a job of this thread waits already; it will claim this run too.
        with contextlib.suppress(pq_exceptions.AlreadyEnqueued):
            await self.app.job_manager.defer_job_async(_job(self.app, thread_id))

    async def open(self) -> None:
        if not self._opened:
            await self.app.open_async()
            self._opened = True

    async def start(self) -> None:
        await self.open()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="queue-sweeper")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(BaseException):
                await self._sweeper
            self._sweeper = None
        if self._deferrer is not None:  # deferrals under way are stored before the close
            with contextlib.suppress(Exception):
                await self._deferrer
        if self._opened:
            await self.app.close_async()
            self._opened = False

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 2)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be away for a while
                log.warning("queue sweep failed: %s", exc)

    async def sweep(self) -> None:
        older_than = utcnow() - timedelta(seconds=self.lease_s)
        recovered = await recover_stale_runs(
            self._uow_factory,
            self._notifier,
            older_than,
            max_attempts=self.max_attempts,
            resubmit=self.submit,
        )
        if recovered.requeued or recovered.ended:
            log.warning(
                "runs of lost workers: requeued %s, ended %s",
                [r.run_id for r in recovered.requeued],
                recovered.ended,
            )
        await self._release_stalled_jobs()
        for thread_id in await self._orphaned_threads():
            await self.submit(thread_id)
        await purge_expired_keys(self._uow_factory)

    async def _release_stalled_jobs(self) -> None:
        """Fail the jobs of workers without a heartbeat, so that their thread lock frees."""
        stalled = await self.app.job_manager.get_stalled_jobs(
            task_name=TASK, seconds_since_heartbeat=self.lease_s
        )
        for job in stalled:
            try:
                await self.app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
                log.warning("released the job of thread %s from a lost worker", job.lock)
            except pq_exceptions.ProcrastinateException:
                pass  # another sweeper released it first

    async def _orphaned_threads(self) -> list[str]:
        rows = await self.app.connector.execute_query_all_async(ORPHANED_THREADS)
        return [str(row["thread_id"]) for row in rows]


class QueueWorker:
    """One ``cvchat worker`` process: executes the jobs of any thread, ``concurrency`` at once.

    On ``stop()`` (SIGTERM) it takes no new run; running ones get ``grace_s`` to finish,
    then they are cancelled and handed back like the runs of a lost worker.
    """

    def __init__(
        self,
        executor: QueueExecutor,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        execute: Callable[[Run], Awaitable[bool | None]],
        *,
        concurrency: int = 4,
        grace_s: float = 30.0,
    ) -> None:
        self._executor = executor
        self._concurrency = concurrency
        self._grace_s = grace_s
        self._claims = Claims(
            uow_factory,
            notifier,
            execute,
            max_attempts=executor.max_attempts,
            resubmit=executor.submit,
        )
        self.identity = self._claims.identity
        self._stopping = False
        self._worker: asyncio.Task[None] | None = None
        executor.app.task(name=TASK)(self.execute_thread)

    async def execute_thread(self, thread_id: str) -> None:
        """The job: execute the thread's queued runs, oldest first, until none is left."""
        while not self._stopping:
            if not await self._claims.execute_next(thread_id):
                return
        # Stopping: what is still queued in this thread goes to another worker.
        await self._executor.submit(thread_id)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._executor.lease_s / 3)
            try:
                await self._claims.heartbeat()
            except Exception as exc:
                log.warning("run heartbeat failed: %s", exc)

    def _worker_options(self) -> dict[str, Any]:
        lease = self._executor.lease_s
        return {
            "name": f"cvchat-{self.identity}",
            "concurrency": self._concurrency,
            "shutdown_graceful_timeout": self._grace_s,
            "install_signal_handlers": False,
            "update_heartbeat_interval": lease / 3,
            "stalled_worker_timeout": lease,
            "delete_jobs": "successful",
            "listen_notify": True,
            "fetch_job_polling_interval": max(0.5, lease / 2),
        }

    async def run(self) -> None:
        """Execute jobs until ``stop()``; a lost database connection restarts the loop."""
        heartbeat = asyncio.create_task(self._heartbeat(), name="run-heartbeat")
        delay = 0.2
        try:
            while not self._stopping:
                self._worker = asyncio.create_task(
                    self._executor.app.run_worker_async(**self._worker_options())
                )
                try:
                    await self._worker
                    delay = 0.2
                except asyncio.CancelledError:
                    if not self._stopping:
                        raise
                except Exception as exc:
                    log.warning("worker loop stopped (%s); restarting in %.1f s", exc, delay)
                finally:
                    self._worker = None
                if not self._stopping:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await heartbeat

    def stop(self) -> None:
        """Take no new run; running ones finish within the grace period (signal-safe)."""
        if self._stopping:
            return
        log.info("stopping: no new runs; %d executing", len(self._claims.owners))
        self._stopping = True
        if self._worker is not None:
            self._worker.cancel()  # procrastinate's graceful shutdown, see its Worker.run
