"""Certifications: the items of a certifications section, and certificates named elsewhere.

A section's lines are cut into items: a line that starts with a year starts one, and where
most items end in a year ("…, 2021", "(Amazon Web Services, 2024)") a line that does not is
continued by the next ("HashiCorp Certified:" / "Terraform Associate (HashiCorp, 2024)").
An item's name is what remains without its year, its issuer ("– Scrum.org", ", PMI",
"(Coursera)") and a label ("Certificación:"); an acronym in parentheses ("(CKA)") and a level
after a dash ("– Associate") belong to the name. An item must look like a certificate (a
certificate word, a year, an acronym): a page footer, a template's copyright line, the place
and date above a signature or a publication is not one, nor a driving licence, a language
certificate (CAE, Goethe, DELE) or a qualification of a national framework ("Higher
Certificate … (NFQ Level 6)"). An entry printed only as its exam code is the certificate the
exam awards ("AWS SAA-C03", "DP-203: Data Engineering on Microsoft Azure").

Outside the section, phrases built around "Certified/Certificate/Certification/Zertifikat"
count ("In 2023 I passed the SnowPro Core Certification"), and anywhere but a skills list the
certificates known by name with their level ("Lean Six Sigma Green Belt", "PSPO I", "PMP").
"""

from __future__ import annotations

import re

from cvchat.domain.profiles import CertificationFact, Evidence
from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_dates import MONTHS
from cvchat.infrastructure.profiles.offline_text import Document, Line
from cvchat.infrastructure.profiles.offline_words import BULLET, is_prose

MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_CERT_WORD = re.compile(
    r"(?<!\w)(?:certified|certificate|certification|certificacion|certificado|certificat"
    r"|certifie|certifiee|zertifikat|zertifiziert|zertifizierung|professional|associate)(?!\w)"
)
_IN_TEXT = re.compile(
    r"(?:[A-Z][\w.+-]*:?\s){0,5}(?:Certified|Certificate|Certification|Zertifikat|Certificación"
    r"|Certificado|Certificat)\b:?(?:,?\s(?:[A-Z0-9(][\w().+&:/-]*|–|-|of|in|en|de|for)){0,8}"
)
_LEVELS = re.compile(
    r"^(?:associate|professional|specialty|expert|foundational|fundamentals|practitioner"
    r"|developer|administrator|architect|engineer|master|advanced|level\s+\w+|[ivx]+)\b",
    re.IGNORECASE,
)
_YEAR_END = re.compile(r"\d{4}\)?\s*[;.]?$")  # "…, 2020" or "(Issuer, 2020)"
_YEAR_START = re.compile(r"^(?:19|20)\d\d\s+(?=[^\W\d_])")
_ISSUER_LINE = re.compile(r"[^\d;()–—:]{1,40},\s*\d{4}")  # "Amplitude, 2025"
_LABEL = re.compile(
    r"^(?:certifications?|certificates?|certificaci[oó]n(?:es)?|certificados?|certificats?"
    r"|zertifikate?|zertifizierung(?:en)?)\s*:?\s+",
    re.IGNORECASE,
)
_DATED_PARENTHESIS = re.compile(r"\s*\([^()]*(?:19|20)\d\d[^()]*\)\s*$")
_TRAILING_YEAR = re.compile(r"[\s,·–—(-]*\(?(?:19|20)\d\d\)?\s*$")
_TRAILING_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)\s*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}(?:[ -][A-Z0-9]{1,4})?$")
# A vendor's exam code printed as the certificate: "AZ-104", "DP-203", "1Z0-819", "SAA-C03".
_EXAM_CODE = re.compile(r"[A-Z0-9]{2,4}-[A-Z]?\d{2,3}")
_DASH_TAIL = re.compile(r"\s+[–—-]\s+([^–—]+)$")
_COMMA_TAIL = re.compile(r",\s*([^,]+)$")
# Certificates known by name, wherever the CV names them ("Lean Six Sigma Green Belt (2019)",
# "PSPO I", "PRINCE2 Practitioner", "PMP"): a credential, not a skill, with its level.
_KNOWN = re.compile(
    r"(?<![\w-])(?:(?:Lean\s+)?Six\s+Sigma\s+(?:White|Yellow|Green|Black)\s+Belt"
    r"|PRINCE2®?(?:\s+Agile)?\s+(?:Foundation|Practitioner)"
    r"|PS(?:M|PO|D|K|U)\s+(?:III|II|I|[1-3])"
    r"|ITIL®?\s+(?:v?[34]\s+)?(?:Foundation|Practitioner|Expert|Managing\s+Professional)"
    r"|ISTQB®?\s+(?:Certified\s+Tester\s+)?(?:Foundation|Advanced|Expert)(?:\s+Level)?"
    r"|TOGAF®?\s+(?:9(?:\.\d)?\s+)?(?:Foundation|Certified|Practitioner)"
    r"|SAFe®?\s+(?:\d(?:\.\d)?\s+)?(?:Agilist|Practitioner|Scrum\s+Master|POPM|Program\s+Consultant)"
    r"|PMP|CAPM|PMI-ACP|CSPO|CISSP|CISA|CISM|OSCP|CCNA|CCNP|CCIE|CKAD|CKA|CKS"
    r"|CFA(?:\s+Level\s+(?:III|II|I|[1-3]))?|ACCA)(?![\w-])"
)
_PREPARING = re.compile(
    r"(?<!\w)(?:preparing|studying|working\s+towards|pursuing|in\s+progress|en\s+curso"
    r"|en\s+preparaci[oó]n|en\s+cours|pr[ée]paration|in\s+vorbereitung)(?!\w)",
    re.IGNORECASE,
)
_NOT_CERTIFICATES = re.compile(
    r"driving\s+licen[cs]e|driver'?s\s+licen[cs]e|permis\s+(?:de\s+conduire|[a-z]\b)"
    r"|carn[eé]t?\s+de\s+conducir|f[uü]hrerschein"
    # language certificates: a level of a language, not a professional certification
    r"|(?<!\w)(?:cae|cpe|fce|ielts|toefl|toeic|dele|delf|dalf|tcf|tef|goethe|testdaf|telc"
    r"|siele|cils|celi|plida|hsk|jlpt|topik|linguaskill|cambridge\s+(?:english|certificate)"
    r"|(?:first\s+)?certificate\s+(?:in|of)\s+(?:advanced\s+english|proficiency\s+in\s+english"
    r"|english))(?!\w)"
    # an award of a qualifications framework is a study, not a certification
    r"|(?:higher|graduate|postgraduate|post-graduate|national|leaving|junior)\s+certificate"
    r"|certificate\s+of\s+higher\s+education|(?<!\w)(?:nfq|eqf|hnc|gcse)(?!\w)"
)
# What a page prints around the CV and is no item of it: a footer ("Clémence Royer — CV —
# mai 2026 — page 1", "© European Union … Page 1 / 1", "Elena Castaño Ruiz · CV · noviembre
# de 2025") or the place and date above a signature ("Dresden, 24.03.2025").
_FURNITURE = re.compile(
    r"©|\(c\)\s*(?:19|20)\d\d|(?<!\w)copyright(?!\w)"
    r"|(?<!\w)(?:page|pagina|seite|p\.|pag\.)\s*\d+(?:\s*(?:/|of|de|sur|von|di)\s*\d+)?(?!\w)"
    r"|^\d+\s*(?:/|of|de|sur|von)\s*\d+$"
    r"|(?<!\w)(?:cv|curriculum\s+vitae|lebenslauf|resume|hoja\s+de\s+vida)(?!\w)"
)
# "Dresden, 24.03.2025", "Fait à Nantes, le 3 mai 2026", "Madrid, 3 de mayo de 2025": a town
# and a day; a certificate's own date follows its name, which ``certificate_named`` knows.
_PLACE_AND_DAY = re.compile(
    rf"^(?:fait\s+a\s+)?[^\W\d_][^\d,]{{0,40}},\s*(?:(?:den|le|el|am|on|the)\s+)?"
    rf"(?:\d{{1,2}}[./]\s?\d{{1,2}}[./]|\d{{1,2}}\.?\s+(?:de\s+)?(?:{MONTH_NAMES})\b"
    rf"|(?:{MONTH_NAMES})\s+\d{{1,2}}\b)"
)


