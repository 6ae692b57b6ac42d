"""PostgreSQL LISTEN/NOTIFY: one listening connection per process, fanned out locally.

A stream in one process wakes for events another process wrote, and a cancel accepted
anywhere reaches the executor wherever it runs. Every note is dispatched in this process
first, so the NOTIFY only matters to the others: its payload names its origin, and a
process drops its own echoes. Token appends notify in their own statement (see
``infrastructure/db/log_append.py``), so they cost no second commit and do not queue on
this process's one notifying connection. If the listening connection drops, it is
reopened with backoff and every subscriber re-reads, since notes sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field

import asyncpg

from cvchat.domain.events import RunNote
from cvchat.domain.model import RunStatus
from cvchat.infrastructure.notify.hub import Hub, Probe

log = logging.getLogger(__name__)

CHANNEL = "cvchat_runs"
LISTENER = "cvchat-listener"


@dataclass(frozen=True)
class Channel:
    """Where a process notifies, and as whom: ``origin`` lets it skip its own notes.

    The payload is ``{"r": run id, "s": seq, "st": status, "o": origin}``; the append
    statement builds the same object in SQL.
    """

    name: str = CHANNEL
    origin: str = field(default_factory=lambda: secrets.token_hex(8))

    def payload(self, note: RunNote) -> str:
        return json.dumps(
            {"r": note.run_id, "s": note.seq, "st": str(note.status), "o": self.origin}
        )


class PostgresNotifier(Hub):
    def __init__(
        self,
        dsn: str,
        channel: Channel | None = None,
        probe: Probe | None = None,
        probe_s: float = 5.0,
    ) -> None:
        super().__init__(probe, probe_s)
        self._dsn = dsn
        self.channel = channel or Channel()
        self._conn: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()
        self._reconnect: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        await self._connect()
        self.start_probe()

    async def _connect(self) -> None:
        # Named, so that an operator (and the chaos tests) can find it in pg_stat_activity.
        conn = await asyncpg.connect(self._dsn, server_settings={"application_name": LISTENER})
        await conn.add_listener(self.channel.name, self._on_notify)
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            raw = json.loads(payload)
            if raw.get("o") == self.channel.origin:
                return  # dispatched here when it was sent
            note = RunNote(raw["r"], int(raw["s"]), RunStatus(raw["st"]))
        except (ValueError, KeyError, TypeError, AttributeError):
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
        self.dispatch(note)
        if note.announced:
            return  # its own statement notified the other processes
        async with self._send_lock:
            conn = self._conn
            if conn is None or conn.is_closed():
                # Other processes' readers still see the write through their safety probe.
                log.warning("notification for run %s not sent: no connection", note.run_id)
                return
            try:
                await conn.execute(
                    "SELECT pg_notify($1, $2)", self.channel.name, self.channel.payload(note)
                )
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("notification for run %s not sent: %s", note.run_id, exc)

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
