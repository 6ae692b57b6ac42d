"""The embedding backend is part of what an index's vectors mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cvchat.domain.retrieval import IndexUnavailable
from cvchat.infrastructure.rag import IndexRetriever, IndexStore
from cvchat.infrastructure.rag.build import MANIFEST
from cvchat.infrastructure.rag.config import IndexConfig
from cvchat.infrastructure.rag.store import CURRENT
from tests.rag.conftest import make_settings


def test_an_index_built_with_another_backend_is_refused_and_not_reused(data_dir: Path) -> None:
    IndexStore(make_settings(data_dir, embedding_backend="torch")).build()
    onnx = IndexStore(make_settings(data_dir, embedding_backend="onnx-int8"))
    with pytest.raises(IndexUnavailable, match="built with embedding backend 'torch'"):
        onnx.snapshot()
    assert onnx.status()["ready"] is False
    assert "CVCHAT_RAG__EMBEDDING_BACKEND" in onnx.status()["detail"]

    report = onnx.build()  # every vector is recomputed: none of torch's is reused
    assert report.reused_documents == 0 and report.embedded_documents == 6
    assert onnx.snapshot().config.backend == "onnx-int8"
    assert IndexRetriever(onnx).search("Quarkus", 1)[0].cv_id == "ana-backend"
    assert onnx.build().reused_documents == 6  # same backend: reused


def test_a_manifest_from_before_backends_reads_as_torch(data_dir: Path) -> None:
    assert IndexConfig.from_json({"model": "offline-minilm"}).backend == "torch"
    store = IndexStore(make_settings(data_dir, embedding_backend="torch"))
    store.build()
    manifest_path = data_dir / "index" / store.current_version() / MANIFEST  # type: ignore[operator]
    manifest = json.loads(manifest_path.read_text())
    del manifest["config"]["backend"]
    manifest_path.write_text(json.dumps(manifest))

    fresh = IndexStore(make_settings(data_dir, embedding_backend="torch"))
    assert fresh.snapshot().config.backend == "torch"
    assert (data_dir / "index" / CURRENT).is_symlink()
    assert fresh.build().reused_documents == 6