def _issuer(text: str) -> bool:
    """Whether a tail after a dash or comma is an issuer, not part of the name."""
    return not (_LEVELS.match(text) or _CERT_WORD.search(fold(text)) or re.search(r"\d", text))


def cert_name(text: str) -> str:
    """'AWS Certified Developer – Associate (Amazon, 2023)' → without issuer and year."""
    name = _YEAR_START.sub("", BULLET.sub("", text.strip())).strip()
    label = _LABEL.match(name)
    if label is not None and (":" in label.group() or _CERT_WORD.search(fold(name[label.end() :]))):
        name = name[label.end() :]  # "Certificación: Microsoft Certified: …", "Zertifikat Oracle …"
    for _ in range(3):
        before = name
        name = _DATED_PARENTHESIS.sub("", name)
        name = _TRAILING_YEAR.sub("", name).strip(" ,;:·")
        paren = _TRAILING_PARENTHESIS.search(name)
        if paren is not None and _EXAM_CODE.fullmatch(name[: paren.start()].strip()):
            name = paren.group(1)  # "AZ-104 (Azure Administrator Associate)": the name inside
            paren = None
        elif paren is not None and not _ACRONYM.match(paren.group(1).strip()):
            name = name[: paren.start()]
        dash = _DASH_TAIL.search(name)
        if dash is not None and _issuer(dash.group(1)):
            name = name[: dash.start()]
        comma = _COMMA_TAIL.search(name)
        if (
            comma is not None
            and _issuer(comma.group(1))
            and (name[: comma.start()].endswith(")") or "." in comma.group(1) or paren is not None)
        ):
            name = name[: comma.start()]
        name = name.strip(" ,;:·–—-")
        if name == before:
            break
    return name


# Certificates known by the code of the exam (or syllabus) that awards them: a CV may print
# only the code ("AWS SAA-C03", "DP-203: Data Engineering on Microsoft Azure", "ISTQB
# CTAL-TA"). Retired codes stay: a certificate outlives its exam.
_AWARDED_BY: dict[str, str] = {
    "AZ-900": "Microsoft Certified: Azure Fundamentals",
    "AZ-104": "Microsoft Certified: Azure Administrator Associate",
    "AZ-204": "Microsoft Certified: Azure Developer Associate",
    "AZ-305": "Microsoft Certified: Azure Solutions Architect Expert",
    "AZ-400": "Microsoft Certified: DevOps Engineer Expert",
    "AZ-500": "Microsoft Certified: Azure Security Engineer Associate",
    "AZ-700": "Microsoft Certified: Azure Network Engineer Associate",
    "DP-900": "Microsoft Certified: Azure Data Fundamentals",
    "DP-100": "Microsoft Certified: Azure Data Scientist Associate",
    "DP-203": "Microsoft Certified: Azure Data Engineer Associate",
    "DP-300": "Microsoft Certified: Azure Database Administrator Associate",
    "DP-600": "Microsoft Certified: Fabric Analytics Engineer Associate",
    "AI-900": "Microsoft Certified: Azure AI Fundamentals",
    "AI-102": "Microsoft Certified: Azure AI Engineer Associate",
    "PL-300": "Microsoft Certified: Power BI Data Analyst Associate",
    "PL-900": "Microsoft Certified: Power Platform Fundamentals",
    "SC-900": "Microsoft Certified: Security, Compliance, and Identity Fundamentals",
    "CLF-C01": "AWS Certified Cloud Practitioner",
    "CLF-C02": "AWS Certified Cloud Practitioner",
    "SAA-C02": "AWS Certified Solutions Architect – Associate",
    "SAA-C03": "AWS Certified Solutions Architect – Associate",
    "SAP-C01": "AWS Certified Solutions Architect – Professional",
    "SAP-C02": "AWS Certified Solutions Architect – Professional",
    "DVA-C01": "AWS Certified Developer – Associate",
    "DVA-C02": "AWS Certified Developer – Associate",
    "SOA-C01": "AWS Certified SysOps Administrator – Associate",
    "SOA-C02": "AWS Certified SysOps Administrator – Associate",
    "DOP-C01": "AWS Certified DevOps Engineer – Professional",
    "DOP-C02": "AWS Certified DevOps Engineer – Professional",
    "DEA-C01": "AWS Certified Data Engineer – Associate",
    "DAS-C01": "AWS Certified Data Analytics – Specialty",
    "MLS-C01": "AWS Certified Machine Learning – Specialty",
    "SCS-C01": "AWS Certified Security – Specialty",
    "SCS-C02": "AWS Certified Security – Specialty",
    "ANS-C01": "AWS Certified Advanced Networking – Specialty",
    "1Z0-808": "Oracle Certified Associate, Java SE 8 Programmer",
    "1Z0-809": "Oracle Certified Professional, Java SE 8 Programmer",
    "1Z0-819": "Oracle Certified Professional: Java SE 11 Developer",
    "1Z0-829": "Oracle Certified Professional: Java SE 17 Developer",
    "CTFL": "ISTQB Certified Tester Foundation Level (CTFL)",
    "CTFL-AT": "ISTQB Certified Tester Foundation Level Agile Tester (CTFL-AT)",
    "CTAL-TA": "ISTQB Certified Tester Advanced Level Test Analyst (CTAL-TA)",
    "CTAL-TTA": "ISTQB Certified Tester Advanced Level Technical Test Analyst (CTAL-TTA)",
    "CTAL-TM": "ISTQB Certified Tester Advanced Level Test Manager (CTAL-TM)",
}
_AWARD_CODE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(code) for code in sorted(_AWARDED_BY, key=len, reverse=True))
    + r")(?![\w-])"
)
# Part of a month-and-year date: a job's dates (a scan's columns mixed), not a certificate.
_DATE_PIECE = re.compile(r"(?<!\d)\d{1,2}/(?:\d{4}|$)|(?<!\d)\d{1,2}/\d{4}\)")
# Words of an official name a CV may leave out.
_FILLER = re.compile(r"microsoft|certified|\(?[a-z0-9-]+\)$|[:,–-]")


