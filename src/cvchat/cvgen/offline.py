"""The default generator: coherent CVs written offline from Faker and localized vocabulary.

Everything comes from one ``random.Random`` seeded by ``meta.seed`` (Faker is re-seeded
from it too), so the same plan always yields byte-identical JSON. A career is built
backwards from ``meta.as_of``: titles progress with seniority, jobs never overlap, and the
years add up to what the seniority allows; bullets mention the candidate's own skills.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from faker import Faker

from cvchat.cvgen.content import LOCALES, LocaleContent, RoleContent, gendered
from cvchat.cvgen.content.shared import CERTIFICATIONS, EXTRA_LANGUAGES, SKILLS, TOOLS
from cvchat.cvgen.schema import (
    CefrLevel,
    CvDocument,
    Meta,
    Seniority,
    fold_ascii,
)

# Target professional years per seniority (inside the schema's bounds, with margin).
_YEARS: dict[Seniority, tuple[float, float]] = {
    "junior": (0.6, 2.6),
    "mid": (3.0, 7.5),
    "senior": (6.5, 18.0),
}
_JOBS: dict[Seniority, tuple[int, int]] = {"junior": (1, 2), "mid": (2, 3), "senior": (3, 4)}
_TITLE_PATH: dict[Seniority, tuple[Seniority, ...]] = {
    "junior": ("junior",),
    "mid": ("junior", "mid"),
    "senior": ("junior", "mid", "senior"),
}
_MIN_JOB_MONTHS = 8
_THOUSANDS = {"en": ",", "es": ".", "fr": "\u00a0", "de": "."}
_MAIL_DOMAINS = {
    "en": ("gmail.com", "outlook.com", "proton.me", "icloud.com"),
    "es": ("gmail.com", "outlook.es", "yahoo.es", "proton.me"),
    "fr": ("gmail.com", "orange.fr", "free.fr", "laposte.net"),
    "de": ("gmail.com", "gmx.de", "web.de", "posteo.de"),
}


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_index(value: str) -> int:
    return int(value[:4]) * 12 + int(value[5:]) - 1


class _Writer:
    """Writes one CV; holds the per-CV random state so helpers stay short."""

    def __init__(self, meta: Meta) -> None:
        self.meta = meta
        self.rng = random.Random(meta.seed)
        self.text: LocaleContent = LOCALES[meta.language]
        self.role: RoleContent = self.text.roles[meta.role_family]
        self.locale = self.rng.choice(self.text.faker_locales)
        self.fake = _faker(self.locale)
        self.fake.seed_instance(self.rng.getrandbits(32))
        self.female = self.rng.random() < 0.5
        self.style = meta.style
        self.used_bullets: set[str] = set()

    # -- small helpers -------------------------------------------------------------------

    def g(self, text: str) -> str:
        return gendered(text, self.female)

    def _number(self, value: int) -> str:
        return f"{value:,}".replace(",", _THOUSANDS[self.meta.language])

    def _fill(self, sentence: str, skills: list[str]) -> str:
        team = self.rng.randint(4, 12)
        tools = [s for s in skills if s in TOOLS[self.meta.role_family]]
        values: dict[str, object] = {
            "skill": self.rng.choice(tools),
            "pct": self.rng.choice([12, 15, 18, 20, 22, 25, 28, 30, 35, 40, 45]),
            "n": self.rng.randint(3, 30),
            "few": self.rng.randint(1, min(3, team - 1)),
            "team": team,
            "cov": self.rng.randint(80, 95),
            "months": self.rng.randint(3, 11),
            "users": self._number(
                self.rng.choice([8_000, 25_000, 40_000, 120_000, 300_000, 1_500_000])
            ),
        }
        return self.g(sentence).format(**values)

    # -- sections ------------------------------------------------------------------------

    def name(self) -> tuple[str, str, str]:
        first = self.fake.first_name_female() if self.female else self.fake.first_name_male()
        last = self.fake.last_name()
        if self.meta.language == "es":
            second = self.fake.last_name()
            while second == last:
                second = self.fake.last_name()
            return first, last, f"{first} {last} {second}"
        return first, last, f"{first} {last}"

    def email(self, first: str, last: str) -> str:
        f, surname = fold_ascii(first.split()[0]), fold_ascii(last)
        local = self.rng.choice(
            [
                f"{f}.{surname}",
                f"{f}{surname}",
                f"{f[0]}.{surname}",
                f"{f}.{surname}{self.rng.randint(1, 99)}",
            ]
        )
        return f"{local}@{self.rng.choice(_MAIL_DOMAINS[self.meta.language])}"

    def skills(self) -> list[str]:
        pool = SKILLS[self.meta.role_family]
        size = {"skills-first": 14, "technical": 13, "minimalist": 7, "concise": 8}.get(
            self.style, self.rng.randint(9, 11)
        )
        core = self.rng.sample(pool[:5], 4)
        rest = self.rng.sample([s for s in pool[5:] if s not in core], size - len(core))
        tools = TOOLS[self.meta.role_family]
        if not any(skill in tools for skill in core + rest):  # bullets name one of them
            core[-1] = self.rng.choice([t for t in tools if t not in rest])
        return core + rest

    def languages(self) -> list[dict[str, Any]]:
        own = self.meta.language
        spoken: list[dict[str, Any]] = [self._spoken(own, "native")]
        if own != "en":
            level: CefrLevel = self.rng.choice(["B2", "C1", "C1", "C2"])
            spoken.append(self._spoken("en", level))
        others = [code for code in EXTRA_LANGUAGES if code not in {own, "en"}]
        for code in self.rng.sample(others, self.rng.choice([0, 1, 1, 2])):
            spoken.append(self._spoken(code, self.rng.choice(["A2", "B1", "B2", "C1"])))
        return spoken

    def _spoken(self, code: str, level: CefrLevel) -> dict[str, Any]:
        return {"code": code, "name": self.text.language_names[code], "level": level}

    def careers(self, skills: list[str]) -> list[dict[str, Any]]:
        """Jobs, newest first, ending at ``as_of`` (current) or shortly before it."""
        seniority = self.meta.seniority
        total = round(self.rng.uniform(*_YEARS[seniority]) * 12)
        count = max(1, min(self.rng.randint(*_JOBS[seniority]), total // _MIN_JOB_MONTHS))
        weights = [self.rng.random() + 0.3 for _ in range(count)]
        spare = total - count * _MIN_JOB_MONTHS
        lengths = [_MIN_JOB_MONTHS + int(spare * w / sum(weights)) for w in weights]
        end = _month_index(self.meta.as_of) - (0 if self.rng.random() < 0.8 else 2)
        path = _TITLE_PATH[seniority]
        companies: set[str] = set()
        jobs = []
        for position, length in enumerate(lengths):  # newest first
            level = path[max(0, len(path) - 1 - position)]
            start = end - length + 1
            company = self.fake.company()
            while fold_ascii(company.split()[0]) in companies:  # no "Morel SARL" twice
                company = self.fake.company()
            companies.add(fold_ascii(company.split()[0]))
            title = self.g(self.rng.choice(self.role.titles[level]))
            bullets = self._bullets(skills, level, position, oldest=position == len(lengths) - 1)
            jobs.append(
                {
                    "company": company,
                    "title": title,
                    "start_date": _month(start),
                    "end_date": None
                    if position == 0 and end == _month_index(self.meta.as_of)
                    else _month(end),
                    "employment_type": "full_time",
                    "location": self.city(),
                    "bullets": bullets,
                }
            )
            end = start - 1 - self.rng.choice([0, 0, 1, 2, 3])
        return jobs

    def _bullets(
        self, skills: list[str], level: Seniority, position: int, oldest: bool
    ) -> list[str]:
        count = {"concise": 2, "minimalist": 2, "detail-oriented": 5, "impact-metrics": 5}.get(
            self.style, self.rng.randint(3, 4)
        )
        count = [count, min(count, 3)][position] if position < 2 else self.rng.randint(1, 2)
        fresh = [b for b in self.role.bullets if b not in self.used_bullets]
        if len(fresh) < count:  # long careers: general bullets, then reuse (never in one job)
            fresh += [b for b in self.text.general_bullets if b not in self.used_bullets]
        if not fresh:
            self.used_bullets.clear()
            fresh = list(self.role.bullets)
        chosen = self.rng.sample(fresh, min(count, len(fresh)))
        if level == "senior" and position == 0:
            chosen[-1] = self.rng.choice(self.text.senior_bullets)
        if level == "junior" and self.meta.seniority != "junior" and oldest:
            chosen[-1] = self.rng.choice(self.text.junior_bullets)
        self.used_bullets.update(chosen)
        return [self._fill(sentence, skills) for sentence in chosen]

    def city(self) -> str:
        return self.rng.choice(self.text.cities[self.locale])

    def education(self, first_job_start: str, seniority: Seniority) -> list[dict[str, Any]]:
        field = self.rng.choice(self.role.fields_of_study)
        grad = int(first_job_start[:4]) - self.rng.choice([0, 0, 1])
        schools = []
        degrees = ["bachelor"]
        if seniority != "junior" and self.rng.random() < 0.6:
            degrees.append("master")
        if (
            self.meta.role_family == "data_science"
            and seniority == "senior"
            and self.rng.random() < 0.4
        ):
            degrees.append("phd")
        end = grad
        for degree in reversed(degrees):  # newest first
            length = {"bachelor": 4 if self.meta.language == "es" else 3, "master": 2, "phd": 4}[
                degree
            ]
            school, city = self.rng.choice(self.text.universities)
            schools.append(
                {
                    "institution": school,
                    "degree": self.text.degrees[degree].format(field=field),
                    "field_of_study": field,
                    "start_year": end - length,
                    "end_year": end,
                    "location": city,
                }
            )
            end -= length
        return schools

    def projects(self, skills: list[str]) -> list[dict[str, Any]]:
        many = self.style in {"technical", "startup", "research-driven", "career-changer"}
        count = 2 if many else self.rng.choice([0, 1])
        return [
            {"name": name, "description": description, "technologies": self.rng.sample(skills, 3)}
            for name, description in self.rng.sample(self.role.projects, count)
        ]

    def certifications(self, first_year: int) -> list[dict[str, Any]]:
        count = 2 if self.style in {"corporate", "formal"} else self.rng.choice([0, 0, 1])
        last_year = int(self.meta.as_of[:4])
        return [
            {
                "name": name,
                "issuer": issuer,
                "year": self.rng.randint(min(first_year + 1, last_year), last_year),
            }
            for name, issuer in self.rng.sample(CERTIFICATIONS[self.meta.role_family], count)
        ]

    def interests(self) -> list[str]:
        if self.style in {"minimalist", "corporate", "formal"}:
            return []
        return self.rng.sample(self.text.interests, self.rng.randint(2, 4))

    def links(self, first: str, last: str) -> list[dict[str, str]]:
        slug = f"{fold_ascii(first.split()[0])}-{fold_ascii(last)}"
        links = [{"label": "LinkedIn", "url": f"https://www.linkedin.com/in/{slug}"}]
        if self.meta.role_family in {"software_engineering", "data_science", "devops_cloud"}:
            links.append({"label": "GitHub", "url": f"https://github.com/{slug.replace('-', '')}"})
        elif self.meta.role_family == "ux_design":
            links.append({"label": self.text.portfolio_label, "url": f"https://{slug}.design"})
        return links

    def prose_interests(self, interests: list[str]) -> str:
        chosen = interests[:2] or self.rng.sample(self.text.interests, 2)
        if self.meta.language != "de":
            chosen = [item[0].lower() + item[1:] for item in chosen]
        joiner = {"en": " and ", "es": " y ", "fr": " et ", "de": " und "}[self.meta.language]
        return joiner.join(chosen)


def generate_offline(meta: Meta) -> CvDocument:
    """Write the CV that ``meta`` plans; raises if the result breaks the schema (a bug)."""
    w = _Writer(meta)
    first, last, full_name = w.name()
    skills = w.skills()
    jobs = w.careers(skills)
    latest_title = jobs[0]["title"]
    document = {"meta": meta.model_dump(), "data": {}}
    years = int(_years(jobs, meta.as_of))
    focus = w.rng.choice(w.role.focus)
    summary = w.g(w.rng.choice(w.text.summaries[meta.seniority])).format(
        title=latest_title, years=years, focus=focus, strength=w.g(w.rng.choice(w.text.strengths))
    )
    interests = w.interests()
    city = w.city()
    narrative = None
    if meta.template == "narrative":
        for job in jobs:
            job["paragraph"] = _paragraph(w, job)
            job["bullets"] = []
        other_focus = w.rng.choice([f for f in w.role.focus if f != focus])
        narrative = " ".join(
            w.g(sentence).format(
                title=latest_title,
                city=city,
                focus=other_focus,
                years=years,
                interests=w.prose_interests(interests),
            )
            for sentence in (
                w.text.narrative_intro[0 if meta.seniority == "junior" else w.rng.randint(0, 1)],
                *w.text.narrative_outro,
            )
        )
    document["data"] = {
        "full_name": full_name,
        "headline": f"{latest_title}{w.text.headline_joiner}{', '.join(skills[:3])}",
        "email": w.email(first, last),
        "phone": w.fake.numerify(w.text.phone_formats[w.locale]),
        "location": {"city": city, "country": w.text.countries[w.locale]},
        "summary": summary,
        "narrative": narrative,
        "section_labels": w.text.labels,
        "skills": skills,
        "languages": w.languages(),
        "experience": jobs,
        "education": w.education(jobs[-1]["start_date"], meta.seniority),
        "projects": w.projects(skills),
        "certifications": w.certifications(int(jobs[-1]["start_date"][:4])),
        "interests": interests,
        "links": w.links(first, last),
    }
    return CvDocument.model_validate(document)


def _years(jobs: list[dict[str, Any]], as_of: str) -> float:
    months: set[int] = set()
    for job in jobs:
        end = _month_index(job["end_date"]) if job["end_date"] else _month_index(as_of)
        months.update(range(_month_index(job["start_date"]), end + 1))
    return len(months) / 12


def _paragraph(w: _Writer, job: dict[str, Any]) -> str:
    lead_in = w.text.job_lead_in[1 if job["end_date"] is None else 0]
    lead = lead_in.format(company=job["company"], title=job["title"])
    bullets = job["bullets"]
    if w.text.achievements_lead_in:
        items = [b[0].lower() + b[1:] if w.meta.language != "de" else b for b in bullets]
        return f"{lead} {w.text.achievements_lead_in} {'; '.join(items)}."
    if w.meta.language == "en":
        return f"{lead} " + " ".join(f"I {b[0].lower()}{b[1:]}." for b in bullets)
    return f"{lead} " + " ".join(f"{b}." for b in bullets)
