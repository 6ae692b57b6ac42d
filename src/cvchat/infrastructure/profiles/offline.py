"""The offline profile extractor: a CV's text read into a ``CandidateProfile`` by rules.

No model, no network: every profile can be rebuilt from the index's text at any time, and it
is what the LLM extractor falls back to. Rules and lexicons cover English, Spanish, French and
German CVs in layouts we did not write (sidebars that scramble reading order, headings on the
same line as their content, prose-only CVs). Each fact carries verbatim evidence: its snippet
is an exact substring of the page it cites, so an answer can quote and link it.

The rules live in small modules: ``offline_text`` (folded pages, lines, sentences, evidence),
``offline_sections`` (headings), ``offline_words`` (shared word lists), ``offline_dates``,
``offline_people`` (name, headline), ``offline_places`` (location), ``offline_languages``,
``offline_skills``, ``offline_jobs`` with ``offline_job_lines`` and ``offline_prose`` (jobs,
years), ``offline_education`` and ``offline_certifications``. They are pure functions of the
page texts (and ``as_of``): the same text always gives the same profile.
"""

from __future__ import annotations

import re
from datetime import date

from cvchat.domain.profiles import CandidateProfile, Named
from cvchat.infrastructure.profiles.offline_certifications import extract_certifications
from cvchat.infrastructure.profiles.offline_education import extract_education
from cvchat.infrastructure.profiles.offline_jobs import extract_jobs, total_years
from cvchat.infrastructure.profiles.offline_languages import extract_languages
from cvchat.infrastructure.profiles.offline_people import find_headline, find_name
from cvchat.infrastructure.profiles.offline_places import find_location
from cvchat.infrastructure.profiles.offline_skills import extract_skills
from cvchat.infrastructure.profiles.offline_text import Document

_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_STOPWORDS = {
    "en": re.compile(r"\b(?:the|and|with|of|for|in|at)\b"),
    "es": re.compile(r"\b(?:el|la|los|las|y|con|de|del|en|para)\b"),
    "fr": re.compile(r"\b(?:le|la|les|des|et|avec|de|du|pour|au)\b"),
    "de": re.compile(r"\b(?:der|die|das|und|mit|von|bei|fur|im|zu)\b"),
}


def _language(doc: Document) -> str:
    """The CV's own language, by its commonest little words (only a tie-breaker for words
    that mean different things per language, like "Promotion")."""
    text = " ".join(page.folded for page in doc.pages)
    counts = {code: len(pattern.findall(text)) for code, pattern in _STOPWORDS.items()}
    return max(counts, key=lambda code: counts[code])


def extract_profile(
    cv_id: str, pages: tuple[str, ...], *, as_of: str | None = None
) -> CandidateProfile:
    """The profile of one CV. ``pages[i]`` is page i + 1's text; ``as_of`` ("YYYY-MM") is
    the month the CV was written, what "present" means (None: this month)."""
    if as_of is None or not _YEAR_MONTH.match(as_of):
        as_of = date.today().strftime("%Y-%m")
    doc = Document(tuple(pages))
    found = find_name(doc)
    if found is not None:
        doc.mark_header(found.first)
    name_line = found.line if found else None
    name = (
        Named(
            value=found.value,
            evidence=doc.evidence(found.first.page, found.first.start, found.end),
        )
        if found
        else None
    )
    career = extract_jobs(doc, as_of)
    headline = find_headline(doc, found)
    if headline is None:
        headline = next(
            (Named(value=j.title, evidence=j.evidence) for j in career.jobs if j.title), None
        )
    return CandidateProfile(
        cv_id=cv_id,
        name=name,
        headline=headline,
        location=find_location(doc, name_line, found.end if found else -1),
        languages=extract_languages(doc),
        skills=extract_skills(doc, found),
        jobs=career.jobs,
        experience=total_years(doc, career, as_of),
        education=extract_education(doc, _language(doc)),
        certifications=extract_certifications(doc),
    )
