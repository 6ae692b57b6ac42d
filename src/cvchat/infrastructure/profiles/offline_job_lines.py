"""Reading a job's title and employer off the lines around its dates.

A job's dates sit on a line with its title and employer ("Data Engineer · Acme GmbH, Berlin
03/2018 – 12/2020", "Feb 2022 – present Senior SRE, Monzo, London") or between short lines
that hold them ("Senior Designer 11/2021 – 08/2025" / "Trupp AG · Leipzig", "Google" /
"Software Engineer" / "Jan 2019 – Present"). A line is cut into pieces at separators; the
piece with a job-title word is the title; the employer is, by rank, a piece with a company
form (GmbH, S.A., Ltd; "Group Product Manager" is a title), one after "at/chez/bei", a
capitalised piece, then one cut off a title at a comma. Places are not employers
("Lisbon · Feb 2021 – today" takes the title and employer of the line above; "Collins-Hudson,
Bristol" loses its town), and the candidate's header holds no job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_dates import Span, find_ranges, has_date
from cvchat.infrastructure.profiles.offline_places import CITIES, COUNTRIES
from cvchat.infrastructure.profiles.offline_prose import ORG
from cvchat.infrastructure.profiles.offline_text import HEADER, Document, Line
from cvchat.infrastructure.profiles.offline_words import BULLET, has_title_word

_STRONG_SPLIT = re.compile(r"\s+[·•@]\s+|\s+(?:[–—-]|--+)\s+|\s*\|\s*|\t|\s{3,}|\s+//\s+")
_AT = re.compile(r"\s+(?:at|@|chez|bei|en|für|for|para|pour)\s+")
_MAYBE_AT = frozenset({"en", "für", "for", "para", "pour"})  # also "in", "of": a field
_CONNECTOR_WORDS = "and y et und & of de del du des la le von der the e i"
_CONNECTORS = frozenset(_CONNECTOR_WORDS.split())
# Company forms, as written (case matters: "SE" is a company, "se" a pronoun).
_COMPANY = re.compile(
    r"(?<![\w.])(?:GmbH|AG|KG|KGaA|SE|SA|S\.A\.?|SL|S\.L\.?|SAS|SARL|S\.A\.R\.L\.?|Ltd\.?"
    r"|Limited|Inc\.?|LLC|LLP|PLC|plc|Corp\.?|Co\.|Group|Gruppe|Groupe|Grupo|Bank|S\.Com\.?"
    r"|S\.Coop\.?|S\.C\.P|S\.L\.N\.E|e\.V\.|GbR|OHG|UG|BV|B\.V\.|NV|N\.V\.|S\.p\.A\.?|SpA"
    r"|AB|ASA|Oy|SRL|S\.R\.L\.?|eG|e\.G\.|& Co|& Cie|et Fils|e Hijos|und Söhne|and Sons)(?![\w])"
)
# A contractor's client: "Client: TomTom", "en mission chez Airbus", "im Auftrag von Bosch".
_CLIENT = re.compile(
    r"(?:\b(?i:client|cliente|kunde|customer)\s*:\s*|\b(?i:en\s+mission\s+(?:chez|pour|aupres\s+de)"
    r"|for\s+(?:the\s+)?client|on\s+assignment\s+(?:at|with|to)|im\s+auftrag\s+(?:von|der|des)"
    r"|beim\s+kunden|para\s+el\s+cliente|en\s+el\s+cliente)\s+)"
    rf"(?P<org>{ORG})"
)
_INSTITUTION_END = re.compile(
    r"(?i:institute|institut|center|centre|school|society|foundation|council|agency|office"
    r"|ministry|bureau|board|college|academy|laboratory|museum|hospital|bank)$"
)
# A dated aside in a job line: "(Site Reliability Engineer until 12/2019)".
_DATED_ASIDE = re.compile(r"\([^()]*\d{4}[^()]*\)")
# A unit inside an employer, not the employer.
_UNIT = re.compile(
    r"(?i:department|dept\.?|division|programme|program|team|faculty|school\s+of|lab\s+of"
    r"|chair\s+of|institute\s+of|departamento|departement|abteilung|lehrstuhl"
    r"|institut\s+(?:f[üu]r|de|d['’])|fachbereich|fakult[äa]t|facultad|facult[ée]"
    r"|direcci[óo]n\s+(?:de|general)|servicio\s+de|(?:IT|ICT)\s+(?:services?|department|support))\b"
)
# What follows an employer's name after a comma and is no part of it: its unit ("Technische
# Universität Dresden, Institut für Theoretische Physik"), or its street address ("Intel
# Technology Poland, ul. Juliusza Słowackiego 173, 80-298 Gdańsk (Poland)").
_ADDRESS = re.compile(r"\d|^(?i:ul|str|calle|rue|via|av|avenida|avda)\.?\s")
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*\.(?:com|io|de|nl|es|fr|co\.uk|co|ai|app|net|org)")
# How a job was held, printed before its employer: "contract bol.com", "freelance · Acme".
_TENURE = re.compile(
    r"^(?i:contract|contractor|freelance|employed|permanent|retainer|full-time|part-time"
    r"|interim|temporary|fixed-term)\s+"
)
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)?\s*$")
_LENGTH = re.compile(
    r"\(?\s*\d+\s+(?i:years?|yrs?|mos?|months?|a[ñn]os?|mes(?:es)?|ans?|mois|jahre?|monate?)"
    r"(?:\s+\d+\s+(?i:months?|mos?|meses|mois|monate?))?\s*\)?"
)
_TRAILING_PLACE = re.compile(r",\s*([^\W\d_][\w'’.-]*(?:\s[^\W\d_][\w'’.-]*){0,2})$")
_STATE = re.compile(r"^[A-Z]{2}$")
_BRAND = re.compile(r"^[a-z]{1,2}[A-Z][a-z]")
_AREA = re.compile(r"\b(?:Area|Greater|Metro|Bay|County|Region|Valley)\b")


@dataclass
class DateRange:
    """A date range found in a page, with the lines it starts and ends on."""

    page: int
    span: Span  # offsets in the page's folded text
    start: int  # offsets in the page's text
    end: int
    first: Line  # the line the range starts on
    last: Line  # the line it ends on


def _end_dot(text: str) -> str:
    """Without a sentence's full stop; "S.A.R.L." and "Inc." keep theirs."""
    if not text.endswith("."):
        return text
    last = text.rsplit(None, 1)[-1]
    return text if last.count(".") > 1 or _COMPANY.search(last) else text[:-1].rstrip()


