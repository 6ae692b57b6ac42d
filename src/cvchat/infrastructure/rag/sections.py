"""CV section headings in English, Spanish, French and German, mapped to one canonical name.

A line is a heading when, once folded (lowercase, no accents, no trailing colon or numbering),
it is exactly one of these phrases: CV templates put headings on their own line, so exact
matching finds them without mistaking a sentence that mentions "experience" for one.
"""

from __future__ import annotations

import re

from cvchat.infrastructure.rag.text_analysis import fold

HEADER = "header"  # what comes before the first heading: name, headline, contact

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "summary of qualifications",
        "qualifications summary",
        "career summary",
        "professional summary",
        "profile",
        "professional profile",
        "about me",
        "about",
        "objective",
        "career objective",
        "personal statement",
        "overview",
        "resumen",
        "resumen profesional",
        "perfil",
        "perfil profesional",
        "sobre mi",
        "acerca de mi",
        "extracto",
        "objetivo",
        "objetivo profesional",
        "profil",
        "profil professionnel",
        "resume",
        "a propos",
        "a propos de moi",
        "objectif",
        "synthese",
        "zusammenfassung",
        "uber mich",
        "kurzprofil",
        "berufliches profil",
        "profil",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "career",
        "experiencia",
        "experiencia profesional",
        "experiencia laboral",
        "trayectoria",
        "trayectoria profesional",
        "historial laboral",
        "experiences",
        "experience professionnelle",
        "experiences professionnelles",
        "parcours",
        "parcours professionnel",
        "berufserfahrung",
        "erfahrung",
        "berufliche erfahrung",
        "beruflicher werdegang",
        "werdegang",
        "berufspraxis",
        "professional history",
        "work",
        "relevant experience",
        "experiencia relevante",
        "berufliche stationen",
        "praxiserfahrung",
        "engagements",
        "client engagements",
        "assignments",
        "appointments",
        "academic appointments",
        "positions",
        "missions",
        "missions et experiences",
        "projektstationen",
        "projekthistorie",
        "my journey",
        "timeline",
    ),
    "education": (
        "education",
        "academic background",
        "qualifications",
        "education and training",
        "educacion",
        "formacion",
        "formacion academica",
        "estudios",
        "titulacion",
        "formation",
        "formations",
        "education et formation",
        "diplomes",
        "etudes",
        "ausbildung",
        "bildung",
        "bildungsweg",
        "studium",
        "akademischer werdegang",
        "schulbildung",
        "academic education",
        "education & training",
        "estudios academicos",
        "formacion y estudios",
        "akademische ausbildung",
        "hochschulbildung",
    ),
    "skills": (
        "skills",
        "technical skills",
        "key skills",
        "core skills",
        "competencies",
        "core competencies",
        "expertise",
        "technologies",
        "tech stack",
        "tools",
        "habilidades",
        "competencias",
        "aptitudes",
        "conocimientos",
        "habilidades tecnicas",
        "conocimientos tecnicos",
        "tecnologias",
        "competences",
        "competences techniques",
        "savoir-faire",
        "outils",
        "kenntnisse",
        "fahigkeiten",
        "kompetenzen",
        "fachkenntnisse",
        "it-kenntnisse",
        "technische kenntnisse",
        "skills und kompetenzen",
        "technologien",
        "programming languages",
        "stack",
        "strengths",
        "key strengths",
        "fortalezas",
        "points forts",
        "starken",
        "skills & certifications",
        "skills and certifications",
        "digital skills",
        "personal skills",
        "tools and methods",
        "methods and tools",
        "herramientas y metodos",
        "outils et methodes",
        "methoden",
        "skills & tools",
        "skills and tools",
        "tools & technologies",
        "tools and technologies",
        "technical expertise",
        "it skills",
        "lenguajes de programacion",
        "herramientas",
        "competences cles",
        "langages de programmation",
        "programmiersprachen",
        "edv-kenntnisse",
        "werkzeuge",
    ),
    "languages": (
        "languages",
        "language skills",
        "idiomas",
        "lenguas",
        "langues",
        "competences linguistiques",
        "sprachen",
        "sprachkenntnisse",
        "spoken languages",
        "languages spoken",
        "foreign languages",
        "lenguas extranjeras",
        "idiomas extranjeros",
        "langues etrangeres",
        "fremdsprachen",
    ),
    "projects": ("projects", "key projects", "proyectos", "projets", "projekte"),
    "certifications": (
        "certifications",
        "certs",
        "certificates",
        "certification",
        "certificacion",
        "certificado",
        "certificat",
        "zertifikat",
        "zertifizierung",
        "certificate",
        "licenses and certifications",
        "licenses & certifications",
        "certificaciones",
        "certificados",
        "certificats",
        "zertifikate",
        "zertifizierungen",
        "weiterbildung",
        "weiterbildungen",
        "courses",
        "courses & certifications",
        "courses and certifications",
        "cursos",
        "cursos y certificaciones",
        "zertifikate und weiterbildungen",
    ),
    "publications": (
        "publications",
        "publicaciones",
        "veroffentlichungen",
        "selected publications",
        "publications choisies",
        "publicaciones seleccionadas",
        "veroffentlichungen (auswahl)",
        "talks",
        "talks & publications",
        "conferencias",
        "vortrage",
    ),
    "awards": (
        "awards",
        "honors",
        "achievements",
        "premios",
        "logros",
        "distinctions",
        "auszeichnungen",
    ),
    "volunteering": (
        "volunteering",
        "volunteer experience",
        "voluntariado",
        "benevolat",
        "ehrenamt",
        "ehrenamtliches engagement",
    ),
    "interests": (
        "interests",
        "hobbies",
        "intereses",
        "aficiones",
        "centres d'interet",
        "centres d’interet",
        "loisirs",
        "interessen",
        "hobbys",
    ),
    "links": ("links", "enlaces", "liens", "web", "online"),
    "contact": (
        "contact",
        "contact details",
        "contacto",
        "coordonnees",
        "kontakt",
        "personal information",
        "personal details",
        "personal data",
        "datos personales",
        "informations personnelles",
        "personliche daten",
        "personliche angaben",
    ),
}

