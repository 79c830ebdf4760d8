"""Name normalisation: any script to a Latin key, legal forms and titles dropped, tokens weighed."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

from indusx.screening.engine.variants import canonical, variant_key


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Multi-word legal forms go first so that "limited liability company" goes as one.
_LEGAL_PHRASES = (
    "public limited company",
    "private limited company",
    "limited liability partnership",
    "limited liability company",
    "limited partnership",
    "public joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "joint stock company",
    "obshchestvo s ogranichennoy otvetstvennostyu",
    "obshchestvo s ogranichennoi otvetstvennostiu",
    "tovaristvo z obmezhenoyu vidpovidalnistyu",
    "publichnoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo",
    "otkrytoe aktsionernoe obshchestvo",
    "aktsionernoye obshchestvo",
    "aktsionernoe obshchestvo",
    "gesellschaft mit beschrankter haftung",
    "societatea cu raspundere limitata",
    "sociedad anonima",
    "societe anonyme",
    "sp z oo",
    "sp z o o",
    "sdn bhd",
    "pte ltd",
    "pvt ltd",
    "pty ltd",
    "co ltd",
    "s a",
    "s a r l",
    "s r l",
    "s p a",
    "l l c",
    "p l c",
    "l p",
    "n a",
    "g m b h",
    "b v",
    "n v",
)
LEGAL_FORMS = _wordset(
    "ltd limited pvt private llc lc inc incorporated ooo gmbh co company corp corporation "
    "jsc pjsc ojsc cjsc zao oao pao ao llp lp sa ag aktiengesellschaft plc bv nv srl spa sas "
    "sarl sal sac doo kg kgaa oy ab asa pte pty bhd sdn tov fzco "
    "fze fzc ano fgup gup "
    # Russian legal words, also when a reordering splits the phrase (OTKRYTOE ... last)
    "aktsionernoe aktsionernoye obshchestvo otkrytoe zakrytoe publichnoe"
)
HONORIFICS = _wordset(
    "mr mrs ms miss mx dr prof sir dame lord lady sheikh shaikh shaykh sheik haji hajji hadji "
    "hajj shri sri smt kumari mullah maulana maulvi mawlawi mufti imam ayatollah president "
    "presidente prasident predsjednik presedintele presiden gen col colonel capt captain "
    "maj lt hon honourable excellency"
)
# Particles and linking words: compared, but they tell parties apart very little.
PARTICLES = _wordset(
    "al el bin ibn ben bint binti bte bt van von der den de da di del della des du dos das la "
    "le lo ter ten the of and for y e et und"
)
# Words many organisation names share: compared at half weight.
GENERIC_ORG_WORDS = _wordset(
    "bank group international intl holding holdings trading trade company industries "
    "industrial industry technology technologies tech services service systems system "
    "solutions partners capital global enterprises enterprise national general import export "
    "investment investments development research institute university science sciences "
    "engineering manufacturing products logistics shipping energy resources management "
    "association organisation organization foundation center centre fund trust ventures "
    "network networks electronics aviation airlines oil gas power "
    # places in a firm's name mark a branch or subsidiary: Deutsche Bank (Schweiz)
    "europe european asia asian africa african america american china chinese russia "
    "russian india indian iran iranian usa uk schweiz suisse deutschland east west north south"
)
_NUMBER_WORDS = {
    w: str(i)
    for i, ws in enumerate(
        (
            "zero",
            "one first",
            "two second",
            "three third",
            "four fourth",
            "five fifth",
            "six sixth",
            "seven seventh",
            "eight eighth",
            "nine ninth",
            "ten tenth",
            "eleven eleventh",
            "twelve twelfth",
        )
    )
    for w in ws.split()
}
_TENS = {"twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7}
_TENS.update({"eighty": 8, "ninety": 9})
_DEVANAGARI_VIRAMA = "\u094d"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['`\u2019\u02bc\u02bb]")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name as the engine compares it: Latin tokens, each with a weight and a sound key."""

    original: str
    tokens: tuple[str, ...]
    raw: tuple[str, ...]  # the tokens as written, before given-name variants got one key
    weights: tuple[float, ...]
    skeletons: tuple[str, ...]  # consonant skeletons for spelling and script variants
    abjad: bool  # written in Arabic script: short vowels are absent, compare skeletons
    syllabic: bool  # written in CJK: each token is a syllable, typos within one mean nothing
    joined: str  # all tokens, legal forms included, without spaces

    @property
    def weight(self) -> float:
        """Return the total weight of the name's tokens."""
        return sum(self.weights)


