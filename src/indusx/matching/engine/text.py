"""Text helpers shared by the engine: tokens for retrieval, terms and snippets for explanations.

`tokenize` gives the retrieval tokens (lower-cased, stop words dropped, plurals folded) and
`index_terms` adds adjacent pairs of them: what lexical retrieval indexes.
`phrases` and `shared_terms` find the words and two-word phrases two texts have in common, in
the surface form a reader recognises ("acoustic modem"), for the reasons the engine gives.
"""

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
# Punctuation that ends a phrase: two words either side of it are not a phrase.
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"/|]")

_STOP_WORDS = """
    a about above after again against all also am an and any are arent as at be because been
    before being below between both but by can cant cannot could couldnt did didnt do does
    doesnt doing dont down during each either etc few for from further had hadnt has hasnt
    have havent having he her here hers herself him himself his how however i if in into is
    isnt it its its itself just lets may me might more most must mustnt my myself neither
    no nor not now of off on once only or other ought our ours ourselves out over own per same
    shall she should shouldnt so some such than that thats the their theirs them themselves
    then there theres these they this those through thus to too under until up upon us very
    via was wasnt we were werent what when where which while who whom whose why will with
    within without wont would wouldnt yet you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Words that carry no capability on their own in a defence-innovation text; kept for retrieval
# (IDF weighs them down there) but never offered as the reason two texts fit.
_GENERIC_WORDS = """
    ability able achieve addition additional advanced allow allows applicable application
    applications approach approaches area areas available based benefit benefits better
    capabilities capability commercial company concept conduct current currently demonstrate
    demonstrated demonstration design designed develop developed developing development
    effective effort efforts enable enhanced existing feasibility firm firmname focus full goal
    high improve improved including increase innovative key large level low make meet method
    methods military model needs new novel objective objectives offer one operational overall
    part perform performance phase potential prior program project propose proposed provide
    provides providing quality range reduce reduced related requirements research result results
    significant small solution solutions support system systems task team technical techniques
    technologies technology test testing three two use used uses using various well work
"""
GENERIC_WORDS = frozenset(_GENERIC_WORDS.split())


# Word -> retrieval token ("" for a stop word): tokenizing is a dictionary look-up per word.
_TOKEN_OF: dict[str, str] = {}
_TOKEN_CACHE_SIZE = 500_000


def stem(word: str) -> str:
    """Return `word` with its plural ending folded ("modems" -> "modem", "parties" -> "party")."""
    out = _STEM_OF.get(word)
    if out is None:
        out = _fold_plural(word)
        if len(_STEM_OF) < _TOKEN_CACHE_SIZE:
            _STEM_OF[word] = out
    return out


_STEM_OF: dict[str, str] = {}


def _fold_plural(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Return the lower-cased words of `text`, stop words included."""
    return _WORD.findall(text.lower().replace("'", ""))


def tokenize(text: str) -> list[str]:
    """Return the retrieval tokens of `text`: lower-cased, stop words dropped, plurals folded."""
    out = []
    for w in _WORD.findall(text.lower().replace("'", "")):
        token = _TOKEN_OF.get(w)
        if token is None:
            token = "" if w in STOP_WORDS or len(w) < 2 else stem(w)
            if len(_TOKEN_OF) < _TOKEN_CACHE_SIZE:
                _TOKEN_OF[w] = token
        if token:
            out.append(token)
    return out


def index_terms(text: str) -> list[str]:
    """Return what lexical retrieval indexes: the tokens, then each adjacent pair as "a_b".

    Pairs ("acoustic_modem") reward documents that use the query's words together; on the
    SBIR benchmark they raised BM25's MRR from 0.47 to 0.52 (bench/matching_quality.py).
    """
    tokens = tokenize(text)
    return tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True, slots=True)
class Phrase:
    """A one- or two-word term of a text: its key (stemmed words) and how the text wrote it."""

    key: tuple[str, ...]
    surface: str


