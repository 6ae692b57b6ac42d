"""The offline extractor on CVs as Word files and scans deliver them.

A DOCX gives its tables as "Label | Value" rows and its page footer as a line of text; a scan
gives what Tesseract reads: a key/value row without its rule, a date column read apart from
the jobs, a "0" read as "6", "CI" as "Cl", headings lost or filed elsewhere. Each text is a
short CV written for one rule (the shapes of ``tests/corpora/formats``, with other people,
firms and places); every fact must still quote its page verbatim.
"""

from __future__ import annotations

import pytest

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile
from tests.profiles.test_offline_names_places import name, place

AS_OF = "2025-10"


def extract(*pages: str, as_of: str = AS_OF) -> CandidateProfile:
    profile = extract_profile("cv-test", tuple(pages), as_of=as_of)
    singles = [profile.name, profile.location, profile.experience]
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


def languages(profile: CandidateProfile) -> dict[str, str | None]:
    return {fact.code: fact.level for fact in profile.languages}


def skills(profile: CandidateProfile) -> set[str]:
    return {fact.name for fact in profile.skills}


def jobs(profile: CandidateProfile) -> list[tuple[str, str | None, str | None]]:
    return [(job.employer, job.start, job.end) for job in profile.jobs]


def years(profile: CandidateProfile) -> float:
    assert profile.experience is not None
    return profile.experience.years


def certifications(profile: CandidateProfile) -> set[str]:
    return {fact.name for fact in profile.certifications}


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # a Word table's "Name | …" row, the doctorate's Latin faculty dropped with "Dr."
        ("Name | Dr. rer. nat. Katrin Vollmer", "Katrin Vollmer"),
        ("Name\tProf. Dr. med. Jörg Albers", "Jörg Albers"),
        # a scan lost the table's rule and read a speck after the name
        ("Name Lukas Brenner ;", "Lukas Brenner"),
    ],
)
def test_a_name_in_a_key_value_row(line: str, expected: str) -> None:
    text = (
        f"Lebenslauf\nPersönliche Daten\n{line}\nTelefon | +49 351 555 0101\n"
        "Beruflicher Werdegang\nseit 01/2021\nData Engineer\nSachsenEnergie AG\n"
    )
    assert name(extract(text)) == expected


def test_the_name_row_keeps_the_first_job_out_of_the_header() -> None:
    """With the name read from its row, the dated lines below it are jobs, not the header:
    dates alone on a line, then the title, then the employer (a town in its name stays)."""
    text = (
        "Lebenslauf\nName | Dr. rer. nat. Katrin Vollmer\n"
        "E-Mail | katrin.vollmer@posteo.de\n"
        "Beruflicher Werdegang\n"
        "seit 04/2021\nSenior Data Scientist\nBosch Sensortec Dresden\n"
        "06/2018 – 03/2021\nWissenschaftliche Mitarbeiterin (Postdoc)\n"
        "Technische Universität Chemnitz, Institut für Physik\n"
        "10/2012 – 09/2013\nWerkstudentin\nZeiss, Jena\n"
    )
    profile = extract(text)
    assert name(profile) == "Katrin Vollmer"
    assert jobs(profile) == [
        ("Bosch Sensortec Dresden", "2021-04", None),
        ("Technische Universität Chemnitz", "2018-06", "2021-03"),
        ("Zeiss", "2012-10", "2013-09"),
    ]
    # 04/2021 – 10/2025 (55) + 06/2018 – 03/2021 (34); the Werkstudentin job does not count
    assert years(profile) == pytest.approx(89 / 12, abs=0.01)


# -- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # an Australian state gives the country; the phone number leaves a "+" behind
        (
            "Fremantle, Western Australia + 0413 222 871 - k.ng@iinet.net.au",
            ("Fremantle", "Australia"),
        ),
        # street and district before the town, the state after it
        (
            "Domicilio Calle 21 n.° 304 x 12 y 14, Centro, Mérida, Yucatán, México",
            ("Mérida", "México"),
        ),
        ("Austin, Texas · dana@example.com", ("Austin", "United States")),
        # a Polish postcode, the country in brackets
        ("ul. Długa 12/3, 80-831 Gdańsk (Poland)", ("Gdańsk", "Poland")),
        # a French phone number in pairs: the address before it is the place
        (
            "8 rue Saint-Melaine, 35000 Rennes, France : 06 71 22 90 14 : a.le@free.fr",
            ("Rennes", "France"),
        ),
        # a scan lost the town's capital; the postcode says it is a town
        ("dunedin 9016, New Zealand", ("Dunedin", "New Zealand")),
    ],
)
def test_places_as_addresses_print_them(line: str, expected: tuple[str, str]) -> None:
    text = f"Kim Ng\nQA Engineer\n{line}\nPROFILE\nTester for ten years.\n"
    assert place(extract(text)) == expected


