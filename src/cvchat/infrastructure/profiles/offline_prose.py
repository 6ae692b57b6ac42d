"""Jobs told in sentences: narrative CVs have no job lines, only a career in prose.

"Since March 2022 I have been a senior data engineer at Stripe", "desde 2021 trabajo en BBVA
como ingeniera", "Ich arbeite seit 2018 bei Otto als Data Engineer": the employer is the
capitalised name after "at/en/chez/bei", the title what follows "as/como/comme/als/been".
A sentence that only gives a start ("In August 2019 I moved to Intercom") opens a job that
the next one closes; one that only gives a length ("eight years at Siemens") adds its years.
Sentences about studies (a degree word or a school) are not jobs. A cover letter's "I spent
four years at Klarna (2016–2020)", "Before that I was at IKEA from 2012 to 2016" or "Since 2022
I have led research at Spotify" are jobs without a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvchat.domain.profiles import Evidence
from cvchat.domain.vocabulary import LANGUAGE_BY_NAME, SKILL_BY_ALIAS, fold
from cvchat.infrastructure.profiles.offline_dates import DATE, parse_date
from cvchat.infrastructure.profiles.offline_education import DEGREE, INSTITUTION
from cvchat.infrastructure.profiles.offline_places import CITIES, COUNTRIES
from cvchat.infrastructure.profiles.offline_text import Document
from cvchat.infrastructure.profiles.offline_words import has_title_word

_NUMBERS_TEXT = """
    one a an un uno una ein einem einer | two dos deux zwei | three tres trois drei
    | four cuatro quatre vier | five cinco cinq funf | six seis sechs | seven siete sept sieben
    | eight ocho huit acht | nine nueve neuf neun | ten diez dix zehn | eleven once onze elf
    | twelve doce douze zwolf
