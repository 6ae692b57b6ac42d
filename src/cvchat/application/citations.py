"""Numbered passages, and the sources an answer's ``[n]`` citations point to.

One numbering serves the prompt, the extractive answerer and ``final.sources``: passages
are numbered 1, 2, 3 … in retrieval order (best CV first, then its passages in order), so
``[n]`` in any answer resolves to the same passage whichever answerer wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cvchat.domain.retrieval import CvHit, Passage

SNIPPET_CHARS = 240
# [3], [1, 3], [1; 3], [2-4] — and the full-width brackets some models emit.
_CITATION = re.compile(r"[\[【]\s*(\d+(?:\s*(?:[,;]|-|–)\s*\d+)*)\s*[\]】]")


@dataclass(frozen=True)
class NumberedPassage:
    n: int
    hit: CvHit
    passage: Passage


def number_passages(hits: Sequence[CvHit]) -> list[NumberedPassage]:
    numbered: list[NumberedPassage] = []
    for hit in hits:
        for passage in hit.passages:
            numbered.append(NumberedPassage(len(numbered) + 1, hit, passage))
    return numbered


def cited_numbers(text: str) -> list[int]:
    """The passage numbers cited in ``text``, in order of first citation, without repeats."""
    seen: dict[int, None] = {}
    for match in _CITATION.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and int(bounds[0]) <= int(bounds[1]) <= int(bounds[0]) + 20:
                numbers = range(int(bounds[0]), int(bounds[1]) + 1)
            else:
                numbers = range(int(bounds[0]), int(bounds[0]) + 1)
            for number in numbers:
                seen.setdefault(number, None)
    return list(seen)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def pdf_url(cv_id: str, page: int) -> str:
    return f"/api/cvs/{cv_id}/pdf#page={page}"


def source(item: NumberedPassage) -> dict[str, Any]:
    hit, passage = item.hit, item.passage
    return {
        "cv_id": hit.cv_id,
        "name": hit.name,
        "headline": hit.headline,
        "file": hit.file,
        "page": passage.page,
        "snippet": snippet(passage.text),
        "score": round(hit.score, 6),
        "url": pdf_url(hit.cv_id, passage.page),
    }


def cited_sources(numbered: Sequence[NumberedPassage], text: str) -> list[dict[str, Any]]:
    """What ``text`` cited, in citation order; one entry per (CV, page); unknown ``[n]`` ignored.

    Each source lists the passage numbers (``citations``) that point to it, so that a
    client can link every ``[n]`` in the text to its card.
    """
    by_number = {item.n: item for item in numbered}
    sources: list[dict[str, Any]] = []
    index: dict[tuple[str, int], dict[str, Any]] = {}
    for number in cited_numbers(text):
        item = by_number.get(number)
        if item is None:
            continue
        key = (item.hit.cv_id, item.passage.page)
        if key not in index:
            index[key] = source(item) | {"citations": []}
            sources.append(index[key])
        if number not in index[key]["citations"]:
            index[key]["citations"].append(number)
    return sources
