"""The words CVs and questions use for languages, levels, skills and degrees, in en/es/fr/de.

One table for everyone who needs them: the profile extractor, the question parser, the
generator, the extractive answerer and the evaluation. Lookups go through ``fold`` (lower
case, no accents, ß → ss) so "Alemán", "aleman" and "ALEMÁN" meet.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Level = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
LEVELS: tuple[Level, ...] = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
DegreeLevel = Literal["bachelor", "master", "phd"]
DEGREE_LEVELS: tuple[DegreeLevel, ...] = ("bachelor", "master", "phd")


def fold(text: str) -> str:
    """Lower case without accents: the form every lookup uses."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def level_rank(level: Level) -> int:
    return LEVELS.index(level)


# ISO 639-1 code → (English name, then every other spelling in en/es/fr/de, adjectives
# and nouns). The first name is the display name.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("English", "Inglés", "Anglais", "Englisch"),
    "es": ("Spanish", "Español", "Espagnol", "Spanisch", "Castellano", "Castilian"),
    "fr": ("French", "Francés", "Français", "Französisch"),
    "de": ("German", "Alemán", "Allemand", "Deutsch"),
    "it": ("Italian", "Italiano", "Italien", "Italienisch"),
    "pt": ("Portuguese", "Portugués", "Portugais", "Portugiesisch", "Português"),
    "nl": ("Dutch", "Neerlandés", "Holandés", "Néerlandais", "Niederländisch", "Nederlands"),
    "ca": ("Catalan", "Catalán", "Català", "Katalanisch", "Valenciano", "Valencià", "Valencian"),
    "ar": ("Arabic", "Árabe", "Arabe", "Arabisch"),
    "zh": ("Chinese", "Mandarin", "Chino", "Chinois", "Chinesisch", "Mandarín"),
    "ja": ("Japanese", "Japonés", "Japonais", "Japanisch"),
    "ru": ("Russian", "Ruso", "Russe", "Russisch"),
    "pl": ("Polish", "Polaco", "Polonais", "Polnisch"),
    "tr": ("Turkish", "Turco", "Turc", "Türkisch"),
    "sv": ("Swedish", "Sueco", "Suédois", "Schwedisch"),
    "hi": ("Hindi",),
    "ko": ("Korean", "Coreano", "Coréen", "Koreanisch"),
    "el": ("Greek", "Griego", "Grec", "Griechisch"),
    "ro": ("Romanian", "Rumano", "Roumain", "Rumänisch"),
    "uk": ("Ukrainian", "Ucraniano", "Ukrainien", "Ukrainisch"),
    "eu": ("Basque", "Euskera", "Euskara", "Baskisch"),
    "gl": ("Galician", "Galicien", "Galicisch"),
    "ta": ("Tamil", "Tamoul"),
    "ur": ("Urdu", "Ourdou"),
    "bn": ("Bengali", "Bengalí", "Bangla", "Bengalisch"),
    "pa": ("Punjabi", "Panyabí", "Pendjabi", "Pandschabi"),
    "fa": ("Persian", "Farsi", "Persa", "Persan", "Persisch"),
    "he": ("Hebrew", "Hebreo", "Hébreu", "Hebräisch"),
    "yo": ("Yoruba",),
    "sw": ("Swahili", "Suajili", "Suaheli"),
    "vi": ("Vietnamese", "Vietnamita", "Vietnamien", "Vietnamesisch"),
    "th": ("Thai", "Tailandés", "Thaï", "Thailändisch"),
    "id": ("Indonesian", "Indonesio", "Indonésien", "Indonesisch", "Bahasa Indonesia"),
    "ms": ("Malay", "Malayo", "Malais", "Malaiisch"),
    "tl": ("Tagalog", "Filipino"),
    "cs": ("Czech", "Checo", "Tchèque", "Tschechisch"),
    "sk": ("Slovak", "Eslovaco", "Slovaque", "Slowakisch"),
    "hu": ("Hungarian", "Húngaro", "Hongrois", "Ungarisch"),
    "fi": ("Finnish", "Finés", "Finlandés", "Finnois", "Finnisch"),
    "da": ("Danish", "Danés", "Danois", "Dänisch"),
    "no": ("Norwegian", "Noruego", "Norvégien", "Norwegisch"),
    "bg": ("Bulgarian", "Búlgaro", "Bulgare", "Bulgarisch"),
    "hr": ("Croatian", "Croata", "Croate", "Kroatisch"),
    "sr": ("Serbian", "Serbio", "Serbe", "Serbisch"),
    "sl": ("Slovenian", "Slovene", "Esloveno", "Slovène", "Slowenisch"),
    "lt": ("Lithuanian", "Lituano", "Lituanien", "Litauisch"),
    "lv": ("Latvian", "Letón", "Letton", "Lettisch"),
    "et": ("Estonian", "Estonio", "Estonien", "Estnisch"),
    "ga": ("Irish", "Irlandés", "Irlandais", "Irisch", "Gaeilge"),
    "gd": ("Scottish Gaelic", "Gaelic", "Gaélico escocés", "Gaélique écossais", "Gälisch"),
    "af": ("Afrikaans",),
}

