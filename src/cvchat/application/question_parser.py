"""Offline question parser: a recruiter's question (en/es/fr/de) → ``CandidateQuery``.

No model, no network: lexicons, a few cue phrases and the corpus' own values.

How a question is read
1. It is folded (``vocabulary.fold``: lower case, no accents) keeping a map back to the
   original characters, so case can still be checked ("Go" the language, "go" the verb) and
   the free-text remainder keeps the recruiter's spelling.
2. Every lexicon proposes *spans*: candidate names, certifications, years of experience,
   degrees, spoken languages and level words, canonical skills, places and employers (the
   ``known_*`` values of the corpus, plus the place spellings of ``domain.places``, plus
   unknown values after a strong cue such as "lives in" / "worked at"). Phrases only match
   as whole words, and longer spans win over the shorter ones they overlap ("Google Cloud"
   the skill over "Google" the employer, "Certified Kubernetes Administrator" the
   certification over "Kubernetes" the skill); on equal length a cue decides ("worked at
   Databricks" is an employer, "Databricks" alone a skill).
3. Level words attach to the language they sit next to ("fluent French", "Spanish at least
   at C1 level", "alemán nivel C1 o superior"); skills joined by "or"/"o"/"ou"/"oder"/"/" form
   ``skills_any``, all others ``skills_all``.
4. The operation comes from cue words (count, compare), named candidates (describe), the
   presence of filters (list); a question without any of them is ``open`` and keeps its
   whole wording as ``text``. Otherwise ``text`` is what no span took, minus question and
   stop words ("Who has led a Kubernetes migration and speaks Spanish?" → "led migration").

Conventions (documented choices)
- ``min_years`` is inclusive: "more than 8 years", "8+ years" and "at least 8 years" all give
  8; "less than 3 years" sets nothing (the query has no maximum) and stays in ``text``;
  "3-5 years" / "between 3 and 5 years" give 3.
- ``min_level`` is the lowest acceptable level: "C1", "at least C1", "C1 or above" are all C1;
  "fluent" is C1 and "native" is native, as ``vocabulary.LEVEL_WORDS`` says.
- ``degree`` is the lowest degree named ("a master's or a PhD" → master).
- A follow-up (``is_follow_up``) without its own operation cue ("what about German?",
  "only those with 5+ years") gets operation ``open`` with its filters, so that
  ``CandidateQuery.refine`` keeps the previous question's operation.
- A question with a negation ("who does *not* speak German", "sin", "ne … pas", "kein")
  cannot be expressed as filters: it becomes ``open`` with the whole question as text.
- A summary request with filters ("give me an overview of the Python developers") is
  ``open`` with its filters and the whole question as text.
- Values: a place is the corpus' spelling when the question names it in any spelling
  ``domain.places`` knows ("Munich" → "München"), else that table's English name, else the
  question's words after a strong cue; an employer is the corpus' spelling, or its name
  without legal suffix ("Siemens" for "Siemens AG"), or the question's words after a cue;
  a name is the corpus' full name, also when the question gives only a first or last name
  that one candidate alone has; a certification is the phrase that names it ("CKA", "AWS",
  "Certified Kubernetes Administrator", plurals made singular), never the cue word.
- One location, one employer and one certification per question: the first one named.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter, Operation
from cvchat.domain.places import PLACES
from cvchat.domain.vocabulary import (
    DEGREE_LEVELS,
    DEGREE_WORDS,
    LANGUAGE_BY_NAME,
    LEVEL_WORDS,
    SKILL_BY_ALIAS,
    DegreeLevel,
    Level,
    fold,
)

__all__ = ["is_follow_up", "parse_question"]


def _words(*groups: str) -> frozenset[str]:
    """Space-separated word lists, folded."""
    return frozenset(fold(w) for group in groups for w in group.split())


# --- Question-only vocabulary ---------------------------------------------------------------

# Words that carry no filter and no search value in a question: interrogatives, function
# words, the cue words of each filter ("speaks", "based in", "worked at", "at least") and the
# nouns every question has ("candidates", "experience"). Dropped from the free-text remainder.
_STOP = _words(
    # English
    "who whom whose which what when where why how many much is are was were be been being am "
    "do does did have has had having a an the of in on at to for with by from into and or "
    "but nor any all some every each there their them they those these this that it its i "
    "me my we us our you your he she his her him can could would should will shall may might "
    "must please show list find give tell get search look looking need want let lets s "
    "candidates candidate people person persons someone somebody anyone anybody profiles "
    "profile cv cvs resume resumes applicants applicant talent talents experience experienced "
    "skills skill knowledge background expertise level levels least more than over above "
    "higher better also only just about among between both either as well such like using "
    "use uses used know knows knowing familiar speaks speak speaking spoken speaker speakers "
    "language languages lives live living located based resides reside residing worked "
    "work works working employed ex former formerly previously hold holds holding holder "
    "holders degree degrees certified certification certifications certificate certificates "
    "compare comparison versus vs describe tell summarise summarize number count total "
    "corpus database pool other others too now then same what's who's ones one "
    "currently",
    # Spanish
    "quien quienes cual cuales que cuantos cuantas cuanto cuanta hay es son esta estan "
    "tiene tienen tenga tengan tener ha han haya hayan he el la los las un una unos unas de "
    "del en con sin por para y e o u a al ni sus su lo le les se me nos muestra muestrame "
    "lista listar dame dime busca buscar encuentra encuentrame candidatos candidatas "
    "candidato candidata personas persona alguien perfiles perfil curriculum curriculums "
    "experiencia conocimientos conocimiento habilidades nivel menos mas minimo superior "
    "como tambien solo solamente unicamente habla hablan hable hablen hablante hablantes "
    "idioma idiomas vive viven reside residen ubicado ubicados ubicada ubicadas basado "
    "basados basada basadas trabajado trabajo trabaja trabajan trabajaron trabajaba "
    "titulo certificado certificados certificacion certificaciones compara comparar "
    "comparame describe describeme hablame cuentame sobre acerca numero total ellos ellas "
    "esos esas estos estas entre todos todas algun alguna ahora mismo mismos posee poseen",
    # French
    "qui quel quels quelle quelles lequel laquelle lesquels lesquelles combien est sont ont "
    "ait aient avoir le les l une des du d au aux avec sans par pour et ou ne pas il ils "
    "elle elles eux leur leurs ce ces cet cette ceux celles moi montre montrez montre-moi "
    "liste listez donne donnez trouve trouvez cherche cherchez candidats candidat candidate "
    "candidates personnes profils profil niveau moins plus supérieur aussi seulement comme "
    "uniquement parle parlent parlant parler langue langues habite habitent vit vivent "
    "résident réside résidant basé basés basée basées situé situés située situées travaillé "
    "travaille travaillent chez anciens ancien ancienne anciennes titulaire titulaires "
    "diplôme diplômes diplômé diplômés certifié certifiés certifiée certifiées compare "
    "comparez comparer décris décrivez parlez sur nombre parmi tous toutes qu j n c "
    "expérience compétences compétence connaissances maintenant possède possèdent "
    "possédant détient détiennent dispose disposent",
    # German
    "wer wen wem wessen welche welcher welches welchen welchem was wie viele wieviele ist "
    "sind hat haben hatte hatten gibt es der die das den dem des ein eine einen einem einer "
    "eines und oder mit ohne von vom in im an am auf aus bei für zu zum zur als nicht kein "
    "keine auch nur zeige zeig zeigen liste finde suche nenne gib mir mich ich uns "
    "kandidaten kandidat kandidatin kandidatinnen bewerber bewerberin bewerberinnen "
    "personen jemand profile lebenslauf lebensläufe erfahrung berufserfahrung kenntnisse "
    "kenntnissen fähigkeiten niveau mindestens mehr über besser höher spricht sprechen "
    "sprechende sprachen sprache wohnt wohnen lebt leben ansässig wohnhaft gearbeitet "
    "arbeitet arbeiten arbeitete tätig ehemalige ehemaliger ehemaligen ehemals abschluss "
    "zertifikat zertifiziert zertifizierung vergleiche vergleichen vergleich beschreibe "
    "beschreiben erzähl erzähle erzählen anzahl insgesamt davon ihnen denen diese dieser "
    "diesen dieses unter zwischen alle sie er jetzt besitzt besitzen verfügt verfügen",
)

# Words that may sit between a level and its language: "Spanish at least at C1 level",
# "alemán nivel C1 o superior", "Deutsch auf C1-Niveau", "native speaker of German",
# "Spanish as their mother tongue", "le français comme langue maternelle".
_LEVEL_FILLERS = _words(
    "at least level levels of in a an the is with or above higher better more plus minimum "
    "as their his her "
    "comme leur sa son su sus ihre seine "
    "speaker speakers speaks speak "
    "un una une ein einem einer einen "
    "en de del d l la el al nivel menos como minimo o superior mas con es habla hablan "
    "hablante hablantes "
    "à au moins niveau ou supérieur plus avec est parle parlent locuteur locuteurs "
    "auf als mit mindestens oder besser höher mehr niveau von ist spricht sprechen sprecher",
)

# Level phrases questions use that CVs rarely do (the CV ones are ``LEVEL_WORDS``).
_QUESTION_LEVEL_WORDS: dict[str, Level] = {
    "fluently": "C1",
    "con fluidez": "C1",
    "natively": "native",
    "perfect": "C2",
    "perfectly": "C2",
    "perfecto": "C2",
    "perfectamente": "C2",
    "parfait": "C2",
    "parfaitement": "C2",
    "perfekt": "C2",
    "native level": "native",
    "nivel nativo": "native",
    "niveau natif": "native",
    "muttersprachniveau": "native",
    "muttersprachlichem niveau": "native",
    "business level": "C1",
    "nivel alto": "C1",
}

# Speaker nouns that name a language: "francophones", "hispanohablantes".
_QUESTION_LANGUAGE_WORDS: dict[str, str] = {
    "anglophone": "en",
    "anglophones": "en",
    "francophone": "fr",
    "francophones": "fr",
    "germanophone": "de",
    "germanophones": "de",
    "hispanophone": "es",
    "hispanophones": "es",
    "hispanohablante": "es",
    "hispanohablantes": "es",
    "castellanohablante": "es",
    "castellanohablantes": "es",
    "angloparlante": "en",
    "angloparlantes": "en",
    "francoparlante": "fr",
    "francoparlantes": "fr",
    "deutschsprachig": "de",
    "deutschsprachige": "de",
    "deutschsprachigen": "de",
    "englischsprachig": "en",
    "englischsprachige": "en",
    "englischsprachigen": "en",
}
# Folded forms that look like an inflected language name but are something else.
_NOT_LANGUAGES = frozenset({"china", "chinas", "grece", "germane"})

# Degree phrases questions use beyond ``DEGREE_WORDS`` (verbs, compounds, generic degrees).
_QUESTION_DEGREE_WORDS: dict[str, DegreeLevel] = {
    "doctoral": "phd",
    "doctoral degree": "phd",
    "doctora": "phd",
    "doctores": "phd",
    "promoviert": "phd",
    "promovierte": "phd",
    "promovierten": "phd",
    "promovierter": "phd",
    "doktor": "phd",
    "doktortitel": "phd",
    "doktorgrad": "phd",
    "doktorat": "phd",
    "masterabschluss": "master",
    "master abschluss": "master",
    "postgraduate": "master",
    "postgrado": "master",
    "posgrado": "master",
    "bachelorabschluss": "bachelor",
    "bachelor abschluss": "bachelor",
    "university degree": "bachelor",
    "college degree": "bachelor",
    "a degree": "bachelor",
    "any degree": "bachelor",
    "titulo universitario": "bachelor",
    "carrera universitaria": "bachelor",
    "diplome universitaire": "bachelor",
    "hochschulabschluss": "bachelor",
    "studienabschluss": "bachelor",
    "universitatsabschluss": "bachelor",
}
# CV abbreviations too ambiguous in a question ("BA", "Dr. Smith"); "promotion" and
# "licence" are only degrees in some contexts (see ``_degree_spans``).
_QUESTION_DEGREE_EXCLUDED = frozenset(
    {"ba", "b.a", "m.a", "b.s", "m.s", "dr.", "dr. rer. nat", "promotion", "licence"}
)
_GERMAN_DETERMINERS = _words("eine einer einen mit abgeschlossene abgeschlossener seine ihre")
_DRIVING = _words("driving driver driver's drivers")

# Phrases that look like a filter but are not one: kept as free text.
_KEEP_PHRASES = ("scrum master", "scrum masters", "master data", "product owner")

# Skill aliases that are also ordinary words; they need their technical spelling or a
# technical neighbour ("Go developers", "in Go", "Python or Go", "REST").
_EXACT_CASE: dict[str, str] = {"r": "R", "rest": "REST", "ml": "ML", "ts": "TS", "js": "JS"}
_CAPITALISED = frozenset(
    {"go", "spring", "node", "shell", "swift", "sketch", "vault", "helm", "argo", "spark"}
)
_TECH_NEXT = _words(
    "developer developers dev devs engineer engineers engineering programmer programmers "
    "programming code coding experience skills skill knowledge expertise proficiency backend "
    "frontend stack services service microservices api apis apps framework frameworks "
    "library libraries projects project scripts scripting endpoints "
    "développeur développeurs développeuse développeuses ingénieur ingénieurs programmation "
    "compétences expérience desarrollador desarrolladores desarrolladora desarrolladoras "
    "programador programadores ingeniero ingenieros experiencia conocimientos programación "
    "entwickler entwicklerin entwicklerinnen programmierer programmierung kenntnisse erfahrung"
)
_TECH_PREVIOUS = _words("in with using use uses know knows en con avec mit")

_OR_WORDS = _words("or o u ou oder")
# Nouns that may sit between two skills of one list: "Python developers or Go developers".
_ROLE_NOUNS = _TECH_NEXT

# Certification cue words and acronyms.
_CERT_CUE = re.compile(
    r"(?:certifi(?:ed|cations?|cates?|cad[oa]s?|cacion(?:es)?|ee?s?|cats?)"
    r"|zertifi(?:kat(?:e|en)?|ziert(?:e|er|en)?|zierung(?:en)?)|certs?)"
)
_ACRONYMS = (
    "CKA CKAD CKS KCNA PMP CAPM CSPO CSM PSM PSPO CISSP CISM CISA CEH OSCP CCNA CCNP CCIE ITIL "
    "PRINCE2 TOGAF ISTQB RHCE RHCSA LPIC CompTIA TOEFL IELTS TOEIC DELE DELF DALF CFA CPA ACCA"
)
_CERT_ACRONYMS: dict[str, str] = {fold(a): a for a in _ACRONYMS.split(" ")}
_CERT_CODE = re.compile(r"(?<!\w)[a-z]{2,3}-\d{3}(?!\w)")  # exam codes: "AZ-900", "DP-203"
_CERT_CONNECTORS = _words("in en de del d of for für als as a an the la el le l un una une")

# Operation cues (folded text).
_COUNT_CUE = re.compile(
    r"(?<!\w)(?:how many|number of|count|cuant[oa]s?|numero de|cantidad de|combien"
    r"|nombre de|wie ?viele|anzahl)(?!\w)"
)
_COMPARE_CUE = re.compile(
    r"(?<!\w)(?:compar\w*|versus|vs\.?|vergleich\w*|gegenuberstell\w*"
    r"|differences? between|diferencias? entre|differences? entre|unterschied\w* zwischen)"
    r"(?!\w)"
)
_LIST_CUE = re.compile(
    r"(?<!\w)(?:who|whom|which|list|show|find|give me|get me|search|quien(?:es)?|cual(?:es)?"
    r"|lista\w*|muestra\w*|busca\w*|encuentra\w*|dame|qui|quel(?:le)?s?|lesquel(?:le)?s"
    r"|liste\w*|montre\w*|trouve\w*|donne\w*|cherche\w*|wer|welche[rnms]?|zeig\w*|finde\w*"
    r"|such\w*|nenne?\w*|gib mir)(?!\w)"
)
_SUMMARY_CUE = re.compile(
    r"(?<!\w)(?:summari[sz]e|summary|overview|resumen|resume(?:me)?|zusammenfass\w*|fasse)"
    r"(?!\w)"
)
_NEGATION = re.compile(
    r"(?<!\w)(?:not|without|never|except|excluding|no|sin|excepto|salvo|ningun[oa]?|nunca"
    r"|ne|pas|sans|sauf|aucun|aucune|jamais|non|nicht|kein\w*|ohne|ausser|nie)(?!\w)"
    r"|n't(?!\w)|(?<!\w)n'(?=\w)"
)

# Follow-ups: a question opening with one of these, or referring back to earlier results.
_FOLLOW_UP_OPENING = re.compile(
    r"^(?:and|also|or|but|only|just|now|same|what about|how about"
    r"|y|e|o|pero|tambien|solo|solamente|unicamente|ahora|que tal|lo mismo"
    r"|et|ou|mais|aussi|seulement|uniquement|maintenant|quid de"
    r"|und|oder|aber|auch|nur|jetzt|was ist mit|wie sieht es mit|wie steht es mit)"
    r"(?=[\s,:;!?¿]|$)"
)
_FOLLOW_UP_REFERENCE = re.compile(
    r"(?<!\w)(?:them|those|these|they|of the above|same ones"
    r"|ellos|ellas|esos|esas|estos|estas|los mismos|las mismas"
    r"|eux|ils|elles|ceux|celles|ceux-ci|celles-ci|lesquels|lesquelles|parmi|d'entre"
    r"|davon|ihnen|denen|diese|dieser|diesen|unter ihnen)(?!\w)"
)

# Strong cues for a place or an employer that the corpus may not list.
_LOCATION_CUE = re.compile(
    r"(?<!\w)(?:(?:lives?|living|based|located|resid(?:es|ing|e|ent|ents)|settled)"
    r"\s+(?:in|at|near|around)"
    r"|(?:vive|viven|reside|residen|radicad[oa]s?|ubicad[oa]s?|basad[oa]s?|afincad[oa]s?"
    r"|situad[oa]s?)\s+en"
    r"|(?:habite|habitent|vit|vivent|reside|residant|resident|residents|base|bases|basee"
    r"|basees|situe|situes|situee|situees|localise|localises)\s+(?:a|au|en|aux|dans)"
    r"|(?:wohnt|wohnen|lebt|leben|ansassig|wohnhaft|sitzt|sitzen)\s+(?:in|im)"
    r"|mit wohnsitz in)[\s-]+\Z"
)
_EMPLOYER_CUE = re.compile(
    r"(?<!\w)(?:(?:work(?:ed|s|ing)?|employed|experience|interned|internship)\s+(?:at|for)"
    r"|employed by|ex|former(?:ly)?(?:\s+at)?|previously at|alumni of"
    r"|trabaj\w*\s+(?:en|para|con)|ex ?empleados de|empleados de"
    r"|travaill\w*\s+(?:chez|pour)|chez|anciens? (?:de|d')|ancienne?s? (?:de|d')"
    r"|(?:ge)?arbeit\w*\s+(?:bei|fur)|tatig bei|bei|ehemalige\w*(?:\s+von)?|ehemals bei)"
    r"[\s-]+\Z"
)

# Years of experience.
_NUMBER_WORDS: dict[str, int] = {
    **dict.fromkeys(("one", "uno", "una", "un", "une", "ein", "eine", "einem", "einen"), 1),
    **dict.fromkeys(("two", "dos", "deux", "zwei"), 2),
    **dict.fromkeys(("three", "tres", "trois", "drei"), 3),
    **dict.fromkeys(("four", "cuatro", "quatre", "vier"), 4),
    **dict.fromkeys(("five", "cinco", "cinq", "funf"), 5),
    **dict.fromkeys(("six", "seis", "sechs"), 6),
    **dict.fromkeys(("seven", "siete", "sept", "sieben"), 7),
    **dict.fromkeys(("eight", "ocho", "huit", "acht"), 8),
    **dict.fromkeys(("nine", "nueve", "neuf", "neun"), 9),
    **dict.fromkeys(("ten", "diez", "dix", "zehn"), 10),
    **dict.fromkeys(("twelve", "doce", "douze", "zwolf"), 12),
    **dict.fromkeys(("fifteen", "quince", "quinze", "funfzehn"), 15),
    **dict.fromkeys(("twenty", "veinte", "vingt", "zwanzig"), 20),
}
_NUM = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNIT = r"(?:years?|yrs?|anos?|ans|annees?|jahre?n?)'?"
_AT_LEAST = (
    r"at least|minimum of|minimum|min\.?|more than|over|above|upwards of|no less than"
    r"|al menos|por lo menos|como minimo|minimo|mas de|au moins|au minimum|plus de"
    r"|mindestens|mehr als|uber|ueber|wenigstens|ab"
)
_AT_MOST = (
    r"less than|fewer than|under|below|up to|at most|no more than|menos de|hasta|como maximo"
    r"|moins de|jusqu'a|au plus|au maximum|weniger als|unter|bis zu|hochstens|maximal|max\.?"
)
_OR_MORE = (
    r"or more|or longer|and more|and above|or above|\+|o mas|y mas|ou plus|et plus"
    r"|oder mehr|und mehr"
)
_EXPERIENCE = (
    r"(?:(?:of|de|in|an|d')\s*)?(?:(?:professional|relevant|work|working|industry|hands-on"
    r"|total)\s+)?(?:experience|experiencia|exp|erfahrung|berufserfahrung|berufspraxis)"
    r"(?:\s+(?:profesional|laboral|professionnelle|professionnel|professionelle))?"
)
_YEARS_RANGE = re.compile(
    rf"(?<!\w)(?:(?:between|entre|zwischen)\s+)?(?P<low>{_NUM})\s*(?:-|to|and|y|a|et|und|bis)"
    rf"\s*(?P<high>{_NUM})\s*{_UNIT}(?!\w)(?:\s*{_EXPERIENCE}(?!\w))?"
)
_YEARS = re.compile(
    rf"(?<!\w)(?:(?P<cmp>{_AT_LEAST}|{_AT_MOST})\s+)?\+?(?P<n>{_NUM})\s*\+?\s*-?\s*{_UNIT}"
    rf"(?!\w)(?:\s*(?:{_OR_MORE})(?!\w))?(?:\s*{_EXPERIENCE}(?!\w))?"
)
_AT_MOST_RE = re.compile(rf"(?:{_AT_MOST})")
_RECENT = _words("last past ultimos ultimas derniers dernieres letzten vergangenen")

# Legal suffixes an employer is written with but not asked about ("Siemens AG" ← "Siemens").
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:ag|gmbh|se|s\.?a\.?|s\.?l\.?|s\.?a\.?s\.?|sarl|inc\.?|llc|ltd\.?|plc|corp\.?"
    r"|corporation|co\.?|kg|kgaa|n\.?v\.?|b\.?v\.?|ab|asa|oy|s\.?p\.?a\.?|srl|group|gruppe"
    r"|& co\.? kg)\s*$"
)

# --- Text and spans -------------------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "\u00a0": " "}
)
_WORD = re.compile(r"\w+(?:[&.]\w+)*")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str  # folded


@dataclass(frozen=True)
class _Text:
    """The question folded, with every folded character's position in the original."""

    original: str
    folded: str
    origin: tuple[int, ...]
    words: tuple[_Word, ...]

    @classmethod
    def of(cls, question: str) -> _Text:
        original = question.translate(_PUNCTUATION)
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(original):
            for c in fold(ch):
                chars.append(c)
                origin.append(i)
        origin.append(len(original))
        folded = "".join(chars)
        words = tuple(_Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded))
        return cls(original, folded, tuple(origin), words)

    def raw(self, start: int, end: int) -> str:
        """The original characters of a folded range."""
        if end <= start:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]

    def is_capitalised(self, word: _Word) -> bool:
        return self.original[self.origin[word.start]].isupper()

    def word_index(self, position: int) -> int:
        """Index of the first word starting at or after ``position``."""
        for i, w in enumerate(self.words):
            if w.start >= position:
                return i
        return len(self.words)

    def words_before(self, position: int, n: int) -> list[_Word]:
        return [w for w in self.words if w.end <= position][-n:]

    def words_after(self, position: int, n: int) -> list[_Word]:
        return [w for w in self.words if w.start >= position][:n]

    @property
    def all_lower(self) -> bool:
        return not any(c.isupper() for c in self.original)


