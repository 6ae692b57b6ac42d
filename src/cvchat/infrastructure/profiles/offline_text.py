"""A CV's text prepared once for every rule: folded pages, lines, sections and evidence.

Every rule of the offline extractor matches on *folded* text (lower case, no accents) so that
"Alemán", "ALEMAN" and "aleman" meet, but evidence must quote the CV verbatim. So each page is
folded once, character by character, with a map from folded offsets back to the page's own
offsets: a match anywhere in the folded text becomes a verbatim snippet of the page.

Each line carries the section it belongs to (see ``offline_sections``), and the document
knows its sentences, where running text wraps across lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from cvchat.domain.profiles import Evidence
from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_dates import find_ranges
from cvchat.infrastructure.profiles.offline_sections import heading, wrapped_headings
from cvchat.infrastructure.profiles.offline_words import (
    BULLET,
    LANGUAGE_CODE,
    LANGUAGE_LEVEL,
    LANGUAGE_NAME,
)

HEADER = "header"
# Lines after a list section that something else ended: a timeline or a column the layout
# printed below the sidebar's last heading ("Languages" / "Jan 2023 – now" / "UX Designer,
# OVO Energy"). Read like a CV without headings: no section's rules apply to them.
LOOSE = "loose"
# Sections that never hold a date range: one that opens a line belongs to something else.
_UNDATED = frozenset({"languages", "skills", "interests", "contact", "links"})
MAX_SNIPPET = 200
_LINE = re.compile(r"[^\n]+")


@cache
def _fold_char(char: str) -> str:
    return fold(char)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the offset of the character it came from
    (plus one final entry for the end), so a folded match maps back to verbatim text."""
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    parts: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        index.extend([i] * len(folded))
    index.append(len(text))
    return "".join(parts), index


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty line: 0-based page, stripped offsets in the page, and its section."""

    number: int  # position in the document's line list
    page: int
    start: int
    end: int
    text: str
    folded: str
    section: str
    heading: bool  # a heading alone on its line (no content)
    head: int = 0  # length of a heading that starts the line ("Skills: " in "Skills: Go")

    @property
    def content(self) -> str:
        """The line without a heading that starts it."""
        return self.text[self.head :].strip(" :")


@dataclass
class Page:
    text: str
    folded: str  # same line structure as ``text``
    index: list[int]  # folded offset → text offset
    line_starts: list[int] = field(default_factory=list)  # text offsets, for bisect
    lines: list[Line] = field(default_factory=list)

    def original(self, fstart: int, fend: int) -> tuple[int, int]:
        """The page offsets a folded span came from."""
        return self.index[fstart], self.index[fend] if fend < len(self.index) else len(self.text)

    def line_at(self, offset: int) -> Line | None:
        """The line holding a page offset (None on blank space between lines)."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        if i < 0:
            return None
        line = self.lines[i]
        return line if line.start <= offset <= line.end else None


_SENTENCE_CUT = re.compile(r"[^.!?;•]+(?:[.!?;•](?!\s|$)[^.!?;•]*)*[.!?;•]?")


