"""Adding and deleting CVs, and indexing what was added.

Order matters for erasure: a deleted CV's file goes first (so no later build can index it
again), then every index version that holds it, then its row. A crash in between leaves a row
whose DELETE can be repeated, never a CV that comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cvchat.domain.access import LOCAL, Principal
from cvchat.domain.corpus import (
    MEDIA_TYPES,
    CorpusFiles,
    CorpusIndex,
    CvStatus,
    CvUpload,
    IndexBuilder,
    StagedFile,
    upload_id,
)
from cvchat.domain.errors import Forbidden, NotFound
from cvchat.domain.model import utcnow
from cvchat.domain.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

ADMINS_ONLY = "only administrators add or delete CVs (`cvchat users admin NAME` grants it)"


@dataclass(frozen=True)
class AddedCv:
    cv_id: str
    file: str
    status: CvStatus
    duplicate: bool


def _require_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise Forbidden(ADMINS_ONLY)


async def add_cv(
    uow_factory: UnitOfWorkFactory,
    files: CorpusFiles,
    index: CorpusIndex,
    staged: StagedFile,
    *,
    actor: Principal = LOCAL,
) -> AddedCv:
    """Put a checked upload in the corpus and queue it for indexing.

    The same bytes again give the CV that has them (a failed one is queued again)."""
    try:
        _require_admin(actor)
        duplicate = await _duplicate_of(uow_factory, files, index, staged)
    except BaseException:
        files.discard(staged)
        raise
    if duplicate is not None:
        files.discard(staged)
        return duplicate
    cv_id = upload_id(staged.original_name, staged.sha256)
    file = files.keep(staged, cv_id)
    cv = CvUpload(
        cv_id=cv_id,
        sha256=staged.sha256,
        file=file,
        original_name=staged.original_name,
        media_type=MEDIA_TYPES[staged.kind],
        size=staged.size,
        added_by=actor.user_id,
    )
    try:
        async with uow_factory() as uow:
            added = await uow.cvs.add(cv)
            await uow.commit()
    except BaseException:
        files.remove(cv_id, file)
        raise
    if not added:  # the same file, uploaded at the same moment, won the race
        async with uow_factory(read_only=True) as uow:
            winner = await uow.cvs.by_sha256(staged.sha256)
        if winner is None or winner.file != file:
            files.remove(cv_id, file)
        if winner is None:
            raise NotFound("the CV was deleted while it was being added")
        return AddedCv(winner.cv_id, winner.original_name, winner.status, duplicate=True)
    await index.request()
    return AddedCv(cv_id, staged.original_name, CvStatus.QUEUED, duplicate=False)


async def _duplicate_of(
    uow_factory: UnitOfWorkFactory, files: CorpusFiles, index: CorpusIndex, staged: StagedFile
) -> AddedCv | None:
    async with uow_factory() as uow:
        existing = await uow.cvs.by_sha256(staged.sha256)
        if existing is not None:
            requeued = await uow.cvs.requeue_failed(existing.cv_id, utcnow())
            await uow.commit()
            if requeued:
                await index.request()
            status = CvStatus.QUEUED if requeued else existing.status
            return AddedCv(existing.cv_id, existing.original_name, status, duplicate=True)
    indexed = files.indexed_with(staged.sha256)
    if indexed is not None:  # a CV the operator put in the folder
        return AddedCv(indexed, staged.original_name, CvStatus.INDEXED, duplicate=True)
    return None


async def delete_cv(
    uow_factory: UnitOfWorkFactory,
    files: CorpusFiles,
    index: CorpusIndex,
    cv_id: str,
    *,
    actor: Principal = LOCAL,
) -> None:
    """Erase a CV: its file, every index version holding it, its row. Returns once none is
    left; ``NotFound`` when there was no such CV."""
    _require_admin(actor)
    async with uow_factory(read_only=True) as uow:
        row = await uow.cvs.get(cv_id)
    had_file = files.remove(cv_id, row.file if row else None)
    held = await index.forget(cv_id)
    async with uow_factory() as uow:
        had_row = await uow.cvs.remove(cv_id)
        await uow.commit()
    if not (had_row or had_file or held):
        raise NotFound(f"unknown CV {cv_id!r}")
    log.info("deleted CV %s (file: %s, indexed: %s)", cv_id, had_file, held)


async def index_queued(uow_factory: UnitOfWorkFactory, builder: IndexBuilder) -> int:
    """Index every queued CV in one build and record each one's outcome; how many there were.

    CVs marked indexing by a build that never finished (a crash) are taken again."""
    # A read first: most wake-ups (every start) find nothing, and take no write lock for it.
    async with uow_factory(read_only=True) as uow:
        if not await uow.cvs.any_pending():
            return 0
    async with uow_factory() as uow:
        cvs = await uow.cvs.start_indexing(utcnow())
        await uow.commit()
    if not cvs:
        return 0
    failure: str | None = None
    try:
        outcome = await builder.build()
    except Exception as exc:  # the reason goes to every CV of this build, and to the log
        log.warning("indexing %d uploaded CV(s) failed: %s", len(cvs), exc)
        failure = str(exc) or type(exc).__name__
    async with uow_factory() as uow:
        for cv in cvs:
            if failure is not None:
                status, error = CvStatus.FAILED, failure
            elif cv.file in outcome.skipped:
                status, error = CvStatus.FAILED, outcome.skipped[cv.file]
            elif cv.file in outcome.indexed:
                status, error = CvStatus.INDEXED, None
            else:
                status, error = CvStatus.FAILED, "the file is no longer in the corpus folder"
            await uow.cvs.finish(cv.cv_id, status, error, utcnow())
        await uow.commit()
    return len(cvs)
