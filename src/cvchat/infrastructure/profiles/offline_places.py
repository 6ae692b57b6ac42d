"""Where the candidate lives: a city and a country, from the CV's own words.

The place is a "City, Country" part of a contact line (the line with the e-mail or phone),
a place line in the header or contact section ("Remote (based in Porto)" is Porto), or a
"based in …" phrase in prose. Addresses
keep their town ("Hauptstraße 5, 80331 München", "Austin, TX 78704"), a country in brackets
counts ("Barcelona (Spain)"), a district does not ("Paris (11e)", "Kreuzberg, Berlin,
Germany", "Berlin-Friedrichshain"), and a region names the country when the address stops
there ("Perth, Western Australia"; "Centro, Mérida, Yucatán, México": the town is the part
before the region). Two lexicons help: countries and large cities in en/es/fr/de spellings.
"""

from __future__ import annotations

import re

from cvchat.domain.places import city_names, region_country
from cvchat.domain.profiles import Location
from cvchat.domain.vocabulary import SKILL_BY_ALIAS, fold
from cvchat.infrastructure.profiles.offline_dates import MONTHS, find_ranges
from cvchat.infrastructure.profiles.offline_text import HEADER, Document, Line
from cvchat.infrastructure.profiles.offline_words import (
    PHONE,
    URL_OR_EMAIL,
    has_title_word,
    is_contact,
)

PARTICLES = frozenset(
    [
        "de",
        "del",
        "de",
        "la",
        "las",
        "los",
        "da",
        "das",
        "do",
        "dos",
        "van",
        "von",
        "der",
        "den",
        "du",
        "le",
        "la",
        "y",
        "i",
        "e",
        "di",
        "ten",
        "zu",
        "al",
        "bin",
    ]
)
# Lower-case words inside place names: "Frankfurt am Main", "Aix-en-Provence", "Stratford
# upon Avon", "Boulogne sur Mer".
_PLACE_PARTICLES = PARTICLES | frozenset(
    ["am", "an", "im", "ob", "sur", "en", "upon", "on", "les", "lès"]
)
_CONTACT_SPLIT = re.compile(r"\s*[·|•;✉☎]\s*|\s[–—]\s|\t|\s{3,}")
_LABEL = re.compile(
    r"^(?:(?:address|adresse|anschrift|direcci[óo]n|domicilio|residencia|residence|wohnort"
    r"|wohnhaft|based\s+in)(?:\s*:\s*|\s+(?=\S))"
    r"|(?:location|ubicaci[óo]n|localisation|localidad|standort|city|ciudad|ville|ort|lieu)"
    r"\s*:\s*)",
    re.IGNORECASE,
)
_MONTH_WORD = re.compile(rf"(?<![a-z])(?:{'|'.join(MONTHS)})(?![a-z])")
_IN_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_STATE_CODE = re.compile(r"^[A-Z]{2}$")
# "80331 München", "D-80331 München", "Austin 78704", and British "Leeds LS8 4AZ".
# Swedish and Greek "118 21 Stockholm", Dutch "1012 AB Amsterdam".
# Polish "80-266 Gdańsk", Portuguese "1000-001 Lisboa".
_POSTCODE = re.compile(
    r"^(?:[A-Z]{1,2}-)?(?:\d{4}\s?[A-Z]{2}|\d{4,5}|\d{3}\s\d{2}|\d{2}-\d{3}|\d{4,5}-\d{3})\s+(.+)$"
    r"|^(.+?)\s+\d{4,5}$"
    r"|^(.+?)\s+[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}$"
)
# Labels of contact details that read like a one-word town ("ORCID 0000-0002-…").
_CONTACT_LABELS = frozenset(
    [
        "orcid",
        "linkedin",
        "github",
        "gitlab",
        "xing",
        "skype",
        "twitter",
        "website",
        "web",
        "portfolio",
        "blog",
        "mobile",
        "phone",
        "tel",
        "telefon",
        "telephone",
        "email",
        "e-mail",
        "mail",
        "fax",
        "researchgate",
        "scholar",
        "telefono",
        "movil",
        "celular",
        "correo",
        "telephone",
        "portable",
        "handy",
        "mobil",
        "mobile phone",
        "cell",
    ]
)
# Canadian provinces, by name and by code, and the postcode that may follow them
# ("London, Ontario N6A 3K7" is in Canada, not in England).
_PROVINCES = frozenset(
    [
        "ontario",
        "quebec",
        "british columbia",
        "alberta",
        "manitoba",
        "saskatchewan",
        "nova scotia",
        "new brunswick",
        "newfoundland and labrador",
        "prince edward island",
        "on",
        "qc",
        "bc",
        "ab",
        "mb",
        "sk",
        "ns",
        "nb",
    ]
)
_CA_POSTCODE = re.compile(r"\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d$")
# LinkedIn's metro areas: "Greater London Area", "Madrid Metropolitan Area".
_METRO = re.compile(r"^(?:Greater|Gran|Grand)\s+|\s+(?:Metropolitan\s+)?Area$|\s+Metro$")
_PLACE_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
BASED = re.compile(
    r"(?:\b(?:based|living|located|residing|resident)\s+in|\bcon\s+base\s+en|\bresidente\s+en"
    r"|\bvivo\s+en|\bbasad[oa]\s+en|\bbas[ée]e?\s+[àa]|\binstall[ée]e?\s+[àa]|\bhabite\s+[àa]"
    r"|\bwohnhaft\s+in|\blebe\s+in|\bans[äa]ssig\s+in|\bwohne\s+in"
    r"|\b(?:location|ubicaci[óo]n|localisation|wohnort|standort|address|adresse|direcci[óo]n)"
    r"\s*:)\s*(?P<place>[^\W\d_][^\n,.;·|()]*(?:,\s*[^\W\d_][^\n,.;·|()]*)?)",
    re.IGNORECASE,
)
_REMOTE = re.compile(
    r"^(?:fully\s+)?(?:remote|remoto|remota|teletrabajo|t[ée]l[ée]travail|hybrid|h[íi]brido"
    r"|hybride)\b[\s,/·–—-]*",
    re.IGNORECASE,
)
_CAREER_SECTIONS = frozenset({"experience", "education", "projects", "volunteering"})
_LOWER_WORDS = frozenset(
    [
        "with",
        "and",
        "for",
        "who",
        "the",
        "et",
        "avec",
        "und",
        "mit",
        "con",
        "para",
        "y",
        "en",
        "pour",
    ]
)

