"""Running a ``CandidateQuery`` over every profile: who meets each condition, and why.

Exhaustive by construction: every profile is checked against every filter, so a list or a
count can never be capped by how many passages retrieval returns. A candidate matches only
when every condition is met; candidates that meet some are nearest misses, each with what
it lacks, and are never reported as matches.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from cvchat.domain.candidate_query import CandidateQuery
from cvchat.domain.places import country_of, place_key, place_name
from cvchat.domain.profiles import (
    CandidateProfile,
    CertificationFact,
    Evidence,
    JobFact,
    LanguageFact,
    ProfileSnapshot,
    Ranker,
    Relevance,
)
from cvchat.domain.vocabulary import DEGREE_LEVELS, fold, language_name, level_rank

NEAREST_MISSES = 5


@dataclass(frozen=True)
class Condition:
    """One filter of a query, as a label people read and a test a profile passes or not."""

    key: str  # "skill:Kubernetes", "language:es", "location", "years", …
    label: str  # "Kubernetes", "Spanish ≥ B2", "Berlin", "≥ 5 years"


@dataclass(frozen=True)
class Check:
    condition: Condition
    met: bool
    evidence: tuple[Evidence, ...] = ()
    value: str | None = None  # what the profile has: "native", "7.5 years", "Madrid, Spain"


@dataclass(frozen=True)
class CandidateResult:
    profile: CandidateProfile
    checks: tuple[Check, ...]
    score: float = 0.0  # relevance to the free text, when there is one
    relevance: Evidence | None = None  # the passage that matches the free text best

    @property
    def matched(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def met(self) -> int:
        return sum(c.met for c in self.checks)

    @property
    def missing(self) -> tuple[Condition, ...]:
        return tuple(c.condition for c in self.checks if not c.met)


@dataclass(frozen=True)
class QueryResult:
    """Who matched (in order) and the nearest misses; each row's checks, with their evidence,
    are looked up when first read, so a page of 25 out of thousands costs 25 lookups."""

    query: CandidateQuery
    conditions: tuple[Condition, ...]
    tests: tuple[_Test, ...] = field(repr=False)
    matched: tuple[ProfileFacts, ...] = field(repr=False)
    scores: dict[str, Relevance] = field(default_factory=dict, repr=False)
    missed: tuple[ProfileFacts, ...] = field(default=(), repr=False)
    corpus_size: int = 0
    version: str | None = None

    @property
    def total(self) -> int:
        return len(self.matched)

    def row(self, facts: ProfileFacts) -> CandidateResult:
        checks = tuple(t.check(facts) for t in self.tests)
        relevance = self.scores.get(facts.profile.cv_id)
        if relevance is None:
            return CandidateResult(facts.profile, checks)
        return CandidateResult(facts.profile, checks, relevance.score, relevance.evidence)

    def rows(self, start: int = 0, stop: int | None = None) -> tuple[CandidateResult, ...]:
        return tuple(self.row(f) for f in self.matched[start:stop])

    @cached_property
    def matches(self) -> tuple[CandidateResult, ...]:
        return self.rows()

    @cached_property
    def near_misses(self) -> tuple[CandidateResult, ...]:
        return tuple(self.row(f) for f in self.missed)


def conditions(query: CandidateQuery) -> tuple[Condition, ...]:
    out: list[Condition] = [Condition(f"skill:{s}", s) for s in query.skills_all]
    if query.skills_any:
        out.append(Condition("skills_any", " or ".join(query.skills_any)))
    for lang in query.languages:
        label = language_name(lang.code)
        if lang.min_level is not None:
            label += f" ≥ {lang.min_level}" if lang.min_level != "native" else " (native)"
        out.append(Condition(f"language:{lang.code}", label))
    if query.location:
        out.append(Condition("location", place_name(query.location)))
    if query.min_years is not None:
        out.append(Condition("years", f"≥ {query.min_years:g} years"))
    if query.employer:
        out.append(Condition("employer", query.employer))
    if query.degree:
        label = {"bachelor": "Bachelor's", "master": "Master's", "phd": "PhD"}[query.degree]
        out.append(Condition("degree", label if query.degree == "phd" else f"≥ {label}"))
    if query.certification:
        out.append(Condition("certification", query.certification))
    return tuple(out)


def _words_pattern(needle: str) -> re.Pattern[str] | None:
    """Every word of ``needle`` as a whole word, in any order (folded text)."""
    words = [w for w in re.findall(r"[\w+#./-]+", fold(needle)) if re.search(r"\w", w)]
    if not words:
        return None
    return re.compile("".join(rf"(?=.*(?<![\w]){re.escape(w)}(?![\w]))" for w in words), re.S)


def _words_in(needle: str, haystack: str) -> bool:
    pattern = _words_pattern(needle)
    return pattern is not None and pattern.match(fold(haystack)) is not None


def _initials(name: str) -> str:
    """ "Certified Kubernetes Administrator (CKA)" → "ckac": how "CKA" may be asked for."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()).lower()


