"""Directory search: full text (PostgreSQL tsvector or SQLite FTS5), facets with counts.

Facets are disjunctive: the counts of one facet apply every filter except its own, so a
user can widen a selection within a facet and see what each choice would add.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, selectinload

from indusx.orgs.models import FocusArea, Organisation, seeking_bit
from indusx.orgs.taxonomy import (
    COUNTRY_LABELS,
    KIND_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
    Country,
    FundingStage,
    OrgKind,
    Seeking,
)

MAX_PAGE_SIZE = 100
MAX_TERMS = 12
STOPWORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
        "it", "of", "on", "or", "the", "to", "with",
    ]
)
TRL_BANDS = (("1-3", 1, 3), ("4-6", 4, 6), ("7-9", 7, 9))
FACET_COLUMNS = ("country", "kind", "funding_stage", "max_trl", "focus_mask", "seeking_mask")


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"
    UPDATED = "updated"
    TRL = "trl"


SORT_LABELS = {
    Sort.RELEVANCE: "Best match",
    Sort.NAME: "Name (A-Z)",
    Sort.NEWEST: "Newest",
    Sort.UPDATED: "Recently updated",
    Sort.TRL: "Highest TRL",
}


@dataclass(slots=True)
class OrgQuery:
    """A directory query: text, facet selections, TRL range, sort and page."""

    q: str = ""
    country: list[Country] = field(default_factory=list)
    kind: list[OrgKind] = field(default_factory=list)
    focus_area: list[str] = field(default_factory=list)
    seeking: list[Seeking] = field(default_factory=list)
    stage: list[FundingStage] = field(default_factory=list)
    trl_min: int | None = None
    trl_max: int | None = None
    sort: Sort | None = None
    page: int = 1
    page_size: int = 20

    @property
    def effective_sort(self) -> Sort:
        if self.sort is None or (self.sort is Sort.RELEVANCE and not terms(self.q)):
            return Sort.RELEVANCE if terms(self.q) else Sort.NAME
        return self.sort


@dataclass(slots=True)
class SearchResult:
    items: list[Organisation]
    total: int
    facets: dict[str, list[tuple[str, str, int]]]  # facet -> [(value, label, count)]


def terms(q: str) -> list[str]:
    """Return the search words of a query: lower-cased, without stop words, at most 12."""
    words = [w for w in re.findall(r"\w+", q.lower()) if w]
    kept = [w for w in words if w not in STOPWORDS] or words
    return kept[:MAX_TERMS]


@dataclass(slots=True)
class _TextMatch:
    condition: ColumnElement[bool]
    rank: ColumnElement[Any] | None  # PostgreSQL: a column expression, higher is better
    ranked: Any = None  # SQLite: a subquery (id, rank) to join for ordering


def _text_match(session: Session, q: str) -> _TextMatch | None:
    """Return how to match (and rank) organisations for q: every word must occur (stemmed)."""
    words = terms(q)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery("english", " & ".join(words))
        vector: ColumnElement[Any] = literal_column("organisation.search_vector")
        return _TextMatch(condition=vector.op("@@")(tsq), rank=func.ts_rank(vector, tsq))
    fts = text("organisation_fts MATCH :fts_query").bindparams(
        fts_query=" AND ".join(f'"{w}"' for w in words)
    )
    ranked: Any = (
        select(
            literal_column("organisation_fts.rowid").label("id"),
            # bm25 is lower-is-better; the name column weighs ten times the rest.
            (-literal_column("bm25(organisation_fts, 10.0, 1.0)")).label("rank"),
        )
        .select_from(text("organisation_fts"))
        .where(fts)
    )
    ids: Select[Any] = select(literal_column("organisation_fts.rowid")).select_from(
        text("organisation_fts")).where(fts)
    return _TextMatch(condition=Organisation.id.in_(ids), rank=None, ranked=ranked.subquery())


def _has_bits(column: Any, bits: int) -> ColumnElement[bool]:
    return column.bitwise_and(bits) != 0


def _facet_options(
    o: Any, areas: list[tuple[str, str, int]]
) -> dict[str, list[tuple[str, str, ColumnElement[bool]]]]:
    """Return, per facet, its values as (value, label, condition) over the columns o."""
    return {
        "country": [(c.value, COUNTRY_LABELS[c], o.country == c) for c in Country],
        "kind": [(k.value, KIND_LABELS[k], o.kind == k) for k in OrgKind],
        "focus_area": [(slug, name, _has_bits(o.focus_mask, 1 << bit))
                       for slug, name, bit in areas],
        "seeking": [(s.value, SEEKING_LABELS[s], _has_bits(o.seeking_mask, 1 << seeking_bit(s)))
                    for s in Seeking],
        "stage": [(s.value, STAGE_LABELS[s], o.funding_stage == s) for s in FundingStage],
        "trl": [(label, f"TRL {label}", o.max_trl.between(lo, hi)) for label, lo, hi in TRL_BANDS],
    }


def _filters(
    o: Any, query: OrgQuery, area_bits: dict[str, int]
) -> dict[str, ColumnElement[bool]]:
    """Return the facet filters of a query over the columns o: OR within, AND across facets."""
    conds: dict[str, ColumnElement[bool]] = {}
    if query.country:
        conds["country"] = o.country.in_(query.country)
    if query.kind:
        conds["kind"] = o.kind.in_(query.kind)
    if query.stage:
        conds["stage"] = o.funding_stage.in_(query.stage)
    if query.focus_area:
        bits = 0
        for slug in query.focus_area:
            bits |= 1 << area_bits[slug] if slug in area_bits else 0
        # An unknown slug matches nothing rather than being silently ignored.
        conds["focus_area"] = _has_bits(o.focus_mask, bits) if bits else false()
    if query.seeking:
        bits = sum(1 << seeking_bit(s) for s in set(query.seeking))
        conds["seeking"] = _has_bits(o.seeking_mask, bits)
    if query.trl_min is not None or query.trl_max is not None:
        conds["trl"] = o.max_trl.between(query.trl_min or 1, query.trl_max or 9)
    return conds


def search_orgs(
    *, session: Session, query: OrgQuery, with_facets: bool = True
) -> SearchResult:
    """Return one page of matching organisations, the total, and facet counts.

    Facets are disjunctive: each facet's counts apply every filter but its own. The total
    and all counts come from one aggregate pass over the text matches.
    """
    areas = [(slug, name, bit) for slug, name, bit in session.execute(
        select(FocusArea.slug, FocusArea.name, FocusArea.bit).order_by(FocusArea.name))]
    match = _text_match(session, query.q)
    area_bits = {slug: bit for slug, _, bit in areas}
    base = [match.condition] if match is not None else []

    # Count over the text matches, materialised first: otherwise PostgreSQL may choose to
    # evaluate the text match on every row (with its many aggregates) instead of the index.
    source: Any = Organisation.__table__
    if match is not None:
        source = (
            select(*(Organisation.__table__.c[name] for name in FACET_COLUMNS))
            .where(match.condition)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
    cols = source.c
    count_filters = _filters(cols, query, area_bits)
    options = _facet_options(cols, areas) if with_facets else {}
    aggregates: list[Any] = [func.count().filter(and_(true(), *count_filters.values()))]
    for name, values in options.items():
        others = [c for k, c in count_filters.items() if k != name]
        aggregates += [func.count().filter(and_(cond, *others)) for _, _, cond in values]
    row = session.execute(select(*aggregates).select_from(source)).one()
    filters = _filters(Organisation, query, area_bits)
    total = int(row[0])
    facets: dict[str, list[tuple[str, str, int]]] = {}
    position = 1
    for name, values in options.items():
        facets[name] = [(v, label, int(row[position + i])) for i, (v, label, _) in
                        enumerate(values)]
        position += len(values)
    if "focus_area" in facets:
        facets["focus_area"].sort(key=lambda item: (-item[2], item[1]))

    stmt = select(Organisation).where(*base, *filters.values())
    sort = query.effective_sort
    if sort is Sort.RELEVANCE and match is not None:
        if match.rank is not None:
            stmt = stmt.order_by(match.rank.desc(), Organisation.name, Organisation.id)
        else:
            stmt = stmt.join(match.ranked, match.ranked.c.id == Organisation.id).order_by(
                match.ranked.c.rank.desc(), Organisation.name, Organisation.id
            )
    elif sort is Sort.NEWEST:
        stmt = stmt.order_by(Organisation.created_at.desc(), Organisation.id.desc())
    elif sort is Sort.UPDATED:
        stmt = stmt.order_by(Organisation.updated_at.desc(), Organisation.id.desc())
    elif sort is Sort.TRL:
        stmt = stmt.order_by(Organisation.max_trl.desc().nulls_last(), Organisation.name,
                             Organisation.id)
    else:
        stmt = stmt.order_by(Organisation.name, Organisation.id)
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    stmt = (
        stmt.options(selectinload(Organisation.focus_areas),
                     selectinload(Organisation.seeking_links))
        .offset((max(query.page, 1) - 1) * page_size)
        .limit(page_size)
    )
    items = list(session.scalars(stmt).all())
    return SearchResult(items=items, total=total, facets=facets)