# Country names in en/es/fr/de (folded): a "X, <country>" part is surely a place.
COUNTRIES = frozenset(
    fold(name.strip())
    for name in """
    Germany|Deutschland|Alemania|Allemagne|Spain|España|Espagne|Spanien|France|Francia
    |Frankreich|United Kingdom|UK|Great Britain|England|Scotland|Wales|Reino Unido|Royaume-Uni
    |Vereinigtes Königreich|Großbritannien|United States|USA|US|Estados Unidos|États-Unis
    |Vereinigte Staaten|Switzerland|Schweiz|Suiza|Suisse|Austria|Österreich|Autriche|Italy
    |Italia|Italie|Italien|Portugal|Netherlands|The Netherlands|Países Bajos|Pays-Bas
    |Niederlande|Belgium|Bélgica|Belgique|Belgien|Ireland|Irlanda|Irlande|Irland|Mexico
    |México|Mexique|Mexiko|Argentina|Argentine|Argentinien|Colombia|Colombie|Kolumbien|Chile
    |Chili|Peru|Perú|Pérou|Canada|Canadá|Kanada|Poland|Polonia|Pologne|Polen|Luxembourg
    |Luxemburgo|Luxemburg|Sweden|Suecia|Suède|Schweden|Norway|Noruega|Norvège|Norwegen
    |Denmark|Dinamarca|Danemark|Dänemark|Finland|Finlandia|Finlande|Finnland|India|Inde
    |Indien|China|Chine|Japan|Japón|Japon|Brazil|Brasil|Brésil|Brasilien|Morocco|Marruecos
    |Maroc|Marokko|Greece|Grecia|Grèce|Griechenland|Romania|Rumania|Roumanie|Rumänien
    |Czech Republic|Czechia|Chequia|Tchéquie|Tschechien|Australia|Australie|Australien
    |Turkey|Turquía|Turquie|Türkei|Ukraine|Ucrania|Israel|Singapore|Singapur|Singapour
    |Venezuela|Ecuador|Équateur|Uruguay|Paraguay|Bolivia|Bolivie|Bolivien|Cuba|Kuba|Costa Rica
    |Panama|Panamá|Guatemala|Honduras|El Salvador|Nicaragua|Dominican Republic
    |República Dominicana|République dominicaine|Dominikanische Republik|Puerto Rico
    |Nigeria|Nigéria|South Africa|Sudáfrica|Afrique du Sud|Südafrika|Egypt|Egipto|Égypte
    |Ägypten|Kenya|Kenia|Ghana|Tunisia|Túnez|Tunisie|Tunesien|Algeria|Argelia|Algérie
    |Algerien|Senegal|Sénégal|Hungary|Hungría|Hongrie|Ungarn|Slovakia|Eslovaquia|Slovaquie
    |Slowakei|Slovenia|Eslovenia|Slovénie|Slowenien|Croatia|Croacia|Croatie|Kroatien|Serbia
    |Serbie|Serbien|Bulgaria|Bulgarie|Bulgarien|Estonia|Estonie|Estland|Latvia|Letonia
    |Lettonie|Lettland|Lithuania|Lituania|Lituanie|Litauen|Iceland|Islandia|Islande|Island
    |New Zealand|Nueva Zelanda|Nouvelle-Zélande|Neuseeland|Pakistan|Pakistán|Bangladesh
    |Vietnam|Viêt Nam|Philippines|Filipinas|Philippinen|Indonesia|Indonésie|Indonesien
    |Malaysia|Malasia|Malaisie|Thailand|Tailandia|Thaïlande|South Korea|Corea del Sur
    |Corée du Sud|Südkorea|United Arab Emirates|UAE|Emiratos Árabes Unidos|Émirats arabes unis
    |Vereinigte Arabische Emirate|Saudi Arabia|Arabia Saudí|Arabie saoudite|Saudi-Arabien
    |Qatar|Katar|Lebanon|Líbano|Liban|Libanon|Russia|Rusia|Russie|Russland
    """.replace("\n", "").split("|")
)


