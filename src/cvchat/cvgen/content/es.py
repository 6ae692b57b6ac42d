"""Spanish vocabulary (Spain)."""

from __future__ import annotations

from cvchat.cvgen.content.model import LocaleContent, RoleContent

CONTENT = LocaleContent(
    faker_locales=("es_ES",),
    labels={
        "profile": "Perfil profesional",
        "experience": "Experiencia profesional",
        "education": "Formación académica",
        "skills": "Competencias",
        "languages": "Idiomas",
        "projects": "Proyectos",
        "certifications": "Certificaciones",
        "interests": "Intereses",
        "links": "Enlaces",
        "contact": "Contacto",
        "present": "Actualidad",
    },
    language_names={
        "en": "Inglés",
        "es": "Español",
        "fr": "Francés",
        "de": "Alemán",
        "it": "Italiano",
        "pt": "Portugués",
        "nl": "Neerlandés",
        "ca": "Catalán",
        "ar": "Árabe",
        "zh": "Chino",
    },
    native_label="Nativo",
    roles={
        "software_engineering": RoleContent(
            titles={
                "junior": (
                    "Desarrollador{|a} de software júnior",
                    "Programador{|a} backend júnior",
                ),
                "mid": ("Ingenier{o|a} de software", "Desarrollador{|a} backend"),
                "senior": ("Ingenier{o|a} de software sénior", "Líder técnic{o|a}"),
            },
            focus=(
                "el desarrollo de servicios backend fiables",
                "el diseño de plataformas web escalables",
                "el código limpio y bien probado",
            ),
            bullets=(
                "Desarrollé un servicio en {skill} que atiende {users} peticiones diarias con "
                "una disponibilidad del 99,9 %",
                "Reduje un {pct} % el tiempo de respuesta de la API añadiendo caché con Redis",
                "Dividí un monolito en {n} servicios de {skill} desplegables de forma "
                "independiente",
                "Aumenté la cobertura de pruebas del 45 % al {cov} % y reduje a la mitad las "
                "incidencias",
                "Diseñé el modelo de datos en PostgreSQL del sistema de facturación de {users} "
                "clientes",
                "Automaticé los despliegues, pasando de uno semanal a {n} al día",
                "Revisé código y formé a {team} compañeros en buenas prácticas de {skill}",
            ),
            projects=(
                ("Limitador de peticiones open source", "Librería de rate limiting distribuido"),
                ("Portal interno para desarrolladores", "Plantillas de autoservicio para equipos"),
                ("SDK de pasarela de pagos", "Cliente tipado usado por varios equipos"),
            ),
            fields_of_study=("Ingeniería Informática", "Ingeniería del Software", "Matemáticas"),
        ),
        "data_science": RoleContent(
            titles={
                "junior": ("Analista de datos júnior", "Científic{o|a} de datos júnior"),
                "mid": ("Científic{o|a} de datos", "Ingenier{o|a} de machine learning"),
                "senior": ("Científic{o|a} de datos sénior", "Responsable de ciencia de datos"),
            },
            focus=(
                "convertir datos en decisiones de producto",
                "los modelos de machine learning en producción",
                "la previsión de demanda y la experimentación",
            ),
            bullets=(
                "Construí un modelo de abandono en {skill} que mejoró la retención un {pct} % en "
                "{months} meses",
                "Diseñé {n} tests A/B por trimestre y un marco común para analizarlos",
                "Reduje un {pct} % el error de previsión con gradient boosting y variables de "
                "calendario",
                "Creé pipelines de {skill} que procesan {users} eventos al día",
                "Puse en producción un sistema de recomendación para {users} usuarios",
                "Creé cuadros de mando de autoservicio para {n} equipos, sustituyendo informes "
                "manuales",
                "Presenté a la dirección análisis que reorientaron el {pct} % del presupuesto de "
                "marketing",
            ),
            projects=(
                ("Kit de previsión de demanda", "Modelos reutilizables para datos de retail"),
                ("Clasificación de incidencias", "Comparativa de modelos de NLP sobre tickets"),
                ("Guía de experimentación", "Buenas prácticas y notebooks para tests A/B"),
            ),
            fields_of_study=("Estadística", "Matemáticas", "Física", "Ciencia de Datos"),
        ),
        "devops_cloud": RoleContent(
            titles={
                "junior": ("Ingenier{o|a} DevOps júnior", "Técnic{o|a} de sistemas cloud"),
                "mid": ("Ingenier{o|a} DevOps", "Ingenier{o|a} de fiabilidad (SRE)"),
                "senior": ("Arquitect{o|a} cloud", "Ingenier{o|a} DevOps sénior"),
            },
            focus=(
                "la infraestructura cloud fiable",
                "la automatización y la infraestructura como código",
                "la observabilidad y la respuesta a incidentes",
            ),
            bullets=(
                "Lideré la migración de {n} servicios a {skill}, con un ahorro del {pct} % en "
                "hosting",
                "Codifiqué toda la infraestructura cloud en módulos de Terraform usados por "
                "{team} equipos",
                "Reduje un {pct} % el tiempo medio de recuperación con alertas de Prometheus y "
                "runbooks",
                "Construí pipelines de CI/CD que llevan un commit a producción en menos de {n} "
                "minutos",
                "Hice guardias en una plataforma con {users} usuarios diarios y un 99,95 % de "
                "disponibilidad",
                "Reforcé la seguridad de los clústeres y superé la auditoría ISO 27001",
                "Formé a {team} desarrolladores en {skill} y buenas prácticas de contenedores",
            ),
            projects=(
                ("Panel de costes de Kubernetes", "Informes de coste cloud por equipo"),
                ("Biblioteca de módulos Terraform", "Módulos versionados y probados"),
                ("Pruebas de caos", "Inyección programada de fallos en preproducción"),
            ),
            fields_of_study=(
                "Ingeniería Informática",
                "Ingeniería de Telecomunicación",
                "Ingeniería de Computadores",
            ),
        ),
        "product_management": RoleContent(
            titles={
                "junior": ("Product Owner júnior", "Asociad{o|a} de producto"),
                "mid": ("Product Manager", "Product Owner"),
                "senior": ("Product Manager sénior", "Director{|a} de producto"),
            },
            focus=(
                "el desarrollo de producto guiado por el descubrimiento",
                "los productos SaaS B2B desde la idea hasta el crecimiento",
                "las hojas de ruta orientadas a resultados",
            ),
            bullets=(
                "Lancé un onboarding de autoservicio que aumentó la activación un {pct} %",
                "Gestioné la hoja de ruta de un producto con {users} usuarios activos al mes",
                "Realicé {n} entrevistas con clientes al mes para priorizar el backlog",
                "Introduje OKR en {team} equipos y vinculé cada épica a una métrica",
                "Dirigí el rediseño de precios que aumentó un {pct} % el ingreso medio por cuenta",
                "Lancé una app móvil en {months} meses con un equipo multidisciplinar de {team} "
                "personas",
                "Reduje la tasa de bajas un {pct} % rediseñando el proceso de cancelación con "
                "datos de {skill}",
            ),
            projects=(
                ("Guía de descubrimiento de producto", "Plantillas para entrevistas"),
                ("MVP de marketplace", "Marketplace validado con 200 usuarios piloto"),
                ("Seguimiento de adopción", "Modelo que enlaza lanzamientos y uso"),
            ),
            fields_of_study=("Administración y Dirección de Empresas", "Economía", "Ingeniería"),
        ),
        "ux_design": RoleContent(
            titles={
                "junior": ("Diseñador{|a} UX júnior", "Diseñador{|a} UI júnior"),
                "mid": ("Diseñador{|a} UX", "Diseñador{|a} de producto", "Investigador{|a} UX"),
                "senior": ("Diseñador{|a} de producto sénior", "Responsable de diseño UX"),
            },
            focus=(
                "el diseño de producto basado en la investigación",
                "los sistemas de diseño accesibles y coherentes",
                "simplificar flujos de trabajo complejos",
            ),
            bullets=(
                "Rediseñé el proceso de compra en {skill} y aumenté la conversión un {pct} %",
                "Creé un sistema de diseño de {n} componentes adoptado por {team} equipos",
                "Realicé {n} pruebas de usabilidad por trimestre y las convertí en un backlog "
                "claro",
                "Adapté la aplicación web a WCAG 2.1 AA, llegando a {users} usuarios más",
                "Reduje un {pct} % las consultas de soporte reescribiendo el onboarding",
                "Prototipé y validé un nuevo panel en {months} meses con {skill}",
                "Mapeé los recorridos de cliente con {team} áreas para detectar los principales "
                "problemas",
            ),
            projects=(
                ("Kit de componentes accesibles", "Librería abierta de Figma documentada"),
                ("App de guía de museo", "Concepto y prototipo probado con 30 visitantes"),
                ("Pipeline de design tokens", "Tokens exportados de Figma al código"),
            ),
            fields_of_study=("Diseño de Interacción", "Diseño Gráfico", "Psicología"),
        ),
    },
    summaries={
        "junior": (
            "{title} con interés en {focus}. {strength}",
            "{title} motivad{o|a} por {focus}. {strength}",
        ),
        "mid": (
            "{title} con {years} años de experiencia en {focus}. {strength}",
            "{title} con {years} años de trabajo práctico en {focus}. {strength}",
        ),
        "senior": (
            "{title} con {years} años de experiencia y resultados probados en {focus}. {strength}",
            "{title} con {years} años de trayectoria liderando equipos en {focus}. {strength}",
        ),
    },
    strengths=(
        "Destaco por la comunicación clara y la responsabilidad de principio a fin.",
        "Me adapto con rapidez a nuevas herramientas y entornos cambiantes.",
        "Me importan los resultados medibles y un buen ambiente de equipo.",
        "Disfruto trabajando con clientes y equipos multidisciplinares.",
    ),
    senior_bullets=(
        "Fui mentor{|a} de {team} compañeros, {few} de ellos promocionados",
        "Contraté y dirigí un equipo de {team} personas, definiendo objetivos y planes de carrera",
    ),
    general_bullets=(
        "Colaboré con producto, diseño y soporte para publicar {n} versiones por trimestre",
        "Documenté los procesos clave e incorporé a {team} nuevos compañeros",
        "Presenté los resultados del equipo en {n} demos internas y un meetup local",
    ),
    junior_bullets=(
        "Resolví {n} incidencias en el primer trimestre y redacté la guía de bienvenida",
        "Apoyé a compañeros sénior en tareas de {skill} y documenté los resultados",
    ),
    degrees={
        "bachelor": "Grado en {field}",
        "master": "Máster en {field}",
        "phd": "Doctorado en {field}",
    },
    universities=(
        ("Universidad Politécnica de Madrid", "Madrid"),
        ("Universitat Politècnica de Catalunya", "Barcelona"),
        ("Universidad de Sevilla", "Sevilla"),
        ("Universitat de València", "Valencia"),
        ("Universidad Complutense de Madrid", "Madrid"),
        ("Universidad de Granada", "Granada"),
        ("Universidad del País Vasco", "Bilbao"),
    ),
    interests=(
        "Senderismo",
        "Ajedrez",
        "Fotografía",
        "Cocina",
        "Ciclismo",
        "Escalada",
        "Guitarra",
        "Voluntariado en una asociación de programación",
        "Juegos de mesa",
        "Pádel",
    ),
    job_lead_in=("En {company} trabajé como {title}.", "En {company} trabajo como {title}."),
    achievements_lead_in="",
    narrative_intro=(
        "Soy {title} en {city}, especializad{o|a} en {focus}.",
        "Durante los últimos {years} años he trabajado en {focus}, últimamente como {title}.",
    ),
    narrative_outro=(
        "Busco un equipo en el que seguir aprendiendo y aportar un impacto real.",
        "Aficiones como {interests} me mantienen curios{o|a} y equilibrad{o|a}.",
    ),
    headline_joiner=" · ",
    portfolio_label="Portafolio",
    countries={"es_ES": "España"},
    cities={
        "es_ES": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Málaga", "Zaragoza")
    },
    phone_formats={"es_ES": "+34 6## ### ###"},
)
