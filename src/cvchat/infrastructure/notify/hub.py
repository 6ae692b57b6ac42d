"""Fan-out of run notes to the subscribers of this process, and the safety probe.

A subscription keeps only the newest note since its last ``wait``: a reader that was busy
loses nothing, because it re-reads the log from its cursor when it wakes.

The probe is the safety net against a lost notification: every ``probe_s`` seconds one
query asks where the logs of all subscribed runs end and dispatches that as notes. Readers
that are up to date ignore them, so idle streams cost one query per process per period,
however many there are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from cvchat.domain.events import RunNote

log = logging.getLogger(__name__)

Probe = Callable[[list[str]], Awaitable[list[RunNote]]]
PROBE_CHUNK = 500


class HubSubscription:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._note: RunNote | None = None

    def push(self, note: RunNote) -> None:
        # The newest note wins; of two for the same seq, the one carrying its events.
        held = self._note
        if held is None or note.seq > held.seq or (note.seq == held.seq and not held.events):
            self._note = note
        self._event.set()

    async def wait(self, timeout: float | None = None) -> RunNote | None:
        if not self._event.is_set():
            try:
                await asyncio.wait_for(self._event.wait(), timeout)
            except TimeoutError:
                return None
        self._event.clear()
        note, self._note = self._note, None
        return note


class Hub:
    def __init__(self, probe: Probe | None = None, probe_s: float = 5.0) -> None:
        self._subscribers: defaultdict[str, set[HubSubscription]] = defaultdict(set)
        self._probe = probe
        self._probe_s = probe_s
        self._probe_task: asyncio.Task[None] | None = None
        self.probes = 0

    def dispatch(self, note: RunNote) -> None:
        for subscription in self._subscribers.get(note.run_id, ()):
            subscription.push(note)

    def resync_all(self) -> None:
        """After notifications may have been lost: every subscriber re-reads."""
        for run_id, subscriptions in list(self._subscribers.items()):
            for subscription in subscriptions:
                subscription.push(RunNote.resync(run_id))

    @property
    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

    @asynccontextmanager
    async def subscribe(self, run_id: str) -> AsyncIterator[HubSubscription]:
        subscription = HubSubscription()
        self._subscribers[run_id].add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(run_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[run_id]

    def start_probe(self) -> None:
        if self._probe is not None and self._probe_task is None:
            self._probe_task = asyncio.create_task(self._probe_loop(self._probe))

    async def stop_probe(self) -> None:
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(BaseException):
                await self._probe_task
            self._probe_task = None

    async def _probe_loop(self, probe: Probe) -> None:
        while True:
            await asyncio.sleep(self._probe_s)
            run_ids = list(self._subscribers)
            try:
                for i in range(0, len(run_ids), PROBE_CHUNK):
                    for note in await probe(run_ids[i : i + PROBE_CHUNK]):
                        self.dispatch(note)
                    self.probes += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notification probe failed")
