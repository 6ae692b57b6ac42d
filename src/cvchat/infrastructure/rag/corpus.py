"""The CV files to index: discovery under the corpus folder, identity, metadata, content hash.

A CV is ``<cvs_dir>/<cv_id>/cv.pdf`` (the generator's layout) or any other PDF below the
folder (its stem is the id). A ``cv.json`` beside the PDF, when present, supplies the
candidate's name, headline and language; otherwise they are read off the first lines.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.infrastructure.rag.sections import labels_to_headings
from cvchat.infrastructure.rag.text_analysis import LANGUAGES, detect_language

log = logging.getLogger(__name__)

SIDECAR = "cv.json"


@dataclass(frozen=True)
class SourceFile:
    cv_id: str
    path: Path
    file: str  # relative to the corpus folder, POSIX separators
    sha256: str  # of the PDF bytes and its sidecar: a change to either re-embeds the CV
    sidecar: dict[str, Any] | None


@dataclass(frozen=True)
class CvMeta:
    name: str
    headline: str
    language: str
    headings: dict[str, str]  # the CV's own printed headings, folded → canonical section


def _cv_id(pdf: Path, root: Path) -> str:
    if pdf.parent != root and pdf.stem == "cv":
        return pdf.parent.name
    return pdf.stem


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
    """Every PDF below ``root``, sorted by path; ids are made unique.

    A link that leads out of the corpus folder is skipped: only files the operator put in
    the corpus may reach search results (and be served as a CV).
    """
    files: list[SourceFile] = []
    seen: set[str] = set()
    real_root = root.resolve()
    for pdf in sorted(root.rglob("*.pdf")) if root.is_dir() else []:
        if not pdf.resolve().is_relative_to(real_root):
            log.warning("skipping %s: it links outside the corpus folder", pdf)
            continue
        cv_id = _cv_id(pdf, root)
        while cv_id in seen:
            cv_id += "_"
        seen.add(cv_id)
        sidecar, raw = _load_sidecar(pdf.parent / SIDECAR) if pdf.stem == "cv" else (None, b"")
        digest = hashlib.sha256(pdf.read_bytes())
        digest.update(raw)
        files.append(
            SourceFile(cv_id, pdf, pdf.relative_to(root).as_posix(), digest.hexdigest(), sidecar)
        )
    return files


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