def _places(city: str | None, country: str | None) -> frozenset[str]:
    """A location's keys: its city, its country, and — when the CV names no country — the
    country a known city is in (Córdoba, Argentina is not in Spain)."""
    keys = {place_key(p) for p in (city, country) if p}
    if city and not country and (inferred := country_of(city)) is not None:
        keys.add(inferred)
    return frozenset(keys)


@dataclass(frozen=True)
class ProfileFacts:
    """A profile's facts in the forms conditions compare, folded once per index version."""

    profile: CandidateProfile
    skills: dict[str, tuple[Evidence, ...]]
    languages: dict[str, LanguageFact]
    places: frozenset[str]
    employers: tuple[tuple[str, JobFact], ...]
    certifications: tuple[tuple[str, str, CertificationFact], ...]
    degree: int  # index in DEGREE_LEVELS, -1: none
    name: str

    @staticmethod
    def of(profile: CandidateProfile) -> ProfileFacts:
        skills: dict[str, list[Evidence]] = {}
        for s in profile.skills:
            skills.setdefault(fold(s.name), []).append(s.evidence)
        loc = profile.location
        best = profile.highest_degree
        return ProfileFacts(
            profile=profile,
            skills={k: tuple(v[:2]) for k, v in skills.items()},
            languages={lang.code: lang for lang in reversed(profile.languages)},
            places=_places(loc.city, loc.country) if loc else frozenset(),
            employers=tuple((fold(j.employer), j) for j in profile.jobs),
            # The CV's own line as well as the name: "CKA – Certified Kubernetes Administrator"
            # answers to both "CKA" and "Certified Kubernetes Administrator".
            certifications=tuple(
                (fold(f"{c.name} {c.evidence.snippet}"), _initials(c.name), c)
                for c in profile.certifications
            ),
            degree=DEGREE_LEVELS.index(best) if best else -1,
            name=fold(profile.display_name),
        )


class CandidateIndex:
    """Every profile of one version, ready to be filtered (built once, then read-only).

    Skills, languages and places, the filters nearly every question has, are inverted
    (value → positions), so a condition costs what its matches cost, not a call per profile.
    """

    def __init__(self, profiles: Iterable[CandidateProfile]) -> None:
        self.facts = [ProfileFacts.of(p) for p in profiles]
        self.by_skill: dict[str, set[int]] = defaultdict(set)
        self.by_language: dict[str, dict[int, int]] = defaultdict(dict)  # code → {pos: rank}
        self.by_place: dict[str, set[int]] = defaultdict(set)
        self.years = [
            f.profile.experience.years if f.profile.experience else -1.0 for f in self.facts
        ]
        self.degrees = [f.degree for f in self.facts]
        for pos, f in enumerate(self.facts):
            for skill in f.skills:
                self.by_skill[skill].add(pos)
            for code, lang in f.languages.items():
                self.by_language[code][pos] = level_rank(lang.level) if lang.level else -1
            for place in f.places:
                self.by_place[place].add(pos)

    def __len__(self) -> int:
        return len(self.facts)


_INDEXES: dict[str, CandidateIndex] = {}


def index_for(snapshot: ProfileSnapshot) -> CandidateIndex:
    """The snapshot's index, made at its first query (the last two versions are kept)."""
    index = _INDEXES.get(snapshot.version)
    if index is None:
        index = CandidateIndex(snapshot.profiles.values())
        while len(_INDEXES) >= 2:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[snapshot.version] = index
    return index


Detail = tuple[tuple[Evidence, ...], str | None]
"""What a check shows beside met or not: the evidence and the profile's own value."""


