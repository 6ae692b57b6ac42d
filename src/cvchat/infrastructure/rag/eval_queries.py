"""A labelled query set built from the corpus's ground truth (``cv.json`` beside each PDF).

Each query states facts of one CV — a skill, an employer, a job title, a spoken language and
level, a city, a school, years of experience, or two of these together — and its relevant set
is every CV whose ground truth satisfies all of them (computed over the whole corpus, not just
the CV it came from). Queries whose answer is larger than ``max_relevant`` CVs are dropped: they
cannot tell a good ranking from a lucky one at k = 5. Every query is phrased in the CV's own
language and in English.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvchat.infrastructure.rag.text_analysis import fold

Facts = dict[str, Any]


@dataclass(frozen=True)
class EvalQuery:
    qid: str
    text: str
    language: str  # the phrasing's language
    kind: str
    source_cv: str
    relevant: frozenset[str]


_TEMPLATES: dict[str, dict[str, str]] = {
    "skill": {
        "en": "Who has experience with {skill}?",
        "es": "¿Quién tiene experiencia con {skill}?",
        "fr": "Qui a de l'expérience avec {skill} ?",
        "de": "Wer hat Erfahrung mit {skill}?",
    },
    "employer": {
        "en": "Which candidates have worked at {company}?",
        "es": "¿Qué candidatos han trabajado en {company}?",
        "fr": "Quels candidats ont travaillé chez {company} ?",
        "de": "Wer hat bei {company} gearbeitet?",
    },
    "title": {
        "en": "Who has worked as {title}?",
        "es": "¿Quién ha trabajado como {title}?",
        "fr": "Qui a travaillé comme {title} ?",
        "de": "Wer hat als {title} gearbeitet?",
    },
    "language": {
        "en": "Who speaks {lang} at level {level}?",
        "es": "¿Quién habla {lang} con nivel {level}?",
        "fr": "Qui parle {lang} avec un niveau {level} ?",
        "de": "Wer spricht {lang} auf Niveau {level}?",
    },
    "location": {
        "en": "Candidates based in {city}",
        "es": "Candidatos que viven en {city}",
        "fr": "Candidats basés à {city}",
        "de": "Kandidaten mit Wohnort {city}",
    },
    "education": {
        "en": "Who studied {field} at {school}?",
        "es": "¿Quién estudió {field} en {school}?",
        "fr": "Qui a étudié {field} à {school} ?",
        "de": "Wer hat {field} an {school} studiert?",
    },
    "years": {
        "en": "{title} with at least {years} years of experience",
        "es": "{title} con al menos {years} años de experiencia",
        "fr": "{title} avec au moins {years} ans d'expérience",
        "de": "{title} mit mindestens {years} Jahren Berufserfahrung",
    },
    "skill+language": {
        "en": "Who knows {skill} and speaks {lang}?",
        "es": "¿Quién sabe {skill} y habla {lang}?",
        "fr": "Qui maîtrise {skill} et parle {lang} ?",
        "de": "Wer kann {skill} und spricht {lang}?",
    },
    "skill+skill": {
        "en": "Who has worked with both {skill} and {skill2}?",
        "es": "¿Quién ha trabajado con {skill} y con {skill2}?",
        "fr": "Qui a travaillé avec {skill} et {skill2} ?",
        "de": "Wer hat mit {skill} und {skill2} gearbeitet?",
    },
    "skill+location": {
        "en": "{skill} specialists based in {city}",
        "es": "Especialistas en {skill} que viven en {city}",
        "fr": "Spécialistes {skill} basés à {city}",
        "de": "{skill}-Fachleute mit Wohnort {city}",
    },
}

_LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "en": "English",
        "es": "Spanish",
        "fr": "French",
        "de": "German",
        "it": "Italian",
        "pt": "Portuguese",
        "nl": "Dutch",
        "ca": "Catalan",
        "ar": "Arabic",
        "zh": "Chinese",
    },
    "es": {
        "en": "inglés",
        "es": "español",
        "fr": "francés",
        "de": "alemán",
        "it": "italiano",
        "pt": "portugués",
        "nl": "neerlandés",
        "ca": "catalán",
        "ar": "árabe",
        "zh": "chino",
    },
    "fr": {
        "en": "anglais",
        "es": "espagnol",
        "fr": "français",
        "de": "allemand",
        "it": "italien",
        "pt": "portugais",
        "nl": "néerlandais",
        "ca": "catalan",
        "ar": "arabe",
        "zh": "chinois",
    },
    "de": {
        "en": "Englisch",
        "es": "Spanisch",
        "fr": "Französisch",
        "de": "Deutsch",
        "it": "Italienisch",
        "pt": "Portugiesisch",
        "nl": "Niederländisch",
        "ca": "Katalanisch",
        "ar": "Arabisch",
        "zh": "Chinesisch",
    },
}
_NATIVE = {"en": "native", "es": "nativo", "fr": "langue maternelle", "de": "Muttersprache"}


def _key(text: str) -> str:
    return " ".join(fold(text).split())


@dataclass(frozen=True)
class _Cv:
    cv_id: str
    language: str
    skills: frozenset[str]
    companies: frozenset[str]
    titles: frozenset[str]
    spoken: frozenset[tuple[str, str]]  # (code, level)
    city: str
    schools: frozenset[tuple[str, str]]  # (field, institution)
    years: int
    raw: dict[str, Any]


def _month(value: str) -> int:
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def _years(data: dict[str, Any], as_of: str) -> int:
    months: set[int] = set()
    for job in data.get("experience", []):
        if job.get("employment_type") == "internship":
            continue
        end = _month(job["end_date"]) if job.get("end_date") else _month(as_of)
        months.update(range(_month(job["start_date"]), end + 1))
    return len(months) // 12


def load_ground_truth(cvs_dir: Path) -> list[_Cv]:
    cvs = []
    for path in sorted(cvs_dir.glob("*/cv.json")):
        doc = json.loads(path.read_text("utf-8"))
        meta, data = doc["meta"], doc["data"]
        cvs.append(
            _Cv(
                cv_id=path.parent.name,
                language=meta["language"],
                skills=frozenset(_key(s) for s in data.get("skills", [])),
                companies=frozenset(_key(j["company"]) for j in data.get("experience", [])),
                titles=frozenset(_key(j["title"]) for j in data.get("experience", [])),
                spoken=frozenset((lang["code"], lang["level"]) for lang in data["languages"]),
                city=_key(data.get("location", {}).get("city", "")),
                schools=frozenset(
                    (_key(e["field_of_study"]), _key(e["institution"]))
                    for e in data.get("education", [])
                ),
                years=_years(data, meta.get("as_of", "2026-01")),
                raw=data,
            )
        )
    return cvs


def _level(level: str, language: str) -> str:
    return _NATIVE[language] if level == "native" else level


Requirement = tuple[str, Any]  # (what, value): ("skill", "python"), ("spoken", ("de", "C1"))


def _satisfies(cv: _Cv, requirement: Requirement) -> bool:
    what, value = requirement
    if what == "speaks":
        return any(code == value for code, _ in cv.spoken)
    if what == "years_as":
        title, years = value
        return title in cv.titles and cv.years >= years
    field = {
        "skill": cv.skills,
        "company": cv.companies,
        "title": cv.titles,
        "spoken": cv.spoken,
        "school": cv.schools,
        "city": {cv.city},
    }[what]
    return value in field


def _candidates(cv: _Cv) -> Iterable[tuple[str, Facts, tuple[Requirement, ...]]]:
    """(kind, template fields, requirements) for each fact or pair of facts of one CV."""
    data = cv.raw
    skills = list(data.get("skills", []))
    city = data.get("location", {}).get("city", "")
    for skill in skills:
        yield "skill", {"skill": skill}, (("skill", _key(skill)),)
    for job in data.get("experience", []):
        yield "employer", {"company": job["company"]}, (("company", _key(job["company"])),)
        yield "title", {"title": job["title"]}, (("title", _key(job["title"])),)
    for lang in data["languages"]:
        facts = {"code": lang["code"], "level": lang["level"]}
        yield "language", facts, (("spoken", (lang["code"], lang["level"])),)
    if cv.city:
        yield "location", {"city": city}, (("city", cv.city),)
    for school in data.get("education", []):
        facts = {"field": school["field_of_study"], "school": school["institution"]}
        pair = (_key(school["field_of_study"]), _key(school["institution"]))
        yield "education", facts, (("school", pair),)
    if data.get("experience") and cv.years >= 2:
        latest = data["experience"][0]["title"]
        yield (
            "years",
            {"title": latest, "years": cv.years},
            (("years_as", (_key(latest), cv.years)),),
        )
    foreign = [lang for lang in data["languages"] if lang["code"] != cv.language]
    for i, skill in enumerate(skills[:6]):
        has_skill = ("skill", _key(skill))
        for lang in foreign[:2]:
            facts = {"skill": skill, "code": lang["code"], "level": lang["level"]}
            yield "skill+language", facts, (has_skill, ("speaks", lang["code"]))
        for skill2 in skills[i + 1 : 6]:
            facts = {"skill": skill, "skill2": skill2}
            yield "skill+skill", facts, (has_skill, ("skill", _key(skill2)))
        if cv.city:
            yield "skill+location", {"skill": skill, "city": city}, (has_skill, ("city", cv.city))


def _phrase(kind: str, facts: Facts, language: str) -> str:
    fields = dict(facts)
    if "code" in facts:
        fields["lang"] = _LANGUAGE_NAMES[language].get(facts["code"], facts["code"])
        fields["level"] = _level(facts["level"], language)
    return _TEMPLATES[kind][language].format(**fields)


def build_queries(
    cvs: list[_Cv], *, seed: int, max_queries: int, max_relevant: int = 3
) -> list[EvalQuery]:
    """A reproducible sample, balanced over kinds, of queries with 1..max_relevant answers."""
    rng = random.Random(seed)
    pools: dict[str, list[tuple[_Cv, Facts, frozenset[str]]]] = {}
    seen: set[tuple[str, str]] = set()
    for cv in cvs:
        for kind, facts, requirements in _candidates(cv):
            relevant = frozenset(
                c.cv_id for c in cvs if all(_satisfies(c, r) for r in requirements)
            )
            signature = (kind, json.dumps(facts, sort_keys=True, ensure_ascii=False))
            if not 1 <= len(relevant) <= max_relevant or signature in seen:
                continue
            seen.add(signature)
            pools.setdefault(kind, []).append((cv, facts, relevant))
    for pool in pools.values():
        rng.shuffle(pool)
    per_kind = max(1, max_queries // max(2 * len(pools), 1))  # two phrasings per fact
    queries: list[EvalQuery] = []
    for kind in sorted(pools):
        for cv, facts, relevant in pools[kind][:per_kind]:
            for language in dict.fromkeys((cv.language, "en")):
                queries.append(
                    EvalQuery(
                        qid=f"q{len(queries):04d}",
                        text=_phrase(kind, facts, language),
                        language=language,
                        kind=kind,
                        source_cv=cv.cv_id,
                        relevant=relevant,
                    )
                )
    return queries[:max_queries]