Kind = Literal[
    "name", "cert", "years", "keep", "degree", "language", "skill", "place", "employer", "level"
]
# Tie-break on equal length (lower wins). A cue lowers a place or an employer to _CUED.
_RANK: dict[Kind, int] = {
    "name": 0,
    "cert": 1,
    "years": 2,
    "keep": 3,
    "degree": 4,
    "language": 6,
    "skill": 7,
    "place": 8,
    "employer": 9,
    "level": 10,
}
_CUED = 5
_PARTIAL_NAME = 11


@dataclass(frozen=True)
class _Span:
    start: int  # folded positions
    end: int
    kind: Kind
    value: str
    rank: int

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


def _key(phrase: str) -> str:
    """A phrase as lexicons index it: hyphens and runs of spaces become one space."""
    return " ".join(re.split(r"[\s-]+", phrase.strip()))


def _phrase_pattern(phrases: Iterable[str], suffix: str = "") -> re.Pattern[str] | None:
    """Every phrase as a whole word, longest first, overlapping matches included."""
    keys = sorted({_key(p) for p in phrases if p.strip()}, key=len, reverse=True)
    if not keys:
        return None
    body = "|".join(r"[\s-]+".join(re.escape(w) for w in k.split(" ")) for k in keys)
    return re.compile(rf"(?<!\w)(?=((?:{body}){suffix})(?!\w))")