def _awarded(name: str) -> str:
    """The certificate an exam code names ("AWS SAA-C03" → AWS Certified Solutions Architect –
    Associate), unless the name already says it ("AZ-204 Azure Developer Associate")."""
    code = _AWARD_CODE.search(name)
    if code is None:
        return name
    official = _AWARDED_BY[code.group()]
    words = _FILLER.sub(" ", fold(official)).split()
    folded = fold(name)
    if all(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded) for word in words):
        return name
    return official


def _looks_like_certificate(text: str) -> bool:
    folded = fold(text)
    if _NOT_CERTIFICATES.search(folded) or is_prose(text) or len(text) > 150:
        return False
    return bool(
        _AWARD_CODE.search(text)
        or _CERT_WORD.search(folded)
        or re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
        or re.search(r"\([A-Z][A-Z0-9 -]{1,9}\)", text)
        or re.search(r"\w\.(?:org|com)\b", text)
    )


# The words a certificate's name ends with: a line ending otherwise wrapped in its column
# ("Certified Kubernetes" / "Administrator (CKA)", "Professional Scrum Product" / "Owner I").
_NAME_END = re.compile(
    r"(?:associate|professional|administrator|engineer|developer|practitioner|specialty"
    r"|specialist|expert|master|owner|foundations?|analyst|architect|manager|consultant"
    r"|essentials|fundamentals|level|\b[ivx]+|\d+|\)|\])\W*$"
)
_NAME_START = re.compile(r"(?:certified|certificate|zertifi|certific)")


def _cut_short(previous: str, text: str) -> bool:
    """A line that goes on with the certificate the line before left unfinished."""
    if _YEAR_END.search(previous) or _NAME_END.search(fold(previous)):
        return False
    tail = re.split(r";\s*|\s+·\s+", previous)[-1]
    if tail != previous and len(tail.split()) <= 2:
        return True  # "… (CKA) · AWS" / "Certified Solutions Architect – Professional"
    return text[:1].isupper() and not _NAME_START.match(fold(text)) and len(previous) >= 12


def certificate_named(text: str) -> bool:
    """Whether a line names a certificate (a certificate word, a known one, an exam code)."""
    return bool(_CERT_WORD.search(fold(text)) or _KNOWN.search(text) or _AWARD_CODE.search(text))