@dataclass(frozen=True)
class _Test:
    """One condition over a profile's facts: ``met`` alone is what filtering costs; the
    evidence is looked up only for the candidates an answer shows."""

    condition: Condition
    met: Callable[[ProfileFacts], bool]
    detail: Callable[[ProfileFacts], Detail]
    select: Callable[[CandidateIndex], set[int]] | None = None  # the index's shortcut

    def check(self, facts: ProfileFacts) -> Check:
        return Check(self.condition, self.met(facts), *self.detail(facts))

    def positions(self, index: CandidateIndex) -> set[int]:
        """Where in the index the condition is met (the same answer as ``met``)."""
        if self.select is not None:
            return self.select(index)
        return {pos for pos, f in enumerate(index.facts) if self.met(f)}


def _nothing(_: ProfileFacts) -> Detail:
    return (), None


def _skill_test(condition: Condition, names: tuple[str, ...], every: bool) -> _Test:
    wanted = [fold(n) for n in names]
    join = all if every else any

    def detail(f: ProfileFacts) -> Detail:
        return tuple(e for w in wanted for e in f.skills.get(w, ()))[:3], None

    def select(index: CandidateIndex) -> set[int]:
        sets = [index.by_skill.get(w, set()) for w in wanted]
        return set.intersection(*sets) if every else set.union(*sets)

    return _Test(condition, lambda f: join(w in f.skills for w in wanted), detail, select)


def _language_test(condition: Condition, code: str, q: CandidateQuery) -> _Test:
    minimum = next(
        (level_rank(f.min_level) for f in q.languages if f.code == code and f.min_level), None
    )

    def met(f: ProfileFacts) -> bool:
        fact = f.languages.get(code)
        if fact is None:
            return False
        return minimum is None or (fact.level is not None and level_rank(fact.level) >= minimum)

    def detail(f: ProfileFacts) -> Detail:
        fact = f.languages.get(code)
        return ((fact.evidence,), fact.level or "level not stated") if fact else ((), None)

    def select(index: CandidateIndex) -> set[int]:
        ranks = index.by_language.get(code, {})
        if minimum is None:
            return set(ranks)
        return {pos for pos, rank in ranks.items() if rank >= minimum}

    return _Test(condition, met, detail, select)


def _location_detail(f: ProfileFacts) -> Detail:
    loc = f.profile.location
    if loc is None:
        return (), None
    return (loc.evidence,), ", ".join(p for p in (loc.city, loc.country) if p)


def _years_detail(f: ProfileFacts) -> Detail:
    exp = f.profile.experience
    return ((exp.evidence,), f"{exp.years:.1f} years") if exp else ((), None)


def _degree_detail(f: ProfileFacts) -> Detail:
    if f.degree < 0:
        return (), None
    best = DEGREE_LEVELS[f.degree]
    return tuple(e.evidence for e in f.profile.education if e.level == best)[:1], best


def _employer_test(condition: Condition, employer: str) -> _Test:
    pattern = _words_pattern(employer)

    def jobs(f: ProfileFacts) -> list[JobFact]:
        return [j for name, j in f.employers if pattern is not None and pattern.match(name)]

    return _Test(
        condition,
        lambda f: bool(jobs(f)),
        lambda f: (tuple(j.evidence for j in jobs(f)[:2]), None),
    )


_ALSO_KNOWN_AS = re.compile(r"^(?P<name>.+?)\s*\((?P<short>[^()]+)\)$")


# Words of a certificate's official name that CVs leave out: "AWS SysOps Administrator –
# Associate" is "AWS Certified SysOps Administrator – Associate", "Azure Administrator
# Associate" is "Microsoft Certified: Azure Administrator Associate". A leading "Certified"
# is the name's own: "Certified Scrum Product Owner" is not "Professional Scrum Product Owner".
_CERTIFICATE_FILLER = re.compile(r"^\s*Microsoft\s+Certified\s*:?|(?<=\S)\s+Certified\b:?", re.I)


def _certification_test(condition: Condition, wanted: str) -> _Test:
    # "Professional Scrum Product Owner I (PSPO I)": a CV may print either name.
    both = _ALSO_KNOWN_AS.match(wanted.strip())
    names = [both.group("name"), both.group("short")] if both else [wanted]
    # the distinctive words, when at least two remain ("Microsoft Certified" alone stays)
    names = [
        core if len(core.split()) >= 2 else name
        for name in names
        for core in [_CERTIFICATE_FILLER.sub(" ", name)]
    ]
    patterns = [p for p in map(_words_pattern, names) if p is not None]
    acronyms = [a for a in (fold(n).replace(" ", "") for n in names) if len(a) >= 2]

    def certs(f: ProfileFacts) -> list[CertificationFact]:
        return [
            c
            for name, initials, c in f.certifications
            if any(p.match(name) for p in patterns) or initials in acronyms
        ]

    return _Test(
        condition,
        lambda f: bool(certs(f)),
        lambda f: (tuple(c.evidence for c in certs(f)[:2]), None),
    )


