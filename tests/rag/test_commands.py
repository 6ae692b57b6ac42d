"""`cvchat index`, `cvchat search` and `cvchat eval` as a user runs them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cvchat.commands.evaluation import eval_
from cvchat.commands.retrieval import index, search
from cvchat.infrastructure.rag.embeddings import OFFLINE_MODEL
from cvchat.settings import get_settings

app = typer.Typer()
app.command("index")(index)
app.command("search")(search)
app.add_typer(eval_, name="eval")
runner = CliRunner()


@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CVCHAT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CVCHAT_RAG__EMBEDDING_MODEL", OFFLINE_MODEL)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_index_then_search(env: Path, corpus_pdfs: Path) -> None:
    shutil.copytree(corpus_pdfs, env / "cvs")
    (env / "cvs" / "junk.pdf").write_bytes(b"not a pdf")

    indexed = runner.invoke(app, ["index"])
    assert indexed.exit_code == 0, indexed.output
    assert "files" in indexed.output and "skipped" in indexed.output
    assert "junk.pdf" in indexed.output

    found = runner.invoke(app, ["search", "Quarkus event gateway", "-k", "2"])
    assert found.exit_code == 0, found.output
    assert "Ana Torres" in found.output and "ana-backend" in found.output

    refused = runner.invoke(app, ["search", "   "])
    assert refused.exit_code == 2 and "empty" in refused.output
    too_many = runner.invoke(app, ["search", "python", "-k", "51"])
    assert too_many.exit_code == 2


def test_search_before_index_says_what_to_do(env: Path) -> None:
    result = runner.invoke(app, ["search", "python"])
    assert result.exit_code == 2 and "cvchat index" in result.output


def test_eval_reports_every_method_and_the_baseline(env: Path) -> None:
    from cvchat.commands.dataset import dataset

    dataset(count=6, seed=5, out=env / "cvs", workers=1)
    out = env / "eval.json"
    result = runner.invoke(app, ["eval", "--out", str(out), "--max-queries", "40"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert set(report["systems"]) == {
        "baseline (500-char chunks, RRF top 20)",
        "bm25",
        "dense",
        "hybrid",
    }
    assert 10 <= report["queries"]["count"] <= 40
    for metrics in report["systems"].values():
        assert set(metrics) == {"recall@1", "recall@5", "recall@10", "mrr", "ndcg@10"}
        assert all(0.0 <= v <= 1.0 for v in metrics.values())
    assert report["systems"]["bm25"]["mrr"] > 0.5  # employer/school names are in the text
    assert "ndcg@10" in result.output
