"""The SQL repository of uploaded CVs and their indexing status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from cvchat.domain.corpus import PENDING, CvStatus, CvUpload
from cvchat.infrastructure.db.tables import cv_uploads


def _cv(row: Any) -> CvUpload:
    return CvUpload(
        cv_id=row.cv_id,
        sha256=row.sha256,
        file=row.file,
        original_name=row.original_name,
        media_type=row.media_type,
        size=row.size,
        status=CvStatus(row.status),
        error=row.error,
        added_by=row.added_by,
        added_at=row.added_at,
        updated_at=row.updated_at,
    )


class SqlCvUploads:
    def __init__(self, session: AsyncConnection) -> None:
        self._s = session

    async def add(self, cv: CvUpload) -> bool:
        # The unique sha256 decides a race between two uploads of one file, not a pre-check.
        try:
            async with self._s.begin_nested():
                await self._s.execute(
                    insert(cv_uploads).values(
                        cv_id=cv.cv_id,
                        sha256=cv.sha256,
                        file=cv.file,
                        original_name=cv.original_name,
                        media_type=cv.media_type,
                        size=cv.size,
                        status=cv.status.value,
                        error=cv.error,
                        added_by=cv.added_by,
                        added_at=cv.added_at,
                        updated_at=cv.updated_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def get(self, cv_id: str) -> CvUpload | None:
        row = (await self._s.execute(select(cv_uploads).where(cv_uploads.c.cv_id == cv_id))).first()
        return _cv(row) if row else None

    async def by_sha256(self, sha256: str) -> CvUpload | None:
        stmt = select(cv_uploads).where(cv_uploads.c.sha256 == sha256)
        row = (await self._s.execute(stmt)).first()
        return _cv(row) if row else None

    async def list_all(self) -> list[CvUpload]:
        stmt = select(cv_uploads).order_by(cv_uploads.c.added_at, cv_uploads.c.cv_id)
        return [_cv(r) for r in await self._s.execute(stmt)]

    async def remove(self, cv_id: str) -> bool:
        stmt = delete(cv_uploads).where(cv_uploads.c.cv_id == cv_id).returning(cv_uploads.c.cv_id)
        return (await self._s.execute(stmt)).first() is not None

    async def any_pending(self) -> bool:
        stmt = select(cv_uploads.c.cv_id).where(cv_uploads.c.status.in_([s.value for s in PENDING]))
        return (await self._s.execute(stmt.limit(1))).first() is not None

    async def start_indexing(self, when: datetime) -> list[CvUpload]:
        stmt = (
            update(cv_uploads)
            .where(cv_uploads.c.status.in_([s.value for s in PENDING]))
            .values(status=CvStatus.INDEXING.value, error=None, updated_at=when)
            .returning(*cv_uploads.c)
        )
        return [_cv(r) for r in await self._s.execute(stmt)]

    async def finish(self, cv_id: str, status: CvStatus, error: str | None, when: datetime) -> None:
        await self._s.execute(
            update(cv_uploads)
            .where(cv_uploads.c.cv_id == cv_id, cv_uploads.c.status == CvStatus.INDEXING.value)
            .values(status=status.value, error=error, updated_at=when)
        )

    async def requeue_failed(self, cv_id: str, when: datetime) -> bool:
        stmt = (
            update(cv_uploads)
            .where(cv_uploads.c.cv_id == cv_id, cv_uploads.c.status == CvStatus.FAILED.value)
            .values(status=CvStatus.QUEUED.value, error=None, updated_at=when)
            .returning(cv_uploads.c.cv_id)
        )
        return (await self._s.execute(stmt)).first() is not None
