"""Exhaustive execution of a candidate query and the exact answer built from it."""

from __future__ import annotations

import re

from cvchat.application.candidates import execute
from cvchat.application.citations import cited_numbers
from cvchat.application.exact_answering import Draft, wording_problem
from cvchat.application.exact_answers import SHOWN, compose_profiles, compose_set_answer, focus
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.domain.profiles import (
    CandidateProfile,
    CertificationFact,
    CvFile,
    EducationFact,
    Evidence,
    JobFact,
    LanguageFact,
    Location,
    Named,
    ProfileSnapshot,
    Relevance,
    SkillFact,
    YearsFact,
)
from cvchat.domain.vocabulary import Level


def ev(text: str, page: int = 1) -> Evidence:
    return Evidence(page=page, snippet=text)


def profile(
    cv_id: str,
    name: str,
    *,
    skills: tuple[str, ...] = (),
    languages: dict[str, Level | None] | None = None,
    city: str | None = None,
    country: str | None = None,
    years: float | None = None,
    employers: tuple[str, ...] = (),
    degree: str | None = None,
    certifications: tuple[str, ...] = (),
) -> CandidateProfile:
    names = {"de": "German", "es": "Spanish", "en": "English", "fr": "French"}
    return CandidateProfile(
        cv_id=cv_id,
        name=Named(value=name, evidence=ev(name)),
        location=(
            Location(city=city, country=country, evidence=ev(f"{city}, {country}"))
            if city or country
            else None
        ),
        skills=tuple(SkillFact(name=s, evidence=ev(f"Skills: {s}", 2)) for s in skills),
        languages=tuple(
            LanguageFact(
                code=c, name=names[c], level=lv, evidence=ev(f"{names[c]} {lv or ''}".strip(), 2)
            )
            for c, lv in (languages or {}).items()
        ),
        experience=(
            YearsFact(years=years, as_of="2025-06", evidence=ev("2015 – Present"))
            if years is not None
            else None
        ),
        jobs=tuple(JobFact(employer=e, evidence=ev(f"Engineer at {e}")) for e in employers),
        education=(
            (EducationFact(degree=degree, level=degree, evidence=ev(f"{degree} in CS")),)  # type: ignore[arg-type]
            if degree
            else ()
        ),
        certifications=tuple(CertificationFact(name=c, evidence=ev(c)) for c in certifications),
    )


FILES = {f"cv-{i}": CvFile(f"cv-{i}/cv.pdf", "Engineer") for i in range(100)}


def test_a_list_names_every_match_past_the_top_k_and_counts_exactly() -> None:
    people = [
        profile(f"cv-{i}", f"Person {i:02d}", languages={"de": "B2"} if i % 4 else {"en": "C1"})
        for i in range(40)
    ]
    query = CandidateQuery(languages=(LanguageFilter(code="de"),), operation="count")
    result = execute(query, people)
    assert result.total == 30
    assert {r.profile.cv_id for r in result.matches} == {f"cv-{i}" for i in range(40) if i % 4}
    text, sources = compose_set_answer(result, "en", FILES, count_first=True)
    assert text.startswith("30 candidates (German):")
    assert text.count("\n- **Person") == SHOWN
    assert "…and 5 more" in text
    # every citation resolves to a card holding the CV's own words
    numbers = {n for card in sources for n in card["citations"]}
    assert set(cited_numbers(text)) == numbers
    assert all(card["snippet"].startswith("German") for card in sources)


def test_a_partial_match_is_never_called_a_match() -> None:
    people = [
        profile("cv-1", "Ana", skills=("Kubernetes",), languages={"en": "C1"}),
        profile("cv-2", "Ben", languages={"es": "native"}),
        profile("cv-3", "Cleo", skills=("Python",)),
    ]
    query = CandidateQuery(
        skills_all=("Kubernetes",), languages=(LanguageFilter(code="es"),), operation="list"
    )
    result = execute(query, people)
    assert result.total == 0
    assert [r.profile.cv_id for r in result.near_misses] == ["cv-1", "cv-2"]
    text, _ = compose_set_answer(result, "en", FILES)
    assert text.startswith("No candidate meets every condition (Kubernetes, Spanish).")
    assert "Nearest misses (not matches):" in text
    assert re.search(r"\*\*Ana\*\*.*lacks: Spanish", text)
    assert re.search(r"\*\*Ben\*\*.*lacks: Kubernetes", text)
    assert "Cleo" not in text


