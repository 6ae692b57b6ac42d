"""Education: degrees with their level, institution and year.

Education is read from the education section's degree lines: the degree words of the
vocabulary ("MSc", "Máster", "Licence", "Diplom-Ingenieur", "Promotion") give the level, an
institution word ("Universidad", "Hochschule", "École") the institution, the last year the
end. Outside that section (CVs without one, prose) a line counts only with a strong degree
word and an institution, on it or alone on the next line, or a "from/de/von <Name>": "Scrum
Master", a driving "licence" or a French "promotion 2015" are not degrees. A degree the line
(or the next) says was not finished ("no finalizado", "Trunca", "completed two of the four
years") is kept and counts as none.
"""

from __future__ import annotations

import re

from cvchat.domain.profiles import EducationFact
from cvchat.domain.vocabulary import DEGREE_LEVELS, DEGREE_WORDS, DegreeLevel, fold
from cvchat.infrastructure.profiles.offline_dates import last_year
from cvchat.infrastructure.profiles.offline_text import LOOSE, Document, Line
from cvchat.infrastructure.profiles.offline_words import BULLET, is_prose

INSTITUTION = re.compile(
    r"(?<!\w)(?:universi\w*|hochschule|fachhochschule|college|school|ecole|escuela|instituto"
    r"|institut|institute|academy|akademie|facultad|faculte|polytechni\w*|politecnic\w*"
    r"|conservatoire|iut|insa|tu|eth|dhbw|epfl|kit|lmu|rwth|mit|ucl|uned|upm|uam|ucm|insead|hec"
    r"|essec|esade|iese)(?!\w)"
)
# A degree that was not (or not yet) obtained: it is kept, and counts as no degree.
_UNFINISHED = re.compile(
    r"(?<!\w)(?:did\s+not\s+(?:complete|finish|graduate)|not\s+completed|incomplete|unfinished"
    r"|dropped\s+out|discontinued|withdrew|in\s+progress|ongoing|expected|currently\s+enrolled"
    r"|sin\s+finalizar|sin\s+terminar|no\s+finalizad[oa]|inconclus[oa]|abandonad[oa]|en\s+curso"
    r"|non\s+termine[e]?|non\s+achevee?|abandonne[e]?|en\s+cours|abgebrochen|ohne\s+abschluss"
    r"|nicht\s+abgeschlossen|laufend|voraussichtlich|trunc[oa]|no\s+concluid[oa]|sans\s+diplome"
    # "completed two of the four years", "left after the second year"
    r"|completed\s+\w+\s+of\s+(?:the\s+)?\w+\s+(?:years|semesters|modules)"
    r"|stopped\s+(?:when|after)|left\s+(?:after|in)\s+(?:the\s+)?(?:first|second|third|\d\w*)"
    r"\s+year)(?!\w)"
)
_FROM_PLACE = re.compile(r"\b(?:from|at|de|en|à|von|an\s+der|der)\s+[A-Z]")
# Besides the shared degree words, CV abbreviations that mean a degree only in an
# education section ("MA in Design", "Mag. rer. soc. oec.", "Ingeniería en Sistemas"): in a
# question or in prose they are other words (French "ma", a surname "Mag").
_CV_DEGREE_WORDS: dict[str, DegreeLevel] = {
    "ma": "master",
    "mag.": "master",
    "b.e": "bachelor",
    "ingenieria": "bachelor",
    "ingeniero en": "bachelor",
    "ingeniera en": "bachelor",
    "ingeniero tecnico": "bachelor",
    "ingeniera tecnica": "bachelor",
    "ingeniero superior": "master",
    "ingeniera superior": "master",
}
_DEGREE_WORDS = {**DEGREE_WORDS, **_CV_DEGREE_WORDS}
# A degree word may follow a year with no space: PDF text glues a date column to its line
# ("09.2014Diplom-Physikerin"); after a letter or a dot it is part of another word.
_DEGREE_START = r"(?<![^\W\d_])(?<!\.)"
DEGREE = re.compile(
    _DEGREE_START
    + r"(?:"
    + "|".join(re.escape(w) for w in sorted(_DEGREE_WORDS, key=len, reverse=True))
    + r")(?!\w)"
)
# Degree words that are other things outside an education section ("Scrum Master", a
# driving "licence", a French "promotion", "Doctor" as a title).
_WEAK_DEGREES = frozenset(
    {
        "ba",
        "ma",
        "mag.",
        "b.e",
        "master",
        "licence",
        "promotion",
        "doctor",
        "dr.",
        "grado",
        "ingenieria",
        "ingeniero en",
        "ingeniera en",
        "ingeniero tecnico",
        "ingeniera tecnica",
        "ingeniero superior",
        "ingeniera superior",
    }
)
_NOT_A_DEGREE = re.compile(r"scrum\s+master|master\s+data|promotion\s+\d|licence\s+to")
_DEGREE_IN_TEXT = re.compile(
    _DEGREE_START
    + r"(?:"
    + "|".join(re.escape(w) for w in sorted(_DEGREE_WORDS, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_FROM_SCHOOL = re.compile(
    r"\s(?:from|at|de\s+la|de|en|à|von|an\s+der)\s+(?P<name>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*)*)"
)
# Years and month-years of a degree line ("2012 – 2016", "10.2008 – 09.2014", "(2019)").
_DATES = re.compile(
    r"\s*\(?\s*(?:\d{1,2}[./])?\d{4}\s*[-–—]\s*(?:\d{1,2}[./])?\d{4}\s*\)?"
    r"|\s*\(?(?:\d{1,2}[./])?\d{4}\)?"
)
_TRAILING_LINK = re.compile(r"\s+(?:from|at|de|en|à|von|an der)$")


def strong_degree(folded: str) -> bool:
    """Whether a folded line names a degree by a word that means nothing else ("MSc",
    "Máster", "Doktorat"), as opposed to "Master" in "Scrum Master"."""
    cleaned = _NOT_A_DEGREE.sub(" ", folded)
    return any(m.group() not in _WEAK_DEGREES for m in DEGREE.finditer(cleaned))


# What makes a weak degree word a degree: "BA (Hons) Fine Art", "MA in Design".
_DEGREE_TAIL = re.compile(r"\s*(?:\(\s*hons\b|hons\b|in\s+[a-z])")


def _degree_level(folded: str, strong_only: bool, language: str) -> DegreeLevel | None:
    best: DegreeLevel | None = None
    cleaned = _NOT_A_DEGREE.sub(" ", folded)
    for match in DEGREE.finditer(cleaned):
        word = match.group()
        if strong_only and word in _WEAK_DEGREES and not _DEGREE_TAIL.match(cleaned, match.end()):
            continue
        if word == "promotion" and language != "de":
            continue
        level = _DEGREE_WORDS[word]
        if best is None or DEGREE_LEVELS.index(level) > DEGREE_LEVELS.index(best):
            best = level
    return best


def _balanced(text: str) -> str:
    """Without an opening parenthesis left dangling at the end, or a closing one at the start:
    'Ingeniería Informática (Grado)' stays whole."""
    text = text.rstrip("( ").lstrip(") ")
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")].rstrip(" ,")
    return text


def _school_below(line: Line, following: Line | None) -> bool:
    """A short degree line with its institution alone on the next line ("BSc in Computer
    Science," / "Victoria University of Wellington"), where a scan lost the heading above."""
    return (
        following is not None
        and following.page == line.page
        and not is_prose(line.text)
        and len(line.text) <= 80
        and INSTITUTION.search(following.folded) is not None
        and DEGREE.search(following.folded) is None
        and len(following.text) <= 80
    )


def extract_education(doc: Document, language: str) -> tuple[EducationFact, ...]:
    """Degree lines of the education section; elsewhere only a strong degree word next to an
    institution ("MSc in Physics, University of Leeds")."""
    facts: list[EducationFact] = []
    has_section = "education" in doc.sections
    for line in doc.lines:
        if line.heading:
            continue
        in_section = line.section == "education"
        if not in_section and has_section and line.section != LOOSE:
            continue
        level = _degree_level(line.folded, not in_section, language)
        following = doc.lines[line.number + 1] if line.number + 1 < len(doc.lines) else None
        if level is None or not (
            in_section
            or INSTITUTION.search(line.folded)
            or _FROM_PLACE.search(line.text)
            or _school_below(line, following)
        ):
            continue
        institution = None
        parts = [p.strip() for p in re.split(r"\s+[·|•]\s+|,\s+|\s+[–—]\s+", line.text)]
        for part in parts:
            if INSTITUTION.search(fold(part)) and not DEGREE.search(fold(part)):
                institution = re.sub(r"\s*\(.*$", "", part).strip()
                break
        previous = doc.lines[line.number - 1] if line.number else None
        for other in (following, previous):
            if institution is not None or other is None or other.section != line.section:
                continue
            if INSTITUTION.search(other.folded) and not DEGREE.search(other.folded):
                institution = re.split(r"\s+[·|•]\s+|\s+[–—]\s+", other.text)[0].strip()
        end_year = last_year(line.folded)
        if end_year is None and following is not None and not DEGREE.search(following.folded):
            end_year = last_year(following.folded)
        near = [line.folded]
        if following is not None and following.section == line.section:
            near += [] if DEGREE.search(following.folded) else [following.folded]
        completed = not any(_UNFINISHED.search(text) for text in near)
        degree = line.text
        found = _DEGREE_IN_TEXT.search(line.text)
        if is_prose(line.text) and found is not None:
            # the degree phrase only: "… I hold an MBA from INSEAD." → "MBA", "INSEAD"
            degree = re.split(r"[.;,](?:\s|$)", line.text[found.start() :])[0]
            if (school := _FROM_SCHOOL.search(degree)) is not None:
                institution = institution or school.group("name")
                degree = degree[: school.start()]
        degree = _DATES.sub("", degree)
        if institution:
            degree = degree.replace(institution, "")
        degree = _TRAILING_LINK.sub("", _balanced(BULLET.sub("", degree).strip(" ,·|–—-")))
        facts.append(
            EducationFact(
                degree=degree or line.text,
                level=level,
                institution=institution or None,
                end_year=end_year,
                completed=completed,
                evidence=doc.line_evidence(line),
            )
        )
    return tuple(facts)