def test_a_phone_label_is_no_town() -> None:
    text = (
        "Rodrigo Pérez\nDATOS PERSONALES\n"
        "Domicilio Calle 60 n.° 400, Centro, Oaxaca, Oaxaca, México\n"
        "Teléfono 951 214 8830\n"
    )
    assert place(extract(text)) == ("Oaxaca", "México")
    assert place(extract("Rodrigo Pérez\nDATOS PERSONALES\nTeléfono 951 214 8830\n")) is None


# -- languages ---------------------------------------------------------------------------------


def test_a_languages_table_head_row_does_not_end_the_section() -> None:
    text = (
        "Jana Krüger\nProfil\nData Scientist.\nSprachen\nSprache | Niveau\n"
        "Deutsch | Muttersprache\nEnglisch | verhandlungssicher (C1)\nPolnisch | Grundkenntnisse\n"
    )
    assert languages(extract(text)) == {"de": "native", "en": "C1", "pl": "A2"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # the "·" between the items read as dashes and colons by a scan
        (
            "Français : langue maternelle - Anglais : courant - Allemand : intermédiaire (B1)"
            " : Breton : notions",
            {"fr": "native", "en": "C1", "de": "B1", "br": "A2"},
        ),
        # what follows a level after a dash is no part of it
        (
            "Español: nativo - Inglés: intermedio-avanzado (B2, TOEFL ITP 560) - Maya: básico",
            {"es": "native", "en": "B2"},
        ),
        # names joined by "and" share the level after them
        (
            "euskera y castellano (nativos) - inglés: avanzado",
            {"eu": "native", "es": "native", "en": "C1"},
        ),
        ("English (native); te reo Māori (basic)", {"en": "native", "mi": "A2"}),
    ],
)
def test_several_languages_on_one_line(line: str, expected: dict[str, str]) -> None:
    text = f"Ana Ruiz\nana@example.com\nLANGUES\n{line}\n"
    assert languages(extract(text)) == expected


def test_an_explicit_level_after_a_level_word_wins_in_prose() -> None:
    text = (
        "Jana Krüger\njana@example.de\nProfil\n"
        "Ich spreche Englisch verhandlungssicher (C1) und Deutsch als Muttersprache.\n"
    )
    assert languages(extract(text)) == {"en": "C1", "de": "native"}


# -- jobs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "employer"),
    [
        # a Europass employer line with its street address
        (
            "Nordea Bank Polska, ul. Grunwaldzka 472, 80-309 Gdańsk (Poland)",
            "Nordea Bank Polska",
        ),
        # a descriptor in brackets, then the town
        ("Jeppesen (a Boeing company), Gdańsk (Poland)", "Jeppesen"),
        # a unit after a comma or a dash
        ("Universität Leipzig, Institut für Informatik", "Universität Leipzig"),
        ("Trinity College Dublin — IT Services", "Trinity College Dublin"),
        ("Ayuntamiento de Sevilla, Dirección de Informática", "Ayuntamiento de Sevilla"),
    ],
)
def test_an_employer_without_its_address_or_unit(line: str, employer: str) -> None:
    text = f"Sam Doe\nsam@example.com\nEXPERIENCE\n01/03/2016 – 30/09/2019\nData Engineer\n{line}\n"
    assert [job.employer for job in extract(text).jobs] == [employer]


@pytest.mark.parametrize(
    ("line", "employer"),
    [
        # an aside in brackets after the name, a brand with an inner capital
        ("Ingeniera de software sénior — Glovo (remoto) feb. 2023 – actualidad", "Glovo"),
        ("Business Analyst, puis PO junior — eDreams, Nantes janv. 2018 – août 2021", "eDreams"),
        # a town that is part of the firm's name stays ("… Dresden" alone, no comma)
        ("Senior Data Scientist — Infineon Technologies Dresden 12/2020 – heute", None),
    ],
)
def test_employers_as_job_lines_print_them(line: str, employer: str | None) -> None:
    text = f"Sam Doe\nsam@example.com\nEXPERIENCIA\n{line}\n"
    expected = employer or "Infineon Technologies Dresden"
    assert [job.employer for job in extract(text).jobs] == [expected]


def test_a_month_without_its_year_before_a_dated_end() -> None:
    text = (
        "Ana Pech\nana@example.mx\nEXPERIENCIA LABORAL\n"
        "Desarrolladora web — Kinich Digital 06/2019 - 12/2021\n"
        "Prácticas profesionales — Ayuntamiento de Progreso, Dirección de ene. - may. 2019\n"
        "Becaria — Cinvestav nov. – feb. 2018\n"
    )
    assert jobs(extract(text)) == [
        ("Kinich Digital", "2019-06", "2021-12"),
        ("Ayuntamiento de Progreso", "2019-01", "2019-05"),
        ("Cinvestav", "2017-11", "2018-02"),
    ]


