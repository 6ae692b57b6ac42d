"""Date ranges as CVs write them, in en/es/fr/de, and the months they cover.

"Jan 2019 – Present", "03/2018 - 12/2020", "2019–2021", "2015 - heute", "desde 2020",
"mars 2017 – aujourd'hui", "Sept. 2020 bis dato", "2018-04 to 2020-01", "Q3 2018 – Q1 2020"
(July 2018 to March 2020). Everything is matched on folded text (see ``offline_text``), so
month names and "present" words need no accents.

A year without a month starts in January; as an end it means January of that year, unless the
range starts and ends in the same year (then December): "2018 – 2021" counts three years, as a
reader would, not four (``offline_jobs`` reads it through December when the next job starts the
year after). A month without its year before a dated end takes the end's year ("févr. – juil.
2016", "nov. – feb. 2020" from November 2019), and in a range a month a scan misread ("63/2022")
is its second figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan enero ene janvier janv januar janner jaenner",
        "february feb febrero fevrier fevr fev februar",
        "march mar marzo mars marz maerz mrz",
        "april apr abril abr avril avr",
        "may mayo mai",
        "june jun junio juin juni",
        "july jul julio juillet juil juli",
        "august aug agosto ago aout",
        "september sep sept septiembre setiembre set septembre",
        "october oct octubre octobre oktober okt",
        "november nov noviembre novembre",
        "december dec diciembre dic decembre dezember dez",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
# One date: month name + year, a quarter ("Q3 2018"), DD/MM/YYYY, MM/YYYY, YYYY-MM, or a
# bare year.
DATE = (
    rf"(?:(?<![a-z])q[1-4][\s/]*{_YEAR}"
    rf"|(?<![a-z])(?:{_MONTH})\.?,?\s*(?:de\s+|del\s+)?{_YEAR}"
    rf"|(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-]{_YEAR}"
    rf"|(?<![\d./-])(?:0?[1-9]|1[0-2])\s?[/.-]\s?{_YEAR}"
    rf"|(?<![\d./-]){_YEAR}[/-](?:0[1-9]|1[0-2])(?![\d./-])"
    rf"|(?<![\d./-]){_YEAR})(?![\d])"
)
PRESENT = (
    r"(?:present|presently|now|current|currently|today|ongoing|date|actualidad|actual"
    r"|actualmente|presente|hoy|la\s+fecha|aujourd['’]\s?hui|ce\s+jour|maintenant|en\s+cours"
    r"|heute|jetzt|aktuell|dato|laufend|gegenwart|derzeit|now)(?![a-z])"
)
_TO = (
    r"(?:\s*(?:[-–—‐‑]+>?|→|⟶|⇒)\s*"
    r"|\s*[-–—]?\s*(?:to|until|till|a|al|hasta|au|jusqu['’]\s?a|bis)\s+)"
)
_SINCE = r"(?:since|desde|depuis|seit|ab|from|a\s+partir\s+de)"
# A month without its year before a dated end: "févr. – juil. 2016", "ene. - may. 2019",
# "février à juillet 2012" (the year is the end's, or the one before when the month is later).
_MONTH_ONLY = rf"(?<![a-z])(?:{_MONTH})\.?(?!\s*(?:de\s+|del\s+)?{_YEAR})"
_MONTH_YEAR = rf"(?<![a-z])(?:{_MONTH})\.?,?\s*(?:de\s+|del\s+)?{_YEAR}(?!\d)"
# In a range, a month a scan misread ("63/2022 - present", "61/2015 - 07/2018"): a 0 read as
# 6, 8 or 9 leaves a month past 12 whose second figure is the month.
_SCANNED = rf"(?:{DATE}|(?<![\d./-])[689][1-9]/{_YEAR}(?!\d))"
RANGE = re.compile(
    rf"(?:(?P<since>{_SINCE})\s+(?:(?:el|le|dem|der)\s+)?(?P<open>{DATE})(?!{_TO}(?:{DATE}|{PRESENT})))"
    rf"|(?P<start>{_SCANNED}){_TO}(?:(?P<end>{_SCANNED})|(?P<present>{PRESENT}))"
    rf"|(?P<month>{_MONTH_ONLY}){_TO}(?P<dated>{_MONTH_YEAR})"
)
_ANY_DATE = re.compile(DATE)
_PARTS = re.compile(
    rf"(?P<quarter>q[1-4])|(?P<month>{_MONTH})|(?P<year>{_YEAR})|(?P<num>\d{{1,2}})"
)


@dataclass(frozen=True)
class Span:
    """A date range found in folded text: months as ``year * 12 + month - 1``."""

    fstart: int
    fend: int
    start: int
    end: int | None  # None: until today (``as_of``)
    start_has_month: bool
    end_has_month: bool = True  # False: a year alone ("2016–2018"), read as its January


def month_index(value: str) -> int:
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def year_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_date(folded: str) -> int:
    """The month index of one folded date ("ago. 2022", "03/2018", "2019")."""
    return _date(folded)[0]


def _date(text: str, end: bool = False) -> tuple[int, bool]:
    """(month index, whether a month was given) of one date matched by ``DATE``; a quarter
    is its first month, or its last as the ``end`` of a range."""
    year = month = None
    numbers: list[int] = []
    for part in _PARTS.finditer(text):
        if part.group("quarter"):
            month = (int(part.group("quarter")[1]) - 1) * 3 + (3 if end else 1)
        elif part.group("month"):
            month = MONTHS[part.group("month")]
        elif part.group("year") and year is None:
            year = int(part.group("year"))
        elif part.group("num"):
            numbers.append(int(part.group("num")))
    if month is None and numbers:
        month = numbers[-1]  # MM/YYYY, or DD/MM/YYYY
        if month > 12:
            month %= 10  # a scan's "63/2022" (see ``_SCANNED``)
    assert year is not None
    return year * 12 + (month or 1) - 1, month is not None


def find_ranges(folded: str) -> list[Span]:
    """Every date range in a folded text, left to right; an end before its start is dropped."""
    spans = []
    for match in RANGE.finditer(folded):
        if match.group("month"):
            end, _ = _date(match.group("dated"))
            month = MONTHS[match.group("month").rstrip(".")]
            start = end // 12 * 12 + month - 1
            if start > end:
                start -= 12  # "nov. – févr. 2020": November 2019
            spans.append(Span(match.start(), match.end(), start, end, True))
            continue
        if match.group("open"):
            start, has_month = _date(match.group("open"))
            spans.append(Span(match.start(), match.end(), start, None, has_month))
            continue
        start, has_month = _date(match.group("start"))
        end: int | None = None
        end_month = True
        if match.group("end"):
            end, end_month = _date(match.group("end"), end=True)
            if not end_month and end // 12 == start // 12:
                end += 11 - end % 12
            if end < start:
                continue
        spans.append(Span(match.start(), match.end(), start, end, has_month, end_month))
    return spans


def has_date(folded: str) -> bool:
    return _ANY_DATE.search(folded) is not None


def last_year(folded: str) -> int | None:
    years = [int(y) for y in re.findall(rf"(?<!\d){_YEAR}(?!\d)", folded)]
    return years[-1] if years else None


def covered_months(ranges: list[tuple[int, int]]) -> int:
    """Months in the union of inclusive ranges: overlapping jobs count once."""
    months: set[int] = set()
    for start, end in ranges:
        months.update(range(start, end + 1))
    return len(months)
