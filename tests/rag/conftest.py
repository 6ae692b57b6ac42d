"""Shared, expensive fixtures: the real MiniLM model and a small corpus of real PDFs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cvchat.infrastructure.rag import IndexRetriever, IndexStore
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL, Embedder, load_embedder
from cvchat.settings import RetrievalSettings, Settings
from tests.rag.pdf_factory import write_corpus


def make_settings(data_dir: Path, **rag: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        rag=RetrievalSettings(embedding_model=OFFLINE_MODEL, **rag),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this session exports ONNX models (once per backend)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(models_dir: Path) -> Embedder:
    """The model under the configured default backend, as the stores of these tests load it
    (one instance per process, so later stores reuse this one's export)."""
    return load_embedder(OFFLINE_MODEL, RetrievalSettings().embedding_backend, models_dir)


@pytest.fixture(scope="session")
def corpus_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered test corpus (rendered once; copy it before changing it)."""
    folder = tmp_path_factory.mktemp("corpus") / "cvs"
    write_corpus(folder)
    return folder


@pytest.fixture()
def data_dir(tmp_path: Path, corpus_pdfs: Path) -> Path:
    """A private data folder holding a copy of the corpus, for tests that change it."""
    shutil.copytree(corpus_pdfs, tmp_path / "cvs")
    return tmp_path


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, corpus_pdfs: Path) -> IndexStore:
    """One index of the test corpus, shared by read-only tests."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(corpus_pdfs, data / "cvs")
    store = IndexStore(make_settings(data))
    store.build()
    return store


@pytest.fixture(scope="session")
def retriever(built_store: IndexStore) -> IndexRetriever:
    return IndexRetriever(built_store)