_LOOKUP: dict[str, str] = {
    phrase: section for section, phrases in _HEADINGS.items() for phrase in phrases
}
_DECORATION = re.compile(r"^[\s\d.)#*•\-–—|]+|[\s:：|•\-–—]+$")


# The generator's ``section_labels`` keys, mapped to the canonical names above.
_LABEL_KEYS = {"profile": "summary"}


def heading_key(line: str) -> str:
    return _DECORATION.sub("", fold(line)).strip()


def labels_to_headings(labels: dict[str, str]) -> dict[str, str]:
    """A CV's own printed headings (``cv.json`` ``data.section_labels``) → canonical sections."""
    return {
        heading_key(text): _LABEL_KEYS.get(key, key)
        for key, text in labels.items()
        if isinstance(text, str) and key in _HEADINGS.keys() | _LABEL_KEYS.keys()
    }


def heading_section(line: str, extra: dict[str, str] | None = None) -> str | None:
    """The canonical section a heading line opens, or None when the line is not a heading."""
    return None if (found := heading_of(line, extra)) is None else found[0]


def heading_of(line: str, extra: dict[str, str] | None = None) -> tuple[str, bool] | None:
    """(section, whether the line also holds content), or None when no section starts here.

    Besides a heading alone on its line, some layouts print the heading and the first content
    on one line ("Skills Python, Go"): that is recognised for the CV's own printed labels, and
    for the generic vocabulary only when a colon follows ("Skills: Python, Go").
    """
    folded = fold(line).strip()
    if len(folded) <= 60:
        key = heading_key(line)
        if (section := (extra or {}).get(key) or _LOOKUP.get(key)) is not None:
            return section, False
    for label, section in sorted((extra or {}).items(), key=lambda kv: -len(kv[0])):
        if folded.startswith(label + " ") or folded.startswith(label + ":"):
            return section, True
    head, colon, rest = folded.partition(":")
    if colon and rest.strip() and (section := _LOOKUP.get(heading_key(head))) is not None:
        return section, True
    return None
