"""A question as a structured query over candidate profiles: filters, an operation, free text.

The offline parser, an LLM (through the same JSON schema) and ``GET /api/candidates`` all
produce a ``CandidateQuery``; one executor runs it over every profile.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cvchat.domain.vocabulary import DegreeLevel, Level

Operation = Literal["list", "count", "compare", "describe", "open"]
OPERATIONS: tuple[Operation, ...] = ("list", "count", "compare", "describe", "open")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageFilter(_Model):
    code: str = Field(description="ISO 639-1 code, e.g. 'es'")
    min_level: Level | None = Field(
        default=None, description="lowest acceptable CEFR level or 'native'; None: any level"
    )


class CandidateQuery(_Model):
    skills_all: tuple[str, ...] = Field(default=(), description="canonical skills, every one")
    skills_any: tuple[str, ...] = Field(default=(), description="canonical skills, at least one")
    languages: tuple[LanguageFilter, ...] = ()
    location: str | None = Field(default=None, description="a city or a country")
    min_years: float | None = Field(default=None, ge=0)
    employer: str | None = None
    degree: DegreeLevel | None = Field(default=None, description="lowest acceptable degree")
    certification: str | None = None
    names: tuple[str, ...] = Field(
        default=(), description="candidates a compare/describe question names"
    )
    operation: Operation = "open"
    text: str = Field(default="", description="what no filter captures, ranked by search")

    @property
    def has_filters(self) -> bool:
        return bool(
            self.skills_all
            or self.skills_any
            or self.languages
            or self.location
            or self.min_years is not None
            or self.employer
            or self.degree
            or self.certification
        )

    def as_asked(self) -> CandidateQuery:
        """This query asked as it is (chips, not words): filters alone ask for the list."""
        if self.operation == "open" and self.has_filters:
            return self.model_copy(update={"operation": "list"})
        return self

    def refine(self, other: CandidateQuery) -> CandidateQuery:
        """A follow-up's query on top of this one: filters add up, the newest operation wins."""
        languages = {f.code: f for f in self.languages}
        languages.update({f.code: f for f in other.languages})
        return CandidateQuery(
            skills_all=tuple(dict.fromkeys((*self.skills_all, *other.skills_all))),
            skills_any=other.skills_any or self.skills_any,
            languages=tuple(languages.values()),
            location=other.location or self.location,
            min_years=other.min_years if other.min_years is not None else self.min_years,
            employer=other.employer or self.employer,
            degree=other.degree or self.degree,
            certification=other.certification or self.certification,
            names=other.names,
            operation=other.operation if other.operation != "open" else self.operation,
            text=other.text,
        )
