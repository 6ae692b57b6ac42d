"""The offline generator: deterministic, balanced, coherent and written in the CV's language."""

from __future__ import annotations

from collections import Counter

from cvchat.cvgen.content import LOCALES
from cvchat.cvgen.corpus import document_json
from cvchat.cvgen.offline import generate_offline
from cvchat.cvgen.plan import plan_corpus
from cvchat.cvgen.schema import LANGUAGES, SENIORITIES, TEMPLATES, CvDocument


def test_same_seed_gives_byte_identical_json() -> None:
    first = [document_json(generate_offline(m)) for m in plan_corpus(12, 7, LANGUAGES, "offline")]
    again = [document_json(generate_offline(m)) for m in plan_corpus(12, 7, LANGUAGES, "offline")]
    other = [document_json(generate_offline(m)) for m in plan_corpus(12, 8, LANGUAGES, "offline")]
    assert first == again
    assert first != other


def test_a_larger_corpus_extends_a_smaller_one() -> None:
    assert plan_corpus(300, 42, LANGUAGES, "offline")[:30] == plan_corpus(
        30, 42, LANGUAGES, "offline"
    )


def test_distribution_over_200_cvs(corpus_200: list[CvDocument]) -> None:
    languages = Counter(d.meta.language for d in corpus_200)
    seniorities = Counter(d.meta.seniority for d in corpus_200)
    roles = Counter(d.meta.role_family for d in corpus_200)
    templates = Counter(d.meta.template for d in corpus_200)
    assert set(languages) == set(LANGUAGES)
    assert all(abs(n - 50) <= 5 for n in languages.values()), languages
    assert set(seniorities) == set(SENIORITIES)
    assert all(abs(n - 200 / 3) <= 7 for n in seniorities.values()), seniorities
    assert all(abs(n - 40) <= 5 for n in roles.values()), roles
    assert set(templates) == set(TEMPLATES)
    assert 0.10 <= templates["narrative"] / 200 <= 0.20
    assert len({d.meta.style for d in corpus_200}) == 17
    assert 0.2 <= sum(d.meta.portrait for d in corpus_200) / 200 <= 0.6


def test_language_filter_is_honoured() -> None:
    plan = plan_corpus(20, 1, ["es", "de"], "offline")
    assert Counter(m.language for m in plan) == {"es": 10, "de": 10}
    assert all(m.cv_id.endswith(f"-{m.language}") for m in plan)


def test_cvs_are_written_in_their_own_language(corpus_200: list[CvDocument]) -> None:
    english_words = {" with ", " years ", " the ", " and "}
    for document in corpus_200:
        data, lang = document.data, document.meta.language
        assert data.section_labels.model_dump() == LOCALES[lang].labels
        assert data.languages[0].code == lang and data.languages[0].level == "native"
        prose = " ".join([data.summary, *(b for j in data.experience for b in j.bullets)])
        if lang != "en":
            assert not any(word in prose for word in english_words), (document.meta.cv_id, prose)


def test_careers_are_coherent(corpus_200: list[CvDocument]) -> None:
    for document in corpus_200:
        data = document.data
        assert data.experience[0].title in data.headline
        companies = [job.company for job in data.experience]
        assert len(set(companies)) == len(companies)
        starts = [job.start_date for job in data.experience]
        assert starts == sorted(starts, reverse=True)  # newest first
        if document.meta.template == "narrative":
            assert data.narrative and all(job.paragraph for job in data.experience)
        else:
            assert data.narrative is None and all(job.bullets for job in data.experience)
        for job in data.experience:
            assert len(set(job.bullets)) == len(job.bullets)
            assert "{" not in " ".join(job.bullets) + (job.paragraph or "")
