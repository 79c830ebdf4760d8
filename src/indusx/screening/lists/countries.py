"""Country names, codes and nationality words as lists write them, to ISO 3166-1 alpha-2."""

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

# Spellings the restricted-party lists use that ISO's names do not cover.
_LIST_SPELLINGS = {
    "bahamas, the": "BS",
    "bosnia-herzegovina": "BA",
    "brunei": "BN",
    "burma": "MM",
    "cape verde": "CV",
    "comoros islands": "KM",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "congo, republic of the": "CG",
    "republic of the congo": "CG",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "crimea": "UA",
    "crimea region of ukraine": "UA",
    "east timor": "TL",
    "england": "GB",
    "gambia, the": "GM",
    "the gambia": "GM",
    "gaza": "PS",
    "gaza strip": "PS",
    "great britain": "GB",
    "holland": "NL",
    "hong kong": "HK",
    "iran": "IR",
    "korea, north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "kosovo": "XK",
    "xk": "XK",
    "laos": "LA",
    "macao": "MO",
    "macau": "MO",
    "macedonia": "MK",
    "macedonia, the former yugoslav republic of": "MK",
    "north macedonia, the republic of": "MK",
    "micronesia": "FM",
    "micronesia, federated states of": "FM",
    "palestine": "PS",
    "palestinian": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "russia": "RU",
    "st kitts and nevis": "KN",
    "st. kitts and nevis": "KN",
    "swaziland": "SZ",
    "syria": "SY",
    "taiwan": "TW",
    "turkey": "TR",
    "turkiye": "TR",
    "uae": "AE",
    "uk": "GB",
    "united kingdom": "GB",
    "u.k.": "GB",
    "united states": "US",
    "united states of america": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "vatican": "VA",
    "vatican city": "VA",
    "venezuela": "VE",
    "vietnam": "VN",
}

# Nationality words that OFAC remarks and other lists use for a country.
_NATIONALITY_WORDS = {
    "afghan": "AF",
    "algerian": "DZ",
    "american": "US",
    "belarusian": "BY",
    "bosnian": "BA",
    "british": "GB",
    "burmese": "MM",
    "chinese": "CN",
    "colombian": "CO",
    "cuban": "CU",
    "egyptian": "EG",
    "emirati": "AE",
    "eritrean": "ER",
    "french": "FR",
    "german": "DE",
    "indian": "IN",
    "iranian": "IR",
    "iraqi": "IQ",
    "israeli": "IL",
    "italian": "IT",
    "jordanian": "JO",
    "kenyan": "KE",
    "kuwaiti": "KW",
    "lebanese": "LB",
    "libyan": "LY",
    "malian": "ML",
    "mexican": "MX",
    "moroccan": "MA",
    "nicaraguan": "NI",
    "nigerian": "NG",
    "north korean": "KP",
    "pakistani": "PK",
    "qatari": "QA",
    "russian": "RU",
    "saudi": "SA",
    "serbian": "RS",
    "somali": "SO",
    "spanish": "ES",
    "sudanese": "SD",
    "syrian": "SY",
    "tunisian": "TN",
    "turkish": "TR",
    "ukrainian": "UA",
    "venezuelan": "VE",
    "yemeni": "YE",
}

_APOSTROPHES = str.maketrans({"'": " ", "\u2019": " ", "`": " "})
_QUALIFIERS = re.compile(r"^(?:possibly|probably|reportedly|region:)\s+")


def _fold(value: str) -> str:
    """Return lower case without accents, punctuation spacing or repeated whitespace."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_APOSTROPHES)
    return " ".join(text.casefold().split()).strip(" .,;")


@cache
def _names() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                index[_fold(name)] = country.alpha_2
    for table in (_LIST_SPELLINGS, _NATIONALITY_WORDS):
        index.update({_fold(k): v for k, v in table.items()})
    return index


@lru_cache(maxsize=4096)
def to_iso2(value: str) -> str | None:
    """Return the ISO-2 code of a country code (ISO-2/ISO-3), name or nationality word, or None."""
    text = _fold(value or "")
    if not text:
        return None
    text = _QUALIFIERS.sub("", text)
    if len(text) == 2 and text.isalpha():
        if text == "xk":
            return "XK"
        country = pycountry.countries.get(alpha_2=text.upper())
        if country is not None:
            return str(country.alpha_2)
    if len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
        if country is not None:
            return str(country.alpha_2)
    found = _names().get(text)
    if found:
        return found
    # "Giza, Egypt" or "Kabul (Afghanistan)": the country comes last.
    if "," in text:
        return _names().get(text.rsplit(",", 1)[1].strip())
    return None
