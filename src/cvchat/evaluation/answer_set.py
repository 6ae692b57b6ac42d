"""Set questions ("who / how many") with exact expected answers, and their scorer.

Ground truth is one ``GroundTruth`` per CV: the hand-written labels of the independent corpus
(``tests/corpora/independent/labels.json``, see its README) or the generator's ``cv.json``
files. ``generate_questions`` turns the truth into questions in English, Spanish, French and
German whose expected candidate sets are computed from the truth alone — never from an
extractor — by ``expected_for``. ``score`` asks a caller-supplied ``answer`` function each
question and reports precision, recall, F1, exact-set rate and count accuracy per kind.

Matching rules (the same for every question):

- language "speaks X": any level, including a language listed without a level;
  "at L or above": a stated level ranked A1 < A2 < B1 < B2 < C1 < C2 < native;
- location: the place equals the candidate's city or country, case- and accent-insensitively,
  with the usual exonyms folded together (München = Munich, Deutschland = Germany);
- employer: exact match of the folded company name; certification likewise;
- degree: the highest degree is at least the asked level (bachelor < master < phd);
- years: total professional years >= N (thresholds within 0.15 of someone's years are not
  asked, so rounding never decides an answer).

Pure Python and pydantic: no web or database imports. WeasyPrint and the scanner are
imported only by ``render_corpus``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cvchat.cvgen.schema import CvDocument
from cvchat.domain.vocabulary import (
    DEGREE_LEVELS,
    DEGREE_WORDS,
    SKILL_BY_ALIAS,
    SKILLS,
    DegreeLevel,
    Level,
    fold,
    level_rank,
)

QuestionLanguage = Literal["en", "es", "fr", "de"]
QUESTION_LANGUAGES: tuple[QuestionLanguage, ...] = ("en", "es", "fr", "de")
QuestionKind = Literal[
    "skill_language",
    "language",
    "language_level",
    "location",
    "employer",
    "years",
    "degree",
    "certification",
    "count",
    "empty",
    "follow_up",
]
KINDS: tuple[QuestionKind, ...] = (
    "skill_language",
    "language",
    "language_level",
    "location",
    "employer",
    "years",
    "degree",
    "certification",
    "count",
    "empty",
    "follow_up",
)

YearMonth = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- ground truth ----------------------------------------------------------------------------


class GroundTruth(_Model):
    """What one CV says, as a person reading it would record it."""

    cv_id: str
    name: str
    city: str | None = None
    country: str | None = Field(default=None, description="in English for hand labels")
    as_of: YearMonth = Field(description="month the CV was written; current jobs run to it")
    languages: dict[str, Level | None] = Field(
        description="ISO 639-1 code -> CEFR level or 'native'; None when no level is given"
    )
    skills: list[str] = Field(description="canonical names (vocabulary.SKILLS keys)")
    employers: list[str]
    years: float = Field(ge=0, description="professional years, internships excluded")
    degree: DegreeLevel | None = None
    certifications: list[str] = Field(default_factory=list)
    notes: str = ""

    @field_validator("skills")
    @classmethod
    def _canonical_skills(cls, skills: list[str]) -> list[str]:
        unknown = [s for s in skills if s not in SKILLS]
        if unknown:
            raise ValueError(f"not canonical skill names: {unknown}")
        if len(set(skills)) != len(skills):
            raise ValueError("a skill is listed twice")
        return skills

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, languages: dict[str, Level | None]) -> dict[str, Level | None]:
        bad = [code for code in languages if not re.fullmatch(r"[a-z]{2}", code)]
        if bad:
            raise ValueError(f"not ISO 639-1 codes: {bad}")
        return languages


def load_independent(path: Path) -> list[GroundTruth]:
    """The hand labels: ``labels.json`` (or the folder holding it), sorted by cv_id."""
    file = path / "labels.json" if path.is_dir() else path
    raw: dict[str, dict[str, object]] = json.loads(file.read_text(encoding="utf-8"))
    return [GroundTruth.model_validate({"cv_id": cv_id, **raw[cv_id]}) for cv_id in sorted(raw)]


def degree_level(text: str) -> DegreeLevel | None:
    """The level a degree's name states ("MSc in Physics" -> master), by vocabulary words."""
    folded = fold(text)
    best: DegreeLevel | None = None
    for phrase, level in DEGREE_WORDS.items():
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded) and (
            best is None or DEGREE_LEVELS.index(level) > DEGREE_LEVELS.index(best)
        ):
            best = level
    return best


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def truth_from_document(document: CvDocument) -> GroundTruth:
    """Ground truth of a generated CV, read from its validated ``cv.json``."""
    data, meta = document.data, document.meta
    named = [*data.skills, *(t for project in data.projects for t in project.technologies)]
    # A tool the CV's prose says the candidate worked with is claimed too: "alerts with
    # Prometheus" (the generator writes such bullets). Only the canonical name, as written.
    prose = " ".join(
        [
            *(b for job in data.experience for b in job.bullets),
            *(job.paragraph or "" for job in data.experience),
            *(project.description for project in data.projects),
        ]
    )
    named += [name for name in SKILLS if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", prose)]
    skills = _unique(SKILL_BY_ALIAS[fold(name)] for name in named if fold(name) in SKILL_BY_ALIAS)
    levels = [degree_level(f"{school.degree}") for school in data.education]
    known = [level for level in levels if level is not None]
    return GroundTruth(
        cv_id=meta.cv_id,
        name=data.full_name,
        city=data.location.city,
        country=data.location.country,
        as_of=meta.as_of,
        languages={spoken.code: spoken.level for spoken in data.languages},
        skills=skills,
        employers=_unique(job.company for job in data.experience),
        years=round(data.experience_years(meta.as_of), 1),
        degree=max(known, key=DEGREE_LEVELS.index) if known else None,
        certifications=_unique(cert.name for cert in data.certifications),
    )


def load_generated(cvs_dir: Path) -> list[GroundTruth]:
    """Ground truth of a generated corpus: every ``<cvs_dir>/<cv_id>/cv.json``, by cv_id."""
    documents = [
        CvDocument.model_validate_json(path.read_text(encoding="utf-8"))
        for path in sorted(cvs_dir.glob("*/cv.json"))
    ]
    return sorted((truth_from_document(d) for d in documents), key=lambda t: t.cv_id)


def render_corpus(src: Path, dest: Path) -> None:
    """Make ``<dest>/<id>/cv.pdf`` or ``cv.docx`` of every CV in ``<src>`` (an indexable corpus).

    ``<id>/cv.html`` is rendered to PDF, carrying the CV's date from
    ``<meta name="dcterms.created">``; with a ``scan.json`` beside it, that PDF is printed and
    scanned (``scans.scan_pdf``): pages of pixels, no text layer. ``<id>/cv.docx`` is taken as
    it is. No ``cv.json`` is written: the indexer must read these CVs as it reads any upload.
    """
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow import; only here

    from cvchat.evaluation.scans import ScanSettings, scan_pdf

    for docx in sorted(src.glob("*/cv.docx")):
        target = dest / docx.parent.name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(docx, target / "cv.docx")
    for html in sorted(src.glob("*/cv.html")):
        target = dest / html.parent.name
        target.mkdir(parents=True, exist_ok=True)
        scan = html.with_name("scan.json")
        if not scan.is_file():
            HTML(filename=str(html)).write_pdf(target / "cv.pdf")
            continue
        settings = ScanSettings.model_validate_json(scan.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            printed = Path(tmp) / "printed.pdf"
            HTML(filename=str(html)).write_pdf(printed)
            created = _created(html.read_text(encoding="utf-8"))
            scan_pdf(printed, target / "cv.pdf", settings, seed=html.parent.name, created=created)


_CREATED = re.compile(r'<meta\s+name="dcterms\.created"\s+content="(\d{4}-\d{2}-\d{2})"')


def _created(html: str) -> datetime:
    found = _CREATED.search(html)
    return datetime.fromisoformat(found.group(1)) if found else datetime(2026, 1, 1)


# -- places and names in four languages -------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    names: dict[QuestionLanguage, str]  # how a question in that language names the place
    locative: dict[QuestionLanguage, str]  # "in Germany", "en Alemania", "en Allemagne", ...
    aliases: tuple[str, ...] = ()  # other spellings CVs use


def _country(en: str, es: str, fr: str, de: str, where: tuple[str, str, str, str]) -> _Place:
    return _Place(
        names={"en": en, "es": es, "fr": fr, "de": de},
        locative=dict(zip(QUESTION_LANGUAGES, where, strict=True)),
    )


_COUNTRIES: tuple[_Place, ...] = (
    _country(
        "Germany",
        "Alemania",
        "Allemagne",
        "Deutschland",
        ("in Germany", "en Alemania", "en Allemagne", "in Deutschland"),
    ),
    _country(
        "Spain",
        "España",
        "Espagne",
        "Spanien",
        ("in Spain", "en España", "en Espagne", "in Spanien"),
    ),
    _country(
        "France",
        "Francia",
        "France",
        "Frankreich",
        ("in France", "en Francia", "en France", "in Frankreich"),
    ),
    _Place(
        names={
            "en": "United Kingdom",
            "es": "Reino Unido",
            "fr": "Royaume-Uni",
            "de": "Vereinigtes Königreich",
        },
        locative={
            "en": "in the United Kingdom",
            "es": "en el Reino Unido",
            "fr": "au Royaume-Uni",
            "de": "im Vereinigten Königreich",
        },
        aliases=("UK", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    ),
    _Place(
        names={
            "en": "United States",
            "es": "Estados Unidos",
            "fr": "États-Unis",
            "de": "Vereinigte Staaten",
        },
        locative={
            "en": "in the United States",
            "es": "en Estados Unidos",
            "fr": "aux États-Unis",
            "de": "in den USA",
        },
        aliases=("USA", "US", "United States of America", "EE. UU.", "EEUU"),
    ),
    _country(
        "Canada", "Canadá", "Canada", "Kanada", ("in Canada", "en Canadá", "au Canada", "in Kanada")
    ),
    _country(
        "Ireland",
        "Irlanda",
        "Irlande",
        "Irland",
        ("in Ireland", "en Irlanda", "en Irlande", "in Irland"),
    ),
    _Place(
        names={"en": "Netherlands", "es": "Países Bajos", "fr": "Pays-Bas", "de": "Niederlande"},
        locative={
            "en": "in the Netherlands",
            "es": "en los Países Bajos",
            "fr": "aux Pays-Bas",
            "de": "in den Niederlanden",
        },
        aliases=("The Netherlands", "Holland", "Nederland"),
    ),
    _country(
        "Portugal",
        "Portugal",
        "Portugal",
        "Portugal",
        ("in Portugal", "en Portugal", "au Portugal", "in Portugal"),
    ),
    _country(
        "Austria",
        "Austria",
        "Autriche",
        "Österreich",
        ("in Austria", "en Austria", "en Autriche", "in Österreich"),
    ),
    _country(
        "Mexico",
        "México",
        "Mexique",
        "Mexiko",
        ("in Mexico", "en México", "au Mexique", "in Mexiko"),
    ),
    _country(
        "Italy", "Italia", "Italie", "Italien", ("in Italy", "en Italia", "en Italie", "in Italien")
    ),
    _country(
        "Poland",
        "Polonia",
        "Pologne",
        "Polen",
        ("in Poland", "en Polonia", "en Pologne", "in Polen"),
    ),
    _country(
        "Australia",
        "Australia",
        "Australie",
        "Australien",
        ("in Australia", "en Australia", "en Australie", "in Australien"),
    ),
    _country(
        "New Zealand",
        "Nueva Zelanda",
        "Nouvelle-Zélande",
        "Neuseeland",
        ("in New Zealand", "en Nueva Zelanda", "en Nouvelle-Zélande", "in Neuseeland"),
    ),
    _Place(
        names={"en": "Switzerland", "es": "Suiza", "fr": "Suisse", "de": "Schweiz"},
        locative={
            "en": "in Switzerland",
            "es": "en Suiza",
            "fr": "en Suisse",
            "de": "in der Schweiz",
        },
    ),
)


def _city(en: str, es: str, fr: str, de: str, *aliases: str) -> _Place:
    names: dict[QuestionLanguage, str] = {"en": en, "es": es, "fr": fr, "de": de}
    return _Place(
        names=names,
        locative={"en": f"in {en}", "es": f"en {es}", "fr": f"à {fr}", "de": f"in {de}"},
        aliases=aliases,
    )


_CITIES: tuple[_Place, ...] = (
    _city("Munich", "Múnich", "Munich", "München"),
    _city("Cologne", "Colonia", "Cologne", "Köln"),
    _city("Vienna", "Viena", "Vienne", "Wien"),
    _city("Lisbon", "Lisboa", "Lisbonne", "Lissabon"),
    _city("Seville", "Sevilla", "Séville", "Sevilla"),
    _city("Montreal", "Montreal", "Montréal", "Montreal"),
    _city("Mexico City", "Ciudad de México", "Mexico", "Mexiko-Stadt", "CDMX"),
    _city("London", "Londres", "Londres", "London"),
    _city("Edinburgh", "Edimburgo", "Édimbourg", "Edinburgh"),
    _city("Turin", "Turín", "Turin", "Turin", "Torino"),
    _city("Milan", "Milán", "Milan", "Mailand", "Milano"),
    _city("Nuremberg", "Núremberg", "Nuremberg", "Nürnberg"),
    _city("Zurich", "Zúrich", "Zurich", "Zürich"),
    _city("Geneva", "Ginebra", "Genève", "Genf"),
    _city("Brussels", "Bruselas", "Bruxelles", "Brüssel"),
    _city("Frankfurt", "Fráncfort", "Francfort", "Frankfurt", "Frankfurt am Main"),
)


def _alias_table(places: Sequence[_Place]) -> dict[str, _Place]:
    return {
        fold(name): place for place in places for name in (*place.names.values(), *place.aliases)
    }


_COUNTRY_BY_NAME = _alias_table(_COUNTRIES)
# A city named like a country (French "Mexico" is Mexico City) leaves the name to the country:
# the labels name countries in English.
_CITY_BY_NAME = {k: v for k, v in _alias_table(_CITIES).items() if k not in _COUNTRY_BY_NAME}


def _place_key(name: str) -> str:
    """One folded form per place: its English name when the tables know it."""
    folded = fold(name).strip()
    place = _CITY_BY_NAME.get(folded) or _COUNTRY_BY_NAME.get(folded)
    return fold(place.names["en"]) if place else folded


def located_in(truth: GroundTruth, place: str) -> bool:
    """The candidate lives in ``place``: it names their city or their country."""
    key = _place_key(place)
    return any(value and _place_key(value) == key for value in (truth.city, truth.country))


def _place_phrase(place: str, language: QuestionLanguage) -> str:
    folded = fold(place).strip()
    known = _CITY_BY_NAME.get(folded) or _COUNTRY_BY_NAME.get(folded)
    if known is not None:
        return known.locative[language]
    preposition = {"en": "in", "es": "en", "fr": "à", "de": "in"}[language]
    return f"{preposition} {place}"


# Language names as questions write them (lower case where the language does).
_LANGUAGE_WORDS: dict[str, tuple[str, str, str, str]] = {
    "en": ("English", "inglés", "anglais", "Englisch"),
    "es": ("Spanish", "español", "espagnol", "Spanisch"),
    "fr": ("French", "francés", "français", "Französisch"),
    "de": ("German", "alemán", "allemand", "Deutsch"),
    "it": ("Italian", "italiano", "italien", "Italienisch"),
    "pt": ("Portuguese", "portugués", "portugais", "Portugiesisch"),
    "nl": ("Dutch", "neerlandés", "néerlandais", "Niederländisch"),
    "ca": ("Catalan", "catalán", "catalan", "Katalanisch"),
    "ar": ("Arabic", "árabe", "arabe", "Arabisch"),
    "zh": ("Chinese", "chino", "chinois", "Chinesisch"),
    "ja": ("Japanese", "japonés", "japonais", "Japanisch"),
    "ru": ("Russian", "ruso", "russe", "Russisch"),
    "pl": ("Polish", "polaco", "polonais", "Polnisch"),
    "tr": ("Turkish", "turco", "turc", "Türkisch"),
    "sv": ("Swedish", "sueco", "suédois", "Schwedisch"),
    "ko": ("Korean", "coreano", "coréen", "Koreanisch"),
    "el": ("Greek", "griego", "grec", "Griechisch"),
    "ro": ("Romanian", "rumano", "roumain", "Rumänisch"),
    "uk": ("Ukrainian", "ucraniano", "ukrainien", "Ukrainisch"),
}


def _language_word(code: str, language: QuestionLanguage) -> str:
    return _LANGUAGE_WORDS[code][QUESTION_LANGUAGES.index(language)]


# Methods that people name in their own language (es, fr, de); tools keep their names.
_SKILL_WORDS: dict[str, tuple[str, str, str]] = {
    "Machine Learning": ("aprendizaje automático", "apprentissage automatique", "Machine Learning"),
    "Deep Learning": ("Deep Learning", "apprentissage profond", "Deep Learning"),
    "Statistics": ("estadística", "statistiques", "Statistik"),
    "Data analysis": ("análisis de datos", "analyse de données", "Datenanalyse"),
    "User research": ("investigación de usuarios", "recherche utilisateur", "Nutzerforschung"),
    "Unit testing": ("pruebas unitarias", "tests unitaires", "Unit-Tests"),
    "Usability testing": ("pruebas de usabilidad", "tests utilisateurs", "Usability-Tests"),
    "Prototyping": ("prototipado", "prototypage", "Prototyping"),
    "Accessibility (WCAG)": (
        "accesibilidad (WCAG)",
        "accessibilité (WCAG)",
        "Barrierefreiheit (WCAG)",
    ),
    "Microservices": ("microservicios", "microservices", "Microservices"),
    "Time series forecasting": (
        "previsión de series temporales",
        "prévision de séries temporelles",
        "Zeitreihenprognosen",
    ),
    "Stakeholder management": (
        "gestión de stakeholders",
        "gestion des parties prenantes",
        "Stakeholder-Management",
    ),
    "Agile": ("metodologías ágiles", "méthodes agiles", "agile Methoden"),
    "Interaction design": ("diseño de interacción", "design d'interaction", "Interaktionsdesign"),
    "Information architecture": (
        "arquitectura de la información",
        "architecture de l'information",
        "Informationsarchitektur",
    ),
    "Pricing": ("fijación de precios", "tarification", "Preisgestaltung"),
    "REST APIs": ("APIs REST", "API REST", "REST-APIs"),
    "A/B testing": ("tests A/B", "tests A/B", "A/B-Tests"),
}


def _skill_word(skill: str, language: QuestionLanguage) -> str:
    words = _SKILL_WORDS.get(skill)
    return (
        skill
        if words is None or language == "en"
        else words[QUESTION_LANGUAGES.index(language) - 1]
    )


# -- filters and expected sets ------------------------------------------------------------------


class Filters(_Model):
    """The conjunction a question asks for; ``expected_for`` applies it to the truth."""

    skill: str | None = None
    language: str | None = None
    min_level: Level | None = None
    place: str | None = None
    employer: str | None = None
    min_years: float | None = None
    degree: DegreeLevel | None = None
    certification: str | None = None

    def merged(self, other: Filters) -> Filters:
        """Both sets of conditions (a follow-up narrows the previous question)."""
        mine = self.model_dump(exclude_none=True)
        theirs = other.model_dump(exclude_none=True)
        clash = {k for k in mine.keys() & theirs.keys() if mine[k] != theirs[k]}
        if clash:
            raise ValueError(f"follow-up changes {sorted(clash)}")
        return Filters(**mine, **{k: v for k, v in theirs.items() if k not in mine})


def matches(truth: GroundTruth, filters: Filters) -> bool:
    """Whether one candidate satisfies every condition of ``filters``."""
    if filters.skill is not None and filters.skill not in truth.skills:
        return False
    if filters.language is not None:
        if filters.language not in truth.languages:
            return False
        level = truth.languages[filters.language]
        if filters.min_level is not None and (
            level is None or level_rank(level) < level_rank(filters.min_level)
        ):
            return False
    if filters.place is not None and not located_in(truth, filters.place):
        return False
    if filters.employer is not None and fold(filters.employer) not in {
        fold(e) for e in truth.employers
    }:
        return False
    if filters.min_years is not None and truth.years < filters.min_years:
        return False
    if filters.degree is not None and (
        truth.degree is None
        or DEGREE_LEVELS.index(truth.degree) < DEGREE_LEVELS.index(filters.degree)
    ):
        return False
    return filters.certification is None or fold(filters.certification) in {
        fold(c) for c in truth.certifications
    }


def expected_for(truth: Sequence[GroundTruth], filters: Filters) -> list[str]:
    """The sorted cv_ids of every candidate that satisfies ``filters``."""
    return sorted(t.cv_id for t in truth if matches(t, filters))


# -- questions ---------------------------------------------------------------------------------


class SetQuestion(_Model):
    """A question whose answer is an exact set of CVs (and, for counts, its size)."""

    id: str
    kind: QuestionKind
    question: str
    history: list[str] = Field(default_factory=list, description="earlier questions, in order")
    expected: list[str] = Field(description="sorted cv_ids")
    expected_count: int | None = Field(default=None, description="set for count questions")
    language: QuestionLanguage
    filters: Filters = Field(
        default_factory=Filters, description="what the question (with its history) asks for"
    )


_T: dict[str, tuple[str, str, str, str]] = {
    "language": (
        "Who speaks {lang}?",
        "¿Quién habla {lang}?",
        "Qui parle {lang} ?",
        "Wer spricht {lang}?",
    ),
    "language_level": (
        "Who speaks {lang} at {level} level or above?",
        "¿Quién habla {lang} con un nivel {level} o superior?",
        "Qui parle {lang} avec un niveau {level} ou plus ?",
        "Wer spricht {lang} mindestens auf Niveau {level}?",
    ),
    "language_native": (
        "Who is a native {lang} speaker?",
        "¿Quién tiene el {lang} como lengua materna?",
        "Qui a {le_lang} comme langue maternelle ?",
        "Wer hat {lang} als Muttersprache?",
    ),
    "skill": (
        "Who has experience with {skill}?",
        "¿Quién tiene experiencia con {skill}?",
        "Qui a de l'expérience en {skill} ?",
        "Wer hat Erfahrung mit {skill}?",
    ),
    "skill_language": (
        "Who speaks {lang} and has experience with {skill}?",
        "¿Quién habla {lang} y tiene experiencia con {skill}?",
        "Qui parle {lang} et a de l'expérience en {skill} ?",
        "Wer spricht {lang} und hat Erfahrung mit {skill}?",
    ),
    "skill_place": (
        "Who lives {where} and has experience with {skill}?",
        "¿Quién vive {where} y tiene experiencia con {skill}?",
        "Qui habite {where} et a de l'expérience en {skill} ?",
        "Wer wohnt {where} und hat Erfahrung mit {skill}?",
    ),
    "location": (
        "Who lives {where}?",
        "¿Quién vive {where}?",
        "Qui habite {where} ?",
        "Wer wohnt {where}?",
    ),
    "employer": (
        "Who has worked at {employer}?",
        "¿Quién ha trabajado en {employer}?",
        "Qui a travaillé chez {employer} ?",
        "Wer hat bei {employer} gearbeitet?",
    ),
    "years": (
        "Who has at least {n} years of professional experience?",
        "¿Quién tiene al menos {n} años de experiencia profesional?",
        "Qui a au moins {n} ans d'expérience professionnelle ?",
        "Wer hat mindestens {n} Jahre Berufserfahrung?",
    ),
    "phd": (
        "Who has a PhD?",
        "¿Quién tiene un doctorado?",
        "Qui a un doctorat ?",
        "Wer hat promoviert?",
    ),
    "master": (
        "Who has at least a master's degree?",
        "¿Quién tiene al menos un máster?",
        "Qui a au moins un master ?",
        "Wer hat mindestens einen Masterabschluss?",
    ),
    "bachelor": (
        "Who has a university degree (bachelor's or higher)?",
        "¿Quién tiene un título universitario (grado o superior)?",
        "Qui a un diplôme universitaire (licence ou plus) ?",
        "Wer hat einen Hochschulabschluss (Bachelor oder höher)?",
    ),
    "certification": (
        "Who holds the {cert} certification?",
        "¿Quién tiene la certificación {cert}?",
        "Qui possède la certification {cert} ?",
        "Wer hat die Zertifizierung {cert}?",
    ),
    "count_language": (
        "How many candidates speak {lang}?",
        "¿Cuántos candidatos hablan {lang}?",
        "Combien de candidats parlent {lang} ?",
        "Wie viele Kandidaten sprechen {lang}?",
    ),
    "count_skill": (
        "How many candidates have experience with {skill}?",
        "¿Cuántos candidatos tienen experiencia con {skill}?",
        "Combien de candidats ont de l'expérience en {skill} ?",
        "Wie viele Kandidaten haben Erfahrung mit {skill}?",
    ),
    "count_place": (
        "How many candidates live {where}?",
        "¿Cuántos candidatos viven {where}?",
        "Combien de candidats habitent {where} ?",
        "Wie viele Kandidaten wohnen {where}?",
    ),
    "count_skill_language": (
        "How many candidates have experience with {skill} and speak {lang}?",
        "¿Cuántos candidatos tienen experiencia con {skill} y hablan {lang}?",
        "Combien de candidats ont de l'expérience en {skill} et parlent {lang} ?",
        "Wie viele Kandidaten haben Erfahrung mit {skill} und sprechen {lang}?",
    ),
    "then_language": (
        "And which of them speak {lang}?",
        "¿Y cuáles de ellos hablan {lang}?",
        "Et lesquels parlent {lang} ?",
        "Und wer davon spricht {lang}?",
    ),
    "then_years": (
        "And which of them have at least {n} years of experience?",
        "¿Y cuáles de ellos tienen al menos {n} años de experiencia?",
        "Et lesquels ont au moins {n} ans d'expérience ?",
        "Und wer davon hat mindestens {n} Jahre Berufserfahrung?",
    ),
    "then_place": (
        "And which of them live {where}?",
        "¿Y cuáles de ellos viven {where}?",
        "Et lesquels habitent {where} ?",
        "Und wer davon wohnt {where}?",
    ),
}

_LEVEL_THRESHOLDS: tuple[Level, ...] = ("B1", "B2", "C1", "C2", "native")
_YEAR_THRESHOLDS: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20)
_YEARS_MARGIN = 0.15


def _say(template: str, language: QuestionLanguage, filters: Filters) -> str:
    """A template filled in ``language`` from the values of ``filters``."""
    values: dict[str, str] = {}
    if filters.language is not None:
        values["lang"] = word = _language_word(filters.language, language)
        values["le_lang"] = f"l'{word}" if word[0] in "aeiouéh" else f"le {word}"  # French
    if filters.min_level is not None:
        values["level"] = filters.min_level
    if filters.skill is not None:
        values["skill"] = _skill_word(filters.skill, language)
    if filters.place is not None:
        values["where"] = _place_phrase(filters.place, language)
    if filters.employer is not None:
        values["employer"] = filters.employer
    if filters.min_years is not None:
        values["n"] = f"{filters.min_years:g}"
    if filters.certification is not None:
        values["cert"] = filters.certification
    return _T[template][QUESTION_LANGUAGES.index(language)].format(**values)


@dataclass(frozen=True)
class _Candidate:
    """One question the generator may ask: its template(s), filters and expected set."""

    template: str
    filters: Filters
    expected: tuple[str, ...]
    history: tuple[tuple[str, Filters], ...] = ()  # (template, filters) of earlier questions


class _Universe:
    """The values a truth holds, with the candidates that hold each."""

    def __init__(self, truth: Sequence[GroundTruth]) -> None:
        self.truth = list(truth)
        self.ids = frozenset(t.cv_id for t in truth)
        self.languages = sorted(
            {code for t in truth for code in t.languages if code in _LANGUAGE_WORDS}
        )
        self.skills = sorted({s for t in truth for s in t.skills})
        places: dict[str, str] = {}  # key -> a spelling found in the truth
        # By cv_id, so that the spelling asked about does not depend on the truth's order.
        for t in sorted(truth, key=lambda t: t.cv_id):
            for value in (t.city, t.country):
                if value:
                    places.setdefault(_place_key(value), value)
        self.places = [places[key] for key in sorted(places)]
        employers: dict[str, str] = {}
        for t in sorted(truth, key=lambda t: t.cv_id):
            for employer in t.employers:
                employers.setdefault(fold(employer), employer)
        self.employers = [employers[key] for key in sorted(employers)]
        certifications: dict[str, str] = {}
        for t in truth:
            for name in t.certifications:
                certifications.setdefault(fold(name), name)
        self.certifications = [certifications[key] for key in sorted(certifications)]
        self.years = sorted(
            n for n in _YEAR_THRESHOLDS if not any(abs(t.years - n) < _YEARS_MARGIN for t in truth)
        )

    def expected(self, filters: Filters) -> tuple[str, ...]:
        return tuple(expected_for(self.truth, filters))

    def informative(self, expected: Sequence[str]) -> bool:
        """Neither nobody nor everybody: the filter separates candidates."""
        return 0 < len(expected) < len(self.ids)

    def single(self, template: str, filters: Filters) -> _Candidate | None:
        expected = self.expected(filters)
        return _Candidate(template, filters, expected) if self.informative(expected) else None


def _drop_none(items: Iterable[_Candidate | None]) -> list[_Candidate]:
    return [item for item in items if item is not None]


# Each builder returns groups of candidates; the generator takes from the groups in turn, so
# that one kind mixes its variants (a count of speakers, of skill holders, of residents...).
_Groups = list[list[_Candidate]]


def _language_candidates(u: _Universe) -> _Groups:
    return [_drop_none(u.single("language", Filters(language=code)) for code in u.languages)]


def _level_candidates(u: _Universe) -> _Groups:
    return [
        _drop_none(
            u.single(
                "language_native" if level == "native" else "language_level",
                Filters(language=code, min_level=level),
            )
            for code in u.languages
            for level in _LEVEL_THRESHOLDS
        )
    ]


def _skill_language_pairs(u: _Universe, *, empty: bool) -> list[tuple[Filters, tuple[str, ...]]]:
    pairs = []
    for skill in u.skills:
        holders = u.expected(Filters(skill=skill))
        for code in u.languages:
            speakers = u.expected(Filters(language=code))
            both = tuple(sorted(set(holders) & set(speakers)))
            if empty:
                if not both and holders and speakers:
                    pairs.append((Filters(skill=skill, language=code), both))
            # both conditions must matter: the answer is neither set on its own
            elif both and both != holders and both != speakers:
                pairs.append((Filters(skill=skill, language=code), both))
    return pairs


def _skill_language_candidates(u: _Universe) -> _Groups:
    return [
        [
            _Candidate("skill_language", filters, expected)
            for filters, expected in _skill_language_pairs(u, empty=False)
        ]
    ]


def _location_candidates(u: _Universe) -> _Groups:
    return [_drop_none(u.single("location", Filters(place=place)) for place in u.places)]


def _employer_candidates(u: _Universe) -> _Groups:
    return [_drop_none(u.single("employer", Filters(employer=e)) for e in u.employers)]


def _years_candidates(u: _Universe) -> _Groups:
    return [_drop_none(u.single("years", Filters(min_years=float(n))) for n in u.years)]


def _degree_candidates(u: _Universe) -> _Groups:
    return [_drop_none(u.single(level, Filters(degree=level)) for level in DEGREE_LEVELS)]


def _certification_candidates(u: _Universe) -> _Groups:
    return [
        _drop_none(
            u.single("certification", Filters(certification=name)) for name in u.certifications
        )
    ]


def _count_candidates(u: _Universe) -> _Groups:
    return [
        _drop_none(u.single("count_language", Filters(language=code)) for code in u.languages),
        _drop_none(u.single("count_skill", Filters(skill=skill)) for skill in u.skills),
        _drop_none(u.single("count_place", Filters(place=place)) for place in u.places),
        [
            _Candidate("count_skill_language", filters, expected)
            for filters, expected in _skill_language_pairs(u, empty=False)
        ],
    ]


def _empty_candidates(u: _Universe) -> _Groups:
    by_language = [
        _Candidate("skill_language", filters, expected)
        for filters, expected in _skill_language_pairs(u, empty=True)
    ]
    by_place = [
        _Candidate("skill_place", Filters(skill=skill, place=place), ())
        for skill in u.skills
        for place in u.places
        if u.informative(u.expected(Filters(place=place)))
        and not u.expected(Filters(skill=skill, place=place))
    ]
    return [by_language, by_place]


def _follow_up_candidates(u: _Universe) -> _Groups:
    firsts = [
        *(("skill", Filters(skill=skill)) for skill in u.skills),
        *(("location", Filters(place=place)) for place in u.places),
    ]
    thens = {
        "then_language": [Filters(language=code) for code in u.languages],
        "then_years": [Filters(min_years=float(n)) for n in u.years],
        "then_place": [Filters(place=place) for place in u.places],
    }
    groups: _Groups = []
    for then_template, options in thens.items():
        group = []
        for first_template, first in firsts:
            before = u.expected(first)
            if len(before) < 2:
                continue
            for then in options:
                if first.place is not None and then.place is not None:
                    continue
                combined = first.merged(then)
                after = u.expected(combined)
                # the follow-up must narrow the previous answer, to something
                if after and len(after) < len(before):
                    history = ((first_template, first),)
                    group.append(_Candidate(then_template, combined, after, history=history))
        groups.append(group)
    return groups


_BUILDERS: dict[QuestionKind, Callable[[_Universe], _Groups]] = {
    "skill_language": _skill_language_candidates,
    "language": _language_candidates,
    "language_level": _level_candidates,
    "location": _location_candidates,
    "employer": _employer_candidates,
    "years": _years_candidates,
    "degree": _degree_candidates,
    "certification": _certification_candidates,
    "count": _count_candidates,
    "empty": _empty_candidates,
    "follow_up": _follow_up_candidates,
}


def _ordered(groups: _Groups, rng: random.Random) -> list[_Candidate]:
    """Every candidate once: each group shuffled, sets of two or more first (they test that
    an answer is complete), then the groups taken in turn."""
    queues = [
        sorted(rng.sample(group, len(group)), key=lambda c: 0 if len(c.expected) >= 2 else 1)
        for group in groups
    ]
    order: list[_Candidate] = []
    for position in range(max((len(q) for q in queues), default=0)):
        order.extend(q[position] for q in queues if position < len(q))
    return order


def _then_filters(candidate: _Candidate) -> Filters:
    """What the follow-up itself adds to the filters of its history."""
    earlier = candidate.history[-1][1].model_dump(exclude_none=True)
    return Filters(
        **{
            k: v
            for k, v in candidate.filters.model_dump(exclude_none=True).items()
            if k not in earlier
        }
    )


def generate_questions(
    truth: Sequence[GroundTruth], *, seed: int = 0, per_kind: int = 6
) -> list[SetQuestion]:
    """Up to ``per_kind`` questions of every kind, in en/es/fr/de, answered by ``truth``.

    Deterministic for a given truth and seed. Values are drawn only from the truth; a kind
    with fewer distinct questions than ``per_kind`` asks some again in another language.
    """
    universe = _Universe(truth)
    questions: list[SetQuestion] = []
    for kind in KINDS:
        rng = random.Random(f"{seed}:{kind}")
        order = _ordered(_BUILDERS[kind](universe), rng)
        start = rng.randrange(len(QUESTION_LANGUAGES))
        chosen: list[tuple[_Candidate, QuestionLanguage]] = []
        for round_ in range(len(QUESTION_LANGUAGES)):
            for position, candidate in enumerate(order):
                if len(chosen) == per_kind:
                    break
                index = (start + position + round_) % len(QUESTION_LANGUAGES)
                chosen.append((candidate, QUESTION_LANGUAGES[index]))
        for number, (candidate, language) in enumerate(chosen, start=1):
            if candidate.history:
                history = [_say(t, language, f) for t, f in candidate.history]
                text = _say(candidate.template, language, _then_filters(candidate))
            else:
                history = []
                text = _say(candidate.template, language, candidate.filters)
            questions.append(
                SetQuestion(
                    id=f"{kind}-{number:02d}",
                    kind=kind,
                    question=text,
                    history=history,
                    expected=list(candidate.expected),
                    expected_count=len(candidate.expected) if kind == "count" else None,
                    language=language,
                    filters=candidate.filters,
                )
            )
    return questions


# -- scoring -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a system answered: the candidates it named, the count it stated (if any), and
    whether it presented a partial match (e.g. one of two required skills) as a match."""

    cv_ids: set[str]
    count: int | None = None
    calls_partial_a_match: bool = False


class QuestionScore(_Model):
    id: str
    kind: QuestionKind
    language: QuestionLanguage
    question: str
    expected: list[str]
    answered: list[str]
    precision: float
    recall: float
    f1: float
    exact: bool
    expected_count: int | None = None
    answered_count: int | None = None
    count_correct: bool | None = None
    calls_partial_a_match: bool = False


class KindScore(_Model):
    kind: str
    questions: int
    precision: float
    recall: float
    f1: float
    exact_set_rate: float
    count_questions: int
    count_accuracy: float | None
    partial_called_match: int


class Report(_Model):
    overall: KindScore
    by_kind: dict[str, KindScore]
    questions: list[QuestionScore]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_markdown(self) -> str:
        def row(s: KindScore) -> str:
            count = "–" if s.count_accuracy is None else f"{s.count_accuracy:.2f}"
            return (
                f"| {s.kind} | {s.questions} | {s.precision:.2f} | {s.recall:.2f} | "
                f"{s.f1:.2f} | {s.exact_set_rate:.2f} | {count} | {s.partial_called_match} |"
            )

        lines = [
            "| kind | questions | precision | recall | F1 | exact set | count accuracy "
            "| partial called a match |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *(row(s) for s in self.by_kind.values()),
            row(self.overall).replace("| overall |", "| **overall** |"),
        ]
        misses = [q for q in self.questions if not q.exact or q.count_correct is False]
        if misses:
            lines += ["", "Misses:", ""]
            for q in misses:
                missing = sorted(set(q.expected) - set(q.answered))
                extra = sorted(set(q.answered) - set(q.expected))
                detail = f"missing {missing or '–'}, extra {extra or '–'}"
                if q.count_correct is False:
                    detail += f", count {q.answered_count} (expected {q.expected_count})"
                lines.append(f"- `{q.id}` ({q.language}) {q.question} — {detail}")
        return "\n".join(lines) + "\n"


def set_scores(expected: set[str], answered: set[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of one answer.

    An empty answer has precision 1 (it claims nothing false), an empty expected set has
    recall 1 (there was nothing to find); both empty is a perfect answer (F1 = 1), exactly
    one empty gives F1 = 0.
    """
    hits = len(expected & answered)
    precision = hits / len(answered) if answered else 1.0
    recall = hits / len(expected) if expected else 1.0
    if not expected and not answered:
        return 1.0, 1.0, 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _score_one(question: SetQuestion, outcome: Outcome) -> QuestionScore:
    expected, answered = set(question.expected), set(outcome.cv_ids)
    precision, recall, f1 = set_scores(expected, answered)
    answered_count: int | None = None
    count_correct: bool | None = None
    if question.expected_count is not None:
        # a count question answered with a list and no number counts the list
        answered_count = outcome.count if outcome.count is not None else len(answered)
        count_correct = answered_count == question.expected_count
    return QuestionScore(
        id=question.id,
        kind=question.kind,
        language=question.language,
        question=question.question,
        expected=sorted(expected),
        answered=sorted(answered),
        precision=precision,
        recall=recall,
        f1=f1,
        exact=expected == answered,
        expected_count=question.expected_count,
        answered_count=answered_count,
        count_correct=count_correct,
        calls_partial_a_match=outcome.calls_partial_a_match,
    )


def _aggregate(kind: str, scores: Sequence[QuestionScore]) -> KindScore:
    n = len(scores)
    counted = [s for s in scores if s.count_correct is not None]

    def mean(values: Iterable[float]) -> float:
        items = list(values)
        return sum(items) / len(items) if items else 0.0

    return KindScore(
        kind=kind,
        questions=n,
        precision=mean(s.precision for s in scores),
        recall=mean(s.recall for s in scores),
        f1=mean(s.f1 for s in scores),
        exact_set_rate=mean(1.0 if s.exact else 0.0 for s in scores),
        count_questions=len(counted),
        count_accuracy=mean(1.0 if s.count_correct else 0.0 for s in counted) if counted else None,
        partial_called_match=sum(1 for s in scores if s.calls_partial_a_match),
    )


def score(questions: Sequence[SetQuestion], answer: Callable[[SetQuestion], Outcome]) -> Report:
    """Ask ``answer`` every question; means per kind and overall (every question weighs 1)."""
    scores = [_score_one(question, answer(question)) for question in questions]
    by_kind: dict[str, KindScore] = {
        kind: _aggregate(kind, [s for s in scores if s.kind == kind])
        for kind in KINDS
        if any(s.kind == kind for s in scores)
    }
    return Report(overall=_aggregate("overall", scores), by_kind=by_kind, questions=scores)
