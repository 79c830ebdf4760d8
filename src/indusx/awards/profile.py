"""Build an imported firm's description and capabilities from its awards (pure functions).

The texts depend only on the firm's own awards, so importing the same awards again gives the
same texts, and a firm's profile changes only when its awards do.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

MAX_TITLES = 25
MAX_TERMS = 12
MAX_CAPABILITIES = 4000  # the profile form accepts 5,000 characters
MAX_DESCRIPTION = 1000
MAX_BRANCHES = 5

# Function words and the boilerplate of SBIR proposals, which say nothing about a firm.
_STOPWORD_TEXT = """
a about above across addition additional address advanced after all allow also an and any
applicable application applications approach approaches are as at available based be been
being benefit benefits between both build but by can capabilities capability capable
commercial commercialization component components concept cost current currently data
demonstrate demonstrated demonstrating demonstration design designed designs develop
developed developing development device devices due during each effective effort efforts
enable enhanced existing feasibility first for from full fully further future goal goals has
have high highly however if improve improved improvement in include including increase
innovative into is it its key large level low many may meet method methods military more
most multiple need needed needs new novel objective objectives of on one operational or other
our over performance phase potential process program project proposal propose proposed
proposes prototype provide provided provides providing rapid reduce reduced related required
requirements research result results sbir several significant significantly small solution
solutions such successful support system systems task tasks team technical techniques
technologies technology test tested testing than that the their them then there these they
this those three through time to tool tools two under unique use used uses using various very
via was we well when where which while will with within without work would ii iii inc llc
corp corporation company ability able achieve achieved actual additionally advance
advantage advantages allows already although among another army assess assessment associated
available basis become begin beyond cannot case certain change changes clear combined common
complete completed complex comprehensive concepts conduct considered continue contract
control critical darpa defense department determine different difficult directly dod does
effect effectively effects efficient end enables ensure environment environments establish
evaluate evaluated example expected experience experts extend extremely fact feasible field
fill final focus following force found full-scope general given greater help identified
identify implement implementation important included increased industry initial instead
integrated integrate involve issues just known laboratory large larger later leader least
less like likely limited located long made main major make making market much must
necessary next not now number obtain offer often only order others overall part particular
perform performed place plan plans possible potentially present previous primary problem
problems produce product products provides quality range rather real reduction relatively
require requires resulting same scale second show shown significant simple since specific
state study successfully suitable technical thus total toward type typical understanding up
utilize utilized utilizing value way ways what whether who wide widely year years mda navy
usaf proven proved enhance conditions
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")  # numbers and part numbers ("x256") are no terms


@dataclass(frozen=True, slots=True)
class AwardFacts:
    """What the profile texts are built from: one award."""

    year: int
    title: str
    abstract: str = ""
    agency: str = ""
    branch: str = ""
    program: str = ""
    phase: str = ""


def _terms(text: str, drop: frozenset[str]) -> list[str]:
    """Return the words and two-word phrases of a text; a dropped word breaks a phrase."""
    words = [w if len(w) > 2 and w not in drop else "" for w in _WORD.findall(text.lower())]
    pairs = [f"{a} {b}" for a, b in pairwise(words) if a and b and a != b]
    return [w for w in words if w] + pairs


def key_terms(
    awards: Sequence[AwardFacts], limit: int = MAX_TERMS, firm_words: Iterable[str] = ()
) -> list[str]:
    """Return the terms that recur across a firm's awards, most widespread first.

    The words of the firm's own name (`firm_words`) are left out: they say who, not what.
    """
    drop = STOPWORDS | frozenset(firm_words)
    spread: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for award in awards:
        terms = _terms(f"{award.title}\n{award.abstract}", drop)
        spread.update(set(terms))
        total.update(terms)
    minimum = 2 if len(awards) > 1 else 1
    ranked = sorted(
        (t for t in spread if spread[t] >= minimum and total[t] >= 2),
        key=lambda t: (-spread[t], -(" " in t), -total[t], t),
    )
    chosen: list[str] = []
    for term in ranked:
        words = term.split()
        if len(words) == 1 and any(term in c.split() for c in chosen):
            continue
        chosen = [c for c in chosen if not (" " not in c and c in words)]
        chosen.append(term)
        if len(chosen) >= limit:
            break
    return chosen


def _newest_first(awards: Sequence[AwardFacts]) -> list[AwardFacts]:
    return sorted(awards, key=lambda a: (-a.year, a.title))


def build_capabilities(awards: Sequence[AwardFacts], firm_words: Iterable[str] = ()) -> str:
    """Return the capabilities text: recurring terms, then award titles newest first."""
    lines = []
    terms = key_terms(awards, firm_words=firm_words)
    if terms:
        lines.append("Key terms: " + ", ".join(terms) + ".")
    lines.append("Award titles (newest first):")
    size = sum(len(line) + 1 for line in lines)
    ordered = _newest_first(awards)
    shown = 0
    for award in ordered[:MAX_TITLES]:
        line = f"- {award.year}: {' '.join(award.title.split())}"
        if size + len(line) + 40 > MAX_CAPABILITIES:
            break
        lines.append(line)
        size += len(line) + 1
        shown += 1
    if shown < len(ordered):
        rest = len(ordered) - shown
        lines.append(f"- and {rest} earlier award{'s' if rest != 1 else ''}")
    return "\n".join(lines)


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _kinds(awards: Sequence[AwardFacts]) -> str:
    agencies = sorted({a.agency for a in awards if a.agency})
    agency = "DoD" if agencies == ["Department of Defense"] else "/".join(agencies)
    programs = "/".join(sorted({a.program for a in awards if a.program}))
    phases = "/".join(sorted({a.phase for a in awards if a.phase}))
    return " ".join(p for p in (agency, programs, phases) if p)


def build_description(awards: Sequence[AwardFacts]) -> str:
    """Return a factual description: how many awards, which years, from whom."""
    n = len(awards)
    years = sorted({a.year for a in awards})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    kinds = _kinds(awards)
    text = f"US small business with {n} {kinds + ' ' if kinds else ''}award{'s' if n != 1 else ''}"
    text += f" ({span})"
    branches = sorted(Counter(a.branch for a in awards if a.branch).items(),
                      key=lambda item: (-item[1], item[0]))
    if branches:
        named = [f"{b} ({c})" if n > 1 else b for b, c in branches[:MAX_BRANCHES]]
        if len(branches) > MAX_BRANCHES:
            others = len(branches) - MAX_BRANCHES
            named.append(f"{others} other{'s' if others != 1 else ''}")
        text += " from " + _join(named)
    text += ". Profile built from public SBIR award data; not checked by the firm."
    return text[:MAX_DESCRIPTION]