def _matches(pattern: re.Pattern[str] | None, folded: str) -> Iterator[tuple[int, int, str]]:
    if pattern is None:
        return
    for m in pattern.finditer(folded):
        yield m.start(1), m.end(1), m.group(1)


# --- Lexicons built once ----------------------------------------------------------------------


def _language_forms() -> dict[str, str]:
    """Language names with the feminine/plural/compound forms questions use."""
    forms: dict[str, str] = {}
    for name, code in LANGUAGE_BY_NAME.items():
        variants = {name, name + "s"}
        if not name.isascii() or name not in {"english", "spanish", "french", "german"}:
            variants |= {name + s for s in ("e", "es", "a", "as", "en", "kenntnisse")}
            variants.add(name + "kenntnissen")
            if name.endswith("o"):
                variants |= {name[:-1] + s for s in ("a", "as", "os")}
            if name.endswith("n"):
                variants |= {name + "ne", name + "nes"}
        for v in variants:
            if v not in _NOT_LANGUAGES:
                forms.setdefault(_key(v), code)
    forms.update({_key(k): v for k, v in _QUESTION_LANGUAGE_WORDS.items()})
    # Every language keeps its own names, whatever variant of another language they match.
    forms.update({_key(k): v for k, v in LANGUAGE_BY_NAME.items()})
    return forms


