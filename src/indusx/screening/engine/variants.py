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
_DIGRAPHS = (
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
)
_VOWELS = (
    ("ks", "x"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
)
_QU = re.compile(r"qu(?=[ei])")  # Spanish, French, Portuguese: Enrique, Duque (Энрике)
_SOFT_C = re.compile(r"c(?=[eiy])")  # ce/ci -> se/si, and so Riccio -> riksio -> rixio
_CH = re.compile(r"c(?!h)")
# Russian ё is written yo or e (Fyodor / Fedor, Semyonov / Semenov, Tamayo read back from
# Тамаё); "you" is another sound (Younis / Yunis) and keeps its u.
_YO = re.compile(r"yo(?!u)")
_FINAL_OF = re.compile(r"([oe])f$")
# A word-initial j before a vowel reads as y in German, Dutch and Slavic romanisation (Jusuf /
# Yusuf, Jakub / Yakub, Jacoub / Yacoub); short syllables (Jong / Yong, Jin / Yin) stay apart.
_INITIAL_J = re.compile(r"^j(?=[aeiou])")
INITIAL_J_MIN = 5


@lru_cache(maxsize=200_000)
def variant_key(token: str) -> str:
    """Return one spelling for a token's romanisation variants (kh/h, dzh/j, y/i, ks/x, ...)."""
    s = token
    for old, new in _DIGRAPHS:
        s = s.replace(old, new)
    if len(s) <= 3 and not any(v in s for v in "aeiouy"):  # acronyms: MKS is not MCS
        return s
    if len(s) >= INITIAL_J_MIN and not token.startswith("z"):  # zh is another sound
        s = _INITIAL_J.sub("y", s)
    s = _YO.sub("e", _QU.sub("k", s))
    s = _CH.sub("k", _SOFT_C.sub("s", s))
    for old, new in _VOWELS:
        s = s.replace(old, new)
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
