"""The indexed corpus over HTTP: search, the list of CVs, and one CV's PDF.

The live index is the container's ``index_store`` (an ``IndexStore`` built once by the
composition root); every request asks it for the version in service, so a re-index shows up without
a restart. Search is CPU-bound, so these handlers are plain functions: FastAPI runs them in its
thread pool, off the event loop.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, HTTPException, Path, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from cvchat.application.corpus import ADMINS_ONLY, add_cv, delete_cv
from cvchat.domain.corpus import (
    MAX_FILES_PER_UPLOAD,
    MEDIA_TYPES,
    CorpusIndex,
    CvStatus,
    CvUpload,
    StagedFile,
)
from cvchat.domain.errors import Forbidden, InvalidInput, NotFound
from cvchat.domain.retrieval import MAX_K, IndexUnavailable
from cvchat.infrastructure.rag import IndexRetriever, IndexStore
from cvchat.infrastructure.rag.corpus_files import FolderFiles
from cvchat.infrastructure.rag.records import DocumentRecord
from cvchat.web.deps import PrincipalDep, container_of
from cvchat.web.schemas import UNREADABLE_BODY, ErrorOut

router = APIRouter(prefix="/api", tags=["corpus"])
NO_INDEX: dict[str, Any] = {
    "model": ErrorOut,
    "description": "This server has no corpus (the echo pipeline without an index).",
}
CvId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]


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
    name: str = Field(description="The candidate's name; the file's name until indexed.")
    headline: str
    language: str
    file: str
    pdf_url: str
    pages: int
    chunks: int
    status: CvStatus
    error: str | None = None
    added_at: datetime | None = Field(None, description="When uploaded; null for folder CVs.")
    media_type: str
    ocr_pages: list[int] = Field(default_factory=list, description="Pages read by OCR.")


class CvListOut(BaseModel):
    version: str | None
    cvs: list[CvOut]


class CvDetailOut(CvOut):
    profile: dict[str, Any] | None = Field(
        description="The candidate profile with evidence, once indexed (see /api/candidates)."
    )


class UploadedOut(BaseModel):
    cv_id: str
    file: str
    status: CvStatus
    duplicate: bool = Field(description="The same file was in the corpus already.")


class UploadOut(BaseModel):
    cvs: list[UploadedOut]


def _store(request: Request) -> IndexStore:
    store = container_of(request).index_store
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
async def list_cvs(request: Request) -> CvListOut:
    """Every CV: those of the index version in service, and uploads on their way to it."""
    c = container_of(request)
    if c.index_store is None:  # the echo pipeline without an index: no corpus to list
        return CvListOut(version=None, cvs=[])
    try:
        snapshot = await asyncio.to_thread(c.index_store.snapshot)
    except IndexUnavailable:
        snapshot = None
    async with c.uow_factory(read_only=True) as uow:
        uploads = {u.file: u for u in await uow.cvs.list_all()}
    cvs: list[CvOut] = []
    documents = sorted(snapshot.documents.values(), key=lambda d: d.cv_id) if snapshot else []
    for d in documents:
        cvs.append(_indexed_out(d, uploads.pop(d.file, None)))
    # Uploads not (yet) in the version in service: queued, indexing, failed.
    cvs.extend(_pending_out(u) for u in uploads.values())
    return CvListOut(version=snapshot.version if snapshot else None, cvs=cvs)


def _media_type(file: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(file).suffix.lstrip(".").lower(), MEDIA_TYPES["pdf"])


def _indexed_out(d: DocumentRecord, upload: CvUpload | None) -> CvOut:
    return CvOut(
        cv_id=d.cv_id,
        name=d.name,
        headline=d.headline,
        language=d.language,
        file=d.file,
        pdf_url=_pdf_url(d.cv_id),
        pages=d.pages,
        chunks=d.chunks,
        status=upload.status if upload else CvStatus.INDEXED,
        error=upload.error if upload else None,
        added_at=upload.added_at if upload else None,
        media_type=_media_type(d.file),
        ocr_pages=list(d.ocr_pages),
    )


def _pending_out(u: CvUpload) -> CvOut:
    return CvOut(
        cv_id=u.cv_id,
        name=u.original_name,
        headline="",
        language="",
        file=u.file,
        pdf_url=_pdf_url(u.cv_id),
        pages=0,
        chunks=0,
        status=u.status,
        error=u.error,
        added_at=u.added_at,
        media_type=u.media_type,
    )


@router.post(
    "/cvs",
    status_code=202,
    response_model=UploadOut,
    responses={
        **UNREADABLE_BODY,
        200: {"model": UploadOut, "description": "Every file was in the corpus already."},
        403: {"model": ErrorOut, "description": "Only administrators add CVs."},
        413: {"model": ErrorOut, "description": "A file over 20 MB."},
        415: {"model": ErrorOut, "description": "A file that is not a PDF or DOCX."},
        422: {"model": ErrorOut, "description": "An empty, encrypted or unreadable file."},
        503: NO_INDEX,
    },
)
async def upload_cvs(
    request: Request,
    response: Response,
    actor: PrincipalDep,
    file: Annotated[list[UploadFile], File(description="PDF or DOCX files, up to 20 MB each.")],
) -> UploadOut:
    """Add CVs (administrators): each file is checked from its bytes, stored, and indexed in
    the background; ``GET /api/cvs/{cv_id}`` tells when it is searchable. The same file again
    answers its existing ``cv_id`` (200 when every file was known). One bad file refuses
    the whole request, and nothing of it is stored."""
    c = container_of(request)
    files, index = _corpus(request)
    if not actor.is_admin:
        raise Forbidden(ADMINS_ONLY)
    if not 1 <= len(file) <= MAX_FILES_PER_UPLOAD:
        raise InvalidInput(f"send 1 to {MAX_FILES_PER_UPLOAD} files in the field 'file'")
    staged: list[StagedFile] = []
    try:
        for upload in file:
            name = (upload.filename or "cv").strip()[:255] or "cv"
            staged.append(await asyncio.to_thread(files.stage, upload.file, name))
    except BaseException:
        for s in staged:
            files.discard(s)
        raise
    added: list[UploadedOut] = []
    for n, s in enumerate(staged):
        try:
            cv = await add_cv(c.uow_factory, files, index, s, actor=actor)
        except BaseException:
            for rest in staged[n + 1 :]:
                files.discard(rest)
            raise
        added.append(
            UploadedOut(cv_id=cv.cv_id, file=cv.file, status=cv.status, duplicate=cv.duplicate)
        )
    if all(a.duplicate for a in added):
        response.status_code = 200
    return UploadOut(cvs=added)


@router.get(
    "/cvs/{cv_id}",
    response_model=CvDetailOut,
    responses={404: {"model": ErrorOut}, 503: NO_INDEX},
)
async def read_cv(request: Request, cv_id: CvId) -> CvDetailOut:
    """One CV: its indexing status (``error`` when it failed) and, once indexed, its
    candidate profile with the evidence of every fact."""
    c = container_of(request)
    store = _store(request)
    try:
        snapshot = await asyncio.to_thread(store.snapshot)
    except IndexUnavailable:
        snapshot = None
    async with c.uow_factory(read_only=True) as uow:
        upload = await uow.cvs.get(cv_id)
    document = snapshot.documents.get(cv_id) if snapshot else None
    if document is None and upload is None:
        raise NotFound(f"unknown CV {cv_id!r}")
    profile = snapshot.profiles.get(cv_id) if snapshot and document else None
    if document is None:
        assert upload is not None
        return CvDetailOut(**_pending_out(upload).model_dump(), profile=None)
    return CvDetailOut(
        **_indexed_out(document, upload).model_dump(),
        profile=profile.model_dump(mode="json") if profile else None,
    )


@router.delete(
    "/cvs/{cv_id}",
    status_code=204,
    response_class=Response,
    responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 503: NO_INDEX},
)
async def remove_cv(request: Request, cv_id: CvId, actor: PrincipalDep) -> Response:
    """Erase a CV (administrators): when this answers, it is gone from search, from
    ``/api/cvs``, from its file route, from the profiles and from every index version on
    disk. Threads keep their answers' text; their sources say ``removed``."""
    c = container_of(request)
    files, index = _corpus(request)
    await delete_cv(c.uow_factory, files, index, cv_id, actor=actor)
    return Response(status_code=204)


