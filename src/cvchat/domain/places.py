"""Places written differently in en/es/fr/de: "Germany", "Deutschland", "Alemania", "Allemagne".

A location filter and a profile's location meet when they fold to the same canonical key, so a
question asked in English finds a German CV's "München, Deutschland".
"""

from __future__ import annotations

from cvchat.domain.vocabulary import fold

# Canonical key → every spelling (the first is the display name).
PLACES: dict[str, tuple[str, ...]] = {
    "germany": ("Germany", "Deutschland", "Alemania", "Allemagne", "DE"),
    "spain": ("Spain", "España", "Espagne", "Spanien", "ES"),
    "france": ("France", "Francia", "Frankreich", "FR"),
    "united kingdom": (
        "United Kingdom",
        "UK",
        "U.K.",
        "Great Britain",
        "England",
        "Reino Unido",
        "Royaume-Uni",
        "Vereinigtes Königreich",
        "Vereinigten Königreich",  # German dative: "im Vereinigten Königreich"
        "Vereinigten Königreichs",
        "Großbritannien",
        "GB",
    ),
    "united states": (
        "United States",
        "USA",
        "U.S.",
        "US",
        "United States of America",
        "Estados Unidos",
        "EE. UU.",
        "EEUU",
        "États-Unis",
        "Vereinigte Staaten",
        "Vereinigten Staaten",
    ),
    "switzerland": ("Switzerland", "Schweiz", "Suiza", "Suisse", "CH"),
    "austria": ("Austria", "Österreich", "Autriche", "AT"),
    "italy": ("Italy", "Italia", "Italie", "Italien", "IT"),
    "portugal": ("Portugal",),
    "netherlands": (
        "Netherlands",
        "The Netherlands",
        "Holland",
        "Países Bajos",
        "Pays-Bas",
        "Niederlande",
        "Niederlanden",
        "NL",
    ),
    "belgium": ("Belgium", "Bélgica", "Belgique", "Belgien", "BE"),
    "mexico": ("Mexico", "México", "Mexique", "Mexiko", "MX"),
    "argentina": ("Argentina", "Argentine", "Argentinien"),
    "colombia": ("Colombia", "Colombie", "Kolumbien"),
    "chile": ("Chile", "Chili"),
    "canada": ("Canada", "Canadá", "Kanada"),
    "ireland": ("Ireland", "Irlanda", "Irlande", "Irland"),
    "poland": ("Poland", "Polonia", "Pologne", "Polen"),
    "australia": ("Australia", "Australie", "Australien"),
    "new zealand": ("New Zealand", "Nueva Zelanda", "Nouvelle-Zélande", "Neuseeland"),
    "luxembourg": ("Luxembourg", "Luxemburgo", "Luxemburg"),
    "munich": ("Munich", "München", "Múnich", "Muenchen"),
    "cologne": ("Cologne", "Köln", "Colonia", "Koeln"),
    "vienna": ("Vienna", "Wien", "Viena", "Vienne"),
    "zurich": ("Zurich", "Zürich", "Zúrich"),
    "geneva": ("Geneva", "Genève", "Ginebra", "Genf"),
    "seville": ("Seville", "Sevilla", "Séville"),
    "london": ("London", "Londres"),
    "brussels": ("Brussels", "Bruxelles", "Bruselas", "Brüssel"),
    "lisbon": ("Lisbon", "Lisboa", "Lisbonne", "Lissabon"),
    "milan": ("Milan", "Milano", "Milán", "Mailand"),
    "rome": ("Rome", "Roma", "Rom"),
    "nuremberg": ("Nuremberg", "Nürnberg", "Núremberg"),
    "frankfurt": ("Frankfurt", "Frankfurt am Main", "Fráncfort", "Francfort"),
    "marseille": ("Marseille", "Marsella"),
    "new york": ("New York", "New York City", "NYC", "Nueva York"),
    "warsaw": ("Warsaw", "Varsovia", "Varsovie", "Warschau"),
    "the hague": ("The Hague", "La Haya", "La Haye", "Den Haag"),
    "san sebastian": (
        "San Sebastián",
        "Donostia",
        "Donostia-San Sebastián",
        "Donostia / San Sebastián",
    ),
}