_LANGUAGES = _language_forms()
_LANGUAGE_RE = _phrase_pattern(_LANGUAGES)

_LEVELS: dict[str, Level] = {
    _key(k): v for k, v in {**LEVEL_WORDS, **_QUESTION_LEVEL_WORDS}.items()
}
_LEVEL_SUFFIXES = ("es", "er", "en", "em", "e", "s")
_LEVEL_RE = _phrase_pattern(_LEVELS, suffix="(?:e|es|er|en|em|s)?")
_CEFR_RE = re.compile(r"(?<!\w)([abc][12])(?:\+|\s*/\s*[abc][12])?(?!\w)")

_SKILLS: dict[str, str] = {_key(k): v for k, v in SKILL_BY_ALIAS.items()}
_SKILL_RE = _phrase_pattern(_SKILLS)

_DEGREES: dict[str, DegreeLevel] = {
    _key(k): v
    for k, v in {**DEGREE_WORDS, **_QUESTION_DEGREE_WORDS}.items()
    if k not in _QUESTION_DEGREE_EXCLUDED
}
_DEGREE_RE = _phrase_pattern(_DEGREES, suffix="s?")
_GATED_DEGREE_RE = re.compile(r"(?<!\w)(promotion|licence)(?!\w)")
_KEEP_RE = _phrase_pattern(_KEEP_PHRASES)

