"""Real PDFs: one per template, read back with pypdf (the retrieval side's parser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import escape
from pypdf import PdfReader

from cvchat.cvgen.corpus import build_corpus
from cvchat.cvgen.schema import TEMPLATES, CvDocument


def _text(pdf: Path) -> str:
    pages = PdfReader(pdf).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_pdf_text_holds_name_employers_skills_and_headings(
    rendered: Path, one_per_template: list[CvDocument]
) -> None:
    for document in one_per_template:
        data = document.data
        text = _text(rendered / document.meta.cv_id / "cv.pdf")
        expected = [
            data.full_name,
            *(job.company for job in data.experience),
            *(job.title for job in data.experience),
            *data.skills,
            data.section_labels.experience,
            data.section_labels.education,
            data.section_labels.skills,
            data.section_labels.languages,
        ]
        missing = [item for item in expected if item not in text]
        assert not missing, (document.meta.template, missing)


def test_pdfs_are_a4_and_name_their_author(
    rendered: Path, one_per_template: list[CvDocument]
) -> None:
    for document in one_per_template:
        reader = PdfReader(rendered / document.meta.cv_id / "cv.pdf")
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        assert reader.metadata is not None and reader.metadata.author == document.data.full_name
        assert len(reader.pages) <= 2


def test_empty_sections_are_left_out(rendered: Path, one_per_template: list[CvDocument]) -> None:
    for document in one_per_template:
        html = (rendered / document.meta.cv_id / "cv.html").read_text()
        labels = document.data.section_labels
        for name, items in (
            ("projects", document.data.projects),
            ("certifications", document.data.certifications),
            ("interests", document.data.interests),
        ):
            assert (f"<h2>{escape(getattr(labels, name))}</h2>" in html) == bool(items), (
                document.meta.template,
                name,
            )


def test_outputs_and_manifest(rendered: Path, one_per_template: list[CvDocument]) -> None:
    manifest = json.loads((rendered / "manifest.json").read_text())
    assert [entry["cv_id"] for entry in manifest] == sorted(d.meta.cv_id for d in one_per_template)
    assert {entry["template"] for entry in manifest} == set(TEMPLATES)
    for entry, document in zip(
        manifest, sorted(one_per_template, key=lambda d: d.meta.cv_id), strict=True
    ):
        folder = rendered / entry["cv_id"]
        assert entry["full_name"] == document.data.full_name
        assert entry["years_of_experience"] == document.years_of_experience
        assert CvDocument.model_validate_json((folder / "cv.json").read_text()) == document
        assert (folder / "cv.pdf").read_bytes().startswith(b"%PDF")


def test_rerun_skips_what_is_there_and_force_rebuilds(
    tmp_path: Path, one_per_template: list[CvDocument]
) -> None:
    docs = one_per_template[:2]
    build_corpus(tmp_path, docs, workers=1)
    pdf = tmp_path / docs[0].meta.cv_id / "cv.pdf"
    stamp = pdf.stat().st_mtime_ns
    again = build_corpus(tmp_path, docs, workers=1)
    assert again.rendered == [] and sorted(again.unchanged) == sorted(d.meta.cv_id for d in docs)
    assert pdf.stat().st_mtime_ns == stamp
    forced = build_corpus(tmp_path, docs[:1], force=True, workers=1)
    assert forced.rendered == [docs[0].meta.cv_id]
    assert forced.removed == [docs[1].meta.cv_id]  # the folder mirrors the requested corpus
    assert not (tmp_path / docs[1].meta.cv_id).exists()
    assert pdf.stat().st_mtime_ns != stamp
