"""Section headings, from the chunker's heading vocabulary and a few layouts of its own.

Sections come from ``rag.sections``, so "Compétences", "Kenntnisse" and "Skills" all open the
skills section. Layouts we did not write also print a heading and its content on one line
("Skills Python, Go", "Languages English: native"), accepted when what follows looks like that
section's content and not like a phrase ("Proyectos de análisis …"), or wrap a heading onto
two lines ("EDUCATION AND" / "TRAINING").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_words import LANGUAGE_NAME


@cache
def _headings() -> tuple[Callable[[str], tuple[str, bool] | None], Callable[[str], str | None]]:
    """``rag.sections``' heading functions, imported on first use: the ``rag`` package imports
    the profile extractors while it initialises, so a module-level import here would be
    circular for whoever imports this module first."""
    from cvchat.infrastructure.rag.sections import heading_of, heading_section

    return heading_of, heading_section


_LIST_SEPARATOR = re.compile(r"[,;·|•:]")
_WORDS = re.compile(r"\S+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_FUNCTION_WORD = re.compile(
    r"(?:of|in|at|on|for|to|the|and|with|de|del|la|el|en|para|con|y|du|des|le|les|et|pour"
    r"|avec|au|aux|der|die|das|von|mit|und|im|zu|für|bei)\b",
    re.IGNORECASE,
)


def _looks_like(section: str, rest: str) -> bool:
    """Whether what follows a heading word is that section's content: a list for skills,
    a language for languages, a year for education… "Tecnologías Española S.A." is an
    employer, not the skills section."""
    separators = len(_LIST_SEPARATOR.findall(rest))
    if section in ("skills", "interests", "projects", "awards", "publications"):
        return separators >= 2
    if section == "languages":
        return LANGUAGE_NAME.search(fold(rest)) is not None
    if section in ("education", "certifications", "experience", "volunteering"):
        return _YEAR.search(rest) is not None
    if section == "summary":
        return len(rest) >= 40 and rest.count(" ") >= 5
    if section in ("contact", "links"):
        return "@" in rest or "://" in rest or "www." in rest
    return False


def _inline_heading(text: str) -> tuple[str, int] | None:
    """'Skills Python, Go' / 'Languages English: native' / 'Profile Motivated analyst ...':
    a heading word at the start of a line, followed by what that section holds."""
    if not text[:1].isupper():
        return None
    words = list(_WORDS.finditer(text))[:4]
    heading_section = _headings()[1]
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        section = heading_section(text[: words[size - 1].end()])
        if section is None:
            continue
        rest = text[words[size - 1].end() :].strip()
        if not rest or _FUNCTION_WORD.match(rest):
            return None  # "Proyectos de análisis …", "Experience in …": a phrase, no heading
        capitals = text[: words[size - 1].end()]
        if _looks_like(section, rest) or (capitals.isupper() and len(capitals) >= 4):
            return section, words[size - 1].end()
        return None
    return None


_CAPITAL_HEAD = re.compile(r"[A-ZÀ-Ý]{4,}(?:\s[A-ZÀ-Ý&]{2,})?\s")
_WORDS_ONLY = re.compile(r"[^\W\d_][^\W\d_ &'’-]*(?:[ &'’-]+[^\W\d_]+)*:?")


_QUALIFIED = re.compile(r"[A-ZÀ-Ý0-9&/ -]{3,50}")
# Words that make a heading a career one whatever they qualify: "PREVIOUS CAREER: B2B SALES".
# A freelancer's "ENGAGEMENTS" (or "EINSÄTZE") are the jobs.
_CAREER = re.compile(
    r"\b(?:CAREER|EMPLOYMENT|ENGAGEMENTS|LAUFBAHN|WERDEGANG|EINSÄTZE|TRAYECTORIA|PARCOURS)\b"
)
# What a heading may add in brackets: "FREELANCE ENGAGEMENTS (VIA ACME B.V.)".
_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")


def _qualified(text: str) -> tuple[str, bool] | None:
    """A heading in capitals with a qualifier before its heading word: "ENGINEERING
    EXPERIENCE", "TEACHING EXPERIENCE", "PREVIOUS CAREER: B2B SALES"."""
    head = _ASIDE.sub("", text.split(":")[0]).strip()
    if not _QUALIFIED.fullmatch(head) or len(head.split()) > 5 or not head.isupper():
        return None
    if _CAREER.search(head):
        return "experience", False
    words = head.split()
    for size in (2, 1):
        if len(words) > size:
            section = _headings()[1](" ".join(words[-size:]))
            if section is not None:
                return section, False
    return None


_JOINER = re.compile(r"\s*(?:[,&/+]|\b(?:and|y|et|und)\b)\s*", re.IGNORECASE)


def _joined(text: str) -> tuple[str, bool] | None:
    """A heading that names several sections at once ("Education, certification & languages",
    "Formation et langues"): it opens the first, the one its first lines belong to."""
    if len(text) > 60:
        return None
    parts = [part for part in _JOINER.split(text) if part.strip()]
    if len(parts) < 2:
        return None
    found = [_headings()[0](part) for part in parts]
    if any(one is None or one[1] for one in found):
        return None
    first = found[0]
    return None if first is None else (first[0], False)


def heading(text: str, folded: str, section: str) -> tuple[str, int] | None:
    """(section, length of the heading) when a line opens a section: -1 for a heading alone
    on its line, else where its content starts ("Skills: Go" → 7)."""
    found = _headings()[0](text) or _qualified(text) or _joined(text)
    if found is None and len(text) > 80 and not _CAPITAL_HEAD.match(text):
        return None  # a long line is prose, unless it opens with a heading in capitals
    if found is None:
        inline = _inline_heading(text)
        if inline is None or inline[0] == section:
            return None  # "Certification X (2020)" under Certifications is content
        found, head = (inline[0], True), inline[1]
    else:
        head = text.find(":") + 1 if found[1] else -1
    if found[0] == "languages" and found[1] and not LANGUAGE_NAME.search(folded):
        return None  # "Languages: Go, Python" under Skills names programming languages
    return found[0], head


def wrapped_headings(lines: list[str]) -> dict[int, tuple[str, int]]:
    """Headings printed on two lines ("EDUCATION AND" / "TRAINING", "Compétences" /
    "techniques"): both lines are the heading when neither is one alone but together they
    are."""
    found: dict[int, tuple[str, int]] = {}
    heading_of = _headings()[0]
    for i in range(len(lines) - 1):
        first, second = lines[i], lines[i + 1]
        if len(first) > 30 or len(second) > 30 or len(first.split()) > 3 or i in found:
            continue
        if not (_WORDS_ONLY.fullmatch(first) and _WORDS_ONLY.fullmatch(second)):
            continue
        joined = heading_of(f"{first} {second}")
        if joined is not None and not joined[1] and heading_of(first) is None:
            found[i] = found[i + 1] = (joined[0], -1)
    return found
