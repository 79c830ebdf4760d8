"""Scoring one name against another, token by token, and the reasons for the score."""

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from indusx.screening.engine.names import HONORIFICS, PARTICLES, NameKey, skeleton
from indusx.screening.engine.stats import NO_STATS, TokenStats
from indusx.screening.engine.variants import variant_key

MIN_TOKEN_SIM = 0.7
VARIANT_SIM = 0.9  # same consonant skeleton: a spelling or transliteration variant
ABJAD_SIM = 0.85  # Arabic script against Latin: consonants alone agree
INITIAL_SIM = 0.85
INITIAL_WEIGHT = 0.4
ACRONYM_SIM = 0.7
JOINED_SIM = 0.95
CONFLICT_PENALTY = 1.6  # per unit of weight that both sides leave unmatched
PERSON_SHORT_SHARE = 0.7
PERSON_MIN_WEIGHT = 1.5  # a one-word name is not enough to forgive missing names
EXTRA_PENALTY = 0.15  # organisations: per unit of distinctive weight only one side has
SHORT_WORD = 5  # letters: a typo in a word this short does not match on its own
NOTE_RARITY = 0.9  # tokens weighed down more than this are named in the reasons


@dataclass(frozen=True, slots=True)
class TokenMatch:
    query: tuple[int, ...]  # positions in the query's tokens
    cand: tuple[int, ...]  # positions in the candidate's tokens
    sim: float
    kind: str  # exact, typo, variant, initial, joined, acronym
    edits: int = 0


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    matches: tuple[TokenMatch, ...]
    reasons: tuple[str, ...]


