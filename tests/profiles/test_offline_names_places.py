"""Names, places and skill claims as CVs we did not write print them.

Each text is a small CV written for one rule: a first name above the surname, a name glued
to its headline or followed by the address on one line, a labelled name (Europass, German
tables), small-caps artefacts of PDF fonts, a degree before a subject, long postal addresses,
a country cut by a line break, LinkedIn's metro areas, national phone numbers, contact labels
that look like towns, and tools the candidate only recruited for or barely touched.
"""

from __future__ import annotations

import pytest

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile

AS_OF = "2025-10"


def extract(*pages: str) -> CandidateProfile:
    profile = extract_profile("cv-test", tuple(pages), as_of=AS_OF)
    facts = [profile.name, profile.location, *profile.skills]
    for fact in facts:
        if fact is not None:
            assert fact.evidence.snippet in pages[fact.evidence.page - 1], fact
    return profile


def name(profile: CandidateProfile) -> str | None:
    return profile.name.value if profile.name else None


def place(profile: CandidateProfile) -> tuple[str | None, str | None] | None:
    loc = profile.location
    return (loc.city, loc.country) if loc else None


def skills(profile: CandidateProfile) -> set[str]:
    return {s.name for s in profile.skills}


@pytest.mark.parametrize(
    ("text", "expected", "headline"),
    [
        # the first name alone above the surname, the surname glued to the headline
        (
            "Oskar\nBergmanLead Data Engineer\noskar.bergman@fastmail.se\nMalmö, Sweden\n",
            "Oskar Bergman",
            "Lead Data Engineer",
        ),
        # the first name alone above the surname, no e-mail to agree
        (
            "Inés\nCarvajal\nArquitecta de soluciones · AWS\nValparaíso, Chile\n",
            "Inés Carvajal",
            None,
        ),
        # glued to an acronym that opens the headline, a non-Latin-1 letter before it
        (
            "Milica JovanovićQA Engineer · Novi Sad · milica.jovanovic@proton.me\n",
            "Milica Jovanović",
            "QA Engineer",
        ),
    ],
)
def test_names_split_or_glued_by_the_layout(text: str, expected: str, headline: str | None) -> None:
    profile = extract(text)
    assert name(profile) == expected
    if headline is not None:
        assert profile.headline is not None and profile.headline.value == headline


def test_a_first_name_above_a_line_that_is_a_name_itself_is_not_joined() -> None:
    profile = extract("Kontakt\nRenate Hollmann\nProjektleiterin\nrenate@hollmann.de\n")
    assert name(profile) == "Renate Hollmann"


def test_a_name_followed_by_the_address_on_its_line() -> None:
    profile = extract(
        "Torsten Maurer Lindenallee 7, 50968 Köln 0221 4471 9902 · t.maurer@mailbox.org\n"
        "Berufserfahrung\n"
    )
    assert name(profile) == "Torsten Maurer"
    assert place(profile) == ("Köln", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Persönliche Daten\nName Sabine Krüger\nAnschrift Ringstraße 4, 04109 Leipzig\n",
            "Sabine Krüger",
        ),
        (
            "PERSONAL INFORMATION\nSurname(s) / First name(s) KARAGIANNIS Nikos\n"
            "Address 21 Ermou, 10563 Athens (Greece)\n",
            "Nikos Karagiannis",
        ),
        ("Nombre: Pilar Quintana Rey\nMadrid\n", "Pilar Quintana Rey"),
    ],
)
def test_labelled_names(text: str, expected: str) -> None:
    assert name(extract(text)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tobias haberkorN, PhD", "Tobias Haberkorn"),  # small caps read back in odd case
        ("Marie-Louise BRETONNEAU", "Marie-Louise Bretonneau"),  # a surname in capitals
        ("Ruth McAllister", "Ruth McAllister"),  # a real inner capital stays
        ("Joost van der Berg", "Joost van der Berg"),  # particles stay lower-case
    ],
)
def test_the_name_is_shown_in_its_usual_case(line: str, expected: str) -> None:
    profile = extract(f"{line}\nSoftware Engineer\nUtrecht, Netherlands\n")
    assert name(profile) == expected
    assert profile.name is not None and line.split(",")[0] in profile.name.evidence.snippet