# Large cities (folded, en/es/fr/de spellings): told apart from districts and regions in
# "Kreuzberg, Berlin, Germany" or "Berlin-Friedrichshain".
CITIES = frozenset(
    fold(name.strip())
    for name in """
    Berlin|Hamburg|München|Munich|Múnich|Köln|Cologne|Colonia|Frankfurt|Stuttgart|Düsseldorf
    |Leipzig|Dresden|Hannover|Nürnberg|Nuremberg|Bremen|Essen|Dortmund|Bonn|Karlsruhe|Mannheim
    |Wien|Vienna|Viena|Vienne|Graz|Linz|Salzburg|Zürich|Zurich|Genf|Geneva|Genève|Ginebra|Basel
    |Bern|Lausanne|Madrid|Barcelona|Valencia|Sevilla|Seville|Málaga|Bilbao|Zaragoza|Alicante
    |Granada|Murcia|Palma|Vigo|Valladolid|Paris|París|Lyon|Lyons|Marseille|Marsella|Toulouse
    |Lille|Nantes|Bordeaux|Nice|Niza|Strasbourg|Estrasburgo|Straßburg|Montpellier|Rennes
    |Grenoble|London|Londres|Manchester|Birmingham|Leeds|Glasgow|Edinburgh|Edimburgo|Bristol
    |Liverpool|Cambridge|Oxford|Dublin|Dublín|Cork|Amsterdam|Ámsterdam|Rotterdam|Utrecht
    |Eindhoven|Den Haag|The Hague|Brussels|Bruselas|Bruxelles|Brüssel|Antwerp|Amberes|Anvers
    |Antwerpen|Luxembourg|Lisbon|Lisboa|Lisbonne|Lissabon|Porto|Oporto|Rome|Roma|Rom|Milan
    |Milano|Milán|Mailand|Turin|Torino|Turín|Naples|Napoli|Warsaw|Varsovia|Varsovie|Warschau
    |Kraków|Krakow|Prague|Praha|Praga|Prag|Budapest|Copenhagen|Copenhague|Kopenhagen
    |Stockholm|Estocolmo|Oslo|Helsinki|Athens|Atenas|Athènes|Athen|Istanbul|Estambul
    |New York|Nueva York|San Francisco|Los Angeles|Seattle|Boston|Chicago|Austin|Denver
    |Toronto|Montreal|Montréal|Vancouver|Ottawa|Mexico City|Ciudad de México|Guadalajara
    |Monterrey|Buenos Aires|Santiago|Bogotá|Bogota|Medellín|Lima|São Paulo|Sao Paulo|Tokyo
    |Tokio|Singapore|Singapur|Sydney|Melbourne|Bangalore|Bengaluru|Mumbai|Delhi|Chennai
    |Tel Aviv|Dubai|Cape Town
    """.replace("\n", "").split("|")
) | (
    # and the major cities the query side places in a country, but for names that are words
    # or surnames as well ("Reading", "Phoenix", "Washington")
    city_names()
    - {
        "reading",
        "nice",
        "tours",
        "nancy",
        "phoenix",
        "washington",
        "york",
        "houston",
        "dallas",
        "raleigh",
        "orleans",
        "cali",
        "miami",
        "portland",
        "rom",
        "zug",
    }
)


