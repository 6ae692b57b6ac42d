"""Fan-out of run notes to the subscribers of this process.

A subscription keeps only the newest note since its last ``wait``: a reader that was busy
loses nothing, because it re-reads the log from its cursor when it wakes.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cvchat.domain.events import RunNote


class HubSubscription:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._note: RunNote | None = None

    def push(self, note: RunNote) -> None:
        if self._note is None or note.seq >= self._note.seq:
            self._note = note
        self._event.set()

    async def wait(self, timeout: float) -> RunNote | None:
        if not self._event.is_set():
            try:
                await asyncio.wait_for(self._event.wait(), timeout)
            except TimeoutError:
                return None
        self._event.clear()
        note, self._note = self._note, None
        return note


class Hub:
    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[HubSubscription]] = defaultdict(set)

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
