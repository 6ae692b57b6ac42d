"""The versioned index on disk and the live index of a running process.

Layout: ``<index_dir>/<version>/`` (manifest, passages, vectors, FAISS, BM25) and
``<index_dir>/current``, a symbolic link to the version in service. A build writes a complete
version under a temporary name, renames it, then replaces ``current`` with ``os.replace`` —
atomic on POSIX, so a reader sees the old version or the new one, never a half-written one.

Hot reload: ``snapshot()`` reads the link on every call (one ``readlink``, microseconds). When it
names another version, one caller loads it while every other query keeps the previous snapshot;
the new snapshot then replaces the reference in one assignment. A query holds one snapshot from
start to end, so none fails or mixes versions during a switch.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cvchat.domain.retrieval import IndexUnavailable
from cvchat.infrastructure.profiles.extraction import ProfileExtractor
from cvchat.infrastructure.rag.build import MANIFEST, BuildError, BuildReport, build_version
from cvchat.infrastructure.rag.config import IndexConfig, SearchConfig
from cvchat.infrastructure.rag.corpus import discover
from cvchat.infrastructure.rag.embeddings import Embedder, load_embedder
from cvchat.infrastructure.rag.snapshot import IndexSnapshot
from cvchat.settings import Settings

log = logging.getLogger(__name__)

CURRENT = "current"


class IndexStore:
    """Construct once per process from settings; thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.index_dir
        self.cvs_dir = settings.cvs_dir
        self.rag = settings.rag
        self.settings = settings
        self.models_dir = settings.model_cache_dir
        self.index_config = IndexConfig.from_settings(settings.rag)
        self.search_config = SearchConfig.from_settings(settings.rag)
        self._snapshot: IndexSnapshot | None = None
        self._failed: tuple[str, IndexUnavailable] | None = None
        self._load_lock = threading.Lock()

    # --- the model ------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        return load_embedder(self.rag.embedding_model, self.rag.embedding_backend, self.models_dir)

    def warm_up(self) -> None:
        """Load the model and the current version now instead of at the first query."""
        self.embedder.encode_query("warm up")
        try:
            self.snapshot()
        except IndexUnavailable as exc:
            log.warning("%s", exc)

    # --- reading --------------------------------------------------------------------------

    def current_version(self) -> str | None:
        try:
            return os.readlink(self.root / CURRENT)
        except (FileNotFoundError, OSError):
            return None

    def snapshot(self) -> IndexSnapshot:
        """The version in service, loading a newly switched one if there is one."""
        version = self.current_version()
        loaded = self._snapshot
        if version is None:  # never indexed, or the last CV was deleted
            self._snapshot = None
            raise IndexUnavailable(f"no index in {self.root}: run `cvchat index` first")
        if loaded is not None and loaded.version == version:
            return loaded
        if self._failed is not None and self._failed[0] == version:
            raise self._failed[1]
        # Another thread is loading: keep answering from the previous version meanwhile.
        if not self._load_lock.acquire(blocking=loaded is None):
            assert loaded is not None
            return loaded
        try:
            current = self._snapshot
            if current is not None and current.version == version:
                return current
            try:
                fresh = self._load(version)
            except (OSError, ValueError, KeyError) as exc:  # removed or damaged meanwhile
                if current is not None:
                    log.warning(
                        "keeping index %s: cannot load %s: %s", current.version, version, exc
                    )
                    return current
                raise IndexUnavailable(f"cannot load index version {version}: {exc}") from exc
            self._snapshot = fresh
            return fresh
        finally:
            self._load_lock.release()

    def _load(self, version: str) -> IndexSnapshot:
        snapshot = IndexSnapshot(self.root / version)
        if snapshot.model != self.rag.embedding_model:
            error = IndexUnavailable(
                f"index version {version} was built with embedding model '{snapshot.model}', "
                f"but the configured model (CVCHAT_RAG__EMBEDDING_MODEL) is "
                f"'{self.rag.embedding_model}': rebuild it with `cvchat index`"
            )
            self._failed = (version, error)
            raise error
        if snapshot.config.backend != self.rag.embedding_backend:
            error = IndexUnavailable(
                f"index version {version} was built with embedding backend "
                f"'{snapshot.config.backend}', but the configured backend "
                f"(CVCHAT_RAG__EMBEDDING_BACKEND) is '{self.rag.embedding_backend}': "
                f"rebuild it with `cvchat index`"
            )
            self._failed = (version, error)
            raise error
        snapshot.set_ef_search(self.search_config.hnsw_ef_search)
        log.info("serving index version %s (%d passages)", version, len(snapshot.chunks))
        return snapshot

    def status(self) -> dict[str, Any]:
        """Readiness for the health endpoint; never raises."""
        try:
            snap = self.snapshot()
        except Exception as exc:  # any failure means "not ready", with the reason
            return {"ready": False, "version": self.current_version(), "detail": str(exc)}
        counts = snap.manifest.get("counts", {})
        return {"ready": True, "version": snap.version, **counts}

    def pdf_path(self, cv_id: str) -> Path | None:
        """The file of an indexed CV, if it is still inside the corpus folder."""
        doc = self.snapshot().documents.get(cv_id)
        if doc is None:
            return None
        root = self.cvs_dir.resolve()
        path = (root / doc.file).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def _build_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".build.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def build(self, *, progress: bool = False, full: bool = False) -> BuildReport:
        """Index the corpus folder into a new version and put it in service."""
        with self._build_lock():
            return self._build(progress=progress, full=full)

    def forget(self, cv_id: str) -> bool:
        """Make sure no version on disk holds ``cv_id`` (its file must be gone already): build
        one without it, then delete every other version. False when none held it."""
        with self._build_lock():
            holding = [v for v in self.versions() if cv_id in _documents_of(self.root / v)]
            if not holding:
                return False
            try:
                self._build()
            except BuildError:  # it was the last CV: no index at all
                (self.root / CURRENT).unlink(missing_ok=True)
            current = self.current_version()
            for version in self.versions():
                if version != current:
                    shutil.rmtree(self.root / version, ignore_errors=True)
            still = [v for v in self.versions() if cv_id in _documents_of(self.root / v)]
            if still:  # a file of it is still in the corpus folder under another name
                raise RuntimeError(f"CV {cv_id} is still indexed from {still}")
        with contextlib.suppress(IndexUnavailable):
            self.snapshot()  # this process drops the old version's passages and vectors now
        return True

    def _build(self, *, progress: bool = False, full: bool = False) -> BuildReport:
        previous = None
        if not full and (version := self.current_version()) is not None:
            try:
                previous = IndexSnapshot(self.root / version).previous()
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("not reusing version %s: %s", version, exc)
        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        staging = self.root / f".staging-{uuid.uuid4().hex}"
        try:
            report = build_version(
                discover(self.cvs_dir),
                self.index_config,
                self.embedder,
                staging,
                version=version,
                previous=previous,
                batch_size=self.rag.embed_batch_size,
                progress=progress,
                workers=self.rag.pdf_workers,
                extractor=self._extractor(),
            )
            staging.rename(self.root / version)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.switch(version)
        self._collect_garbage()
        return report

    def _extractor(self) -> ProfileExtractor:
        from cvchat.infrastructure.llm.factory import build_provider
        from cvchat.infrastructure.profiles.extraction import build_extractor

        # A provider of its own (the build runs its own event loop), with room for a whole
        # profile with its evidence in one structured answer.
        role = self.settings.answer
        role = role.model_copy(update={"max_tokens": max(role.max_tokens, 4096)})
        return build_extractor(self.settings.profiles, build_provider(role))

    def switch(self, version: str) -> None:
        """Atomically make ``version`` the one in service."""
        if not (self.root / version / MANIFEST).is_file():
            raise ValueError(f"no index version {version} in {self.root}")
        link = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(version, link)
        os.replace(link, self.root / CURRENT)

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if not p.is_symlink() and not p.name.startswith(".") and (p / MANIFEST).is_file()
        )

    def _collect_garbage(self) -> None:
        current = self.current_version()
        old = [v for v in self.versions() if v != current]
        for version in old[: max(len(old) - self.rag.keep_versions, 0)]:
            shutil.rmtree(self.root / version, ignore_errors=True)


def _documents_of(version_dir: Path) -> set[str]:
    """The CV ids a version's manifest lists (none when it cannot be read)."""
    try:
        manifest = json.loads((version_dir / MANIFEST).read_text())
        return set(manifest.get("documents", {}))
    except (OSError, ValueError):
        return set()
