"""CV-aware chunking: section boundaries, the model's length limit, exact page spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvchat.infrastructure.rag.chunking import chunk_cv, chunk_fixed
from cvchat.infrastructure.rag.corpus import cv_meta, discover
from cvchat.infrastructure.rag.embeddings import Embedder
from cvchat.infrastructure.rag.pdf_text import read_pdf
from cvchat.infrastructure.rag.sections import heading_of, heading_section

PAGE = (
    "Ana Torres\nBackend engineer\n"
    "Experience\n"
    "Platform Engineer, Northwind (2019 - 2024)\nLed the Kubernetes migration.\n"
    "Developer, Contoso (2015 - 2019)\nBuilt billing APIs.\n"
    "Skills\nPython, Go, Kubernetes\n"
    "Languages\nEnglish (native), Spanish (B2)"
)


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("Professional Experience", "experience"),
        ("EXPERIENCIA PROFESIONAL", "experience"),
        ("Expérience professionnelle :", "experience"),
        ("Berufserfahrung", "experience"),
        ("Formación académica", "education"),
        ("Sprachkenntnisse", "languages"),
        ("Compétences", "skills"),
        ("Led the migration of our experience platform", None),
        ("Experience with Kubernetes and Terraform in production", None),
    ],
)
def test_headings_in_four_languages(line: str, section: str | None) -> None:
    assert heading_section(line) == section


def test_heading_with_content_on_the_same_line() -> None:
    assert heading_of("Skills: Python, Go") == ("skills", True)
    assert heading_of("Skills Python, Go") is None  # generic word, no colon: not a heading
    assert heading_of("Compétences Terraform, Linux", {"competences": "skills"}) == (
        "skills",
        True,
    )


def test_chunks_stay_inside_one_section(embedder: Embedder) -> None:
    chunks = chunk_cv([PAGE], embedder, max_tokens=200, overlap_tokens=10)
    assert [c.section for c in chunks] == ["header", "experience", "skills", "languages"]
    skills = chunks[2]
    assert skills.text == "Skills\nPython, Go, Kubernetes"
    assert "Spanish" not in skills.text and "Kubernetes migration" not in skills.text


def test_long_sections_split_at_entries_within_the_token_budget(embedder: Embedder) -> None:
    chunks = chunk_cv([PAGE], embedder, max_tokens=24, overlap_tokens=4)
    experience = [c for c in chunks if c.section == "experience"]
    assert len(experience) >= 2
    assert all(embedder.count([c.text])[0] <= 24 for c in chunks)
    # the second job starts a passage of its own instead of being cut in the middle
    assert any(c.text.startswith("Developer, Contoso (2015 - 2019)") for c in experience)


def test_a_line_longer_than_the_budget_falls_back_to_token_windows(embedder: Embedder) -> None:
    line = " ".join(f"word{n}" for n in range(300))
    chunks = chunk_cv([f"Summary\n{line}"], embedder, max_tokens=50, overlap_tokens=10)
    assert len(chunks) > 3
    assert all(embedder.count([c.text])[0] <= 50 for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert "word0" in joined and "word299" in joined


def test_fixed_windows_overlap_and_cover_the_page() -> None:
    text = "abcdefghij" * 120  # 1,200 characters
    chunks = chunk_fixed([text], size=500, overlap=50)
    assert [(c.char_start, c.char_end) for c in chunks] == [(0, 500), (450, 950), (900, 1200)]


def test_every_chunk_of_a_real_pdf_maps_back_to_its_page(
    corpus_pdfs: Path, embedder: Embedder
) -> None:
    (source,) = [s for s in discover(corpus_pdfs) if s.cv_id == "sam-manager"]
    pdf = read_pdf(source.path)
    assert len(pdf.pages) >= 2
    meta = cv_meta(source, pdf.pages)
    chunks = chunk_cv(pdf.pages, embedder, 128, 24, meta.headings)
    assert {c.page for c in chunks} == set(range(1, len(pdf.pages) + 1))
    for chunk in chunks:
        assert pdf.pages[chunk.page - 1][chunk.char_start : chunk.char_end] == chunk.text
    certification = next(c for c in chunks if c.section == "certifications")
    assert "ITIL 4 Foundation" in certification.text
    assert certification.page == len(pdf.pages)
    assert max(embedder.count([c.text for c in chunks])) <= 128


def test_a_pdf_linked_from_outside_the_corpus_is_not_indexed(
    tmp_path: Path, corpus_pdfs: Path
) -> None:
    root = tmp_path / "cvs"
    (root / "inside").mkdir(parents=True)
    outside = tmp_path / "secret.pdf"
    original = next(p for p in sorted(corpus_pdfs.rglob("*.pdf")))
    outside.write_bytes(original.read_bytes())
    (root / "inside" / "cv.pdf").write_bytes(original.read_bytes())
    (root / "leak.pdf").symlink_to(outside)
    (root / "linked-dir").symlink_to(tmp_path, target_is_directory=True)

    found = discover(root)

    assert [s.file for s in found] == ["inside/cv.pdf"]
