"""The offline extractor on career shapes that cost years or facts: a heading printed on its
first job's line, co-op terms and apprenticeships named after the title, retraining and
bootcamps listed like jobs, a heading that names several sections, a summary that mentions an
earlier job beside a later start, work that another team did.

Each CV is a short text written for one rule; every fact must still quote its page verbatim.
"""

from __future__ import annotations

import pytest

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile

AS_OF = "2025-10"


def extract(*pages: str) -> CandidateProfile:
    profile = extract_profile("cv-test", tuple(pages), as_of=AS_OF)
    singles = [profile.location, profile.experience]
    for fact in [
        *(fact for fact in singles if fact is not None),
        *profile.languages,
        *profile.skills,
        *profile.jobs,
        *profile.education,
        *profile.certifications,
    ]:
        assert fact.evidence.snippet in pages[fact.evidence.page - 1], fact
    return profile


def years(profile: CandidateProfile) -> float:
    assert profile.experience is not None
    return profile.experience.years


# a table export: the section's label cell and the first job's dates share one line
HEADING_ON_THE_JOB_LINE = """Tom Baker
Winnipeg, Manitoba | tom.baker@example.com
WORK HISTORY 03/2019 – Present Platform Engineer, Prairie Freight Ltd, Winnipeg, MB Owns the \
release pipeline of the dispatch system
and its on-call rota.
06/2014 – 02/2019 Systems Analyst, Keewatin Power, Winnipeg, MB
Kept the billing batch running.
05/2013 – 08/2013 Software Developer (co-op work term), Red River Games, Winnipeg
Summer placement in the tools team.
EDUCATION 2010 – 2014 BSc Computer Science, University of Manitoba
"""


def test_a_heading_on_the_first_jobs_line_hides_no_job() -> None:
    profile = extract(HEADING_ON_THE_JOB_LINE)
    employers = [job.employer for job in profile.jobs]
    assert employers[:2] == ["Prairie Freight Ltd", "Keewatin Power"]
    first = profile.jobs[0]
    assert (first.title, first.start, first.current) == ("Platform Engineer", "2019-03", True)
    assert "03/2019 – Present" in first.evidence.snippet


def test_a_co_op_work_term_is_no_professional_year() -> None:
    profile = extract(HEADING_ON_THE_JOB_LINE)
    assert "Red River Games" in [job.employer for job in profile.jobs]  # an employer still
    # 2014-06 .. 2025-10 only: the summer co-op term adds nothing
    assert years(profile) == pytest.approx(137 / 12, abs=0.01)


APPRENTICESHIP_AFTER_THE_TITLE = """Claire Martin
Nantes, France
EXPÉRIENCE
oct. 2021 – aujourd'hui
Chargée de projet digital
Groupe Beaumanoir · Nantes
sept. 2019 – sept. 2021
Chargée de communication en alternance (IUT)
Maisons du Monde · Nantes
"""


def test_an_apprenticeship_named_after_the_title_is_no_professional_year() -> None:
    profile = extract(APPRENTICESHIP_AFTER_THE_TITLE)
    second = profile.jobs[1]
    assert (second.employer, second.title) == (
        "Maisons du Monde",
        "Chargée de communication en alternance",
    )
    assert years(profile) == pytest.approx(49 / 12, abs=0.01)  # 2021-10..2025-10


RETRAINED = """Owen Price
Bristol, UK
Experience
Data Analyst Jan 2023 – present
Avon Insurance · Bristol
Built the claims dashboards.
Coding Bootcamp Jul 2022 – Dec 2022
Le Wagon · Bristol
Career break Jan 2021 – Jun 2022
Travelling and caring for family.
Bootcamp Instructor Mar 2019 – Dec 2020
General Assembly · London
Taught the evening data course.
"""


def test_a_bootcamp_or_a_break_listed_like_a_job_is_no_job() -> None:
    profile = extract(RETRAINED)
    assert [job.employer for job in profile.jobs] == ["Avon Insurance", "General Assembly"]
    # 2023-01..2025-10 (34) + 2019-03..2020-12 (22): the instructor's job counts, the rest not
    assert years(profile) == pytest.approx(56 / 12, abs=0.01)


