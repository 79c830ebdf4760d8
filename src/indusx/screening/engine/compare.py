"""One query against one list entry: the best of its names, then the facts both sides know."""

from collections.abc import Sequence

from indusx.screening.engine.names import NameKey, name_key
from indusx.screening.engine.score import name_score
from indusx.screening.engine.stats import NO_STATS, TokenStats
from indusx.screening.engine.types import EntityType, Hit, IndexEntry, Query

WEAK_ALIAS_FACTOR = 0.85
COUNTRY_MATCH = 0.05
COUNTRY_DIFFERS = -0.15
# Organisations rarely move across countries (people hold other nationalities and move): a
# firm of a similar, not equal, name in another country is lowered more. An equal name keeps
# the ordinary step, since a branch or front company abroad is worth a look.
ENTITY_COUNTRY_DIFFERS = -0.25
BIRTH_DATE_MATCH = 0.08
BIRTH_YEAR_MATCH = 0.05
BIRTH_YEAR_DIFFERS = -0.20  # two to four years from every listed year
BIRTH_YEAR_FAR = -0.35  # five years or more: another person of the same name
TYPE_DIFFERS = -0.30


def entry_keys(entry: IndexEntry) -> list[tuple[NameKey, str]]:
    """Return the comparable names of an entry with their kind: name, alias or weak alias."""
    out = []
    for i, name in enumerate(entry.names):
        out.append((name_key(name), "name" if i == 0 else "alias"))
    out.extend((name_key(name), "weak") for name in entry.weak_names)
    return [(k, kind) for k, kind in out if k.tokens]


def _facts(query: Query, entry: IndexEntry, exact: bool) -> tuple[float, list[str], list[str]]:
    """Return the score change the facts make, their reasons and the fields that matched."""
    delta = 0.0
    reasons: list[str] = []
    fields: list[str] = []
    if query.country and entry.countries:
        country = query.country.upper()
        if country in entry.countries:
            delta += COUNTRY_MATCH
            reasons.append(f"country {country} matches")
            fields.append("country")
        else:
            listed = ", ".join(sorted(entry.countries))
            entity = not exact and entry.entity_type == EntityType.ENTITY
            entity = entity and query.entity_type in (EntityType.ENTITY, None)
            delta += ENTITY_COUNTRY_DIFFERS if entity else COUNTRY_DIFFERS
            what = "similar organisation's country" if entity else "country"
            reasons.append(f"{what} {country} differs from {listed} (score lowered)")
    if query.birth_date and entry.birth_dates:
        change, reason = _birth(query.birth_date, entry.birth_dates)
        delta += change
        reasons.append(reason)
        if change > 0:
            fields.append("birth_date")
    if query.entity_type and entry.entity_type:
        if query.entity_type == entry.entity_type:
            fields.append("type")
        elif {query.entity_type, entry.entity_type} != {EntityType.VESSEL, EntityType.AIRCRAFT}:
            delta += TYPE_DIFFERS
            reasons.append(
                f"entity type differs: {query.entity_type.value} against "
                f"{entry.entity_type.value} (score lowered)"
            )
    return delta, reasons, fields


def _birth(date: str, listed: Sequence[str]) -> tuple[float, str]:
    if date in listed and len(date) == 10:
        return BIRTH_DATE_MATCH, f"birth date {date} matches"
    year = date[:4]
    years = sorted({d[:4] for d in listed if d[:4].isdigit()})
    if year in years:
        return BIRTH_YEAR_MATCH, f"birth year {year} matches"
    if not year.isdigit() or not years:
        return 0.0, f"birth date {date} cannot be compared with {', '.join(listed)}"
    gap = min(abs(int(year) - int(y)) for y in years)
    if gap <= 1:
        return 0.0, f"birth year {year} is within a year of {', '.join(years)}"
    change = BIRTH_YEAR_DIFFERS if gap < 5 else BIRTH_YEAR_FAR
    return change, f"birth year {year} is {gap} years from {', '.join(years)} (score lowered)"


def score_entry(
    query: Query,
    qkey: NameKey,
    entry: IndexEntry,
    keys: Sequence[tuple[NameKey, str]] | None = None,
    stats: TokenStats = NO_STATS,
) -> Hit | None:
    """Return the entry scored against an already normalised query."""
    best = None
    person = EntityType.PERSON in (query.entity_type, entry.entity_type)
    # a lone short word with a typo needs the facts on its side: the same entity type, and
    # the query's country, if it gives one, among the listed ones
    facts_agree = query.entity_type is not None and query.entity_type == entry.entity_type
    if query.country:
        facts_agree = facts_agree and query.country.upper() in entry.countries
    for key, kind in keys if keys is not None else entry_keys(entry):
        ns = name_score(qkey, key, person, stats, facts_agree)
        score = ns.score * (WEAK_ALIAS_FACTOR if kind == "weak" else 1.0)
        if best is None or score > best[0]:
            best = (score, ns, key, kind)
    if best is None:
        return None
    name_sc, ns, key, kind = best
    reasons = list(ns.reasons)
    if kind == "alias":
        reasons.insert(0, f"alias '{key.original}' matches")
    elif kind == "weak":
        reasons.insert(0, f"weak alias '{key.original}' matches (score lowered)")
    delta, fact_reasons, fields = _facts(query, entry, name_sc >= 1.0)
    score = max(0.0, min(1.0, name_sc + delta if name_sc > 0 else 0.0))
    return Hit(
        key=entry.key,
        matched_name=key.original,
        score=round(score, 4),
        name_score=round(name_sc, 4),
        reasons=tuple(reasons + fact_reasons),
        matched_fields=("name" if kind == "name" else "alias", *fields),
    )


def compare(query: Query, entry: IndexEntry) -> Hit | None:
    """Return the query scored against one entry, below threshold too; None if no names."""
    qkey = name_key(query.name)
    if not qkey.tokens:
        return None
    return score_entry(query, qkey, entry)