# Cities → their country's key, so "who lives in Germany?" finds a CV that only says "Köln".
# Major cities only: a smaller town without its country stays unplaced rather than guessed.
_CITIES: dict[str, tuple[str, ...]] = {
    "germany": (
        "Berlin",
        "Hamburg",
        "munich",
        "cologne",
        "frankfurt",
        "Stuttgart",
        "Düsseldorf",
        "Dortmund",
        "Essen",
        "Leipzig",
        "Bremen",
        "Dresden",
        "Hannover",
        "Hanover",
        "nuremberg",
        "Duisburg",
        "Bochum",
        "Wuppertal",
        "Bielefeld",
        "Bonn",
        "Münster",
        "Karlsruhe",
        "Mannheim",
        "Augsburg",
        "Wiesbaden",
        "Freiburg",
        "Heidelberg",
        "Aachen",
        "Potsdam",
        "Kiel",
        "Mainz",
        "Regensburg",
        "Darmstadt",
        "Erlangen",
        "Ulm",
    ),
    "spain": (
        "Madrid",
        "Barcelona",
        "Valencia",
        "seville",
        "Zaragoza",
        "Málaga",
        "Murcia",
        "Palma",
        "Bilbao",
        "Alicante",
        "Córdoba",
        "Valladolid",
        "Vigo",
        "Gijón",
        "Granada",
        "A Coruña",
        "Vitoria",
        "Santander",
        "Pamplona",
        "San Sebastián",
        "Salamanca",
        "Oviedo",
        "Cádiz",
        "Las Palmas",
        "Santa Cruz de Tenerife",
        "Tarragona",
        "Girona",
    ),
    "france": (
        "Paris",
        "marseille",
        "Lyon",
        "Toulouse",
        "Nice",
        "Nantes",
        "Strasbourg",
        "Montpellier",
        "Bordeaux",
        "Lille",
        "Rennes",
        "Reims",
        "Grenoble",
        "Dijon",
        "Angers",
        "Nîmes",
        "Toulon",
        "Clermont-Ferrand",
        "Le Mans",
        "Aix-en-Provence",
        "Brest",
        "Tours",
        "Limoges",
        "Amiens",
        "Metz",
        "Besançon",
        "Orléans",
        "Rouen",
        "Caen",
        "Nancy",
        "Sophia Antipolis",
    ),
    "united kingdom": (
        "london",
        "Manchester",
        "Birmingham",
        "Edinburgh",
        "Glasgow",
        "Leeds",
        "Bristol",
        "Liverpool",
        "Sheffield",
        "Cardiff",
        "Belfast",
        "Newcastle",
        "Nottingham",
        "Cambridge",
        "Oxford",
        "Brighton",
        "Reading",
        "Southampton",
        "Aberdeen",
        "York",
    ),
    "united states": (
        "new york",
        "San Francisco",
        "Los Angeles",
        "Chicago",
        "Seattle",
        "Boston",
        "Austin",
        "Denver",
        "Atlanta",
        "Miami",
        "Washington",
        "Portland",
        "San Diego",
        "San Jose",
        "Dallas",
        "Houston",
        "Philadelphia",
        "Phoenix",
        "Minneapolis",
        "Pittsburgh",
        "Raleigh",
        "Salt Lake City",
        "Nashville",
        "Detroit",
    ),
    "switzerland": ("zurich", "geneva", "Basel", "Bern", "Lausanne", "Lucerne", "Zug"),
    "austria": ("vienna", "Graz", "Linz", "Salzburg", "Innsbruck"),
    "italy": ("rome", "milan", "Naples", "Turin", "Florence", "Bologna", "Venice", "Genoa"),
    "netherlands": ("Amsterdam", "Rotterdam", "the hague", "Utrecht", "Eindhoven", "Delft"),
    "belgium": ("brussels", "Antwerp", "Ghent", "Liège", "Leuven"),
    "portugal": ("lisbon", "Porto", "Braga", "Coimbra"),
    "ireland": ("Dublin", "Cork", "Galway", "Limerick"),
    "poland": ("warsaw", "Kraków", "Krakow", "Wrocław", "Gdańsk", "Poznań", "Łódź"),
    "canada": ("Toronto", "Montreal", "Montréal", "Vancouver", "Ottawa", "Calgary", "Québec"),
    "mexico": ("Mexico City", "Ciudad de México", "CDMX", "Guadalajara", "Monterrey"),
    "argentina": ("Buenos Aires", "Córdoba (AR)", "Rosario", "Mendoza"),
    "colombia": ("Bogotá", "Medellín", "Cali", "Barranquilla"),
    "chile": ("Santiago de Chile", "Valparaíso"),
    "luxembourg": ("luxembourg",),
}

