"""Certifications: the items of a certifications section, and certificates named elsewhere.

A section's lines are cut into items: a line that starts with a year starts one, and where
most items end in a year ("…, 2021", "(Amazon Web Services, 2024)") a line that does not is
continued by the next ("HashiCorp Certified:" / "Terraform Associate (HashiCorp, 2024)").
An item's name is what remains without its year, its issuer ("– Scrum.org", ", PMI",
"(Coursera)") and a label ("Certificación:"); an acronym in parentheses ("(CKA)") and a level
after a dash ("– Associate") belong to the name. An item must look like a certificate (a
certificate word, a year, an acronym): a page footer or a publication is not one, nor a
driving licence.

Outside the section, phrases built around "Certified/Certificate/Certification/Zertifikat"
count ("In 2023 I passed the SnowPro Core Certification"), and anywhere but a skills list the
certificates known by name with their level ("Lean Six Sigma Green Belt", "PSPO I", "PMP").
"""

from __future__ import annotations

import re

from cvchat.domain.profiles import CertificationFact, Evidence
from cvchat.domain.vocabulary import fold
from cvchat.infrastructure.profiles.offline_text import Document, Line
from cvchat.infrastructure.profiles.offline_words import BULLET, is_prose

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


def _looks_like_certificate(text: str) -> bool:
    folded = fold(text)
    if _NOT_CERTIFICATES.search(folded) or is_prose(text) or len(text) > 150:
        return False
    return bool(
        _CERT_WORD.search(folded)
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


def _section_items(doc: Document) -> list[tuple[str, Evidence]]:
    section = [line for line in doc.in_section("certifications") if BULLET.sub("", line.text)]
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
        if line.section == "certifications" or line.heading:
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
        name = cert_name(text)
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