def short(line: Line) -> bool:
    """A line that can hold a title or an employer: short, not a sentence, not a bullet."""
    return (
        len(line.text) <= 90
        and not line.heading
        and not line.text.endswith(";")
        and _end_dot(line.text) == line.text
        and not BULLET.match(line.text)
        and not has_date(_DATED_ASIDE.sub(_no_range, line.folded))
    )


def _no_range(aside: re.Match[str]) -> str:
    """An aside dated by one date ("until 12/2019") goes; one with a range is a job's own."""
    return aside.group() if find_ranges(aside.group()) else " "


def _strip_place(part: str) -> str:
    """'Collins-Hudson, Bristol' → 'Collins-Hudson'; 'Kelly, Cook and Banks' stays."""
    match = _TRAILING_PLACE.search(part)
    if match is None:
        return part
    tail = match.group(1)
    if _COMPANY.search(tail) or re.search(r"\b(?:and|y|et|und|&)\b", tail):
        return part
    return part[: match.start()].strip()


def _is_place(part: str) -> bool:
    """'London, England, United Kingdom', 'Toronto, ON', 'Grenoble': where, not who. ("Indeed
    Austin, TX" is an employer and its town.)"""
    pieces = [p.strip() for p in _TRAILING_PARENTHESIS.sub("", part).split(",")]
    if len(pieces) == 1:
        return fold(pieces[0]) in CITIES
    if fold(pieces[-1]) in COUNTRIES:
        return len(pieces[0].split()) == 1 or not _ends_with_city(pieces[0])
    if len(pieces) == 3 and _STATE.match(pieces[-1]):
        return fold(pieces[0]) in CITIES  # "Indeed, Austin, TX": a firm, its town, its state
    if len(pieces) > 1 and _STATE.match(pieces[-1]):
        # "Toronto, ON", "Round Rock, TX"; but "Dell Technologies Round Rock, TX" names a
        # firm before its town (three words or more, no area word)
        words = pieces[0].split()
        if len(words) >= 3 and len(pieces) == 2 and not _AREA.search(pieces[0]):
            return False
        return len(words) == 1 or not _ends_with_city(pieces[0])
    return False


def _ends_with_city(text: str) -> str | None:
    """What precedes a known city at the end of ``text`` ("Indeed Austin" → "Indeed")."""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) > size and fold(" ".join(words[-size:])) in CITIES:
            if fold(words[-size - 1]) in _CONNECTORS:
                return None  # "University of Cambridge" is not a firm in Cambridge
            return " ".join(words[:-size])
    return None


def _employer_like(part: str) -> bool:
    """Mostly capitalised words, few of them, no figures: 'Wood, Payne and Weston', 'Gómez y
    asociados S.A.', 'Nette', 'iAdvize', 'Cabify (remoto)' — not a bullet like 'Cut costs by
    20 % in Figma'. An aside in brackets at the end is no part of the name."""
    part = _TRAILING_PARENTHESIS.sub("", part) or part
    words = [w for w in re.findall(r"[^\W\d_][\w'’.&-]*", part) if fold(w) not in _CONNECTORS]
    if not words or len(words) > 7 or "%" in part:
        return False
    # a brand written with an inner capital ("iAdvize", "eBay") is a name too
    capitalised = sum(w[0].isupper() or _BRAND.match(w) is not None for w in words)
    return capitalised / len(words) >= 0.6 or bool(_COMPANY.search(part))