def allowed_edits(length: int) -> int:
    """Return how many typos a token of this length may carry and still match."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


@lru_cache(maxsize=500_000)
def token_sim(
    a: str, b: str, sa: str, sb: str, abjad: bool = False, syllabic: bool = False
) -> tuple[float, str, int]:
    """Return how alike two tokens are (0..1), how, and the typos between them."""
    if a == b:
        return 1.0, "exact", 0
    if a.isdigit() or b.isdigit() or syllabic:
        return 0.0, "", 0  # numbers must agree; so must the syllables of CJK names
    la, lb = len(a), len(b)
    if not abjad and variant_key(a) == variant_key(b):  # "iurii" / "yuri", "dzh" / "j"
        return VARIANT_SIM, "variant", 0
    if la == 1 or lb == 1:
        if a[0] == b[0]:
            return INITIAL_SIM, "initial", 0
        return 0.0, "", 0
    if abjad:  # Arabic script drops short vowels: only the consonants can be compared
        if len(sa) >= 3 and sa == sb:
            return ABJAD_SIM, "variant", 0
        if len(sa) == 2 and sa == sb and min(la, lb) <= 5:  # two consonants prove little
            return MIN_TOKEN_SIM, "variant", 0
        if min(len(sa), len(sb)) >= 5 and OSA.distance(sa, sb, score_cutoff=1) <= 1:
            return ABJAD_SIM - 0.1, "variant", 1
        return 0.0, "", 0
    longest = max(la, lb)
    limit = allowed_edits(longest) or int(la == lb == 4)  # "olaf", "olav"
    d = OSA.distance(a, b, score_cutoff=limit)
    # a short word keeps its first letter, unless its first two letters are swapped
    first = longest > 6 or a[0] == b[0] or (a[:2] == b[1::-1] and a[2:] == b[2:])
    if limit and d <= limit and first:
        sim = 1.0 - 0.8 * d / longest
        if len(sa) >= 3 and sa == sb:
            sim = max(sim, VARIANT_SIM)
        return sim, "typo", d
    return 0.0, "", 0


def best_sim(
    a: str, b: str, sa: str, sb: str, raws: tuple[str, str], abjad: bool, syllabic: bool = False
) -> tuple[float, str, int]:
    """Return the better of the tokens' similarity and that of their spellings as written.

    A typo in a given name that the variant table rewrote ("mhoamad" against "mohamad", now
    "muhammad") is one letter from the name as written, two or more from its key.
    """
    found = token_sim(a, b, sa, sb, abjad, syllabic)
    ra, rb = raws
    if (ra != a or rb != b) and found[0] < 1.0:
        other = token_sim(ra, rb, skeleton(ra), skeleton(rb), abjad, syllabic)
        if other[0] > found[0]:
            return other
    return found


def _greedy(q: NameKey, c: NameKey) -> list[TokenMatch]:
    pairs = []
    abjad = q.abjad or c.abjad
    syllabic = q.syllabic or c.syllabic
    for i, a in enumerate(q.tokens):
        for j, b in enumerate(c.tokens):
            raws = (q.raw[i], c.raw[j])
            sim, kind, edits = best_sim(a, b, q.skeletons[i], c.skeletons[j], raws, abjad, syllabic)
            if sim >= MIN_TOKEN_SIM:
                pairs.append((sim, min(q.weights[i], c.weights[j]), -abs(i - j), i, j, kind, edits))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    out = []
    for sim, _, _, i, j, kind, edits in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        out.append(TokenMatch((i,), (j,), sim, kind, edits))
    return out


def _runs(free: list[int]) -> list[tuple[int, ...]]:
    """Return runs of 2 or 3 adjacent free positions."""
    runs = []
    for n in (2, 3):
        for k in range(len(free) - n + 1):
            run = tuple(free[k : k + n])
            if run[-1] - run[0] == n - 1:
                runs.append(run)
    return runs


def _joined(one: NameKey, other: NameKey, free_one: list[int], free_other: list[int]) -> list:
    """Return matches of one token against adjacent tokens of the other, written together."""
    found = []
    taken: set[int] = set()
    for run in _runs(free_other):
        if taken.intersection(run):
            continue
        glued = "".join(other.tokens[k] for k in run)
        initials = "".join(other.tokens[k][0] for k in run)
        for i in free_one:
            if i in taken:
                continue
            tok = one.tokens[i]
            if tok == initials:
                found.append((i, run, ACRONYM_SIM, "acronym"))
            else:
                d = OSA.distance(tok, glued, score_cutoff=allowed_edits(len(glued)))
                if d > allowed_edits(len(glued)):
                    continue
                found.append((i, run, JOINED_SIM - 0.5 * d / len(glued), "joined"))
            taken.add(i)
            taken.update(run)
            break
    return found


def align(q: NameKey, c: NameKey) -> list[TokenMatch]:
    """Return the best one-to-one pairing of query tokens with candidate tokens."""
    matches = _greedy(q, c)
    free_q = [i for i in range(len(q.tokens)) if all(i not in m.query for m in matches)]
    free_c = [j for j in range(len(c.tokens)) if all(j not in m.cand for m in matches)]
    if free_q and free_c:
        for i, run, sim, kind in _joined(q, c, free_q, free_c):
            matches.append(TokenMatch((i,), run, sim, kind))
            free_q.remove(i)
            free_c = [j for j in free_c if j not in run]
        for j, run, sim, kind in _joined(c, q, free_c, free_q):
            matches.append(TokenMatch(run, (j,), sim, kind))
    return matches


def _credit(m: TokenMatch, weights: list[float], positions: tuple[int, ...]) -> float:
    """Return the weight a match covers on one side; an initial stands for little."""
    weight = sum(weights[k] for k in positions)
    if m.kind == "initial":
        weight = min(weight, INITIAL_WEIGHT)
    return m.sim * weight


_LIGHT = PARTICLES | HONORIFICS


def _extra(key: NameKey, weights: list[float], free: list[int]) -> float:
    """Return the weight of the distinctive words (not particles or initials) left over."""
    return sum(weights[k] for k in free if key.weights[k] >= 0.5)


def _lone_short(q: NameKey, c: NameKey, matches: list[TokenMatch]) -> TokenMatch | None:
    """Return the one inexact match of a short word that nothing else supports, if any.

    Short words and acronyms (IRGC, AVIC, ARTIN) are one letter from many ordinary ones:
    a typo or spelling variant of one counts only beside another matching word or particle.
    """
    if len(matches) != 1 or len(matches[0].query) != 1 or len(matches[0].cand) != 1:
        return None
    m = matches[0]
    a, b = q.tokens[m.query[0]], c.tokens[m.cand[0]]
    if m.kind in ("typo", "variant") and max(len(a), len(b)) <= SHORT_WORD:
        return m
    return None


def _one_word_typo(q: NameKey, c: NameKey, m: TokenMatch, stats: TokenStats) -> bool:
    """Return whether a lone short word may count: both names are that one word, of the same
    length and long enough to carry a typo, and the listed word is rare on the list."""
    a, b = q.tokens[m.query[0]], c.tokens[m.cand[0]]
    one_word = len(q.tokens) == len(c.tokens) == 1 and len(a) == len(b)
    return one_word and bool(allowed_edits(len(a))) and stats.rarity(b) == 1.0


def name_score(
    q: NameKey,
    c: NameKey,
    person: bool = False,
    stats: TokenStats = NO_STATS,
    facts_agree: bool = False,
) -> NameScore:
    """Return how well two names match (0..1) and why.

    `facts_agree` (same entity type, the query's country, if any, among the listed ones) lets
    a one-word short name with one typo count (KOiAS / KOHAS AG).

    Both sides' coverage counts, each token weighed by its kind and its rarity on the list;
    for people, whose lists add and drop middle names and patronymics, the shorter name's
    coverage counts most. A token left unmatched on both sides is a conflict (another
    surname) and lowers the score hard; for organisations, a distinctive word that only one
    side has lowers it too.
    """
    if not q.tokens or not c.tokens:
        return NameScore(0.0, (), ())
    if q.tokens == c.tokens:
        return NameScore(1.0, (), ("name matches exactly after normalisation",))
    if q.joined == c.joined and len(q.joined) >= 4:
        reason = "name matches when written without spaces or legal form"
        return NameScore(JOINED_SIM + 0.04, (), (reason,))
    matches = align(q, c)
    notes: list[str] = []
    lone = _lone_short(q, c, matches)
    if lone is not None:
        a, b = q.tokens[lone.query[0]], c.tokens[lone.cand[0]]
        if facts_agree and _one_word_typo(q, c, lone, stats):
            notes.append(f"'{a}' is one short word like '{b}', and the facts agree: counted")
        else:
            matches.remove(lone)
            notes.append(f"'{a}' is a short word that differs from '{b}': not counted on its own")
    rq = [w * stats.rarity(t) for t, w in zip(q.tokens, q.weights, strict=True)]
    rc = [w * stats.rarity(t) for t, w in zip(c.tokens, c.weights, strict=True)]
    wq, wc = sum(rq), sum(rc)
    mq = sum(_credit(m, rq, m.query) for m in matches)
    mc = sum(_credit(m, rc, m.cand) for m in matches)
    used_q = {i for m in matches for i in m.query}
    used_c = {j for m in matches for j in m.cand}
    free_q = [i for i in range(len(q.tokens)) if i not in used_q]
    free_c = [j for j in range(len(c.tokens)) if j not in used_c]
    cov_q, cov_c = mq / wq, mc / wc
    short, long_ = (cov_q, cov_c) if wq <= wc else (cov_c, cov_q)
    forgiving = person and min(q.weight, c.weight) >= PERSON_MIN_WEIGHT
    if forgiving:
        score = PERSON_SHORT_SHARE * short + (1 - PERSON_SHORT_SHARE) * long_
    else:
        score = 0.5 * (short + long_)
    # particles (al, bin, van) and titles left over on both sides are no conflict
    uq = sum(rq[i] for i in free_q if q.tokens[i] not in _LIGHT)
    uc = sum(rc[j] for j in free_c if c.tokens[j] not in _LIGHT)
    conflict = min(uq, uc)
    if q.syllabic != c.syllabic and matches and max(uq, uc):
        # a Chinese name has no optional middle names: a syllable left over is another name
        conflict = max(uq, uc)
        notes.append("a name written in Chinese characters must match syllable for syllable")
    if conflict:
        score -= CONFLICT_PENALTY * conflict / min(wq, wc)
    elif not forgiving and matches and (extra := _extra(q, rq, free_q) or _extra(c, rc, free_c)):
        score -= EXTRA_PENALTY * min(1.0, extra)
        side = "query" if free_q else "listed name"
        notes.append(f"a distinctive word only the {side} has lowers the score")
    common = sorted({t for t in (*q.tokens, *c.tokens) if stats.rarity(t) < NOTE_RARITY})
    if common:
        listed = ", ".join(f"'{t}' ({stats.rarity(t):.2f})" for t in common)
        notes.append(f"common on the list, so weighing less: {listed}")
    score = max(0.0, min(1.0, score))
    reasons = _reasons(q, c, matches, free_q, free_c) + tuple(notes)
    return NameScore(score, tuple(matches), reasons)


def _reasons(
    q: NameKey, c: NameKey, matches: list[TokenMatch], free_q: list[int], free_c: list[int]
) -> tuple[str, ...]:
    out: list[str] = []
    if not free_q and not free_c and all(m.kind == "exact" for m in matches):
        out.append("all name tokens match in another order")
    for m in sorted(matches, key=lambda m: m.cand):
        theirs = " ".join(c.tokens[j] for j in m.cand)
        ours = " ".join(q.tokens[i] for i in m.query)
        if m.kind == "typo":
            out.append(f"{m.edits} typo{'s' if m.edits > 1 else ''} in '{theirs}'")
        elif m.kind == "variant":
            out.append(f"'{ours}' is a spelling variant of '{theirs}'")
        elif m.kind == "initial":
            out.append(f"initial '{ours}' stands for '{theirs}'")
        elif m.kind == "joined":
            out.append(f"'{ours}' matches '{theirs}' written apart")
        elif m.kind == "acronym":
            out.append(f"'{ours}' abbreviates '{theirs}'")
    if free_q and free_c:
        ours = " ".join(q.tokens[i] for i in free_q)
        theirs = " ".join(c.tokens[j] for j in free_c)
        out.append(f"'{ours}' differs from '{theirs}' (score lowered)")
    elif free_c:
        out.append(f"listed name has more: '{' '.join(c.tokens[j] for j in free_c)}'")
    elif free_q:
        out.append(f"query has more: '{' '.join(q.tokens[i] for i in free_q)}'")
    if not matches:
        out.append("no name token matches")
    return tuple(out)
