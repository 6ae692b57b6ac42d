"""``GET /metrics`` of a live server: the Prometheus text after real runs and streams."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
from cvchat.settings import LlmRoleSettings, RetrievalSettings
from tests.integration.api_client import Api
from tests.integration.live import LiveServer


class Scrape:
    def __init__(self, text: str) -> None:
        self.families = {f.name: f for f in text_string_to_metric_families(text)}

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples called ``name`` whose labels include ``labels``."""
        return sum(
            s.value
            for family in self.families.values()
            for s in family.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )


@pytest.fixture
async def server(own_db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    live = await LiveServer(
        database_url=own_db_url,
        pipeline="echo",
        echo_delay_ms=10,
        # Tokens start after a pause in which the test's stream has opened, however busy
        # the machine: only events written after the stream opened count as deliveries.
        echo_retrieve_ms=300,
        data_dir=tmp_path,
        front_dist=tmp_path / "no-front",
    ).start()
    api = Api(live.url)
    yield api
    await api.close()
    await live.stop()


async def scrape(api: Api) -> Scrape:
    r = await api.http.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return Scrape(r.text)


async def test_a_finished_run_shows_in_durations_counts_and_deliveries(server: Api) -> None:
    before = await scrape(server)
    assert before.value("cvchat_run_stats_up") == 1
    for status in ("queued", "running", "done", "error", "canceled"):
        assert status in {s.labels.get("status") for s in before.families["cvchat_runs"].samples}
    thread = await server.new_thread()
    run_id = await server.ask(thread, "one two three four five")
    frames = await server.events(run_id)
    assert frames[-1].data == {"status": "done"}
    # The executor records the duration just after the run's last commit, which the stream
    # may deliver first: give it a moment (bounded).
    deadline = time.monotonic() + 5
    while True:
        after = await scrape(server)
        recorded = after.value("cvchat_run_duration_seconds_count", outcome="done")
        if recorded > before.value("cvchat_run_duration_seconds_count", outcome="done"):
            break
        assert time.monotonic() < deadline, "the run's duration was never recorded"
        await asyncio.sleep(0.02)

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert delta("cvchat_run_duration_seconds_count", outcome="done") == 1
    assert delta("cvchat_run_duration_seconds_count", outcome="error") == 0
    assert delta("cvchat_runs", status="done") == 1
    assert after.value("cvchat_runs", status="running") == 0
    # The echo answer takes ~10 ms per piece: the run lasted at least the 5 pieces.
    assert delta("cvchat_run_duration_seconds_sum", outcome="done") >= 0.05
    delivered = delta("cvchat_event_delivery_seconds_count")
    assert len(frames) - 2 <= delivered <= len(frames)  # tool events may precede the stream
    assert after.value("cvchat_event_delivery_seconds_bucket", le="+Inf") >= delivered
    assert after.value("cvchat_active_streams") == 0
    assert after.value("process_resident_memory_bytes") > 0


async def test_open_streams_queue_depth_and_cancels(server: Api) -> None:
    thread = await server.new_thread()
    long = " ".join(["word"] * 400)  # ~4 s at 10 ms per piece
    first = await server.ask(thread, long)
    waiting = await server.ask(thread, "then this")  # enqueued behind the first
    head = await server.events(first, stop_after=3)
    assert head
    reader = asyncio.create_task(server.events(first))
    await asyncio.sleep(0.3)
    before = await scrape(server)
    assert before.value("cvchat_active_streams") == 1
    assert before.value("cvchat_queue_depth") >= 1
    assert before.value("cvchat_runs", status="queued") == before.value("cvchat_queue_depth")
    assert before.value("cvchat_queue_oldest_age_seconds") >= 0.3
    for run_id in (waiting, first):
        assert (await server.cancel(run_id)).status_code == 202
    frames = await asyncio.wait_for(reader, 10)
    assert frames[-1].data == {"status": "canceled"}
    await asyncio.sleep(0.2)
    after = await scrape(server)
    assert after.value("cvchat_active_streams") == 0
    # Only the run that was executing has a duration; the queued one never started.
    canceled = after.value("cvchat_run_duration_seconds_count", outcome="canceled")
    assert canceled - before.value("cvchat_run_duration_seconds_count", outcome="canceled") == 1
    assert (
        after.value("cvchat_runs", status="canceled")
        - before.value("cvchat_runs", status="canceled")
        == 2
    )


async def test_retrieval_and_model_latencies_with_the_rag_pipeline(
    db_url: str, rag_data_dir: Path
) -> None:
    live = await LiveServer(
        database_url=db_url,
        pipeline="rag",
        data_dir=rag_data_dir,
        front_dist=rag_data_dir / "no-front",
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL),
        answer=LlmRoleSettings(provider="offline"),
    ).start()
    api = Api(live.url)
    try:
        thread = await api.new_thread()
        frames = await api.events(await api.ask(thread, "Who knows Kubernetes?"))
        assert frames[-1].data == {"status": "done"}
        after = await scrape(api)
        assert after.value("cvchat_retrieval_seconds_count") == 1
        assert after.value("cvchat_llm_first_token_seconds_count", provider="offline") == 1
        assert after.value("cvchat_llm_duration_seconds_count", provider="offline") == 1
        assert after.value("cvchat_llm_duration_seconds_sum") >= after.value(
            "cvchat_llm_first_token_seconds_sum"
        )
    finally:
        await api.close()
        await live.stop()


async def test_metrics_can_be_switched_off(db_url: str, tmp_path: Path) -> None:
    from cvchat.settings import MetricsSettings

    live = await LiveServer(
        database_url=db_url,
        pipeline="echo",
        data_dir=tmp_path,
        front_dist=tmp_path / "no-front",
        metrics=MetricsSettings(enabled=False),
    ).start()
    api = Api(live.url)
    try:
        r = await api.http.get("/metrics")
        assert r.status_code == 404 and "detail" in r.json()
    finally:
        await api.close()
        await live.stop()


async def test_a_worker_serves_its_metrics_on_its_own_port() -> None:
    import httpx

    from cvchat.infrastructure.observability.metrics import (
        PrometheusTelemetry,
        start_metrics_server,
    )
    from cvchat.infrastructure.observability.run_stats import RunStats

    telemetry = PrometheusTelemetry()

    async def stats() -> RunStats:
        from cvchat.domain.model import utcnow

        return RunStats({"queued": 2, "done": 5}, utcnow(), utcnow())

    telemetry.watch_runs(stats, asyncio.get_running_loop())
    telemetry.run_finished("done", 1.5)
    server = start_metrics_server(telemetry, 0)
    try:
        async with httpx.AsyncClient() as http:
            r = await http.get(f"http://127.0.0.1:{server.port}/metrics")
        text = Scrape(r.text)
        assert text.value("cvchat_run_duration_seconds_count", outcome="done") == 1
        assert text.value("cvchat_run_duration_seconds_sum", outcome="done") == 1.5
        assert text.value("cvchat_queue_depth") == 2
        assert text.value("cvchat_runs", status="done") == 5
    finally:
        server.stop()
