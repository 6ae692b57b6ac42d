"""Language-aware keyword analysis for BM25: tokens, stop words and Snowball stems (en/es/fr/de).

A CV is analysed in its own language. A query may be written in another language than the CV it
targets (an English question about a Spanish CV), so a query is stemmed with every language of
the index after dropping the stop words of the language it is written in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import Stemmer
from bm25s.stopwords import (
    STOPWORDS_EN_PLUS,
    STOPWORDS_FRENCH,
    STOPWORDS_GERMAN,
    STOPWORDS_SPANISH,
)

LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de")
DEFAULT_LANGUAGE = "en"

_STEMMER_NAMES = {"en": "english", "es": "spanish", "fr": "french", "de": "german"}
_STOPWORDS_RAW: dict[str, Iterable[str]] = {
    "en": STOPWORDS_EN_PLUS,
    "es": STOPWORDS_SPANISH,
    "fr": STOPWORDS_FRENCH,
    "de": STOPWORDS_GERMAN,
}

# A word, possibly with inner dots/hyphens ("node.js", "full-stack") and trailing +/# ("c++").
_WORD = re.compile(r"\w+(?:[.\-]\w+)*[+#]*")
_PLAIN_WORD = re.compile(r"(?u)\b\w\w+\b")


def fold(text: str) -> str:
    """Lowercase and strip accents, so that "Alemán" and "aleman" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=len(LANGUAGES))
def stopwords(language: str) -> frozenset[str]:
    words = _STOPWORDS_RAW.get(language, STOPWORDS_EN_PLUS)
    return frozenset(w.lower() for w in words) | frozenset(fold(w) for w in words)


@lru_cache(maxsize=len(LANGUAGES))
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


def words(text: str) -> list[str]:
    """Lowercased words; compound words also yield their parts ("full-stack" → full, stack)."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        token = match.group()
        out.append(token)
        if "." in token or "-" in token:
            out.extend(p for p in re.split(r"[.\-]", token) if p)
    return out


def _stem_all(tokens: Sequence[str], language: str) -> list[str]:
    stemmer = _stemmer(language)
    plain = [t for t in tokens if t.isalpha()]
    stems = dict(zip(plain, stemmer.stemWords(plain), strict=True))
    return [fold(stems.get(t, t)) for t in tokens]


def analyze(text: str, language: str) -> list[str]:
    """Index-side analysis: words minus the language's stop words, stemmed, accent-folded."""
    stop = stopwords(language)
    return _stem_all([t for t in words(text) if t not in stop], language)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The language whose stop words are most frequent in the text (cheap and good enough)."""
    tokens = [fold(t) for t in words(text)[:2000]]
    if not tokens:
        return default
    counts = {lang: sum(t in stopwords(lang) for t in tokens) for lang in LANGUAGES}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > 0 else default


def analyze_query(query: str, index_languages: Iterable[str]) -> list[str]:
    """Query-side analysis: stop words of the query's language, stems of every index language."""
    stop = stopwords(detect_language(query))
    kept = [t for t in words(query) if t not in stop and fold(t) not in stop]
    tokens: dict[str, None] = {}
    for language in sorted(set(index_languages) or {DEFAULT_LANGUAGE}):
        tokens.update(dict.fromkeys(_stem_all(kept, language)))
    return list(tokens)


def analyze_plain(text: str) -> list[str]:
    """The replaced service's tokenizer: lowercase words of two or more characters, no stems."""
    return _PLAIN_WORD.findall(text.lower())