def test_a_year_alone_as_an_end_runs_through_december_before_the_next_years_job() -> None:
    text = (
        "Sean Kelly\nsean@example.ie\nExperience\n"
        "Senior Platform Engineer, Qualcomm — Cork Jan 2019 – Present\n"
        "DevOps Engineer, Nexo Labs — Valencia, Spain 2016–2018\n"
        "Systems Administrator, Cork City Council 09/2013 – 12/2015\n"
    )
    profile = extract(text, as_of="2026-02")
    assert jobs(profile)[1] == ("Nexo Labs", "2016-01", "2018-12")
    # Jan 2019 – Feb 2026 (86) + Jan 2016 – Dec 2018 (36) + Sep 2013 – Dec 2015 (28)
    assert years(profile) == pytest.approx(150 / 12, abs=0.01)


def test_a_year_alone_as_an_end_not_yet_reached_is_a_current_job() -> None:
    text = "Sam Doe\nsam@example.com\nExperience\nEngineer, Acme Ltd 2019 – 2026\n"
    assert jobs(extract(text, as_of="2025-06")) == [("Acme Ltd", "2019-01", None)]


# a date column read before the main column: the studies' years printed under the jobs'
DATE_COLUMN = """Erwan KERGOAT
14 rue de Brest, 29200 Brest, France : 06 11 22 33 44 : erwan@free.fr
depuis mars 2020
août 2016 - févr. 2020
févr. — juil. 2016
2011 - 2016
——— EXPERIENCE PROFESSIONNELLE —
Ingénieur logiciel senior — Thales, Brest
Services de télémesure pour la défense : Java 17, Spring Boot,
Kafka, PostgreSQL. Référent technique d'une équipe de six développeurs. Je fournis
les images Docker de nos services.
Analyste-développeur — Naval Group, Brest
Applications de maintenance navale en Java et Angular.
Stage de fin d'études — Orange, Lannion
Outil interne de suivi des tests.
——— FORMATION ———
Diplôme d'ingénieur — ENIB
"""


def test_a_date_column_with_the_studies_years_under_the_jobs() -> None:
    profile = extract(DATE_COLUMN, as_of="2025-12")
    assert jobs(profile) == [
        ("Thales", "2020-03", None),
        ("Naval Group", "2016-08", "2020-02"),
        ("Orange", "2016-02", "2016-07"),
    ]
    # Mar 2020 – Dec 2025 (70) + Aug 2016 – Feb 2020 (43); the stage does not count
    assert years(profile) == pytest.approx(113 / 12, abs=0.01)


# a scan of a plain-text CV: the date column read alone ("0" read as "6"), the headings below
# it lost, the job lines filed under the next heading that survived
SCANNED_COLUMNS = """ALICE HARPER
QA Lead
EXPERIENCE
‘63/2021 - present
09/2017 - 02/2021
61/2014 - 08/2017
2009 - 2012
CERTIFICATES
- TypeScript, JavaScript,
'" QA Lead (contract), Tui Testing Ltd
the payroll API; Playwright suite run on every merge.
‘Test Analyst, Spark NZ, Auckland :
* Manual and automated testing.
Test Analyst (fixed-term), Auckland Council, Auckland
BSc in Computer Science,
University of Auckland
"""


def test_a_scanned_date_column_gives_the_years_and_its_jobs_the_employers() -> None:
    profile = extract(SCANNED_COLUMNS, as_of="2026-10")
    assert [job.employer for job in profile.jobs] == [
        "Tui Testing Ltd",
        "Spark NZ",
        "Auckland Council",
    ]
    # 03/2021 – 10/2026 (68) + 09/2017 – 02/2021 (42) + 01/2014 – 08/2017 (44); 2009 – 2012
    # gives no month: the degree's
    assert years(profile) == pytest.approx(154 / 12, abs=0.01)
    assert profile.highest_degree == "bachelor"  # the university on the line below


