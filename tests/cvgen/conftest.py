"""Shared corpus fixtures: 200 planned CVs as JSON, and one rendered PDF per template."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvchat.cvgen.corpus import build_corpus
from cvchat.cvgen.offline import generate_offline
from cvchat.cvgen.plan import plan_corpus
from cvchat.cvgen.schema import LANGUAGES, TEMPLATES, CvDocument

SEED = 42


@pytest.fixture(scope="session")
def corpus_200() -> list[CvDocument]:
    return [generate_offline(meta) for meta in plan_corpus(200, SEED, LANGUAGES, "offline")]


@pytest.fixture(scope="session")
def one_per_template(corpus_200: list[CvDocument]) -> list[CvDocument]:
    """The first CV of each template, with a portrait where the template can show one."""
    chosen: dict[str, CvDocument] = {}
    for document in corpus_200:
        chosen.setdefault(document.meta.template, document)
    assert set(chosen) == set(TEMPLATES)
    return [chosen[name] for name in TEMPLATES]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, one_per_template: list[CvDocument]) -> Path:
    out = tmp_path_factory.mktemp("cvs")
    report = build_corpus(out, one_per_template, workers=2)
    assert len(report.rendered) == len(TEMPLATES)
    return out
