"""The telemetry port: the few measurements the use cases report, whoever collects them.

The application calls these at the points only it can see (a run ends, a retrieval or a
model stream finishes, a frame reaches a client); an adapter turns them into metrics. The
default does nothing, so use cases and their tests need no collector.
"""

from __future__ import annotations

from typing import Protocol


class Telemetry(Protocol):
    def run_finished(self, outcome: str, seconds: float) -> None:
        """A run this process executed stopped after ``seconds`` (claim → end): ``done``,
        ``error``, ``canceled``, or ``handed_back`` (requeued or taken over elsewhere)."""

    def retrieval_finished(self, seconds: float) -> None:
        """One retrieval (search over the index) took ``seconds``."""

    def llm_first_token(self, provider: str, seconds: float) -> None:
        """The answer's first text piece arrived ``seconds`` after the request."""

    def llm_finished(self, provider: str, seconds: float) -> None:
        """The answer's stream ended ``seconds`` after the request."""

    def stream_opened(self) -> None:
        """A client started reading a run's events."""

    def stream_closed(self) -> None:
        """That client's stream ended (completed, or the client went away)."""

    def events_delivered(self, latencies_s: list[float]) -> None:
        """Events were written to a client, each ``latency`` seconds after it was stored."""


class NoTelemetry:
    """Measures nothing: the default wherever no collector is wired."""

    def run_finished(self, outcome: str, seconds: float) -> None:
        pass

    def retrieval_finished(self, seconds: float) -> None:
        pass

    def llm_first_token(self, provider: str, seconds: float) -> None:
        pass

    def llm_finished(self, provider: str, seconds: float) -> None:
        pass

    def stream_opened(self) -> None:
        pass

    def stream_closed(self) -> None:
        pass

    def events_delivered(self, latencies_s: list[float]) -> None:
        pass


NO_TELEMETRY: Telemetry = NoTelemetry()
