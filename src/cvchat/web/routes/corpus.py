"""The indexed corpus over HTTP: search, the list of CVs, and one CV's PDF.

The live index is the container's ``index_store`` (an ``IndexStore`` built once by the
composition root); every request asks it for the version in service, so a re-index shows up without
a restart. Search is CPU-bound, so these handlers are plain functions: FastAPI runs them in its
thread pool, off the event loop.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from cvchat.domain.errors import InvalidInput
from cvchat.domain.retrieval import MAX_K, IndexUnavailable
from cvchat.infrastructure.rag import IndexRetriever, IndexStore
from cvchat.web.deps import get_container
from cvchat.web.schemas import ErrorOut

router = APIRouter(prefix="/api", tags=["corpus"])


class PassageOut(BaseModel):
    chunk_id: str
    text: str
    page: int
    section: str | None
    score: float
    char_start: int
    char_end: int


class CvHitOut(BaseModel):
    cv_id: str
    name: str
    headline: str
    file: str
    pdf_url: str
    score: float
    passages: list[PassageOut]


class SearchOut(BaseModel):
    query: str
    k: int
    method: str
    version: str
    results: list[CvHitOut]


class CvOut(BaseModel):
    cv_id: str
    name: str
    headline: str
    language: str
    file: str
    pdf_url: str
    pages: int
    chunks: int


class CvListOut(BaseModel):
    version: str | None
    cvs: list[CvOut]


def _store(request: Request) -> IndexStore:
    store = get_container(request).index_store
    if store is None:  # the echo pipeline without an index directory: nothing to search
        raise IndexUnavailable("this server has no index (the echo pipeline)")
    return store


def _pdf_url(cv_id: str) -> str:
    return f"/api/cvs/{cv_id}/pdf"


@router.get(
    "/search",
    response_model=SearchOut,
    responses={
        # A blank question is refused with a sentence, not the validator's list.
        422: {"model": ErrorOut},
        503: {"model": ErrorOut, "description": "No index is ready yet."},
    },
)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="The question.")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
    method: Literal["bm25", "dense", "hybrid"] | None = None,
) -> SearchOut:
    """Ranked CVs with their best passages: the retrieval that runs use."""
    if not q.strip():
        raise HTTPException(422, "the query is empty")
    store = _store(request)
    try:
        version, hits = IndexRetriever(store).search_versioned(q, k, method)
    except InvalidInput as exc:
        raise HTTPException(422, str(exc)) from exc
    except IndexUnavailable as exc:
        raise HTTPException(503, str(exc)) from exc
    results = [
        CvHitOut(
            cv_id=h.cv_id,
            name=h.name,
            headline=h.headline,
            file=h.file,
            pdf_url=_pdf_url(h.cv_id),
            score=h.score,
            passages=[PassageOut(**vars(p)) for p in h.passages],
        )
        for h in hits
    ]
    return SearchOut(
        query=q, k=k, method=method or store.rag.method, version=version, results=results
    )


@router.get("/cvs", response_model=CvListOut)
def list_cvs(request: Request) -> CvListOut:
    """The CVs of the index version in service (empty before the first index)."""
    try:
        snapshot = _store(request).snapshot()
    except IndexUnavailable:
        return CvListOut(version=None, cvs=[])
    cvs = [
        CvOut(
            cv_id=d.cv_id,
            name=d.name,
            headline=d.headline,
            language=d.language,
            file=d.file,
            pdf_url=_pdf_url(d.cv_id),
            pages=d.pages,
            chunks=d.chunks,
        )
        for d in sorted(snapshot.documents.values(), key=lambda d: d.cv_id)
    ]
    return CvListOut(version=snapshot.version, cvs=cvs)


@router.get(
    "/cvs/{cv_id}/pdf",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The CV's PDF."},
        404: {"model": ErrorOut},
    },
)
def cv_pdf(request: Request, cv_id: str) -> FileResponse:
    """One indexed CV's PDF, looked up by id in the index: no path from the client is opened."""
    try:
        path = _store(request).pdf_path(cv_id)
    except IndexUnavailable as exc:
        raise HTTPException(404, f"unknown CV {cv_id!r}") from exc
    if path is None:
        raise HTTPException(404, f"unknown CV {cv_id!r}")
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"{cv_id}.pdf",
        content_disposition_type="inline",
    )
