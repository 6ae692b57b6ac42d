"""Who: the candidate's name and headline.

The name is usually the first line of page 1, but two-column layouts put the sidebar first
and some templates print the name last, so every name-shaped line of page 1 competes: the one
the e-mail address is made of wins ("j.valverde@…" → "Jacinta Valverde Roig"), then one
followed by a job-title line, then the earliest. A document title ("Lebenslauf"), academic
titles ("Dr.", "Dr. rer. nat.", ", PhD"), a table's label ("Name | …") and what follows a
separator ("// frontend engineer") are not part of the name. The headline is the line after
the name (or the rest of a name's line).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from cvchat.domain.profiles import Named
from cvchat.domain.vocabulary import LANGUAGE_BY_NAME, SKILL_BY_ALIAS, fold
from cvchat.infrastructure.profiles.offline_dates import has_date
from cvchat.infrastructure.profiles.offline_places import BASED, PARTICLES
from cvchat.infrastructure.profiles.offline_text import HEADER, Document, Line
from cvchat.infrastructure.profiles.offline_words import (
    EMAIL,
    PHONE,
    URL_OR_EMAIL,
    has_title_word,
    is_contact,
)

# A name glued to the next text by a lost line break: "Adelbert KarzSenior Data Scientist".
_GLUED = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ][a-zß-ÿ])")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[-'’.][^\W\d_]*)*$")
_HEADLINE_SPLIT = re.compile(r"\s+[·|•]\s+|\s+[–—]\s+")
_DOCUMENT_TITLE = re.compile(
    r"^(?:curriculum\s+vitae|lebenslauf|resume|résumé|cv|hoja\s+de\s+vida)\s*[:·|-]?\s+",
    re.IGNORECASE,
)
# "Dr.", "Prof. Dr.", "Dipl.-Ing.", "Dipl.-Phys.", "Mag.", "Ing.", and the Latin faculty a
# German doctorate names in lower case: "Dr. rer. nat.", "Dr. med. dent.", "Mag. rer. soc. oec.".
_ACADEMIC_TITLE = re.compile(
    r"^(?:(?:Prof|Dr|Dipl|Mag|Ing|Lic)\.(?:-[A-Z][a-z]{1,5}\.)?(?:\s*[a-z]{2,5}\.)*\s*)+"
)
_CREDENTIALS = re.compile(
    r"(?:,?\s+(?:PhD|Ph\.D\.?|MBA|MSc|M\.Sc\.?|MD|CPA|PMP|PE|Dr\.))+\s*$", re.IGNORECASE
)
# "Name: …", "Nombre y apellidos …"; a label that puts the surname first says so.
_NAME_LABEL = re.compile(
    r"^(?:(?P<surname>surname\(?s?\)?\s*/\s*first\s+name\(?s?\)?|apellidos?(?:\s*,?\s*y?\s*nombre)?"
    r"|nom(?:\s+et)?\s+pr[ée]nom|nachname,?\s+vorname)"
    r"|(?:full\s+)?name|nombre(?:\s+y\s+apellidos?|\s+completo)?|pr[ée]nom(?:\s+et)?\s+nom"
    r"|vor-?\s*und\s+(?:zu|nach)name)(?:\s*[:|]\s*|\t\s*|\s+)",
    re.IGNORECASE,
)
# What a scan or a table leaves around a name: a cell's rule read as "|", a speck as ";".
_NAME_LITTER = " ,;:|\\/_"
# "B.A.", "M.Sc.", "Dipl.-Ing.": a degree before a subject is not a first name.
_DEGREE_ABBREVIATION = re.compile(r"^(?:[A-Z][a-z]{0,2}\.-?){2,}$|^(?:B|M)\.?Sc\.?$")
# Parts of web addresses that are nobody's name.
_SITE_WORDS = frozenset(
    [
        "www",
        "com",
        "org",
        "net",
        "dev",
        "design",
        "linkedin",
        "github",
        "gitlab",
        "xing",
        "behance",
        "dribbble",
        "medium",
        "about",
        "gmail",
        "googlemail",
        "outlook",
        "hotmail",
        "yahoo",
        "proton",
        "protonmail",
        "icloud",
        "posteo",
        "gmx",
        "web",
        "mail",
    ]
)
_NAME_SEPARATOR = re.compile(
    r"\s+(?://|[|·•–—])\s+|,\s+(?=[a-z]|PhD|MBA|MSc|BSc|BEng|MEng|B\.?A\b|M\.?A\b|Dipl)"
)
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
        if not (_NAME_CHARS.match(word) and word[0].isupper()):
            return False
        if _DEGREE_ABBREVIATION.match(word) or _glue_at(word) is not None:
            return False
        capitalised += 1
    if capitalised < 2 or has_title_word(folded):
        return False
    folded_words = folded.split()
    known = sum(w in LANGUAGE_BY_NAME or w in SKILL_BY_ALIAS for w in folded_words)
    return folded not in SKILL_BY_ALIAS and known < len(folded_words)


def _glue_at(word: str) -> int | None:
    """Where two words run together in ``word`` ("LangePortfolio" → 5): a capital between
    three lower-case letters on each side. "McDonald", "DeVries" and "MacLeod" are names."""
    for i in range(3, len(word) - 3):
        before, after = word[i - 3 : i], word[i + 1 : i + 4]
        if word[i].isupper() and all(p.isalpha() and p.islower() for p in (before, after)):
            return i
    return None


def _unglued(text: str) -> str | None:
    """What comes before the first lost line break: a lower-case letter followed by a capital
    that starts a word ("KarzSenior", "PetrovićJunior") or an acronym ("FairbanksUX ")."""
    for i in range(1, len(text) - 1):
        if not (text[i - 1].islower() and text[i].isupper()):
            continue
        rest = text[i + 1 :]
        if rest[:1].islower() or re.match(r"[^\W\d_]*[A-Z](?:\s|$)", rest):
            return text[:i]
    return None


def _word_case(word: str, *, lower_too: bool) -> str:
    """A name word as people write it: 'GIRARD' → 'Girard', and the small-caps artefacts of
    some PDF fonts ('LindqviSt' → 'Lindqvist', 'adeyemi-Clarke' → 'Adeyemi-Clarke') repaired.
    'McDonald' and 'DeVries' keep their inner capital (one letter before it)."""
    parts = re.split(r"([-'’])", word)
    out = []
    for part in parts:
        letters = [c for c in part if c.isalpha()]
        odd = not part.isupper() and any(c.isupper() for c in part[3:]) and not _glue_at(part)
        if (len(letters) >= 2 and part.isupper()) or odd or (lower_too and part.islower()):
            part = part[:1].upper() + part[1:].lower()
        out.append(part)
    return "".join(out)


def _cased(text: str, *, top: bool) -> str:
    """``text`` with each name word in its usual case; at the top of page 1 a lower-case
    word next to capitalised ones is a small-caps artefact too (not in other lines: there
    a lower-case word says the line is prose)."""
    words = text.split()
    lower_too = top and any(w[:1].isupper() for w in words)
    return " ".join(
        w if fold(w) in PARTICLES else _word_case(w, lower_too=lower_too) for w in words
    )


@dataclass(frozen=True)
class FoundName:
    """The candidate's name as shown (``value``) and as printed (``written``, on ``line``,
    the line it ends on: a headline may follow it there). ``first`` is the line it starts on
    (the one before ``line`` when the first name stands alone above the surname)."""

    line: Line
    written: str
    value: str
    first: Line

    @property
    def end(self) -> int:
        """Where the name ends in its page's text."""
        return self.line.start + self.line.text.find(self.written) + len(self.written)


