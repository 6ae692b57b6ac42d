"""The CV files to index: discovery under the corpus folder, identity, metadata, content hash.

A CV is ``<cvs_dir>/<cv_id>/cv.pdf`` or ``cv.docx`` (the generator's layout) or any other PDF
or DOCX below the folder (its stem is the id). A ``cv.json`` beside it, when present, supplies
the candidate's name, headline and language; otherwise they are read off the first lines.
Hidden files are not CVs: uploads are written under a hidden name, then renamed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.infrastructure.rag.documents import SUFFIXES
from cvchat.infrastructure.rag.sections import labels_to_headings
from cvchat.infrastructure.rag.text_analysis import LANGUAGES, detect_language

log = logging.getLogger(__name__)

SIDECAR = "cv.json"


@dataclass(frozen=True)
class SourceFile:
    cv_id: str
    path: Path
    file: str  # relative to the corpus folder, POSIX separators
    sha256: str  # of the file's bytes and its sidecar: a change to either re-embeds the CV
    sidecar: dict[str, Any] | None


@dataclass(frozen=True)
class CvMeta:
    name: str
    headline: str
    language: str
    headings: dict[str, str]  # the CV's own printed headings, folded → canonical section


def _cv_id(path: Path, root: Path) -> str:
    if path.parent != root and path.stem == "cv":
        return path.parent.name
    return path.stem


def _load_sidecar(path: Path) -> tuple[dict[str, Any] | None, bytes]:
    if not path.is_file():
        return None, b""
    raw = path.read_bytes()
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        log.warning("ignoring unreadable %s", path)
        return None, raw
    return (parsed if isinstance(parsed, dict) else None), raw


def discover(root: Path) -> list[SourceFile]:
    """Every PDF and DOCX below ``root``, sorted by path; ids are made unique.

    A link that leads out of the corpus folder is skipped: only files the operator put in
    the corpus may reach search results (and be served as a CV).
    """
    files: list[SourceFile] = []
    seen: set[str] = set()
    real_root = root.resolve()
    found = root.rglob("*") if root.is_dir() else ()
    for path in sorted(p for p in found if _is_cv(p)):
        if not path.resolve().is_relative_to(real_root):
            log.warning("skipping %s: it links outside the corpus folder", path)
            continue
        cv_id = _cv_id(path, root)
        while cv_id in seen:
            cv_id += "_"
        seen.add(cv_id)
        sidecar, raw = _load_sidecar(path.parent / SIDECAR) if path.stem == "cv" else (None, b"")
        digest = hashlib.sha256(path.read_bytes())
        digest.update(raw)
        files.append(
            SourceFile(cv_id, path, path.relative_to(root).as_posix(), digest.hexdigest(), sidecar)
        )
    return files


def _is_cv(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(".") and path.is_file()


def cv_meta(source: SourceFile, pages: tuple[str, ...]) -> CvMeta:
    """Name, headline and language, from the sidecar when it has them, else from the text."""
    lines = [line.strip() for line in pages[0].splitlines() if line.strip()] if pages else []
    data = (source.sidecar or {}).get("data") or {}
    meta = (source.sidecar or {}).get("meta") or {}
    name = str(data.get("full_name") or (lines[0] if lines else source.cv_id))
    headline = str(data.get("headline") or (lines[1] if len(lines) > 1 else ""))
    language = str(meta.get("language") or "")[:2].lower()
    if language not in LANGUAGES:
        language = detect_language("\n".join(pages))
    labels = data.get("section_labels")
    headings = labels_to_headings(labels) if isinstance(labels, dict) else {}
    return CvMeta(name=name, headline=headline, language=language, headings=headings)
