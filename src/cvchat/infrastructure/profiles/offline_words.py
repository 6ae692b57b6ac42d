"""Word lists and patterns shared by the offline extractor's rules.

Spoken languages and their levels, bullets, contact details (e-mail, phone, links),
job-title words in en/es/fr/de and the test for running text. They tell a title line from
an employer, a contact line from a place and a sentence from a list item, in every layout.
"""

from __future__ import annotations

import re

from cvchat.domain.vocabulary import LANGUAGE_BY_NAME, LEVEL_WORDS

# A spoken language's name, a level phrase ("C1", "fluent", "Muttersprache"), on folded
# text; and a language code as a languages section writes it ("EN (native)", "ENG C1").
LANGUAGE_NAME = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(n) for n in sorted(LANGUAGE_BY_NAME, key=len, reverse=True))
    + r")(?!\w)"
)
LANGUAGE_LEVEL = re.compile(
    r"(?<!\w)(?:[abc][12]|"
    + "|".join(re.escape(p) for p in sorted(LEVEL_WORDS, key=len, reverse=True))
    + r")(?!\w)"
)
LANGUAGE_CODE = re.compile(r"(?<![\w.])(?P<code>[A-Z]{2,3})(?![\w.@])")

# Bullets and rules the PDF text keeps as lines of their own, or at the start of a line.
BULLET = re.compile(r"^[\s•·▪◦●○■□►▶✓✔*\-–—]+")
URL_OR_EMAIL = re.compile(
    r"\S+@\S+|\S*://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)+/\S*"
    r"|[\w-]+\.(?:com|io|dev|design|org|me|app|co|eu|de|es|fr|uk|ai|info)(?![\w.])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers, and national ones that open with a trunk 0 ("0151 2378 4410",
# "07700 918 442", "030 1234567", French "06 62 19 03 58").
PHONE = re.compile(
    r"(?:\+|\b00)\d[\d ()./-]{6,}\d|\b\d{3,4}[ /.-]\d{3}[ /.-]?\d{2,4}\b"
    r"|\b0\d{2,4}(?:[ /.-]?\d{2,5}){2,4}\b|\b0[1-9](?:[ .-]?\d\d){4}\b"
)

# Words that make a line a job title, folded, in en/es/fr/de (jobs outside tech too: a
# career changer's years in retail or nursing are professional years); German compounds
# ("Softwareentwickler") are caught by the suffixes.
_TITLE_TEXT = """
    engineer developer programmer manager designer analyst scientist architect consultant
    lead leader head director owner officer specialist administrator intern internship trainee
    researcher sre devops cto ceo cfo coo vp founder co-founder cofounder coordinator
    technician associate assistant teacher lecturer professor editor writer recruiter
    strategist accountant auditor nurse chef marketer tester principal staff freelance
    freelancer contractor student apprentice supervisor clerk cashier representative agent
    operator salesperson salesman saleswoman receptionist waiter waitress bartender barista
    pharmacist therapist paramedic midwife caregiver carer secretary buyer planner
    controller dispatcher mechanic electrician executive postdoc postdoctoral fellow tutor
    instructor trainer advisor adviser partner president attorney lawyer counsel solicitor
    paralegal economist physician surgeon pilot
    asesor asesora abogado abogada profesor profesora docente economista contable
    avocat avocate juriste enseignant enseignante professeur comptable chef
    kaufmann kauffrau fachinformatiker fachinformatikerin dozent dozentin lehrer lehrerin
    rechtsanwalt rechtsanwaltin
    ingeniero ingeniera desarrollador desarrolladora programador programadora jefe jefa
    gerente directora responsable analista cientifico cientifica disenador disenadora
    arquitecto arquitecta consultor consultora lider becario becaria tecnico tecnica
    administrador administradora especialista coordinador coordinadora practicas
    investigador investigadora dependiente dependienta vendedor vendedora cajero cajera
    camarero camarera enfermero enfermera auxiliar operario operaria recepcionista
    encargado encargada supervisora
    ingenieur ingenieure developpeur developpeuse directeur directrice analyste architecte
    consultante stagiaire administrateur administratrice technicien technicienne charge
    chargee specialiste alternant alternante concepteur conceptrice cheffe chercheur stage
    chercheuse vendeur vendeuse caissier caissiere serveur serveuse infirmier infirmiere
    conseiller conseillere
    entwickler entwicklerin ingenieurin leiter leiterin berater beraterin architekt
    architektin analystin designerin praktikant praktikantin werkstudent werkstudentin
    administratorin referent referentin managerin teamleiter teamleiterin forscher
    forscherin wissenschaftler wissenschaftlerin mitarbeiter mitarbeiterin verkaufer
    verkauferin kassierer kassiererin pfleger pflegerin krankenschwester krankenpfleger
    krankenpflegerin sachbearbeiter sachbearbeiterin
"""
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
TITLE_SUFFIXES = (
    "entwickler",
    "entwicklerin",
    "ingenieur",
    "ingenieurin",
    "leiter",
    "leiterin",
    "berater",
    "beraterin",
    "architekt",
    "architektin",
    "designer",
    "designerin",
    "manager",
    "managerin",
    "analyst",
    "analystin",
    "administrator",
    "administratorin",
    "techniker",
    "technikerin",
    "mechaniker",
    "mechanikerin",
    "troniker",
    "tronikerin",
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def is_contact(text: str) -> bool:
    """Whether a text holds an e-mail address, a phone number or a link."""
    return bool(EMAIL.search(text) or PHONE.search(text) or "://" in text)


def has_title_word(folded: str) -> bool:
    """Whether a folded phrase names a job ("Senior Backend Engineer", "Softwareentwickler")."""
    for word in _WORD.findall(folded):
        if word in TITLE_WORDS or (len(word) > 9 and word.endswith(TITLE_SUFFIXES)):
            return True
        # a double title: "Analyste-développeur", "Entwickler-Berater"
        if "-" in word and any(part in TITLE_WORDS for part in word.split("-")):
            return True
    return False


# The end of one sentence and the start of the next ("… in 2019. Then I …"), not an
# abbreviation ("Co. KG", "S.A. Madrid").
_SENTENCE_INSIDE = re.compile(r"(?:[a-zß-ÿ]{3}|\))[.!?]\s+[A-ZÀ-Þ][a-zß-ÿ]*\s+[a-zß-ÿ0-9]")
_LOWER_WORD = re.compile(r"\b[a-zß-ÿ][a-zß-ÿ'’-]*\b")


def is_prose(text: str) -> bool:
    """Whether a line is running text rather than a heading or a list item: long, or holding
    the end of one sentence and the start of the next."""
    if len(text) > 90 or _SENTENCE_INSIDE.search(text):
        return True
    words = text.split()
    return len(words) >= 9 and len(_LOWER_WORD.findall(text)) >= 0.6 * len(words)
