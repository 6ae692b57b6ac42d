"""English vocabulary."""

from __future__ import annotations

from cvchat.cvgen.content.model import LocaleContent, RoleContent

CONTENT = LocaleContent(
    faker_locales=("en_US", "en_GB"),
    labels={
        "profile": "Profile",
        "experience": "Professional Experience",
        "education": "Education",
        "skills": "Skills",
        "languages": "Languages",
        "projects": "Projects",
        "certifications": "Certifications",
        "interests": "Interests",
        "links": "Links",
        "contact": "Contact",
        "present": "Present",
    },
    language_names={
        "en": "English",
        "es": "Spanish",
        "fr": "French",
        "de": "German",
        "it": "Italian",
        "pt": "Portuguese",
        "nl": "Dutch",
        "ca": "Catalan",
        "ar": "Arabic",
        "zh": "Chinese",
    },
    native_label="Native",
    roles={
        "software_engineering": RoleContent(
            titles={
                "junior": ("Junior Software Engineer", "Junior Backend Developer"),
                "mid": ("Software Engineer", "Backend Engineer", "Full-Stack Developer"),
                "senior": ("Senior Software Engineer", "Staff Engineer", "Lead Developer"),
            },
            focus=(
                "building reliable backend services",
                "designing scalable web platforms",
                "clean, well-tested code and fast delivery",
            ),
            bullets=(
                "Built a {skill} service handling {users} requests per day with 99.9% uptime",
                "Cut API response times by {pct}% by profiling hot paths and adding Redis caching",
                "Migrated a monolith into {n} independently deployable {skill} services",
                "Raised unit test coverage from 45% to {cov}% and halved production incidents",
                "Designed the PostgreSQL data model behind the billing system used by {users} "
                "customers",
                "Automated release pipelines, taking deployments from weekly to {n} per day",
                "Reviewed code and paired with {team} engineers to adopt {skill} best practices",
            ),
            projects=(
                ("Open-source rate limiter", "A small library for distributed rate limiting"),
                ("Internal developer portal", "Self-service scaffolding for new services"),
                ("Payment gateway SDK", "Typed client used by several product teams"),
            ),
            fields_of_study=("Computer Science", "Software Engineering", "Mathematics"),
        ),
        "data_science": RoleContent(
            titles={
                "junior": ("Junior Data Analyst", "Junior Data Scientist"),
                "mid": ("Data Scientist", "Machine Learning Engineer", "Data Analyst"),
                "senior": (
                    "Senior Data Scientist",
                    "Lead Machine Learning Engineer",
                    "Head of Data Science",
                ),
            },
            focus=(
                "turning data into product decisions",
                "machine learning models that ship to production",
                "forecasting and experimentation",
            ),
            bullets=(
                "Built a churn model in {skill} that lifted retention by {pct}% in {months} months",
                "Designed {n} A/B tests a quarter and a shared framework to analyse them",
                "Cut forecast error by {pct}% with a gradient-boosting model and calendar features",
                "Built {skill} pipelines processing {users} events per day",
                "Deployed a recommendation model serving {users} users with weekly retraining",
                "Created self-service dashboards used by {n} teams, replacing manual reports",
                "Presented insights to leadership that redirected {pct}% of the marketing budget",
            ),
            projects=(
                ("Demand forecasting toolkit", "Reusable forecasting models for retail data"),
                ("Text classification benchmark", "Comparison of NLP models on support tickets"),
                ("Experimentation handbook", "Guidelines and notebooks for A/B test analysis"),
            ),
            fields_of_study=("Statistics", "Data Science", "Applied Mathematics", "Physics"),
        ),
        "devops_cloud": RoleContent(
            titles={
                "junior": ("Junior DevOps Engineer", "Junior Cloud Engineer"),
                "mid": ("DevOps Engineer", "Cloud Engineer", "Site Reliability Engineer"),
                "senior": (
                    "Senior DevOps Engineer",
                    "Lead Site Reliability Engineer",
                    "Cloud Architect",
                ),
            },
            focus=(
                "reliable cloud infrastructure",
                "automation and infrastructure as code",
                "observability and incident response",
            ),
            bullets=(
                "Led the migration of {n} services to {skill}, cutting hosting costs by {pct}%",
                "Codified the whole cloud estate as Terraform modules reused by {team} teams",
                "Reduced mean time to recovery by {pct}% with Prometheus alerting and runbooks",
                "Built CI/CD pipelines that take a commit to production in under {n} minutes",
                "Ran on-call for a platform with {users} daily users and 99.95% availability",
                "Hardened clusters with network policies and secrets management, passing ISO 27001",
                "Trained {team} developers on {skill} and container best practices",
            ),
            projects=(
                ("Kubernetes cost dashboard", "Per-team cloud cost reports from cluster metrics"),
                ("Terraform module library", "Versioned, tested modules for common services"),
                ("Chaos testing suite", "Scheduled failure injection in staging"),
            ),
            fields_of_study=("Computer Science", "Computer Engineering", "Telecommunications"),
        ),
        "product_management": RoleContent(
            titles={
                "junior": ("Associate Product Manager", "Junior Product Owner"),
                "mid": ("Product Manager", "Product Owner"),
                "senior": ("Senior Product Manager", "Group Product Manager", "Head of Product"),
            },
            focus=(
                "discovery-driven product development",
                "B2B SaaS products from idea to growth",
                "outcome-driven roadmaps",
            ),
            bullets=(
                "Launched a self-service onboarding flow that raised activation by {pct}%",
                "Owned the roadmap of a product with {users} monthly active users",
                "Ran {n} customer interviews a month to prioritise the backlog with evidence",
                "Introduced OKRs across {team} squads and tied every epic to a metric",
                "Led the pricing redesign that grew average revenue per account by {pct}%",
                "Shipped a mobile app in {months} months with a cross-functional team of {team}",
                "Cut churn by {pct}% by redesigning the cancellation journey with {skill} insights",
            ),
            projects=(
                ("Product discovery playbook", "Templates for interviews and opportunity trees"),
                ("Marketplace MVP", "Two-sided marketplace validated with 200 pilot users"),
                ("Feature adoption tracker", "Analytics model linking releases to usage"),
            ),
            fields_of_study=("Business Administration", "Economics", "Industrial Engineering"),
        ),
        "ux_design": RoleContent(
            titles={
                "junior": ("Junior UX Designer", "Junior UI Designer"),
                "mid": ("UX Designer", "Product Designer", "UX Researcher"),
                "senior": ("Senior Product Designer", "Lead UX Designer", "Design Manager"),
            },
            focus=(
                "research-led product design",
                "accessible, consistent design systems",
                "turning complex workflows into simple interfaces",
            ),
            bullets=(
                "Redesigned the checkout flow in {skill}, raising conversion by {pct}%",
                "Built a design system of {n} components adopted by {team} product teams",
                "Ran {n} usability tests per quarter and turned findings into a clear backlog",
                "Brought the web app to WCAG 2.1 AA, reaching {users} more users",
                "Cut support tickets by {pct}% by rewriting onboarding screens and microcopy",
                "Prototyped and tested a new dashboard in {months} months with {skill}",
                "Mapped customer journeys with {team} stakeholders to find the top pain points",
            ),
            projects=(
                ("Accessible component kit", "Open Figma library with documented patterns"),
                ("Museum guide app", "Concept and prototype tested with 30 visitors"),
                ("Design tokens pipeline", "Tokens exported from Figma to code automatically"),
            ),
            fields_of_study=("Interaction Design", "Graphic Design", "Psychology"),
        ),
    },
    summaries={
        "junior": (
            "{title} focused on {focus}. {strength}",
            "Motivated {title} with a strong interest in {focus}. {strength}",
        ),
        "mid": (
            "{title} with {years} years of experience in {focus}. {strength}",
            "{title} with {years} years of hands-on work in {focus}. {strength}",
        ),
        "senior": (
            "{title} with {years} years of experience and a track record in {focus}. {strength}",
            "Seasoned {title} ({years} years) who leads teams in {focus}. {strength}",
        ),
    },
    strengths=(
        "Known for clear communication and ownership from idea to production.",
        "Comfortable with ambiguity and quick to learn new tools.",
        "Cares about measurable results and a healthy team culture.",
        "Enjoys working closely with customers and cross-functional teams.",
    ),
    senior_bullets=(
        "Mentored {team} colleagues and saw {few} of them promoted",
        "Hired and led a team of {team}, setting its goals and career paths",
    ),
    general_bullets=(
        "Worked with product, design and support to ship {n} releases a quarter",
        "Documented key processes and onboarded {team} new colleagues",
        "Presented the team's results at {n} internal demos and a local meetup",
    ),
    junior_bullets=(
        "Fixed {n} bugs in the first quarter and wrote the onboarding guide for newcomers",
        "Supported senior colleagues on {skill} tasks and documented the results",
    ),
    degrees={
        "bachelor": "BSc in {field}",
        "master": "MSc in {field}",
        "phd": "PhD in {field}",
    },
    universities=(
        ("University of Manchester", "Manchester"),
        ("University of Edinburgh", "Edinburgh"),
        ("King's College London", "London"),
        ("University of Texas at Austin", "Austin"),
        ("Georgia Institute of Technology", "Atlanta"),
        ("University of Washington", "Seattle"),
        ("University of Bristol", "Bristol"),
        ("Purdue University", "West Lafayette"),
    ),
    interests=(
        "Trail running",
        "Chess",
        "Photography",
        "Cooking",
        "Cycling",
        "Climbing",
        "Jazz piano",
        "Volunteering at a coding club",
        "Board games",
        "Hiking",
    ),
    job_lead_in=("At {company} I worked as {title}.", "At {company} I work as {title}."),
    achievements_lead_in="",
    narrative_intro=(
        "I am a {title} based in {city} with a passion for {focus}.",
        "For the past {years} years I have worked on {focus}, most recently as {title}.",
    ),
    narrative_outro=(
        "I am looking for a team where I can keep learning and have real impact.",
        "Outside work I enjoy {interests}, which keep me curious and balanced.",
    ),
    headline_joiner=" · ",
    portfolio_label="Portfolio",
    countries={"en_US": "United States", "en_GB": "United Kingdom"},
    cities={
        "en_US": ("New York", "Austin", "Seattle", "Boston", "Chicago", "Denver", "San Diego"),
        "en_GB": ("London", "Manchester", "Edinburgh", "Bristol", "Leeds", "Cambridge"),
    },
    phone_formats={"en_US": "+1 ### ### ####", "en_GB": "+44 7### ######"},
)