def test_a_degree_before_a_subject_is_not_a_name() -> None:
    profile = extract(
        "Frieda\nLangePortfolio · Illustration\nB.A. Kommunikationsdesign\nDresden\n"
        "frieda@lange-illustration.de\n"
    )
    assert name(profile) == "Frieda Lange"


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        # a long institutional address: the town is the one before the postcode
        (
            "Institute of Neuroscience, Newcastle University, Framlington Place, "
            "Newcastle upon Tyne NE2 4HH, United Kingdom",
            ("Newcastle upon Tyne", "United Kingdom"),
        ),
        ("Drottninggatan 12, 411 14 Göteborg, Sweden", ("Göteborg", "Sweden")),  # "411 14"
        ("Keizersgracht 100, 1015 CX Amsterdam", ("Amsterdam", None)),  # Dutch postcode
        ("Greater Manchester Area", ("Manchester", None)),  # LinkedIn's metro area
    ],
)
def test_postal_addresses_and_metro_areas(contact: str, expected: tuple[str, str | None]) -> None:
    profile = extract(f"Imogen Castell\nData Analyst\n{contact}\nimogen.castell@fastmail.com\n")
    assert place(profile) == expected


def test_a_country_cut_by_a_line_break_and_an_orcid_label() -> None:
    profile = extract(
        "Rhys Pritchard\n"
        "School of Computer Science, Cardiff University, Abacws, Senghennydd Road, "
        "Cardiff CF24 4AG, United\n"
        "Kingdom\n"
        "r.pritchard@cardiff.ac.uk · ORCID 0000-0001-9182-7730\n"
    )
    assert place(profile) == ("Cardiff", "United Kingdom")


def test_a_contact_label_is_no_town() -> None:
    profile = extract(
        "Noor Haddad\nResearch Engineer\nnoor@haddad.dev · ORCID 0000-0003-1111-2222\n"
    )
    assert place(profile) is None


def test_tools_the_candidate_recruited_for_or_barely_touched_are_not_skills() -> None:
    profile = extract(
        "Greta Lindholm\nTalent Partner\nStockholm, Sweden\n"
        "Experience\n"
        "2019 – present Talent Partner, Klarna\n"
        "Hired 31 engineers for Rust, Scala and Kubernetes teams.\n"
        "2016 – 2019 Junior Recruiter, Spotify\n"
        "Internal tools; first steps with Python and SQL.\n"
        "Skills\nJira, Tableau\n"
    )
    assert not skills(profile) & {"Rust", "Scala", "Kubernetes", "Python", "SQL"}
    assert {"Jira", "Tableau"} <= skills(profile)


def test_tools_in_the_candidates_own_hands_stay_skills() -> None:
    profile = extract(
        "Aarav Menon\nBackend Engineer\nPune, India\n"
        "Experience\n2020 – present Backend Engineer, Razorpay\n"
        "Built payment services in Rust and hired two engineers for the team.\n"
    )
    assert "Rust" in skills(profile)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an academic title of any faculty, the name glued to the headline
        (
            "Dipl.-Kfm. Jörg BrandtHead of Controlling\njoerg.brandt@posteo.de\nBremen\n",
            "Jörg Brandt",
        ),
        # a degree after a comma, glued to the headline
        ("Ing. Petra Novak, BScCloud Engineer\npetra.novak@seznam.cz\nBrno\n", "Petra Novak"),
        # surname first, then a comma and the given name
        (
            "OKAFOR MENSAH, GRACE\nBackend Developer\ngrace.okafor@gmail.com\n",
            "Grace Okafor Mensah",
        ),
        # a phone number at the end of the name's line is no date
        (
            "Tomás Ibarra SotoDesarrollador Backend · Go Lima, Perú +51 987 654 3210\n"
            "tomas.ibarra@gmail.com\n",
            "Tomás Ibarra Soto",
        ),
    ],
)
def test_titles_degrees_and_surname_first_names(text: str, expected: str) -> None:
    assert name(extract(text)) == expected


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        ("London, Ontario N6A 3K7", ("London", "Canada")),
        ("Halifax, NS", ("Halifax", "Canada")),
        ("Amsterdam, NL", ("Amsterdam", "NL")),  # a country code stays a country
    ],
)
def test_canadian_provinces(contact: str, expected: tuple[str, str]) -> None:
    profile = extract(f"Imogen Castell\nData Analyst\n{contact} | imogen.castell@fastmail.com\n")
    assert place(profile) == expected