def _content_stem(word: str) -> str:
    """Return the stem of a content word, or "" for a stop word, number or short word."""
    out = _CONTENT_STEM_OF.get(word)
    if out is None:
        content = word not in STOP_WORDS and len(word) > 2 and not word.isdigit()
        out = stem(word) if content else ""
        if len(_CONTENT_STEM_OF) < _TOKEN_CACHE_SIZE:
            _CONTENT_STEM_OF[word] = out
    return out


_CONTENT_STEM_OF: dict[str, str] = {}


def phrases(text: str) -> list[Phrase]:
    """Return the content words and adjacent content-word pairs of `text`, in order."""
    out: list[Phrase] = []
    for chunk in _BREAK.split(text.lower().replace("'", "")):
        prev, prev_key = "", ""
        for w in _WORD.findall(chunk):
            key = _content_stem(w)
            if not key:
                prev = ""
                continue
            out.append(Phrase((key,), w))
            if prev:
                out.append(Phrase((prev_key, key), f"{prev} {w}"))
            prev, prev_key = w, key
    return out


# Explanations look at the same passages again and again (the best candidates recur).
_cached_phrases = lru_cache(maxsize=1 << 13)(lambda text: tuple(phrases(text)))


def phrase_keys(text: str) -> frozenset[tuple[str, ...]]:
    """Return the keys of the phrases of `text`, to compare many documents against it."""
    return frozenset(p.key for p in _cached_phrases(text))


def root(token: str) -> str:
    """Return a crude root of a retrieval token, to spot repeats ("interact", "interacting")."""
    return token[:6]


def shared_terms(
    query: str | frozenset[tuple[str, ...]],
    doc: str,
    weight: Callable[[str], float] | None = None,
    limit: int = 5,
) -> list[str]:
    """Return up to `limit` terms (words or two-word phrases) that `query` and `doc` share.

    `query` is a text or its `phrase_keys`. Terms are written as `doc` writes them and ordered
    by `weight` (e.g. a token's IDF; by default longer words weigh more); a phrase weighs the
    sum of its words and hides the words it is made of. Generic words ("system", "develop")
    are never part of a returned term.
    """
    weigh = weight or (lambda token: float(len(token)))
    query_keys = phrase_keys(query) if isinstance(query, str) else query
    seen: dict[tuple[str, ...], str] = {}
    for p in _cached_phrases(doc):
        if p.key in query_keys and p.key not in seen:
            seen[p.key] = p.surface

    def score(key: tuple[str, ...]) -> float:
        return sum(weigh(t) for t in key)

    candidates = [
        key for key, surface in seen.items() if not any(w in GENERIC_WORDS for w in surface.split())
    ]
    candidates.sort(key=lambda key: (-score(key), seen[key]))
    chosen: list[tuple[str, ...]] = []
    covered: set[str] = set()  # roots already said
    for key in candidates:
        roots = {root(t) for t in key}
        if roots <= covered or len(roots) < len(key):
            continue
        chosen.append(key)
        covered |= roots
        if len(chosen) == limit:
            break
    # A word chosen before the phrase that contains it is redundant once the phrase is in.
    phrase_roots = {root(t) for key in chosen if len(key) == 2 for t in key}
    return [seen[key] for key in chosen if len(key) == 2 or root(key[0]) not in phrase_roots]


def snippet(text: str, terms: Iterable[str], width: int = 200) -> str:
    """Return about `width` characters of `text` around the densest run of `terms`."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    keys = {stem(w) for term in terms for w in words(term)}
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text.lower())]
    hits = [s for s, e in spans if stem(text[s:e].lower()) in keys]
    start = 0
    if hits:
        best = max(hits, key=lambda s: sum(1 for h in hits if s <= h < s + width))
        # Start a little before the first hit, at a word boundary.
        start = max(0, best - width // 5)
        start = next((s for s, _ in spans if s >= start), 0)
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    prefix = "..." if start > 0 else ""
    suffix = "..." if end < len(text) else ""
    return prefix + text[start:end].strip() + suffix


def join_words(items: Sequence[str]) -> str:
    """Return `items` as an English list: "a", "a and b", "a, b and c"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
