"""One retry and error policy for every vendor stream.

Guarantees, whatever the vendor:
- transient failures (429, 5xx, timeouts, connection resets) *before the first token* are
  retried a bounded number of times with exponential backoff and full jitter, waiting at
  least what ``Retry-After`` asks (and giving up at once when it asks for more than the
  policy allows);
- a failure *after* the first token raises ``LlmError``: half an answer is never retried,
  because the user has already seen it;
- every error is re-raised as ``LlmError`` built from our own words plus, at most, the
  vendor's one-line reason with the key scrubbed out, chained ``from None`` so that the
  vendor exception (which may quote request headers) reaches no log;
- closing or cancelling the returned iterator closes the vendor stream (the adapters'
  piece generators close their SDK stream in ``finally``).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import httpx2
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from cvchat.domain.llm import LlmError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    httpx.TransportError,
    httpx2.TransportError,
    ConnectionError,
    TimeoutError,
    anyio.EndOfStream,
    anyio.BrokenResourceError,
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # first try + 3 retries
    backoff_s: float = 0.5
    max_wait_s: float = 20.0
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep


@dataclass(frozen=True)
class Failure:
    """A vendor error, classified. ``message`` is already safe to show."""

    message: str
    retryable: bool
    retry_after_s: float | None = None


class _Transient(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


Classifier = Callable[[BaseException], Failure]


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, ``retry-after`` s or date)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def status_failure(
    vendor: str, status: int, reason: str, headers: Mapping[str, str] | None
) -> Failure:
    """The common wording for an HTTP error status, whichever SDK raised it."""
    if status in (401, 403):
        return Failure(
            f"{vendor}: the API key was rejected (HTTP {status}); check the key setting",
            retryable=False,
        )
    wait = retry_after(headers)
    detail = f": {reason}" if reason else ""
    if status == 429:
        return Failure(f"{vendor}: rate limited (HTTP 429){detail}", True, wait)
    return Failure(
        f"{vendor}: HTTP {status}{detail}", status in RETRYABLE_STATUS or status >= 500, wait
    )


def transport_failure(vendor: str, exc: BaseException) -> Failure | None:
    if isinstance(exc, TRANSPORT_ERRORS):
        kind = "timed out" if "Timeout" in type(exc).__name__ else "connection failed"
        return Failure(f"{vendor}: {kind} ({type(exc).__name__})", retryable=True)
    return None


def vendor_reason(body: Any, secrets: tuple[str, ...], limit: int = 200) -> str:
    """The vendor's one-line reason from an error body, key scrubbed, cut short."""
    message: Any = body
    if isinstance(message, Mapping):
        message = message.get("error", message)
    if isinstance(message, Mapping):
        message = message.get("message") or message.get("type") or ""
    text = " ".join(str(message or "").split())
    return redact(text, secrets)[:limit]


class _Wait:
    """Exponential backoff with jitter, but never shorter than ``Retry-After``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._jitter = wait_random_exponential(multiplier=policy.backoff_s, max=policy.max_wait_s)

    def __call__(self, state: RetryCallState) -> float:
        backoff = float(self._jitter(state))
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.failure.retry_after_s if isinstance(exc, _Transient) else None
        return backoff if asked is None else max(asked, min(backoff, asked + 1.0))


def _should_retry(policy: RetryPolicy) -> Callable[[BaseException], bool]:
    def check(exc: BaseException) -> bool:
        if not isinstance(exc, _Transient):
            return False
        asked = exc.failure.retry_after_s
        return asked is None or asked <= policy.max_wait_s

    return check


async def resilient_stream(
    vendor: str,
    open_pieces: Callable[[], AsyncIterator[str]],
    classify: Classifier,
    policy: RetryPolicy,
) -> AsyncIterator[str]:
    """Yield the text of one generation, retried before its first piece only."""
    pieces: AsyncIterator[str] | None = None
    first: str | None = None
    retrying = AsyncRetrying(
        stop=stop_after_attempt(max(1, policy.attempts)),
        wait=_Wait(policy),
        retry=retry_if_exception(_should_retry(policy)),
        sleep=policy.sleep,
        before_sleep=lambda state: log.warning(
            "%s (retry %d of %d)", _message(state), state.attempt_number, policy.attempts - 1
        ),
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                pieces = open_pieces()
                try:
                    first = await anext(pieces)
                except StopAsyncIteration:
                    first = None
                except BaseException as exc:
                    await _close(pieces)
                    if not isinstance(exc, Exception) or isinstance(exc, LlmError):
                        raise  # cancellation, or already phrased for the user
                    failure = classify(exc)
                    if failure.retryable:
                        raise _Transient(failure) from None
                    raise LlmError(failure.message) from None
    except _Transient as exc:
        log.warning("giving up: %s", exc.failure.message)
        raise LlmError(exc.failure.message) from None
    if pieces is None or first is None:
        return
    try:
        yield first
        async for piece in pieces:
            yield piece
    except LlmError:
        raise
    except Exception as exc:
        raise LlmError(f"{classify(exc).message} (the answer was cut off)") from None
    finally:
        await _close(pieces)


def _message(state: RetryCallState) -> str:
    exc = state.outcome.exception() if state.outcome else None
    return str(exc) if isinstance(exc, _Transient) else "transient failure"


async def _close(pieces: AsyncIterator[str]) -> None:
    aclose = getattr(pieces, "aclose", None)
    if aclose is not None:
        await aclose()