def _named(part: str) -> bool:
    """A piece that can only be an employer: no title word, no place, no figures."""
    return (
        not has_title_word(fold(part))
        and not has_date(fold(part))
        and _employer_like(part)
        and not _is_place(part)
    )


def _unaddressed(part: str) -> str:
    """The employer's name without the unit or the address a comma adds after it."""
    pieces = part.split(",")
    for i in range(1, len(pieces)):
        tail = pieces[i].strip()
        if (_UNIT.match(tail) or _ADDRESS.search(tail)) and _employer_like(pieces[0]):
            return ",".join(pieces[:i]).strip()
    return part


def _employer(part: str) -> str:
    """An employer without its place: 'BNP Paribas (Paris)', 'Collins-Hudson, Bristol',
    'Indeed Austin, TX'."""
    pieces = [p.strip() for p in part.split(",")]
    if len(pieces) == 3 and _STATE.match(pieces[-1]):
        return pieces[0]  # "Rackspace, San Antonio, TX"
    name = _strip_place(_TRAILING_PARENTHESIS.sub("", part).strip()) or part
    # "Jeppesen (a Boeing company), Gdańsk (Poland)": the aside goes with the town
    name = _TRAILING_PARENTHESIS.sub("", name).strip() or name
    if _STATE.match(name.rsplit(",", 1)[-1].strip()):
        name = name.rsplit(",", 1)[0].strip()
    if name == part.strip():  # "Infineon Technologies Dresden": the town is in the name
        return name.rstrip(" ,")
    return (_ends_with_city(name) or name).rstrip(" ,")


def _is_company(part: str, folded: str) -> bool:
    """A company form makes a company, except inside a title ("Group Product Manager")."""
    found = _COMPANY.search(part)
    if found is None:
        return False
    return not has_title_word(folded) or not part[found.end() :].strip(" .,")


def _untenured(piece: str) -> str:
    """'contract bol.com' → 'bol.com'; a title keeps its word ('Freelance Data Engineer')."""
    rest = _TENURE.sub("", piece)
    return piece if rest == piece or has_title_word(fold(rest)) else rest


def _trimmed(piece: str) -> str:
    """A piece without the separators around it; a closing bracket stays when it closes one
    the piece opened ("Wissenschaftliche Mitarbeiterin (Postdoc)")."""
    trimmed = piece.strip(" ,:;()[]–—-|·→")
    if trimmed.count("(") > trimmed.count(")") and piece.rstrip(" ,:;–—-|·→").endswith(")"):
        return trimmed + ")"
    return trimmed


def _parts(text: str) -> list[tuple[str, int]]:
    """A job line cut into pieces, each with how it was cut: 0 strong separator ('Title ·
    Employer', 'Employer | Title'), 1 after "at", 2 a comma inside a piece with a title."""
    # "(Site Reliability Engineer until 12/2019)": an earlier title, dated, is not this job's
    text = _DATED_ASIDE.sub(" ", re.sub(r"\(\s*\)|\[\s*\]", " ", BULLET.sub("", text)))
    pieces: list[tuple[str, int]] = []
    split = [_untenured(_end_dot(_trimmed(p))) for p in _STRONG_SPLIT.split(text)]
    split = [p for p in split if p]
    for piece in split:
        at = _AT.search(piece)
        if at is not None and _INSTITUTION_END.search(piece[: at.start()]):
            at = None  # "Max Planck Institute for Astronomy" is one name
        if (
            at is not None
            and at.group().strip() in _MAYBE_AT
            and any(_named(other) for other in split if other is not piece)
        ):
            at = None  # "Especialista en Marketing Digital · Heineken": the firm is apart
        if at is not None and has_title_word(fold(piece[: at.start()])):
            pieces.append((piece[: at.start()].strip(" ,"), 0))
            pieces.append((_end_dot(piece[at.end() :].strip(" ,")), 1))
        elif "," in piece and has_title_word(fold(piece)):
            pieces.extend((p.strip(), 2) for p in piece.split(","))
        else:
            pieces.append((piece, 0))
    return [(p, how) for p, how in pieces if p and not has_date(fold(p))]


@dataclass(frozen=True)
class Reading:
    title: str | None
    employer: str | None
    rank: int  # of the employer: 0 company form, 1 after "at", 2 a piece, 3 after a comma
    client: str | None = None  # a contractor's client, when the employer is the agency

    @property
    def complete(self) -> bool:
        return self.title is not None and self.employer is not None


