"""Cutting a CV's pages into passages that can be embedded, matched and cited.

The CV-aware chunker keeps each passage inside one section of one page, so a passage about a
candidate's languages is not diluted by their education, and every passage maps back to an
exact character span of its page. Long sections are packed line by line up to a token budget
(counted with the embedding model's own tokenizer) with an overlap of whole lines; a single
line longer than the budget falls back to token windows.

``chunk_fixed`` is the replaced service's blind character windows, kept as the evaluation's
baseline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cvchat.infrastructure.rag.sections import HEADER, heading_of

_LINE = re.compile(r"[^\n]+")
# A date range such as "09/2022 – Present", "2019 - 2024" or "März 2020 – heute" starts an
# entry (a job, a degree): when a section must be split, it is split there first.
_DATE_RANGE = re.compile(r"(\b\d{1,2}[/.])?\b(19|20)\d{2}\s*[–—-]\s*\S+")


@dataclass(frozen=True)
class Chunk:
    page: int  # 1-based
    section: str | None
    char_start: int  # span in the page's text
    char_end: int
    text: str


class TokenCounter(Protocol):
    def count(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text, without special tokens."""

    def windows(self, text: str, size: int, overlap: int) -> list[tuple[int, int]]:
        """Character spans of consecutive windows of ``size`` tokens sharing ``overlap``."""


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    tokens: int
    opens_entry: bool = False


def _pack(
    page: int,
    page_text: str,
    section: str,
    lines: list[_Line],
    counter: TokenCounter,
    max_tokens: int,
    overlap_tokens: int,
) -> list[Chunk]:
    chunks: list[Chunk] = []

    def emit(start: int, end: int) -> None:
        chunks.append(Chunk(page, section, start, end, page_text[start:end]))

    current: list[_Line] = []
    for line in lines:
        if line.tokens > max_tokens:
            if current:
                emit(current[0].start, current[-1].end)
                current = []
            text = page_text[line.start : line.end]
            for a, b in counter.windows(text, max_tokens, overlap_tokens):
                emit(line.start + a, line.start + b)
            continue
        # +1 per line for the newline the joined text carries
        if current and sum(x.tokens + 1 for x in current) + line.tokens > max_tokens:
            entry = max((i for i, x in enumerate(current) if x.opens_entry and i > 0), default=0)
            if entry:  # cut between two entries: no overlap needed
                emit(current[0].start, current[entry - 1].end)
                current = current[entry:]
                if sum(x.tokens + 1 for x in current) + line.tokens <= max_tokens:
                    current.append(line)
                    continue
            emit(current[0].start, current[-1].end)
            carried: list[_Line] = []
            for previous in reversed(current[1:]):
                if sum(x.tokens + 1 for x in carried) + previous.tokens > overlap_tokens:
                    break
                carried.insert(0, previous)
            while carried and sum(x.tokens + 1 for x in carried) + line.tokens > max_tokens:
                carried.pop(0)
            current = carried
        current.append(line)
    if current:
        emit(current[0].start, current[-1].end)
    return chunks


@dataclass
class _Block:
    section: str
    lines: list[_Line]
    has_body: bool  # False while the block holds nothing but its heading


def _blocks(
    page_text: str, section: str, counts: list[int], headings: dict[str, str] | None
) -> list[_Block]:
    """The page's lines grouped by section; a heading line opens (and belongs to) its block."""
    blocks = [_Block(section, [], False)]
    spans = [(m.start(), m.end()) for m in _LINE.finditer(page_text)]
    for (start, end), tokens in zip(spans, counts, strict=True):
        opened = heading_of(page_text[start:end], headings)
        if opened is None:
            blocks[-1].has_body = True
        else:
            blocks.append(_Block(opened[0], [], opened[1]))
        opens_entry = bool(_DATE_RANGE.search(page_text, start, end))
        blocks[-1].lines.append(_Line(start, end, tokens, opens_entry))
    return blocks


def chunk_cv(
    pages: Sequence[str],
    counter: TokenCounter,
    max_tokens: int,
    overlap_tokens: int,
    headings: dict[str, str] | None = None,
) -> list[Chunk]:
    """Section-bounded, token-budgeted passages; a section may continue onto the next page.

    ``headings`` are the CV's own printed headings (folded) when known, e.g. from ``cv.json``.
    """
    chunks: list[Chunk] = []
    section = HEADER
    for number, page_text in enumerate(pages, start=1):
        counts = counter.count([m.group() for m in _LINE.finditer(page_text)])
        for block in _blocks(page_text, section, counts, headings):
            section = block.section
            if block.has_body:
                chunks.extend(
                    _pack(
                        number,
                        page_text,
                        section,
                        block.lines,
                        counter,
                        max_tokens,
                        overlap_tokens,
                    )
                )
    return chunks


def chunk_fixed(pages: Sequence[str], size: int = 500, overlap: int = 50) -> list[Chunk]:
    """Blind character windows (the replaced service's chunking), cut per page."""
    chunks: list[Chunk] = []
    step = size - overlap
    for number, page_text in enumerate(pages, start=1):
        for start in range(0, max(len(page_text) - overlap, 1), step):
            end = min(start + size, len(page_text))
            if page_text[start:end].strip():
                chunks.append(Chunk(number, None, start, end, page_text[start:end]))
    return chunks
