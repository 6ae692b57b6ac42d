"""The words of an exact answer: the count first, every match with its cited evidence.

Everything said here comes from an executed ``QueryResult``: who matches, how many, and the
CV's own words for each condition, cited ``[n]`` against sources numbered in order of first
mention. Partial matches are only ever called nearest misses, with what each lacks.
Phrasing in the question's language (en, es, fr, de).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cvchat.application import extractive
from cvchat.application.candidates import CandidateResult, Check, QueryResult
from cvchat.application.citations import pdf_url, snippet
from cvchat.domain.profiles import CandidateProfile, CvFile, Evidence
from cvchat.domain.vocabulary import language_name

DEGREE_LABELS = {"bachelor": "Bachelor's", "master": "Master's", "phd": "PhD"}
SHOWN = 25  # matches written out in the text; the event payload carries all of them
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|\s+[•·▪|]\s+")
_WORD = re.compile(r"\w[\w+#]*")
QUOTE_CHARS = 90


@dataclass(frozen=True)
class Words:
    matches_one: str
    matches_many: str
    count_one: str
    count_many: str
    none: str
    none_any: str
    misses: str
    lacks: str
    more: str
    ranked: str
    closest: str
    level_unknown: str
    unknown_name: str
    profile_of: str
    fields: dict[str, str]


WORDS: dict[str, Words] = {
    "en": Words(
        "1 candidate meets every condition ({conds}):",
        "{n} candidates meet every condition ({conds}):",
        "1 candidate ({conds}):",
        "{n} candidates ({conds}):",
        "No candidate meets every condition ({conds}).",
        "No candidate in the corpus matches.",
        "Nearest misses (not matches):",
        "lacks",
        "…and {n} more (the full list is in the answer's candidate table).",
        "Ordered by how well each CV matches “{text}” (a ranking, not a check).",
        "closest to “{text}”",
        "level not stated",
        "No candidate in the corpus is called {names}.",
        "Profile of {name}:",
        {
            "headline": "Title",
            "location": "Location",
            "languages": "Languages",
            "skills": "Skills",
            "experience": "Experience",
            "employers": "Employers",
            "education": "Education",
            "certifications": "Certifications",
            "years": "{y:.1f} years",
        },
    ),
    "es": Words(
        "1 candidato cumple todas las condiciones ({conds}):",
        "{n} candidatos cumplen todas las condiciones ({conds}):",
        "1 candidato ({conds}):",
        "{n} candidatos ({conds}):",
        "Ningún candidato cumple todas las condiciones ({conds}).",
        "Ningún candidato del corpus coincide.",
        "Los más cercanos (no cumplen todo):",
        "le falta",
        "…y {n} más (la lista completa está en la tabla de candidatos de la respuesta).",
        "Ordenados según lo bien que su CV responde a «{text}» (un orden, no una comprobación).",
        "lo más cercano a «{text}»",
        "nivel no indicado",
        "Ningún candidato del corpus se llama {names}.",
        "Perfil de {name}:",
        {
            "headline": "Puesto",
            "location": "Ubicación",
            "languages": "Idiomas",
            "skills": "Habilidades",
            "experience": "Experiencia",
            "employers": "Empresas",
            "education": "Formación",
            "certifications": "Certificaciones",
            "years": "{y:.1f} años",
        },
    ),
    "fr": Words(
        "1 candidat remplit toutes les conditions ({conds}) :",
        "{n} candidats remplissent toutes les conditions ({conds}) :",
        "1 candidat ({conds}) :",
        "{n} candidats ({conds}) :",
        "Aucun candidat ne remplit toutes les conditions ({conds}).",
        "Aucun candidat du corpus ne correspond.",
        "Les plus proches (pas des correspondances) :",
        "il manque",
        "…et {n} de plus (la liste complète est dans le tableau des candidats de la réponse).",
        "Classés selon la pertinence de leur CV pour « {text} » "
        "(un classement, pas une vérification).",
        "le plus proche de « {text} »",
        "niveau non précisé",
        "Aucun candidat du corpus ne s'appelle {names}.",
        "Profil de {name} :",
        {
            "headline": "Poste",
            "location": "Lieu",
            "languages": "Langues",
            "skills": "Compétences",
            "experience": "Expérience",
            "employers": "Employeurs",
            "education": "Formation",
            "certifications": "Certifications",
            "years": "{y:.1f} ans",
        },
    ),
    "de": Words(
        "1 Kandidat erfüllt alle Bedingungen ({conds}):",
        "{n} Kandidaten erfüllen alle Bedingungen ({conds}):",
        "1 Kandidat ({conds}):",
        "{n} Kandidaten ({conds}):",
        "Kein Kandidat erfüllt alle Bedingungen ({conds}).",
        "Kein Kandidat im Korpus passt.",
        "Am nächsten dran (keine Treffer):",
        "es fehlt",
        "…und {n} weitere (die vollständige Liste steht in der Kandidatentabelle der Antwort).",
        "Sortiert danach, wie gut der Lebenslauf zu „{text}“ passt "
        "(eine Reihenfolge, keine Prüfung).",
        "am nächsten an „{text}“",
        "Niveau nicht angegeben",
        "Kein Kandidat im Korpus heißt {names}.",
        "Profil von {name}:",
        {
            "headline": "Position",
            "location": "Ort",
            "languages": "Sprachen",
            "skills": "Kenntnisse",
            "experience": "Berufserfahrung",
            "employers": "Arbeitgeber",
            "education": "Ausbildung",
            "certifications": "Zertifikate",
            "years": "{y:.1f} Jahre",
        },
    ),
}


@dataclass
class _Citations:
    """Sources numbered in order of first mention, one card per (CV, page)."""

    profiles: Mapping[str, CandidateProfile]
    files: Mapping[str, CvFile]
    sources: list[dict[str, Any]] = field(default_factory=list)
    _numbers: dict[tuple[str, int, str], int] = field(default_factory=dict)
    _cards: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)

    def cite(self, cv_id: str, evidence: Evidence) -> int:
        key = (cv_id, evidence.page, evidence.snippet)
        if key in self._numbers:
            return self._numbers[key]
        n = len(self._numbers) + 1
        self._numbers[key] = n
        card = self._cards.get((cv_id, evidence.page))
        if card is None:
            profile = self.profiles.get(cv_id)
            doc = self.files.get(cv_id, CvFile(file=""))
            card = {
                "cv_id": cv_id,
                "name": profile.display_name if profile else cv_id,
                "headline": doc.headline,
                "file": doc.file,
                "page": evidence.page,
                "snippet": snippet(evidence.snippet),
                "url": pdf_url(cv_id, evidence.page),
                "citations": [],
            }
            self._cards[(cv_id, evidence.page)] = card
            self.sources.append(card)
        card["citations"].append(n)
        return n


def _quote(evidence: Evidence) -> str:
    return f"“{snippet(evidence.snippet, QUOTE_CHARS)}”"


def focus(evidence: Evidence, text: str) -> Evidence:
    """The sentence (or line) of a passage that shares the most words with ``text``: what
    the reader needs to see of a passage ranked for it, still the CV's own words."""
    wanted = {extractive.stem(w) for w in extractive.key_terms(text)}
    best, best_hits = evidence.snippet, 0
    for sentence in _SENTENCE.split(evidence.snippet):
        hits = len(wanted & {extractive.stem(w) for w in _WORD.findall(sentence)})
        if hits > best_hits and sentence.strip():
            best, best_hits = sentence.strip(), hits
    return Evidence(page=evidence.page, snippet=best)


