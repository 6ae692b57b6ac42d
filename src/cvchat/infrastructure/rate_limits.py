"""Per-user rate limits on posting messages and opening streams, a cap on open streams, and
the failed sign-in limit.

Rates are counted by the ``limits`` library (moving or fixed window), keyed by the
caller's ``Principal.key`` (the user id, or ``local`` in auth mode ``none``); failed
sign-ins by the client address and the token tried (``Credentials.subject``), so that one
guesser behind a shared proxy does not lock out everyone else behind it. The default
storage is this process's memory: **several API processes share nothing**, so each one
lets a user through at the full rate, unless ``CVCHAT_LIMITS__STORAGE_URI`` names a shared
store (``redis://host:6379``, anything ``limits`` supports). The cap on open streams is a
counter in this process (a stream lives in one process), so it holds per process.
A store that cannot be reached lets requests through (logged): a limit-store outage
must not take the chat down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Literal

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from limits.storage import storage_from_string

from cvchat.domain.errors import RateLimited
from cvchat.settings import LimitSettings

log = logging.getLogger(__name__)

Kind = Literal["messages", "streams", "sign_in_failures"]
STREAM_RETRY_S = 5  # an open stream's end is unknown; a short wait
_WHAT = {
    "messages": "messages posted",
    "streams": "streams opened",
    "sign_in_failures": "failed sign-ins with this token from this address",
}


def async_storage_uri(uri: str) -> str:
    """``limits`` names its asyncio storages ``async+<scheme>``; accept the plain scheme."""
    return uri if uri.startswith("async+") else f"async+{uri}"


@dataclass
class StreamSlot:
    """One open stream counted against its user; ``release`` may be called any number of times."""

    owner: RateLimits
    key: str
    released: bool = field(default=False)

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.owner._close_stream(self.key)


class RateLimits:
    """The per-user limits of one API process (all off when ``enabled`` is false)."""

    def __init__(self, settings: LimitSettings, *, enabled: bool = True) -> None:
        self.settings = settings
        self.enabled = enabled
        uri = async_storage_uri(settings.storage_uri)
        # redis-py's asyncio client (the ``redis`` package) rather than coredis.
        options = {"implementation": "redispy"} if uri.startswith("async+redis") else {}
        self._storage = storage_from_string(uri, **options)
        strategy = (
            MovingWindowRateLimiter
            if settings.strategy == "moving-window"
            else FixedWindowRateLimiter
        )
        self._limiter = strategy(self._storage)
        self._items: dict[Kind, RateLimitItem] = {}
        if enabled and settings.messages_per_minute:
            self._items["messages"] = RateLimitItemPerMinute(settings.messages_per_minute)
        if enabled and settings.streams_per_minute:
            self._items["streams"] = RateLimitItemPerMinute(settings.streams_per_minute)
        if settings.failed_sign_ins_per_minute:  # by address and token: not a per-user limit
            self._items["sign_in_failures"] = RateLimitItemPerMinute(
                settings.failed_sign_ins_per_minute
            )
        self._open: dict[str, int] = {}

    async def hit(self, kind: Kind, key: str) -> None:
        """Count one request of ``key``; ``RateLimited`` (nothing counted) over the rate."""
        await self._admit(kind, key, count=True)

    async def refuse_if_spent(self, kind: Kind, key: str) -> None:
        """``RateLimited`` when ``key`` has no request of ``kind`` left; counts nothing."""
        await self._admit(kind, key, count=False)

    async def _admit(self, kind: Kind, key: str, *, count: bool) -> None:
        item = self._items.get(kind)
        if item is None:
            return
        check = self._limiter.hit if count else self._limiter.test
        try:
            if await check(item, "cvchat", kind, key):
                return
            stats = await self._limiter.get_window_stats(item, "cvchat", kind, key)
        except Exception:
            log.warning("rate-limit store unavailable; %s of %s not limited", kind, key)
            return
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"too many {_WHAT[kind]}: at most {item.amount} a minute; retry in {retry} s",
            retry,
        )

    async def note(self, kind: Kind, key: str) -> None:
        """Count one event of ``kind`` for ``key`` without refusing anything."""
        item = self._items.get(kind)
        if item is None:
            return
        try:
            await self._limiter.hit(item, "cvchat", kind, key)
        except Exception:
            log.warning("rate-limit store unavailable; %s of %s not counted", kind, key)

    def open_stream(self, key: str) -> StreamSlot:
        """Count an open stream of ``key``; ``RateLimited`` at the cap."""
        cap = self.settings.max_open_streams if self.enabled else 0
        count = self._open.get(key, 0)
        if cap and count >= cap:
            raise RateLimited(
                f"too many open streams: at most {cap} at a time; close one first",
                STREAM_RETRY_S,
            )
        self._open[key] = count + 1
        return StreamSlot(self, key)

    def open_streams(self, key: str) -> int:
        return self._open.get(key, 0)

    def _close_stream(self, key: str) -> None:
        left = self._open.get(key, 0) - 1
        if left > 0:
            self._open[key] = left
        else:
            self._open.pop(key, None)
