"""A candidate's profile: typed facts read off one CV, each with the evidence it came from.

Profiles are extracted at index time from the document alone and stored with the index
version. Every fact keeps ``Evidence`` (page and verbatim snippet), so an answer built from
a profile can show and cite exactly where the CV says it. Pydantic models, because an LLM
extractor's JSON is validated against the very same schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cvchat.domain.vocabulary import DegreeLevel, Level

YearMonth = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """Where a fact is written: 1-based page and the CV's own words (verbatim)."""

    page: int = Field(ge=1)
    snippet: str


class Named(_Model):
    value: str
    evidence: Evidence


class Location(_Model):
    city: str | None = None
    country: str | None = None
    evidence: Evidence


class LanguageFact(_Model):
    code: str = Field(description="ISO 639-1 code, e.g. 'de'")
    name: str = Field(description="English name, e.g. 'German'")
    level: Level | None = Field(
        default=None, description="CEFR level or 'native'; None when the CV gives none"
    )
    evidence: Evidence


class SkillFact(_Model):
    name: str = Field(description="canonical name, e.g. 'Kubernetes' for 'K8s'")
    evidence: Evidence


class JobFact(_Model):
    employer: str
    title: str | None = None
    start: YearMonth | None = None
    end: YearMonth | None = Field(default=None, description="None while current")
    current: bool = False
    evidence: Evidence


class EducationFact(_Model):
    degree: str = Field(description="the degree as written")
    level: DegreeLevel | None = None
    institution: str | None = None
    end_year: int | None = None
    completed: bool = Field(
        default=True, description="false when the CV says it was left unfinished or is ongoing"
    )
    evidence: Evidence


class CertificationFact(_Model):
    name: str
    evidence: Evidence


class YearsFact(_Model):
    """Total professional years: the union of dated jobs (overlaps once) up to ``as_of``."""

    years: float = Field(ge=0)
    as_of: YearMonth
    evidence: Evidence


class CandidateProfile(_Model):
    cv_id: str
    name: Named | None = None
    headline: Named | None = None
    location: Location | None = None
    languages: tuple[LanguageFact, ...] = ()
    skills: tuple[SkillFact, ...] = ()
    jobs: tuple[JobFact, ...] = ()
    experience: YearsFact | None = None
    education: tuple[EducationFact, ...] = ()
    certifications: tuple[CertificationFact, ...] = ()
    extractor: str = "offline"

    @property
    def display_name(self) -> str:
        return self.name.value if self.name else self.cv_id

    @property
    def highest_degree(self) -> DegreeLevel | None:
        order: tuple[DegreeLevel, ...] = ("bachelor", "master", "phd")
        levels = [e.level for e in self.education if e.level is not None and e.completed]
        return max(levels, key=order.index) if levels else None


@dataclass(frozen=True)
class CvFile:
    """What a source card needs about a CV beyond its profile."""

    file: str
    headline: str = ""


@dataclass(frozen=True)
class Relevance:
    """How well a CV matches a question's free text, and the passage that shows it best."""

    score: float
    evidence: Evidence | None = None


Ranker = Callable[[str, Sequence[str]], dict[str, Relevance]]
"""Relevance of each CV in a set to a free text (cv_id → relevance; absent: not relevant)."""


@dataclass(frozen=True)
class ProfileSnapshot:
    """Every profile of one index version, with what the parser and the answer need."""

    version: str
    profiles: Mapping[str, CandidateProfile]
    files: Mapping[str, CvFile]
    rank: Ranker
    locations: frozenset[str] = frozenset()
    employers: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


class ProfileCorpus(Protocol):
    """The profiles of the index version in service. Synchronous: callers go off the loop."""

    def snapshot(self) -> ProfileSnapshot:
        """Raises ``IndexUnavailable`` when there is no index to read."""
        ...