def test_language_levels_are_minimums_and_an_unstated_level_does_not_pass() -> None:
    people = [
        profile("cv-1", "A", languages={"es": "B1"}),
        profile("cv-2", "B", languages={"es": "B2"}),
        profile("cv-3", "C", languages={"es": "native"}),
        profile("cv-4", "D", languages={"es": None}),
    ]
    at_b2 = CandidateQuery(languages=(LanguageFilter(code="es", min_level="B2"),))
    assert {r.profile.cv_id for r in execute(at_b2, people).matches} == {"cv-2", "cv-3"}
    any_level = CandidateQuery(languages=(LanguageFilter(code="es"),))
    assert execute(any_level, people).total == 4


def test_places_match_across_languages() -> None:
    people = [
        profile("cv-1", "A", city="München", country="Deutschland"),
        profile("cv-2", "B", city="Madrid", country="España"),
        profile("cv-3", "C", city="Berlin", country="Germany"),
    ]
    germany = execute(CandidateQuery(location="Germany"), people)
    assert {r.profile.cv_id for r in germany.matches} == {"cv-1", "cv-3"}
    assert {
        r.profile.cv_id for r in execute(CandidateQuery(location="Munich"), people).matches
    } == {"cv-1"}
    assert execute(CandidateQuery(location="Spain"), people).matches[0].profile.cv_id == "cv-2"
    # a CV that names only its city is in that city's country
    only_city = [
        profile("cv-4", "D", city="Köln"),
        profile("cv-5", "E", city="Springfield"),
        profile("cv-6", "F", city="Córdoba", country="Argentina"),  # a namesake abroad
    ]
    uk = [profile("cv-7", "G", city="Edinburgh", country="UK"), profile("cv-8", "H", city="Uk")]
    assert [
        r.profile.cv_id for r in execute(CandidateQuery(location="Reino Unido"), uk).matches
    ] == ["cv-7"]
    assert [
        r.profile.cv_id for r in execute(CandidateQuery(location="Alemania"), only_city).matches
    ] == ["cv-4"]


def test_years_degree_employer_and_certification_filters() -> None:
    people = [
        profile(
            "cv-1",
            "A",
            years=7.5,
            degree="master",
            employers=("Siemens AG",),
            certifications=("Certified Kubernetes Administrator (CKA)",),
        ),
        profile("cv-2", "B", years=4.9, degree="phd", employers=("SAP",)),
        profile("cv-3", "C", years=12, degree="bachelor"),
    ]

    def ids(query: CandidateQuery) -> set[str]:
        return {r.profile.cv_id for r in execute(query, people).matches}

    assert ids(CandidateQuery(min_years=5)) == {"cv-1", "cv-3"}
    assert ids(CandidateQuery(degree="master")) == {"cv-1", "cv-2"}
    assert ids(CandidateQuery(degree="phd")) == {"cv-2"}
    assert ids(CandidateQuery(employer="Siemens")) == {"cv-1"}
    assert ids(CandidateQuery(certification="CKA")) == {"cv-1"}
    assert ids(CandidateQuery(certification="Kubernetes Administrator")) == {"cv-1"}


def test_a_certification_asked_by_both_its_names_matches_either() -> None:
    people = [
        profile("cv-1", "A", certifications=("Professional Scrum Product Owner I",)),
        profile("cv-2", "B", certifications=("PSPO I, Scrum.org",)),
        profile("cv-3", "C", certifications=("Professional Scrum Master I (PSM I)",)),
    ]
    asked = CandidateQuery(certification="Professional Scrum Product Owner I (PSPO I)")
    assert {r.profile.cv_id for r in execute(asked, people).matches} == {"cv-1", "cv-2"}


def test_a_certification_printed_without_its_vendors_words_still_matches() -> None:
    people = [
        profile("cv-1", "A", certifications=("AWS Developer – Associate",)),
        profile("cv-2", "B", certifications=("Azure Data Engineer Associate",)),
        profile("cv-3", "C", certifications=("AWS Certified Developer – Professional",)),
    ]

    def ids(name: str) -> set[str]:
        matches = execute(CandidateQuery(certification=name), people).matches
        return {r.profile.cv_id for r in matches}

    assert ids("AWS Certified Developer – Associate") == {"cv-1"}
    assert ids("Microsoft Certified: Azure Data Engineer Associate") == {"cv-2"}
    # the words that tell certificates apart still count
    assert ids("AWS Certified Developer – Professional") == {"cv-3"}
    scrum = [
        profile("cv-4", "D", certifications=("Professional Scrum Product Owner I (PSPO I)",)),
        profile("cv-5", "E", certifications=("Certified Scrum Product Owner",)),
    ]
    asked = CandidateQuery(certification="Certified Scrum Product Owner (CSPO)")
    assert {r.profile.cv_id for r in execute(asked, scrum).matches} == {"cv-5"}


