"""``cvchat dataset``: bad options fail clearly and write nothing; a small run works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cvgen.cli_app import app


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count must be between 1 and 10000"),
        (["--languages", "en,xx"], "unknown language xx"),
        (["--generator", "gpt"], "unknown generator 'gpt'"),
        (["--generator", "llm"], "CVCHAT_CORPUS_LLM__PROVIDER"),
    ],
)
def test_bad_options_exit_non_zero_and_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("CVCHAT_CORPUS_LLM__PROVIDER", "offline")
    from cvchat.settings import get_settings

    get_settings.cache_clear()
    out = tmp_path / "cvs"
    result = CliRunner().invoke(app, ["dataset", *args, "--out", str(out)])
    get_settings.cache_clear()
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert not out.exists()


def test_small_run_writes_the_corpus_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "cvs"
    args = ["dataset", "--count", "2", "--seed", "5", "--languages", "de,es", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(entry["language"] for entry in manifest) == ["de", "es"]
    for entry in manifest:
        assert (out / entry["cv_id"] / "cv.pdf").is_file()
    assert "2 rendered" in result.output and "seniority" in result.output
