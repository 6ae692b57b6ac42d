"""``[n]`` citations → ``final.sources``."""

from __future__ import annotations

from cvchat.application.citations import cited_numbers, cited_sources, number_passages, snippet
from tests.answer.corpus import CORPUS

NUMBERED = number_passages(CORPUS)


def test_numbering_follows_retrieval_order() -> None:
    assert [(i.n, i.hit.cv_id, i.passage.page) for i in NUMBERED] == [
        (1, "cv-ada", 1),
        (2, "cv-ada", 2),
        (3, "cv-bob", 1),
        (4, "cv-bob", 2),
        (5, "cv-eve", 1),
        (6, "cv-eve", 1),
    ]


def test_parses_the_citation_forms_models_write() -> None:
    text = "Ada [2], Bob [3][4]; both [1, 3] and [4-6] — again [2] and 【5】, not 2020 or [x]."
    assert cited_numbers(text) == [2, 3, 4, 1, 5, 6]


def test_sources_are_the_cited_passages_with_everything_needed_to_open_them() -> None:
    sources = cited_sources(NUMBERED, "Bob speaks German [4]; Ada led it [1].")
    assert sources == [
        {
            "cv_id": "cv-bob",
            "name": "Bob Martin",
            "headline": "Backend Developer",
            "file": "cv-bob.pdf",
            "page": 2,
            "snippet": "Languages: English, French, German.",
            "score": 0.7,
            "url": "/api/cvs/cv-bob/pdf#page=2",
            "citations": [4],
        },
        {
            "cv_id": "cv-ada",
            "name": "Ada Lovelace",
            "headline": "Platform Engineer",
            "file": "cv-ada.pdf",
            "page": 1,
            "snippet": "Led the migration of 40 services to Kubernetes at Acme in 2021.",
            "score": 0.9,
            "url": "/api/cvs/cv-ada/pdf#page=1",
            "citations": [1],
        },
    ]


def test_one_source_per_cv_page_and_unknown_numbers_are_ignored() -> None:
    # [5] and [6] are two passages of Eve's page 1; [9] names no passage.
    sources = cited_sources(NUMBERED, "Eve [5][6], and [9].")
    assert [(s["cv_id"], s["page"]) for s in sources] == [("cv-eve", 1)]
    assert sources[0]["citations"] == [5, 6]


def test_uncited_answer_has_no_sources() -> None:
    assert cited_sources(NUMBERED, "The corpus has no CV that mentions Rust.") == []


def test_snippet_is_cut_at_a_word() -> None:
    text = "word " * 100
    cut = snippet(text, limit=30)
    assert cut.endswith("…") and len(cut) <= 31 and "  " not in cut