# Feminine and plural forms that questions use ("habla alemana", "langues allemandes") are
# matched by the parser through these stems as well.
LANGUAGE_BY_NAME: dict[str, str] = {
    fold(name): code for code, names in LANGUAGE_NAMES.items() for name in names
}


def language_name(code: str) -> str:
    names = LANGUAGE_NAMES.get(code)
    return names[0] if names else code


# Level words → CEFR level. Phrases are folded; longer phrases win over shorter ones when a
# text holds both ("full professional proficiency" before "professional").
LEVEL_WORDS: dict[str, Level] = {
    # native
    "native": "native",
    "native speaker": "native",
    "mother tongue": "native",
    "first language": "native",
    "bilingual": "native",
    "bilingual proficiency": "native",
    "native or bilingual proficiency": "native",
    "nativo": "native",
    "nativa": "native",
    "lengua materna": "native",
    "idioma materno": "native",
    "bilingue": "native",
    "langue maternelle": "native",
    "maternelle": "native",
    "natif": "native",
    "native language": "native",
    "native languages": "native",
    "mother tongues": "native",
    "langues maternelles": "native",
    "lenguas maternas": "native",
    "muttersprachen": "native",
    "muttersprache": "native",
    "muttersprachlich": "native",
    "muttersprachler": "native",
    "zweisprachig": "native",
    "natively": "native",
    "native-level": "native",
    "lengua nativa": "native",
    "idioma nativo": "native",
    "langue natale": "native",
    "muttersprachlerin": "native",
    "erstsprache": "native",
    "nativos": "native",
    "nativas": "native",
    "natives": "native",
    "natifs": "native",
    "native speakers": "native",
    "bilingues": "native",
    "near native": "C2",
    "near-native": "C2",
    "quasi natif": "C2",
    "casi nativo": "C2",
    "fast muttersprachlich": "C2",
    # C2
    "proficient": "C2",
    "mastery": "C2",
    "full professional proficiency": "C2",
    "maitrise": "C2",
    "dominio": "C2",
    "verhandlungssicher": "C2",
    "exzellent": "C2",
    # C1
    "fluent": "C1",
    "fluency": "C1",
    "advanced": "C1",
    "professional working proficiency": "C1",
    "business fluent": "C1",
    "fluido": "C1",
    "fluida": "C1",
    "avanzado": "C1",
    "avanzada": "C1",
    "courant": "C1",
    "couramment": "C1",
    "avance": "C1",
    "fliessend": "C1",
    "sehr gut": "C1",
    "sehr gute kenntnisse": "C1",
    "fortgeschritten": "C1",
    "fluently": "C1",
    "fluidez": "C1",
    "con fluidez": "C1",
    "nivel alto": "C1",
    "fluide": "C1",
    "fliessende": "C1",
    "fliessendes": "C1",
    "professional working": "C1",
    # B2
    "upper intermediate": "B2",
    "upper-intermediate": "B2",
    "good": "B2",
    "very good": "C1",
    "limited working proficiency": "B2",
    "working proficiency": "B2",
    "intermedio alto": "B2",
    "intermedio-alto": "B2",
    "bueno": "B2",
    "tres bien": "C1",
    "bien": "B2",
    "bon niveau": "B2",
    "gut": "B2",
    "gute kenntnisse": "B2",
    # B1
    "intermediate": "B1",
    "conversational": "B1",
    "hold a conversation": "B1",
    "working knowledge": "B1",
    "intermedio": "B1",
    "intermedia": "B1",
    "intermediaire": "B1",
    "moyen": "B1",
    "mittel": "B1",
    "mittelstufe": "B1",
    "nivel medio": "B1",
    "niveau intermediaire": "B1",
    "conversacional": "B1",
    "conversationnel": "B1",
    "grundkenntnisse": "A2",
    # A2
    "basic": "A2",
    "elementary": "A2",
    "elementary proficiency": "A2",
    "limited": "A2",
    "basico": "A2",
    "basica": "A2",
    "elemental": "A2",
    "notions": "A2",
    "debutant": "A1",
    "scolaire": "A2",
    "elementaire": "A2",
    "basis": "A2",
    "grundlagen": "A2",
    # A1
    "beginner": "A1",
    "principiante": "A1",
    "anfanger": "A1",
}

