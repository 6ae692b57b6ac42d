"""Spoken languages and their CEFR level, from a languages section or from prose.

A languages section is cut into items at list separators outside parentheses ("English
(native), German – fluent", "Spanish: C1; French: B2", "EN (native) · DE (B2)", one per line,
or name and level on lines of their own); an item's level is whatever level phrase it holds
besides the names, and goes to all of them ("euskera y castellano (nativos)"); a piece that
names several languages each followed by its own level is cut before each name ("Français :
langue maternelle - Anglais : courant", the dots a scan read as dashes). A table's head row
("Sprache | Niveau") belongs to the section.
Two-column layouts often print the level column apart from the names (all levels, then all
names, or levels at the top of the page): level-only lines are then paired with level-less
names in order, when their numbers agree.

Outside the section a language counts only in a sentence that says it is spoken: a level
phrase next to it ("fluent German", "inglés con fluidez") or a verb of speaking ("I speak",
"hablo", "je parle", "ich spreche"). "English Literature" or "a German bank" say nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from cvchat.domain.profiles import Evidence, LanguageFact
from cvchat.domain.vocabulary import (
    LANGUAGE_BY_NAME,
    LANGUAGE_NAMES,
    Level,
    fold,
    language_name,
    parse_level,
)
from cvchat.infrastructure.profiles.offline_text import Document, Line
from cvchat.infrastructure.profiles.offline_words import (
    BULLET,
    LANGUAGE_CODE,
    LANGUAGE_LEVEL,
    LANGUAGE_NAME,
)

_SPEAK = re.compile(
    r"(?<!\w)(?:speak|speaks|spoken|speaking|hablo|habla|hablar|hablado|parle|parlee|parles"
    r"|parler|spreche|spricht|sprechen|languages|idiomas|lenguas|langues|sprachen"
    r"|sprachkenntnisse|dominio\s+del|dominio\s+de|nivel\s+de)(?!\w)"
)
# Language codes a languages section writes for names ("EN (native) · DE (B2)", "ENG C1"),
# upper case as written: ISO 639-1 and a few common three-letter forms.
_THREE_LETTER = {
    "ENG": "en",
    "GER": "de",
    "DEU": "de",
    "FRA": "fr",
    "FRE": "fr",
    "SPA": "es",
    "ESP": "es",
    "ITA": "it",
    "POR": "pt",
}
_ITEM_SEPARATOR = re.compile(r"[,;·|•/]")
# Level phrases too generic to mean a language level on their own, away from a name.
_WEAK_ALONE = frozenset({"good", "bien", "gut", "limited", "basis", "mittel", "moyen", "dominio"})


@dataclass
class _Item:
    codes: list[str]
    level: Level | None
    line: Line
    fstart: int  # folded offsets of the item in its page
    fend: int


def _split_items(doc: Document, lines: list[Line]) -> list[_Item]:
    """The section's text cut at separators outside parentheses, each piece's names/level.
    A line that starts in lower case or with "(" goes on with the item before it when that
    item still lacks its level or ends the line above ("Portuguese — working" /
    "proficiency", "Französisch" / "(A2), Portugiesisch (A2)", "full professional" /
    "proficiency (C2)")."""
    items: list[_Item] = []
    for line in lines:
        base = doc.folded_start(line)
        text = BULLET.sub(lambda m: " " * len(m.group()), line.folded)
        pieces = _pieces(text)
        last = items[-1] if items else None
        if (
            last is not None
            and last.codes
            and (last.level is None or last.line.number == line.number - 1)
            and (line.text[:1].islower() or line.text[:1] == "(")
            and not LANGUAGE_NAME.search(text[pieces[0][0] : pieces[0][1]])
        ):
            end = base + pieces[0][1]
            joined = doc.pages[line.page].folded[last.fstart : end]
            level = _level_of(LANGUAGE_NAME.sub(" ", joined))
            if level is not None:
                last.level, last.fend = level, end
                pieces = pieces[1:]
        for a, b in (cut for piece in pieces for cut in _by_name(text, *piece)):
            piece = text[a:b]
            if not piece.strip():
                continue
            named = LANGUAGE_NAME.finditer(piece)
            codes = list(dict.fromkeys(LANGUAGE_BY_NAME[m.group()] for m in named))
            if not codes:
                codes, piece = _codes(doc, line, base + a, base + b, piece)
            level = _level_of(LANGUAGE_NAME.sub(" ", piece))
            if not codes and level is not None and not _pure_level(piece):
                continue  # "Yoruba (native)": a language the vocabulary does not know
            if codes or level:
                items.append(_Item(codes, level, line, base + a, base + b))
    return items


_SPACED_DASH = re.compile(r"\s[-–—:]\s")


def _by_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A piece that names several languages, each with its level after it, cut before each
    name: "Français : langue maternelle - Anglais : courant - Breton : notions" (a scan reads
    the "·" between them as a dash). A name without a level of its own, joined to the next
    by "and" ("euskera y castellano (nativos)"), stays with it; a piece without levels, or
    whose first name comes after a level ("fluent English and German"), is left whole."""
    piece = text[start:end]
    names = list(LANGUAGE_NAME.finditer(piece))
    if len({LANGUAGE_BY_NAME[m.group()] for m in names}) < 2 or piece[: names[0].start()].strip(
        " :-–—()"
    ):
        return [(start, end)]
    cuts: list[tuple[int, int]] = []
    for i, name in enumerate(names):
        stop = names[i + 1].start() if i + 1 < len(names) else len(piece)
        rest = piece[name.end() : stop]
        level = LANGUAGE_LEVEL.search(rest)
        if level is None:
            if _JOINED.match(rest) and i + 1 < len(names):
                continue  # shares the next name's level: the cut starts here
            return [(start, end)]
        # what follows the level after a dash is no part of it ("- Maya: básico")
        dash = _SPACED_DASH.search(rest, level.end())
        if dash is not None:
            stop = name.end() + dash.start()
        cuts.append((_group_start(names, i, piece), stop))
    if not cuts:
        return [(start, end)]
    return [(start + a, start + b) for a, b in cuts]


