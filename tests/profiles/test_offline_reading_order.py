"""The offline extractor on layouts whose reading order or wording broke it on held-out CVs.

Each text is a small CV written for one rule: a timeline printed below the sidebar's last
heading, dates after the job's bullets, headings in capitals on the line of their content,
wrapped certificate names, unfinished degrees, LinkedIn's proficiency levels, roles inside a
job, apprenticeships, academic appointments. Every fact must still quote its page verbatim.
"""

from __future__ import annotations

import pytest

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile

AS_OF = "2025-10"


def extract(*pages: str) -> CandidateProfile:
    profile = extract_profile("cv-test", tuple(pages), as_of=AS_OF)
    for fact in [
        *profile.languages,
        *profile.skills,
        *profile.jobs,
        *profile.education,
        *profile.certifications,
    ]:
        assert fact.evidence.snippet in pages[fact.evidence.page - 1], fact
    return profile


def employers(profile: CandidateProfile) -> list[str]:
    return [job.employer for job in profile.jobs]


def years(profile: CandidateProfile) -> float | None:
    return profile.experience.years if profile.experience else None


TIMELINE_AFTER_SIDEBAR = """Maya Lindgren
Product Designer
Göteborg, Sweden
Toolbox
Figma, Miro, Design systems
Languages
Swedish — native. English — fluent (C1).
Mar 2022 – now
Product Designer, Volvo Cars (Göteborg)
Designed the charging journeys of the app.
Jan 2018 – Feb 2022
Teacher of Art, Hvitfeldtska Gymnasiet
Taught art and design.
2013 – 2016
BA (Hons) Graphic Design, University of Gothenburg
"""


def test_a_timeline_printed_after_the_languages_section() -> None:
    profile = extract(TIMELINE_AFTER_SIDEBAR)
    assert employers(profile) == ["Volvo Cars", "Hvitfeldtska Gymnasiet"]
    assert years(profile) == pytest.approx(7.8, abs=0.1)
    assert {f.code: f.level for f in profile.languages} == {"sv": "native", "en": "C1"}
    assert profile.highest_degree == "bachelor"
    # the job's evidence shows its dates and the line that names the employer
    assert "Volvo Cars" in profile.jobs[0].evidence.snippet


SUMMARY = (
    "SUMMARY Twelve years building payment systems and the teams around them, most recently"
    " as a staff engineer."
)
CAPITAL_HEADINGS_INLINE = f"""Owen Price
Portland, OR · owen@example.com
{SUMMARY}
EXPERIENCE Apr 2019 – Present Stripe — Staff Engineer, Portland
Led the ledger rewrite.
Jan 2013 – Mar 2019 Intel — Software Engineer, Hillsboro
CERTIFICATIONS Certified Kubernetes Administrator (CKA) · AWS
Certified Solutions Architect – Associate
"""


def test_headings_in_capitals_on_the_line_of_their_content() -> None:
    profile = extract(CAPITAL_HEADINGS_INLINE)
    assert employers(profile) == ["Stripe", "Intel"]
    assert profile.location is not None
    assert (profile.location.city, profile.location.country) == ("Portland", "United States")
    assert [c.name for c in profile.certifications] == [
        "Certified Kubernetes Administrator (CKA)",
        "AWS Certified Solutions Architect – Associate",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("ENGINEERING EXPERIENCE", ["Shopify", "Lever"]), ("PREVIOUS CAREER: RETAIL", ["Lever"])],
)
def test_qualified_headings_in_capitals(heading: str, expected: list[str]) -> None:
    text = f"""Ana Ruiz
Toronto, Canada
Jun 2021 – Present
Aug 2016 – May 2021
{heading}
Software Engineer, Shopify
Store Manager, Lever
"""
    if heading.startswith("PREVIOUS"):
        text = text.replace("Software Engineer, Shopify\n", "").replace("Jun 2021 – Present\n", "")
    assert employers(extract(text)) == expected


def test_wrapped_certificate_names_in_a_narrow_column() -> None:
    profile = extract(
        """Lucie Morel
Lyon, France · lucie.morel@example.com
CERTIFICATIONS
Certified Kubernetes
Administrator (CKA)
Professional Scrum Product
Owner I (PSPO I)
AWS Solutions Architect Associate
Terraform Associate
"""
    )
    assert [c.name for c in profile.certifications] == [
        "Certified Kubernetes Administrator (CKA)",
        "Professional Scrum Product Owner I (PSPO I)",
        "AWS Solutions Architect Associate",
        "Terraform Associate",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "2014 - 2015 Bachelor of Computer Science, RMIT University -- started, did not complete",
        "2023 - today MSc Data Science, University of Leeds (in progress)",
        "Licence en informatique, Université de Lille (non terminée)",
        "B.Sc. Informatik, TU München – abgebrochen",
    ],
)
def test_an_unfinished_degree_is_kept_and_is_no_degree(line: str) -> None:
    profile = extract(f"Sam Doe\nEDUCATION\n{line}\n")
    assert profile.education and not profile.education[0].completed
    assert profile.highest_degree is None


