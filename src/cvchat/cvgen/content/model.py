"""The shape of the vocabulary the offline generator writes from, one instance per language.

Sentences carry ``{placeholders}`` filled by the generator and ``{masculine|feminine}``
markers for the grammatical gender of the candidate (Spanish, French, German titles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvchat.cvgen.schema import RoleFamily, Seniority

_GENDER_MARK = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def gendered(text: str, female: bool) -> str:
    """Resolve ``{o|a}`` markers: 'Ingenier{o|a}' -> 'Ingeniera' when ``female``."""
    return _GENDER_MARK.sub(lambda m: m.group(2) if female else m.group(1), text)


@dataclass(frozen=True)
class RoleContent:
    """What one role family writes in one language."""

    titles: dict[Seniority, tuple[str, ...]]
    focus: tuple[str, ...]  # "building reliable backend services" — completes a summary
    bullets: tuple[str, ...]
    projects: tuple[tuple[str, str], ...]  # (name, description)
    fields_of_study: tuple[str, ...]


@dataclass(frozen=True)
class LocaleContent:
    """Everything language-specific: labels, phrasing, schools, interests."""

    faker_locales: tuple[str, ...]
    labels: dict[str, str]
    language_names: dict[str, str]
    native_label: str
    roles: dict[RoleFamily, RoleContent]
    summaries: dict[Seniority, tuple[str, ...]]
    strengths: tuple[str, ...]
    senior_bullets: tuple[str, ...]
    junior_bullets: tuple[str, ...]
    general_bullets: tuple[str, ...]  # any role; used once a long career has used the role's
    degrees: dict[str, str]  # "bachelor" / "master" / "phd" -> "MSc in {field}"
    universities: tuple[tuple[str, str], ...]  # (name, city)
    interests: tuple[str, ...]
    job_lead_in: tuple[str, str]  # prose opening of a job paragraph: (past, current)
    achievements_lead_in: str  # joins bullets into prose; "" means sentences stand alone
    narrative_intro: tuple[str, ...]
    narrative_outro: tuple[str, ...]
    headline_joiner: str  # "Senior Data Scientist · Python, SQL"
    portfolio_label: str
    # per Faker locale: country name, real cities, phone pattern ("#" is a digit)
    countries: dict[str, str]
    cities: dict[str, tuple[str, ...]]
    phone_formats: dict[str, str]
