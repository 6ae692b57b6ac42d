"""The offline answerer: exact, in the question's language, citing the right passages."""

from __future__ import annotations

import pytest

from cvchat.application.citations import cited_sources, number_passages
from cvchat.application.extractive import compose, detect_language, pieces, stream_answer
from cvchat.domain.retrieval import CvHit, Passage
from tests.answer.corpus import ADA, BOB, CORPUS, EVE

NUMBERED = number_passages(CORPUS)  # [1][2] Ada, [3][4] Bob, [5][6] Eve


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Who led a Kubernetes migration and speaks Spanish?", "en"),
        ("¿Quién tiene experiencia con Kubernetes?", "es"),
        ("Qui parle allemand ?", "fr"),
        ("Wer spricht Französisch?", "de"),
        ("Kubernetes", "en"),
    ],
)
def test_detects_the_question_language(question: str, lang: str) -> None:
    assert detect_language(question) == lang


def test_english_answer_is_exact_and_cites_the_matching_cv() -> None:
    answer = compose("Who led a Kubernetes migration and speaks Spanish?", NUMBERED)
    assert answer == (
        "One candidate matches:\n"
        "- Ada Lovelace (Platform Engineer): “Led the migration of 40 services to Kubernetes "
        "at Acme in 2021.” [1]; “Languages: English (native), Spanish (C1), German (B2).” [2]"
    )
    assert [s["cv_id"] for s in cited_sources(NUMBERED, answer)] == ["cv-ada", "cv-ada"]
    assert [s["page"] for s in cited_sources(NUMBERED, answer)] == [1, 2]


def test_spanish_answer() -> None:
    assert compose("¿Quién tiene experiencia con Kubernetes?", NUMBERED) == (
        "Un candidato coincide:\n"
        "- Ada Lovelace (Platform Engineer): «Led the migration of 40 services to Kubernetes "
        "at Acme in 2021.» [1]"
    )


def test_french_answer_matches_a_language_named_in_english() -> None:
    assert compose("Qui parle allemand ?", NUMBERED) == (
        "2 candidats correspondent :\n"
        "- Ada Lovelace (Platform Engineer): « Languages: English (native), Spanish (C1), "
        "German (B2). » [2]\n"
        "- Bob Martin (Backend Developer): « Languages: English, French, German. » [4]"
    )


def test_german_answer() -> None:
    assert compose("Wer spricht Französisch?", NUMBERED) == (
        "Ein Kandidat passt:\n"
        "- Bob Martin (Backend Developer): „Languages: English, French, German.“ [4]"
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Who has an underwater welding certification?",
            "The corpus has no CV that mentions underwater, welding and certification.",
        ),
        ("¿Quién sabe COBOL?", "El corpus no tiene ningún CV que mencione COBOL."),
        ("Qui connaît Fortran ?", "Le corpus n'a aucun CV qui mentionne Fortran."),
        ("Wer kann Haskell?", "Der Korpus hat keinen Lebenslauf, der Haskell erwähnt."),
    ],
)
def test_says_plainly_when_no_cv_matches(question: str, expected: str) -> None:
    answer = compose(question, NUMBERED)
    assert answer == expected
    assert cited_sources(NUMBERED, answer) == []


def test_nothing_retrieved_is_a_no_match_answer() -> None:
    assert compose("Who knows Rust?", []) == "The corpus has no CV that mentions Rust."


def test_a_partial_match_is_never_called_a_match() -> None:
    assert compose("Who knows Go and Haskell?", NUMBERED) == (
        "No passage found mentions Go and Haskell together; the closest:\n"
        "- Bob Martin (Backend Developer): “Built payment APIs in Go and PostgreSQL for "
        "Globex.” [3] — no mention of Haskell\n"
        "The corpus has no CV that mentions Haskell."
    )
    assert compose("¿Quién sabe Go y Haskell?", NUMBERED).startswith(
        "Ningún pasaje encontrado menciona Go y Haskell a la vez; los más cercanos:\n"
    )


def test_instructions_inside_a_cv_are_quoted_never_followed() -> None:
    answer = compose("Who knows Python?", NUMBERED)
    assert answer == (
        "One candidate matches:\n- Eve Curie (Data Scientist): “Trained NLP models in Python.” [5]"
    )
    assert "only candidate" not in answer and "SYSTEM" not in answer


def test_candidates_with_more_of_the_terms_win() -> None:
    # Ada and Eve both speak Spanish; only Ada also has Kubernetes.
    answer = compose("Spanish speakers with Kubernetes?", [*number_passages([EVE, ADA])])
    assert "Ada Lovelace" in answer and "Eve Curie" not in answer


def test_deterministic_whatever_the_run() -> None:
    q = "Who speaks German?"
    assert compose(q, NUMBERED) == compose(q, number_passages([ADA, BOB, EVE]))


async def test_streams_word_by_word_and_concatenates_to_the_answer() -> None:
    q = "Who speaks German?"
    streamed = [p async for p in stream_answer(q, NUMBERED)]
    assert len(streamed) > 10
    assert "".join(streamed) == compose(q, NUMBERED)
    assert streamed == pieces(compose(q, NUMBERED))
    assert all(p.strip() and len(p.split()) == 1 for p in streamed)


def test_quotes_whole_sentences_across_the_pdfs_line_wrapping() -> None:
    wrapped = CvHit(
        "cv-ana",
        "Ana Gil",
        "Backend",
        "cv-ana.pdf",
        0.8,
        (
            Passage(
                "cv-ana#0",
                "Experiencia\nDividí un monolito en 29 servicios de Python desplegables de forma\n"
                "independiente.\nPython\nGo",
                1,
                "Experiencia",
                1.0,
                0,
                90,
            ),
        ),
    )
    assert compose("¿Quién sabe Python?", number_passages([wrapped])) == (
        "Un candidato coincide:\n"
        "- Ana Gil (Backend): «Dividí un monolito en 29 servicios de Python desplegables de "
        "forma independiente.» [1]"
    )


def test_a_question_naming_a_candidate_or_title_finds_them() -> None:
    assert compose("What has Ada Lovelace done?", NUMBERED) == (
        "One candidate matches:\n"
        "- Ada Lovelace (Platform Engineer): “Led the migration of 40 services to Kubernetes "
        "at Acme in 2021.” [1]"
    )
    assert compose("Which data scientist do we have?", NUMBERED).startswith(
        "One candidate matches:\n- Eve Curie (Data Scientist): “Trained NLP models in Python.” [5]"
    )