_BY_CODE: dict[str, str] = {
    name.replace(".", ""): key
    for key, names in PLACES.items()
    for name in names
    if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 3
}

_BY_NAME: dict[str, str] = {
    fold(name): key for key, names in PLACES.items() for name in names if len(name) > 2
}


def place_key(name: str) -> str:
    """The canonical key of a place name; an unknown place is its own (folded) key.
    Country codes count only as written in capitals ("UK", "US", "DE"), never as words."""
    if (code := _BY_CODE.get(name.strip().replace(".", ""))) is not None:
        return code
    folded = " ".join(fold(name).replace(".", " ").split()) if "." in name else fold(name).strip()
    return _BY_NAME.get(fold(name).strip(), _BY_NAME.get(folded, folded))


def country_of(name: str) -> str | None:
    """The country key of a major city (any spelling), or None."""
    return _COUNTRY_OF.get(place_key(name))


def place_name(name: str) -> str:
    """The display name of a place in English when known, else the name as written."""
    key = place_key(name)
    names = PLACES.get(key)
    return names[0] if names else name


_COUNTRY_OF: dict[str, str] = {
    place_key(city): country for country, cities in _CITIES.items() for city in cities
}


def city_names() -> frozenset[str]:
    """Every spelling of the major cities (folded): a place a CV may name without its country."""
    keys = set(_COUNTRY_OF)
    names = {fold(name) for key, spellings in PLACES.items() if key in keys for name in spellings}
    return frozenset(names | {key for key in keys if "(" not in key})


# First-level regions a postal address names between the town and the country ("Perth,
# Western Australia", "Mérida, Yucatán, México", "Austin, Texas", "Erlangen, Bayern"), by
# country: the region gives the country when the address stops there. Names shared with a
# country ("Georgia") or a capital city ("Washington", "México") are left out.
_REGIONS: dict[str, tuple[str, ...]] = {
    "Australia": (
        "New South Wales",
        "Victoria",
        "Queensland",
        "Western Australia",
        "South Australia",
        "Tasmania",
        "Australian Capital Territory",
        "Northern Territory",
        "NSW",
        "QLD",
    ),
    "Mexico": (
        "Aguascalientes",
        "Baja California",
        "Baja California Sur",
        "Campeche",
        "Chiapas",
        "Chihuahua",
        "Coahuila",
        "Colima",
        "Durango",
        "Guanajuato",
        "Guerrero",
        "Hidalgo",
        "Jalisco",
        "Estado de México",
        "Michoacán",
        "Morelos",
        "Nayarit",
        "Nuevo León",
        "Oaxaca",
        "Puebla",
        "Querétaro",
        "Quintana Roo",
        "San Luis Potosí",
        "Sinaloa",
        "Sonora",
        "Tabasco",
        "Tamaulipas",
        "Tlaxcala",
        "Veracruz",
        "Yucatán",
        "Zacatecas",
    ),
    "United States": (
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "North Carolina",
        "North Dakota",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "West Virginia",
        "Wisconsin",
        "Wyoming",
    ),
    "Germany": (
        "Baden-Württemberg",
        "Bayern",
        "Bavaria",
        "Brandenburg",
        "Hessen",
        "Hesse",
        "Mecklenburg-Vorpommern",
        "Niedersachsen",
        "Lower Saxony",
        "Nordrhein-Westfalen",
        "North Rhine-Westphalia",
        "NRW",
        "Rheinland-Pfalz",
        "Saarland",
        "Sachsen",
        "Saxony",
        "Sachsen-Anhalt",
        "Schleswig-Holstein",
        "Thüringen",
        "Thuringia",
    ),
}

_REGION_COUNTRY: dict[str, str] = {
    fold(region): country for country, regions in _REGIONS.items() for region in regions
}


def region_country(name: str) -> str | None:
    """The country (English name) of a first-level region an address names, or None."""
    return _REGION_COUNTRY.get(fold(name).strip())
