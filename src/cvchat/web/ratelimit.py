"""Route dependencies that count a request against the container's per-user limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from cvchat.infrastructure.rate_limits import RateLimits
from cvchat.web.deps import ContainerDep, PrincipalDep


async def get_rate_limits(c: ContainerDep) -> RateLimits:
    return c.rate_limits


RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]


async def limit_message_posts(limits: RateLimitsDep, actor: PrincipalDep) -> None:
    """Route dependency: the caller's message-post rate."""
    await limits.hit("messages", actor.key)


async def limit_stream_opens(limits: RateLimitsDep, actor: PrincipalDep) -> None:
    """Route dependency: the caller's stream-open rate."""
    await limits.hit("streams", actor.key)