def furniture(line: Line) -> bool:
    """Whether a line is what a page prints around the CV: a footer, a template's copyright,
    the place and date above a signature."""
    if _FURNITURE.search(line.folded) is not None:
        return True
    return _PLACE_AND_DAY.match(line.folded) is not None and not certificate_named(line.text)


def _section_items(doc: Document) -> list[tuple[str, Evidence]]:
    section = [
        line
        for line in doc.in_section("certifications")
        if BULLET.sub("", line.text) and not furniture(line)
    ]
    dated = sum(bool(_YEAR_END.search(line.text)) for line in section) >= max(1, len(section) // 3)
    items: list[tuple[str, Evidence]] = []
    buffer: list[Line] = []

    def flush() -> None:
        if not buffer:
            return
        first, last = buffer[0], buffer[-1]
        if first.page == last.page:
            text = doc.pages[first.page].text[first.start + first.head : last.end]
            evidence = doc.evidence(first.page, first.start, last.end)
        else:
            text, evidence = first.content, doc.line_evidence(first)
        lines = [part.strip() for part in text.split("\n")]
        if (
            len(lines) > 1
            and _ISSUER_LINE.fullmatch(lines[-1])
            and not _LEVELS.match(lines[-1])
            and not lines[-2].endswith(("–", "-", ":", ","))
        ):
            lines = lines[:-1]  # "Amplitude, 2025" under the certificate's name
        for piece in re.split(r";\s*|\s+·\s+", " ".join(lines)):
            items.append((piece, evidence))
        buffer.clear()

    for line in section:
        text = line.content if line.head else line.text
        year_first = bool(buffer) and _YEAR_START.match(buffer[0].text) is not None
        continues = (
            bool(buffer)
            and not _YEAR_START.match(text)
            and (
                (year_first and not _CERT_WORD.search(fold(text)))
                or (not year_first and dated and not _YEAR_END.search(buffer[-1].text))
                or text[:1] in "(,"
                or text[:1].islower()
                or buffer[-1].text.endswith((":", ",", "–", "-", "("))
                or _cut_short(buffer[-1].text, text)
            )
        )
        if not continues:
            flush()
        buffer.append(line)
    flush()
    return items


def extract_certifications(doc: Document) -> tuple[CertificationFact, ...]:
    items = [item for item in _section_items(doc) if _looks_like_certificate(item[0])]
    for line in doc.lines:
        if line.section == "certifications" or line.heading or furniture(line):
            continue
        if _CERT_WORD.search(line.folded) is None:
            continue
        text, end = line.text, line.end
        following = doc.lines[line.number + 1] if line.number + 1 < len(doc.lines) else None
        if (
            following is not None
            and following.page == line.page
            and text.endswith(("–", "-", ":", ","))
        ):
            text, end = f"{text} {following.text}", following.end  # "AWS Certified Developer –"
        for found in _IN_TEXT.finditer(text):
            if text[found.start() - 1 : found.start()] not in "-/" or not found.start():
                items.append((found.group(), doc.evidence(line.page, line.start, end)))
    facts: dict[str, CertificationFact] = {}
    for text, evidence in items:
        if _NOT_CERTIFICATES.search(fold(text)):
            continue
        name = _awarded(cert_name(text))
        if _DATE_PIECE.search(name) or name.count("(") != name.count(")"):
            continue  # "Va Xero (03/", "06/2024): test strategy …": a job's dates, cut
        if len(name.split()) >= 2 and fold(name) not in facts:
            facts[fold(name)] = CertificationFact(name=name, evidence=evidence)
    for line in doc.lines:
        if line.heading or line.section == "skills" or _PREPARING.search(line.text):
            continue
        for found in _KNOWN.finditer(line.text):
            name = " ".join(found.group().split())
            if any(fold(name) in known for known in facts):  # "… Master (CSM)" named it
                continue
            start, end = line.start + found.start(), line.start + found.end()
            evidence = doc.evidence(line.page, start, end)
            facts[fold(name)] = CertificationFact(name=name, evidence=evidence)
    return tuple(facts.values())
