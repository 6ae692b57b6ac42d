"""A thin client so that API tests read like a user's steps; parses the SSE wire format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Frame:
    id: int
    event: str
    data: dict[str, Any]


def parse_sse(lines: list[str]) -> tuple[list[Frame], list[str]]:
    """Frames and comment lines from raw SSE lines (the server's exact framing)."""
    frames: list[Frame] = []
    comments: list[str] = []
    fields: dict[str, str] = {}
    for line in [*lines, ""]:
        if line == "":
            if "event" in fields:
                frames.append(Frame(int(fields["id"]), fields["event"], json.loads(fields["data"])))
            fields = {}
        elif line.startswith(":"):
            comments.append(line)
        else:
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
    return frames, comments


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def close(self) -> None:
        await self.http.aclose()

    async def user(self, name: str) -> str:
        r = await self.http.post("/api/users", json={"name": name})
        assert r.status_code == 201, r.text
        return str(r.json()["user_id"])

    async def thread(self, user_id: str) -> str:
        r = await self.http.post("/api/threads", json={"user_id": user_id})
        assert r.status_code == 201, r.text
        return str(r.json()["thread_id"])

    async def new_thread(self) -> str:
        import uuid

        return await self.thread(await self.user(f"user-{uuid.uuid4().hex[:8]}"))

    async def ask(self, thread_id: str, content: str, strategy: str | None = None) -> str:
        body: dict[str, Any] = {"content": content}
        if strategy:
            body["multitask_strategy"] = strategy
        r = await self.http.post(f"/api/threads/{thread_id}/messages", json=body)
        assert r.status_code == 202, r.text
        return str(r.json()["run_id"])

    async def run(self, run_id: str) -> dict[str, Any]:
        r = await self.http.get(f"/api/runs/{run_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def cancel(self, run_id: str) -> httpx.Response:
        return await self.http.post(f"/api/runs/{run_id}/cancel")

    async def events(
        self,
        run_id: str,
        *,
        after: int | None = None,
        header: bool = True,
        stop_after: int | None = None,
    ) -> list[Frame]:
        """Read the stream; with ``stop_after``, disconnect after that many events."""
        headers: dict[str, str] = {}
        params: dict[str, str] = {}
        if after is not None:
            if header:
                headers["Last-Event-ID"] = str(after)
            else:
                params["last_event_id"] = str(after)
        lines: list[str] = []
        count = 0
        async with self.http.stream(
            "GET", f"/api/runs/{run_id}/events", headers=headers, params=params
        ) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                lines.append(line)
                if line.startswith("event:"):
                    count += 1
                if stop_after is not None and line == "" and count >= stop_after:
                    break
        frames, _ = parse_sse(lines)
        return frames
