"""Spelling variants: given names written many ways, and one key per romanisation variant."""

import re
from functools import lru_cache

# Given names written many ways, and their short forms: each group has one canonical key.
_VARIANT_GROUPS = (
    "muhammad mohammad mohammed muhammed mohamed mohamad muhamad mohd md mhd mhmd",
    "ahmad ahmed ahmet hmd",
    "osama usama usamah",
    "yusuf yousef youssef yusef yousuf jusuf",
    "abdul abd abdel abdal abdoul bd",
    "husayn hussein hussain husain hossein huseyn",
    "hasan hassan",
    "umar omar",
    "ibrahim ebrahim",
    "abdullah abdallah abdulla",
    "khalid khaled",
    "mahmoud mahmud mahmood",
    "mustafa mostafa moustafa mustapha",
    "sayyid sayed sayyed",
    "aleksandr alexander aleksander alexandr oleksandr alex sasha",
    "sergey sergei serguei serhiy sergiy",
    "yuri yury yuriy iurii",
    "dmitry dmitri dmitriy",
    "nikolai nikolay mykola",
    "vladimir volodymyr",
    "evgeny evgeni yevgeny yevgeniy evgeniy",
    "william bill will billy",
    "robert bob rob bobby",
    "richard rick dick",
    "james jim jimmy",
    "john jack johnny",
    "michael mike mikhail",
    "elizabeth liz beth",
    "benjamin bibi",
    "joseph joe",
    "thomas tom",
    "anthony tony",
    "edward ed ted",
    "al el ul",
    "bin ibn ben bn",
    "international intl",
)
# Romanisation variants, rewritten in this order to one spelling ("iurii", "yury" -> "iuri").
_TRANSLIT = (
    ("shch", "sh"),
    ("dzh", "j"),
    ("tch", "ch"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("ks", "x"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ce", "se"),
    ("ci", "si"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
)
_CH = re.compile(r"c(?!h)")
_FINAL_OF = re.compile(r"([oe])f$")


@lru_cache(maxsize=200_000)
def variant_key(token: str) -> str:
    """Return one spelling for a token's romanisation variants (kh/h, dzh/j, y/i, ks/x, ...)."""
    s = token
    for old, new in _TRANSLIT:
        s = s.replace(old, new)
    s = _CH.sub("k", s)
    if len(token) >= 5:  # French "ch" for "sh" (Chahid); short words like chen/shen stay apart
        s = s.replace("sh", "ch")
    out: list[str] = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return _FINAL_OF.sub(r"\1v", "".join(out))  # -off, -eff: -ov, -ev


VARIANT_KEY: dict[str, str] = {}
for _group in _VARIANT_GROUPS:
    _words = _group.split()
    for _w in _words:
        VARIANT_KEY[_w] = _words[0]
# The same groups found by their romanisation key ("mokhammed", "khussein").
_VARIANT_BY_KEY = {variant_key(w): key for w, key in VARIANT_KEY.items() if len(w) >= 4}


def canonical(token: str) -> str:
    """Return the canonical spelling of a given name written many ways, else the token."""
    found = VARIANT_KEY.get(token)
    if found is None and len(token) >= 4 and token.isalpha():
        found = _VARIANT_BY_KEY.get(variant_key(token))
    return found or token