# -- education ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "level"),
    [
        # a Mexican "maestría trunca": unfinished
        (
            "2015 - 2019 Ingeniería en Sistemas Computacionales, Instituto Tecnológico de Tijuana\n"
            "2022 - 2023 Maestría en Ciencias, Universidad Autónoma de Baja California | Trunca\n",
            "bachelor",
        ),
        # two of four years, then stopped; a Higher Certificate is below a bachelor
        (
            "Higher Certificate in Science in Computing (NFQ Level 6) 2011 – 2013\n"
            "Munster Technological University\n"
            "BSc (Hons) in Software Development — part-time 2014 – 2016\n"
            "Munster Technological University — completed two of the four years; stopped "
            "when I moved to Spain.\n",
            None,
        ),
    ],
)
def test_unfinished_degrees_do_not_count(lines: str, level: str | None) -> None:
    profile = extract(f"Sam Doe\nsam@example.com\nEducation\n{lines}")
    assert profile.highest_degree == level


# -- certifications ----------------------------------------------------------------------------


def test_page_furniture_is_no_certificate() -> None:
    """Footers, the copyright line of a template and the place-and-date line above a
    signature follow the last section: none is a certificate."""
    pages = (
        "Clara Vidal\nclara@example.es\nCERTIFICACIONES\n"
        "CKAD – Certified Kubernetes Application Developer (2024)\n"
        "Clara Vidal · CV · noviembre de 2025\n",
        "Zertifikate\nAWS Certified Machine Learning – Specialty (2022)\nLeipzig, 24.03.2025\n"
        "Clara Vidal\n"
        "© European Union, 2002-2020 | europass.cedefop.europa.eu Page 2 / 2\n"
        "Clara Vidal — CV — mai 2026 — page 2\n",
    )
    assert certifications(extract(*pages)) == {
        "CKAD – Certified Kubernetes Application Developer",
        "AWS Certified Machine Learning – Specialty",
    }


def test_language_certificates_and_academic_awards_are_no_certifications() -> None:
    text = (
        "Piotr Nowak\npiotr@example.pl\nEducation\n"
        "Higher Certificate in Science in Computing (NFQ Level 6) 2011 – 2013\n"
        "Languages\nEnglish | C1\nCambridge Certificate in Advanced English (CAE), 2013\n"
        "German | B1\nGoethe-Zertifikat B1, 2017\n"
        "Certifications\nCKA – Certified Kubernetes Administrator (2020)\n"
    )
    assert certifications(extract(text)) == {"CKA – Certified Kubernetes Administrator"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "DP-203: Data Engineering on Microsoft Azure (2022)",
            "Microsoft Certified: Azure Data Engineer Associate",
        ),
        ("AWS SAA-C03 (2023)", "AWS Certified Solutions Architect – Associate"),
        ("ISTQB CTAL-TA (2019)", "ISTQB Certified Tester Advanced Level Test Analyst (CTAL-TA)"),
        # the name is printed too: it stays as written
        ("AZ-204 Azure Developer Associate (2021)", "AZ-204 Azure Developer Associate"),
    ],
)
def test_a_certificate_printed_as_its_exam_code(line: str, expected: str) -> None:
    text = f"Ola Berg\nola@example.no\nCertifications\n{line}\n"
    assert certifications(extract(text)) == {expected}


def test_a_jobs_dates_cut_by_a_scan_are_no_certificate() -> None:
    text = (
        "Ola Berg\nola@example.no\nCERTIFICATES\nVa Xero (03/2022 -\n"
        "06/2024): test strategy for the payroll API\nISTQB CTFL (2015)\n"
    )
    assert certifications(extract(text)) == {"ISTQB Certified Tester Foundation Level (CTFL)"}


# -- skills ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a German compound
        ("– Deep-Learning-Modelle für Spektroskopiedaten", {"Deep Learning"}, set()),
        # a scan's "Cl" for "CI", an underline before a word
        ("Werkzeuge Git, GitLab Cl, Prometheus", {"GitLab CI"}, set()),
        ("of 1,900 tests run on every merge in the _CI/CD pipeline.", {"CI/CD"}, set()),
        # another team's tool, a tool the candidate says is not his, the company's codebase
        (
            "Le modèle de prix, construit en Python par l'équipe data, est intégré à mon "
            "périmètre.",
            set(),
            {"Python"},
        ),
        (
            "Je fournis les images Docker ; les clusters Kubernetes qui les font tourner sont "
            "opérés par l'équipe plateforme, je n'y interviens pas.",
            {"Docker"},
            {"Kubernetes"},
        ),
        ("Containerised the company's PHP monolith with Docker.", {"Docker"}, {"PHP"}),
        # phrases of the vocabulary
        ("Brought in pytest unit and contract tests.", {"Unit testing"}, set()),
        ("Discovery continue : 6 entretiens utilisateurs par mois.", {"User research"}, set()),
    ],
)
def test_skills_as_word_files_and_scans_print_them(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    text = f"Sam Doe\nsam@example.com\nExperience\nEngineer, Acme Ltd 2019 – 2024\n{sentence}\n"
    found = skills(extract(text))
    assert present <= found
    assert not absent & found
