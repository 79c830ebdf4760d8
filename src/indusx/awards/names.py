"""Firm names in award data: one key per firm however it is spelt, and a tidy display name.

Award data spells one firm many ways ("ACME, INC.", "Acme Inc", "Acme, Incorporated");
`firm_key` folds case, accents, punctuation, '&', trailing legal forms and "dba ..." so
that they share one key, and `display_name` picks the spelling to show.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping

# Legal-form words dropped from the end of a name (several may follow each other).
LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "corp", "corporation", "co", "company", "ltd", "limited",
    "lp", "llp", "pllc",
})
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")  # l.l.c., i.d.e.a.l.
# "doing business as", "formerly known as": what follows is another name.
_DBA = re.compile(r"\b(?:d\s*/\s*b\s*/\s*a|dba|f\s*/\s*k\s*/\s*a|fka|formerly)\b.*$")
_CUT_OFF = re.compile(r"\([^)]*$")  # a parenthesis the source cut off at its field length
_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_TOKEN = re.compile(r"[a-z0-9]+")


def firm_key(name: str) -> str:
    """Return the key shared by every spelling of a firm's name ("" if it has no letters)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DOTTED.sub(lambda m: m[0].replace(".", ""), text)
    text = _CUT_OFF.sub(" ", _DBA.sub(" ", text))
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    tokens = _TOKEN.findall(text)
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return "-".join(tokens)


# Casing of words in names written in capitals only.
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "de", "for", "in", "of", "on", "or",
                          "the", "to"})
_WORDS = {"co": "Co", "inc": "Inc", "ltd": "Ltd", "engr": "Engr", "intl": "Intl", "mfg": "Mfg",
          "mgmt": "Mgmt", "svcs": "Svcs", "llc": "LLC", "lp": "LP", "llp": "LLP", "pllc": "PLLC"}
# Three-letter capitals are mostly acronyms in firm names ("MTI", "BFA"), except these words.
_SHORT_WORDS = frozenset({
    "air", "all", "art", "bay", "big", "bio", "box", "cap", "com", "dot", "ear", "eye", "fog",
    "gen", "geo", "hat", "ion", "key", "lab", "max", "med", "net", "new", "one", "out", "red",
    "san", "sci", "sea", "set", "sky", "sun", "tec", "tek", "top", "two", "way", "web", "you",
})
_ACRONYMS = frozenset({
    "ai", "atr", "cad", "cae", "emi", "gps", "ied", "isr", "led", "mems", "nasa", "rfid",
    "sar", "uas", "uav", "ugv", "usa", "usv", "uuv",
})
_VOWELS = frozenset("aeiouy")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)", re.IGNORECASE)
_ALNUM = re.compile(r"[A-Za-z0-9]+")


def _tidy_word(word: str, first: bool, after_apostrophe: bool) -> str:
    lower = word.lower()
    if any(c.isdigit() for c in word):
        ordinal = _ORDINAL.fullmatch(word)
        return ordinal[1] + ordinal[2].lower() if ordinal else word
    if after_apostrophe and lower == "s":
        return "s"
    if lower in _WORDS:
        return _WORDS[lower]
    if lower in _SMALL_WORDS and len(word) > 1:
        return word[0] + lower[1:] if first else lower
    short_acronym = len(word) <= 2 or (len(word) == 3 and lower not in _SHORT_WORDS)
    if lower in _ACRONYMS or short_acronym or not (set(lower) & _VOWELS):
        return word  # an acronym such as "AC", "MTI" or "CFD"
    return word[0] + lower[1:]


def tidy_case(name: str) -> str:
    """Return a name written in capitals only in title case, keeping likely acronyms."""
    if not any(c.isalpha() for c in name) or name != name.upper():
        return name
    out, last = [], 0
    for match in _ALNUM.finditer(name):
        out.append(name[last:match.start()])
        before = name[:match.start()]
        out.append(_tidy_word(match[0], first=not before.strip(),
                              after_apostrophe=before.endswith(("'", "\u2019"))))
        last = match.end()
    out.append(name[last:])
    return "".join(out)


def clean_spelling(name: str) -> str:
    """Return a spelling with tidy spaces and without a cut-off "(..." at its end."""
    name = " ".join(name.split())
    if name.count("(") > name.count(")"):
        name = name[: name.rfind("(")]
    return name.strip(" ,;:-")


def display_name(spellings: Mapping[str, int]) -> str:
    """Return the name to show: the most frequent spelling (mixed case wins ties), tidied."""
    best = max(
        spellings.items(),
        key=lambda item: (item[1], item[0] != item[0].upper(), item[0]),
    )[0]
    return tidy_case(clean_spelling(best) or best.strip())


def name_words(spellings: Iterable[str]) -> set[str]:
    """Return the words of a firm's names and their initials ("poc"), to tell who from what."""
    words: set[str] = set()
    for spelling in spellings:
        tokens = _TOKEN.findall(_APOSTROPHES.sub("", spelling.casefold().replace("&", " and ")))
        words.update(tokens)
        if len(tokens) > 1:
            words.add("".join(t[0] for t in tokens))
            core = firm_key(spelling).split("-")
            if len(core) > 1:
                words.add("".join(t[0] for t in core))
    return {w for w in words if len(w) > 1}
