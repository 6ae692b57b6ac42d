"""Idempotency keys: a client's retry of a create request gets the first answer, not a copy.

A key is an opaque string the client picks (``Idempotency-Key`` header), scoped to the
caller. The first successful request with it stores its outcome (the ids it created) in
the same transaction as what it created; a later request with the same key and the same
request answers that outcome and stores nothing. The same key with another request is a
client bug, refused (422) rather than guessed at. Keys live ``KEY_TTL``, then may be reused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cvchat.domain.errors import InvalidInput

KEY_TTL = timedelta(hours=24)
MAX_KEY = 255


class KeyReused(InvalidInput):
    """The key was first used for a different request (HTTP 422)."""


@dataclass(frozen=True)
class IdempotentRequest:
    """A key and the fingerprint of the request it names: who, which operation, which input."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, scope: str, key: str, operation: str, payload: dict[str, Any]) -> IdempotentRequest:
        if not 1 <= len(key) <= MAX_KEY:
            raise InvalidInput(f"an Idempotency-Key has 1 to {MAX_KEY} characters")
        return cls(scope, key, fingerprint(operation, payload))


@dataclass(frozen=True)
class Recorded:
    """What the first request with a key stored."""

    fingerprint: str
    outcome: dict[str, Any]
    created_at: datetime


def fingerprint(operation: str, payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the operation and its input (key order ignored)."""
    canonical = json.dumps(
        {"operation": operation, "input": payload},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def replayed_outcome(
    request: IdempotentRequest, recorded: Recorded | None
) -> dict[str, Any] | None:
    """The first outcome to answer again, ``None`` when the key is new, or ``KeyReused``."""
    if recorded is None:
        return None
    if recorded.fingerprint != request.fingerprint:
        raise KeyReused(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new request"
        )
    return recorded.outcome
