"""Prometheus metrics: the ``Telemetry`` port as histograms and gauges, plus run counts
read from the database at scrape time.

Each container owns its registry (several servers in one test process stay apart). API
processes serve it at ``GET /metrics``; worker processes with ``start_metrics_server``.
Histograms and the stream gauge are per process (Prometheus sums them over instances);
``cvchat_runs``, ``cvchat_queue_depth`` and ``cvchat_queue_oldest_age_seconds`` describe
the whole database, so every instance reports the same values (aggregate them with
``max``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from cvchat.infrastructure.observability.run_stats import RunStats

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds. Deliveries are milliseconds when all is well; runs and model streams, seconds.
DELIVERY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RUN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)
FIRST_TOKEN_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
LLM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
RETRIEVAL_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class RunStatsCollector(Collector):
    """Reads the run counts when scraped, on the event loop that owns the database engine.

    ``collect`` runs in a thread (the ``/metrics`` route renders in one; the worker's metrics
    server has its own), so it hands the query to the loop and waits at most ``timeout_s``.
    A failed read drops the run series and sets ``cvchat_run_stats_up`` to 0.
    """

    def __init__(
        self,
        read: Callable[[], Awaitable[RunStats]],
        loop: asyncio.AbstractEventLoop,
        timeout_s: float = 5.0,
    ) -> None:
        self._read = read
        self._loop = loop
        self._timeout_s = timeout_s

    def describe(self) -> list[Metric]:
        return []  # nothing to read at registration; names are unique by construction

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "cvchat_run_stats_up", "1 if the run counts could be read from the database."
        )
        try:
            stats = self._fetch()
        except Exception as exc:
            log.warning("metrics: cannot read run counts: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        by_status = GaugeMetricFamily(
            "cvchat_runs", "Runs in the database by status.", labels=["status"]
        )
        for status, count in sorted(stats.by_status.items()):
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily(
            "cvchat_queue_depth", "Runs waiting to start (status queued).", value=stats.queue_depth
        )
        yield GaugeMetricFamily(
            "cvchat_queue_oldest_age_seconds",
            "Age of the oldest queued run (0 when none waits).",
            value=stats.oldest_queued_age_s,
        )

    def _fetch(self) -> RunStats:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            raise RuntimeError("collect() must not run on the loop it reads with")
        future = asyncio.run_coroutine_threadsafe(self._read_once(), self._loop)
        try:
            return future.result(self._timeout_s)
        finally:
            future.cancel()

    async def _read_once(self) -> RunStats:
        return await self._read()


class PrometheusTelemetry:
    """The ``Telemetry`` port for Prometheus, with its own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.run_duration = Histogram(
            "cvchat_run_duration_seconds",
            "Run execution time (claim to end) by outcome: done, error, canceled, handed_back.",
            ["outcome"],
            buckets=RUN_BUCKETS,
            registry=r,
        )
        self.retrieval_latency = Histogram(
            "cvchat_retrieval_seconds",
            "Time of one retrieval over the index.",
            buckets=RETRIEVAL_BUCKETS,
            registry=r,
        )
        self.first_token_latency = Histogram(
            "cvchat_llm_first_token_seconds",
            "Time from the model request to its first text piece, by provider.",
            ["provider"],
            buckets=FIRST_TOKEN_BUCKETS,
            registry=r,
        )
        self.llm_latency = Histogram(
            "cvchat_llm_duration_seconds",
            "Time from the model request to the end of its stream, by provider.",
            ["provider"],
            buckets=LLM_BUCKETS,
            registry=r,
        )
        self.active_streams = Gauge(
            "cvchat_active_streams", "Event streams open on this process.", registry=r
        )
        self.delivery_latency = Histogram(
            "cvchat_event_delivery_seconds",
            "Time from an event being stored to its frame being written to a client.",
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self._run_stats: RunStatsCollector | None = None
        self._lock = threading.Lock()

    # --- the Telemetry port -------------------------------------------------------------

    def run_finished(self, outcome: str, seconds: float) -> None:
        self.run_duration.labels(outcome=outcome).observe(seconds)

    def retrieval_finished(self, seconds: float) -> None:
        self.retrieval_latency.observe(seconds)

    def llm_first_token(self, provider: str, seconds: float) -> None:
        self.first_token_latency.labels(provider=provider).observe(seconds)

    def llm_finished(self, provider: str, seconds: float) -> None:
        self.llm_latency.labels(provider=provider).observe(seconds)

    def stream_opened(self) -> None:
        self.active_streams.inc()

    def stream_closed(self) -> None:
        self.active_streams.dec()

    def events_delivered(self, latencies_s: list[float]) -> None:
        for seconds in latencies_s:
            self.delivery_latency.observe(max(0.0, seconds))  # clocks of two hosts may disagree

    # --- wiring ---------------------------------------------------------------------------

    def watch_runs(
        self, read: Callable[[], Awaitable[RunStats]], loop: asyncio.AbstractEventLoop
    ) -> None:
        """Report the database's run counts, read with ``read`` on ``loop``, at each scrape."""
        with self._lock:
            if self._run_stats is not None:
                self.registry.unregister(self._run_stats)
            self._run_stats = RunStatsCollector(read, loop)
            self.registry.register(self._run_stats)

    def render(self) -> bytes:
        """The text exposition; call it off the event loop (it waits for the database)."""
        return generate_latest(self.registry)


class MetricsServer:
    """A worker's ``/metrics`` endpoint on its own port (a daemon thread)."""

    def __init__(self, server: Any, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.port: int = server.server_address[1]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_metrics_server(
    telemetry: PrometheusTelemetry, port: int, host: str = "127.0.0.1"
) -> MetricsServer:
    """Serve ``telemetry``'s registry at ``http://host:port/metrics`` (port 0: any free one).

    For processes without the API (``cvchat worker``); call it after the container started,
    so that the run counts are wired to its event loop.
    """
    server, thread = start_http_server(port, addr=host, registry=telemetry.registry)
    log.info("metrics served on http://%s:%d/metrics", host, server.server_address[1])
    return MetricsServer(server, thread)