def _check_text(cv_id: str, check: Check, cites: _Citations, words: Words) -> str:
    label = check.condition.label
    if check.condition.key.startswith("language:") and check.value:
        value = words.level_unknown if check.value == "level not stated" else check.value
        label = f"{language_name(check.condition.key.split(':', 1)[1])} ({value})"
    elif check.value and check.condition.key == "degree":
        label = DEGREE_LABELS.get(check.value, check.value)
    elif check.value and check.condition.key in {"years", "location"}:
        label = f"{label}: {check.value}"
    if not check.evidence:
        return label
    ev = check.evidence[0]
    return f"{label} — p.{ev.page} {_quote(ev)} [{cites.cite(cv_id, ev)}]"


def _candidate_line(
    result: CandidateResult, cites: _Citations, words: Words, text: str = ""
) -> str:
    cv_id = result.profile.cv_id
    parts = [_check_text(cv_id, c, cites, words) for c in result.checks if c.met]
    if text and result.relevance is not None:
        ev = focus(result.relevance, text)
        closest = words.closest.format(text=text)
        parts.append(f"{closest} — p.{ev.page} {_quote(ev)} [{cites.cite(cv_id, ev)}]")
    head = f"**{result.profile.display_name}**"
    return f"- {head} — " + "; ".join(parts) if parts else f"- {head}"


def _miss_line(result: CandidateResult, cites: _Citations, words: Words) -> str:
    line = _candidate_line(result, cites, words)
    lacking = ", ".join(c.label for c in result.missing)
    return f"{line} ({words.lacks}: {lacking})"