_CEFR = re.compile(r"\b([abc][12])\b", re.IGNORECASE)


def parse_level(text: str) -> Level | None:
    """The CEFR level a phrase states: "C1", "Fluent (C1)", "Muttersprache", "Básico"."""
    folded = fold(text)
    if (m := _CEFR.search(folded)) is not None:
        return m.group(1).upper()  # type: ignore[return-value]
    best: tuple[int, Level] | None = None
    for phrase, level in LEVEL_WORDS.items():
        longer = best is None or len(phrase) > best[0]
        if longer and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            best = (len(phrase), level)
    return best[1] if best else None


# Canonical skill → aliases (folded forms are matched as whole words). Names of tools and
# methods stay the same in every language; translated methods carry their translations.
SKILLS: dict[str, tuple[str, ...]] = {
    # languages and frameworks
    "Python": ("python3",),
    "Java": (),
    "TypeScript": ("ts",),
    "JavaScript": ("js", "ecmascript"),
    "Go": ("golang",),
    "Rust": (),
    "C#": ("csharp", "c sharp"),
    "C++": ("cpp",),
    ".NET": ("dotnet", "asp.net", ".net core"),
    "Kotlin": (),
    "Scala": (),
    "Ruby": (),
    "Ruby on Rails": ("rails",),
    "PHP": (),
    "Swift": (),
    "R": (),
    "SQL": (),
    "Bash": ("shell scripting", "shell"),
    "HTML": ("html5",),
    "CSS": ("css3",),
    "React": ("react.js", "reactjs"),
    "Angular": (),
    "Vue.js": ("vue", "vuejs"),
    "Node.js": ("node", "nodejs"),
    "Spring Boot": ("spring",),
    "Django": (),
    "Flask": (),
    "FastAPI": (),
    "GraphQL": (),
    "REST APIs": (
        "rest",
        "rest api",
        "restful",
        "restful apis",
        "api rest",
        "apis rest",
        "rest-apis",
        "rest-api",
    ),
    "Microservices": ("microservice", "microservicios", "microservices architecture"),
    "Unit testing": ("unit tests", "tdd", "pruebas unitarias", "tests unitaires", "unit-tests"),
    # data
    "PostgreSQL": ("postgres", "postgresql", "psql"),
    "MySQL": (),
    "MongoDB": ("mongo",),
    "Redis": (),
    "Kafka": ("apache kafka",),
    "Elasticsearch": ("elastic search", "opensearch"),
    "pandas": (),
    "NumPy": ("numpy",),
    "scikit-learn": ("sklearn", "scikit learn"),
    "PyTorch": ("torch",),
    "TensorFlow": ("tensorflow", "keras"),
    "Machine Learning": (
        "ml",
        "aprendizaje automatico",
        "apprentissage automatique",
        "maschinelles lernen",
    ),
    "Deep Learning": ("aprendizaje profundo", "apprentissage profond"),
    "Statistics": ("statistical analysis", "estadistica", "statistiques", "statistik"),
    "NLP": ("natural language processing", "procesamiento del lenguaje natural"),
    "Spark": ("apache spark", "pyspark"),
    "Airflow": ("apache airflow",),
    "dbt": (),
    "Tableau": (),
    "Power BI": ("powerbi",),
    "A/B testing": (
        "ab testing",
        "a/b tests",
        "a/b-tests",
        "split testing",
        "a/b test",
        "tests a/b",
        "test a/b",
        "pruebas a/b",
        "a/b-testing",
    ),
    "Time series forecasting": (
        "time series",
        "forecasting",
        "time-series forecasting",
        "time-series-forecasting",
        "series temporales",
        "prevision de series temporales",
        "series temporelles",
        "prevision de series temporelles",
        "zeitreihen",
        "zeitreihenprognosen",
        "zeitreihenprognose",
    ),
    "BigQuery": ("big query",),
    "Snowflake": (),
    "MLflow": (),
    "Databricks": (),
    "Data analysis": ("data analytics", "analisis de datos", "analyse de donnees", "datenanalyse"),
    # cloud and operations
    "Kubernetes": ("k8s", "kubernetes (k8s)", "eks", "gke", "aks", "openshift"),
    "Docker": ("containers", "containerization", "docker compose"),
    "Terraform": (),
    "AWS": ("amazon web services",),
    "Azure": ("microsoft azure",),
    "Google Cloud": ("gcp", "google cloud platform"),
    "Linux": (),
    "CI/CD": ("ci cd", "continuous integration", "continuous delivery", "ci/cd pipelines"),
    "Ansible": (),
    "Prometheus": (),
    "Grafana": (),
    "Helm": (),
    "GitLab CI": ("gitlab ci/cd", "gitlab-ci"),
    "GitHub Actions": (),
    "Jenkins": (),
    "Argo CD": ("argocd", "argo"),
    "Nginx": (),
    "Vault": ("hashicorp vault",),
    "OpenTelemetry": ("otel",),
    "Site Reliability Engineering": ("sre",),
    "Git": ("github", "gitlab"),
    # product and design
    "Product discovery": ("discovery",),
    "Roadmapping": ("roadmap", "roadmaps", "product roadmap"),
    "Scrum": (),
    "Kanban": (),
    "Agile": (
        "agile methodologies",
        "metodologias agiles",
        "methodes agiles",
        "agil",
        "agile methoden",
    ),
    "Jira": (),
    "Confluence": (),
    "User research": (
        "user interviews",
        "investigacion de usuarios",
        "recherche utilisateur",
        "nutzerforschung",
    ),
    "Amplitude": (),
    "Mixpanel": (),
    "OKRs": ("okr",),
    "Stakeholder management": (
        "stakeholder",
        "stakeholder-management",
        "gestion de stakeholders",
        "gestion des parties prenantes",
        "gestion de partes interesadas",
    ),
    "Pricing": ("fijacion de precios", "tarification", "preisgestaltung"),
    "Go-to-market": ("go to market", "gtm"),
    "Figma": (),
    "Sketch": (),
    "Adobe XD": (),
    "Illustrator": ("adobe illustrator",),
    "Photoshop": ("adobe photoshop",),
    "Prototyping": ("prototypes", "prototipado", "prototypage"),
    "Wireframing": ("wireframes",),
    "Design systems": ("design system",),
    "Usability testing": (
        "usability tests",
        "pruebas de usabilidad",
        "tests utilisateurs",
        "tests d'utilisabilite",
        "usability-tests",
    ),
    "Accessibility (WCAG)": (
        "accessibility",
        "wcag",
        "accesibilidad",
        "accessibilite",
        "barrierefreiheit",
    ),
    "Interaction design": ("diseno de interaccion", "design d'interaction", "interaktionsdesign"),
    "Information architecture": (
        "arquitectura de la informacion",
        "architecture de l'information",
        "informationsarchitektur",
    ),
    "Miro": (),
    "Journey mapping": ("customer journey", "journey maps"),
}

