"""The offline answerer: a short, grounded answer composed from the retrieved passages.

No model, no key: it lists the candidates whose passages contain the question's terms,
each with the sentence that shows it quoted and cited ``[n]``, in the question's language
(en, es, fr, de); and says plainly "the corpus has no CV that …" when no passage does.
It is deterministic (same passages and question → same text), so the run engine and UI
tests can assert on it, and it streams word by word like a model.

Matching is lexical on purpose: a term matches a word that shares its first six letters
once case and accents are folded ("migrated" ~ "migration"), and language names match
across en/es/fr/de ("alemán" ~ "German"). A
candidate is listed when their passages contain the most terms, and at least half of them;
only candidates whose passages hold every term are said to match, the others are "the
closest", each with what it lacks.
"""

from __future__ import annotations

import asyncio
import math
import re
import unicodedata
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from cvchat.application.citations import NumberedPassage
from cvchat.domain.vocabulary import LANGUAGE_NAMES

STEM_CHARS = 6
QUOTE_CHARS = 180
MAX_QUOTES = 2

_WORD = re.compile(r"\w[\w+#]*(?:[.\-]\w[\w+#]*)*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|\s+[•·▪]\s+")


def fold(word: str) -> str:
    """Lower case without accents: the form every comparison uses."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


# Language names, the CV fact most often asked about across languages: each spelling's stem
# maps to the English one, so "¿quién habla alemán?" finds "German".
_ALIASES = {
    fold(name)[:STEM_CHARS]: fold(names[0])[:STEM_CHARS]
    for names in LANGUAGE_NAMES.values()
    for name in names
}


def stem(word: str) -> str:
    folded = fold(word)[:STEM_CHARS]
    return _ALIASES.get(folded, folded)


def _words(*groups: str) -> frozenset[str]:
    return frozenset(fold(w) for group in groups for w in group.split())


# Function words: they tell the language, and never count as terms.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a an the and or but of in on at to for from by with about as into than then is are was",
        "were be been being do does did has have had having it its this that these those there",
        "their them they he she his her him i me my we our you your who whom whose which what",
        "when where why how any some all also not no yes can could would should will shall may",
        "might must one ones other others such only just more most very so if both either each",
        "else among between",
    ),
    "es": _words(
        "el la los las un una unos unas y o u pero de del al en con por para sin sobre entre",
        "como que qué quien quién quienes quiénes cual cuál cuales cuáles cuando cuándo donde",
        "dónde es son fue fueron ser está están ha han hay este esta estos estas ese esa esos",
        "esas ellos ellas él ella su sus mi me te se lo le les nos no sí también ya muy más",
        "menos algún alguno alguna algunos algunas todos todas otro otra otros otras cada",
        "tambien ademas además",
    ),
    "fr": _words(
        "le la les un une des et ou mais de du au aux en dans avec par pour sans sur sous entre",
        "comme que qui quoi quel quelle quels quelles lequel laquelle lesquels lesquelles quand",
        "où est sont était ont a ce cet cette ces il elle ils elles eux leur leurs son sa ses",
        "mon ma mes je tu nous vous ne pas plus moins très aussi tout tous toute toutes autre",
        "autres chaque parmi y d l qu c",
    ),
    "de": _words(
        "der die das den dem des ein eine einen einem einer eines und oder aber von vom zu zum",
        "zur in im mit für auf aus bei nach über unter zwischen als wie wer wen wem wessen was",
        "welche welcher welches welchen welchem wann wo warum ist sind war waren hat haben",
        "hatte hatten wird werden kann können es er sie ihr ihnen ihre ihren ihrem sein seine",
        "diese dieser dieses diesen davon nicht kein keine auch noch sehr mehr weniger alle",
        "jeder jede jedes andere anderen",
    ),
}

# Words a recruiter's question is made of that say nothing about who matches.
QUESTION_WORDS = _words(
    # en
    "candidate candidates cv cvs resume resumes person people someone anyone anybody who",
    "experience experienced years year skills skill knowledge knows know knowing worked work",
    "working works speak speaks speaking spoke fluent fluently led lead leads leading list",
    "show find give tell name names profile profiles background please here done doing",
    # es
    "candidato candidatos candidata candidatas currículum curriculum currículo persona",
    "personas alguien experiencia años año habilidades habilidad conocimiento conocimientos",
    "trabajado trabaja trabajan trabajó tiene tienen sabe saben habla hablan hablar domina",
    "dominan lideró liderado lidera dirigió lista muestra muéstrame dime nombra perfil perfiles",
    "hecho hace",
    # fr
    "candidat candidats candidate candidates personne personnes quelqu'un expérience ans",
    "années compétences compétence connaissance connaissances travaillé travaille travaillent",
    "sait savent connaît connaissent parle parlent parler maîtrise maîtrisent dirigé mené dirige",
    "liste montre",
    "donne profil profils fait",
    # de
    "kandidat kandidaten kandidatin kandidatinnen lebenslauf lebensläufe person personen",
    "jemand erfahrung erfahrungen jahre jahren kenntnisse kenntnis fähigkeiten gearbeitet",
    "arbeitet arbeiten spricht sprechen beherrscht geleitet geführt leitete liste zeige nenne",
    "profil profile bitte gemacht macht",
)

_STOP = frozenset().union(*FUNCTION_WORDS.values(), QUESTION_WORDS)
_HINTS = {"es": "ñ¿¡", "de": "ßäöü", "fr": "çèêàùâîôœ"}


def detect_language(text: str) -> str:
    """``en``, ``es``, ``fr`` or ``de``: the language whose function words the text uses most."""
    words = [fold(w) for w in _WORD.findall(text)]
    lower = text.lower()
    scores = {
        lang: sum(w in vocab for w in words) + 2 * sum(c in lower for c in _HINTS.get(lang, ""))
        for lang, vocab in FUNCTION_WORDS.items()
    }
    best = max(scores.values())
    return next(lang for lang in ("en", "es", "fr", "de") if scores[lang] == best)


def key_terms(question: str) -> list[str]:
    """The question's content words, in order, without repeats (by stem)."""
    terms: dict[str, str] = {}
    for word in _WORD.findall(question):
        folded = fold(word)
        if folded in _STOP or (len(folded) < 2 and not re.search(r"[+#]", folded)):
            continue
        if folded.isdigit() and len(folded) < 4:
            continue
        terms.setdefault(stem(word), word)
    return list(terms.values())


