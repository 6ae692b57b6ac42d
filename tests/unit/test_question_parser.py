"""The offline question parser: recruiter questions in en/es/fr/de → exact CandidateQuery."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cvchat.application.question_parser import is_follow_up, parse_question
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.domain.vocabulary import Level

LOCATIONS = frozenset({"Berlin", "Madrid", "Lyon", "Spain", "Germany", "München", "Paris"})
EMPLOYERS = frozenset(
    {"Siemens AG", "Google", "Telefónica", "Databricks", "Deutsche Telekom", "Amazon"}
)
NAMES = frozenset({"Ana García", "John Smith", "Lukas Müller", "Will Turner"})


def parse(question: str) -> CandidateQuery:
    return parse_question(
        question, known_locations=LOCATIONS, known_employers=EMPLOYERS, known_names=NAMES
    )


def lang(code: str, level: Level | None = None) -> LanguageFilter:
    return LanguageFilter(code=code, min_level=level)


def q(operation: str = "list", **fields: Any) -> CandidateQuery:
    return CandidateQuery(operation=operation, **fields)  # type: ignore[arg-type]


def open_(question: str) -> CandidateQuery:
    return CandidateQuery(operation="open", text=question)


CASES: list[tuple[str, CandidateQuery]] = [
    # --- languages and operations, in four languages
    ("Who speaks German?", q(languages=(lang("de"),))),
    ("How many candidates speak German?", q("count", languages=(lang("de"),))),
    ("¿Cuántos candidatos hablan alemán?", q("count", languages=(lang("de"),))),
    ("Combien de candidats parlent allemand ?", q("count", languages=(lang("de"),))),
    ("Wie viele Kandidaten sprechen Deutsch?", q("count", languages=(lang("de"),))),
    ("¿Quién habla inglés?", q(languages=(lang("en"),))),
    ("Qui parle italien ?", q(languages=(lang("it"),))),
    ("Welche Kandidaten sprechen Französisch?", q(languages=(lang("fr"),))),
    ("Who speaks Polish?", q(languages=(lang("pl"),))),
    ("Which candidates speak Spanish or Portuguese?", q(languages=(lang("es"), lang("pt")))),
    ("Who has German skills?", q(languages=(lang("de"),))),
    # --- levels
    ("Who speaks Spanish at least at C1 level?", q(languages=(lang("es", "C1"),))),
    ("fluent French speakers", q(languages=(lang("fr", "C1"),))),
    ("native German speakers", q(languages=(lang("de", "native"),))),
    ("Spanish B2 or above", q(languages=(lang("es", "B2"),))),
    ("alemán nivel C1 o superior", q(languages=(lang("de", "C1"),))),
    ("¿Quién habla español con un nivel C1 o superior?", q(languages=(lang("es", "C1"),))),
    (
        "Who holds the Professional Scrum Product Owner I certification?",
        q(certification="Professional Scrum Product Owner I"),
    ),
    ("Do I need a certification?", q("open", text="Do I need a certification?")),
    ("Qui parle anglais avec un niveau C1 ou plus ?", q(languages=(lang("en", "C1"),))),
    ("Wer spricht Englisch auf einem Niveau von mindestens B2?", q(languages=(lang("en", "B2"),))),
    ("anglais courant", q(languages=(lang("en", "C1"),))),
    ("Who is a native speaker of German?", q(languages=(lang("de", "native"),))),
    ("Wer spricht fließend Deutsch?", q(languages=(lang("de", "C1"),))),
    ("Wer spricht verhandlungssicheres Englisch?", q(languages=(lang("en", "C2"),))),
    ("Kandidaten mit sehr guten Deutschkenntnissen", q(languages=(lang("de", "C1"),))),
    ("Englisch als Muttersprache", q(languages=(lang("en", "native"),))),
    ("Who has Italian as their mother tongue?", q(languages=(lang("it", "native"),))),
    ("Qui a l'italien comme langue maternelle ?", q(languages=(lang("it", "native"),))),
    ("Wer spricht Englisch auf C1-Niveau?", q(languages=(lang("en", "C1"),))),
    ("¿Quién habla inglés con fluidez?", q(languages=(lang("en", "C1"),))),
    ("¿Quién habla francés nativo?", q(languages=(lang("fr", "native"),))),
    ("Qui parle couramment l'espagnol ?", q(languages=(lang("es", "C1"),))),
    ("Who speaks English (C2)?", q(languages=(lang("en", "C2"),))),
    ("Who has German at B2+?", q(languages=(lang("de", "B2"),))),
    (
        "Who speaks German C1 and English B2?",
        q(languages=(lang("de", "C1"), lang("en", "B2"))),
    ),
    (
        "Who is fluent in German and Spanish?",
        q(languages=(lang("de", "C1"), lang("es", "C1"))),
    ),
    # --- skills: all, any, false positives
    (
        "Who has Kubernetes experience and speaks Spanish?",
        q(skills_all=("Kubernetes",), languages=(lang("es"),)),
    ),
    (
        "Who has led a Kubernetes migration and speaks Spanish?",
        q(skills_all=("Kubernetes",), languages=(lang("es"),), text="led migration"),
    ),
    ("Python or Go developers", q(skills_any=("Python", "Go"), text="developers")),
    ("Python and Go", q(skills_all=("Python", "Go"))),
    ("Python/Go developers", q(skills_any=("Python", "Go"), text="developers")),
    (
        "Python, Go or Rust developers with Docker",
        q(skills_all=("Docker",), skills_any=("Python", "Go", "Rust"), text="developers"),
    ),
    ("Who knows TypeScript or JS?", q(skills_any=("TypeScript", "JavaScript"))),
    ("Who knows Kubernetes (K8s)?", q(skills_all=("Kubernetes",))),
    ("Who knows C++ and C#?", q(skills_all=("C++", "C#"))),
    ("Who has CI/CD experience?", q(skills_all=("CI/CD",))),
    ("Who knows R?", q(skills_all=("R",))),
    ("Who has REST API experience?", q(skills_all=("REST APIs",))),
    (
        "ML engineers in Berlin",
        q(skills_all=("Machine Learning",), location="Berlin", text="engineers"),
    ),
    ("Who knows Google Cloud?", q(skills_all=("Google Cloud",))),
    ("Who knows Databricks?", q(skills_all=("Databricks",))),
    ("Go developers", q(skills_all=("Go",), text="developers")),
    ("Who can polish our roadmap?", q(skills_all=("Roadmapping",), text="polish")),
    ("Where did they go?", open_("Where did they go?")),
    ("Who has the rest of the skills?", open_("Who has the rest of the skills?")),
    ("Who has R&D experience?", open_("Who has R&D experience?")),
    ("What makes a good CV?", open_("What makes a good CV?")),
    # --- years of experience (inclusive minimum)
    ("Candidates with at least 5 years of experience", q(min_years=5)),
    ("more than 8 years", q(min_years=8)),
    ("5+ years", q(min_years=5)),
    ("mindestens 5 Jahre Berufserfahrung", q(min_years=5)),
    ("al menos 5 años de experiencia", q(min_years=5)),
    ("au moins 5 ans d'expérience", q(min_years=5)),
    ("¿Quién tiene más de 10 años de experiencia?", q(min_years=10)),
    ("Wer hat über 10 Jahre Erfahrung?", q(min_years=10)),
    ("Who has five years of experience with Python?", q(skills_all=("Python",), min_years=5)),
    ("Who has 2.5 years of experience?", q(min_years=2.5)),
    ("between 3 and 5 years of experience", q(min_years=3)),
    ("less than 3 years of experience", open_("less than 3 years of experience")),
    (
        "Who has worked with Python in the last 5 years?",
        q(skills_all=("Python",), text="last 5 years"),
    ),
    # --- locations
    ("Who lives in Berlin?", q(location="Berlin")),
    ("candidates based in Spain", q(location="Spain")),
    ("¿Quién vive en Madrid?", q(location="Madrid")),
    ("Qui habite à Lyon ?", q(location="Lyon")),
    ("Welche Kandidaten wohnen in München?", q(location="München")),
    ("Who is based in Munich?", q(location="München")),  # the corpus' spelling
    ("¿Qué candidatos viven en Alemania?", q(location="Germany")),
    ("Wer lebt in Italien?", q(location="Italy")),  # a known place outside the corpus
    ("Wer wohnt im Vereinigten Königreich?", q(location="United Kingdom")),  # dative
    ("Wer arbeitet in den Niederlanden?", q(location="Netherlands")),
    ("Who lives in Tokyo?", q(location="Tokyo")),  # unknown, after a strong cue
    # --- employers
    ("Who worked at Siemens?", q(employer="Siemens")),
    ("ex-Google engineers", q(employer="Google", text="engineers")),
    ("¿Quién ha trabajado en Telefónica?", q(employer="Telefónica")),
    ("Who worked at Databricks?", q(employer="Databricks")),
    ("Qui a travaillé chez Airbus ?", q(employer="Airbus")),
    ("Wer hat bei Bosch gearbeitet?", q(employer="Bosch")),
    (
        "Wer spricht Deutsch und arbeitet bei Deutsche Telekom?",
        q(languages=(lang("de"),), employer="Deutsche Telekom"),
    ),
    # --- degrees
    ("Who has a PhD?", q(degree="phd")),
    ("candidates with a master's degree", q(degree="master")),
    ("¿Quién tiene un máster?", q(degree="master")),
    ("Wer hat promoviert?", q(degree="phd")),
    ("titulaires d'un doctorat", q(degree="phd")),
    ("Who has at least a master's or a PhD?", q(degree="master")),
    ("Wer hat einen Masterabschluss?", q(degree="master")),
    ("Who has a degree in physics?", q(degree="bachelor", text="physics")),
    ("Who is a Scrum Master?", open_("Who is a Scrum Master?")),
    ("Who has a driving licence?", open_("Who has a driving licence?")),
    # --- certifications
    ("Who holds the CKA certification?", q(certification="CKA")),
    ("AWS certified candidates", q(certification="AWS")),
    (
        "Who is a Certified Kubernetes Administrator?",
        q(certification="Certified Kubernetes Administrator"),
    ),
    (
        "Certified Kubernetes Administrators in Berlin",
        q(certification="Certified Kubernetes Administrator", location="Berlin"),
    ),
    ("¿Quién tiene la certificación PMP?", q(certification="PMP")),
    # a cue word before a name with a capitalised "Certified" in it
    (
        "Wer hat die Zertifizierung Microsoft Certified: Azure Data Engineer Associate?",
        q(certification="Microsoft Certified: Azure Data Engineer Associate"),
    ),
    (
        "Qui possède la certification Microsoft Certified: Power BI Data Analyst Associate ?",
        q(certification="Microsoft Certified: Power BI Data Analyst Associate"),
    ),
    # both names of one certification: the words in them are no skills, no people
    (
        "Who holds the Professional Scrum Product Owner I (PSPO I) certification?",
        q(certification="Professional Scrum Product Owner I (PSPO I)"),
    ),
    (
        "¿Quién posee la certificación Certified Kubernetes Administrator (CKA)?",
        q(certification="Certified Kubernetes Administrator (CKA)"),
    ),
    ("Wer ist AWS-zertifiziert?", q(certification="AWS")),
    ("Who is certified in Azure?", q(certification="Azure")),
    ("Who has a Google Cloud certification?", q(certification="Google Cloud")),
    ("Who has the AZ-900?", q(certification="AZ-900")),
    (
        "PMP certified project managers with 10 years of experience",
        q(certification="PMP", min_years=10, text="project managers"),
    ),
    # --- named candidates
    ("Compare Ana García and John Smith", q("compare", names=("Ana García", "John Smith"))),
    ("Ana García vs John Smith", q("compare", names=("Ana García", "John Smith"))),
    ("Vergleiche Ana García und John Smith", q("compare", names=("Ana García", "John Smith"))),
    ("Compara a Ana García con John Smith", q("compare", names=("Ana García", "John Smith"))),
    ("Tell me about Ana García", q("describe", names=("Ana García",))),
    ("Describe Ana García's experience", q("describe", names=("Ana García",))),
    ("Háblame de Ana García", q("describe", names=("Ana García",))),
    ("Parle-moi de John Smith", q("describe", names=("John Smith",))),
    ("Erzähl mir von Lukas Müller", q("describe", names=("Lukas Müller",))),
    ("Tell me about García", q("describe", names=("Ana García",))),  # a unique surname
    (
        "Does Ana García speak German?",
        q("describe", names=("Ana García",), languages=(lang("de"),)),
    ),
    # --- several filters, open questions, negations
    (
        "Senior data engineers with Spark and Airflow in Germany",
        q(skills_all=("Spark", "Airflow"), location="Germany", text="Senior data engineers"),
    ),
    (
        "Wie viele Kandidaten haben mehr als 5 Jahre Erfahrung und sprechen Französisch?",
        q("count", min_years=5, languages=(lang("fr"),)),
    ),
    (
        "¿Cuántos candidatos tienen experiencia con Kafka y hablan inglés?",
        q("count", skills_all=("Kafka",), languages=(lang("en"),)),
    ),
    (
        "Combien de développeurs Java vivent à Paris ?",
        q("count", skills_all=("Java",), location="Paris", text="développeurs"),
    ),
    ("How many candidates are there?", q("count")),
    ("List all candidates", q("list")),
    (
        "Summarise the experience of data scientists in the corpus",
        open_("Summarise the experience of data scientists in the corpus"),
    ),
    (
        "Who would be a good fit for a DevOps role?",
        open_("Who would be a good fit for a DevOps role?"),
    ),
    ("Who doesn't speak German?", open_("Who doesn't speak German?")),
    ("¿Quién no habla alemán?", open_("¿Quién no habla alemán?")),
    ("Qui ne parle pas anglais ?", open_("Qui ne parle pas anglais ?")),
    ("Wer hat keinen Doktortitel?", open_("Wer hat keinen Doktortitel?")),
    # --- follow-ups: their own cue wins, otherwise "open" lets refine() keep the operation
    ("and which of them speak French?", q(languages=(lang("fr"),))),
    ("y de ellos, ¿quién vive en Madrid?", q(location="Madrid")),
    ("et parmi eux, qui parle anglais ?", q(languages=(lang("en"),))),
    ("und welche davon sprechen Englisch?", q(languages=(lang("en"),))),
    ("and how many of them?", q("count")),
    ("only those with 5+ years", q("open", min_years=5)),
    ("what about German?", q("open", languages=(lang("de"),))),
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parses_the_question_into_the_exact_query(question: str, expected: CandidateQuery) -> None:
    assert parse(question) == expected


def test_without_corpus_values_strong_cues_still_find_places_and_employers() -> None:
    assert parse_question("Who lives in Berlin?") == q(location="Berlin")
    assert parse_question("Who worked at Siemens?") == q(employer="Siemens")
    assert parse_question("Wer hat bei der Deutschen Bahn gearbeitet?") == q(
        employer="Deutschen Bahn"
    )
    # No cue and no corpus value: nothing to recognise a place by.
    assert parse_question("Python developers in Springfield") == q(
        skills_all=("Python",), text="developers Springfield"
    )


def test_corpus_values_match_folded_as_whole_words() -> None:
    known = frozenset({"Telefónica", "Ulm"})
    assert parse_question("¿Quién trabajó en TELEFONICA?", known_employers=known) == q(
        employer="Telefónica"
    )
    assert parse_question("Who has Ulmer experience?", known_locations=known) == open_(
        "Who has Ulmer experience?"
    )
    # The longest corpus value wins over a shorter one inside it.
    employers = frozenset({"Deutsche Bank", "Deutsche Bank Research"})
    assert (
        parse_question("ex Deutsche Bank Research analysts", known_employers=employers).employer
        == "Deutsche Bank Research"
    )


def test_a_name_word_that_is_not_unique_is_not_a_name() -> None:
    names = frozenset({"Ana García", "Pedro García"})
    assert parse_question("Tell me about García", known_names=names) == open_(
        "Tell me about García"
    )
    assert parse_question("Tell me about Pedro García", known_names=names) == q(
        "describe", names=("Pedro García",)
    )


@pytest.mark.parametrize(
    "question",
    [
        "and which of them speak French?",
        "And which of them speak French?",
        "y de ellos, ¿quién vive en Madrid?",
        "¿Y cuántos hablan inglés?",
        "et parmi eux, qui parle anglais ?",
        "Et lesquels habitent à Paris ?",
        "und welche davon sprechen Englisch?",
        "Welche dieser Kandidaten wohnen in Berlin?",
        "only those with 5+ years",
        "what about German?",
        "How about Python?",
        "Of those, who has a PhD?",
        "¿Cuántos de ellos tienen un máster?",
        "Nur die mit Promotion",
    ],
)
def test_follow_ups_are_detected(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "Who speaks German?",
        "Which candidates know Python?",
        "¿Quién vive en Madrid?",
        "Qui habite à Lyon ?",
        "Welche Kandidaten sprechen Deutsch?",
        "plus de 3 ans d'expérience en Java",
        "E-commerce experts in Berlin",
        "O'Brien's experience",
        "",
        "   ",
    ],
)
def test_fresh_questions_are_not_follow_ups(question: str) -> None:
    assert not is_follow_up(question)


def test_a_follow_up_refines_the_previous_query() -> None:
    first = parse("How many candidates speak German?")
    then = parse("what about French?")
    assert first.refine(then) == q("count", languages=(lang("de"), lang("fr")))
    listed = parse("Who has Kubernetes experience?")
    narrowed = listed.refine(parse("and which of them live in Madrid with 5+ years?"))
    assert narrowed == q(skills_all=("Kubernetes",), location="Madrid", min_years=5)
    leveled = parse("Who speaks Spanish?").refine(parse("only those at C1 or above in Spanish"))
    assert leveled == q("list", languages=(lang("es", "C1"),))


def test_an_empty_question_is_open() -> None:
    assert parse_question("") == open_("")
    assert parse_question(" ?! ") == open_("?!")


def test_parsing_has_no_pathological_slowness() -> None:
    """About a millisecond a question here; the ceiling only catches a pattern gone
    quadratic or worse, with room for a loaded machine."""
    questions = [c[0] for c in CASES]
    parse(questions[0])  # corpus values are compiled once per collection
    start = time.perf_counter()
    for question in questions:
        parse(question)
    per_question = (time.perf_counter() - start) / len(questions)
    assert per_question < 0.05
