"""German vocabulary (Germany)."""

from __future__ import annotations

from cvchat.cvgen.content.model import LocaleContent, RoleContent

CONTENT = LocaleContent(
    faker_locales=("de_DE",),
    labels={
        "profile": "Profil",
        "experience": "Berufserfahrung",
        "education": "Ausbildung",
        "skills": "Kenntnisse",
        "languages": "Sprachen",
        "projects": "Projekte",
        "certifications": "Zertifikate",
        "interests": "Interessen",
        "links": "Links",
        "contact": "Kontakt",
        "present": "heute",
    },
    language_names={
        "en": "Englisch",
        "es": "Spanisch",
        "fr": "Französisch",
        "de": "Deutsch",
        "it": "Italienisch",
        "pt": "Portugiesisch",
        "nl": "Niederländisch",
        "ca": "Katalanisch",
        "ar": "Arabisch",
        "zh": "Chinesisch",
    },
    native_label="Muttersprache",
    roles={
        "software_engineering": RoleContent(
            titles={
                "junior": ("Junior Softwareentwickler{|in}", "Junior Backend-Entwickler{|in}"),
                "mid": ("Softwareentwickler{|in}", "Backend-Entwickler{|in}"),
                "senior": ("Senior Softwareentwickler{|in}", "Lead Developer"),
            },
            focus=(
                "zuverlässige Backend-Services",
                "skalierbare Webplattformen",
                "sauberer, gut getesteter Code",
            ),
            bullets=(
                "Entwicklung eines Services in {skill} mit {users} Anfragen pro Tag und 99,9 % "
                "Verfügbarkeit",
                "Antwortzeiten der API um {pct} % gesenkt durch Profiling und Caching mit Redis",
                "Aufteilung eines Monolithen in {n} unabhängig deploybare Services ({skill})",
                "Testabdeckung von 45 % auf {cov} % erhöht, Produktionsvorfälle halbiert",
                "Entwurf des PostgreSQL-Datenmodells für die Abrechnung von {users} Kunden",
                "Automatisierte Releases: von einem Deployment pro Woche auf {n} pro Tag",
                "Code-Reviews und Pair Programming mit {team} Entwicklern zu {skill}",
            ),
            projects=(
                ("Open-Source-Rate-Limiter", "Bibliothek für verteiltes Rate Limiting"),
                ("Internes Entwicklerportal", "Self-Service-Vorlagen für neue Services"),
                ("SDK für ein Zahlungsgateway", "Typisierter Client für mehrere Teams"),
            ),
            fields_of_study=("Informatik", "Softwaretechnik", "Mathematik"),
        ),
        "data_science": RoleContent(
            titles={
                "junior": ("Junior Data Analyst", "Junior Data Scientist"),
                "mid": ("Data Scientist", "Machine Learning Engineer"),
                "senior": ("Senior Data Scientist", "Leiter{|in} Data Science"),
            },
            focus=(
                "datengetriebene Produktentscheidungen",
                "Machine-Learning-Modelle im Produktivbetrieb",
                "Prognosen und Experimente",
            ),
            bullets=(
                "Churn-Modell in {skill}, das die Kundenbindung in {months} Monaten um {pct} % "
                "steigerte",
                "Konzeption von {n} A/B-Tests pro Quartal und eines gemeinsamen "
                "Auswerte-Frameworks",
                "Prognosefehler um {pct} % gesenkt mit Gradient Boosting und neuen "
                "Kalendermerkmalen",
                "Aufbau von Pipelines mit {skill} für {users} Ereignisse pro Tag",
                "Produktivsetzung eines Empfehlungssystems für {users} Nutzer",
                "Self-Service-Dashboards für {n} Teams statt manueller Berichte",
                "Analysen für die Geschäftsleitung, die {pct} % des Marketingbudgets umlenkten",
            ),
            projects=(
                ("Toolkit für Absatzprognosen", "Wiederverwendbare Modelle für Handelsdaten"),
                ("Ticket-Klassifikation", "Vergleich von NLP-Modellen für Supportanfragen"),
                ("Leitfaden für Experimente", "Regeln und Notebooks für A/B-Tests"),
            ),
            fields_of_study=("Statistik", "Mathematik", "Physik", "Data Science"),
        ),
        "devops_cloud": RoleContent(
            titles={
                "junior": ("Junior DevOps Engineer", "Junior Cloud-Administrator{|in}"),
                "mid": ("DevOps Engineer", "Site Reliability Engineer"),
                "senior": ("Cloud-Architekt{|in}", "Senior DevOps Engineer"),
            },
            focus=(
                "zuverlässige Cloud-Infrastruktur",
                "Automatisierung und Infrastructure as Code",
                "Observability und Incident-Management",
            ),
            bullets=(
                "Leitung der Migration von {n} Services auf {skill}, Hostingkosten um {pct} % "
                "gesenkt",
                "Gesamte Cloud-Infrastruktur als Terraform-Module, genutzt von {team} Teams",
                "Mittlere Wiederherstellungszeit um {pct} % verkürzt durch Alerting mit Prometheus",
                "CI/CD-Pipelines, die einen Commit in unter {n} Minuten in Produktion bringen",
                "Rufbereitschaft für eine Plattform mit {users} täglichen Nutzern und 99,95 % "
                "Verfügbarkeit",
                "Härtung der Cluster und erfolgreiches ISO-27001-Audit",
                "Schulung von {team} Entwicklern zu {skill} und Container-Best-Practices",
            ),
            projects=(
                ("Kubernetes-Kostenübersicht", "Cloud-Kosten pro Team aus Cluster-Metriken"),
                ("Terraform-Modulbibliothek", "Versionierte, getestete Module"),
                ("Chaos-Tests", "Geplante Fehlerinjektion in der Staging-Umgebung"),
            ),
            fields_of_study=("Informatik", "Technische Informatik", "Nachrichtentechnik"),
        ),
        "product_management": RoleContent(
            titles={
                "junior": ("Junior Product Owner", "Associate Product Manager"),
                "mid": ("Product Manager", "Product Owner"),
                "senior": ("Senior Product Manager", "Head of Product"),
            },
            focus=(
                "entdeckungsgetriebene Produktentwicklung",
                "B2B-SaaS-Produkte von der Idee bis zum Wachstum",
                "ergebnisorientierte Roadmaps",
            ),
            bullets=(
                "Einführung eines Self-Service-Onboardings, Aktivierung um {pct} % gesteigert",
                "Verantwortung für die Roadmap eines Produkts mit {users} monatlich aktiven "
                "Nutzern",
                "{n} Kundeninterviews pro Monat zur evidenzbasierten Priorisierung des Backlogs",
                "Einführung von OKRs in {team} Teams, jedes Epic an eine Kennzahl geknüpft",
                "Neugestaltung der Preise, Umsatz pro Kunde um {pct} % gesteigert",
                "Launch einer mobilen App in {months} Monaten mit einem Team aus {team} Personen",
                "Abwanderung um {pct} % gesenkt durch einen neuen Kündigungsprozess ({skill})",
            ),
            projects=(
                ("Playbook für Product Discovery", "Vorlagen für Interviews und Chancenbäume"),
                ("Marktplatz-MVP", "Zweiseitiger Marktplatz, getestet mit 200 Pilotnutzern"),
                ("Feature-Adoption-Tracker", "Analysemodell von Releases zur Nutzung"),
            ),
            fields_of_study=(
                "Betriebswirtschaftslehre",
                "Volkswirtschaftslehre",
                "Wirtschaftsingenieurwesen",
            ),
        ),
        "ux_design": RoleContent(
            titles={
                "junior": ("Junior UX Designer{|in}", "Junior UI Designer{|in}"),
                "mid": ("UX Designer{|in}", "Product Designer{|in}", "UX Researcher"),
                "senior": ("Senior Product Designer{|in}", "Lead UX Designer{|in}"),
            },
            focus=(
                "forschungsbasiertes Produktdesign",
                "barrierefreie, konsistente Designsysteme",
                "einfache Oberflächen für komplexe Abläufe",
            ),
            bullets=(
                "Neugestaltung des Checkouts in {skill}, Konversion um {pct} % gesteigert",
                "Designsystem mit {n} Komponenten, eingesetzt von {team} Produktteams",
                "{n} Usability-Tests pro Quartal, Ergebnisse in ein klares Backlog überführt",
                "Web-App nach WCAG 2.1 AA umgesetzt und so {users} weitere Nutzer erreicht",
                "Supportanfragen um {pct} % reduziert durch neu geschriebene Onboarding-Texte",
                "Prototyp eines neuen Dashboards in {months} Monaten mit {skill} getestet",
                "Customer Journeys mit {team} Fachbereichen erstellt und Schwachstellen "
                "priorisiert",
            ),
            projects=(
                ("Barrierefreies Komponenten-Kit", "Offene, dokumentierte Figma-Bibliothek"),
                ("Museumsführer-App", "Konzept und Prototyp, getestet mit 30 Besuchern"),
                ("Design-Token-Pipeline", "Automatischer Export von Figma in den Code"),
            ),
            fields_of_study=("Interaktionsdesign", "Kommunikationsdesign", "Psychologie"),
        ),
    },
    summaries={
        "junior": (
            "{title}. Schwerpunkt: {focus}. {strength}",
            "Motivierte{r|} {title}. Schwerpunkt: {focus}. {strength}",
        ),
        "mid": (
            "{title} mit {years} Jahren Berufserfahrung. Schwerpunkt: {focus}. {strength}",
            "{title} mit {years} Jahren Praxis. Schwerpunkt: {focus}. {strength}",
        ),
        "senior": (
            "{title} mit {years} Jahren Erfahrung und nachweisbaren Erfolgen. "
            "Schwerpunkt: {focus}. {strength}",
            "Erfahrene{r|} {title} ({years} Jahre) mit Führungserfahrung. "
            "Schwerpunkt: {focus}. {strength}",
        ),
    },
    strengths=(
        "Bekannt für klare Kommunikation und Verantwortung von der Idee bis zum Betrieb.",
        "Arbeitet sich schnell in neue Werkzeuge und Themen ein.",
        "Legt Wert auf messbare Ergebnisse und eine gute Teamkultur.",
        "Arbeitet gern eng mit Kunden und interdisziplinären Teams zusammen.",
    ),
    senior_bullets=(
        "Mentoring von {team} Kolleginnen und Kollegen, {few} davon befördert",
        "Aufbau und Führung eines Teams von {team} Personen inklusive Zielen und "
        "Entwicklungsplänen",
    ),
    general_bullets=(
        "Zusammenarbeit mit Produkt, Design und Support: {n} Releases pro Quartal",
        "Dokumentation zentraler Prozesse und Einarbeitung von {team} neuen Kollegen",
        "Vorstellung der Teamergebnisse in {n} internen Demos und auf einem Meetup",
    ),
    junior_bullets=(
        "{n} Fehler im ersten Quartal behoben und den Onboarding-Leitfaden verfasst",
        "Unterstützung erfahrener Kollegen bei Aufgaben rund um {skill}",
    ),
    degrees={
        "bachelor": "B.Sc. {field}",
        "master": "M.Sc. {field}",
        "phd": "Promotion in {field}",
    },
    universities=(
        ("Technische Universität München", "München"),
        ("Karlsruher Institut für Technologie", "Karlsruhe"),
        ("RWTH Aachen", "Aachen"),
        ("Humboldt-Universität zu Berlin", "Berlin"),
        ("Universität Hamburg", "Hamburg"),
        ("Technische Universität Dresden", "Dresden"),
        ("Universität zu Köln", "Köln"),
        ("Universität Stuttgart", "Stuttgart"),
    ),
    interests=(
        "Wandern",
        "Schach",
        "Fotografie",
        "Kochen",
        "Radfahren",
        "Klettern",
        "Klavier",
        "Ehrenamt in einem Coding-Club",
        "Brettspiele",
        "Segeln",
    ),
    job_lead_in=(
        "Bei {company} war ich als {title} tätig.",
        "Bei {company} bin ich als {title} tätig.",
    ),
    achievements_lead_in="Zu meinen Erfolgen zählen:",
    narrative_intro=(
        "Ich bin {title} in {city}; mein Schwerpunkt: {focus}.",
        "Seit {years} Jahren bin ich im Beruf, zuletzt als {title}; mein Schwerpunkt: {focus}.",
    ),
    narrative_outro=(
        "Ich suche ein Team, in dem ich weiter lernen und echte Wirkung erzielen kann.",
        "In meiner Freizeit sorgen {interests} für Ausgleich und neue Ideen.",
    ),
    headline_joiner=" · ",
    portfolio_label="Portfolio",
    countries={"de_DE": "Deutschland"},
    cities={
        "de_DE": (
            "Berlin",
            "München",
            "Hamburg",
            "Köln",
            "Frankfurt am Main",
            "Stuttgart",
            "Leipzig",
        )
    },
    phone_formats={"de_DE": "+49 15# ########"},
)