def _place_words(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 5 and all(
        _PLACE_WORD.match(w) and (w[0].isupper() or fold(w) in _PLACE_PARTICLES) for w in words
    )


# The states of the United States, as addresses abbreviate them ("Denver, CO").
_STATES_TEXT = """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO
    MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"""
US_STATES = frozenset(_STATES_TEXT.split())
# What follows a town's name in an address and is not the town: an Australian or Canadian
# state ("Melbourne VIC"), a French arrondissement ("Lyon 3e", "Paris 11ème").
_TOWN_SUFFIX = re.compile(
    r"\s+(?:VIC|NSW|QLD|WA|SA|TAS|ACT|NT|ON|QC|BC|AB|\d{1,2}(?:e|er|ème|eme|\.)?)$"
)


# A region named by its kind, between a town and its country: "estado Carabobo", "provincia
# de Salta", "département du Nord", "State of Bahia", "Kanton Zürich".
_REGION = re.compile(
    r"^(?:(?:estado|provincia|departamento|d[ée]partement|r[ée]gion|regi[oó]n|comunidad"
    r"|county|state|province|region|canton|kanton|bundesland)\s+\S"
    r"|(?i:state|province|region|county)\s+of\s+\S)"
)


def _town(city: str | None) -> str | None:
    """'Berlin-Friedrichshain' → 'Berlin' (a known city and its district); a known double
    name stays whole ('Donostia-San Sebastián')."""
    if city and "-" in city and fold(city) not in CITIES and fold(city.split("-")[0]) in CITIES:
        return city.split("-")[0]
    return city


# What a contact line leaves around a place: separators a scan misread ("Perth, Western
# Australia + 0412 …" once the phone number is cut out).
_SEGMENT_LITTER = " ,.:;+*-–—"


def _without_code(part: str) -> str:
    """A part without its postcode: '80-266 Gdańsk' → 'Gdańsk', 'Western Australia 6000' →
    'Western Australia'."""
    code = _POSTCODE.match(part)
    return next(g for g in code.groups() if g).strip() if code is not None else part


def _regional(parts: list[str]) -> tuple[str | None, str | None, int] | None:
    """An address that names its region: 'Perth, Western Australia', 'Centro, Mérida,
    Yucatán, México', 'Austin, Texas'. The town is the part before the region (a street or
    a district may come first), the country the part after it, else the region's."""
    for i in range(len(parts) - 1, 0, -1):
        country = region_country(_without_code(parts[i]))
        if country is None:
            continue
        after = parts[i + 1 :]
        if after and not (len(after) == 1 and fold(_without_code(after[0])) in COUNTRIES):
            return None
        town = _TOWN_SUFFIX.sub("", _without_code(parts[i - 1])) or parts[i - 1]
        if town.islower():
            town = town.title()
        if not _place_words(town) or has_title_word(fold(town)):
            return None
        return _town(town), _without_code(after[0]) if after else country, 3
    return None


def _as_place(segment: str) -> tuple[str | None, str | None, int] | None:
    """(city, country, score) of a contact-line segment that reads as a place, else None.
    An address keeps its town: 'Hauptstraße 5, 80331 München' → München."""
    based = BASED.search(segment)
    if based is not None:  # "Remote (based in Porto)"
        segment = based.group("place")
    segment = _REMOTE.sub("", _LABEL.sub("", segment.strip(_SEGMENT_LITTER)))
    if not segment or URL_OR_EMAIL.search(segment) or PHONE.search(segment):
        return None
    if find_ranges(fold(segment)) or _MONTH_WORD.search(fold(segment)):
        return None
    # "Barcelona (Spain)" names the country; "Paris (11e)", "Montréal (Québec)" a district
    inside = _IN_PARENTHESES.search(segment)
    if inside is not None and fold(inside.group(1)) in COUNTRIES:
        segment = f"{segment[: inside.start()]}, {inside.group(1)}{segment[inside.end() :]}"
    segment = _IN_PARENTHESES.sub("", segment)
    parts = [
        _CA_POSTCODE.sub("", _METRO.sub("", p.strip())) for p in segment.split(",") if p.strip()
    ]
    if len(parts) > 1:  # "Valencia, estado Carabobo, Venezuela": the region is no town
        parts = [p for p in parts if not _REGION.match(p)] or parts
    regional = _regional(parts)
    if regional is not None:
        return regional
    if len(parts) > 1 and fold(parts[-1]) in COUNTRIES and not _place_words(parts[0]):
        # A headline run into the town on one line: "… React / TypeScript Valencia, Venezuela"
        words = parts[0].split()
        tail = next(
            (t for k in (3, 2, 1) if len(words) > k and fold(t := " ".join(words[-k:])) in CITIES),
            None,
        )
        parts[0] = tail or parts[0]
    # An address names the street and more before its postcode: only what follows counts
    with_code = [i for i, p in enumerate(parts) if _POSTCODE.match(p)]
    if with_code and len(parts) > 4:
        parts = parts[with_code[-1] :]
    if not 1 <= len(parts) <= 4:
        return None
    if len(parts) == 1 and fold(parts[0]) in _CONTACT_LABELS:
        return None
    cleaned: list[str] = []
    postcode = False
    for part in parts:
        if (code := _POSTCODE.match(part)) is not None:
            town = next(g for g in code.groups() if g).strip()
            if _STATE_CODE.match(town) and cleaned:  # "Austin, TX 78704"
                return cleaned[-1], None, 3
            # a scan may lose a capital ("wellington 6021"): a postcode says it is a town
            part = town.title() if town.islower() else town
            cleaned, postcode = [], True  # what came before is the street
        part = re.sub(r"^(?i:the)\s+", "", part)  # "Amsterdam, the Netherlands"
        cleaned.append(_TOWN_SUFFIX.sub("", part) or part)  # "Lyon 3e" → "Lyon"
    if not 1 <= len(cleaned) <= 3 or not all(_place_words(p) for p in cleaned):
        return None
    if any(has_title_word(fold(p)) or fold(p) in SKILL_BY_ALIAS for p in cleaned):
        return None
    last = fold(cleaned[-1])
    if last in _PROVINCES and len(cleaned) >= 2 and cleaned[-1][0].isupper():
        return _town(cleaned[-2]), "Canada", 3
    if last in COUNTRIES:
        # "London, UK"; "London, England, UK"; "Kreuzberg, Berlin, Germany" (district first)
        city = cleaned[0] if len(cleaned) >= 2 else None
        if len(cleaned) == 3 and fold(cleaned[1]) in CITIES and fold(cleaned[0]) not in CITIES:
            city = cleaned[1]
        return _town(city), cleaned[-1], 3
    if postcode:
        return _town(cleaned[0]), cleaned[1] if len(cleaned) > 1 else None, 3
    if len(cleaned) == 1:
        return _town(cleaned[0]), None, 2 if fold(_town(cleaned[0]) or "") in CITIES else 0
    if cleaned[-1] in US_STATES:
        return _town(cleaned[-2]), "United States", 3  # "Denver, CO"
    return _town(cleaned[-2]), cleaned[-1], 1


def _place_lines(doc: Document) -> list[tuple[Line, str, int]]:
    """Lines of page 1 (and contact sections) that may hold the candidate's place; a line
    ending in a comma is read with the next ("Kreuzberg, Berlin," / "Germany"), a town with
    a country alone on the next line too ("Berlin-Friedrichshain" / "Deutschland"), and a
    line that ends in the first word of a country with the rest ("United" / "Kingdom")."""
    lines = [ln for ln in doc.lines if ln.page == 0 or ln.section in ("contact", HEADER)]
    found = []
    for i, line in enumerate(lines):
        found.append((line, line.text, line.end))
        following = lines[i + 1] if i + 1 < len(lines) else None
        if following is None or following.page != line.page:
            continue
        if _wrapped_country(line.text, following.text):  # "…, EH8 9AB, United" / "Kingdom"
            found[-1] = (line, f"{line.text} {following.text}", following.end)
        elif line.text.endswith(",") or (
            following.folded in COUNTRIES and _place_words(line.text) and len(line.text) < 40
        ):
            found.append((line, f"{line.text.rstrip(',')}, {following.text}", following.end))
    return found


def _wrapped_country(line: str, following: str) -> bool:
    """Whether a line break cut a country's name in two ("United" / "Kingdom")."""
    if len(following.split()) > 2:
        return False
    last = fold(line.rsplit(",", 1)[-1].strip())
    return bool(last) and fold(f"{last} {following}") in COUNTRIES


def find_location(doc: Document, name: Line | None, name_end: int = -1) -> Location | None:
    """The best place of the contact lines, else a "based in" phrase (module docstring).
    On the name's line only what follows the name (``name_end``, a page offset) counts."""
    best: tuple[float, Location] | None = None
    for line, text, end in _place_lines(doc):
        if name is not None and line.number == name.number:
            if not line.start <= name_end < line.end:
                continue
            text = text[name_end - line.start :]
        contact = is_contact(line.text)
        placed = line.section in ("contact", HEADER) or (
            name is not None and abs(line.number - name.number) <= 4
        )
        if not (contact or placed or line.section not in _CAREER_SECTIONS):
            continue
        text = PHONE.sub(" | ", URL_OR_EMAIL.sub(" | ", text))
        for segment in _CONTACT_SPLIT.split(text):
            found = _as_place(segment)
            if found is None:
                continue
            city, country, score = found
            score += 2 if contact else 0
            score += 1 if placed else 0
            if score < 3 and not (contact or placed):
                continue
            if score < 2 or (score < 3 and not contact and len(segment.split()) > 3):
                continue
            if best is None or score > best[0]:
                evidence = doc.evidence(line.page, line.start, end)
                best = (score, Location(city=city, country=country, evidence=evidence))
    if best is not None and best[0] >= 3:
        return best[1]
    based = _based_in(doc)
    return based or (best[1] if best else None)


def _based_in(doc: Document) -> Location | None:
    """'based in Leeds', 'basée à Lyon, France', 'wohnhaft in München', 'Location: Berlin'."""
    for number, page in enumerate(doc.pages):
        for match in BASED.finditer(page.text):
            place = match.group("place")
            words = place.split()
            kept = []
            for word in words:
                if fold(word) in _LOWER_WORDS or not (
                    word[0].isupper() or fold(word) in _PLACE_PARTICLES
                ):
                    break
                kept.append(word)
            text = " ".join(kept).strip(" ,")
            if not text:
                continue
            parts = [p.strip() for p in text.split(",") if p.strip()]
            city: str | None = parts[0]
            country: str | None = parts[1] if len(parts) > 1 else None
            if fold(parts[-1]) in COUNTRIES:
                city, country = (parts[0] if len(parts) > 1 else None), parts[-1]
            return Location(
                city=city,
                country=country,
                evidence=doc.evidence(number, match.start(), match.end()),
            )
    return None
