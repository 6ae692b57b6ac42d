"""CVs added through the API: their identity, their indexing status, and the ports that store
and index them.

A CV uploaded is a file in the corpus folder like any other, plus a row that says where it is
in its way to search (queued → indexing → indexed | failed). Identity is the content: the
same bytes uploaded twice are one CV. Deleting one removes its file, every index version that
holds it, and its row; what is left of it in threads is the text of old answers.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from cvchat.domain.errors import InvalidInput
from cvchat.domain.model import utcnow

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_UPLOAD = 20
MAX_UPLOAD_REQUEST = MAX_FILES_PER_UPLOAD * MAX_UPLOAD_BYTES + 1024 * 1024  # + multipart framing

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_SLUG = re.compile(r"[^a-z0-9]+")


class FileTooLarge(InvalidInput):
    """An upload over ``MAX_UPLOAD_BYTES`` (HTTP 413)."""


class UnsupportedFileType(InvalidInput):
    """Neither a PDF nor a DOCX, judged from the bytes (HTTP 415)."""


class CvStatus(enum.StrEnum):
    QUEUED = "queued"
    INDEXING = "indexing"
    INDEXED = "indexed"
    FAILED = "failed"


PENDING = (CvStatus.QUEUED, CvStatus.INDEXING)


@dataclass
class CvUpload:
    cv_id: str
    sha256: str
    file: str  # relative to the corpus folder, POSIX separators
    original_name: str
    media_type: str
    size: int
    status: CvStatus = CvStatus.QUEUED
    error: str | None = None
    added_by: str | None = None
    added_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


def upload_id(original_name: str, sha256: str) -> str:
    """A readable id that the content decides: ``ana-garcia-cv-1a2b3c4d``.

    The file's stem becomes the CV's id when the corpus folder is indexed, so it must be a
    safe file name; the hash suffix keeps two "cv.pdf" from colliding."""
    stem = Path(original_name.replace("\\", "/")).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = _SLUG.sub("-", ascii_stem.lower()).strip("-")[:48].strip("-") or "cv"
    return f"{slug}-{sha256[:8]}"


@dataclass(frozen=True)
class StagedFile:
    """An upload written to disk beside the corpus, checked, not yet part of it."""

    path: Path
    original_name: str
    kind: str  # a key of MEDIA_TYPES
    sha256: str
    size: int
    pages: int


class CvUploadRepository(Protocol):
    async def add(self, cv: CvUpload) -> bool:
        """False when a CV with the same content exists already (nothing is written)."""

    async def get(self, cv_id: str) -> CvUpload | None: ...

    async def by_sha256(self, sha256: str) -> CvUpload | None: ...

    async def list_all(self) -> list[CvUpload]: ...

    async def remove(self, cv_id: str) -> bool: ...

    async def any_pending(self) -> bool:
        """Whether a CV is queued or indexing."""

    async def start_indexing(self, when: datetime) -> list[CvUpload]:
        """Every queued or indexing CV, now marked indexing (a crash mid-build left some)."""

    async def finish(self, cv_id: str, status: CvStatus, error: str | None, when: datetime) -> None:
        """The outcome of a build, for a CV still marked indexing."""

    async def requeue_failed(self, cv_id: str, when: datetime) -> bool: ...


class CorpusFiles(Protocol):
    """The corpus folder as the application sees it."""

    def indexed_with(self, sha256: str) -> str | None:
        """The id of an indexed CV whose file has exactly these bytes."""

    def keep(self, staged: StagedFile, cv_id: str) -> str:
        """Move a staged file into the corpus (atomically); its path relative to the folder."""

    def discard(self, staged: StagedFile) -> None: ...

    def remove(self, cv_id: str, file: str | None) -> bool:
        """Delete the CV's file(s); False when there was none."""


@dataclass(frozen=True)
class BuildOutcome:
    """What a build put in service, by file (relative to the corpus folder)."""

    indexed: frozenset[str]
    skipped: dict[str, str]  # file → why it could not be indexed


class IndexBuilder(Protocol):
    async def build(self) -> BuildOutcome:
        """Index the corpus folder into a new version and switch to it; raises when no
        version could be made (the reason is the exception's text)."""


class CorpusIndex(Protocol):
    """Indexing as the application sees it: in this process or by workers."""

    async def request(self) -> None:
        """Index the queued CVs soon; returns at once."""

    async def forget(self, cv_id: str) -> bool:
        """Rebuild without ``cv_id`` and drop every older version; returns once none holds
        it. False when no version held it."""