def read(texts: list[str]) -> Reading:
    title: str | None = None
    ranked: list[tuple[int, int, str]] = []  # (rank, position, employer)
    client: str | None = None
    for text in texts:
        found = _CLIENT.search(text)
        if found is not None and client is None:
            client = _end_dot(found.group("org"))
            text = f"{text[: found.start()]} · {text[found.end() :]}"
        parts = [(_unaddressed(part), how) for part, how in _parts(text)]
        if len(parts) > 1 and all(_is_place(part) for part, _ in parts):
            ranked.append((2, len(ranked), parts[0][0]))  # "Paris · Paris": a firm, its town
            continue
        for part, how in parts:
            folded = fold(part)
            if _is_company(part, folded):
                ranked.append((0, len(ranked), _employer(part)))
            elif how == 1 and _employer_like(part):
                ranked.append((1, len(ranked), _employer(part)))
            elif has_title_word(folded):
                title = title or part
            elif _employer_like(part) and not _is_place(part):
                # "Department of Genetics, University of Cambridge": the university employs
                rank = 4 if _UNIT.match(part) else 2 if how == 0 else 3
                ranked.append((rank, len(ranked), _employer(part)))
            elif _DOMAIN.fullmatch(part):  # "bol.com"
                ranked.append((2, len(ranked), part))
    best = min(ranked) if ranked else (9, 0, None)
    if best[2] is None and client is not None:
        return Reading(title, client, 1)  # "Client: TomTom — Data platform": no agency named
    if client is not None and best[2] is not None and fold(client) == fold(best[2]):
        client = None
    return Reading(title, best[2], best[0], client)


def _nearby(doc: Document, numbers: range, section: str, page: int) -> list[str]:
    """Short lines next to a job's dates, in reading order, a short wrapped line joined to
    the one before ("Wissenschaftliche Mitarbeiterin, Fraunhofer" / "HHI"). The header (the
    candidate's name and headline) holds no job."""
    lines = []
    for n in numbers:
        if not 0 <= n < len(doc.lines):
            break
        other = doc.lines[n]
        if other.section != section or other.page != page or not short(other):
            break
        if other.section == HEADER:
            break
        lines.append(other)
    lines.sort(key=lambda line: line.number)
    texts: list[str] = []
    for line in lines:
        wrapped = (
            len(line.text.split()) <= 2
            and not _STRONG_SPLIT.search(line.text)
            and not has_title_word(line.folded)
        )
        if (
            texts
            and wrapped
            and len(texts[-1]) >= 30  # a line that wraps is long; "Entwicklerin" / "KPMG" is not
            and has_title_word(fold(texts[-1]))
            and texts[-1][-1:].isalpha()
        ):
            texts[-1] = f"{texts[-1]} {line.text}"
        else:
            texts.append(line.text)
    return texts


def around(doc: Document, found: DateRange, dates_first: bool = False) -> tuple[Reading, bool]:
    """Title and employer of a job whose dates are ``found``: from its own line, then the
    short line after it ('Title 2019–2021' / 'Employer · City'), else the lines before it
    ('Employer — Title' / 'Jan 2019 – Present'), or the lines after first when the CV opens
    every job with its dates (``dates_first``); and whether the employer is on its line."""
    page = doc.pages[found.page]
    before_text = page.text[found.first.start + found.first.head : found.start]
    after_text = page.text[found.end : found.last.end]
    own = _LENGTH.sub(" ", f"{before_text} · {after_text}").strip(" ·")
    mine = read([own])
    if mine.complete and mine.rank < 3:
        return mine, True
    section = found.first.section
    after = _nearby(doc, range(found.last.number + 1, found.last.number + 3), section, found.page)
    before = _nearby(
        doc, range(found.first.number - 1, found.first.number - 3, -1), section, found.page
    )
    if mine.title is None and mine.employer is None:
        # the nearest line alone first: a line further up may be the last job's bullet
        options = [after, before] if dates_first else [before[-1:], before, after]
    elif mine.title is None:  # "Lisbon · Feb 2021 – today": a place, or the employer
        # a next line with a title and an employer of its own is the next job's, not ours
        following = after[:1] if mine.employer is None or not read(after[:1]).complete else []
        options = [before[-1:], [own, *following]]
    elif mine.employer is not None:  # "Indeed" / "Senior PM, Employer Experience  2019 –"
        options = [[*before[-1:], own]]
    else:
        options = [[own, *after[:1]], [*before[-1:], own]]
    best, own_employer = mine, mine.employer is not None
    for texts in options:
        reading = read(texts)
        if reading.complete and (not best.complete or reading.rank < best.rank):
            return reading, reading.employer == mine.employer
        if sum(map(bool, (reading.title, reading.employer))) > sum(
            map(bool, (best.title, best.employer))
        ):
            best = reading
    return best, own_employer and best.employer == mine.employer