def _devanagari(text: str) -> str:
    """Return Devanagari romanised with the inherent vowel that anyascii leaves out."""
    out: list[str] = []
    for i, ch in enumerate(text):
        o = ord(ch)
        if ch == "\u0902" or ch == "\u0901":  # anusvara, chandrabindu
            out.append("n")
            continue
        out.append(anyascii(ch))
        consonant = 0x0915 <= o <= 0x0939 or 0x0958 <= o <= 0x095F
        if consonant:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            dependent = nxt and (0x093C <= ord(nxt) <= 0x094D)
            word_end = not nxt or not ("\u0900" <= nxt <= "\u097f")
            after_conjunct = i > 0 and text[i - 1] == _DEVANAGARI_VIRAMA
            # Hindi drops a word's final inherent vowel, except after a conjunct ("chandra")
            if not dependent and (not word_end or after_conjunct):
                out.append("a")
    return "".join(out)


def _han_name(run: str) -> str:
    syllables = [anyascii(ch) for ch in run]
    if len(syllables) > 4:  # longer runs are organisations: one syllable a token
        return f" {' '.join(syllables)} "
    return f" {syllables[0]} {''.join(syllables[1:])} "


def to_latin(name: str) -> str:
    """Return the name in lower-case ASCII, each CJK character its own syllable."""
    if name.isascii():
        return name.lower()
    text = unicodedata.normalize("NFC", name)
    if _ARABIC.search(text):
        text = _ARABIC_ARTICLE.sub("al ", text)
    if any("\u0900" <= ch <= "\u097f" for ch in text):
        text = "".join(
            _devanagari(part) if part and "\u0900" <= part[0] <= "\u097f" else part
            for part in re.split(r"([\u0900-\u097f]+)", text)
        )
    if _HAN.search(text):  # a Chinese name: surname syllable, then the given name as one word
        text = _HAN.sub(lambda m: _han_name(m.group()), text)
    if _CJK.search(text):
        text = _CJK.sub(lambda m: f" {anyascii(m.group())} ", text)
    return anyascii(text).lower()


def skeleton(token: str) -> str:
    """Return a token's consonant skeleton: vowels, w, y, the h of digraphs, doubles dropped."""
    s = token.replace("x", "ks").replace("ph", "f").replace("ck", "k")
    s = _DIGRAPH_H.sub(r"\1", s)
    if len(s) >= 3 and s.endswith("h"):  # Arabic ta marbuta: usamah, osama
        s = s[:-1]
    s = s.translate(_SKELETON_MAP)
    out: list[str] = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