@dataclass(frozen=True)
class _Reading:
    written: str
    value: str
    glued: bool  # the name was cut out of more text: trusted only when the e-mail agrees


def _reading(text: str, *, top: bool) -> _Reading | None:
    """The name a line holds, without a document title before it ("Lebenslauf"), a label
    ("Name:", Europass's "Surname(s) / First name(s)"), academic titles ("Dr.", ", PhD") or
    what a separator puts after it ("Kenji Watanabe // frontend engineer")."""
    text = _DOCUMENT_TITLE.sub("", text)
    label = _NAME_LABEL.match(text)
    surname_first = label is not None and label.group("surname") is not None
    if label is not None:
        text = text[label.end() :]
    text = _NAME_SEPARATOR.split(text.strip(_NAME_LITTER), maxsplit=1)[0]
    text = _CREDENTIALS.sub("", _ACADEMIC_TITLE.sub("", text)).strip(_NAME_LITTER)

    def shown(written: str) -> str:
        value = _cased(written, top=top)
        if surname_first:  # "PAPADOPOULOU Eleni": capitals mark the surname
            words = written.split()
            caps = [w for w in words if w.isupper() and len(w) > 1]
            if caps and len(caps) < len(words):
                value = _cased(" ".join([*(w for w in words if w not in caps), *caps]), top=top)
        return value

    if _name_shaped(_cased(text, top=top)):
        return _Reading(text, shown(text), glued=False)
    surname, comma, given = text.partition(",")
    if comma and "," not in given:  # "ARRIETA SOLÍS, MARINA": surname first, e-mail must agree
        turned = f"{given.strip()} {surname.strip()}"
        if _name_shaped(_cased(turned, top=top)):
            return _Reading(text, _cased(turned, top=top), glued=True)
    unglued = _unglued(text)
    if unglued is not None and _name_shaped(_cased(unglued, top=top)):
        return _Reading(unglued, shown(unglued), glued=True)
    return None


