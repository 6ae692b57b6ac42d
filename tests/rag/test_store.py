"""The versioned index store: reuse of unchanged CVs, atomic switch, hot reload, model check."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from cvchat.domain.retrieval import IndexUnavailable
from cvchat.infrastructure.rag import IndexRetriever, IndexStore
from cvchat.infrastructure.rag.embeddings import Embedder
from cvchat.infrastructure.rag.store import CURRENT
from tests.rag.conftest import make_settings
from tests.rag.pdf_factory import CORPUS, SampleCv, render


@pytest.fixture()
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every passage text sent to the model (a spy: the real model still embeds them)."""
    seen: list[str] = []
    real = Embedder.encode_passages

    def spy(self: Embedder, texts: list[str], *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return real(self, texts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Embedder, "encode_passages", spy)
    return seen


def test_unchanged_cvs_are_not_re_embedded(data_dir: Path, embedded: list[str]) -> None:
    store = IndexStore(make_settings(data_dir))
    first = store.build()
    assert (first.embedded_documents, first.reused_documents) == (6, 0)
    embedded.clear()

    newcomer = SampleCv(
        "zoe-data",
        "Zoe Chen",
        "Data scientist",
        "en",
        {"Skills": ["Polars, DuckDB, causal inference"]},
    )
    render(newcomer, data_dir / "cvs")
    sidecar = {"meta": {"language": "en"}, "data": {"full_name": "Tom Baker", "headline": "Head"}}
    (data_dir / "cvs" / "tom-teacher" / "cv.json").write_text(json.dumps(sidecar))
    second = store.build()

    assert (second.embedded_documents, second.reused_documents) == (2, 5)
    snapshot = store.snapshot()
    changed = [c.text for c in snapshot.chunks if c.cv_id in {"zoe-data", "tom-teacher"}]
    assert sorted(embedded) == sorted(changed)
    assert snapshot.version == second.version != first.version
    assert snapshot.documents["tom-teacher"].headline == "Head"
    assert IndexRetriever(store).search("DuckDB", 1, "bm25")[0].cv_id == "zoe-data"
    # reused vectors still find their CV: the rows were carried over in the right order
    assert IndexRetriever(store).search("Quarkus event gateway", 1, "dense")[0].cv_id == (
        "ana-backend"
    )


def test_a_rebuild_with_nothing_changed_embeds_nothing(data_dir: Path, embedded: list[str]) -> None:
    store = IndexStore(make_settings(data_dir))
    store.build()
    embedded.clear()
    report = store.build()
    assert (report.embedded_documents, report.reused_documents, embedded) == (0, 6, [])
    assert report.chunks == store.snapshot().manifest["counts"]["chunks"]


def test_switch_is_atomic_under_concurrent_queries(tmp_path: Path, corpus_pdfs: Path) -> None:
    group_a = {cv.cv_id for cv in CORPUS[:3]}
    group_b = {cv.cv_id for cv in CORPUS[3:]}
    writer = IndexStore(make_settings(tmp_path))
    versions = {}
    for name, group in (("a", group_a), ("b", group_b)):
        shutil.rmtree(tmp_path / "cvs", ignore_errors=True)
        for cv_id in group:
            shutil.copytree(corpus_pdfs / cv_id, tmp_path / "cvs" / cv_id)
        versions[name] = writer.build().version

    reader = IndexRetriever(IndexStore(make_settings(tmp_path)))  # another "process"
    errors: list[BaseException] = []
    seen: list[frozenset[str]] = []
    stop = threading.Event()

    def query() -> None:
        while not stop.is_set():
            try:
                hits = reader.search("experience languages education", 50, "hybrid")
                seen.append(frozenset(h.cv_id for h in hits))
            except BaseException as exc:  # any failure fails the test
                errors.append(exc)

    threads = [threading.Thread(target=query) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(40):
        writer.switch(versions["a" if n % 2 else "b"])
        stop.wait(0.02)
    stop.set()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(seen) >= 20
    assert set(seen) == {frozenset(group_a), frozenset(group_b)}  # both served, never mixed


def test_a_running_process_picks_up_a_new_version(data_dir: Path) -> None:
    serving = IndexStore(make_settings(data_dir))
    retriever = IndexRetriever(serving)
    with pytest.raises(IndexUnavailable, match="cvchat index"):
        retriever.search("Quarkus", 1)
    builder = IndexStore(make_settings(data_dir))
    builder.build()
    assert retriever.search("Quarkus", 1)[0].cv_id == "ana-backend"

    shutil.rmtree(data_dir / "cvs" / "ana-backend")
    builder.build()
    assert "ana-backend" not in {h.cv_id for h in retriever.search("Quarkus", 6)}
    assert "ana-backend" not in serving.snapshot().documents


def test_an_index_built_with_another_model_is_refused(data_dir: Path) -> None:
    IndexStore(make_settings(data_dir)).build()
    other = IndexStore(
        make_settings(data_dir).model_copy(
            update={
                "rag": make_settings(data_dir).rag.model_copy(
                    update={"embedding_model": "intfloat/multilingual-e5-small"}
                )
            }
        )
    )
    with pytest.raises(IndexUnavailable, match="built with embedding model 'offline-minilm'"):
        other.snapshot()
    assert other.status()["ready"] is False


def test_old_versions_are_collected_and_current_is_a_link(data_dir: Path) -> None:
    store = IndexStore(make_settings(data_dir, keep_versions=1))
    built = [store.build().version for _ in range(3)]
    assert store.versions() == built[1:]
    assert os.readlink(data_dir / "index" / CURRENT) == built[-1]
    with pytest.raises(ValueError, match="no index version"):
        store.switch("../../etc")


def test_the_hnsw_option_serves_the_same_answers(data_dir: Path) -> None:
    store = IndexStore(make_settings(data_dir, dense_index="hnsw"))
    store.build()
    assert store.snapshot().config.dense_index == "hnsw"
    retriever = IndexRetriever(store)
    assert (
        retriever.search("moved microservices onto container orchestration", 1, "dense")[0].cv_id
        == "ana-backend"
    )
    assert retriever.search("cook", 1, "dense")[0].cv_id == "luc-chef"
