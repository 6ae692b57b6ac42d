"""Candidates over HTTP: the exact query the chat runs, as filters, in JSON or CSV.

``GET /api/candidates`` runs a ``CandidateQuery`` over every profile of the index version
in service (the same executor as a chat answer, so both always agree) and pages the matches.
Unknown parameters and bad values answer 422 naming what is allowed: a misspelt filter
silently ignored would return a wrong shortlist that looks right.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from cvchat.application.candidates import ProfileFacts, QueryResult, execute, index_for
from cvchat.application.citations import pdf_url
from cvchat.application.exact_answering import query_json
from cvchat.application.exact_answers import candidate_payload
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.domain.profiles import ProfileSnapshot
from cvchat.domain.retrieval import IndexUnavailable
from cvchat.domain.vocabulary import (
    DEGREE_LEVELS,
    LANGUAGE_BY_NAME,
    LANGUAGE_NAMES,
    LEVELS,
    SKILL_BY_ALIAS,
    fold,
)
from cvchat.infrastructure.profiles.corpus import IndexProfiles
from cvchat.web.deps import container_of
from cvchat.web.schemas import ErrorOut

router = APIRouter(prefix="/api", tags=["candidates"])

MAX_LIMIT = 500
PARAMETERS = frozenset(
    {
        "skill",
        "any_skill",
        "language",
        "location",
        "min_years",
        "employer",
        "degree",
        "certification",
        "q",
        "limit",
        "offset",
        "sort",
        "format",
    }
)
Sort = Literal["relevance", "name", "years"]


class EvidenceOut(BaseModel):
    page: int
    snippet: str
    url: str


class ConditionOut(BaseModel):
    key: str
    label: str
    met: bool
    value: str | None
    evidence: list[EvidenceOut]


class LanguageOut(BaseModel):
    code: str
    level: str | None


class CandidateOut(BaseModel):
    cv_id: str
    name: str
    headline: str | None
    location: str | None
    languages: list[LanguageOut]
    years: float | None
    file: str
    matched: bool
    score: float
    conditions: list[ConditionOut]


class CandidatesOut(BaseModel):
    total: int
    version: str
    query: dict[str, Any]
    limit: int
    offset: int
    candidates: list[CandidateOut]


def _profiles(request: Request) -> IndexProfiles:
    profiles = container_of(request).profiles
    if profiles is None:
        raise IndexUnavailable("this server has no index (the echo pipeline)")
    return profiles


def _snapshot(request: Request) -> ProfileSnapshot:
    try:
        return _profiles(request).snapshot()
    except IndexUnavailable as exc:
        raise HTTPException(503, str(exc)) from exc


def _bad(message: str) -> HTTPException:
    return HTTPException(422, message)


def _language(raw: str) -> LanguageFilter:
    code, _, level = raw.partition(":")
    code = code.strip()
    if len(code) != 2 or code.lower() not in LANGUAGE_NAMES:
        code = LANGUAGE_BY_NAME.get(fold(code), "")
        if not code:
            allowed = ", ".join(sorted(LANGUAGE_NAMES))
            raise _bad(f"unknown language {raw!r}: use an ISO code ({allowed}), e.g. es or es:C1")
    level = level.strip()
    if level and level.upper() not in LEVELS and level.lower() != "native":
        raise _bad(f"unknown level {level!r} in {raw!r}: use one of {', '.join(LEVELS)}")
    normalised = None if not level else ("native" if level.lower() == "native" else level.upper())
    return LanguageFilter(code=code.lower(), min_level=normalised)  # type: ignore[arg-type]


def _skill(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise _bad("a skill filter is empty")
    return SKILL_BY_ALIAS.get(fold(name), name)


def _query(
    skill: list[str],
    any_skill: list[str],
    language: list[str],
    location: str | None,
    min_years: float | None,
    employer: str | None,
    degree: str | None,
    certification: str | None,
    q: str | None,
) -> CandidateQuery:
    if degree is not None and degree not in DEGREE_LEVELS:
        raise _bad(f"unknown degree {degree!r}: use one of {', '.join(DEGREE_LEVELS)}")
    try:
        return CandidateQuery(
            skills_all=tuple(dict.fromkeys(_skill(s) for s in skill)),
            skills_any=tuple(dict.fromkeys(_skill(s) for s in any_skill)),
            languages=tuple(_language(raw) for raw in language),
            location=(location or "").strip() or None,
            min_years=min_years,
            employer=(employer or "").strip() or None,
            degree=degree,  # type: ignore[arg-type]
            certification=(certification or "").strip() or None,
            operation="list",
            text=(q or "").strip(),
        )
    except ValidationError as exc:
        raise _bad(str(exc.errors()[0]["msg"])) from exc


def _ordered(result: QueryResult, sort: Sort) -> list[ProfileFacts]:
    matched = list(result.matched)
    if sort == "name":
        matched.sort(key=lambda f: (f.name, f.profile.cv_id))
    elif sort == "years":
        matched.sort(
            key=lambda f: (
                -(f.profile.experience.years if f.profile.experience else 0.0),
                f.profile.cv_id,
            )
        )
    return matched  # relevance to q, then name: the executor's order


def _csv(rows: list[dict[str, Any]], labels: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["cv_id", "name", "headline", "location", "languages", "years", *labels])
    for row in rows:
        cells = []
        for cond in row["conditions"]:
            ev = cond["evidence"][0] if cond["evidence"] else None
            cells.append(f"✓ p.{ev['page']}: {ev['snippet']}" if ev else "✓")
        languages = "; ".join(
            f"{lang['code']}:{lang['level']}" if lang["level"] else lang["code"]
            for lang in row["languages"]
        )
        years = "" if row["years"] is None else f"{row['years']:.1f}"
        writer.writerow(
            [
                row["cv_id"],
                row["name"],
                row["headline"] or "",
                row["location"] or "",
                languages,
                years,
                *cells,
            ]
        )
    return out.getvalue()


@router.get(
    "/candidates",
    response_model=CandidatesOut,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV when asked for."},
        422: {"model": ErrorOut, "description": "An unknown filter or a bad value."},
        503: {"model": ErrorOut, "description": "No index is ready yet."},
    },
)
def list_candidates(
    request: Request,
    skill: Annotated[list[str], Query(description="A skill every match has (repeatable).")] = [],  # noqa: B006
    any_skill: Annotated[
        list[str], Query(description="Skills of which a match has at least one (repeatable).")
    ] = [],  # noqa: B006
    language: Annotated[
        list[str], Query(description="es, or es:C1 for a minimum level (repeatable).")
    ] = [],  # noqa: B006
    location: Annotated[str | None, Query(max_length=200, description="City or country.")] = None,
    min_years: Annotated[float | None, Query(ge=0, le=80)] = None,
    employer: Annotated[str | None, Query(max_length=200)] = None,
    degree: Annotated[str | None, Query(description="bachelor, master or phd (at least).")] = None,
    certification: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=2000, description="Free text that ranks.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: Sort | None = None,
    format: Literal["json", "csv"] | None = None,
) -> Any:
    """Every candidate who meets all filters (exhaustive over the corpus), paged."""
    unknown = sorted(set(request.query_params) - PARAMETERS)
    if unknown:
        raise _bad(
            f"unknown parameter(s) {', '.join(unknown)}: use {', '.join(sorted(PARAMETERS))}"
        )
    query = _query(
        skill, any_skill, language, location, min_years, employer, degree, certification, q
    )
    snapshot = _snapshot(request)
    result = execute(query, index_for(snapshot), rank=snapshot.rank, version=snapshot.version)
    ordered = _ordered(result, sort or ("relevance" if query.text else "name"))
    page = ordered[offset : offset + limit]
    rows = [candidate_payload(result.row(f), snapshot.files) for f in page]
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    if wants_csv:
        rows = [candidate_payload(result.row(f), snapshot.files) for f in ordered]
        body = _csv(rows, [c.label for c in result.conditions])
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="candidates.csv"',
                "X-Total-Count": str(result.total),
            },
        )
    return CandidatesOut(
        total=result.total,
        version=snapshot.version,
        query=query_json(query),
        limit=limit,
        offset=offset,
        candidates=[CandidateOut.model_validate(row) for row in rows],
    )


@router.get(
    "/candidates/{cv_id}",
    responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}},
)
def get_candidate(request: Request, cv_id: str) -> dict[str, Any]:
    """One candidate's full profile: every fact with its page and the CV's own words."""
    snapshot = _snapshot(request)
    profile = snapshot.profiles.get(cv_id)
    if profile is None:
        raise HTTPException(404, f"unknown candidate {cv_id!r}")
    doc = snapshot.files.get(cv_id)
    return profile.model_dump(mode="json") | {
        "version": snapshot.version,
        "file": doc.file if doc else None,
        "pdf_url": pdf_url(cv_id, 1).split("#")[0],
    }
