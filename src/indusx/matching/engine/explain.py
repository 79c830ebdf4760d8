"""One-sentence reasons for suggestions, built only from what the two profiles really hold.

A reason names the candidate (country, kind, name), the facts of its profile that the mode
cares about (TRL, stage, what it seeks, an investor's stages and tickets), then the evidence
the two sides share: focus areas (or adjacent ones), the thesis parts that fit, and the
capability terms both texts contain. When little overlaps, it says so.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from indusx.matching.engine.profile import Evidence, Passage, Profile
from indusx.matching.engine.text import join_words, phrase_keys, shared_terms, snippet, tokenize

KIND_NOUNS = {
    "startup": "start-up", "msme": "MSME", "large_company": "large company",
    "prime": "prime contractor", "investor": "investor", "accelerator": "accelerator",
    "academic": "research institution", "government": "government agency",
    "test_facility": "test facility", "mentor": "mentor",
}
COUNTRY_ADJECTIVES = {"IN": "Indian", "US": "US"}
SEEKING_PHRASES = {
    "co_development": "co-development", "co_production": "co-production",
    "investment": "investment", "customers": "customers", "test_facilities": "test facilities",
    "mentoring": "mentoring", "research_partner": "research partners",
}
STAGE_NAMES = {
    "pre_seed": "pre-seed", "seed": "seed", "series_a": "Series A", "series_b": "Series B",
    "series_c_plus": "Series C+", "growth": "growth", "public": "listed",
    "bootstrapped": "bootstrapped",
}
FOCUS_NAMES = {
    "air-combat": "air combat", "land-mobility": "land mobility", "isr": "ISR",
    "munitions": "munitions", "undersea": "the undersea domain",
    "jet-propulsion": "jet propulsion", "artillery": "artillery",
    "armoured-vehicles": "armoured vehicles",
    "maritime-domain-awareness": "maritime domain awareness", "space": "space",
    "cyber": "cyber", "ai-autonomy": "AI and autonomy",
}
THESIS_PART_NAMES = {
    "focus": "areas", "stage": "stage", "country": "country", "ticket": "ticket size",
}
TRL_MODES = frozenset({"co-development", "co-production", "research"})
REASON_TERMS = 3


@dataclass(frozen=True, slots=True)
class Explanation:
    """A reason with the evidence behind it."""

    reason: str
    shared_focus: tuple[str, ...]
    shared_terms: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def texts(profile: Profile) -> list[str]:
    """Return the texts of a profile without its name (a name is no shared capability)."""
    out = [profile.description, profile.capabilities, *(p.text for p in profile.passages)]
    return list(dict.fromkeys(t for t in out if t))


def body(profile: Profile) -> str:
    """Return the texts of a profile as one."""
    return "\n".join(texts(profile))


def focus_name(slug: str, labels: Mapping[str, str]) -> str:
    """Return how a focus area reads in a sentence."""
    return labels.get(slug) or FOCUS_NAMES.get(slug) or slug.replace("-", " ")


def _money(usd: int) -> str:
    if usd >= 1_000_000:
        return f"${usd / 1_000_000:g}M"
    if usd >= 1_000:
        return f"${usd / 1_000:g}k"
    return f"${usd}"


def _who(p: Profile) -> str:
    adjective = COUNTRY_ADJECTIVES.get(str(p.country), "")
    noun = KIND_NOUNS.get(str(p.kind), "organisation")
    return " ".join(x for x in (adjective, noun, p.name) if x)


def _facts(mode: str, p: Profile, seeks: Sequence[str]) -> list[str]:
    facts: list[str] = []
    if mode in TRL_MODES and p.max_trl:
        facts.append(f"works up to TRL {p.max_trl}")
    if mode == "investment":
        th = p.thesis
        if str(p.kind) == "investor" and th is not None:
            if th.stages:
                stages = [STAGE_NAMES.get(s, s) for s in sorted(th.stages, key=_stage_order)]
                facts.append(f"invests at {join_words(stages)}")
            if th.ticket_min_usd and th.ticket_max_usd:
                facts.append(
                    f"writes tickets of {_money(th.ticket_min_usd)} to "
                    f"{_money(th.ticket_max_usd)}"
                )
        elif p.stage and str(p.kind) != "investor":
            facts.append(f"is at the {STAGE_NAMES.get(str(p.stage), str(p.stage))} stage")
    if seeks:
        facts.append(f"seeks {join_words([SEEKING_PHRASES.get(s, s) for s in seeks])}")
    return facts


def _stage_order(stage: str) -> int:
    return list(STAGE_NAMES).index(stage) if stage in STAGE_NAMES else len(STAGE_NAMES)


def _thesis_clause(parts: Mapping[str, float], candidate_invests: bool) -> str:
    fits = [THESIS_PART_NAMES[k] for k, v in parts.items() if v >= 0.99]
    misses = [THESIS_PART_NAMES[k] for k, v in parts.items() if v <= 0.01]
    if not fits and not misses:
        return ""
    if candidate_invests:
        text = f"its thesis fits your {join_words(fits)}" if fits else "its thesis"
        if misses:
            text += f"{',' if fits else ''} not your {join_words(misses)}"
        return text
    text = f"it fits your thesis on {join_words(fits)}" if fits else "it fits your thesis"
    if misses:
        text += f"{',' if fits else ''} not on {join_words(misses)}"
    return text


Weight = Callable[[str], float]
Keys = frozenset[tuple[str, ...]]


def keys(profile: Profile) -> Keys:
    """Return the phrase keys of a profile's texts, to compare many profiles against it."""
    return phrase_keys(_joined(profile))