@pytest.mark.parametrize(
    "heading", ["Education, certification & languages", "Formation et langues"]
)
def test_a_heading_that_names_several_sections_opens_the_first(heading: str) -> None:
    text = (
        "Ana Ruiz\nSevilla\nExperience\nNurse Jan 2015 – Dec 2019\nHospital Virgen del Rocío\n"
        f"{heading}\n2011 – 2012 PGCE Primary Education, University of Leeds\n"
        "2008 – 2011 BSc Biology, University of Leeds\n"
    )
    profile = extract(text)
    # the study years are not work: only 2015-01..2019-12
    assert [job.employer for job in profile.jobs] == ["Hospital Virgen del Rocío"]
    assert years(profile) == pytest.approx(60 / 12, abs=0.01)


def test_an_earlier_job_beside_a_later_start_is_not_the_current_one() -> None:
    text = (
        "Lucie Petit\nBordeaux, France\n"
        "Cheffe de projet depuis 2021, après trois ans comme consultante chez Sopra Steria.\n"
        "EXPÉRIENCE\njanv. 2021 – aujourd'hui\nCheffe de projet\nCdiscount · Bordeaux\n"
    )
    profile = extract(text)
    assert [(job.employer, job.start) for job in profile.jobs] == [("Cdiscount", "2021-01")]


# -- languages, places, degrees and certificates in the shapes that hid them ------------------


def test_a_language_that_opens_a_sentence_after_a_town_is_spoken() -> None:
    text = (
        "Ines Duarte\nPorto, Portugal\nAbout me\n"
        "I was born in Lisbon. Portuguese is my first language, and I write daily in English.\n"
    )
    languages = {fact.code: fact for fact in extract(text).languages}
    assert languages["pt"].level == "native"
    assert languages["pt"].evidence.snippet == "Portuguese is my first language"


@pytest.mark.parametrize(
    ("lines", "city", "country"),
    [
        ("Maracay, estado Aragua,\nVenezuela", "Maracay", "Venezuela"),
        ("Cuenca, provincia del Azuay, Ecuador", "Cuenca", "Ecuador"),
    ],
)
def test_a_region_named_by_its_kind_between_town_and_country(
    lines: str, city: str, country: str
) -> None:
    profile = extract(f"Diego Rojas\n{lines}\n+58 412 555 0101\n")
    assert profile.location is not None
    assert (profile.location.city, profile.location.country) == (city, country)


@pytest.mark.parametrize(
    ("line", "city", "country"),
    [
        (
            "Desarrolladora Full-stack · Vue / Laravel Córdoba, provincia de Córdoba, Argentina",
            "Córdoba",
            "Argentina",
        ),
        (
            "Data Engineer · Spark / Scala Medellín, Colombia +57 300 555 0101",
            "Medellín",
            "Colombia",
        ),
    ],
)
def test_a_headline_run_into_the_town_on_one_line_leaves_the_town(
    line: str, city: str, country: str
) -> None:
    profile = extract(f"Lucía Mora\n{line}\nPerfil\nDiez años de desarrollo web.\n")
    assert profile.location is not None
    assert (profile.location.city, profile.location.country) == (city, country)


def test_a_degree_glued_to_its_dates_is_read() -> None:
    text = (
        "Jonas Weber\nBremen\nAusbildung\n"
        "10.2009 – 03.2015Diplom-Informatiker, Universität Bremen\n"
    )
    education = extract(text).education
    assert [(e.degree, e.level) for e in education] == [("Diplom-Informatiker", "master")]


@pytest.mark.parametrize(
    ("section", "names"),
    [
        # a short heading: the items are certificates, not a skills list
        (
            "Certs\nCKS, 2024\nAWS Developer – Associate, 2022\n",
            {"CKS", "AWS Developer – Associate"},
        ),
        # an exam code with the certificate's name in brackets: the name
        (
            "Zertifikate\nDP-203 (Azure Data Engineer Associate), 2023\n",
            {"Azure Data Engineer Associate"},
        ),
    ],
)
def test_certificates_as_they_are_printed(section: str, names: set[str]) -> None:
    text = f"Ola Berg\nOslo, Norway\nSkills\nTerraform, Ansible, Bash\n{section}"
    assert {fact.name for fact in extract(text).certifications} == names
