"""Which extractor reads CVs into profiles at index time: offline rules, or the model.

The offline extractor always runs (it is what a failed model answer falls back to, per CV).
``FORMAT`` is part of what a build may reuse: a profile written by other offline rules is
extracted again, from the CV's text, even when the CV's vectors are reused. It is a digest of
the rules' own source (the offline modules and the vocabularies they read), not a number
someone must remember to bump: a forgotten bump leaves every existing index answering with
the old rules, and extracting again costs a few milliseconds per CV.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cvchat.domain.llm import LlmProvider
from cvchat.domain.profiles import CandidateProfile
from cvchat.infrastructure.profiles.offline import extract_profile
from cvchat.settings import ProfileSettings

log = logging.getLogger(__name__)


def _rules_digest() -> str:
    package = Path(__file__).parent
    domain = package.parents[1] / "domain"
    files = [
        *sorted(package.glob("offline*.py")),
        *(domain / name for name in ("vocabulary.py", "places.py", "profiles.py")),
        package.parent / "rag" / "sections.py",  # the section headings the rules read by
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


FORMAT = _rules_digest()


@dataclass(frozen=True)
class ProfileJob:
    cv_id: str
    pages: tuple[str, ...]
    as_of: str | None  # "YYYY-MM": the CV's date (its PDF's creation month), else today


class ProfileExtractor(Protocol):
    name: str

    def extract_many(self, jobs: Sequence[ProfileJob]) -> list[CandidateProfile]:
        """One profile per job, in order; never drops a CV."""
        ...


class OfflineExtractor:
    name = "offline"

    def extract_many(self, jobs: Sequence[ProfileJob]) -> list[CandidateProfile]:
        return [extract_profile(j.cv_id, j.pages, as_of=j.as_of) for j in jobs]


class LlmExtractor:
    """The model through its structured output, each CV falling back to the offline profile."""

    name = "llm"

    def __init__(self, provider: LlmProvider, concurrency: int = 4) -> None:
        self._provider = provider
        self._concurrency = concurrency

    def extract_many(self, jobs: Sequence[ProfileJob]) -> list[CandidateProfile]:
        from cvchat.infrastructure.profiles.llm_extractor import extract_profiles_llm

        fallbacks = OfflineExtractor().extract_many(jobs)
        items = [(j, f) for j, f in zip(jobs, fallbacks, strict=True)]
        return extract_profiles_llm(self._provider, items, concurrency=self._concurrency)


def build_extractor(settings: ProfileSettings, provider: LlmProvider | None) -> ProfileExtractor:
    if settings.extractor == "llm" and provider is None:
        raise ValueError(
            "CVCHAT_PROFILES__EXTRACTOR=llm needs an answer model (CVCHAT_ANSWER__PROVIDER "
            "and its key); use auto or offline without one"
        )
    if settings.extractor == "offline" or provider is None:
        return OfflineExtractor()
    return LlmExtractor(provider, settings.llm_concurrency)
