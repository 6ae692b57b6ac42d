"""Which tools a CV claims as the candidate's own: continuous integration named in words in
four languages, a build server named mid-sentence, and tools that belong to someone else —
the people a recruiter placed, work another team carried out, a hedge ("know enough about"),
an organisation named after a technology, a freelancer's engagements under their own heading.

Each CV is a short text written for one rule; every skill must still quote its page verbatim.
"""

from __future__ import annotations

import pytest

from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile


def extract(text: str) -> CandidateProfile:
    profile = extract_profile("cv-test", (text,), as_of="2025-10")
    for fact in profile.skills:
        assert fact.evidence.snippet in text, fact
    return profile


def skill(profile: CandidateProfile, name: str) -> str | None:
    """The evidence of a skill, None when the profile does not claim it."""
    return next((f.evidence.snippet for f in profile.skills if f.name == name), None)


def cv(sentence: str) -> str:
    return f"Sam Doe\nsam@example.com\nExperience\nEngineer, Acme Ltd 2019 – 2024\n{sentence}\n"


@pytest.mark.parametrize(
    "sentence",
    [
        "Set up continuous deployment of the billing service to three regions.",
        "Puesta en marcha de la integración continua para los microservicios de pagos.",
        "Mise en place de la livraison continue des applications mobiles.",
        "Einführung der kontinuierlichen Integration für das Firmware-Team.",
    ],
)
def test_continuous_integration_in_words_is_ci_cd(sentence: str) -> None:
    evidence = skill(extract(cv(sentence)), "CI/CD")
    assert evidence is not None and sentence.split()[0] in evidence


def test_a_build_server_named_mid_sentence_is_a_skill_a_referee_is_not() -> None:
    evidence = skill(extract(cv("Moved the nightly builds onto Jenkins in 2021.")), "Jenkins")
    assert evidence is not None and "onto Jenkins" in evidence
    referee = cv("Shipped the mobile app.") + "References\nDr Alice Jenkins, Acme Ltd\n"
    assert skill(extract(referee), "Jenkins") is None


def test_an_organisation_named_after_a_technology_is_no_skill() -> None:
    text = cv("Shipped the mobile app.") + "Certifications\nCKAD, The Linux Foundation, 2022\n"
    assert skill(extract(text), "Linux") is None
    assert skill(extract(text + "Skills\nLinux, Bash\n"), "Linux") == "Linux, Bash"


@pytest.mark.parametrize(
    ("sentence", "tool"),
    [
        # the people a recruiter placed, named by their tools
        ("Placed permanent Scala and Kotlin developers with two fintech clients.", "Scala"),
        ("Recruté une vingtaine de développeurs Scala pour une banque.", "Scala"),
        # work another team carried out, said after the tool
        ("Coordinated the move to Azure carried out by the infrastructure team.", "Azure"),
        ("Suivi du passage à Azure réalisé par l'équipe d'exploitation.", "Azure"),
        ("Seguimiento de la migración a Azure llevada a cabo por el equipo de sistemas.", "Azure"),
        # a hedge, not a claim
        ("I know enough about Scala to review a pull request for style.", "Scala"),
    ],
)
def test_a_tool_in_someone_elses_hands_is_no_skill(sentence: str, tool: str) -> None:
    assert skill(extract(cv(sentence)), tool) is None
    # the same tool in the candidate's own skills list is a claim
    assert skill(extract(cv(sentence) + f"Skills\n{tool}, Git, Bash\n"), tool) is not None


def test_a_tool_the_candidate_used_for_a_team_is_still_a_skill() -> None:
    text = cv("Built the Azure landing zone used by the infrastructure team.")
    assert skill(extract(text), "Azure") is not None
    mine = cv("Migration to Azure led by me, with two contractors.")
    assert skill(extract(mine), "Azure") is not None


def test_a_freelancers_engagements_are_jobs_not_a_skills_list() -> None:
    text = (
        "Sam Doe\nsam@example.com\nStack: Python · SQL · Kafka · Docker\n"
        "CLIENT ENGAGEMENTS (VIA DOE DATA LTD)\n"
        "Acme Bank — data engineer Jan 2021 – present\n"
        "Fed the churn forecasting models owned by the analytics team.\n"
    )
    profile = extract(text)
    assert skill(profile, "Time series forecasting") is None
    assert skill(profile, "Kafka") is not None
    assert [job.employer for job in profile.jobs] == ["Acme Bank"]
