"""Candidate profiles in the index: one per CV, reused like vectors, hot reloaded, verbatim."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import respx

from cvchat.application.candidates import execute
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.infrastructure.profiles.corpus import IndexProfiles
from cvchat.infrastructure.rag import IndexStore
from cvchat.infrastructure.rag.build import MANIFEST, PROFILES
from cvchat.infrastructure.rag.pdf_text import read_pdf
from cvchat.settings import LlmRoleSettings, ProfileSettings
from tests.llm import wire
from tests.rag.conftest import make_settings
from tests.rag.pdf_factory import CORPUS, SampleCv, render

NAMES = {cv.name for cv in CORPUS}


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

    # Profiles of other offline rules (an upgrade changed them): made again with today's.
    _mark_older_rules(store)
    relearned = store.build()
    assert (relearned.embedded_documents, relearned.reused_documents) == (0, 6)
    assert (relearned.profiles_extracted, relearned.profiles_reused) == (6, 0)


def _mark_older_rules(store: IndexStore) -> None:
    current = store.root / store.current_version()  # type: ignore[operator]
    manifest = json.loads((current / MANIFEST).read_text())
    manifest["profiles"]["format"] = "rules-of-an-older-release"
    (current / MANIFEST).write_text(json.dumps(manifest))


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


def test_the_llm_extractor_setting_builds_profiles_through_the_model_per_cv_fallback(
    data_dir: Path, httpx2_mock: respx.Router
) -> None:
    """``CVCHAT_PROFILES__EXTRACTOR=llm``: the index build asks the configured model (its real
    adapter; only Anthropic's endpoint is replayed, in its streaming wire format) for each CV;
    a CV whose answer fails keeps its offline profile."""

    def reply(request: httpx.Request) -> httpx.Response:
        prompt = json.loads(request.content)["messages"][-1]["content"]
        text = prompt if isinstance(prompt, str) else prompt[0]["text"]
        if "Luc" in text:  # one CV's answer is broken: that CV falls back
            return wire.sse(wire.anthropic_events(['{"name": ']) + wire.anthropic_end())
        first = next(line.strip() for line in text.split("\n") if line.strip() in NAMES)
        answer = {
            "name": {"value": first, "evidence": {"page": 1, "snippet": first}},
            "headline": None,
            "location": None,
            "languages": [],
            "skills": [],
            "jobs": [],
            "experience": None,
            "education": [],
            "certifications": [],
        }
        return wire.sse(wire.anthropic_events([json.dumps(answer)]) + wire.anthropic_end())

    route = httpx2_mock.post("http://anthropic.test/v1/messages").mock(side_effect=reply)
    settings = make_settings(data_dir).model_copy(
        update={
            "answer": LlmRoleSettings(
                provider="anthropic",
                model="claude-test",
                api_key="sk-test",  # type: ignore[arg-type]
                base_url="http://anthropic.test",
                max_retries=0,
            ),
            "profiles": ProfileSettings(extractor="llm"),
        }
    )
    store = IndexStore(settings)
    report = store.build()
    assert route.call_count == report.profiles_extracted == 6
    profiles = store.snapshot().profiles
    by_extractor = {cv_id: p.extractor for cv_id, p in profiles.items()}
    assert by_extractor == {
        cv_id: "offline" if cv_id == "luc-chef" else "llm" for cv_id in profiles
    }
    assert profiles["ana-backend"].languages == ()  # the model's profile, not the rules'
    assert profiles["luc-chef"].name is not None  # the offline fallback
    # a rebuild under the same setting reuses the model's profiles, and re-asks for the fallback
    again = store.build()
    assert (again.profiles_reused, again.profiles_extracted) == (5, 1)
    # new offline rules do not throw away what the model extracted
    _mark_older_rules(store)
    upgraded = store.build()
    assert (upgraded.profiles_reused, upgraded.profiles_extracted) == (5, 1)
