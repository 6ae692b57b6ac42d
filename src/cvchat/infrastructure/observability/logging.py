"""Structured logs: every line through structlog, as JSON or for a terminal.

``configure_logging`` puts one handler on the root logger whose formatter is structlog's
``ProcessorFormatter``: our ``logging.getLogger`` loggers, uvicorn's (serve passes
``log_config=None`` so they propagate here), alembic's, warnings — all end up as one JSON
object per line in ``json`` mode. Context bound with ``bind_run`` (structlog.contextvars)
is added to every line logged in that task and the tasks it starts: the executors bind the
run they execute, the events route the run it streams.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import structlog
from structlog.typing import EventDict, Processor

LogFormat = Literal["console", "json"]

# Loggers that install their own handlers or are too chatty for INFO.
_QUIET = {
    "alembic": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "faiss": logging.WARNING,  # one line per CPU feature it probes
}


def _drop_color_message(_logger: object, _name: str, event: EventDict) -> EventDict:
    """uvicorn passes a colored copy of some messages as ``extra``; the text is enough."""
    event.pop("color_message", None)
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        # ``log.info(..., extra={"outcome": ...})`` becomes a field of the line.
        structlog.stdlib.ExtraAdder(),
        _drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(fmt: LogFormat = "console", level: str | int = "INFO") -> None:
    """Route all logging of this process through structlog, in ``fmt``; idempotent."""
    renderer: Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer()
        # Tracebacks as data, without the frames' local variables: a local may hold a
        # token or a key, and rendering them all stalls the event loop.
        tracebacks = structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        )
        final: list[Processor] = [tracebacks, renderer]
    else:
        # Plain tracebacks: rich's pretty ones with locals cost seconds per error and run in
        # the event loop, long enough to stall every request of the process.
        renderer = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
        final = [renderer]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.set_name("cvchat")
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic"):
        # Handlers they may have installed themselves would print a second, plain line.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


@contextmanager
def bind_run(run_id: str, thread_id: str) -> Iterator[None]:
    """Add ``run_id`` and ``thread_id`` to every line logged inside (and in tasks started
    inside, which copy the context)."""
    with structlog.contextvars.bound_contextvars(run_id=run_id, thread_id=thread_id):
        yield


def bind_run_for_task(run_id: str, thread_id: str) -> None:
    """The same for the rest of the current task: for code that cannot wrap a block (a
    streaming response outlives the handler that starts it)."""
    structlog.contextvars.bind_contextvars(run_id=run_id, thread_id=thread_id)
