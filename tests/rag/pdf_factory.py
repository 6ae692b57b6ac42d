"""Small real CV PDFs for the retrieval tests, rendered from HTML with WeasyPrint."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import HTML


@dataclass(frozen=True)
class SampleCv:
    cv_id: str
    name: str
    headline: str
    language: str
    sections: dict[str, list[str]] = field(default_factory=dict)  # heading → lines
    page_break_before: tuple[str, ...] = ()  # headings that start a new page


def render(cv: SampleCv, folder: Path, *, sidecar: bool = True) -> Path:
    """``folder/<cv_id>/cv.pdf`` (+ a minimal cv.json like the generator's)."""
    parts = [f"<h1>{html.escape(cv.name)}</h1>", f"<p>{html.escape(cv.headline)}</p>"]
    for heading, lines in cv.sections.items():
        style = ' style="page-break-before: always"' if heading in cv.page_break_before else ""
        parts.append(f"<h2{style}>{html.escape(heading)}</h2>")
        parts.extend(f"<p>{html.escape(line)}</p>" for line in lines)
    page = "<html><body style='font-family: sans-serif; font-size: 10pt'>"
    page += "".join(parts) + "</body></html>"
    target = folder / cv.cv_id
    target.mkdir(parents=True, exist_ok=True)
    pdf = target / "cv.pdf"
    HTML(string=page).write_pdf(pdf)
    if sidecar:
        meta = {"cv_id": cv.cv_id, "language": cv.language}
        data = {"full_name": cv.name, "headline": cv.headline}
        (target / "cv.json").write_text(json.dumps({"meta": meta, "data": data}))
    return pdf


LONG_DUTIES = [
    f"Shipped release {n} of the billing platform, coordinating QA, product and support teams "
    f"across three time zones and writing the runbooks used by the on-call rotation."
    for n in range(1, 25)
]

CORPUS: tuple[SampleCv, ...] = (
    SampleCv(
        "ana-backend",
        "Ana Torres",
        "Backend engineer",
        "en",
        {
            "Summary": ["Backend engineer who enjoys distributed systems and clean APIs."],
            "Experience": [
                "Platform Engineer, Northwind Cloud (2019 - 2024)",
                "Led the migration of forty services to Kubernetes with zero downtime.",
                "Built a Quarkus event gateway handling 20k requests per second.",
            ],
            "Skills": ["Python, Go, Kubernetes, Quarkus, PostgreSQL"],
            "Languages": ["English (native), Spanish (B2)"],
            "Education": ["BSc Computer Science, University of Leeds"],
        },
    ),
    SampleCv(
        "luc-chef",
        "Luc Moreau",
        "Chef de cuisine",
        "fr",
        {
            "Profil": ["Chef passionné par la cuisine de saison et les produits locaux."],
            "Expérience professionnelle": [
                "Chef de cuisine, Bistrot du Port, Marseille (2015 - 2023)",
                "Création de menus de saison et gestion d'une brigade de douze cuisiniers.",
            ],
            "Compétences": ["Pâtisserie, gestion des stocks, hygiène alimentaire HACCP"],
            "Langues": ["Français (langue maternelle), Anglais (B1)"],
        },
    ),
    SampleCv(
        "eva-nurse",
        "Eva Schmidt",
        "Krankenschwester",
        "de",
        {
            "Berufserfahrung": [
                "Intensivpflege, Charité Berlin (2012 - 2024)",
                "Betreuung von Patienten nach Herzoperationen und Schulung neuer Kolleginnen.",
            ],
            "Ausbildung": ["Examen Gesundheits- und Krankenpflege, Berlin"],
            "Sprachen": ["Deutsch (Muttersprache), Englisch (C1)"],
        },
    ),
    SampleCv(
        "marta-accountant",
        "Marta López",
        "Contable sénior",
        "es",
        {
            "Experiencia profesional": [
                "Contable, Grupo Ibérica, Madrid (2010 - 2024)",
                "Cierre contable mensual, conciliaciones bancarias y auditorías anuales.",
            ],
            "Formación": [
                "Grado en Administración y Dirección de Empresas, Universidad de Sevilla"
            ],
            "Idiomas": ["Español (nativo), Inglés (B2)"],
        },
    ),
    SampleCv(
        "tom-teacher",
        "Tom Baker",
        "Primary school teacher",
        "en",
        {
            "Experience": [
                "Teacher, Hillside Primary School, Bristol (2016 - 2024)",
                "Planned lessons in mathematics and reading for classes of thirty pupils.",
            ],
            "Education": ["PGCE Primary Education, University of Bristol"],
            "Languages": ["English (native), French (A2)"],
        },
    ),
    SampleCv(
        "sam-manager",
        "Sam Okafor",
        "Release manager",
        "en",
        {
            "Summary": ["Release manager for enterprise billing software."],
            "Experience": ["Release Manager, Contoso Billing (2014 - 2024)", *LONG_DUTIES],
            "Certifications": ["ITIL 4 Foundation"],
            "Languages": ["English (native)"],
        },
        page_break_before=("Certifications",),
    ),
)


def write_corpus(folder: Path, cvs: tuple[SampleCv, ...] = CORPUS) -> dict[str, Path]:
    return {cv.cv_id: render(cv, folder) for cv in cvs}
