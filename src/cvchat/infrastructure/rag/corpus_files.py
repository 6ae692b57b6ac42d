"""The corpus folder as the upload API uses it: staging, keeping and removing CV files.

An upload is written under a hidden name that indexing never picks up (``.upload-*.part``),
hashed and checked on the way, and renamed into ``uploads/<cv_id>.<ext>`` only once it is
accepted: a build running at that moment sees the whole file or nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from cvchat.domain.corpus import (
    MAX_UPLOAD_BYTES,
    FileTooLarge,
    StagedFile,
    UnsupportedFileType,
)
from cvchat.domain.errors import InvalidInput
from cvchat.infrastructure.rag.documents import UnreadableDocument, check_document, sniff_file
from cvchat.infrastructure.rag.store import IndexStore

log = logging.getLogger(__name__)

UPLOADS = "uploads"
_CHUNK = 1024 * 1024


class FolderFiles:
    """``CorpusFiles`` over ``settings.cvs_dir``."""

    def __init__(self, store: IndexStore) -> None:
        self._store = store
        self.root = store.cvs_dir

    # --- staging (called in a worker thread: blocking file I/O) ---------------------------

    def stage(self, source: BinaryIO, original_name: str) -> StagedFile:
        """Copy an upload beside the corpus, hash it and check it; raises ``InvalidInput``
        (``FileTooLarge``, ``UnsupportedFileType``) with what is wrong, leaving nothing behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f".upload-{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("wb") as out:
                while chunk := source.read(_CHUNK):
                    size += len(chunk)
                    if size > MAX_UPLOAD_BYTES:
                        raise FileTooLarge(
                            f"{original_name}: over {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
                        )
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise InvalidInput(f"{original_name}: the file is empty")
            kind = sniff_file(path)
            if kind is None:
                raise UnsupportedFileType(f"{original_name}: not a PDF or DOCX file")
            try:
                pages = check_document(path, kind)
            except UnreadableDocument as exc:
                raise InvalidInput(f"{original_name}: {exc}") from exc
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path, original_name, kind, digest.hexdigest(), size, pages)

    def discard(self, staged: StagedFile) -> None:
        staged.path.unlink(missing_ok=True)

    # --- the corpus ------------------------------------------------------------------------

    def indexed_with(self, sha256: str) -> str | None:
        try:
            documents = self._store.snapshot().documents
        except Exception:  # no index yet: nothing to be a duplicate of
            return None
        return next((d.cv_id for d in documents.values() if d.sha256 == sha256), None)

    def keep(self, staged: StagedFile, cv_id: str) -> str:
        folder = self.root / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{cv_id}.{staged.kind}"
        os.replace(staged.path, target)
        return target.relative_to(self.root).as_posix()

    def remove(self, cv_id: str, file: str | None) -> bool:
        """The uploaded file, and any file the index has for this id (a CV that the operator
        put in the folder is deleted the same way)."""
        root = self.root.resolve()
        candidates: set[Path] = set()
        if file:
            candidates.add(self.root / file)
        try:
            document = self._store.snapshot().documents.get(cv_id)
        except Exception:  # no index: only the upload's own file
            document = None
        if document is not None:
            candidates.add(self.root / document.file)
        removed = False
        for path in candidates:
            if not path.resolve().is_relative_to(root):
                log.warning("not deleting %s: outside the corpus folder", path)
                continue
            try:
                path.unlink()
                removed = True
            except FileNotFoundError:
                continue
            if path.stem == "cv" and path.parent.resolve() != root:
                # The generator's layout: the folder is the CV's (its JSON, HTML, portrait).
                shutil.rmtree(path.parent, ignore_errors=True)
        return removed
