"""The composition root and the ports it fills: dependencies point inward, every adapter
has its port's whole surface, and the SSE frames are the wire format."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest
from sse_starlette import ServerSentEvent

from cvchat.application.streaming import sse_frame
from cvchat.domain.events import EventType, RunEvent
from cvchat.domain.ports import Executor, Notifier, RunLog
from cvchat.infrastructure.db.run_log import SqlRunLog
from cvchat.infrastructure.executor.inprocess import InProcessExecutor
from cvchat.infrastructure.executor.queue import QueueExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from cvchat.infrastructure.notify.postgres import PostgresNotifier


def test_the_composition_root_imports_nothing_from_web() -> None:
    code = (
        "import sys, cvchat.bootstrap; "
        "print([m for m in sys.modules if m.startswith('cvchat.web')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("port", "adapter"),
    [
        (Executor, InProcessExecutor),
        (Executor, QueueExecutor),
        (Notifier, InProcessNotifier),
        (Notifier, PostgresNotifier),
        (RunLog, SqlRunLog),
    ],
)
def test_every_adapter_has_its_ports_methods_with_their_parameters(
    port: type, adapter: type
) -> None:
    wanted = _methods(port)
    for name, signature in wanted.items():
        member = getattr(adapter, name, None)
        assert member is not None, f"{adapter.__name__} has no {name}"
        assert inspect.iscoroutinefunction(member) == inspect.iscoroutinefunction(
            getattr(port, name)
        ), name
        assert list(inspect.signature(member).parameters) == list(signature.parameters), name


@pytest.mark.parametrize("port", [Executor, Notifier])
def test_the_container_starts_and_stops_components_through_their_ports(port: type) -> None:
    assert {"start", "stop"} <= set(_methods(port))


@pytest.mark.parametrize(
    "data",
    [
        {"text": "plain"},
        {"text": "two\nlines\r\nand a\rreturn"},
        {"text": "ñ, 日本, emoji 🚀, line separator \u2028 and \u2029"},
        {"status": "done"},
        {"text": "", "sources": [{"cv_id": "cv-1", "page": 2}]},
    ],
)
def test_a_frame_is_what_sse_starlette_would_send(data: dict[str, object]) -> None:
    event = RunEvent("r" * 32, 42, EventType.TOKEN, data)
    expected = ServerSentEvent(
        data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        event="token",
        id="42",
    ).encode()
    assert sse_frame(event) == expected