def _prefix_name(text: str, locals_: list[str]) -> _Reading | None:
    """A name that an address or a phone number follows on its line ("Katharina Vogt
    Eppendorfer Weg 118, …"): the words up to the one the e-mail address is made of."""
    words = text.split()
    for size in (4, 3, 2):
        if size >= len(words):
            continue
        prefix = " ".join(words[:size])
        last = _ascii_letters(words[size - 1])
        if len(last) >= 3 and any(last in local for local in locals_) and _name_shaped(prefix):
            return _Reading(prefix, _cased(prefix, top=False), glued=True)
    return None


def _contact_words(lines: list[Line]) -> list[str]:
    """What e-mail addresses and personal sites are made of ("j.valverde@…",
    "hallo@janolepetersen.de", "github.com/anapetrovic"), in plain letters."""
    found = []
    for line in lines:
        for m in EMAIL.finditer(line.text):
            local, _, domain = m.group().partition("@")
            found += [local, domain.split(".")[0]]
        for m in URL_OR_EMAIL.finditer(line.text):
            if "@" not in m.group():
                found += re.split(r"[/.]", re.sub(r"^\w+://|^www\.", "", m.group()))
    words = {_ascii_letters(w) for w in found}
    return [w for w in words if len(w) >= 3 and w not in _SITE_WORDS]


def find_name(doc: Document) -> FoundName | None:
    """The name of the candidate and where it is printed (see the module docstring)."""
    first_page = [line for line in doc.lines if line.page == 0]
    locals_ = _contact_words(first_page)
    best: tuple[float, FoundName] | None = None
    for position, line in enumerate(first_page):
        dated = has_date(PHONE.sub(" ", line.folded))  # "+58 414 487 2031" is no year
        if line.heading or line.head or dated or line.folded in _DOCUMENT_TITLES:
            continue
        top = position <= 1
        following = first_page[position + 1] if position + 1 < len(first_page) else None
        readings: list[tuple[_Reading, Line, Line]] = []
        reading = _reading(line.text, top=top) or _prefix_name(line.text, locals_)
        if reading is not None:
            readings.append((reading, line, line))
        elif (
            following is not None
            and position <= 3
            and _first_name_alone(line)
            and not following.heading
            and _reading(following.text, top=False) is None
        ):
            # "Emily" / "HartmannSenior Product Manager": the first name above the surname
            joined = _reading(f"{line.text} {following.text}", top=top)
            if joined is not None and len(joined.written) > len(line.text) + 1:
                on_next = joined.written[len(line.text) + 1 :]
                readings.append((replace(joined, written=on_next), following, line))
                following = first_page[position + 2] if position + 2 < len(first_page) else None
        for found, last, first in readings:
            score = -position / 1000
            parts = [_ascii_letters(w) for w in found.value.split()]
            if any(len(p) >= 3 and p in local for p in parts for local in locals_):
                score += 10
            elif found.glued:
                continue  # a name cut out of more text is trusted only when the e-mail agrees
            if found.glued or (following is not None and has_title_word(following.folded)):
                score += 3
            if line.section == HEADER:
                score += 2
            if best is None or score > best[0]:
                best = (score, FoundName(last, found.written, found.value, first))
    return best[1] if best else None


def _first_name_alone(line: Line) -> bool:
    word = line.text.strip()
    return (
        " " not in word
        and bool(_NAME_CHARS.match(word))
        and word[:1].isupper()
        and not has_title_word(line.folded)
        and line.folded not in SKILL_BY_ALIAS
        and line.folded not in LANGUAGE_BY_NAME
    )


def find_headline(doc: Document, found: FoundName | None) -> Named | None:
    """The title line under the name: 'Senior Data Scientist · Python, SQL' → its first part.
    When a lost line break glued the two, the rest of the name's line."""
    if found is None:
        return None
    name, value = found.line, found.written
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
