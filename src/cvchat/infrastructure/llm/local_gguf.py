"""``local`` provider: any GGUF model run in-process by ``llama-cpp-python`` (optional extra).

Generation is CPU-bound and blocking, so it runs on one dedicated thread (a ``Llama`` is not
thread-safe: requests queue up for it) and hands text to the event loop through a queue.
Closing or cancelling the stream sets a stop flag that the thread checks between tokens, so
generation ends within one token of a stop. The model loads lazily, on the first request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.domain.llm import GenerationRequest, LlmError

log = logging.getLogger(__name__)

VENDOR = "local"
# A GGUF without an embedded chat template gets its architecture's standard format (else
# llama.cpp falls back to Llama 2's, which other models do not understand).
_ARCH_CHAT_FORMATS = {"gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma", "qwen2": "chatml"}
# Formats with no system role: the system prompt opens the first user turn, as Gemma's own
# template does (llama.cpp's "gemma" format would silently drop it).
_NO_SYSTEM_ROLE = frozenset({"gemma"})


@dataclass
class GenerationStats:
    """What the last generation did: for logs, the benchmark and the stop-on-cancel test."""

    pieces: int = 0
    first_piece_s: float | None = None
    total_s: float = 0.0
    stopped: bool = False
    done: bool = False


_END = object()


class LocalGgufProvider:
    def __init__(
        self,
        *,
        model_path: str | Path,
        temperature: float = 0.2,
        max_tokens: int = 1024,
        context_tokens: int = 8192,
        threads: int | None = None,
    ) -> None:
        try:
            import llama_cpp  # noqa: F401  (optional extra: fail here, with the fix)
        except ImportError:
            raise LlmError(
                "local: llama-cpp-python is not installed; install the extra: "
                "pip install 'cvchat[local]'"
            ) from None
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise LlmError(f"local: no GGUF model file at {path} (set the role's model)")
        self._path = path
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._context_tokens = context_tokens
        # None keeps llama-cpp-python's choice: decode on half the cores, prefill on all.
        # Measured here (bench/answer.md), decoding on every core of a busy 2-core machine
        # was 6x slower than on one: the threads spin-wait for each other.
        self.threads = threads
        self._llama: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")
        self.last_stats = GenerationStats()

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        return self._stream(request)

    async def wait_idle(self) -> None:
        """Return once the model thread has finished what it was generating."""
        await asyncio.get_running_loop().run_in_executor(self._executor, lambda: None)

    async def _stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        stop = threading.Event()
        stats = GenerationStats()
        self.last_stats = stats

        def put(item: object) -> None:
            with contextlib.suppress(RuntimeError):  # the loop may be gone after a stop
                loop.call_soon_threadsafe(queue.put_nowait, item)

        job = loop.run_in_executor(self._executor, self._generate, request, stop, put, stats)
        job.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise LlmError(f"{VENDOR}: generation failed ({type(item).__name__}: {item})")
                assert isinstance(item, str)
                yield item
        finally:
            stop.set()

    def _model(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            started = time.perf_counter()
            llama = Llama(
                model_path=str(self._path),
                n_ctx=self._context_tokens,
                n_threads=self.threads,
                verbose=False,
            )
            if "tokenizer.chat_template" not in llama.metadata:
                arch = llama.metadata.get("general.architecture", "")
                llama.chat_format = _ARCH_CHAT_FORMATS.get(arch, llama.chat_format)
            self._llama = llama
            log.info("local: loaded %s in %.1fs", self._path.name, time.perf_counter() - started)
        return self._llama

    def _generate(
        self, request: GenerationRequest, stop: threading.Event, put: Any, stats: GenerationStats
    ) -> None:
        """Runs on the llama thread: stream the completion into ``put`` until done or stopped."""
        started = time.perf_counter()
        outcome: object = _END
        try:
            if stop.is_set():
                stats.stopped = True
                return
            llama = self._model()
            messages = [{"role": m.role, "content": m.content} for m in request.messages]
            if llama.chat_format in _NO_SYSTEM_ROLE and messages:
                messages[0]["content"] = f"{request.system}\n\n{messages[0]['content']}"
            else:
                messages.insert(0, {"role": "system", "content": request.system})
            extra: dict[str, Any] = {}
            if request.json_schema is not None:
                extra["response_format"] = {"type": "json_object", "schema": request.json_schema}
            chunks = llama.create_chat_completion(
                messages=messages,
                temperature=self._temperature,
                max_tokens=self._max_tokens,
                stream=True,
                **extra,
            )
            try:
                for chunk in chunks:
                    if stop.is_set():
                        stats.stopped = True
                        break
                    text = chunk["choices"][0]["delta"].get("content")
                    if text:
                        if stats.first_piece_s is None:
                            stats.first_piece_s = time.perf_counter() - started
                        stats.pieces += 1
                        put(text)
            finally:
                chunks.close()
        except Exception as exc:
            outcome = exc
        finally:
            stats.total_s = time.perf_counter() - started
            stats.done = True
            put(outcome)  # last: whoever sees the end also sees final stats