_CERT_ACRONYM_RE = re.compile(
    rf"(?<!\w)(?:{_CERT_CUE.pattern}\s+(?:(?:de|en|in|als|d')\s*)?)?"
    rf"(?P<acro>{'|'.join(sorted(map(re.escape, _CERT_ACRONYMS), key=len, reverse=True))})"
    rf"(?:[\s-]+{_CERT_CUE.pattern})?(?!\w)"
)
_CERT_CUE_WORD = re.compile(rf"(?<!\w){_CERT_CUE.pattern}(?!\w)")


def _lookup_level(matched: str) -> Level | None:
    key = _key(matched)
    if key in _LEVELS:
        return _LEVELS[key]
    for suffix in _LEVEL_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in _LEVELS:
            return _LEVELS[key[: -len(suffix)]]
    return None


# --- Corpus values (cached per collection) ----------------------------------------------------


@dataclass(frozen=True)
class _Gazetteer:
    pattern: re.Pattern[str] | None
    values: Mapping[str, str]  # key → value as the corpus spells it
    partial: Mapping[str, str]  # one word of a name → the name (names only, when unique)


def _collection(values: Collection[str]) -> frozenset[str]:
    return values if isinstance(values, frozenset) else frozenset(values)


@lru_cache(maxsize=16)
def _names(values: frozenset[str]) -> _Gazetteer:
    full = {_key(fold(v)): " ".join(v.split()) for v in values if v.strip()}
    counts: dict[str, list[str]] = {}
    for key, value in full.items():
        parts = key.split(" ")
        if len(parts) > 1:
            for part in {parts[0], parts[-1]}:
                if len(part) >= 3 and part not in _STOP:
                    counts.setdefault(part, []).append(value)
    partial = {k: v[0] for k, v in counts.items() if len(v) == 1 and k not in full}
    return _Gazetteer(_phrase_pattern([*full, *partial]), full, partial)


@lru_cache(maxsize=16)
def _employers(values: frozenset[str]) -> _Gazetteer:
    keyed: dict[str, str] = {}
    for value in sorted(values, key=len):
        value = " ".join(value.split())
        keyed.setdefault(_key(fold(value)), value)
        core = value
        while (m := _LEGAL_SUFFIX.search(fold(core))) is not None and m.start() > 0:
            core = core[: m.start()].rstrip(" ,")
        if core != value:
            keyed.setdefault(_key(fold(core)), core)
    return _Gazetteer(_phrase_pattern(keyed), keyed, {})


@lru_cache(maxsize=16)
def _places(values: frozenset[str]) -> _Gazetteer:
    """Known places, every part of "City, Country", and every spelling ``PLACES`` knows."""
    keyed: dict[str, str] = {}
    known: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            part = " ".join(part.split())
            if len(part) > 2:
                known.setdefault(_key(fold(part)), part)
    keyed.update(known)
    for spellings in PLACES.values():
        keys = [_key(fold(s)) for s in spellings if len(s) > 2]
        # The corpus' own spelling when one of the group is in the corpus, else English.
        shown = next((known[k] for k in keys if k in known), spellings[0])
        for k in keys:
            keyed.setdefault(k, shown)
    return _Gazetteer(_phrase_pattern(keyed), keyed, {})


# --- Span finders ---------------------------------------------------------------------------


def _cue_before(cue: re.Pattern[str], t: _Text, start: int) -> bool:
    return cue.search(t.folded, 0, start) is not None if start else False


def _capitalised_run(t: _Text, position: int, max_words: int = 5) -> tuple[int, int] | None:
    """The capitalised words starting at ``position``: "New York", "Frankfurt am Main"."""
    connectors = _words("de del la am of sur upon &")
    run: list[_Word] = []
    for w in t.words_after(position, max_words + 2):
        gap = t.folded[run[-1].end : w.start] if run else t.folded[position : w.start]
        if gap.strip(" -&"):
            break
        if t.is_capitalised(w) or w.text[0].isdigit():
            if w.text in _STOP and not run:
                break
            run.append(w)
        elif run and w.text in connectors:
            run.append(w)
        else:
            break
        if len(run) >= max_words:
            break
    while run and run[-1].text in connectors:
        run.pop()
    if not run:
        return None
    end = run[-1].end
    if t.folded[run[-1].start : end].endswith("'s"):
        end -= 2
    return run[0].start, end


def _is_lexicon_word(text: str) -> bool:
    key = _key(text)
    return key in _SKILLS or key in _LANGUAGES or key in _LEVELS or key in _DEGREES


_ARTICLE = r"(?:(?:the|el|la|los|las|le|les|l'|der|die|das|dem|den)\s*)?"