@pytest.mark.parametrize(
    ("phrase", "level"),
    [
        ("Native or bilingual proficiency", "native"),
        ("Full professional proficiency", "C1"),
        ("Professional working proficiency", "B2"),
        ("Limited working proficiency", "B1"),
        ("Elementary proficiency", "A2"),
    ],
)
def test_linkedin_proficiency_levels(phrase: str, level: str) -> None:
    profile = extract(f"Sam Doe\nLanguages\nPortuguese: {phrase}\n")
    assert {f.code: f.level for f in profile.languages} == {"pt": level}


def test_a_level_wrapped_onto_the_next_line_keeps_its_explicit_grade() -> None:
    profile = extract(
        "Sam Doe\nLanguages\nMarathi — mother tongue\nEnglish — full professional\n"
        "proficiency (C2)\n"
    )
    assert {f.code: f.level for f in profile.languages} == {"mr": "native", "en": "C2"}


def test_levels_column_printed_apart_from_the_names() -> None:
    profile = extract(
        "Français\nNéerlandais\nJulien Petit\nBruxelles, Belgique\nLangues\nlangue maternelle\n"
        "très bonne connaissance (C1) — examen réussi\nDivers\nEntraîneur de football.\n"
    )
    assert {f.code: f.level for f in profile.languages} == {"fr": "native", "nl": "C1"}


def test_a_new_role_inside_a_job_is_not_a_job() -> None:
    profile = extract(
        """Jonas Keller
Berufserfahrung
08.2011 – 09.2017 Mechatroniker · Robert Bosch GmbH, Stuttgart
Wartung der Montagelinien; ab
2015 Schichtverantwortung.
09.2008 – 07.2011 Ausbildung zum Mechatroniker (IHK) · Robert Bosch GmbH
"""
    )
    assert [(j.employer, j.start) for j in profile.jobs] == [
        ("Robert Bosch GmbH", "2011-08"),
        ("Robert Bosch GmbH", "2008-09"),
    ]
    assert years(profile) == pytest.approx(6.2, abs=0.1)  # the apprenticeship is no job year


CAMBRIDGE = (
    "Jan 2023 – present Senior Research Associate, Department of Physics, University of"
    " Cambridge, Cambridge, United Kingdom"
)


def test_academic_appointments() -> None:
    profile = extract(
        f"""Dr Ruth Okoye
Appointments
{CAMBRIDGE}
Oct 2019 – Dec 2022 Postdoctoral Fellow, Max Planck Institute for Astronomy
"""
    )
    assert employers(profile) == ["University of Cambridge", "Max Planck Institute for Astronomy"]


def test_an_employer_its_town_and_its_state() -> None:
    profile = extract(
        """DANIEL OKAFOR
PROFESSIONAL EXPERIENCE
Indeed, Austin, TX 06/2017 – Present
Senior Site Reliability Engineer (Site Reliability Engineer until 12/2019)
Rackspace, San Antonio, TX 01/2014 – 05/2017
Systems Engineer III
"""
    )
    assert [(j.employer, j.title) for j in profile.jobs] == [
        ("Indeed", "Senior Site Reliability Engineer"),
        ("Rackspace", "Systems Engineer III"),
    ]


def test_a_tenure_word_before_the_employer() -> None:
    profile = extract(
        "Rahul Shah\nExperience\nNov 2019 – Aug 2022 contract bol.com — SRE in the platform team\n"
    )
    assert employers(profile) == ["bol.com"]


def test_a_year_in_a_result_is_no_job_start() -> None:
    profile = extract(
        """Valentina Sosa
EXPERIENCIA
Product Manager · Mercado Libre
01/2021 – actual · Córdoba
Producto de cobros con QR: +35% de comercios activos en 2024.
"""
    )
    assert employers(profile) == ["Mercado Libre"]


@pytest.mark.parametrize(
    ("line", "city", "country"),
    [
        ("Denver, CO · (720) 555-0148", "Denver", "United States"),
        ("Lyon 3e, France", "Lyon", "France"),
        ("Melbourne VIC, Australia", "Melbourne", "Australia"),
        ("Amsterdam, the Netherlands", "Amsterdam", "Netherlands"),
    ],
)
def test_towns_with_what_addresses_add(line: str, city: str, country: str) -> None:
    profile = extract(f"Sam Doe\n{line}\nsam@example.com\n")
    assert profile.location is not None
    assert (profile.location.city, profile.location.country) == (city, country)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sold and demoed the Tableau connectors to customers' analytics teams.",
        "Verantwortlich für ein Team von 20 Entwicklern, das die Plattform nach Tableau migrierte.",
        "Onboarded enterprise customers using Tableau to the new contract.",
    ],
)
def test_a_tool_in_someone_elses_hands_is_no_skill(sentence: str) -> None:
    cv = f"Sam Doe\nsam@example.com\nExperience\nAccount Executive, Acme\n{sentence}\n"
    assert "Tableau" not in {f.name for f in extract(cv).skills}
    claimed = f"{cv}Skills\nTableau, SQL, Excel\n"
    assert "Tableau" in {f.name for f in extract(claimed).skills}