def compose_set_answer(
    result: QueryResult,
    language: str,
    files: Mapping[str, CvFile],
    *,
    count_first: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    """A list or count answer, and its numbered sources."""
    words = WORDS.get(language, WORDS["en"])
    profiles = {r.profile.cv_id: r.profile for r in (*result.matches, *result.near_misses)}
    cites = _Citations(profiles, files)
    conds = ", ".join(c.label for c in result.conditions)
    lines: list[str] = []
    n = result.total
    if n == 0:
        lines.append(words.none.format(conds=conds) if conds else words.none_any)
        if result.near_misses:
            lines += ["", words.misses, ""]
            lines.extend(_miss_line(r, cites, words) for r in result.near_misses)
        return "\n".join(lines), cites.sources
    if count_first:
        head = words.count_one if n == 1 else words.count_many
    else:
        head = words.matches_one if n == 1 else words.matches_many
    # Markdown: the list is its own block, so the heading and the notes stay paragraphs.
    lines += [head.format(n=n, conds=conds), ""]
    text = result.query.text.strip()
    lines.extend(_candidate_line(r, cites, words, text) for r in result.matches[:SHOWN])
    if n > SHOWN:
        lines += ["", words.more.format(n=n - SHOWN)]
    if text and any(r.score for r in result.matches):
        lines += ["", f"_{words.ranked.format(text=text)}_"]
    return "\n".join(lines), cites.sources


def compose_profiles(
    result: QueryResult, language: str, files: Mapping[str, CvFile]
) -> tuple[str, list[dict[str, Any]]]:
    """A describe or compare answer: each named candidate's profile, every fact cited."""
    words = WORDS.get(language, WORDS["en"])
    profiles = {r.profile.cv_id: r.profile for r in result.matches}
    cites = _Citations(profiles, files)
    if not result.matches:
        return words.unknown_name.format(names=" / ".join(result.query.names)), []
    blocks: list[str] = []
    for r in result.matches[:4]:
        p = r.profile
        f = words.fields
        rows: list[str] = [words.profile_of.format(name=f"**{p.display_name}**")]

        def cited(ev: Evidence, cv_id: str = p.cv_id) -> str:
            return f"[{cites.cite(cv_id, ev)}]"

        if p.headline:
            rows.append(f"- {f['headline']}: {p.headline.value} {cited(p.headline.evidence)}")
        if p.location:
            place = ", ".join(x for x in (p.location.city, p.location.country) if x)
            rows.append(f"- {f['location']}: {place} {cited(p.location.evidence)}")
        if p.languages:
            langs = "; ".join(
                f"{lang.name} ({lang.level or words.level_unknown}) {cited(lang.evidence)}"
                for lang in p.languages
            )
            rows.append(f"- {f['languages']}: {langs}")
        if p.experience:
            years = f["years"].format(y=p.experience.years)
            rows.append(f"- {f['experience']}: {years} {cited(p.experience.evidence)}")
        if p.jobs:
            jobs = "; ".join(
                f"{j.title + ', ' if j.title else ''}{j.employer} "
                f"({j.start or '?'}–{'' if j.current else (j.end or '?')}) {cited(j.evidence)}"
                for j in p.jobs[:5]
            )
            rows.append(f"- {f['employers']}: {jobs}")
        if p.education:
            edu = "; ".join(f"{e.degree} {cited(e.evidence)}" for e in p.education[:3])
            rows.append(f"- {f['education']}: {edu}")
        if p.skills:
            rows.append(f"- {f['skills']}: " + ", ".join(s.name for s in p.skills[:15]))
        if p.certifications:
            certs = "; ".join(f"{c.name} {cited(c.evidence)}" for c in p.certifications[:4])
            rows.append(f"- {f['certifications']}: {certs}")
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks), cites.sources


def candidate_payload(result: CandidateResult, files: Mapping[str, CvFile]) -> dict[str, Any]:
    """One candidate in ``final.candidates`` and the API: every condition with its evidence."""
    p = result.profile
    doc = files.get(p.cv_id, CvFile(file=""))
    return {
        "cv_id": p.cv_id,
        "name": p.display_name,
        "headline": p.headline.value if p.headline else doc.headline,
        "location": (
            ", ".join(x for x in (p.location.city, p.location.country) if x) if p.location else None
        ),
        "languages": [{"code": lang.code, "level": lang.level} for lang in p.languages],
        "years": p.experience.years if p.experience else None,
        "file": doc.file,
        "matched": result.matched,
        "score": round(result.score, 6),
        "relevance": (
            {
                "page": result.relevance.page,
                "snippet": result.relevance.snippet,
                "url": pdf_url(p.cv_id, result.relevance.page),
            }
            if result.relevance
            else None
        ),
        "conditions": [
            {
                "key": c.condition.key,
                "label": c.condition.label,
                "met": c.met,
                "value": c.value,
                "evidence": [
                    {"page": e.page, "snippet": e.snippet, "url": pdf_url(p.cv_id, e.page)}
                    for e in c.evidence
                ],
            }
            for c in result.checks
        ],
    }