def _cued_unknown(t: _Text, cue: re.Pattern[str], kind: Kind) -> Iterator[_Span]:
    """A capitalised value right after a strong cue ("lives in Lyon", "worked at Acme")."""
    body = re.compile(cue.pattern.removesuffix(r"[\s-]+\Z") + r"[\s-]+" + _ARTICLE)
    for m in body.finditer(t.folded):
        run = _capitalised_run(t, m.end())
        if run is None and t.all_lower:
            following = t.words_after(m.end(), 1)
            if following and following[0].start == m.end() and following[0].text not in _STOP:
                run = (following[0].start, following[0].end)
        if run is None:
            continue
        start, end = run
        words = t.words_after(start, 5)
        first = words[0].text
        single = words[0].end >= end
        if first in _STOP or (single and (first in _CERT_ACRONYMS or _is_lexicon_word(first))):
            continue
        yield _Span(start, end, kind, t.raw(start, end), _CUED)


def _gazetteer_spans(
    t: _Text, gazetteer: _Gazetteer, kind: Kind, cue: re.Pattern[str] | None = None
) -> Iterator[_Span]:
    for start, end, matched in _matches(gazetteer.pattern, t.folded):
        key = _key(matched)
        if key in gazetteer.values:
            value, rank = gazetteer.values[key], _RANK[kind]
        elif (
            key in gazetteer.partial
            and start != t.words[0].start  # a capitalised first word says nothing
            and t.is_capitalised(t.words_after(start, 1)[0])
        ):
            value, rank = gazetteer.partial[key], _PARTIAL_NAME
        else:
            continue
        if cue is not None and _cue_before(cue, t, start):
            rank = _CUED
        yield _Span(start, end, kind, value, rank)


_LIST_GAP = re.compile(r"^[\s,/&-]*(?:(?:and|or|y|o|u|e|et|ou|und|oder)[\s,]*)?$")


def _technical(t: _Text, start: int, end: int, key: str, plain: Sequence[_Span]) -> bool:
    """Whether an alias that is also an ordinary word ("go", "rest", "R") means the skill."""
    raw = t.raw(start, end)
    if key in _EXACT_CASE:
        if raw == _EXACT_CASE[key]:
            following = t.original[t.origin[end] : t.origin[end] + 1]
            return following not in ("&", "'")
    elif any(c.isupper() for c in raw) and t.words[0].start != start:
        return True
    after, before = t.words_after(end, 1), t.words_before(start, 1)
    if after and after[0].text in _TECH_NEXT and not t.folded[end : after[0].start].strip(" -"):
        return True
    if before and before[0].text in _TECH_PREVIOUS:
        return True
    return any(
        _LIST_GAP.match(t.folded[p.end : start] if p.end <= start else t.folded[end : p.start])
        for p in plain
    )


def _skill_spans(t: _Text) -> list[_Span]:
    found = [(s, e, _key(m)) for s, e, m in _matches(_SKILL_RE, t.folded)]
    rank = _RANK["skill"]
    plain = [
        _Span(s, e, "skill", _SKILLS[k], rank)
        for s, e, k in found
        if k not in _EXACT_CASE and k not in _CAPITALISED
    ]
    ambiguous = [
        _Span(s, e, "skill", _SKILLS[k], rank)
        for s, e, k in found
        if (k in _EXACT_CASE or k in _CAPITALISED) and _technical(t, s, e, k, plain)
    ]
    return plain + ambiguous


# Language names that are also English words: only with a capital ("Polish", not "polish").
_CAPITALISED_LANGUAGES = frozenset({"polish"})


def _language_spans(t: _Text) -> Iterator[_Span]:
    for start, end, matched in _matches(_LANGUAGE_RE, t.folded):
        if matched in _CAPITALISED_LANGUAGES and not t.original[t.origin[start]].isupper():
            continue
        yield _Span(start, end, "language", _LANGUAGES[_key(matched)], _RANK["language"])


def _level_spans(t: _Text) -> Iterator[_Span]:
    rank = _RANK["level"]
    for start, end, matched in _matches(_LEVEL_RE, t.folded):
        level = _lookup_level(matched)
        if level is not None:
            yield _Span(start, end, "level", level, rank)
    for m in _CEFR_RE.finditer(t.folded):
        yield _Span(m.start(), m.end(), "level", m.group(1).upper(), rank)


def _number(text: str) -> float:
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else float(text.replace(",", "."))


def _years_spans(t: _Text) -> list[_Span]:
    rank = _RANK["years"]
    spans: list[_Span] = []
    for m in _YEARS_RANGE.finditer(t.folded):
        spans.append(_Span(m.start(), m.end(), "years", str(_number(m.group("low"))), rank))
    for m in _YEARS.finditer(t.folded):
        span = _Span(m.start(), m.end(), "years", str(_number(m.group("n"))), rank)
        if any(span.overlaps(s) for s in spans):
            continue
        comparison = m.group("cmp")
        if comparison and _AT_MOST_RE.fullmatch(comparison):
            continue  # a maximum: the query cannot say it
        if any(w.text in _RECENT for w in t.words_before(m.start(), 2)):
            continue  # "in the last 5 years"
        spans.append(span)
    return spans


def _degree_spans(t: _Text) -> Iterator[_Span]:
    rank = _RANK["degree"]
    for start, end, matched in _matches(_DEGREE_RE, t.folded):
        key = _key(matched)
        level = _DEGREES.get(key) or _DEGREES.get(key.removesuffix("s"))
        if level is not None:
            yield _Span(start, end, "degree", level, rank)
    for m in _GATED_DEGREE_RE.finditer(t.folded):
        before = [w.text for w in t.words_before(m.start(), 1)]
        if m.group(1) == "promotion" and before and before[0] in _GERMAN_DETERMINERS:
            yield _Span(m.start(), m.end(), "degree", "phd", rank)
        elif m.group(1) == "licence" and not (before and before[0] in _DRIVING):
            yield _Span(m.start(), m.end(), "degree", "bachelor", rank)


def _keep_spans(t: _Text) -> Iterator[_Span]:
    for start, end, matched in _matches(_KEEP_RE, t.folded):
        yield _Span(start, end, "keep", matched, _RANK["keep"])


_PLURAL_TITLE = re.compile(r"(?<=[a-z])(?:or|er|ect|ist|ant|ent|ate)s$")


def _singular(name: str) -> str:
    """ "Certified Kubernetes Administrators" → "… Administrator" (so it matches the CV's)."""
    return name[:-1] if _PLURAL_TITLE.search(name) else name


def _cert_value(t: _Text, start: int, end: int) -> str:
    return _singular(t.raw(start, end).strip(" -:"))