@dataclass(frozen=True)
class Phrasing:
    one: str
    many: str
    none: str
    conjunction: str
    quote: tuple[str, str]
    closest: str  # when no candidate's passages hold every term: never "match"
    lacks: str


PHRASING: dict[str, Phrasing] = {
    "en": Phrasing(
        "One candidate matches:",
        "{n} candidates match:",
        "The corpus has no CV that mentions {terms}.",
        "and",
        ("“", "”"),
        "No passage found mentions {terms} together; the closest:",
        "no mention of {terms}",
    ),
    "es": Phrasing(
        "Un candidato coincide:",
        "{n} candidatos coinciden:",
        "El corpus no tiene ningún CV que mencione {terms}.",
        "y",
        ("«", "»"),
        "Ningún pasaje encontrado menciona {terms} a la vez; los más cercanos:",
        "sin mención de {terms}",
    ),
    "fr": Phrasing(
        "Un candidat correspond :",
        "{n} candidats correspondent :",
        "Le corpus n'a aucun CV qui mentionne {terms}.",
        "et",
        ("« ", " »"),
        "Aucun passage trouvé ne mentionne {terms} à la fois ; les plus proches :",
        "sans mention de {terms}",
    ),
    "de": Phrasing(
        "Ein Kandidat passt:",
        "{n} Kandidaten passen:",
        "Der Korpus hat keinen Lebenslauf, der {terms} erwähnt.",
        "und",
        ("„", "“"),
        "Keine gefundene Passage erwähnt {terms} zusammen; am nächsten:",
        "ohne Erwähnung von {terms}",
    ),
}


@dataclass(frozen=True)
class _Sentence:
    text: str
    n: int
    stems: frozenset[str]


@dataclass(frozen=True)
class _Candidate:
    name: str
    headline: str
    rank: int
    covered: frozenset[str]
    quotes: tuple[_Sentence, ...]