SKILL_BY_ALIAS: dict[str, str] = {
    fold(alias): canonical
    for canonical, aliases in SKILLS.items()
    for alias in (canonical, *aliases)
}

# Degree words → level, folded, matched as whole words or phrases.
DEGREE_WORDS: dict[str, DegreeLevel] = {
    "bachelor": "bachelor",
    "bachelors": "bachelor",
    "bachelor's": "bachelor",
    "b.sc": "bachelor",
    "bsc": "bachelor",
    "b.s": "bachelor",
    "b.a": "bachelor",
    "ba": "bachelor",
    "b.eng": "bachelor",
    "beng": "bachelor",
    "b.tech": "bachelor",
    "btech": "bachelor",
    "undergraduate degree": "bachelor",
    "grado": "bachelor",
    "licenciatura": "bachelor",
    "licenciado": "bachelor",
    "licenciada": "bachelor",
    "ingenieria tecnica": "bachelor",
    "licence": "bachelor",
    "licence professionnelle": "bachelor",
    "bachelier": "bachelor",
    "bachelorstudium": "bachelor",
    "master": "master",
    "masters": "master",
    "master's": "master",
    "m.sc": "master",
    "msc": "master",
    "m.s": "master",
    "m.a": "master",
    "mba": "master",
    "m.eng": "master",
    "meng": "master",
    "m.tech": "master",
    "mtech": "master",
    "mphil": "master",
    "m.phil": "master",
    "maestria": "master",
    "master universitario": "master",
    "mastere": "master",
    "diplome d'ingenieur": "master",
    "diplom": "master",
    "diplom-ingenieur": "master",
    "dipl.-ing": "master",
    "magister": "master",
    "masterstudium": "master",
    "phd": "phd",
    "ph.d": "phd",
    "doctorate": "phd",
    "doctor of philosophy": "phd",
    "dphil": "phd",
    "d.phil": "phd",
    "doctorado": "phd",
    "doctor": "phd",
    "doctorat": "phd",
    "promotion": "phd",
    "dr.": "phd",
    "dr. rer. nat": "phd",
}

DEGREE_NAMES: dict[DegreeLevel, tuple[str, ...]] = {
    "bachelor": ("bachelor", "bachelor's", "grado", "licenciatura", "licence", "bachelor"),
    "master": ("master", "master's", "máster", "maestría", "master", "diplom"),
    "phd": ("PhD", "doctorate", "doctorado", "doctorat", "Promotion", "Doktor"),
}
