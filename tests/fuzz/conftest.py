from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.integration.api_client import Api, Frame
from tests.integration.live import LiveServer


@dataclass(frozen=True)
class FinishedRun:
    api: Api
    thread_id: str
    run_id: str
    frames: list[Frame]  # the whole log, read once


@pytest.fixture(scope="session")
async def finished_run(
    db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FinishedRun]:
    """A live server on ``db_url`` (auth mode none, echo pipeline) and one run that has ended."""
    data_dir = tmp_path_factory.mktemp("fuzz-live")
    server = await LiveServer(
        database_url=db_url,
        pipeline="echo",
        echo_delay_ms=0,
        data_dir=data_dir,
        front_dist=data_dir / "no-front",
    ).start()
    api = Api(server.url)
    thread_id = await api.new_thread()
    run_id = await api.ask(thread_id, "one two three four five six seven")
    frames = await api.events(run_id)
    assert frames[-1].event == "state"
    yield FinishedRun(api, thread_id, run_id, frames)
    await api.close()
    await server.stop()