def _corpus(request: Request) -> tuple[FolderFiles, CorpusIndex]:
    c = container_of(request)
    if c.corpus_files is None or c.corpus_index is None:
        raise IndexUnavailable("this server has no index (the echo pipeline)")
    return c.corpus_files, c.corpus_index


@router.get(
    "/cvs/{cv_id}/pdf",
    response_class=FileResponse,
    responses={
        200: {
            "content": {media_type: {} for media_type in MEDIA_TYPES.values()},
            "description": "The CV's file as it was indexed: a PDF, or the DOCX uploaded.",
        },
        404: {"model": ErrorOut},
    },
)
def cv_pdf(request: Request, cv_id: str) -> FileResponse:
    """One indexed CV's file, looked up by id in the index: no path from the client is
    opened. A DOCX is served as it was uploaded (a download, not a page to show inline)."""
    try:
        path = _store(request).pdf_path(cv_id)
    except IndexUnavailable as exc:
        raise HTTPException(404, f"unknown CV {cv_id!r}") from exc
    if path is None:
        raise HTTPException(404, f"unknown CV {cv_id!r}")
    media_type = _media_type(path.name)
    return FileResponse(
        path,
        media_type=media_type,
        filename=f"{cv_id}{path.suffix}",
        content_disposition_type="inline" if media_type == MEDIA_TYPES["pdf"] else "attachment",
    )