def test_free_text_orders_the_matches_but_never_drops_one() -> None:
    people = [profile(f"cv-{i}", f"P{i}", skills=("Python",)) for i in range(5)]

    def rank(text: str, cv_ids: list[str]) -> dict[str, Relevance]:
        assert text == "led migration" and sorted(cv_ids) == [f"cv-{i}" for i in range(5)]
        return {
            "cv-3": Relevance(0.9, ev("Led the migration of 40 services", 2)),
            "cv-1": Relevance(0.5, ev("Migrated billing")),
        }

    query = CandidateQuery(skills_all=("Python",), text="led migration")
    result = execute(query, people, rank=rank)  # type: ignore[arg-type]
    assert [r.profile.cv_id for r in result.matches] == ["cv-3", "cv-1", "cv-0", "cv-2", "cv-4"]
    # the free text orders, and each match shows the passage closest to it, cited
    text, sources = compose_set_answer(result, "en", FILES)
    assert "(a ranking, not a check)" in text
    assert "**P3** — Python — p.2 “Skills: Python” [1]; closest to “led migration” — p.2 " in text
    assert {k: sources[0][k] for k in ("cv_id", "page")} == {"cv_id": "cv-3", "page": 2}
    assert sources[0]["citations"] == [1, 2]


def test_answers_in_the_questions_language() -> None:
    people = [profile("cv-1", "Ana", languages={"de": "native"})]
    result = execute(CandidateQuery(languages=(LanguageFilter(code="de"),)), people)
    es, _ = compose_set_answer(result, "es", FILES)
    assert es.startswith("1 candidato cumple todas las condiciones (German):")
    de, _ = compose_set_answer(result, "de", FILES)
    assert de.startswith("1 Kandidat erfüllt alle Bedingungen")


def test_describe_cites_every_fact() -> None:
    people = [
        profile(
            "cv-1",
            "Ana García",
            languages={"es": "native", "en": "C1"},
            city="Madrid",
            country="Spain",
            years=8,
            employers=("Telefónica",),
            degree="master",
        ),
        profile("cv-2", "Ben Ode"),
    ]
    result = execute(CandidateQuery(names=("Ana García",), operation="describe"), people)
    text, sources = compose_profiles(result, "en", FILES)
    assert text.startswith("Profile of **Ana García**:")
    assert "Madrid, Spain [" in text and "Telefónica" in text and "8.0 years" in text
    assert {c["cv_id"] for c in sources} == {"cv-1"}
    assert "Ben" not in text


def _draft(people: list[CandidateProfile], query: CandidateQuery, kind: str) -> Draft:
    result = execute(query, people)
    text, sources = compose_set_answer(result, "en", FILES, count_first=kind == "count")
    snap = ProfileSnapshot("v1", {p.cv_id: p for p in people}, FILES, lambda t, ids: {})
    return Draft(text, sources, result, snap, kind)


def test_a_models_wording_is_checked_against_the_executed_query() -> None:
    people = [
        profile("cv-1", "Ana Ruiz", languages={"de": "C1"}),
        profile("cv-2", "Ben Ode", languages={"de": "B1"}),
        profile("cv-3", "Cleo Park", languages={"fr": "B1"}),
    ]
    draft = _draft(people, CandidateQuery(languages=(LanguageFilter(code="de"),)), "count")
    assert wording_problem("Two people speak German: Ana Ruiz [1] and Ben Ode [2].", draft)
    assert wording_problem("2 speak German: Ana Ruiz [1].", draft) == "Ben Ode is missing"
    assert (
        wording_problem("2 speak German: Ana Ruiz [1], Ben Ode [2], Cleo Park.", draft)
        == "Cleo Park is not in the result"
    )
    assert wording_problem("2 speak German: Ana Ruiz [1], Ben Ode [7].", draft) == (
        "unknown citations [7]"
    )
    assert (
        wording_problem("2 candidates speak German: Ana Ruiz [1] and Ben Ode [2].", draft) is None
    )


def test_a_ranked_passage_is_quoted_at_its_most_relevant_sentence() -> None:
    passage = ev(
        "Berufserfahrung Cloud-Architekt 10/2022 – 08/2025\n"
        "Led the migration of 40 services to Kubernetes. Trained 8 engineers.",
        2,
    )
    focused = focus(passage, "led migration")
    assert focused == Evidence(page=2, snippet="Led the migration of 40 services to Kubernetes.")
    assert focused.snippet in passage.snippet
    assert focus(passage, "underwater basket weaving") == passage  # nothing better: all of it
