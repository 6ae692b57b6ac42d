"""Candidate profiles in the index: one per CV, reused like vectors, hot reloaded, verbatim."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cvchat.application.candidates import execute
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.infrastructure.profiles.corpus import IndexProfiles
from cvchat.infrastructure.rag import IndexStore
from cvchat.infrastructure.rag.build import MANIFEST, PROFILES
from cvchat.infrastructure.rag.pdf_text import read_pdf
from tests.rag.conftest import make_settings
from tests.rag.pdf_factory import SampleCv, render


def _facts(profile_json: dict[str, object]) -> list[dict[str, object]]:
    """Every fact of a profile (a dict with ``evidence``), however deep."""
    found: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "evidence" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(profile_json)
    return found


def test_every_cv_gets_a_profile_whose_evidence_is_the_cvs_own_words(data_dir: Path) -> None:
    store = IndexStore(make_settings(data_dir))
    store.build()
    snapshot = store.snapshot()
    assert set(snapshot.profiles) == set(snapshot.documents)
    for cv_id, profile in snapshot.profiles.items():
        pages = read_pdf(data_dir / "cvs" / snapshot.documents[cv_id].file).pages
        facts = _facts(profile.model_dump(mode="json"))
        assert facts, cv_id
        for fact in facts:
            evidence = fact["evidence"]
            assert isinstance(evidence, dict)
            assert evidence["snippet"] in pages[int(evidence["page"]) - 1], (cv_id, fact)
    ana = snapshot.profiles["ana-backend"]
    assert {(lang.code, lang.level) for lang in ana.languages} == {("en", "native"), ("es", "B2")}


def test_profiles_are_reused_by_content_hash_and_made_again_for_older_versions(
    data_dir: Path,
) -> None:
    store = IndexStore(make_settings(data_dir))
    first = store.build()
    assert (first.profiles_extracted, first.profiles_reused) == (6, 0)
    again = store.build()
    assert (again.profiles_extracted, again.profiles_reused) == (0, 6)

    # A version written before profiles existed: vectors are reused, profiles made from text.
    current = store.root / store.current_version()  # type: ignore[operator]
    (current / PROFILES).unlink()
    manifest = json.loads((current / MANIFEST).read_text())
    del manifest["profiles"]
    (current / MANIFEST).write_text(json.dumps(manifest))
    upgraded = store.build()
    assert (upgraded.embedded_documents, upgraded.reused_documents) == (0, 6)
    assert (upgraded.profiles_extracted, upgraded.profiles_reused) == (6, 0)
    assert len(store.snapshot().profiles) == 6


def test_a_new_version_is_queried_without_a_restart(data_dir: Path) -> None:
    store = IndexStore(make_settings(data_dir))
    store.build()
    profiles = IndexProfiles(store)
    spanish = CandidateQuery(languages=(LanguageFilter(code="es"),))

    def speakers() -> set[str]:
        snap = profiles.snapshot()
        return {r.profile.cv_id for r in execute(spanish, snap.profiles.values()).matches}

    before = speakers()
    assert "ana-backend" in before
    render(
        SampleCv(
            "rosa-devops",
            "Rosa Díaz",
            "Platform engineer",
            "en",
            {"Skills": ["K8s, Terraform"], "Languages": ["Spanish (native), English (C1)"]},
        ),
        data_dir / "cvs",
    )
    shutil.rmtree(data_dir / "cvs" / "ana-backend")
    store.build()
    assert speakers() == (before - {"ana-backend"}) | {"rosa-devops"}
    rosa = profiles.snapshot().profiles["rosa-devops"]
    assert "Kubernetes" in {s.name for s in rosa.skills}  # from "K8s"
