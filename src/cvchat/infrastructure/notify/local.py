"""The in-process notifier: the embedded default, for one process."""

from __future__ import annotations

from cvchat.domain.events import RunNote
from cvchat.infrastructure.notify.hub import Hub


class InProcessNotifier(Hub):
    async def publish(self, note: RunNote) -> None:
        self.dispatch(note)

    async def start(self) -> None:
        self.start_probe()

    async def stop(self) -> None:
        await self.stop_probe()