def _test(condition: Condition, q: CandidateQuery) -> _Test:
    """The condition as functions over a profile's facts, its arguments prepared once."""
    kind, _, arg = condition.key.partition(":")
    if kind == "skill":
        return _skill_test(condition, (arg,), every=True)
    if kind == "skills_any":
        return _skill_test(condition, q.skills_any, every=False)
    if kind == "language":
        return _language_test(condition, arg, q)
    if kind == "location":
        where = place_key(q.location or "")
        return _Test(
            condition,
            lambda f: where in f.places,
            _location_detail,
            lambda index: set(index.by_place.get(where, ())),
        )
    if kind == "years":
        least = q.min_years or 0.0

        def enough(f: ProfileFacts) -> bool:
            exp = f.profile.experience
            return exp is not None and exp.years >= least

        def select_years(index: CandidateIndex) -> set[int]:
            return {pos for pos, y in enumerate(index.years) if y >= least}

        return _Test(condition, enough, _years_detail, select_years)
    if kind == "employer":
        return _employer_test(condition, q.employer or "")
    if kind == "degree":
        least_degree = DEGREE_LEVELS.index(q.degree) if q.degree else 0
        return _Test(
            condition,
            lambda f: f.degree >= least_degree,
            _degree_detail,
            lambda index: {pos for pos, d in enumerate(index.degrees) if d >= least_degree},
        )
    if kind == "certification":
        return _certification_test(condition, q.certification or "")
    raise ValueError(f"unknown condition {condition.key}")


def evaluate(profile: CandidateProfile, query: CandidateQuery) -> CandidateResult:
    facts = ProfileFacts.of(profile)
    return CandidateResult(profile, tuple(_test(c, query).check(facts) for c in conditions(query)))


def execute(
    query: CandidateQuery,
    profiles: CandidateIndex | Iterable[CandidateProfile],
    *,
    rank: Ranker | None = None,
    version: str | None = None,
    within: Collection[str] | None = None,
) -> QueryResult:
    """Every profile against every condition; matches ordered by relevance, then name.

    ``within``: only these CVs (a follow-up about the CVs an earlier answer cited).

    Each condition yields the positions of the profiles that meet it; a match is in all of
    them. Evidence is looked up only for the rows an answer shows (``QueryResult.matches``
    builds them on first use), which is what keeps 10,000 profiles fast.
    """
    index = profiles if isinstance(profiles, CandidateIndex) else CandidateIndex(profiles)
    conds = conditions(query)
    tests = tuple(_test(c, query) for c in conds)
    allowed: set[int] | None = None
    if within is not None:
        wanted = set(within)
        allowed = {pos for pos, f in enumerate(index.facts) if f.profile.cv_id in wanted}
    if query.names:
        patterns = [p for p in map(_words_pattern, query.names) if p is not None]
        named = {pos for pos, f in enumerate(index.facts) if any(p.match(f.name) for p in patterns)}
        allowed = named if allowed is None else allowed & named
    hits = [t.positions(index) for t in tests]
    if allowed is not None:
        hits = [h & allowed for h in hits]
    if hits:
        matched_pos = set.intersection(*hits)
    else:
        matched_pos = allowed if allowed is not None else set(range(len(index)))
    matched = [index.facts[pos] for pos in matched_pos]
    scores: dict[str, Relevance] = {}
    if rank is not None and query.text.strip() and matched:
        scores = rank(query.text, [f.profile.cv_id for f in matched])

    def order(f: ProfileFacts) -> tuple[float, str, str]:
        relevance = scores.get(f.profile.cv_id)
        return (-(relevance.score if relevance else 0.0), f.name, f.profile.cv_id)

    matched.sort(key=order)
    near: list[ProfileFacts] = []
    if len(conds) > 1 or not matched:
        met = Counter(pos for h in hits for pos in h if pos not in matched_pos)
        near = [
            index.facts[pos]
            for pos, _ in sorted(
                met.items(),
                key=lambda pm: (-pm[1], index.facts[pm[0]].name, index.facts[pm[0]].profile.cv_id),
            )[:NEAREST_MISSES]
        ]
    return QueryResult(
        query,
        conds,
        tests,
        tuple(matched),
        scores,
        tuple(near),
        len(index),
        version,
    )
