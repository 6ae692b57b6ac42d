"""``cvchat worker``: execute runs from the PostgreSQL job queue, on any machine.

API processes started with ``CVCHAT_EXECUTOR=queue`` only enqueue; as many workers as
wanted, wherever they reach the database, execute. SIGTERM (or Ctrl-C) stops taking
runs, lets running ones finish within ``CVCHAT_WORKER__GRACE_S``, hands back the rest.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from cvchat import collector
from cvchat.settings import Settings, get_settings


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Runs executed at once (default CVCHAT_WORKER__CONCURRENCY)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve Prometheus /metrics on this port (CVCHAT_METRICS__WORKER_PORT)."),
    ] = None,
) -> None:
    """Execute queued runs (PostgreSQL only; start API processes with CVCHAT_EXECUTOR=queue)."""
    from cvchat.cli import _logging
    from cvchat.infrastructure.executor.queue import NEEDS_POSTGRES

    _logging(log_level)
    settings = get_settings()
    if settings.is_sqlite:
        typer.echo(f"cannot start: {NEEDS_POSTGRES}", err=True)
        raise typer.Exit(2)
    settings.executor = "queue"
    if metrics_port is not None:
        settings.metrics.worker_port = metrics_port
    if concurrency is not None:
        settings.worker.concurrency = concurrency
    asyncio.run(_work(settings, settings.worker.concurrency))


async def _work(settings: Settings, concurrency: int) -> None:
    from cvchat.bootstrap import bootstrap
    from cvchat.infrastructure.executor.queue import QueueExecutor, QueueWorker

    container = bootstrap(settings)
    assert isinstance(container.executor, QueueExecutor) and container.execution is not None
    collector.settle()
    # The notifier's LISTEN connection is how a cancel accepted by any API process
    # reaches the run here; the executor's sweeper recovers runs of lost workers.
    await container.start()
    metrics = None
    if settings.metrics.worker_port is not None:
        from cvchat.infrastructure.observability.metrics import start_metrics_server

        metrics = start_metrics_server(
            container.telemetry, settings.metrics.worker_port, settings.metrics.worker_host
        )
    queue_worker = QueueWorker(
        container.executor,
        container.uow_factory,
        container.notifier,
        container.execution,
        concurrency=concurrency,
        grace_s=settings.worker.grace_s,
    )
    if container.index_store is not None:
        from cvchat.infrastructure.rag.live_index import register_index_task

        register_index_task(container.executor.app, container.index_store, container.uow_factory)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, queue_worker.stop)
    try:
        await queue_worker.run()
    finally:
        if metrics is not None:
            metrics.stop()
        await container.stop()
