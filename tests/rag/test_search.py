"""Hybrid search over real PDFs, the real MiniLM model, real FAISS and bm25s."""

from __future__ import annotations

import pytest

from cvchat.domain.errors import InvalidInput
from cvchat.infrastructure.rag import IndexRetriever
from cvchat.infrastructure.rag.text_analysis import analyze, analyze_query, detect_language


def _ids(retriever: IndexRetriever, query: str, method: str, k: int = 3) -> list[str]:
    return [hit.cv_id for hit in retriever.search(query, k, method)]


def test_an_exact_rare_term_is_found_by_bm25_and_by_hybrid(retriever: IndexRetriever) -> None:
    assert _ids(retriever, "Quarkus", "bm25") == ["ana-backend"]
    assert _ids(retriever, "Quarkus", "hybrid")[0] == "ana-backend"


def test_a_paraphrase_is_found_by_the_dense_side_and_by_hybrid(retriever: IndexRetriever) -> None:
    query = "moved microservices onto container orchestration"
    assert "ana-backend" not in _ids(retriever, query, "bm25")  # no shared keyword
    assert _ids(retriever, query, "dense")[0] == "ana-backend"
    assert _ids(retriever, query, "hybrid")[0] == "ana-backend"


def test_stemming_and_accents_match_across_word_forms(retriever: IndexRetriever) -> None:
    # "auditoría" / "conciliación" are written differently in the Spanish CV
    assert _ids(retriever, "auditoria conciliacion", "bm25")[0] == "marta-accountant"
    # German compound inflection: "Patientin betreuen" ~ "Betreuung von Patienten"
    assert _ids(retriever, "Herzoperation Patienten", "bm25")[0] == "eva-nurse"


def test_hits_carry_what_a_citation_needs(retriever: IndexRetriever) -> None:
    (hit,) = retriever.search("ITIL certification", 1, "hybrid")
    assert (hit.cv_id, hit.name, hit.headline) == ("sam-manager", "Sam Okafor", "Release manager")
    assert hit.file == "sam-manager/cv.pdf"
    best = hit.passages[0]
    assert best.section == "certifications" and "ITIL 4 Foundation" in best.text
    assert best.page >= 2 and best.char_end > best.char_start
    assert len(hit.passages) <= 3
    assert [p.score for p in hit.passages] == sorted((p.score for p in hit.passages), reverse=True)


def test_k_bounds_the_number_of_cvs(retriever: IndexRetriever) -> None:
    hits = retriever.search("experience", 50, "hybrid")
    assert len({h.cv_id for h in hits}) == len(hits) == 6
    assert len(retriever.search("experience", 2, "dense")) == 2


@pytest.mark.parametrize(
    ("query", "k", "method"),
    [
        ("", 5, None),
        ("   \n\t", 5, None),
        ("python", 0, None),
        ("python", 51, None),
        ("python", 5, "fuzzy"),
    ],
)
def test_bad_queries_are_refused(
    retriever: IndexRetriever, query: str, k: int, method: str | None
) -> None:
    with pytest.raises(InvalidInput):
        retriever.search(query, k, method)


def test_language_aware_analysis() -> None:
    assert analyze("Los desarrolladores hablan alemán", "es") == ["desarroll", "habl", "aleman"]
    assert "the" not in analyze("the developers", "en")
    assert detect_language("Erfahrung mit der Migration und den Teams") == "de"
    # an English question is stemmed for the Spanish CVs too, without English stop words
    tokens = analyze_query("Who is auditing accounts?", ["en", "es"])
    assert "who" not in tokens and "audit" in tokens
