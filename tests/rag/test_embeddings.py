"""The real MiniLM model: query vectors, their prompts, and the batched path agree."""

from __future__ import annotations

import numpy as np

from cvchat.infrastructure.rag.embeddings import Embedder, prompt_rule


def test_a_query_vector_is_the_batched_encoding_of_the_same_text(embedder: Embedder) -> None:
    questions = ["who speaks Spanish and knows Kubernetes?", "Python, Berlin, 5 years", "x"]
    single = np.vstack([embedder.encode_query(q) for q in questions])
    batched = embedder.encode_queries(questions)
    assert single.shape == (3, embedder.dimension) and single.dtype == np.float32
    np.testing.assert_allclose(single, batched, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(single, axis=1), 1.0, atol=1e-5)
    # Different questions, different vectors (not a constant or a zero vector).
    assert float(single[0] @ single[1]) < 0.99


def test_prompts_belong_to_the_model_family() -> None:
    assert prompt_rule("intfloat/multilingual-e5-small").query == "query: "
    assert prompt_rule("intfloat/multilingual-e5-small").passage == "passage: "
    assert prompt_rule("offline-minilm").query == ""