"""
NUMBERS = {
    word: n for n, words in enumerate(_NUMBERS_TEXT.split("|"), start=1) for word in words.split()
}
# A capitalised organisation name as prose writes it: "Siemens", "Deutsche Bahn", "BBVA".
_ORG_REST = r"[\w&'’-]*(?:\.[\w&'’-]+)*"  # inner dots only: "Booking.com", not "Stripe."
ORG = rf"[A-Z0-9]{_ORG_REST}(?:[ \t]+(?:(?:&|and|y|et|und|de|of)[ \t]+)?[A-Z]{_ORG_REST})*"
PROSE_AT = r"(?i:at|with|for|en|con|para|chez|avec|pour|bei|für|im|in\s+der)"
_EMPLOYER = re.compile(rf"\b(?:{PROSE_AT}|(?i:joined|to|rejoint|zu))\s+(?P<org>{ORG})")
_TITLE = re.compile(
    r"\b(?i:as|als|como|comme|en\s+tant\s+que|been|worked\s+as)\s+"
    r"(?i:an?\s+|une?\s+|el\s+|la\s+|der\s+|die\s+)?"
    r"(?P<title>(?!(?:at|with|for|bei|chez|en|in|con|para|pour|für|im)\b)[^\W\d_][\w'’-]*(?:\s+(?!(?:at|with|for|bei|chez|en|in|con|para|pour|für"
    r"|im|and|y|et|und|where|donde|où|wo)\b)[\w'’-]+){0,4})"
)
_DURATION_JOB = re.compile(
    r"(?P<n>\d{1,2}|[^\W\d_]+)\s+(?i:years?|a[ñn]os|ans|jahren?|jahre)\s+"
    rf"(?:(?i:as\s+[^,.;]{{1,40}}?\s+)?){PROSE_AT}\s+(?P<org>{ORG})"
)
# A start date in a sentence: "In August 2019", "en marzo de 2020", "im Mai 2018".
_STARTED = re.compile(rf"\b(?:in|en|im|au|el)\s+(?P<date>{DATE})")  # on folded text
# What makes such a date a job's start, not a result's year ("+35 % more shops in 2024").
_START_VERB = re.compile(
    r"\b(?:join\w*|start\w*|move[ds]?|began|begun|became|hired|took|work\w*|empece|entre"
    r"|me\s+uni|comence|empeze|trabaj\w*|incorpor\w*|rejoint|integre|commence|travaill\w*"
    r"|arbeite\w*|begann|wechsel\w*|kam|eingestiegen|angefangen)\b"
)


_CONJUNCTION = re.compile(r"\b(?:and|but|before|then|y|pero|antes|et|mais|avant|und|aber|vorher)\b")
# Words that open another period of the career: "Product Owner since 2020, after four years as
# an analyst at OVH" names OVH as the job before the one the date starts.
_OTHER_PERIOD = re.compile(
    r"\b(?:after|before|previously|apr[eè]s|avant|antes|despu[eé]s|tras|vorher|zuvor|davor)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


@dataclass(frozen=True)
class ProseJob:
    employer: str
    title: str | None
    start: int | None  # month index
    evidence: Evidence


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of a page that holds ``text[start:end]``: from after the last full stop
    (or blank line) before it to the next one after it."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    right = _SENTENCE_END.search(text, end)
    return left, right.start() + 1 if right is not None else len(text)


def usable_org(org: str) -> bool:
    """An organisation, not a language, a tool, a job title or a country ("at Python")."""
    folded = fold(org)
    return not (
        not re.search(r"[^\W\d_]", org)  # "from 2012 to 2016": a year, no one's name
        or folded in LANGUAGE_BY_NAME
        or folded in SKILL_BY_ALIAS
        or folded in COUNTRIES
        or folded in CITIES  # "moved back to Stockholm to join Klarna"
        or has_title_word(folded)
    )


_WORKS_AT = re.compile(
    r"\b(?:been\s+(?:at|with)|work(?:ed|ing|s)?\s+(?:at|for|with)|joined|employed\s+(?:at|by)"
    r"|(?:was|were|spent|led|lead|leading|managed|managing|ran|running)\b[^.;]{0,40}?"
    r"\b(?:at|with)\s+(?-i:(?=[A-Z]))"
    r"|trabaj\w*\s+(?:en|para)|travaill\w*\s+(?:chez|pour)|arbeit\w*\s+(?:bei|f[üu]r))\b",
    re.IGNORECASE,
)


def works_at(text: str) -> bool:
    """Whether a sentence says the candidate works for someone ("I have been at Acme since
    2021", "trabajo en BBVA desde 2020"), a job even without a title."""
    return _WORKS_AT.search(text) is not None


def about_studies(text: str) -> bool:
    folded = fold(text)
    return bool(DEGREE.search(folded) or INSTITUTION.search(folded))


def _between(text: str, match: re.Match[str], start: int, end: int) -> str:
    """The words between a match and the dates ``text[start:end]``, on whichever side."""
    return text[end : match.start()] if match.start() >= end else text[match.end() : start]


def prose_job(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """Title and employer of a job told in the sentence around ``text[start:end]``, those
    after the dates first."""
    left, right = sentence_bounds(text, start, end)
    employers = [
        m
        for m in _EMPLOYER.finditer(text, left, right)
        if usable_org(m.group("org")) and not _OTHER_PERIOD.search(_between(text, m, start, end))
    ]
    after = [m for m in employers if m.start() >= end]
    chosen = (after or employers[::-1])[:1]
    employer = chosen[0].group("org") if chosen else None
    title = None
    titles = [
        m
        for m in _TITLE.finditer(text, left, right)
        # "… since 2021, and before that worked as a nurse": another clause, another job
        if not _CONJUNCTION.search(
            text[end : m.start()] if m.start() >= end else text[m.end() : start]
        )
    ]
    for match in [m for m in titles if m.start() >= end] + [m for m in titles if m.start() < end]:
        words = match.group("title").split()
        while words and not has_title_word(fold(" ".join(words))):
            words.pop()
        if words:
            title = " ".join(words)
            break
    if title is None and chosen and chosen[0].start() >= end:
        # "je suis depuis 2018 développeur chez Doctolib": the title between dates and employer
        between = text[end : chosen[0].start()].strip(" ,")
        if 0 < len(between.split()) <= 4 and has_title_word(fold(between)):
            title = between
    return title, employer


def started_jobs(doc: Document, ranged: dict[tuple[int, int], int]) -> list[ProseJob]:
    """Jobs a prose sentence starts on a date ("In August 2019 I moved to Intercom as a data
    engineer"); ``ranged`` maps the sentences (page, start) already read as date ranges to
    where their first range starts: a start before it opens a story of its own ("In 2019 I
    joined Acme …, and I have been its head of product since 2021")."""
    jobs = []
    for number, page in enumerate(doc.pages):
        for match in _STARTED.finditer(page.folded):
            start, end = page.original(match.start(), match.end())
            line = page.line_at(start)
            # "in August 2019" is itself a mark of prose; a job line is short
            if line is None or len(line.text.split()) < 8 or line.section == "education":
                continue
            left, right = sentence_bounds(page.text, start, end)
            if start >= ranged.get((number, left), len(page.text)) or about_studies(
                page.text[left:right]
            ):
                continue
            title, employer = prose_job(page.text, start, end)
            if employer is None or not _START_VERB.search(fold(page.text[left:right])):
                continue
            ranged[(number, left)] = -1
            jobs.append(
                ProseJob(
                    employer,
                    title,
                    parse_date(match.group("date")),
                    doc.evidence(number, left, right),
                )
            )
    return jobs


def duration_jobs(doc: Document, known: set[str]) -> list[tuple[ProseJob, int]]:
    """Jobs prose gives only a length: "8 years at Siemens", "4 años en Telefónica"."""
    found = []
    for number, page in enumerate(doc.pages):
        for match in _DURATION_JOB.finditer(page.text):
            count = match.group("n")
            years = int(count) if count.isdigit() else NUMBERS.get(fold(count))
            org = match.group("org")
            if not years or not usable_org(org) or fold(org) in known:
                continue
            known.add(fold(org))
            evidence = doc.evidence(number, match.start(), match.end())
            found.append((ProseJob(org, None, None, evidence), years * 12))
    return found