def _joined(profile: Profile) -> str:
    # "|" ends a phrase, so no two-word term straddles two texts.
    return " | ".join(texts(profile))


def _terms(query: Keys, doc: str, weight: Weight | None, min_weight: float) -> list[str]:
    """Return the terms `doc` shares with the query keys, without those weighing too little."""
    found = shared_terms(query, doc, weight)
    if weight is None or min_weight <= 0:
        return found
    return [t for t in found if sum(weight(w) for w in tokenize(t)) >= min_weight]


def _evidence(
    source_keys: Keys,
    candidate: Profile,
    weight: Weight | None,
    min_weight: float,
) -> tuple[Evidence, ...]:
    passages = list(candidate.passages) or [
        Passage(label, text)
        for label, text in (("Capabilities", candidate.capabilities),
                            ("Description", candidate.description))
        if text
    ]
    found: list[Evidence] = []
    for p in passages:
        terms = _terms(source_keys, p.text, weight, min_weight)
        if terms:
            found.append(Evidence(p.label, snippet(p.text, terms), min(1.0, len(terms) / 5)))
    found.sort(key=lambda e: -e.score)
    return tuple(found[:2])


def describe(
    mode: str,
    source: Profile,
    candidate: Profile,
    *,
    seeks: Sequence[str] = (),
    adjacent: Sequence[tuple[str, str]] = (),
    thesis: Mapping[str, float] | None = None,
    semantic: float = 0.0,
    focus_labels: Mapping[str, str] | None = None,
    term_weight: Weight | None = None,
    min_term_weight: float = 0.0,
    source_keys: Keys | None = None,
) -> Explanation:
    """Return the one-sentence reason `candidate` suits `source`, and its evidence.

    `seeks` are the candidate's seeking values that count in the mode, `adjacent` the
    (candidate area, source area) pairs of adjacent focus areas, `thesis` the thesis parts of
    an investment pair; every clause of the reason comes from these or from the profiles.
    `source_keys` (from `keys(source)`) saves recomputing them per candidate.
    """
    labels = focus_labels or {}
    shared_focus = tuple(sorted(source.focus & candidate.focus))
    if source_keys is None:
        source_keys = keys(source)
    terms = tuple(_terms(source_keys, _joined(candidate), term_weight, min_term_weight))
    facts = _facts(mode, candidate, seeks)
    first = _who(candidate) + (" " + join_words(facts) if facts else "")
    overlap: list[str] = []
    if shared_focus:
        overlap.append(f"you share {join_words([focus_name(a, labels) for a in shared_focus])}")
    elif adjacent:
        theirs, yours = adjacent[0]
        overlap.append(
            f"its work in {focus_name(theirs, labels)} is next to yours in "
            f"{focus_name(yours, labels)}"
        )
    if terms:
        subject = {"mentor": "their expertise overlaps", "investor": "its profile overlaps"}.get(
            str(candidate.kind), "its capabilities overlap"
        )
        overlap.append(f"{subject} on {', '.join(terms[:REASON_TERMS])}")
    elif semantic >= 0.5:
        overlap.append("its profile reads close to yours, though no key term is shared")
    elif overlap:
        overlap[-1] += ", but capabilities overlap little"
    else:
        overlap.append("capabilities overlap little")
    clauses = [first, " and ".join(overlap)]
    if thesis:
        clause = _thesis_clause(thesis, str(candidate.kind) == "investor")
        if clause:
            clauses.append(clause)
    reason = "; ".join(clauses) + "."
    return Explanation(
        reason=reason[0].upper() + reason[1:],
        shared_focus=shared_focus,
        shared_terms=terms,
        evidence=_evidence(source_keys, candidate, term_weight, min_term_weight),
    )
