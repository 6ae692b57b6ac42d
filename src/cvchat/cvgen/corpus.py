"""Writes a corpus to disk: ``<out>/<cv_id>/{cv.json,cv.html,cv.pdf}`` and ``manifest.json``.

Guarantees:
- A CV folder is complete or absent from the manifest: HTML and PDF are written first and
  ``cv.json`` last, each through a temporary file and an atomic rename.
- Re-running with the same settings rewrites nothing: a CV whose ``cv.json`` already holds
  the same text and whose HTML and PDF exist is skipped; ``force`` renders everything again.
- The folder mirrors the requested corpus: CV folders of an earlier, larger run (or of a CV
  that failed this time) are removed, so the manifest and the folders always agree.
- PDFs are rendered in parallel worker processes (WeasyPrint is CPU-bound).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvchat.cvgen.schema import CvDocument

CV_DIR_PATTERN = re.compile(r"^cv-\d{4}-[a-z]{2}$")
MANIFEST = "manifest.json"


@dataclass
class BuildReport:
    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def document_json(document: CvDocument) -> str:
    """The exact text of ``cv.json``: stable key order, UTF-8, trailing newline."""
    return json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def manifest_entry(document: CvDocument) -> dict[str, Any]:
    meta, data = document.meta, document.data
    return {
        "cv_id": meta.cv_id,
        "language": meta.language,
        "seniority": meta.seniority,
        "role_family": meta.role_family,
        "template": meta.template,
        "style": meta.style,
        "generator": meta.generator,
        "full_name": data.full_name,
        "headline": data.headline,
        "years_of_experience": document.years_of_experience,
        "pdf": f"{meta.cv_id}/cv.pdf",
    }


def _write_atomic(path: Path, payload: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def render_one(folder: str, json_text: str) -> str:
    """Worker: render and write one CV folder; returns its cv_id."""
    from cvchat.cvgen.render import render_cv

    document = CvDocument.model_validate_json(json_text)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    html, pdf = render_cv(document)
    _write_atomic(target / "cv.html", html.encode())
    _write_atomic(target / "cv.pdf", pdf)
    _write_atomic(target / "cv.json", json_text.encode())
    return document.meta.cv_id


def _is_current(folder: Path, json_text: str) -> bool:
    json_path = folder / "cv.json"
    return (
        json_path.is_file()
        and (folder / "cv.pdf").is_file()
        and (folder / "cv.html").is_file()
        and json_path.read_text(encoding="utf-8") == json_text
    )


def build_corpus(
    out: Path,
    documents: Iterable[CvDocument],
    *,
    force: bool = False,
    workers: int = 2,
    on_rendered: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BuildReport:
    """Write ``documents`` under ``out``; ``on_start(total)``/``on_rendered(cv_id)`` drive a
    progress bar."""
    documents = sorted(documents, key=lambda d: d.meta.cv_id)
    report = BuildReport()
    out.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[str, str]] = []
    for document in documents:
        folder = out / document.meta.cv_id
        text = document_json(document)
        if not force and _is_current(folder, text):
            report.unchanged.append(document.meta.cv_id)
        else:
            todo.append((str(folder), text))
    if on_start:
        on_start(len(todo))
    if workers <= 1 or len(todo) <= 1:
        for target, text in todo:
            report.rendered.append(render_one(target, text))
            if on_rendered:
                on_rendered(report.rendered[-1])
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = [pool.submit(render_one, target, text) for target, text in todo]
            for future in as_completed(futures):
                report.rendered.append(future.result())
                if on_rendered:
                    on_rendered(report.rendered[-1])
    report.rendered.sort()
    wanted = {d.meta.cv_id for d in documents}
    for stale in sorted(out.iterdir()):
        if stale.is_dir() and CV_DIR_PATTERN.match(stale.name) and stale.name not in wanted:
            shutil.rmtree(stale)
            report.removed.append(stale.name)
    manifest = [manifest_entry(d) for d in documents]
    _write_atomic(
        out / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    )
    return report
