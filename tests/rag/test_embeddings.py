"""The real MiniLM model under each backend: query vectors, prompts, the batched path, and the
ONNX export cache (exported once per session into a temporary folder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cvchat.infrastructure.rag import onnx_export
from cvchat.infrastructure.rag.embeddings import (
    BACKENDS,
    OFFLINE_MODEL,
    Backend,
    Embedder,
    load_embedder,
    prompt_rule,
)
from cvchat.infrastructure.rag.pdf_text import read_pdf


@pytest.fixture(scope="session")
def passages(corpus_pdfs: Path) -> list[str]:
    """Lines of the real test CVs."""
    texts = []
    for pdf in sorted(corpus_pdfs.rglob("*.pdf")):
        for page in read_pdf(pdf).pages:
            texts += [p for p in page.split("\n") if len(p) > 20]
    texts = list(dict.fromkeys(texts))  # distinct, so each has one nearest vector
    assert len(texts) > 30
    return texts


@pytest.fixture(scope="session")
def torch_vectors(passages: list[str]) -> np.ndarray:
    return load_embedder(OFFLINE_MODEL, "torch").encode_passages(passages)


def backend_embedder(backend: Backend, models_dir: Path) -> Embedder:
    return load_embedder(OFFLINE_MODEL, backend, models_dir)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_query_vector_is_the_batched_encoding_of_the_same_text(
    backend: Backend, models_dir: Path
) -> None:
    embedder = backend_embedder(backend, models_dir)
    questions = ["who speaks Spanish and knows Kubernetes?", "Python, Berlin, 5 years", "x"]
    single = np.vstack([embedder.encode_query(q) for q in questions])
    batched = embedder.encode_queries(questions)
    assert single.shape == (3, embedder.dimension) and single.dtype == np.float32
    np.testing.assert_allclose(single, batched, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(single, axis=1), 1.0, atol=1e-5)
    # Different questions, different vectors (not a constant or a zero vector).
    assert float(single[0] @ single[1]) < 0.99


@pytest.mark.parametrize(
    ("backend", "mean_floor", "min_floor"), [("onnx", 0.9999, 0.999), ("onnx-int8", 0.97, 0.9)]
)
def test_onnx_vectors_are_torch_vectors(
    backend: Backend,
    mean_floor: float,
    min_floor: float,
    models_dir: Path,
    passages: list[str],
    torch_vectors: np.ndarray,
) -> None:
    vectors = backend_embedder(backend, models_dir).encode_passages(passages, batch_size=16)
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    cosine = np.sum(vectors * torch_vectors, axis=1)
    assert cosine.mean() >= mean_floor and cosine.min() >= min_floor
    # Order is kept although batches are sorted by length.
    assert np.argmax(vectors @ torch_vectors.T, axis=1).tolist() == list(range(len(passages)))


def test_an_int8_passage_vector_does_not_depend_on_the_passages_beside_it(
    models_dir: Path, passages: list[str]
) -> None:
    """Same text, same vector, whichever build it is in (full, incremental, another order)."""
    embedder = backend_embedder("onnx-int8", models_dir)
    together = embedder.encode_passages(passages[:40])
    alone = np.vstack([embedder.encode_passages([p]) for p in passages[:6]])
    np.testing.assert_array_equal(together[:6], alone)
    elsewhere = embedder.encode_passages(list(reversed(passages[:90])))
    np.testing.assert_array_equal(elsewhere[::-1][:40], together)


def test_an_onnx_embedder_keeps_the_tokenizer_but_not_the_torch_weights(
    models_dir: Path,
) -> None:
    torch_embedder = load_embedder(OFFLINE_MODEL, "torch")
    onnx = Embedder(OFFLINE_MODEL, "onnx-int8", models_dir)
    weights = list(onnx._model.parameters())
    assert weights and all(p.is_meta for p in weights)  # no storage behind them
    assert not any(p.is_meta for p in torch_embedder._model.parameters())
    text = "Kubernetes in Madrid, five years of Python " * 40
    assert onnx.count([text]) == torch_embedder.count([text])
    assert onnx.windows(text, 64, 8) == torch_embedder.windows(text, 64, 8)
    query = "nurse in an intensive care unit"
    assert float((onnx.encode_query(query) @ torch_embedder.encode_query(query).T)[0, 0]) > 0.95


def test_the_exported_model_is_cached_and_a_damaged_one_rebuilt(
    models_dir: Path, tmp_path: Path
) -> None:
    cached = backend_embedder("onnx-int8", models_dir).onnx_path
    assert cached is not None and cached.is_file()
    cache_dir = cached.parent.parent  # the process-wide model may come from another test's
    stamp, exports = cached.stat().st_mtime_ns, onnx_export.export_count

    again = Embedder(OFFLINE_MODEL, "onnx-int8", cache_dir)  # another process would do this
    assert again.onnx_path == cached
    assert onnx_export.export_count == exports and cached.stat().st_mtime_ns == stamp

    # A truncated file (a copy interrupted, a full disk) under a private cache folder.
    damaged = tmp_path / cached.parent.name / cached.name
    damaged.parent.mkdir()
    damaged.write_bytes(cached.read_bytes()[: cached.stat().st_size // 3])
    rebuilt = Embedder(OFFLINE_MODEL, "onnx-int8", tmp_path)
    assert onnx_export.export_count == exports + 1
    assert rebuilt.onnx_path == damaged and damaged.stat().st_size == cached.stat().st_size
    query = "nurse in an intensive care unit"
    np.testing.assert_allclose(rebuilt.encode_query(query), again.encode_query(query), atol=1e-6)
    assert not [p for p in damaged.parent.iterdir() if p.name != damaged.name]  # no leftovers


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend"):
        Embedder(OFFLINE_MODEL, "tensorrt")  # type: ignore[arg-type]


def test_prompts_belong_to_the_model_family() -> None:
    assert prompt_rule("intfloat/multilingual-e5-small").query == "query: "
    assert prompt_rule("intfloat/multilingual-e5-small").passage == "passage: "
    assert prompt_rule("offline-minilm").query == ""