def _group_start(names: list[re.Match[str]], i: int, piece: str) -> int:
    """Where the run of names joined by "and" that ends with name ``i`` starts."""
    j = i
    while j > 0 and _JOINED.match(piece[names[j - 1].end() : names[j].start()]):
        j -= 1
    return names[j].start()


def _codes(doc: Document, line: Line, fstart: int, fend: int, piece: str) -> tuple[list[str], str]:
    """The languages a piece names by code ("EN (native)", "DE B2"), and the piece without
    them (so "DE" is not read as a level)."""
    page = doc.pages[line.page]
    start, end = page.original(fstart, fend)
    codes = []
    for match in LANGUAGE_CODE.finditer(page.text, start, end):
        written = match.group("code")
        code = _THREE_LETTER.get(written) or written.lower()
        if code in LANGUAGE_NAMES and not re.fullmatch(r"[ABC][12]", written):
            codes.append(code)
            piece = piece.replace(written.lower(), " " * len(written), 1)
    return list(dict.fromkeys(codes)), piece


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of a line between separators outside parentheses; a full
    stop ends a piece too ("English — native. French — conversational")."""
    depth, start = 0, 0
    pieces: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (
            _ITEM_SEPARATOR.match(char) or (char == "." and text[i + 1 : i + 2] == " ")
        ):
            pieces.append((start, i))
            start = i + 1
    pieces.append((start, len(text)))
    return pieces


def _level_of(text: str) -> Level | None:
    text = " ".join(text.split())  # a level may wrap: "working" / "proficiency"
    return parse_level(text) if LANGUAGE_LEVEL.search(text) else None


def _pure_level(piece: str) -> bool:
    """A piece that starts with its level ('Nativo', 'fluent (C1, Goethe-Zertifikat)')."""
    match = LANGUAGE_LEVEL.search(piece)
    return match is not None and not re.search(r"[^\W\d_]", piece[: match.start()])


def _pair(items: list[_Item]) -> None:
    """Give level-less names the level-only items near them: a column of names beside a
    column of levels (same count, one column first), or 'Deutsch' then 'Muttersprache'."""
    loose = [it for it in items if bool(it.codes) != (it.level is not None)]
    names = [it for it in loose if it.codes]
    levels = [it for it in loose if not it.codes]
    if not names or not levels:
        return
    kinds = "".join("n" if it.codes else "v" for it in loose)
    if len(names) == len(levels) and kinds in (
        "n" * len(names) + "v" * len(levels),
        "v" * len(levels) + "n" * len(names),
    ):
        for name, level in zip(names, levels, strict=True):
            name.level = level.level
        return
    for first, second in itertools.pairwise(loose):
        if first.codes and first.level is None and not second.codes:
            first.level = second.level


def _facts(doc: Document, items: list[_Item]) -> dict[str, LanguageFact]:
    facts: dict[str, LanguageFact] = {}
    for item in items:
        for code in item.codes:
            if code in facts and (facts[code].level is not None or item.level is None):
                continue
            facts[code] = LanguageFact(
                code=code,
                name=language_name(code),
                level=item.level,
                evidence=_item_evidence(doc, item),
            )
    return facts


def _item_evidence(doc: Document, item: _Item) -> Evidence:
    return doc.exact_evidence(item.line.page, item.fstart, item.fend)


def _orphan_levels(doc: Document) -> list[_Item]:
    """Lines outside the section that hold nothing but a level ('Nativo', 'C2'): the level
    column of a sidebar whose names were printed elsewhere."""
    found = []
    for line in doc.lines:
        if line.section == "languages" or line.heading:
            continue
        text = BULLET.sub("", line.folded).strip(" :()")
        match = LANGUAGE_LEVEL.fullmatch(text)
        if match is not None and text not in _WEAK_ALONE:
            base = doc.folded_start(line)
            found.append(_Item([], parse_level(text), line, base, base + len(line.folded)))
    return found


def _orphan_names(doc: Document, levels: list[_Item]) -> None:
    """A languages section of levels only, whose names the layout printed elsewhere, each
    alone on its line ('English' / 'German' / 'Hebrew'): names and levels pair in order."""
    names = []
    for line in doc.lines:
        text = BULLET.sub("", line.folded).strip(" :")
        if line.section != "languages" and not line.heading and text in LANGUAGE_BY_NAME:
            base = doc.folded_start(line)
            names.append(_Item([LANGUAGE_BY_NAME[text]], None, line, base, base + len(line.folded)))
    if len(names) == len(levels):
        for name, level in zip(names, levels, strict=True):
            level.codes, level.line, level.fstart, level.fend = (
                name.codes,
                name.line,
                name.fstart,
                name.fend,
            )


def extract_languages(doc: Document) -> tuple[LanguageFact, ...]:
    section = [line for line in doc.in_section("languages")]
    items = _split_items(doc, section)
    if items and not any(item.codes for item in items):
        _orphan_names(doc, items)
    _pair(items)
    facts = _facts(doc, items)
    missing = [it for it in items if it.codes and it.level is None]
    if missing:
        orphans = _orphan_levels(doc)
        if len(orphans) == len(missing):
            for item, orphan in zip(missing, orphans, strict=True):
                for code in item.codes:
                    if facts[code].level is None:
                        facts[code] = facts[code].model_copy(update={"level": orphan.level})
    for code, fact in _from_prose(doc).items():
        if code not in facts or (facts[code].level is None and fact.level is not None):
            facts[code] = fact
    return tuple(facts.values())


def _from_prose(doc: Document) -> dict[str, LanguageFact]:
    """Languages a sentence says are spoken, outside the languages section. Each level phrase
    goes to the nearest name of its sentence (within ``_WINDOW`` characters), and a name
    joined to a leveled one by "and" shares its level: "fluent English and basic German",
    "English and Hindi natively", "ich spreche fließend Deutsch und Englisch". A verb of
    speaking near a name alone gives the language without a level."""
    facts: dict[str, LanguageFact] = {}
    for number, page in enumerate(doc.pages):
        for start, end in doc.sentences(number):
            base = doc.folded_offset(number, start)
            text = page.folded[base : doc.folded_offset(number, end)]
            names = [
                m
                for m in LANGUAGE_NAME.finditer(text)
                if not _in_proper_name(page.text, page.original(base + m.start(), 0)[0])
            ]
            if not names:
                continue
            first = page.line_at(page.original(base + names[0].start(), 0)[0])
            if first is None or first.section in ("languages", "education"):
                continue
            speaks = [m.start() for m in _SPEAK.finditer(text)]
            levels = list(LANGUAGE_LEVEL.finditer(LANGUAGE_NAME.sub(_blank, text)))
            if not speaks:
                levels = [m for m in levels if m.group() not in _WEAK_ALONE]
            for name, (level, source) in zip(names, _assign(text, names, levels), strict=True):
                spoken = any(abs(at - name.start()) <= _WINDOW for at in speaks)
                if level is None and not spoken:
                    continue
                code = LANGUAGE_BY_NAME[name.group()]
                if code in facts and facts[code].level is not None:
                    continue
                if source is not None:
                    left = min(name.start(), source.start())
                    right = max(name.end(), source.end())
                    evidence = doc.exact_evidence(number, base + left, base + right)
                else:
                    evidence = doc.folded_span_evidence(
                        number, base + name.start(), base + name.end()
                    )
                facts[code] = LanguageFact(
                    code=code, name=language_name(code), level=level, evidence=evidence
                )
    return facts


_WINDOW = 40
_LAST_WORD = re.compile(r"(\S+)(\s+)$")
_CROSSING = re.compile(r"[,;)]|\b(?:and|y|e|et|und|or|o|ou|oder)\b")
_JOINED = re.compile(r"^\s*(?:,|and|y|e|et|und|&|/|or|o|ou|oder)?\s*$")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _in_proper_name(text: str, start: int) -> bool:
    """'País Vasco', 'Deutsche Bank', 'French Tech': a capitalised word just before the name,
    mid-sentence, makes it part of another name (a level word does not: 'Fluent German'; nor
    a sentence's first word: 'Hablo inglés')."""
    before = text[max(0, start - 60) : start]
    last = _LAST_WORD.search(before)
    if last is None or "\n" in last.group(2):
        return False
    previous = last.group(1)
    if not previous[:1].isupper() or LANGUAGE_LEVEL.fullmatch(fold(previous)) is not None:
        return False
    if previous[-1] in ".!?:;":
        return False  # "I grew up in Madrid. Spanish is my mother tongue": a new sentence
    ahead = before[: last.start()]
    trimmed = ahead.rstrip()
    sentence_start = not trimmed or trimmed[-1] in ".!?:;•·(,–—-|" or "\n" in ahead[len(trimmed) :]
    return not sentence_start


_CEFR_CODE = re.compile(r"[abc][12]")


def _explicit(text: str, word: re.Match[str], code: re.Match[str]) -> bool:
    """Whether a CEFR code in brackets right after a level word states it exactly:
    "verhandlungssicher (C1)" is C1, whatever the word alone would mean."""
    return (
        _CEFR_CODE.fullmatch(code.group()) is not None
        and _CEFR_CODE.fullmatch(word.group()) is None
        and re.fullmatch(r"\s*\(\s*", text[word.end() : code.start()]) is not None
    )


def _assign(
    text: str, names: list[re.Match[str]], levels: list[re.Match[str]]
) -> list[tuple[Level | None, re.Match[str] | None]]:
    """The level of each name and the phrase that says it: its nearest level phrase (after
    the name on a tie: "English C1 … Spanish B2"), else a joined neighbour's."""
    found: list[tuple[int, Level, re.Match[str]] | None] = [None] * len(names)
    for level in levels:
        best: tuple[int, int] | None = None
        for i, name in enumerate(names):
            before = level.end() <= name.start()
            gap = name.start() - level.end() if before else level.start() - name.end()
            between = (
                text[level.end() : name.start()] if before else text[name.end() : level.start()]
            )
            # a comma, "and" or a closing bracket between them: the level is another name's
            crossed = _CROSSING.search(between) is not None
            rank = gap * 2 + (1 if before else 0) + (100 if crossed else 0)
            if 0 <= gap <= _WINDOW and (best is None or rank < best[0]):
                best = (rank, i)
        parsed = parse_level(level.group())
        if best is not None and parsed is not None:
            current = found[best[1]]
            if current is None or best[0] < current[0] or _explicit(text, current[2], level):
                found[best[1]] = (best[0], parsed, level)
    result: list[tuple[Level | None, re.Match[str] | None]] = [
        (f[1], f[2]) if f else (None, None) for f in found
    ]
    for _ in range(2):  # chains: "Deutsch, Englisch und Spanisch fließend"
        for i in range(len(names)):
            if result[i][0] is not None:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(names) and result[j][0] is not None:
                    a, b = sorted((i, j))
                    if _JOINED.match(text[names[a].end() : names[b].start()]):
                        result[i] = result[j]
                        break
    return result
