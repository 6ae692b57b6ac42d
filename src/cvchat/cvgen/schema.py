"""The CV document: what a generated CV holds, and the checks a recruiter takes for granted.

A document is ``{"meta": ..., "data": ...}``, compatible with the replaced service's JSON.
``meta`` says how the CV was made (and is set by code, never by a model); ``data`` is what
the candidate wrote. Validation happens here, once, so that both generators and every
reader of ``cv.json`` share the same guarantees: dates ordered and not in the future, no
overlapping full-time jobs, experience consistent with seniority, an email that belongs to
the name, and the CV's own language among the spoken ones.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LanguageCode = Literal["en", "es", "fr", "de"]
Seniority = Literal["junior", "mid", "senior"]
RoleFamily = Literal[
    "software_engineering", "data_science", "devops_cloud", "product_management", "ux_design"
]
TemplateName = Literal["one_column", "sidebar", "modern", "classic", "compact", "narrative"]
GeneratorName = Literal["offline", "llm"]
CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship"]

LANGUAGES: tuple[LanguageCode, ...] = ("en", "es", "fr", "de")
SENIORITIES: tuple[Seniority, ...] = ("junior", "mid", "senior")
ROLE_FAMILIES: tuple[RoleFamily, ...] = (
    "software_engineering",
    "data_science",
    "devops_cloud",
    "product_management",
    "ux_design",
)
TEMPLATES: tuple[TemplateName, ...] = (
    "one_column",
    "sidebar",
    "modern",
    "classic",
    "compact",
    "narrative",
)

# Years of professional experience (internships excluded) each seniority may claim.
SENIORITY_YEARS: dict[Seniority, tuple[float, float]] = {
    "junior": (0.0, 3.0),
    "mid": (2.0, 8.0),
    "senior": (5.0, 40.0),
}

YearMonth = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _month_index(value: str) -> int:
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def fold_ascii(text: str) -> str:
    """Lower-case ASCII letters only: 'Müller-Jiménez' -> 'mullerjimenez'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return re.sub(r"[^a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


class Meta(_Strict):
    """How a CV was made; set by the generator, never by a model."""

    cv_id: Annotated[str, StringConstraints(pattern=r"^cv-\d{4}-[a-z]{2}$")]
    language: LanguageCode
    seniority: Seniority
    role_family: RoleFamily
    template: TemplateName
    style: Text
    generator: GeneratorName
    seed: int
    as_of: YearMonth = Field(description="Month the CV was written; current jobs run until it.")
    portrait: bool = False


class Location(_Strict):
    city: Text
    country: Text


class SpokenLanguage(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
    name: Text
    level: CefrLevel


class Experience(_Strict):
    company: Text
    title: Text
    start_date: YearMonth
    end_date: YearMonth | None = Field(default=None, description="None while current.")
    employment_type: EmploymentType = "full_time"
    location: Text
    bullets: list[Text] = Field(default_factory=list)
    paragraph: str | None = None

    @property
    def current(self) -> bool:
        return self.end_date is None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end_date is not None and _month_index(self.end_date) < _month_index(
            self.start_date
        ):
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        if not self.bullets and not (self.paragraph or "").strip():
            raise ValueError("a job needs bullets or a paragraph")
        return self


class Education(_Strict):
    institution: Text
    degree: Text
    field_of_study: Text
    start_year: int
    end_year: int
    location: Text

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self


class Project(_Strict):
    name: Text
    description: Text
    technologies: list[Text] = Field(default_factory=list)


class Certification(_Strict):
    name: Text
    issuer: Text
    year: int


class Link(_Strict):
    label: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$")]


class SectionLabels(_Strict):
    """Section headings in the CV's language; the PDFs print exactly these."""

    profile: Text
    experience: Text
    education: Text
    skills: Text
    languages: Text
    projects: Text
    certifications: Text
    interests: Text
    links: Text
    contact: Text
    present: Text


class CvData(_Strict):
    """What the candidate wrote."""

    full_name: Text
    headline: Text
    email: Annotated[str, StringConstraints(pattern=r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$")]
    phone: Text
    location: Location
    summary: Text
    narrative: str | None = Field(default=None, description="Optional prose in place of lists.")
    section_labels: SectionLabels
    skills: list[Text] = Field(min_length=3)
    languages: list[SpokenLanguage] = Field(min_length=1)
    experience: list[Experience] = Field(min_length=1)
    education: list[Education] = Field(min_length=1)
    projects: list[Project] = Field(default_factory=list)
    certifications: list[Certification] = Field(default_factory=list)
    interests: list[Text] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Self:
        folded = [fold_ascii(part) for part in self.full_name.split()]
        local = fold_ascii(self.email.split("@")[0])
        if not any(len(part) >= 2 and part in local for part in folded):
            raise ValueError(f"email {self.email!r} does not match the name {self.full_name!r}")
        if len({s.casefold() for s in self.skills}) != len(self.skills):
            raise ValueError("skills are repeated")
        codes = [lang.code for lang in self.languages]
        if len(set(codes)) != len(codes):
            raise ValueError("a spoken language is listed twice")
        return self

    def experience_years(self, as_of: str) -> float:
        """Professional years up to ``as_of``: union of non-internship jobs, overlaps once."""
        end_of_all = _month_index(as_of)
        months: set[int] = set()
        for job in self.experience:
            if job.employment_type == "internship":
                continue
            end = _month_index(job.end_date) if job.end_date else end_of_all
            months.update(range(_month_index(job.start_date), end + 1))
        return len(months) / 12


class CvDocument(_Strict):
    """A validated CV: ``cv.json`` holds exactly ``model_dump(mode="json")`` of this."""

    meta: Meta
    data: CvData

    @property
    def years_of_experience(self) -> int:
        return int(self.data.experience_years(self.meta.as_of))

    @model_validator(mode="after")
    def _check(self) -> Self:
        as_of = _month_index(self.meta.as_of)
        today = date.today()
        if as_of > today.year * 12 + today.month - 1:
            raise ValueError(f"meta.as_of {self.meta.as_of} is in the future")
        errors: list[str] = []
        for i, job in enumerate(self.data.experience):
            for name in ("start_date", "end_date"):
                value = getattr(job, name)
                if value is not None and _month_index(value) > as_of:
                    errors.append(f"data.experience.{i}.{name} {value} is after {self.meta.as_of}")
        for i, school in enumerate(self.data.education):
            if school.end_year > int(self.meta.as_of[:4]):
                errors.append(f"data.education.{i}.end_year {school.end_year} is in the future")
        errors.extend(self._overlaps())
        low, high = SENIORITY_YEARS[self.meta.seniority]
        years = self.data.experience_years(self.meta.as_of)
        if not low <= years <= high:
            errors.append(
                f"{years:.1f} years of experience do not fit seniority "
                f"{self.meta.seniority!r} ({low:g}-{high:g})"
            )
        if self.meta.language not in {lang.code for lang in self.data.languages}:
            errors.append(f"data.languages lacks the CV's own language {self.meta.language!r}")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def _overlaps(self) -> list[str]:
        end_of_all = _month_index(self.meta.as_of)
        spans = sorted(
            (
                _month_index(job.start_date),
                _month_index(job.end_date) if job.end_date else end_of_all,
                i,
            )
            for i, job in enumerate(self.data.experience)
            if job.employment_type == "full_time"
        )
        return [
            f"data.experience.{a[2]} and data.experience.{b[2]} are overlapping full-time jobs"
            for a, b in itertools.pairwise(spans)
            if b[0] < a[1]
        ]
