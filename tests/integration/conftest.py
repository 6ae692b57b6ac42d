from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.integration.api_client import Api
from tests.integration.live import LiveServer

ApiFactory = Callable[[float], Awaitable[Api]]


@pytest.fixture(scope="session")
async def api_for(
    db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ApiFactory]:
    """Live servers on ``db_url`` running the echo pipeline at a given delay per piece."""
    servers: dict[float, tuple[LiveServer, Api]] = {}
    data_dir = tmp_path_factory.mktemp("data")

    async def get(delay_ms: float) -> Api:
        if delay_ms not in servers:
            server = await LiveServer(
                database_url=db_url,
                pipeline="echo",
                echo_delay_ms=delay_ms,
                data_dir=data_dir,
                front_dist=data_dir / "no-front",
                stream_recheck_s=5.0,
            ).start()
            servers[delay_ms] = (server, Api(server.url))
        return servers[delay_ms][1]

    yield get
    for server, api in servers.values():
        await api.close()
        await server.stop()


@pytest.fixture
async def api(api_for: ApiFactory) -> Api:
    """A server whose answers take ~20 ms per piece: slow enough to cut and cancel."""
    return await api_for(20)


@pytest.fixture
async def fast_api(api_for: ApiFactory) -> Api:
    return await api_for(0)