def _proper_certification(t: _Text, index: int) -> tuple[int, int] | None:
    """A capitalised name around a capitalised "Certified": "AWS Certified Developer"."""
    words = t.words

    def joins(a: _Word, b: _Word, allowed: str) -> bool:
        return not t.folded[a.end : b.start].strip(allowed)

    def proper(w: _Word) -> bool:
        return (t.is_capitalised(w) or w.text[0].isdigit()) and w.text not in _STOP

    first = last = index
    while first > 0 and proper(words[first - 1]) and joins(words[first - 1], words[first], " "):
        if _key(words[first - 1].text) in _LANGUAGES:
            break
        first -= 1
    while (
        last + 1 < len(words)
        and proper(words[last + 1])
        and joins(words[last], words[last + 1], " :-")
    ):
        last += 1
    if first == last:
        return None
    return words[first].start, words[last].end


_NUMERAL = re.compile(r"^(?:i{1,3}|iv|v)$")  # folded


def _certification_subject(
    t: _Text, cue: _Word, skills: Sequence[_Span]
) -> tuple[int, int, str] | None:
    """What a lower-case cue certifies: "AWS certified", "certificación en Scrum"."""
    # Before the cue: "AWS certified", "Kubernetes-Zertifikat".
    for skill in skills:
        if skill.end <= cue.start and not t.folded[skill.end : cue.start].strip(" -"):
            return skill.start, cue.end, skill.value
    before = t.words_before(cue.start, 6)
    run: list[_Word] = []
    for w in reversed(before):
        anchor = run[0].start if run else cue.start
        if t.folded[w.end : anchor].strip(" -") or not t.is_capitalised(w):
            break
        # "Professional Scrum Product Owner I": a level numeral is part of the name.
        if (w.text in _STOP and not _NUMERAL.match(w.text)) or _key(w.text) in _LANGUAGES:
            break
        run.insert(0, w)
    if all(_NUMERAL.match(w.text) for w in run):  # "do I need a certification?"
        run = []
    if run:
        return run[0].start, cue.end, _cert_value(t, run[0].start, run[-1].end)
    # After the cue: "certified in Azure", "certification AWS", "certified Scrum Master".
    position = cue.end
    for w in t.words_after(cue.end, 3):
        if w.text not in _CERT_CONNECTORS or t.folded[position : w.start].strip(" '"):
            break
        position = w.end
    for skill in skills:
        if skill.start >= position and not t.folded[position : skill.start].strip(" '"):
            return cue.start, skill.end, skill.value
    found = _capitalised_run(t, position, max_words=4)
    if found is None or t.folded[position : found[0]].strip(" '"):
        return None
    first = t.words_after(found[0], 1)[0].text
    if _key(first) in _LANGUAGES:
        return None
    return cue.start, found[1], _cert_value(t, *found)


def _named_before(t: _Text, acronym: re.Match[str]) -> tuple[int, int] | None:
    """The name an acronym in brackets stands for: "Professional Scrum Product Owner I (PSPO
    I)" — from the name's first word to the closing bracket."""
    if not t.folded[: acronym.start()].endswith("("):
        return None
    close = t.folded.find(")", acronym.end())
    if close < 0 or close - acronym.end() > 6:
        return None
    run: list[_Word] = []
    for w in reversed(t.words_before(acronym.start() - 1, 8)):
        anchor = run[0].start if run else acronym.start() - 1
        if t.folded[w.end : anchor].strip(" ") or not t.is_capitalised(w):
            break
        stop = w.text in _STOP and not (_NUMERAL.match(w.text) or _CERT_CUE_WORD.fullmatch(w.text))
        if stop or _key(w.text) in _LANGUAGES:
            break
        run.insert(0, w)
    if len(run) < 2:
        return None
    return run[0].start, close + 1


def _cert_spans(t: _Text, skills: Sequence[_Span]) -> list[_Span]:
    rank = _RANK["cert"]
    spans = []
    for m in _CERT_ACRONYM_RE.finditer(t.folded):
        named = _named_before(t, m)
        if named is not None:  # asked by both names: either one is the certification
            spans.append(_Span(*named, "cert", t.raw(*named), rank))
        else:
            spans.append(_Span(m.start(), m.end(), "cert", _CERT_ACRONYMS[m.group("acro")], rank))
    spans += [
        _Span(m.start(), m.end(), "cert", m.group().upper(), rank)
        for m in _CERT_CODE.finditer(t.folded)
    ]
    cues = [(i, w) for i, w in enumerate(t.words) if _CERT_CUE_WORD.fullmatch(w.text)]
    # A capitalised "Certified" names its certification ("Microsoft Certified: Azure …")
    # even after a cue word ("die Zertifizierung Microsoft Certified: …"), so it goes first.
    cues.sort(key=lambda c: not (c[1].text == "certified" and t.is_capitalised(c[1])))
    for index, word in cues:
        if any(s.start <= word.start < s.end for s in spans):
            continue
        proper = None
        if word.text == "certified" and t.is_capitalised(word):
            proper = _proper_certification(t, index)
        if proper is not None:
            spans.append(_Span(*proper, "cert", _cert_value(t, *proper), rank))
        elif (subject := _certification_subject(t, word, skills)) is not None:
            found = _Span(subject[0], subject[1], "cert", subject[2], rank)
            if not any(found.overlaps(s) for s in spans):
                spans.append(found)
    return spans


def _candidates(
    t: _Text,
    known_locations: frozenset[str],
    known_employers: frozenset[str],
    known_names: frozenset[str],
) -> list[_Span]:
    skills = _skill_spans(t)
    return [
        *_gazetteer_spans(t, _names(known_names), "name"),
        *_cert_spans(t, skills),
        *_years_spans(t),
        *_keep_spans(t),
        *_degree_spans(t),
        *_language_spans(t),
        *_level_spans(t),
        *skills,
        *_gazetteer_spans(t, _places(known_locations), "place", _LOCATION_CUE),
        *_cued_unknown(t, _LOCATION_CUE, "place"),
        *_gazetteer_spans(t, _employers(known_employers), "employer", _EMPLOYER_CUE),
        *_cued_unknown(t, _EMPLOYER_CUE, "employer"),
    ]


