"""Jobs with their dates, and the total years of experience they add up to.

A job is a date range (which may wrap onto the next line: "Sep 2018 – Jan" / "2022"). Its
title and employer are on the range's own line ("Data Engineer · Acme GmbH, Berlin 03/2018 –
12/2020", "Feb 2022 – present Senior SRE, Monzo, London") or on the short lines around it
("Senior Designer 11/2021 – 08/2025" / "Trupp AG · Leipzig", "Google" / "Software Engineer" /
"Jan 2019 – Present"): the piece with a job-title word is the title, a piece with a company
form (GmbH, S.A., Ltd), or after "at/chez/bei", or else a capitalised name, the employer. A
range whose own line holds only a place ("Lisbon · Feb 2021 – today") takes the title and
employer of the line above; a section that opens every job with its dates reads the lines
after them first. A contractor's client ("Client: TomTom", "en mission chez Airbus") is the
employer when no agency is named, else a job of its own beside the agency's, with the same
dates. Ranges outside the experience section count when they have a title; education,
certifications and languages hold none.

Two-column layouts may print every date range in one column and the "Title · Employer"
lines (or "EMPLOYER" / "Title, Place" blocks) in another, even all before the name: dates left
alone are then paired, in order, with job lines left without dates, when their numbers agree
(a column that gives months for some ranges and years alone for others also holds the
studies' years: those are left out); when they do not, the lone ranges still give the years
and the job lines their employers, without dates. A scan may file the job lines of an
experience section that holds only its dates under the next heading it read: they are looked
for there. When the experience
heading holds no dates (the layout printed its jobs under another heading), a range alone on
its line beside a "Title · Employer" line is a job wherever it is, except in education,
certifications and volunteering. Jobs told in prose are read by ``offline_prose``.

A year alone as a job's end is January of that year, or December when the next job starts
the year after ("2016–2018", then a job from January 2019: the continuous reading).

Years of experience are the union of the jobs' months (any trade: years in retail or nursing
count; internships excluded, overlaps once, freelance periods without a company included,
a current job running to ``as_of``), plus jobs stated only as a length ("8 years at
Siemens"). When the CV states a larger total ("10+ years of experience", "mit 9 Jahren
Erfahrung") than its jobs cover, the statement wins: CVs often list recent jobs only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cvchat.domain.profiles import Evidence, JobFact, YearsFact
from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_certifications import certificate_named
from cvchat.infrastructure.profiles.offline_dates import (
    Span,
    covered_months,
    find_ranges,
    has_date,
    month_index,
    year_month,
)
from cvchat.infrastructure.profiles.offline_education import strong_degree
from cvchat.infrastructure.profiles.offline_job_lines import DateRange, Reading, around, read, short
from cvchat.infrastructure.profiles.offline_prose import (
    about_studies,
    duration_jobs,
    prose_job,
    sentence_bounds,
    started_jobs,
    works_at,
)
from cvchat.infrastructure.profiles.offline_text import Document, Line, fold_with_map
from cvchat.infrastructure.profiles.offline_words import has_title_word, is_prose

_INTERNSHIP = re.compile(
    r"(?<!\w)(?:intern|internship|trainee|practicas|becari[oa]|stagiaire|stage|alternan(?:t|te|ce)"
    r"|praktikant(?:in)?|praktikum|werkstudent(?:in)?|apprentice|apprenticeship|apprenti|apprentie"
    r"|contrat\s+d['’]apprentissage|aprendiz|azubi|auszubildende[r]?|duale\s+ausbildung|ausbildung\s+(?:zum|zur)"
    r"|lehre\s+(?:als|zum|zur)"
    # a co-op (cooperative education) term is a student's placement, not the Co-op retailer
    r"|work\s+term|co-?op\s+(?:student|placement|term|program(?:me)?|position))(?!\w)"
)
# Time in a career list that was no job: studying for a new trade, a break. Only an entry
# named by it alone counts ("Software Development Bootcamp", "Retraining", "Année
# sabbatique"); "Bootcamp Instructor" holds a title and is a job.
_NOT_WORK = re.compile(
    r"(?<!\w)(?:boot\s?camp|retraining|re-training|self-study|self-taught|career\s+break"
    r"|sabbatical|gap\s+year|parental\s+leave|maternity\s+leave|paternity\s+leave"
    r"|reconversion(?:\s+professionnelle)?|annee\s+sabbatique|conge\s+parental"
    r"|ano\s+sabatico|excedencia|reciclaje\s+profesional|umschulung|elternzeit|auszeit"
    r"|sabbatjahr)(?!\w)"
)
# What may stand beside a range alone on its line: separators, and the specks and quotes a
# scan adds ("‘63/2022 - present", "| 03/2014 - 12/2014.").
_AROUND_DATES = " ·|,:;()–—-‘’'\"“”.*_="
_NO_JOBS = frozenset({"education", "certifications", "languages", "publications", "volunteering"})
# Where a range never is a job, even when the experience section holds none.
_NEVER_JOBS = frozenset({"education", "certifications", "volunteering"})
_STATED_YEARS = re.compile(
    r"(?P<n>\d{1,2})\+?\s*(?:years?|yrs|anos|ans|jahren?)\b[^.\n]{0,30}?"
    r"(?:experience|experiencia|trayectoria|pratique|erfahrung|berufserfahrung)"
)


@dataclass(frozen=True)
class Career:
    jobs: tuple[JobFact, ...]
    undated_months: int  # jobs known only by a length ("8 years at Siemens")
    undated_evidence: Evidence | None
    # ranges tied to no job (a floated column of dates): (start, end or None, evidence)
    loose: tuple[tuple[int, int | None, Evidence], ...] = ()


def _ranges(doc: Document) -> list[DateRange]:
    found = []
    for number, page in enumerate(doc.pages):
        for span in find_ranges(page.folded):
            start, end = page.original(span.fstart, span.fend)
            first, last = page.line_at(start), page.line_at(max(start, end - 1))
            if first is not None and last is not None:
                found.append(DateRange(number, span, start, end, first, last))
    return found


def _job(
    reading: Reading,
    span: Span,
    current: int,
    evidence: Evidence,
    year_ends: dict[int, int] | None = None,
) -> JobFact:
    """The job of a range; one that ends in a year alone ("2016–2018") is noted in
    ``year_ends`` (the job's id → that year) for ``_through_year``."""
    end = None if span.end is None or span.end >= current else span.end
    job = JobFact(
        employer=reading.employer or "",
        title=reading.title,
        start=year_month(span.start),
        end=year_month(end) if end is not None else None,
        current=end is None,
        evidence=evidence,
    )
    # a range within one year ("2018 – 2018") ends in December already
    year_only = end is not None and not span.end_has_month and end // 12 != span.start // 12
    if year_ends is not None and end is not None and year_only:
        year_ends[id(job)] = end // 12
    return job


def _through_year(career: list[JobFact], year_ends: dict[int, int]) -> list[JobFact]:
    """A year alone as a job's end is read through its December when the next job starts in
    the year after ("2016–2018" between a job that ended 12/2015 and one from January 2019 is
    January 2016 – December 2018: the continuous reading). Otherwise it stays January: the
    next job starts within that year, or a gap follows ("four years at Klarna (2016–2020)",
    then Spotify since 2022)."""
    if not year_ends:
        return career
    starts = [month_index(job.start) for job in career if job.start is not None]
    out = []
    for job in career:
        year = year_ends.get(id(job))
        later = [s for s in starts if job.start is not None and s > month_index(job.start)]
        if year is None or not later or min(later) // 12 != year + 1:
            out.append(job)
        else:
            out.append(job.model_copy(update={"end": year_month(year * 12 + 11)}))
    return out


def _dates_first(doc: Document, ranges: list[DateRange]) -> bool:
    """Whether the experience section opens each job with its dates, alone on their line
    ("10.2020 – heute" / "Senior Entwicklerin, Siemens AG"): its first range comes straight
    after the section's heading."""
    for found in ranges:
        if found.first.section != "experience":
            continue
        page = doc.pages[found.page]
        rest = page.text[found.first.start : found.start] + page.text[found.end : found.last.end]
        if rest.strip(_AROUND_DATES) or found.first.number == 0:
            return False
        before = doc.lines[found.first.number - 1]
        return before.heading or before.section != "experience" or before.page != found.page
    return False


def extract_jobs(doc: Document, as_of: str) -> Career:
    """Every job of the CV in reading order, then jobs told in prose and by length only."""
    current = month_index(as_of)
    has_experience = "experience" in doc.sections
    jobs: list[tuple[int, JobFact]] = []  # (line number, job)
    loose: list[DateRange] = []  # ranges alone on their line, without a job
    since: list[tuple[int, int]] = []  # jobs from "seit 2023" inside a job line: (index, line)
    used: set[int] = set()
    sentences: dict[tuple[int, int], int] = {}  # (page, start) → where its first range starts
    year_ends: dict[int, int] = {}  # jobs that end in a year alone: id → that year
    ranges = _ranges(doc)
    first = _dates_first(doc, ranges)
    # the experience heading holds no dates (the layout printed its jobs elsewhere)
    elsewhere = not any(found.first.section == "experience" for found in ranges)
    after_job = elsewhere and _job_line_first(doc, ranges)
    for found in ranges:
        line = found.first
        if line.section in _NEVER_JOBS or strong_degree(line.folded):
            continue
        page = doc.pages[found.page]
        if line.section in _NO_JOBS:
            beside = _beside(doc, found, after_job) if elsewhere else None
            if beside is None:
                continue
            reading, other = beside
            used.update(range(found.first.number - 2, found.last.number + 3))
            top, bottom = min(line, other, key=_number), max(found.last, other, key=_number)
            evidence = doc.evidence(found.page, top.start, bottom.end)
            jobs.append((line.number, _job(reading, found.span, current, evidence, year_ends)))
            continue
        # the line without its dates: "Jan 2023 – present Senior Research Associate,
        # Department of Genetics, University of Cambridge" is long, and still no sentence
        # a heading that opens the line is no part of the job ("EXPERIENCE 09/2020 – Present
        # Senior Developer, Acme"): the content after it opens with its dates
        opens = line.start + line.head
        undated = (page.text[opens : found.start] + page.text[found.end : line.end]).strip()
        if found.start <= opens + 2:  # a line that opens with its dates is a job line
            undated = undated[:90].rstrip()  # unless a sentence starts early in it
        if is_prose(undated):
            left, right = sentence_bounds(page.text, found.start, found.end)
            if about_studies(page.text[left:right]):
                continue
            title, employer = prose_job(page.text, found.start, found.end)
            if employer is None or (
                line.section != "experience"
                and title is None
                and not works_at(page.text[left:right])
            ):
                continue
            sentences[(found.page, left)] = min(
                found.start, sentences.get((found.page, left), found.start)
            )
            reading, on_line = Reading(title, employer, 1), True
        else:
            reading, on_line = around(doc, found, dates_first=first)
            reading = _marked_title(doc, found, reading)
        if _not_work(reading):
            continue
        alone = not (
            page.text[found.first.start : found.start] + page.text[found.end : found.last.end]
        ).strip(_AROUND_DATES)
        if reading.title is None and not (on_line or reading.rank == 0):
            if alone:
                loose.append(found)
            continue
        if line.section != "experience" and has_experience and reading.title is None:
            continue
        if found.span.end is None and not alone and _within_last(jobs, found.span.start):
            continue  # "… ab 2015 Schichtverantwortung": a new role inside the job above
        if found.span.end is None and not alone and found.start > line.start + 3:
            since.append((len(jobs), line.number))
        used.update(range(found.first.number - 2, found.last.number + 3))
        evidence = _evidence(doc, found, reading, on_line)
        jobs.append((line.number, _job(reading, found.span, current, evidence, year_ends)))
        if reading.client is not None:  # "ALTEN — Consultant, en mission chez Airbus"
            client = Reading(reading.title, reading.client, 1)
            jobs.append((line.number, _job(client, found.span, current, evidence, year_ends)))
    unpaired = _pair_loose(doc, jobs, loose, since, used, current, year_ends)
    career = [job for _, job in sorted(jobs, key=lambda item: item[0])]
    career.extend(_from_prose(doc, career, sentences, current))
    career = _through_year(career, year_ends)
    known = {fold(job.employer) for job in career}
    months = 0
    evidence = None
    for job, length in duration_jobs(doc, known):
        career.append(JobFact(employer=job.employer, evidence=job.evidence))
        months += length
        evidence = evidence or job.evidence
    return Career(tuple(career), months, evidence, unpaired)


def _evidence(doc: Document, found: DateRange, reading: Reading, on_line: bool) -> Evidence:
    """The range's line, and the nearest line that names the employer when another does
    ("sep. 2023 — hoy" / "Growth Marketing Manager · Civitatis"): a reader checks both."""
    top, bottom = found.start, min(found.end, found.first.end)
    if not on_line and reading.employer:
        near = [
            other
            for other in doc.lines[max(0, found.first.number - 2) : found.last.number + 3]
            if other.page == found.page and reading.employer in other.text
        ]
        if near:
            other = min(near, key=lambda o: abs(o.number - found.first.number))
            top, bottom = min(top, other.start), max(bottom, other.end)
    return doc.evidence(found.page, top, bottom)


def _not_work(reading: Reading) -> bool:
    """Whether a career entry is a break or retraining, not a job (see ``_NOT_WORK``)."""
    title, employer = fold(reading.title or ""), fold(reading.employer or "")
    if title and has_title_word(title):
        return False
    return _NOT_WORK.search(f"{title} {employer}") is not None


def _marked_title(doc: Document, found: DateRange, reading: Reading) -> Reading:
    """The title as far as the word saying the job was an apprenticeship or an internship,
    when the line it was read from goes on with one ("Business analyst en alternance" is cut
    at "en" like "Analyst en Acme"): the years leave out such a job by its title."""
    title = reading.title
    if title is None or _INTERNSHIP.search(fold(title)):
        return reading
    for line in doc.lines[max(0, found.first.number - 1) : found.last.number + 3]:
        at = line.text.find(title)
        if line.page != found.page or at < 0:
            continue
        rest = line.text[at + len(title) :]
        folded, index = fold_with_map(rest)
        marker = _INTERNSHIP.search(folded)
        if marker is not None and not has_date(folded[: marker.start()]):
            return replace(reading, title=title + rest[: index[marker.end()]])
        return reading
    return reading


def _within_last(jobs: list[tuple[int, JobFact]], start: int) -> bool:
    """Whether a month falls inside the closed range of the job read just before."""
    last = jobs[-1][1] if jobs else None
    if last is None or last.start is None or last.end is None:
        return False
    return month_index(last.start) <= start <= month_index(last.end)


def _number(line: Line) -> int:
    return line.number


def _alone(doc: Document, found: DateRange) -> bool:
    page = doc.pages[found.page]
    rest = page.text[found.first.start : found.start] + page.text[found.end : found.last.end]
    return not rest.strip(_AROUND_DATES)


def _job_line_first(doc: Document, ranges: list[DateRange]) -> bool:
    """Whether jobs outside the experience section print their "Title · Employer" line
    before their dates: the first lone range outside it follows such a line."""
    for found in ranges:
        section = found.first.section
        if section in _NO_JOBS and section not in _NEVER_JOBS and _alone(doc, found):
            return _beside(doc, found, True, only_first=True) is not None
    return False


def _beside(
    doc: Document, found: DateRange, after_job: bool, only_first: bool = False
) -> tuple[Reading, Line] | None:
    """A range alone on its line, outside the experience section, is a job when the line
    after it (or, when ``after_job``, first the line before it) reads "Title · Employer"
    ("sep. 2023 — hoy" / "Growth Marketing Manager · Civitatis")."""
    if not _alone(doc, found):
        return None
    order = [found.last.number + 1, found.first.number - 1]
    if after_job:
        order.reverse()
    for number in order[:1] if only_first else order:
        if not 0 <= number < len(doc.lines):
            continue
        other = doc.lines[number]
        if other.page != found.page or other.section in _NEVER_JOBS or not short(other):
            continue
        reading = read([other.text])
        if reading.complete and reading.rank < 3:
            return reading, other
    return None


def _pair_loose(
    doc: Document,
    jobs: list[tuple[int, JobFact]],
    loose: list[DateRange],
    since: list[tuple[int, int]],
    used: set[int],
    current: int,
    year_ends: dict[int, int],
) -> tuple[tuple[int, int | None, Evidence], ...]:
    """Dates printed apart from their jobs (a column of ranges beside a column of "Title ·
    Employer" lines, or of "EMPLOYER" / "Title, Place" blocks) are paired in order with the
    job lines that have no dates. When their numbers differ, the ranges left alone are
    returned (start, end, evidence), for the years only; internships marked on their line are
    not."""
    if not loose:
        return ()
    headers: list[tuple[int, int | None, Reading]] = []  # (line, job index, reading)
    blocks: dict[int, int] = {}  # title line → its employer's line above
    for line in doc.in_section("experience"):
        if line.number in used or not short(line) or not has_title_word(line.folded):
            continue
        if is_prose(line.text):
            continue  # "Kafka, PostgreSQL. Referent technique d'une équipe …": a sentence
        reading = read([line.text])
        previous = doc.lines[line.number - 1] if line.number else None
        if (
            previous is not None
            and previous.section == "experience"
            and previous.page == line.page
            and previous.number not in used
            and short(previous)
            and not has_title_word(previous.folded)
        ):
            block = read([previous.text, line.text])  # "ACME LOGISTICS" / "Manager, Leeds"
            if block.complete and block.employer == read([previous.text]).employer:
                reading = block
                blocks[line.number] = previous.number
        if reading.complete:
            headers.append((line.number, None, reading))
    if not headers:
        headers = _filed_elsewhere(doc, loose, used)
    for index, number in since:
        reading = read([doc.lines[number].text])
        if reading.complete:
            headers.append((number, index, reading))
    headers.sort(key=lambda item: item[0])
    loose = _with_months(loose)
    if len(headers) != len(loose):
        # the jobs are known, their dates are not: employers without dates
        for number, slot, reading in headers:
            if slot is None and reading.employer is not None:
                evidence = doc.line_evidence(doc.lines[number])
                jobs.append((number, JobFact(employer=reading.employer, evidence=evidence)))
        return tuple(
            (
                found.span.start,
                found.span.end,
                doc.evidence(found.page, found.start, min(found.end, found.first.end)),
            )
            for found in loose
            if not _INTERNSHIP.search(found.first.folded)
        )
    for (number, slot, reading), found in zip(headers, loose, strict=True):
        line = doc.lines[number]
        top = doc.lines[blocks.get(number, number)]
        evidence = doc.evidence(line.page, top.start, line.end)
        job = _job(reading, found.span, current, evidence, year_ends)
        if slot is None:
            jobs.append((number, job))
        else:
            jobs[slot] = (number, job)
    return ()


def _filed_elsewhere(
    doc: Document, loose: list[DateRange], used: set[int]
) -> list[tuple[int, int | None, Reading]]:
    """The job lines of an experience section that holds only a column of dates, when the
    reading order of a scan filed them under the next heading: the "Title, Employer" lines of
    the section after the dates that name no certificate."""
    if any(found.first.section != "experience" for found in loose) or any(
        has_title_word(line.folded) for line in doc.in_section("experience")
    ):
        return []
    after = doc.lines[max(found.last.number for found in loose) + 1 :]
    headers: list[tuple[int, int | None, Reading]] = []
    for line in after:
        if line.section != after[0].section or line.section in ("education", "languages"):
            break
        if (
            line.heading
            or line.number in used
            or not short(line)
            or not has_title_word(line.folded)
            or is_prose(line.text)
            or certificate_named(line.text)
        ):
            continue
        reading = read([line.text])
        if reading.complete and reading.rank <= 3:
            headers.append((line.number, None, reading))
    return headers


def _with_months(loose: list[DateRange]) -> list[DateRange]:
    """A column of dates that gives the months of some ranges and only the years of others
    ("03/2022 – present", "08/2018 – 02/2022", "2010 – 2013"): the years alone are the
    studies', printed in the same column, not a job's."""
    dated = [found for found in loose if found.span.start_has_month]
    return dated if dated and len(dated) < len(loose) else loose


def _from_prose(
    doc: Document, career: list[JobFact], sentences: dict[tuple[int, int], int], current: int
) -> list[JobFact]:
    """Jobs a narrative starts on a date, each running until the next job starts."""
    started = [job for job in started_jobs(doc, sentences) if job.start is not None]
    starts = [job.start for job in started if job.start is not None]
    starts += [month_index(job.start) for job in career if job.start is not None]
    jobs = []
    for job in started:
        later = [start for start in starts if job.start is not None and start > job.start]
        end = min(later) - 1 if later else None
        ongoing = end is None or end >= current
        jobs.append(
            JobFact(
                employer=job.employer,
                title=job.title,
                start=year_month(job.start) if job.start is not None else None,
                end=None if ongoing or end is None else year_month(end),
                current=ongoing,
                evidence=job.evidence,
            )
        )
    return jobs


def total_years(doc: Document, career: Career, as_of: str) -> YearsFact | None:
    """The union of the dated jobs' months plus the undated lengths, or the CV's own larger
    total; evidence: the line of the earliest job (or the statement)."""
    current = month_index(as_of)
    ranges = [
        (month_index(job.start), month_index(job.end) if job.end else current)
        for job in career.jobs
        # without a title, the job's own line says whether it was an apprenticeship
        if job.start is not None
        and not _INTERNSHIP.search(fold(job.title or job.evidence.snippet.split("\n")[0]))
    ]
    ranges = [(start, min(end, current)) for start, end in ranges if start <= current]
    evidence = career.undated_evidence
    if ranges:
        first = year_month(min(ranges)[0])
        evidence = next(j.evidence for j in career.jobs if j.start == first)
    elif career.loose:  # dates tied to no job: their union, cited by the earliest
        loose = [(start, current if end is None else end, ev) for start, end, ev in career.loose]
        ranges = [(start, min(end, current)) for start, end, _ in loose if start <= current]
        if ranges:
            evidence = min(loose, key=lambda item: item[0])[2]
    months = covered_months(ranges) + career.undated_months
    for number, page in enumerate(doc.pages):
        match = _STATED_YEARS.search(page.folded)
        if match is not None and int(match.group("n")) * 12 > months + 12:
            return YearsFact(
                years=float(match.group("n")),
                as_of=as_of,
                evidence=doc.folded_span_evidence(number, match.start(), match.end()),
            )
    if evidence is None:
        return None
    return YearsFact(years=round(months / 12, 2), as_of=as_of, evidence=evidence)