class Document:
    """The pages of one CV, folded, split into lines, each line tagged with its section."""

    def __init__(self, pages: tuple[str, ...]) -> None:
        self.pages: list[Page] = []
        self.lines: list[Line] = []
        section = HEADER
        for number, text in enumerate(pages):
            folded, index = fold_with_map(text)
            page = Page(text=text, folded=folded, index=index)
            raw_lines = []
            for match in _LINE.finditer(text):
                raw = match.group()
                stripped = raw.strip()
                if stripped:
                    start = match.start() + (len(raw) - len(raw.lstrip()))
                    raw_lines.append((start, stripped))
            wrapped = wrapped_headings([stripped for _, stripped in raw_lines])
            for i, (start, stripped) in enumerate(raw_lines):
                end = start + len(stripped)
                line_folded = folded[_folded_offset(index, start) : _folded_offset(index, end)]
                found = wrapped.get(i) or heading(stripped, line_folded, section)
                head = 0
                if found is not None:
                    section, head = found[0], found[1]
                elif _ends(section, stripped, line_folded):
                    section = LOOSE
                line = Line(
                    len(self.lines),
                    number,
                    start,
                    end,
                    stripped,
                    line_folded,
                    section,
                    found is not None and head < 0,
                    max(head, 0),
                )
                page.lines.append(line)
                page.line_starts.append(start)
                self.lines.append(line)
            self.pages.append(page)
        self.sections = {line.section for line in self.lines}
        self._sentences: dict[int, list[tuple[int, int]]] = {}

    def mark_header(self, line: Line) -> None:
        """Put the name's line and the lines after it, up to the next heading, in the header:
        two-column layouts print the main column's header after the sidebar's last section,
        where reading order would file it."""
        page = self.pages[line.page]
        for number in range(line.number, len(self.lines)):
            current = self.lines[number]
            if current.page != line.page or (number > line.number and current.head):
                break
            if current.heading:
                break
            marked = replace(current, section=HEADER)
            self.lines[number] = marked
            page.lines[page.lines.index(current)] = marked
        self.sections = {line.section for line in self.lines}

    def in_section(self, *names: str) -> Iterator[Line]:
        return (line for line in self.lines if line.section in names and not line.heading)

    def evidence(self, page: int, start: int, end: int) -> Evidence:
        """The verbatim snippet around a page span: its whole line(s), cut to a window around
        the span when longer than ``MAX_SNIPPET``."""
        text = self.pages[page].text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if line_end - line_start > MAX_SNIPPET:
            room = max(0, MAX_SNIPPET - (end - start)) // 2
            line_start = max(line_start, start - room)
            line_end = min(line_end, line_start + MAX_SNIPPET)
        snippet = text[line_start:line_end].strip()
        return Evidence(page=page + 1, snippet=snippet or text[start:end])

    def sentences(self, page: int) -> list[tuple[int, int]]:
        """The page's sentences as (start, end) offsets: lines joined where running text
        wraps (a long line without final punctuation, or a next line in lower case), then cut
        at sentence punctuation. A list item or a heading is a sentence of its own."""
        cached = self._sentences.get(page)
        if cached is not None:
            return cached
        lines = self.pages[page].lines
        blocks: list[tuple[int, int]] = []
        for i, line in enumerate(lines):
            previous = lines[i - 1] if i else None
            continues = (
                previous is not None
                and not previous.heading
                and not line.heading
                and not previous.text.endswith((".", "!", "?", ":", ";"))
                and (len(previous.text) >= 60 or line.text[:1].islower())
                and not BULLET.match(line.text)
            )
            if continues and blocks:
                blocks[-1] = (blocks[-1][0], line.end)
            else:
                blocks.append((line.start, line.end))
        text = self.pages[page].text
        found = []
        for start, end in blocks:
            for match in _SENTENCE_CUT.finditer(text, start, end):
                if match.group().strip():
                    found.append((match.start(), match.end()))
        self._sentences[page] = found
        return found

    def folded_offset(self, page: int, offset: int) -> int:
        return _folded_offset(self.pages[page].index, offset)

    def line_evidence(self, line: Line) -> Evidence:
        return self.evidence(line.page, line.start, line.end)

    def folded_span_evidence(self, page: int, fstart: int, fend: int) -> Evidence:
        start, end = self.pages[page].original(fstart, fend)
        return self.evidence(page, start, end)

    def exact_evidence(self, page: int, fstart: int, fend: int) -> Evidence:
        """The page's own text of a folded span (an item, a sentence), trimmed; a span longer
        than ``MAX_SNIPPET`` falls back to the window of ``evidence``."""
        start, end = self.pages[page].original(fstart, fend)
        text = self.pages[page].text
        while start < end and text[start] in " \n\t,;·|•":
            start += 1
        while end > start and text[end - 1] in " \n\t,;·|•":
            end -= 1
        if end - start > MAX_SNIPPET or start == end:
            return self.evidence(page, start, max(start, end))
        if text.count("(", start, end) > text.count(")", start, end) and text[end : end + 1] == ")":
            end += 1  # "inglés (nivel C1)", not "inglés (nivel C1"
        return Evidence(page=page + 1, snippet=text[start:end])

    def folded_start(self, line: Line) -> int:
        """Offset of a line in its page's folded text."""
        return _folded_offset(self.pages[line.page].index, line.start)


def _ends(section: str, text: str, folded: str) -> bool:
    """Whether a line cannot belong to the list section above it: a date range at the start
    of a short line ("Jan 2023 – now"), or, under Languages, a line that names no language
    and no level and goes on no item ("Senior Data Analyst, Hapag-Lloyd AG")."""
    if section not in _UNDATED:
        return False
    ranges = find_ranges(folded)
    if ranges and ranges[0].fstart <= 2 and len(folded) <= 90:
        return True
    if section != "languages" or not BULLET.sub("", text).strip():
        return False
    if _column_heads(folded):
        return False  # "Sprache | Niveau": the head row of the languages table
    spoken = LANGUAGE_NAME.search(folded) or LANGUAGE_LEVEL.search(folded)
    return text[:1].isupper() and not spoken and not LANGUAGE_CODE.search(text)


# The words a languages table's head row is made of ("Language | Level", "Idioma | Nivel",
# "Langue | Niveau", "Sprache | Niveau / Kenntnisse"), folded.
_COLUMN_TEXT = """language languages level levels proficiency idioma idiomas lengua nivel
    langue langues niveau sprache sprachen kenntnisse sprachniveau competence competences"""
_COLUMN_WORDS = frozenset(_COLUMN_TEXT.split())


def _column_heads(folded: str) -> bool:
    words = re.findall(r"[^\W\d_]+", folded)
    return len(words) >= 2 and all(word in _COLUMN_WORDS for word in words)


def _folded_offset(index: list[int], offset: int) -> int:
    return bisect.bisect_left(index, offset)