def _select(spans: Iterable[_Span]) -> list[_Span]:
    """Longest spans first, then by rank; no two chosen spans overlap."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.rank, s.start)):
        if not any(span.overlaps(c) for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


# --- Assembling the query -------------------------------------------------------------------

_SENTENCE_BREAK = frozenset(".;?!¿¡")


def _filler_gap(t: _Text, start: int, end: int) -> int | None:
    """How many filler words lie between two spans; None when anything else does."""
    gap = t.folded[start:end]
    if any(c in _SENTENCE_BREAK for c in gap):
        return None
    words = _WORD.findall(gap)
    return len(words) if all(w in _LEVEL_FILLERS for w in words) else None


_AND_LIST = re.compile(r"^[\s,]*(?:(?:and|y|e|et|und)[\s,]*)?$")


def _share_levels(t: _Text, languages: Sequence[_Span], levels: dict[_Span, Level]) -> None:
    """One level for a list of languages: "fluent in German and Spanish"."""
    groups: list[list[_Span]] = []
    for span in languages:
        if groups and _AND_LIST.match(t.folded[groups[-1][-1].end : span.start]):
            groups[-1].append(span)
        else:
            groups.append([span])
    for group in groups:
        stated = {levels[s] for s in group if s in levels}
        if len(stated) == 1:
            level = stated.pop()
            for span in group:
                levels.setdefault(span, level)


def _languages(t: _Text, spans: Sequence[_Span]) -> tuple[list[LanguageFilter], set[_Span]]:
    """Language filters with the levels next to them, and the level spans left unused."""
    languages = [s for s in spans if s.kind == "language"]
    levels: dict[_Span, Level] = {}
    unused: set[_Span] = set()
    for level in (s for s in spans if s.kind == "level"):
        left = next((s for s in reversed(languages) if s.end <= level.start), None)
        right = next((s for s in languages if s.start >= level.end), None)
        gap_left = _filler_gap(t, left.end, level.start) if left else None
        gap_right = _filler_gap(t, level.end, right.start) if right else None
        target = None
        if gap_left is not None and (gap_right is None or gap_left <= gap_right):
            target = left
        elif gap_right is not None:
            target = right
        if target is None or target in levels:
            unused.add(level)
        else:
            levels[target] = level.value  # type: ignore[assignment]
    _share_levels(t, languages, levels)
    filters: dict[str, LanguageFilter] = {}
    for span in languages:
        wanted = levels.get(span)
        current = filters.get(span.value)
        if current is None or (current.min_level is None and wanted is not None):
            filters[span.value] = LanguageFilter(code=span.value, min_level=wanted)
    return list(filters.values()), unused


def _link(t: _Text, a: _Span, b: _Span) -> Literal["or", "list"] | None:
    """How two consecutive skills are joined: "Python or Go", "Python, Go", or not at all."""
    gap = t.folded[a.end : b.start]
    if any(c in _SENTENCE_BREAK or c == ":" for c in gap):
        return None
    words = _WORD.findall(gap)
    if not words:
        return "or" if "/" in gap else "list"
    if ("/" in gap or any(w in _OR_WORDS for w in words)) and all(
        w in _STOP or w in _ROLE_NOUNS for w in words
    ):
        return "or"
    return None


def _skills(t: _Text, spans: Sequence[_Span]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(skills_all, skills_any): skills joined by "or" (or in an "a, b or c" list) are any."""
    skills = [s for s in spans if s.kind == "skill"]
    groups: list[tuple[list[_Span], bool]] = []
    for skill in skills:
        link = _link(t, groups[-1][0][-1], skill) if groups else None
        if link is None:
            groups.append(([skill], False))
        else:
            members, has_or = groups[-1]
            groups[-1] = ([*members, skill], has_or or link == "or")
    any_ = list(dict.fromkeys(s.value for members, has_or in groups if has_or for s in members))
    if len(any_) < 2:
        any_ = []
    all_ = [v for v in dict.fromkeys(s.value for s in skills) if v not in any_]
    return tuple(all_), tuple(any_)


def _remainder(t: _Text, consumed: Sequence[_Span]) -> str:
    taken = bytearray(len(t.folded))
    for span in consumed:
        if span.kind != "keep":
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
    kept = [
        t.raw(w.start, w.end)
        for w in t.words
        if not any(taken[w.start : w.end]) and w.text not in _STOP
    ]
    return " ".join(kept)


def _first(spans: Sequence[_Span], kind: Kind) -> str | None:
    return next((s.value for s in spans if s.kind == kind), None)


def _operation(
    t: _Text, question: str, has_filters: bool, names: bool, remainder: str
) -> tuple[Operation, bool]:
    """The operation, and whether the text is the whole question (an open question)."""
    folded = t.folded
    counting = _COUNT_CUE.search(folded) is not None
    listing = _LIST_CUE.search(folded) is not None
    if _COMPARE_CUE.search(folded) and (names or has_filters):
        return "compare", False
    if names:
        return "describe", False
    if counting and (has_filters or not remainder):
        return "count", False
    if has_filters and _SUMMARY_CUE.search(folded):
        return "open", True
    if has_filters:
        # A follow-up without its own cue inherits the previous operation (see refine()).
        return ("open" if is_follow_up(question) and not listing else "list"), False
    if listing and not remainder:
        return "list", False
    return "open", True


def parse_question(
    question: str,
    *,
    known_locations: Collection[str] = (),
    known_employers: Collection[str] = (),
    known_names: Collection[str] = (),
) -> CandidateQuery:
    """The question as filters, an operation and a free-text remainder (see module doc)."""
    t = _Text.of(question)
    if not t.words or _NEGATION.search(t.folded):
        return CandidateQuery(operation="open", text=question.strip())
    spans = _select(
        _candidates(
            t,
            _collection(known_locations),
            _collection(known_employers),
            _collection(known_names),
        )
    )
    languages, unused_levels = _languages(t, spans)
    spans = [s for s in spans if s.kind != "level" or s not in unused_levels]
    skills_all, skills_any = _skills(t, spans)
    years = [float(s.value) for s in spans if s.kind == "years"]
    degrees = [s.value for s in spans if s.kind == "degree"]
    names = tuple(dict.fromkeys(s.value for s in spans if s.kind == "name"))
    filters: dict[str, object] = {
        "skills_all": skills_all,
        "skills_any": skills_any,
        "languages": tuple(languages),
        "location": _first(spans, "place"),
        "min_years": max(years) if years else None,
        "employer": _first(spans, "employer"),
        "degree": min(degrees, key=DEGREE_LEVELS.index) if degrees else None,
        "certification": _first(spans, "cert"),
    }
    has_filters = any(v not in (None, ()) for v in filters.values())
    remainder = _remainder(t, spans)
    operation, whole = _operation(t, question, has_filters, bool(names), remainder)
    return CandidateQuery.model_validate(
        {
            **filters,
            "names": names,
            "operation": operation,
            "text": question.strip() if whole else remainder,
        }
    )


def is_follow_up(question: str) -> bool:
    """Whether a question refines the previous one ("and which of them…", "what about German?",
    "y de ellos…", "et parmi eux…", "und welche davon…", "only those with 5+ years")."""
    folded = fold(question.translate(_PUNCTUATION)).strip().lstrip("¿¡\"'([ ").strip()
    if not folded:
        return False
    return bool(_FOLLOW_UP_OPENING.match(folded) or _FOLLOW_UP_REFERENCE.search(folded))
