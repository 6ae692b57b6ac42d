"""PostgreSQL LISTEN/NOTIFY: one listening connection per process, fanned out locally.

Every process sees every note, including its own (NOTIFY is delivered to the sender's
LISTEN too), so a stream in one process wakes for events another process wrote, and a
cancel accepted anywhere reaches the executor wherever it runs. If the listening
connection drops, it is reopened with backoff and every subscriber re-reads, since
notes sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg

from cvchat.domain.events import RunNote
from cvchat.domain.model import RunStatus
from cvchat.infrastructure.notify.hub import Hub, Probe

log = logging.getLogger(__name__)

CHANNEL = "cvchat_runs"


class PostgresNotifier(Hub):
    def __init__(
        self, dsn: str, channel: str = CHANNEL, probe: Probe | None = None, probe_s: float = 5.0
    ) -> None:
        super().__init__(probe, probe_s)
        self._dsn = dsn
        self._channel = channel
        self._conn: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()
        self._reconnect: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        await self._connect()
        self.start_probe()

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        await conn.add_listener(self._channel, self._on_notify)
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            raw = json.loads(payload)
            note = RunNote(raw["r"], int(raw["s"]), RunStatus(raw["st"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed notification: %.200s", payload)
            return
        self.dispatch(note)

    def _on_lost(self, _conn: object) -> None:
        self._conn = None
        if not self._closing and self._reconnect is None:
            self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        delay = 0.1
        try:
            while not self._closing:
                try:
                    await self._connect()
                    log.info("notification connection restored")
                    self.resync_all()
                    return
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("notification connection lost, retrying: %s", exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
        finally:
            self._reconnect = None

    async def publish(self, note: RunNote) -> None:
        if note.events:
            # This process's streams take the events from the note at once; the NOTIFY
            # below wakes the other processes (and comes back here as a no-op).
            self.dispatch(note)
        payload = json.dumps({"r": note.run_id, "s": note.seq, "st": str(note.status)})
        async with self._send_lock:
            conn = self._conn
            if conn is None or conn.is_closed():
                # Readers still see the write through their safety re-check.
                log.warning("notification for run %s not sent: no connection", note.run_id)
                self.dispatch(note)
                return
            try:
                await conn.execute("SELECT pg_notify($1, $2)", self._channel, payload)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("notification for run %s not sent: %s", note.run_id, exc)
                self.dispatch(note)

    async def stop(self) -> None:
        self._closing = True
        await self.stop_probe()
        if self._reconnect is not None:
            self._reconnect.cancel()
            with contextlib.suppress(BaseException):
                await self._reconnect
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()
        self._conn = None
