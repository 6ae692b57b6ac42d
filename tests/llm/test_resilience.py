"""The shared retry and error policy's small parts."""

from __future__ import annotations

import email.utils
import time

import pytest

from cvchat.infrastructure.llm.resilience import (
    redact,
    retry_after,
    status_failure,
    vendor_reason,
)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_in_seconds(headers: dict[str, str] | None, expected: float | None) -> None:
    assert retry_after(headers) == expected


def test_retry_after_as_an_http_date() -> None:
    in_30s = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= (retry_after({"retry-after": in_30s}) or 0) <= 31


def test_status_classification() -> None:
    assert status_failure("x", 429, "", {"retry-after": "3"}).retryable
    assert status_failure("x", 429, "", {"retry-after": "3"}).retry_after_s == 3
    assert status_failure("x", 503, "busy", None).retryable
    assert status_failure("x", 529, "", None).retryable
    assert not status_failure("x", 400, "bad model", None).retryable
    assert "bad model" in status_failure("x", 400, "bad model", None).message
    rejected = status_failure("x", 403, "key sk-123 is wrong", None)
    assert not rejected.retryable and "sk-123" not in rejected.message


def test_vendor_reason_is_one_scrubbed_line() -> None:
    body = {"error": {"message": "Incorrect API key provided:\n sk-abc123. Try again."}}
    assert vendor_reason(body, ("sk-abc123",)) == "Incorrect API key provided: ***. Try again."
    assert len(vendor_reason({"message": "x" * 1000}, ())) == 200
    assert redact("a sk-1 b sk-1", ("sk-1", "")) == "a *** b ***"
