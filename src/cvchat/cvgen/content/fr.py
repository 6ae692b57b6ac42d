"""French vocabulary (France)."""

from __future__ import annotations

from cvchat.cvgen.content.model import LocaleContent, RoleContent

CONTENT = LocaleContent(
    faker_locales=("fr_FR",),
    labels={
        "profile": "Profil",
        "experience": "Expérience professionnelle",
        "education": "Formation",
        "skills": "Compétences",
        "languages": "Langues",
        "projects": "Projets",
        "certifications": "Certifications",
        "interests": "Centres d'intérêt",
        "links": "Liens",
        "contact": "Contact",
        "present": "Aujourd'hui",
    },
    language_names={
        "en": "Anglais",
        "es": "Espagnol",
        "fr": "Français",
        "de": "Allemand",
        "it": "Italien",
        "pt": "Portugais",
        "nl": "Néerlandais",
        "ca": "Catalan",
        "ar": "Arabe",
        "zh": "Chinois",
    },
    native_label="Langue maternelle",
    roles={
        "software_engineering": RoleContent(
            titles={
                "junior": ("Développeu{r|se} junior", "Ingénieur{|e} logiciel junior"),
                "mid": ("Ingénieur{|e} logiciel", "Développeu{r|se} backend"),
                "senior": ("Ingénieur{|e} logiciel senior", "Lead développeu{r|se}"),
            },
            focus=(
                "le développement de services backend fiables",
                "la conception de plateformes web évolutives",
                "un code propre et bien testé",
            ),
            bullets=(
                "Développement d'un service {skill} traitant {users} requêtes par jour avec "
                "99,9 % de disponibilité",
                "Réduction de {pct} % du temps de réponse de l'API grâce à un cache Redis",
                "Découpage d'un monolithe en {n} services {skill} déployables indépendamment",
                "Couverture de tests portée de 45 % à {cov} %, incidents de production divisés "
                "par deux",
                "Conception du modèle de données PostgreSQL de la facturation de {users} clients",
                "Automatisation des mises en production : d'une par semaine à {n} par jour",
                "Revue de code et accompagnement de {team} développeurs sur les bonnes pratiques "
                "{skill}",
            ),
            projects=(
                ("Limiteur de débit open source", "Bibliothèque de rate limiting distribué"),
                ("Portail développeurs interne", "Création de services en libre-service"),
                ("SDK de passerelle de paiement", "Client typé utilisé par plusieurs équipes"),
            ),
            fields_of_study=("Informatique", "Génie logiciel", "Mathématiques appliquées"),
        ),
        "data_science": RoleContent(
            titles={
                "junior": ("Data analyst junior", "Data scientist junior"),
                "mid": ("Data scientist", "Ingénieur{|e} machine learning"),
                "senior": ("Data scientist senior", "Responsable data science"),
            },
            focus=(
                "la transformation des données en décisions produit",
                "les modèles de machine learning en production",
                "la prévision et l'expérimentation",
            ),
            bullets=(
                "Modèle d'attrition en {skill} ayant amélioré la rétention de {pct} % en {months} "
                "mois",
                "Conception de {n} tests A/B par trimestre et d'un cadre commun d'analyse",
                "Réduction de {pct} % de l'erreur de prévision avec du gradient boosting et "
                "des variables calendaires",
                "Pipelines {skill} traitant {users} événements par jour",
                "Mise en production d'un moteur de recommandation pour {users} utilisateurs",
                "Tableaux de bord en libre-service pour {n} équipes, remplaçant les rapports "
                "manuels",
                "Analyses présentées à la direction ayant réorienté {pct} % du budget marketing",
            ),
            projects=(
                ("Boîte à outils de prévision", "Modèles réutilisables pour la distribution"),
                ("Classification de tickets", "Comparaison de modèles NLP sur le support"),
                ("Guide de l'expérimentation", "Bonnes pratiques et notebooks pour tests A/B"),
            ),
            fields_of_study=("Statistique", "Mathématiques appliquées", "Physique"),
        ),
        "devops_cloud": RoleContent(
            titles={
                "junior": ("Ingénieur{|e} DevOps junior", "Administrat{eur|rice} cloud junior"),
                "mid": ("Ingénieur{|e} DevOps", "Ingénieur{|e} SRE"),
                "senior": ("Architecte cloud", "Ingénieur{|e} DevOps senior"),
            },
            focus=(
                "les infrastructures cloud fiables",
                "l'automatisation et l'infrastructure as code",
                "l'observabilité et la gestion des incidents",
            ),
            bullets=(
                "Pilotage de la migration de {n} services vers {skill}, coûts d'hébergement "
                "réduits de {pct} %",
                "Infrastructure cloud entièrement codée en modules Terraform réutilisés par "
                "{team} équipes",
                "Temps moyen de rétablissement réduit de {pct} % grâce aux alertes Prometheus",
                "Chaînes CI/CD menant un commit en production en moins de {n} minutes",
                "Astreintes sur une plateforme de {users} utilisateurs quotidiens, disponibilité "
                "99,95 %",
                "Sécurisation des clusters et réussite de l'audit ISO 27001",
                "Formation de {team} développeurs à {skill} et aux bonnes pratiques conteneurs",
            ),
            projects=(
                ("Tableau de coûts Kubernetes", "Coûts cloud par équipe depuis les métriques"),
                ("Bibliothèque de modules Terraform", "Modules versionnés et testés"),
                ("Tests de chaos", "Injection de pannes planifiée en préproduction"),
            ),
            fields_of_study=("Informatique", "Réseaux et télécommunications", "Génie informatique"),
        ),
        "product_management": RoleContent(
            titles={
                "junior": ("Product owner junior", "Chef{|fe} de produit junior"),
                "mid": ("Product manager", "Chef{|fe} de produit"),
                "senior": ("Product manager senior", "Direct{eur|rice} produit"),
            },
            focus=(
                "le développement produit guidé par la découverte",
                "les produits SaaS B2B de l'idée à la croissance",
                "les feuilles de route orientées résultats",
            ),
            bullets=(
                "Lancement d'un onboarding en libre-service : activation en hausse de {pct} %",
                "Responsabilité de la feuille de route d'un produit de {users} utilisateurs "
                "actifs par mois",
                "{n} entretiens clients par mois pour prioriser le backlog sur des faits",
                "Mise en place des OKR dans {team} équipes, chaque epic reliée à un indicateur",
                "Refonte de la tarification : revenu moyen par compte en hausse de {pct} %",
                "Lancement d'une application mobile en {months} mois avec une équipe de {team} "
                "personnes",
                "Attrition réduite de {pct} % par la refonte du parcours de résiliation avec "
                "{skill}",
            ),
            projects=(
                ("Guide de découverte produit", "Modèles d'entretiens et arbres d'opportunités"),
                ("MVP de place de marché", "Place de marché validée avec 200 utilisateurs"),
                ("Suivi de l'adoption", "Modèle reliant les livraisons à l'usage"),
            ),
            fields_of_study=("Management", "Économie", "Génie industriel"),
        ),
        "ux_design": RoleContent(
            titles={
                "junior": ("Designer UX junior", "Designer UI junior"),
                "mid": ("Designer UX", "Product designer", "Chercheu{r|se} UX"),
                "senior": ("Product designer senior", "Lead designer UX"),
            },
            focus=(
                "la conception produit fondée sur la recherche",
                "les design systems accessibles et cohérents",
                "la simplification des parcours complexes",
            ),
            bullets=(
                "Refonte du tunnel d'achat sous {skill} : conversion en hausse de {pct} %",
                "Design system de {n} composants adopté par {team} équipes produit",
                "{n} tests utilisateurs par trimestre, transformés en backlog clair",
                "Mise en conformité WCAG 2.1 AA de l'application, {users} utilisateurs de plus",
                "Demandes au support réduites de {pct} % grâce à un onboarding réécrit",
                "Prototype d'un nouveau tableau de bord testé en {months} mois avec {skill}",
                "Cartographie des parcours clients avec {team} services pour cibler les irritants",
            ),
            projects=(
                ("Kit de composants accessibles", "Bibliothèque Figma ouverte et documentée"),
                ("Application de visite de musée", "Prototype testé avec 30 visiteurs"),
                ("Chaîne de design tokens", "Tokens exportés de Figma vers le code"),
            ),
            fields_of_study=("Design d'interaction", "Design graphique", "Psychologie"),
        ),
    },
    summaries={
        "junior": (
            "{title} passionné{|e} par {focus}. {strength}",
            "{title} motivé{|e}, tourné{|e} vers {focus}. {strength}",
        ),
        "mid": (
            "{title} avec {years} ans d'expérience dans {focus}. {strength}",
            "{title} fort{|e} de {years} ans de pratique dans {focus}. {strength}",
        ),
        "senior": (
            "{title} avec {years} ans d'expérience et des résultats concrets dans {focus}. "
            "{strength}",
            "{title} expérimenté{|e} ({years} ans), habitué{|e} à diriger des équipes dans "
            "{focus}. {strength}",
        ),
    },
    strengths=(
        "Reconnu{|e} pour une communication claire et le sens des responsabilités.",
        "À l'aise dans l'incertitude et rapide à prendre en main de nouveaux outils.",
        "Attaché{|e} aux résultats mesurables et à une bonne dynamique d'équipe.",
        "Apprécie le travail avec les clients et les équipes pluridisciplinaires.",
    ),
    senior_bullets=(
        "Mentorat de {team} collègues, dont {few} promus",
        "Recrutement et management d'une équipe de {team} personnes",
    ),
    general_bullets=(
        "Collaboration avec le produit, le design et le support : {n} versions par trimestre",
        "Documentation des processus clés et intégration de {team} nouveaux collègues",
        "Présentation des résultats de l'équipe lors de {n} démos internes et d'un meetup",
    ),
    junior_bullets=(
        "Correction de {n} anomalies dès le premier trimestre et rédaction du guide d'accueil",
        "Appui aux collègues seniors sur des sujets {skill} et documentation des résultats",
    ),
    degrees={
        "bachelor": "Licence {field}",
        "master": "Master {field}",
        "phd": "Doctorat en {field}",
    },
    universities=(
        ("Université Paris-Saclay", "Paris"),
        ("Sorbonne Université", "Paris"),
        ("INSA Lyon", "Lyon"),
        ("Université de Bordeaux", "Bordeaux"),
        ("Université Grenoble Alpes", "Grenoble"),
        ("Université de Strasbourg", "Strasbourg"),
        ("Université de Nantes", "Nantes"),
        ("Télécom Paris", "Paris"),
    ),
    interests=(
        "Randonnée",
        "Échecs",
        "Photographie",
        "Cuisine",
        "Vélo",
        "Escalade",
        "Piano",
        "Bénévolat dans un club de code",
        "Jeux de société",
        "Théâtre",
    ),
    job_lead_in=(
        "Chez {company}, j'ai occupé le poste de {title}.",
        "Chez {company}, j'occupe le poste de {title}.",
    ),
    achievements_lead_in="Parmi mes réalisations :",
    narrative_intro=(
        "{title} à {city}, je suis passionné{|e} par {focus}.",
        "Depuis {years} ans, je travaille sur {focus}, dernièrement en tant que {title}.",
    ),
    narrative_outro=(
        "Je recherche une équipe où continuer à apprendre et avoir un réel impact.",
        "En dehors du travail, {interests} m'aident à rester curieu{x|se} et équilibré{|e}.",
    ),
    headline_joiner=" · ",
    portfolio_label="Portfolio",
    countries={"fr_FR": "France"},
    cities={"fr_FR": ("Paris", "Lyon", "Toulouse", "Nantes", "Bordeaux", "Lille", "Grenoble")},
    phone_formats={"fr_FR": "+33 6 ## ## ## ##"},
)