_DIGRAPH_H = re.compile(r"([kstdgzc])h")
_SKELETON_MAP = str.maketrans(
    {"a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "w": None}
    | {"'": None, "q": "k", "c": "k", "p": "b", "v": "f", "z": "s", "j": "g"}
)


def _numbers(tokens: list[str]) -> list[str]:
    """Return tokens with number words and ordinals as digits ("forty-four" -> "44")."""
    out: list[str] = []
    for tok in tokens:
        m = _ORDINAL.match(tok)
        if m:
            tok = m.group(1)
        elif tok in _NUMBER_WORDS:
            tok = _NUMBER_WORDS[tok]
        if tok.isdigit() and len(tok) == 1 and out and out[-1].endswith("0"):
            prev = out[-1]
            if prev.isdigit() and len(prev) == 2:
                out[-1] = prev[0] + tok
                continue
        if tok in _TENS:
            tok = f"{_TENS[tok]}0"
        out.append(tok)
    return out


def _join_letters(tokens: list[str]) -> list[str]:
    """Return tokens with runs of single letters joined ("s a l" -> "sal"), as dotted ones are."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        out.extend(["".join(run)] if len(run) >= 2 else run)
        run = []
        if tok:
            out.append(tok)
    return out


def _strip_phrases(text: str) -> str:
    padded = f" {text} "
    for phrase in _LEGAL_PHRASES:
        padded = padded.replace(f" {phrase} ", " ")
    return padded.strip()


_LEGAL_SYNONYMS = {"compania": "company", "compagnie": "company", "companhia": "company"}
_LONG_LEGAL_FORMS = tuple(sorted({f for f in LEGAL_FORMS if len(f) >= 7} | set(_LEGAL_SYNONYMS)))
# A legal form in another romanisation (GmbKh from Russian ГмбХ, Korporation); forms of four
# letters or more only, since "ink" or "sak" are words and names.
_LEGAL_BY_VARIANT = {variant_key(f): f for f in sorted(LEGAL_FORMS) if len(f) >= 4}


def _legal_spelling(token: str) -> str:
    """Return the legal form a long token misspells ("aktiengeselschaft"), else the token."""
    if token in _LEGAL_SYNONYMS:
        return _LEGAL_SYNONYMS[token]
    if token.isalpha() and token not in PARTICLES and token not in LEGAL_FORMS:
        found = _LEGAL_BY_VARIANT.get(variant_key(token))
        if found:
            return found
    if len(token) < 6 or token in GENERIC_ORG_WORDS or token in LEGAL_FORMS:
        return token
    for f in _LONG_LEGAL_FORMS:
        if abs(len(f) - len(token)) <= 2 and OSA.distance(token, f, score_cutoff=2) <= 1 + (
            len(f) > 12
        ):
            return _LEGAL_SYNONYMS.get(f, f)
    return token


def _weight(token: str) -> float:
    if token in PARTICLES or token in HONORIFICS:  # a title inside the name: "IBRAHIM, Haji"
        return 0.25
    if len(token) == 1 and not token.isdigit():
        return 0.4
    if token in GENERIC_ORG_WORDS:
        return 0.5
    if token in ("abd", "abdul", "abu"):
        return 0.5
    if len(token) == 2 and not token.isdigit():
        return 0.6
    return 1.0


@lru_cache(maxsize=200_000)
def name_key(name: str) -> NameKey:
    """Return the comparable form of a name (cached: lists repeat names and tokens)."""
    latin = to_latin(name)
    abjad = bool(_ARABIC.search(name))
    latin = _APOSTROPHES.sub("", latin)
    # "S.C. Johnson" and "L.X.C" read as one token; other punctuation separates words.
    latin = re.sub(r"\b([a-z])\.(?=[a-z]\b\.?)", r"\1", latin)
    text = _NON_WORD.sub(" ", latin).strip()
    all_tokens = [_legal_spelling(t) for t in _join_letters(_numbers(text.split()))]
    joined = "".join(all_tokens)
    core = _strip_phrases(" ".join(all_tokens)).split()
    while core and core[0] in HONORIFICS:  # titles stand before the name
        core.pop(0)
    core = [t for t in core if t not in LEGAL_FORMS]
    if all(t in PARTICLES for t in core):  # a name made only of legal forms keeps them
        core = all_tokens
    tokens = tuple(canonical(t) for t in core)
    return NameKey(
        original=name,
        tokens=tokens,
        raw=tuple(core),
        weights=tuple(_weight(t) for t in tokens),
        skeletons=tuple(skeleton(t) for t in tokens),
        abjad=abjad,
        syllabic=bool(_CJK.search(name)),
        joined=joined,
    )


_MAX_RENORMALISE = 8


def normalise_name(name: str) -> str:
    """Return the display-independent Latin key of a name, tokens space-separated."""
    # One pass is not always final: stripping a legal form can leave single letters side by
    # side ("㏆ ㏆" reads "c/kg c/kg", keeps "c c", which joins to "cc" next time), so the key
    # is normalised again until it stops changing. Should it ever cycle, the cycle's least
    # member is the key, the same from every member: normalising a key gives the key.
    seen = [" ".join(name_key(name).tokens)]
    while len(seen) <= _MAX_RENORMALISE:
        again = " ".join(name_key(seen[-1]).tokens)
        if again in seen:
            return min(seen[seen.index(again):])
        seen.append(again)
    return seen[-1]
