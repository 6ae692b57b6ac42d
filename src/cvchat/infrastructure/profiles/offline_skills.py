"""Skills: every vocabulary term written as a whole word, trusted more or less by where.

The whole CV is scanned, not only its skills section: narrative CVs name their tools in prose
("Built a churn model in Python"), and a candidate who lists "Containerization (Docker,
Kubernetes)" has both. Some aliases are also ordinary words ("go", "rest", "spring", "shell",
"discovery", "pricing", "react"); those are accepted only where the context is a list of
tools: the skills section, next to another skill across a list separator ("Go, Rust and
Kubernetes", "(Spring, Kafka)"), capitalised mid-sentence for tool names ("services in Go"),
or in capitals for acronyms ("REST APIs", "ML models"). A phrase's words may be joined by
hyphens ("Deep-Learning-Modelle"), and what a scan misreads is put right ("GitLab Cl",
"_CI/CD"). A tool another team used ("construit en Python par l'équipe data"), the
company's codebase ("the company's PHP monolith") or one the candidate says is not theirs
("… je n'y interviens pas") is no claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvchat.domain.profiles import SkillFact
from cvchat.domain.vocabulary import LANGUAGE_BY_NAME, LEVEL_WORDS, SKILL_BY_ALIAS
from cvchat.infrastructure.profiles.offline_people import FoundName
from cvchat.infrastructure.profiles.offline_text import Document
from cvchat.infrastructure.profiles.offline_words import URL_OR_EMAIL

# Aliases that are also common words: list context only, or the rules below.
AMBIGUOUS = frozenset(
    {
        "go",
        "r",
        "rust",
        "spring",
        "swift",
        "vault",
        "argo",
        "shell",
        "rest",
        "ml",
        "ts",
        "js",
        "node",
        "discovery",
        "pricing",
        "stakeholder",
        "react",
        "ruby",
        "rails",
        "helm",
        "sketch",
        "miro",
        "tableau",
        "jenkins",
        "torch",
        "containers",
        "forecasting",
        "agil",
        "roadmap",
        "roadmaps",
        "confluence",
        "spark",
        "flask",
        "angular",
        "otel",
        "aks",
        "eks",
        "gke",
        "gtm",
    }
    & set(SKILL_BY_ALIAS)
)
# Accepted in prose when written as the tool is written and not first in a sentence
# ("services in Go", "with React"): capitalised, these are names, not words.
CASED = frozenset(
    {
        "go",
        "rust",
        "swift",
        "react",
        "ruby",
        "helm",
        "sketch",
        "miro",
        "tableau",
        "vault",
        "node",
        "spring",
        "confluence",
        "spark",
        "flask",
        "angular",
        "argo",
        "jenkins",
    }
)
# Also surnames: after a capitalised word ("Dr Sarah Jenkins") the name is a person's.
SURNAMES = frozenset({"jenkins"})
# Accepted in prose when written in capitals: acronyms.
UPPER = frozenset({"rest", "ml", "ts", "js", "otel", "aks", "eks", "gke", "gtm"})
# Tools whose one-letter name needs a preposition before it in prose ("analyses in R").
PREPOSITION_ONLY = frozenset({"r"})
_PREPOSITIONS = frozenset(
    ["in", "with", "using", "en", "con", "avec", "mit", "und", "and", "y", "et"]
)

# A spoken language or its level: such a line of a languages section holds no skill.
_SPOKEN = re.compile(
    r"(?<!\w)(?:[abc][12]|"
    + "|".join(re.escape(w) for w in sorted({*LANGUAGE_BY_NAME, *LEVEL_WORDS}, key=len)[::-1])
    + r")(?!\w)"
)
# Sections whose words are not the candidate's skills.
_SKIPPED_SECTIONS = frozenset({"interests", "links", "publications"})


def _alias_pattern(alias: str) -> str:
    """Words apart by any white space or a hyphen (a German compound: "Deep-Learning-Modelle");
    a hyphen may end a line ("Go-" / "to-market")."""
    words = (re.escape(word).replace(r"\-", r"-\s*") for word in alias.split())
    return r"(?:\s+|-\s*)".join(words)


_ALIASES = sorted(SKILL_BY_ALIAS, key=len, reverse=True)
SKILL_TERM = re.compile(
    r"(?<![\w.#+@])(?:" + "|".join(_alias_pattern(a) for a in _ALIASES) + r")(?![\w#+]|\.\w)"
)
# What may stand between two items of a list of tools.
_LIST_GAP = re.compile(
    r"^(?:[\s,;·|/•()&+:\-–—●○◐★☆■□▪▫◆◇✓✔]|\band\b|\by\b|\bet\b|\bund\b|\bor\b|\bo\b|\bou\b|\boder\b)*$"
)
_SENTENCE_END = frozenset(".!?:;•*-–—")


@dataclass(frozen=True)
class _Hit:
    page: int
    fstart: int
    fend: int
    alias: str
    canonical: str
    section: str


def _masked(folded: str, text: str, index: list[int]) -> str:
    """Folded page text with e-mail addresses and URLs blanked out (same length): the "github"
    of github.com/someone is a link, not a skill. What a scan misreads is put right: an
    underline before a word ("_CI/CD pipeline"), and "CI" read as "Cl" ("GitLab Cl")."""
    masked = URL_OR_EMAIL.sub(lambda m: " " * len(m.group()), folded)
    masked = _UNDERLINE.sub(lambda m: " " * len(m.group()), masked)
    for match in _CL.finditer(masked):
        if text[index[match.start()] : index[match.start()] + 2] == "Cl":
            masked = f"{masked[: match.start()]}ci{masked[match.end() :]}"
    return masked


_UNDERLINE = re.compile(r"(?<!\w)_+(?=\w)")
_CL = re.compile(r"(?<![a-z])cl(?![a-z])")


# A tool that is not the candidate's skill: in someone else's hands (sold to customers, used
# by them, what a team the candidate managed did, what people the candidate hired work in:
# "Sold … the Power BI connectors", "a team of 20 that migrated to Kubernetes", "hired 46
# engineers for Python"), or barely touched ("first steps with SQL"). Only the sentence
# before the tool counts, and a skills list is never hearsay.
_HEARSAY = re.compile(
    r"(?<!\w)(?:sold|resold|demoed|pitched|vend[ií]|vendio|vendu|verkauft\w*|sales\s+only"
    r"|customers?(?:'|\s+(?:using|who\s+use|on))|clients?\s+(?:using|utilisant)"
    r"|clientes\s+que\s+usa\w*|kunden,?\s+die"
    r"|team\b[^.;•]{0,50}?\b(?:that|which|das|die|que|qui)\b"
    r"|(?:hired|recruited|recruiting|hiring|sourced|sourcing|placed|contrat[eé]|recrut[eé]\w*"
    r"|eingestellt|rekrutiert\w*)\b[^.;•]{0,60}?\b(?:for|para|pour|für)"
    r"|first\s+steps|erste[n]?\s+schritte|primeros\s+pasos|premiers\s+pas"
    r"|(?:brief|initial|some)\s+exposure|know\s+enough\s+(?:about|of))(?!\w)"
)
# The people a recruiter placed, named by their tools: "Placed contract Python and Java
# engineers", "recruté des développeurs Java" — a hiring verb before the tool in its clause,
# and the people it qualifies after it.
_HIRING = re.compile(
    r"(?<!\w)(?:placed|hired|recruited|headhunted|staffed|sourced|recrute\w*|place[es]?"
    r"|contrat[eé]\w*|reclut\w*|eingestellt|rekrutiert\w*|vermittelt\w*)(?!\w)"
)
_PEOPLE = re.compile(
    r"^[^.;•]{0,40}?\b(?:engineers?|developers?|devs|consultants?|contractors?|candidates?"
    r"|profiles?|specialists?|architects?|analysts?|ingenieurs?|developpeu\w+|profils"
    r"|desarrollador\w*|ingenier[oa]s?|perfiles|entwickler\w*|ingenieur\w*)\b"
)
# … or before it, where French, Spanish and German put the noun first: "recruté des
# développeurs Java", "contraté a desarrolladores de Java y Kotlin".
_PEOPLE_FIRST = re.compile(
    r"\b(?:developpeu\w+|ingenieu\w+|consultants?|profils|desarrollador\w*|ingenier[oa]s?"
    r"|perfiles|entwickler\w*|engineers?|developers?)\s+(?:(?:de|en|d'|fur|mit)\s*)?"
    r"(?:[\w.#+/-]+(?:\s*,\s*|\s+(?:et|y|und|ou|o|or|and)\s+))*$"
)
# Work another team did, said after the tool: "the migration to AWS carried out by the
# development team", "menée par l'équipe", "realizada por el equipo", "von dem Team umgesetzt"
# is not written here (the verb comes last in German).
_DONE_BY_OTHERS = re.compile(
    r"^[^.;•]{0,60}?\b(?:led|run|carried\s+out|done|performed|delivered|built|implemented"
    r"|developed|owned|handled|operated|managed|maintained|menee?s?|realisee?s?|conduite?s?"
    r"|portee?s?|developpee?s?|pilotee?s?|operee?s?|geree?s?|maintenue?s?|administree?s?"
    r"|llevad[ao]s?\s+a\s+cabo|realizad[ao]s?|liderad[ao]s?|desarrollad[ao]s?|hech[ao]s?"
    r"|operad[ao]s?|gestionad[ao]s?|mantenid[ao]s?|administrad[ao]s?)\s+(?:by|par|por)\s+"
    r"(?!me\b|myself\b|moi\b|mi\b|m[ií]\b)"
    # "construit en Python par l'équipe data": the tool, then the team that used it
    r"|^\s*(?:by|par|por|von)\s+(?:the\s+|l['’]\s*|la\s+|le\s+|el\s+|dem\s+|der\s+)?"
    r"(?:\w+\s+)?(?:team|equipe|equipo)\b"
    # "je n'y interviens pas", "I don't write or operate them": the candidate says not his
    r"|^[^.;•]{0,80}?(?:\bje\s+n['’]y\s+\w+\s+pas|\bi\s+(?:don['’]t|do\s+not|never)\s+"
    r"(?:write|operate|use|touch|run|maintain|work\s+(?:on|with))\b)"
)
# Whose the tool is, said right before it: "the company's PHP monolith", "the client's SAP".
_THEIRS = re.compile(r"(?:company|client|customer|employer)['’]s\s+$")
# An organisation named after a technology: "The Linux Foundation", "Python Software
# Foundation", "Cloud Native Computing Foundation".
_FOUNDATION = re.compile(r"\s+(?:software\s+)?foundation\b")
_CLAUSE_START = re.compile(r"[.;!?•]\s|\n\s*\n")


def _hearsay(folded: str, start: int, end: int) -> bool:
    """Whether the sentence around a skill says someone else used it."""
    window = folded[max(0, start - 160) : start]
    cut = max((m.end() for m in _CLAUSE_START.finditer(window)), default=0)
    before, after = window[cut:], folded[end : end + 120]
    if _HEARSAY.search(before) is not None or _DONE_BY_OTHERS.match(after) is not None:
        return True
    if _THEIRS.search(before) is not None:
        return True
    return _HIRING.search(before) is not None and (
        _PEOPLE.match(after) is not None or _PEOPLE_FIRST.search(before) is not None
    )


def extract_skills(doc: Document, name: FoundName | None) -> tuple[SkillFact, ...]:
    """Canonical skills in order of first mention, the skills section's first. The name is
    skipped: "Ruby Jenkins" is a person."""
    hits: list[_Hit] = []
    for number, page in enumerate(doc.pages):
        for match in SKILL_TERM.finditer(_masked(page.folded, page.text, page.index)):
            alias = re.sub(r"\s+", " ", re.sub(r"-\s+", "-", match.group()))
            if alias not in SKILL_BY_ALIAS:  # "deep-learning": the words of "deep learning"
                alias = alias.replace("-", " ")
            start, _ = page.original(match.start(), match.end())
            line = page.line_at(start)
            if line is None or line.section in _SKIPPED_SECTIONS:
                continue
            if line.section == "languages" and _SPOKEN.search(line.folded):
                continue  # "Swift" is no skill in "English (fluent)"
            if name and name.first.number <= line.number <= name.line.number and start < name.end:
                continue
            if _FOUNDATION.match(page.folded, match.end()):
                continue  # "The Linux Foundation" certifies; it is no tool of the candidate
            hits.append(
                _Hit(
                    number,
                    match.start(),
                    match.end(),
                    alias,
                    SKILL_BY_ALIAS[alias],
                    line.section,
                )
            )
    accepted: dict[str, _Hit] = {}
    for i, hit in enumerate(hits):
        if hit.alias in AMBIGUOUS and not _trusted(doc, hits, i):
            continue
        if hit.section != "skills" and _hearsay(doc.pages[hit.page].folded, hit.fstart, hit.fend):
            continue
        known = accepted.get(hit.canonical)
        if known is None or (known.section != "skills" and hit.section == "skills"):
            accepted[hit.canonical] = hit
    ordered = sorted(accepted.values(), key=lambda h: (h.section != "skills", h.page, h.fstart))
    return tuple(
        SkillFact(
            name=hit.canonical,
            evidence=doc.folded_span_evidence(hit.page, hit.fstart, hit.fend),
        )
        for hit in ordered
    )


def _written(doc: Document, hit: _Hit) -> str:
    page = doc.pages[hit.page]
    start, end = page.original(hit.fstart, hit.fend)
    return page.text[start:end]


def _starts_item(doc: Document, hit: _Hit) -> bool:
    """Whether a hit opens its line and that line does not continue a sentence (the line
    before is a heading, or ends as an item does: not in a lower-case word or a comma)."""
    page = doc.pages[hit.page]
    start, _ = page.original(hit.fstart, hit.fend)
    line = page.line_at(start)
    if line is None or start != line.start:
        return False
    previous = doc.lines[line.number - 1] if line.number else None
    if previous is None or previous.page != line.page or previous.heading:
        return True
    return not (previous.text[-1].islower() or previous.text[-1] == ",")


def _trusted(doc: Document, hits: list[_Hit], i: int) -> bool:
    """Whether an ambiguous alias is meant as the tool here (see the module's docstring)."""
    hit = hits[i]
    if hit.section == "skills":
        return True
    written = _written(doc, hit)
    if hit.alias in UPPER:
        return written.isupper()
    if not written[:1].isupper():
        return False
    page = doc.pages[hit.page]
    for j in (i - 1, i + 1):
        if not 0 <= j < len(hits) or hits[j].page != hit.page:
            continue
        other = hits[j]
        first, second = (other, hit) if j < i else (hit, other)
        gap = page.folded[first.fend : second.fstart]
        if (
            _LIST_GAP.match(gap)
            and "\n\n" not in gap
            and (other.alias not in AMBIGUOUS or _written(doc, other)[:1].isupper())
        ):
            return True
    start, end = page.original(hit.fstart, hit.fend)
    before = page.text[:start].rstrip()
    if hit.alias in PREPOSITION_ONLY:
        previous_word = before.rsplit(None, 1)[-1].lower() if before else ""
        return written == "R" and previous_word in _PREPOSITIONS
    if hit.alias not in CASED:
        return False
    if hit.alias in SURNAMES and before and before.split()[-1][:1].isupper():
        return False
    sentence_start = not before or before[-1] in _SENTENCE_END or _starts_item(doc, hit)
    followed_by_number = page.text[end : end + 3].strip()[:1].isdigit()
    return not (sentence_start or followed_by_number)