def _unwrap(text: str) -> str:
    """Undo the PDF's line wrapping: a line that goes on in lower case continues a sentence."""
    lines = [line.strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line[:1].islower() and out[-1][-1] not in ".!?;:":
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


def _sentences(item: NumberedPassage) -> list[_Sentence]:
    out = []
    for raw in _SENTENCE_END.split(_unwrap(item.passage.text)):
        text = " ".join(raw.split()).strip(" -–•·▪")
        if text:
            out.append(_Sentence(text, item.n, frozenset(stem(w) for w in _WORD.findall(text))))
    return out


def _candidates(numbered: Sequence[NumberedPassage], wanted: frozenset[str]) -> list[_Candidate]:
    by_cv: dict[str, list[NumberedPassage]] = {}
    for item in numbered:
        by_cv.setdefault(item.hit.cv_id, []).append(item)
    candidates = []
    for rank, items in enumerate(by_cv.values()):
        sentences = [s for item in items for s in _sentences(item) if s.stems & wanted]
        covered: set[str] = set()
        quotes: list[_Sentence] = []
        # Greedy: the sentence adding most new terms first (earlier passages win ties).
        while sentences and len(quotes) < MAX_QUOTES:
            best = max(sentences, key=lambda s: len((s.stems & wanted) - covered))
            if not (best.stems & wanted) - covered:
                break
            quotes.append(best)
            covered |= best.stems & wanted
            sentences.remove(best)
        hit = items[0].hit
        # A question may name the candidate or their title: that counts, and when no
        # sentence matched, their first sentence is the evidence shown.
        named = {stem(w) for w in _WORD.findall(f"{hit.name} {hit.headline}")} & wanted
        if named - covered:
            covered |= named
            if not quotes:
                quotes = [s for item in items for s in _sentences(item)][:1]
        candidates.append(
            _Candidate(hit.name, hit.headline, rank, frozenset(covered), tuple(quotes))
        )
    return candidates


def _quote(sentence: _Sentence, wanted: frozenset[str], marks: tuple[str, str]) -> str:
    text = sentence.text
    if len(text) > QUOTE_CHARS:
        words = text.split(" ")
        first = next((i for i, w in enumerate(words) if stem(w.strip(".,;:()")) in wanted), 0)
        start = max(0, first - 6)
        window = " ".join(words[start:])
        cut = window[:QUOTE_CHARS].rsplit(" ", 1)[0]
        text = ("…" if start else "") + cut + "…"
    return f"{marks[0]}{text}{marks[1]} [{sentence.n}]"


def _join(terms: Sequence[str], conjunction: str) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return f"{', '.join(terms[:-1])} {conjunction} {terms[-1]}"


def compose(question: str, numbered: Sequence[NumberedPassage]) -> str:
    """The whole answer for ``question`` from ``numbered`` passages."""
    phrasing = PHRASING[detect_language(question)]
    terms = key_terms(question)
    if not terms:
        terms = [question.strip(" ?¿!¡.")] if question.strip(" ?¿!¡.") else ["…"]
    by_stem = {stem(t): t for t in terms}
    wanted = frozenset(by_stem)
    candidates = _candidates(numbered, wanted)
    best = max((len(c.covered) for c in candidates), default=0)
    needed = max(1, math.ceil(len(wanted) / 2))
    if best < needed:
        return phrasing.none.format(terms=_join(terms, phrasing.conjunction))
    chosen = sorted((c for c in candidates if len(c.covered) == best), key=lambda c: c.rank)
    every = best == len(wanted)
    if not every:  # a partial match is no match: say what each of the closest lacks
        header = phrasing.closest.format(terms=_join(terms, phrasing.conjunction))
    elif len(chosen) == 1:
        header = phrasing.one
    else:
        header = phrasing.many.format(n=len(chosen))
    lines = [header]
    for c in chosen:
        who = f"{c.name} ({c.headline})" if c.headline else c.name
        quotes = "; ".join(_quote(q, wanted, phrasing.quote) for q in c.quotes)
        line = f"- {who}: {quotes}" if quotes else f"- {who}"
        missing = [by_stem[s] for s in by_stem if s not in c.covered]
        if missing:
            line += f" — {phrasing.lacks.format(terms=_join(missing, phrasing.conjunction))}"
        lines.append(line)
    found = frozenset().union(*(c.covered for c in candidates))
    absent = [by_stem[s] for s in by_stem if s not in found]
    if absent:
        lines.append(phrasing.none.format(terms=_join(absent, phrasing.conjunction)))
    return "\n".join(lines)


def pieces(text: str) -> list[str]:
    """``text`` as word-sized pieces (each with its leading space) that concatenate back."""
    return re.findall(r"\s*\S+", text)


async def stream_answer(question: str, numbered: Sequence[NumberedPassage]) -> AsyncIterator[str]:
    """``compose`` streamed word by word, yielding to the loop between words.

    ``compose`` runs in a worker thread: its cost grows with the question (up to 100,000
    characters), and on the event loop it would hold up every other stream meanwhile.
    """
    for piece in pieces(await asyncio.to_thread(compose, question, numbered)):
        yield piece
        await asyncio.sleep(0)
