"""Who: the candidate's name and headline.

The name is usually the first line of page 1, but two-column layouts put the sidebar first
and some templates print the name last, so every name-shaped line of page 1 competes: the one
the e-mail address is made of wins ("j.valverde@…" → "Jacinta Valverde Roig"), then one
followed by a job-title line, then the earliest. A document title ("Lebenslauf"), academic
titles ("Dr.", ", PhD") and what follows a separator ("// frontend engineer") are not part of
the name. The headline is the line after the name (or the rest of a name's line).
"""

from __future__ import annotations

import re
import unicodedata

from cvchat.domain.profiles import Named
from cvchat.domain.vocabulary import LANGUAGE_BY_NAME, SKILL_BY_ALIAS, fold
from cvchat.infrastructure.profiles.offline_dates import has_date
from cvchat.infrastructure.profiles.offline_places import BASED, PARTICLES
from cvchat.infrastructure.profiles.offline_text import HEADER, Document, Line
from cvchat.infrastructure.profiles.offline_words import EMAIL, has_title_word, is_contact

# A name glued to the next text by a lost line break: "Adelbert KarzSenior Data Scientist".
_GLUED = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ][a-zß-ÿ])")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[-'’.][^\W\d_]*)*$")
_HEADLINE_SPLIT = re.compile(r"\s+[·|•]\s+|\s+[–—]\s+")
_DOCUMENT_TITLE = re.compile(
    r"^(?:curriculum\s+vitae|lebenslauf|resume|résumé|cv|hoja\s+de\s+vida)\s*[:·|-]?\s+",
    re.IGNORECASE,
)
_ACADEMIC_TITLE = re.compile(r"^(?:(?:Prof|Dr|Dipl|Mag|Ing|Lic|Ing)\.(?:-Ing\.)?\s*)+")
_CREDENTIALS = re.compile(r"(?:,?\s+(?:PhD|Ph\.D\.?|MBA|MSc|M\.Sc\.?|MD|CPA|PMP|PE|Dr\.))+\s*$")
_NAME_SEPARATOR = re.compile(r"\s+(?://|[|·•–—])\s+|,\s+(?=[a-z]|PhD|MBA|MSc)")
_DOCUMENT_TITLES = frozenset(
    [
        "curriculum vitae",
        "resume",
        "cv",
        "lebenslauf",
        "hoja de vida",
        "currículum vitae",
        "curriculum",
    ]
)


def _ascii_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return re.sub(r"[^a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _name_shaped(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    folded = fold(text)
    capitalised = 0
    for word, folded_word in zip(words, folded.split(), strict=False):
        if folded_word in PARTICLES:
            continue
        if not _NAME_CHARS.match(word) or not word[0].isupper():
            return False
        capitalised += 1
    if capitalised < 2 or has_title_word(folded):
        return False
    folded_words = folded.split()
    known = sum(w in LANGUAGE_BY_NAME or w in SKILL_BY_ALIAS for w in folded_words)
    return folded not in SKILL_BY_ALIAS and known < len(folded_words)


def _name_in(line: Line) -> tuple[str, bool] | None:
    """The name a line holds, without a document title before it ("Lebenslauf"), academic
    titles ("Dr.", ", PhD") or what a separator puts after it ("Kenji Watanabe // frontend
    engineer"); and whether it is glued to more text by a lost line break."""
    if line.heading or line.head or has_date(line.folded) or line.folded in _DOCUMENT_TITLES:
        return None
    text = _DOCUMENT_TITLE.sub("", line.text)
    text = _NAME_SEPARATOR.split(text, maxsplit=1)[0]
    text = _CREDENTIALS.sub("", _ACADEMIC_TITLE.sub("", text)).strip(" ,")
    if _name_shaped(text):
        return text, False
    glued = _GLUED.split(text, maxsplit=1)
    if len(glued) == 2 and _name_shaped(glued[0]):
        return glued[0], True
    return None


def find_name(doc: Document) -> tuple[Line, str] | None:
    """The line most likely to hold the candidate's name, and the name (see the module
    docstring)."""
    first_page = [line for line in doc.lines if line.page == 0]
    emails = [
        _ascii_letters(m.group().split("@")[0])
        for line in first_page
        for m in EMAIL.finditer(line.text)
    ]
    best: tuple[float, Line, str] | None = None
    for position, line in enumerate(first_page):
        found = _name_in(line)
        if found is None:
            continue
        name, glued = found
        score = -position / 1000
        parts = [_ascii_letters(w) for w in name.split()]
        if any(len(p) >= 3 and p in local for p in parts for local in emails):
            score += 10
        elif glued:
            continue  # a name glued to its headline is trusted only when the e-mail agrees
        following = first_page[position + 1] if position + 1 < len(first_page) else None
        if glued or (following is not None and has_title_word(following.folded)):
            score += 3
        if line.section == HEADER:
            score += 2
        if best is None or score > best[0]:
            best = (score, line, name)
    return (best[1], best[2]) if best else None


def find_headline(doc: Document, found: tuple[Line, str] | None) -> Named | None:
    """The title line under the name: 'Senior Data Scientist · Python, SQL' → its first part.
    When a lost line break glued the two, the rest of the name's line."""
    if found is None:
        return None
    name, value = found
    if value != name.text and name.text.find(value) >= 0:
        rest = name.text[name.text.find(value) + len(value) :]
        rest = _CREDENTIALS.sub("", rest).strip(" ,/|·–—")
        headline = _HEADLINE_SPLIT.split(rest)[0].strip(" ,")
        if headline and has_title_word(fold(headline)):
            return Named(value=headline, evidence=doc.line_evidence(name))
    if name.number + 1 >= len(doc.lines):
        return None
    line = doc.lines[name.number + 1]
    if line.page != name.page or line.heading or has_date(line.folded):
        return None
    if is_contact(line.text):
        # "Data Engineer · Hamburg · jonas@…", "Product Manager based in Dublin. priya@…"
        first = re.split(r"[.·|•]\s|\s[–—]\s", line.text)[0]
        based = BASED.search(first)
        value = (first[: based.start()] if based else first).strip(" ,")
        if is_contact(value) or not has_title_word(fold(value)):
            return None
        return Named(value=value, evidence=doc.line_evidence(line))
    if len(line.text) > 120 or line.text.endswith("."):
        return None
    value = _HEADLINE_SPLIT.split(line.text)[0].strip(" ,")
    if not has_title_word(fold(value)) and len(value.split()) > 6:
        return None
    return Named(value=value, evidence=doc.line_evidence(line))
